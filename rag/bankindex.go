package rag

import (
	"atazan/rag/bank"
	"atazan/rag/textkit"
)

// bankIndex searches the bank's questions by their words: a user question
// that reads like a bank question votes for the bank question's article
// and point (question-question matching, as FAQ retrieval does), and one
// that reads like an off-topic line is evidence for declining it.
type bankIndex struct {
	lex   *bm25
	items []bank.Item
}

func newBankIndex(b *bank.Bank) *bankIndex {
	x := &bankIndex{items: b.Items}
	docs := make([][]string, len(b.Items))
	for i, it := range b.Items {
		docs[i] = textkit.Terms(it.Q, bankLang(it))
	}
	x.lex = newBM25(docs)
	return x
}

// bankVotes are the bank channel's scores: per article and per point, the
// best-matching bank question's BM25 score; and how alike the question is
// to its nearest answerable and nearest off-topic bank line, as a share of
// the score the question would get against itself.
type bankVotes struct {
	articles   map[articleKey]float64
	points     map[pointKey]float64
	top        float64
	on, off    float64
	offTopicOf string // the nearest off-topic line's topic
}

func (x *bankIndex) votes(terms []weightedTerm) bankVotes {
	v := bankVotes{articles: map[articleKey]float64{}, points: map[pointKey]float64{}}
	var bestOff float64
	for i, s := range x.lex.scores(terms) {
		if s <= 0 {
			continue
		}
		it := &x.items[i]
		if it.OffTopic() {
			if s > bestOff {
				bestOff, v.offTopicOf = s, it.Topic
			}
			continue
		}
		v.top = max(v.top, s)
		for _, g := range it.Gold {
			ak := articleKey{g.Doc, g.Article}
			v.articles[ak] = max(v.articles[ak], s)
			if g.Point != "" {
				pk := pointKey{g.Doc, g.Article, g.Point}
				v.points[pk] = max(v.points[pk], s)
			}
		}
	}
	if self := x.lex.selfScore(terms); self > 0 {
		v.on, v.off = v.top/self, bestOff/self
	}
	return v
}
