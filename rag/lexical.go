package rag

import "math"

// bm25 is textbook Okapi BM25 over term lists: idf = ln(1 + (N-df+0.5)/(df+0.5)),
// tf saturation k1, length normalisation b against the average length.
type bm25 struct {
	k1, b    float64
	postings map[string][]posting
	lens     []float64
	avgLen   float64
}

type posting struct {
	doc int
	tf  float64
}

// weightedTerm is a query term with its weight: 1 for the question's own
// words, less for glossary expansions and typo corrections.
type weightedTerm struct {
	term   string
	weight float64
}

func newBM25(docs [][]string) *bm25 {
	x := &bm25{k1: 1.2, b: 0.75, postings: map[string][]posting{}, lens: make([]float64, len(docs))}
	var total float64
	for i, terms := range docs {
		x.lens[i] = float64(len(terms))
		total += x.lens[i]
		tf := map[string]float64{}
		for _, t := range terms {
			tf[t]++
		}
		for t, n := range tf {
			x.postings[t] = append(x.postings[t], posting{doc: i, tf: n})
		}
	}
	if len(docs) > 0 {
		x.avgLen = total / float64(len(docs))
	}
	return x
}

func (x *bm25) df(term string) int { return len(x.postings[term]) }

func (x *bm25) idf(term string) float64 {
	n, df := float64(len(x.lens)), float64(x.df(term))
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// scores returns the BM25 score of every document for the query.
func (x *bm25) scores(query []weightedTerm) []float64 {
	out := make([]float64, len(x.lens))
	for _, q := range query {
		idf := x.idf(q.term)
		for _, p := range x.postings[q.term] {
			norm := x.k1 * (1 - x.b + x.b*x.lens[p.doc]/x.avgLen)
			out[p.doc] += q.weight * idf * p.tf * (x.k1 + 1) / (p.tf + norm)
		}
	}
	return out
}

// selfScore is the score a document made of exactly the query's terms
// would get: the most a real document can be expected to reach, to scale
// scores into a similarity.
func (x *bm25) selfScore(query []weightedTerm) float64 {
	n := float64(len(query))
	var s float64
	for _, q := range query {
		norm := x.k1 * (1 - x.b + x.b*n/x.avgLen)
		s += q.weight * x.idf(q.term) * (x.k1 + 1) / (1 + norm)
	}
	return s
}
