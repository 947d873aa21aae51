package rag

import (
	"math"
	"slices"
	"testing"

	"atazan/corpus"
	"atazan/rag/bank"
)

func TestBankVectorsNearest(t *testing.T) {
	unit := func(a, b float64) []float32 {
		n := math.Hypot(a, b)
		return []float32{float32(a / n), float32(b / n)}
	}
	x := &bankVectors{dim: 2}
	for i, v := range [][]float32{unit(1, 0), unit(0, 1), unit(1, 1), unit(1, 0), unit(-1, 0)} {
		x.items = append(x.items, bank.Item{Q: string(rune('a' + i)), Gold: []corpus.Ref{{Doc: doc2026, Article: string(rune('1' + i))}}})
		x.vecs = append(x.vecs, v...)
	}
	for _, tt := range []struct {
		name string
		q    []float32
		n    int
		want []int
	}{
		{"most similar first, ties in bank order", unit(1, 0), 3, []int{0, 3, 2}},
		{"all when n is larger", unit(0, 1), 10, []int{1, 2, 0, 3, 4}},
		{"the farthest last", unit(-1, 0.1), 2, []int{4, 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, nb := range x.nearest(tt.q, tt.n) {
				got = append(got, nb.item)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("nearest = %v, want %v", got, tt.want)
			}
		})
	}
	if v := x.votes([]float32{0, 0}); len(v.nearest) != 0 {
		t.Errorf("a question without features got votes %v", v.nearest)
	}
	v := x.votes(unit(1, 0))
	if v.nearest[articleKey{doc2026, "1"}] != 1 || v.share[articleKey{doc2026, "1"}] != 0.2 {
		t.Errorf("votes %v / %v: want the nearest article at 1 with a fifth of the neighbours", v.nearest, v.share)
	}
}
