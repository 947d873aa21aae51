package rag

import (
	"runtime"
	"slices"
	"sync"

	"atazan/rag/bank"
)

// bankVectors keeps the bank's answerable questions as vectors in the
// relevance model's space: the nearest bank questions vote for their
// articles. Unlike BM25 over the same questions it matches by learnt
// meaning — "менты", "полиция" and "правоохранительные органы" lie close
// once the bank has taught the model they answer alike.
//
// The vectors are a flat slice scanned in full, not a chromem-go
// collection: ten thousand 32-dimensional vectors in memory are a scan of
// 0.1 ms, where chromem-go's query (goroutines and a locked heap per
// document) took 2.5 ms of a 5 ms retrieval. chromem-go keeps the
// passages' vectors from an embedding API, which it persists.
type bankVectors struct {
	dim   int
	vecs  []float32 // len(items) × dim, each of unit length
	items []bank.Item
}

// bankNeighbours is how many nearest bank questions vote.
const bankNeighbours = 20

func newBankVectors(b *bank.Bank, an *bankAnalysis, rel *relevance) *bankVectors {
	x := &bankVectors{dim: rel.model.Config().Dim}
	var from []int // each item's bank line
	for i, it := range b.Items {
		if !it.OffTopic() {
			x.items = append(x.items, it)
			from = append(from, i)
		}
	}
	// Embedding ten thousand questions is a fifth of a warm start: the
	// cores share it.
	x.vecs = make([]float32, len(x.items)*x.dim)
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(from); i += workers {
				copy(x.vecs[i*x.dim:], rel.model.Embed(an.Features[from[i]]))
			}
		})
	}
	wg.Wait()
	return x
}

// neighbour is a bank question and its similarity to the query.
type neighbour struct {
	item int
	sim  float32
}

// nearest returns the n bank questions most similar to v (unit length),
// most similar first; of equal ones, the earlier in the bank.
func (x *bankVectors) nearest(v []float32, n int) []neighbour {
	out := make([]neighbour, 0, n+1)
	for i := range x.items {
		row := x.vecs[i*x.dim : (i+1)*x.dim]
		var s float32
		for k, a := range row {
			s += a * v[k]
		}
		if len(out) == n && s <= out[n-1].sim {
			continue
		}
		at, _ := slices.BinarySearchFunc(out, s, func(nb neighbour, s float32) int {
			if nb.sim >= s {
				return -1
			}
			return 1
		})
		out = slices.Insert(out, at, neighbour{i, s})
		if len(out) > n {
			out = out[:n]
		}
	}
	return out
}

// vectorVotes are the vector channel's scores per article: the nearest
// neighbour's similarity, scaled from the farthest to the nearest of them,
// and the share of the neighbours that carry the article.
type vectorVotes struct {
	nearest, share map[articleKey]float64
}

func (x *bankVectors) votes(v []float32) vectorVotes {
	out := vectorVotes{nearest: map[articleKey]float64{}, share: map[articleKey]float64{}}
	if !slices.ContainsFunc(v, func(a float32) bool { return a != 0 }) {
		return out // a text without features is near nothing
	}
	res := x.nearest(v, bankNeighbours)
	if len(res) == 0 {
		return out
	}
	hi, lo := res[0].sim, res[len(res)-1].sim
	for _, r := range res {
		s := 1.0
		if hi > lo {
			s = float64((r.sim - lo) / (hi - lo))
		}
		for _, g := range x.items[r.item].Gold {
			ak := articleKey{g.Doc, g.Article}
			out.nearest[ak] = max(out.nearest[ak], s)
			out.share[ak] += 1 / float64(len(res))
		}
	}
	return out
}
