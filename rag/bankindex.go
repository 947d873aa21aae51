package rag

import (
	"atazan/rag/bank"
	"atazan/rag/textkit"
)

// bankIndex searches the bank's answerable questions by their words: a
// user question that reads like a bank question votes for the bank
// question's article and point (question-question matching, as FAQ
// retrieval does). Off-topic lines are left to the relevance model.
type bankIndex struct {
	lex   *bm25
	items []bank.Item
}

func newBankIndex(b *bank.Bank) *bankIndex {
	x := &bankIndex{}
	var docs [][]string
	for _, it := range b.Items {
		if it.OffTopic() {
			continue
		}
		x.items = append(x.items, it)
		docs = append(docs, textkit.Terms(it.Q, bankLang(it)))
	}
	x.lex = newBM25(docs)
	return x
}

// bankVotes are the bank channel's scores: per article and per point, the
// best-matching bank question's BM25 score.
type bankVotes struct {
	articles map[articleKey]float64
	points   map[pointKey]float64
	top      float64
}

func (x *bankIndex) votes(terms []weightedTerm) bankVotes {
	v := bankVotes{articles: map[articleKey]float64{}, points: map[pointKey]float64{}}
	for i, s := range x.lex.scores(terms) {
		if s <= 0 {
			continue
		}
		v.top = max(v.top, s)
		for _, g := range x.items[i].Gold {
			ak := articleKey{g.Doc, g.Article}
			v.articles[ak] = max(v.articles[ak], s)
			if g.Point != "" {
				pk := pointKey{g.Doc, g.Article, g.Point}
				v.points[pk] = max(v.points[pk], s)
			}
		}
	}
	return v
}
