package rag

import (
	"strings"
	"testing"
	"time"

	"atazan/corpus"
)

func TestReadEvalSet(t *testing.T) {
	good := `{"id": "a", "lang": "ru", "kind": "direct", "q": "Кто?", "gold": [{"doc": "kz2026", "article": "4"}]}

{"id": "b", "lang": "kk", "kind": "offtopic", "q": "Ауа райы?", "gold": []}
`
	items, err := ReadEvalSet(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Gold[0] != (corpus.Ref{Doc: "kz2026", Article: "4"}) || len(items[1].Gold) != 0 {
		t.Errorf("items = %+v", items)
	}
	for _, bad := range []string{
		`{"id": "a", "q": "x"}` + "\n" + `{not json}`,
		`{"id": "a", "q": ""}`,
		`{"id": "a", "q": "x", "gold": [{"doc": "kz2026"}]}`,
	} {
		if _, err := ReadEvalSet(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadEvalSet(%q) accepted a bad set", bad)
		}
	}
	if _, err := ReadEvalSet(strings.NewReader(`{"q": "x"}` + "\n" + `{"q": 5}`)); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error %v does not name line 2", err)
	}
}

func ref(doc, art string) corpus.Ref { return corpus.Ref{Doc: doc, Article: art} }

func TestScore(t *testing.T) {
	g := func(refs ...corpus.Ref) []corpus.Ref { return refs }
	results := []EvalResult{
		// gold first: hit@1, MRR 1
		{Item: EvalItem{Kind: "direct", Lang: "ru", Gold: g(ref("kz2026", "9"))}, Ranked: g(ref("kz2026", "9"), ref("kz2026", "1")), Took: 1 * time.Millisecond},
		// gold third of two golds: hit@5, recall 1/2, MRR 1/3
		{Item: EvalItem{Kind: "direct", Lang: "kk", Gold: g(ref("kz2026", "53"), ref("kz1995", "50"))}, Ranked: g(ref("kz2026", "1"), ref("kz2026", "2"), ref("kz2026", "53")), Took: 2 * time.Millisecond},
		// gold seventh: no hit@5, MRR 1/7
		{Item: EvalItem{Kind: "typo", Lang: "ru", Gold: g(ref("kz2026", "7"))}, Ranked: g(ref("kz2026", "1"), ref("kz2026", "2"), ref("kz2026", "3"), ref("kz2026", "4"), ref("kz2026", "5"), ref("kz2026", "6"), ref("kz2026", "7")), Took: 3 * time.Millisecond},
		// false abstain
		{Item: EvalItem{Kind: "typo", Lang: "ru", Gold: g(ref("kz2026", "7"))}, Took: 4 * time.Millisecond},
		// off-topic: one abstains, one does not
		{Item: EvalItem{Kind: "offtopic", Lang: "ru"}, Took: 5 * time.Millisecond},
		{Item: EvalItem{Kind: "offtopic", Lang: "kk"}, Ranked: g(ref("kz2026", "1")), Took: 100 * time.Millisecond},
	}
	rep := Score(results, 5)
	check := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", name, deref(got), want)
		}
	}
	check("hit@1", rep.HitAt1, 0.25)
	check("hit@5", rep.HitAtK, 0.5)
	check("recall@5", rep.RecallAtK, 0.375)
	check("MRR@10", rep.MRRAt10, 0.369) // (1 + 1/3 + 1/7 + 0) / 4, rounded
	check("abstain", rep.AbstainRate, 0.5)
	check("false abstain", rep.FalseAbstainRate, 0.25)
	if rep.Questions != 6 || rep.K != 5 {
		t.Errorf("questions %d, k %d", rep.Questions, rep.K)
	}
	if off := rep.ByKind["offtopic"]; off.HitAtK != nil || off.AbstainRate == nil || *off.AbstainRate != 0.5 {
		t.Errorf("offtopic kind = %+v, want no hit@5 and abstain 0.5", off)
	}
	check("typo hit@5", rep.ByKind["typo"].HitAtK, 0)
	check("kk MRR", rep.ByLang["kk"].MRRAt10, 0.333)
	if rep.P50ms != 3 || rep.P95ms != 100 {
		t.Errorf("p50 %v p95 %v, want 3 and 100", rep.P50ms, rep.P95ms)
	}
	// k changes the cut-off.
	check("hit@7", Score(results, 7).HitAtK, 0.75)
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
