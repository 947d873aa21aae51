package rag

import "atazan/rag/bank"

// bankIndex searches the bank's questions by their words: a user question
// that reads like a bank question votes for the bank question's article
// and point (question-question matching, as FAQ retrieval does), and one
// that reads like an off-topic line is evidence for declining it.
type bankIndex struct {
	lex   *bm25
	items []bank.Item
	// The articles and points the bank labels, and each item's, as
	// indexes: a vote is a slice update, not a map write, since thousands
	// of bank questions share a question's common words.
	articles []articleKey
	points   []pointKey
	itemArts [][]int
	itemPts  [][]int
}

func newBankIndex(b *bank.Bank, an *bankAnalysis) *bankIndex {
	x := &bankIndex{items: b.Items, itemArts: make([][]int, len(b.Items)), itemPts: make([][]int, len(b.Items))}
	artOf, ptOf := map[articleKey]int{}, map[pointKey]int{}
	for i, it := range b.Items {
		for _, g := range it.Gold {
			ak := articleKey{g.Doc, g.Article}
			a, ok := artOf[ak]
			if !ok {
				a = len(x.articles)
				artOf[ak] = a
				x.articles = append(x.articles, ak)
			}
			x.itemArts[i] = append(x.itemArts[i], a)
			if g.Point == "" {
				continue
			}
			pk := pointKey{g.Doc, g.Article, g.Point}
			p, ok := ptOf[pk]
			if !ok {
				p = len(x.points)
				ptOf[pk] = p
				x.points = append(x.points, pk)
			}
			x.itemPts[i] = append(x.itemPts[i], p)
		}
	}
	x.lex = newBM25(an.Terms)
	return x
}

// bankVotes are the bank channel's scores: per article and per point, the
// best-matching bank question's BM25 score; and how alike the question is
// to its nearest answerable and nearest off-topic bank line, as a share of
// the score the question would get against itself.
type bankVotes struct {
	articles map[articleKey]float64
	// support sums, per article, the scores of the bankNearest best
	// answerable matches that carry it, scaled by the best: many close
	// paraphrases agree where one lucky match does not.
	support    map[articleKey]float64
	points     map[pointKey]float64
	top        float64
	on, off    float64
	offTopicOf string // the nearest off-topic line's topic
}

// bankNearest is how many best bank matches count as support.
const bankNearest = 10

func (x *bankIndex) votes(terms []weightedTerm) bankVotes {
	v := bankVotes{articles: map[articleKey]float64{}, points: map[pointKey]float64{}, support: map[articleKey]float64{}}
	arts := make([]float64, len(x.articles))
	pts := make([]float64, len(x.points))
	var bestOff float64
	var near topN
	for i, s := range x.lex.scores(terms) {
		if s <= 0 {
			continue
		}
		if x.items[i].OffTopic() {
			if s > bestOff {
				bestOff, v.offTopicOf = s, x.items[i].Topic
			}
			continue
		}
		v.top = max(v.top, s)
		near.add(i, s, bankNearest)
		for _, a := range x.itemArts[i] {
			arts[a] = max(arts[a], s)
		}
		for _, p := range x.itemPts[i] {
			pts[p] = max(pts[p], s)
		}
	}
	for a, s := range arts {
		if s > 0 {
			v.articles[x.articles[a]] = s
		}
	}
	for p, s := range pts {
		if s > 0 {
			v.points[x.points[p]] = s
		}
	}
	for _, m := range near {
		for _, a := range x.itemArts[m.i] {
			v.support[x.articles[a]] += m.s / v.top
		}
	}
	if self := x.lex.selfScore(terms); self > 0 {
		v.on, v.off = v.top/self, bestOff/self
	}
	return v
}

// topN keeps the n best-scoring indexes seen, in no particular order.
type topN []struct {
	i int
	s float64
}

func (t *topN) add(i int, s float64, n int) {
	if len(*t) < n {
		*t = append(*t, struct {
			i int
			s float64
		}{i, s})
		return
	}
	lo := 0
	for j := range *t {
		if (*t)[j].s < (*t)[lo].s {
			lo = j
		}
	}
	if s > (*t)[lo].s {
		(*t)[lo].i, (*t)[lo].s = i, s
	}
}
