package rag

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"atazan/rag/answer"
	"atazan/rag/textkit"
)

func TestZZDebug(t *testing.T) {
	qs := os.Getenv("ZZQ")
	if qs == "" {
		t.Skip()
	}
	e, _ := loadShared(t, "/tmp/q-dbg")
	idx := e.idx.Load()
	var hist []answer.Turn
	for _, q := range strings.Split(qs, "|") {
		if strings.HasPrefix(q, ">") {
			hist = append(hist, answer.Turn{Question: q[1:]})
			continue
		}
		d := textkit.Detect(q)
		an := idx.analyse(Question{Text: q, History: hist}, e.glossary)
		t.Logf("Q %q det=%+v own=%v", q, d, an.own)
		for _, wt := range an.terms {
			t.Logf("   term %-14s w=%.2f df=%d idf=%.2f", wt.term, wt.weight, idx.lex.df(wt.term), idx.lex.idf(wt.term))
		}
		s, err := e.search(context.Background(), Question{Text: q, History: hist})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("   abstain=%q", s.abstain)
		lex := idx.lex.scores(an.terms)
		for _, ci := range append(topChunks(lex, 6), idx.byArticle[articleKey{"kz2026", os.Getenv("ZZA")}]...) {
			c := idx.chunks[ci]
			txt := []rune(c.context)
			t.Logf("   lex %.2f %s/%s.%s %s %s", lex[ci], c.ref.Doc, c.ref.Article, c.ref.Point, c.lang, string(txt[:min(90, len(txt))]))
		}
		sc, _ := e.score(context.Background(), idx, an)
		for _, ak := range rankArticles(sc.articles)[:5] {
			var ps []string
			for k, v := range sc.points {
				if k.doc == ak.doc && k.article == ak.article && v > 0.3 {
					ci := sc.best[k]
					ps = append(ps, fmt.Sprintf("%s=%.2f(l%.2f v%.2f)", k.point, v, sc.lex[ci], sc.vec[ci]))
				}
			}
			t.Logf("   art %s %.3f %v", ak.article, sc.articles[ak], ps)
		}
		for i, ak := range s.articles {
			if i > 6 {
				break
			}
			t.Logf("   %s/%s", ak.doc, ak.article)
		}
	}
}

func TestZZRanks(t *testing.T) {
	set := os.Getenv("ZZSET")
	if set == "" {
		t.Skip()
	}
	e, _ := loadShared(t, "/tmp/q-dbg")
	f, _ := os.Open(set)
	items, err := ReadEvalSet(f)
	if err != nil {
		t.Fatal(err)
	}
	_, results, err := e.Evaluate(context.Background(), items, 5)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := os.Create(os.Getenv("ZZOUT"))
	defer out.Close()
	idx := e.idx.Load()
	for _, r := range results {
		an := idx.analyse(Question{Text: r.Item.Q}, e.glossary)
		sc, _ := e.score(context.Background(), idx, an)
		order := rankArticles(sc.articles)
		best := 0.0
		for _, ak := range order[:min(3, len(order))] {
			best = max(best, idx.support(an, ak))
		}
		fmt.Fprintf(out, "%s\t%s\t%d\t%v\t%s\t%s\t%.2f\t%v\t%v\n", r.Item.ID, r.Item.Kind, r.firstGold(), r.Abstained(), refs(r.Ranked[:min(5, len(r.Ranked))]), r.Item.Q, best, hasIntent(r.Item.Q), an.offTopic)
	}
}
