package rag

import "testing"

func TestCoverage(t *testing.T) {
	e, _ := fixtureEngine(t, t.TempDir(), Options{})
	idx := e.idx.Load()
	art := func(n string) articleKey { return articleKey{doc2026, n} }
	tests := []struct {
		name    string
		q       string
		full    []articleKey // articles that hold every word of the question
		partial []articleKey // articles that hold some of them
		none    []articleKey // articles that hold none
	}{
		{"one article", "смертная казнь запрещена", []articleKey{art("3")}, nil, []articleKey{art("4"), art("6")}},
		{"two concepts in two articles", "смертная казнь и обыск жилища", nil, []articleKey{art("3"), art("4")}, []articleKey{art("6")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an := idx.analyse(Question{Text: tt.q}, e.glossary)
			// The question's own words only: the glossary's expansions
			// reach words the small fixture lacks.
			var terms []weightedTerm
			for _, k := range an.own {
				terms = append(terms, weightedTerm{k, 1})
			}
			cv := idx.coverage(terms)
			for _, ak := range tt.full {
				if got := cv.articles[idx.articleIndex[ak]]; got < 0.999 || got > 1.001 {
					t.Errorf("coverage of %v = %.3f, want 1", ak, got)
				}
			}
			for _, ak := range tt.partial {
				if got := cv.articles[idx.articleIndex[ak]]; got <= 0 || got >= 1 {
					t.Errorf("coverage of %v = %.3f, want between 0 and 1", ak, got)
				}
			}
			for _, ak := range tt.none {
				if got := cv.articles[idx.articleIndex[ak]]; got != 0 {
					t.Errorf("coverage of %v = %.3f, want none", ak, got)
				}
			}
			// A passage covers no more than its article.
			for ci, c := range cv.chunks {
				ch := &idx.chunks[ci]
				if ak := (articleKey{ch.ref.Doc, ch.ref.Article}); c > cv.articles[idx.articleIndex[ak]]+1e-9 {
					t.Errorf("chunk %d covers %.3f, more than its article %v (%.3f)", ci, c, ak, cv.articles[idx.articleIndex[ak]])
				}
			}
		})
	}
}
