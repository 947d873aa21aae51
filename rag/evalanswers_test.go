package rag

import (
	"context"
	"strings"
	"testing"

	"atazan/corpus"
)

func TestScoreAnswers(t *testing.T) {
	g := func(refs ...corpus.Ref) []corpus.Ref { return refs }
	results := []AnswerResult{
		// right lead, one of two citations gold, one of two facts
		{Item: EvalItem{Kind: "number", Lang: "ru", Gold: g(ref("kz2026", "6"))}, Cited: g(ref("kz2026", "6"), ref("kz2026", "5")), Facts: 2, FactsFound: 1},
		// wrong lead, the gold article second
		{Item: EvalItem{Kind: "direct", Lang: "kk", Gold: g(ref("kz2026", "3"))}, Cited: g(ref("kz2026", "4"), ref("kz2026", "3"))},
		// refused
		{Item: EvalItem{Kind: "direct", Lang: "ru", Gold: g(ref("kz2026", "2"))}, Refused: true, Facts: 1},
		// off-topic items are not answer questions
		{Item: EvalItem{Kind: "offtopic", Lang: "ru"}, Cited: g(ref("kz2026", "1"))},
	}
	rep := ScoreAnswers(results)
	check := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", name, deref(got), want)
		}
	}
	if rep.Answerable != 3 || rep.Facts != 3 {
		t.Errorf("answerable, facts = %d, %d; want 3, 3", rep.Answerable, rep.Facts)
	}
	check("lead", rep.LeadAccuracy, 0.333)
	check("precision", rep.CitationPrecision, 0.5)
	check("refused", rep.RefusedRate, 0.333)
	check("facts", rep.FactsFound, 0.333)
	check("number lead", rep.ByKind["number"].LeadAccuracy, 1)
	if rep.ByKind["direct"].FactsFound == nil || *rep.ByKind["direct"].FactsFound != 0 {
		t.Errorf("direct facts = %v, want 0", deref(rep.ByKind["direct"].FactsFound))
	}
	if rep.ByLang["kk"].FactsFound != nil {
		t.Errorf("kk has no facts but scored %v", *rep.ByLang["kk"].FactsFound)
	}
}

func TestEvaluateAnswersOnFixture(t *testing.T) {
	e, _ := fixtureEngine(t, t.TempDir(), Options{})
	set := `{"id": "n1", "lang": "ru", "kind": "number", "q": "Сколько депутатов в Курултае?", "gold": [{"doc": "kz2026", "article": "6"}], "facts": ["сорок\\w*\\s*пят|\\b145\\b", "тысяч"]}
{"id": "o1", "lang": "ru", "kind": "offtopic", "q": "Какая завтра погода в Астане?", "gold": []}`
	items, err := ReadEvalSet(strings.NewReader(set))
	if err != nil {
		t.Fatal(err)
	}
	rep, results, err := e.EvaluateAnswers(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].Item.ID != "n1" {
		t.Fatalf("results = %+v, want only the answerable question", results)
	}
	r := results[0]
	if !r.LeadRight() || r.Refused {
		t.Errorf("cited %v, refused %v; want article 6 first", r.Cited, r.Refused)
	}
	if r.Facts != 2 || r.FactsFound != 1 {
		t.Errorf("facts %d/%d in %q, want 1/2 (the number, not the made-up one)", r.FactsFound, r.Facts, r.Text)
	}
	if rep.FactsFound == nil || *rep.FactsFound != 0.5 {
		t.Errorf("facts found = %v, want 0.5", deref(rep.FactsFound))
	}

	bad := []EvalItem{{ID: "b", Q: "x", Gold: []corpus.Ref{ref("kz2026", "1")}, Facts: []string{"(unclosed"}}}
	if _, _, err := e.EvaluateAnswers(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "question b") {
		t.Errorf("a bad fact regex gave %v, want an error naming the question", err)
	}
}

func TestUnicodeWordsInFacts(t *testing.T) {
	tests := []struct {
		fact, text string
		want       bool
	}{
		{`сорок\w*\s*пят`, "из ста сорока пяти депутатов", true},
		{`пятидесят\w*\s*процент`, "более пятидесяти процентов", true},
		{`[\w-]+лет`, "двадцати-лет", true},
		{`\b145\b`, "из 145 депутатов", true},
		{`\b145\b`, "из 1450 депутатов", false},
		{`семь\Wлет`, "семьлет", false},
		{`\(7\)`, "срок (7) лет", true},
	}
	for _, tt := range tests {
		items := []EvalItem{{ID: "x", Q: "q", Facts: []string{tt.fact}}}
		re, err := compileFacts(items)
		if err != nil {
			t.Fatalf("%s: %v", tt.fact, err)
		}
		if got := re[0][0].MatchString(tt.text); got != tt.want {
			t.Errorf("fact %s on %q = %v, want %v", tt.fact, tt.text, got, tt.want)
		}
	}
}
