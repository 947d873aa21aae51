package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atazan/corpus"
	"atazan/internal/testsupport"
	"atazan/rag/answer"
)

// ragEnv runs atazan offline over the small invented constitutions of
// rag/testdata, with a data dir of its own.
func ragEnv(t *testing.T) func(args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env := map[string]string{
		"ATAZAN_DATA_DIR":   t.TempDir(),
		"ATAZAN_MODEL_DIR":  testsupport.ModelDir(t),
		"ATAZAN_CORPUS_SRC": filepath.Join("rag", "testdata", "corpus-src"),
		"ATAZAN_LOG_FORMAT": "text",
		"ATAZAN_LOG_LEVEL":  "error",
	}
	return func(args ...string) (int, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
		return code, out.String(), errb.String()
	}
}

func TestAskText(t *testing.T) {
	run := ragEnv(t)
	code, out, errs := run("ask", "Запрещена ли смертная казнь?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Смертная казнь запрещена.") || !strings.Contains(out, "ст. 3, п. 2") {
		t.Errorf("answer lacks the quote or its citation:\n%s", out)
	}
}

func TestAskJSON(t *testing.T) {
	run := ragEnv(t)
	code, out, errs := run("ask", "--json", "--lang", "kk", "Өлім жазасы бар ма?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Answer struct {
			Lang string `json:"lang"`
			Mode string `json:"mode"`
		} `json:"answer"`
		Citations []struct {
			Doc, Article, Text string
		} `json:"citations"`
		Hits []struct {
			Score    float64            `json:"score"`
			Channels map[string]float64 `json:"channels"`
		} `json:"hits"`
		Timings struct {
			RetrievalMS float64 `json:"retrieval_ms"`
		} `json:"timings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Answer.Lang != "kk" || got.Answer.Mode != "extractive" {
		t.Errorf("answer %+v, want an extractive Kazakh answer", got.Answer)
	}
	if len(got.Citations) == 0 || got.Citations[0].Article != "3" || !strings.Contains(got.Citations[0].Text, "3-бап") {
		t.Errorf("citations = %+v, want article 3 rendered in Kazakh", got.Citations)
	}
	if len(got.Hits) == 0 || got.Hits[0].Channels["bm25"] <= 0 || got.Timings.RetrievalMS <= 0 {
		t.Errorf("hits %+v, timings %+v: want scores per channel and a retrieval time", got.Hits, got.Timings)
	}
}

func TestAskRejectsBadInput(t *testing.T) {
	run := ragEnv(t)
	for _, args := range [][]string{{"ask"}, {"ask", "--lang", "en", "вопрос"}, {"ask", "--nope", "вопрос"}} {
		if code, _, _ := run(args...); code == 0 {
			t.Errorf("%v: exit 0, want an error", args)
		}
	}
}

func TestEval(t *testing.T) {
	run := ragEnv(t)
	set := filepath.Join(t.TempDir(), "set.jsonl")
	lines := `{"id": "1", "lang": "ru", "kind": "direct", "q": "Запрещена ли смертная казнь?", "gold": [{"doc": "kz2026", "article": "3"}]}
{"id": "2", "lang": "kk", "kind": "direct", "q": "Әскери қызмет міндетті ме?", "gold": [{"doc": "kz2026", "article": "5"}]}
{"id": "3", "lang": "ru", "kind": "offtopic", "q": "Какая погода завтра?", "gold": []}
`
	if err := os.WriteFile(set, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("eval", "--set", set, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, key := range []string{"hit_at_1", "hit_at_5", "recall_at_5", "mrr_at_10", "abstain_rate", "false_abstain_rate", "p50_ms", "p95_ms", "by_kind", "by_lang"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("report lacks %q", key)
		}
	}
	if rep["hit_at_5"] != 1.0 || rep["abstain_rate"] != 1.0 {
		t.Errorf("hit_at_5 %v, abstain_rate %v; want 1 and 1 on this easy set", rep["hit_at_5"], rep["abstain_rate"])
	}

	code, out, _ = run("eval", "--set", set, "--misses")
	if code != 0 || !strings.Contains(out, "MRR@10") || !strings.Contains(out, "offtopic") {
		t.Errorf("text report (exit %d):\n%s", code, out)
	}
	for _, args := range [][]string{{"eval"}, {"eval", "--set", filepath.Join(t.TempDir(), "missing.jsonl")}, {"eval", "--set", set, "--k", "0"}} {
		if code, _, _ := run(args...); code == 0 {
			t.Errorf("%v: exit 0, want an error", args)
		}
	}
}

// TestAskSourcesReadAsInChat checks that "ask" lists sources with the
// renderer the messengers use: each article once, its points together.
func TestAskSourcesReadAsInChat(t *testing.T) {
	r := &answer.Result{Lang: corpus.RU, Lead: "Ответ.", Sources: []corpus.Ref{
		{Doc: "kz2026", Article: "39", Point: "2"}, {Doc: "kz2026", Article: "39", Point: "1"}, {Doc: "kz1995", Article: "33"},
	}}
	var out bytes.Buffer
	writeAnswerText(&out, r)
	if want := "Источники: ст. 39, пп. 1, 2; Конституция 1995 г., ст. 33\n"; !strings.Contains(out.String(), want) {
		t.Errorf("ask output:\n%s\nwant the line %q", &out, want)
	}
}
