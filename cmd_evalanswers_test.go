package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalAnswers(t *testing.T) {
	run := ragEnv(t)
	dir := t.TempDir()
	set := filepath.Join(dir, "set.jsonl")
	lines := `{"id": "1", "lang": "ru", "kind": "direct", "q": "Запрещена ли смертная казнь?", "gold": [{"doc": "kz2026", "article": "3"}], "facts": ["запрещен"]}
{"id": "2", "lang": "ru", "kind": "number", "q": "Сколько депутатов в Курултае?", "gold": [{"doc": "kz2026", "article": "6"}], "facts": ["сорок\\w*\\s*пят|\\b145\\b", "двухсот"]}
{"id": "3", "lang": "ru", "kind": "offtopic", "q": "Какая погода завтра?", "gold": []}
`
	if err := os.WriteFile(set, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("eval", "--set", set, "--answers", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		HitAt1  *float64 `json:"hit_at_1"`
		Answers map[string]any
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.HitAt1 == nil {
		t.Errorf("the retrieval report is gone:\n%s", out)
	}
	want := map[string]float64{"answerable": 2, "lead_accuracy": 1, "citation_precision": 1, "refused_rate": 0, "facts": 3, "facts_found": 0.667}
	for key, v := range want {
		if got, ok := rep.Answers[key].(float64); !ok || got != v {
			t.Errorf("answers.%s = %v, want %v", key, rep.Answers[key], v)
		}
	}

	code, out, _ = run("eval", "--set", set, "--answers", "--misses")
	if code != 0 || !strings.Contains(out, "Answers (2 answerable questions, 3 facts)") || !strings.Contains(out, "facts 1/2") {
		t.Errorf("text report (exit %d):\n%s", code, out)
	}
	// Without --answers nothing is answered.
	if _, out, _ = run("eval", "--set", set, "--json"); strings.Contains(out, `"answers"`) {
		t.Errorf("answers scored without --answers:\n%s", out)
	}

	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"id": "b1", "q": "Запрещена ли смертная казнь?", "gold": [{"doc": "kz2026", "article": "3"}], "facts": ["(unclosed"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs = run("eval", "--set", bad, "--answers"); code == 0 || !strings.Contains(errs, "b1") {
		t.Errorf("a bad fact: exit %d, stderr %q; want an error naming the question", code, errs)
	}
}
