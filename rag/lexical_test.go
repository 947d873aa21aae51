package rag

import (
	"math"
	"testing"
)

func TestBM25IsTextbook(t *testing.T) {
	docs := [][]string{
		{"kazn", "zapresh"},
		{"kazn", "kazn", "zakon", "mera", "nakazan"},
		{"jilishe", "neprikosnoven"},
	}
	x := newBM25(docs)
	n, avg := 3.0, 9.0/3
	idf := func(df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }
	tf := func(f, dl float64) float64 { return f * 2.2 / (f + 1.2*(1-0.75+0.75*dl/avg)) }
	got := x.scores([]weightedTerm{{"kazn", 1}, {"zapresh", 0.5}})
	want := []float64{
		idf(2)*tf(1, 2) + 0.5*idf(1)*tf(1, 2),
		idf(2) * tf(2, 5),
		0,
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Errorf("score of doc %d = %v, want %v", i, got[i], want[i])
		}
	}
	if x.df("kazn") != 2 || x.df("missing") != 0 {
		t.Errorf("df wrong: kazn %d, missing %d", x.df("kazn"), x.df("missing"))
	}
}

func TestFuse(t *testing.T) {
	lex := []float64{4, 2, 0, 0}
	lexRank := []int{0, 1}
	vec := map[int]float64{1: 0.9, 2: 0.6, 3: 0.3}
	got := fuse(1, 0.5, lex, lexRank, vec)
	want := map[int]float64{
		0: 1,           // best BM25, not among the vectors
		1: 0.5 + 0.5*1, // half the best BM25, the nearest vector
		2: 0.5 * 0.5,   // halfway between the farthest and nearest vector
		3: 0,           // the farthest vector
	}
	for ci, w := range want {
		if math.Abs(got[ci]-w) > 1e-9 {
			t.Errorf("fused[%d] = %v, want %v", ci, got[ci], w)
		}
	}
	// One channel alone still ranks.
	if got := fuse(1, 0.5, lex, lexRank, nil); got[0] != 1 || got[1] != 0.5 {
		t.Errorf("BM25 alone: %v", got)
	}
	if got := fuse(1, 0.5, make([]float64, 4), nil, vec); got[1] != 0.5 || got[3] != 0 {
		t.Errorf("vectors alone: %v", got)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"kvartir", "kvatir", 3, 1},
		{"pokazan", "pokazn", 3, 1},
		{"kurult", "kurilt", 3, 1},
		{"abc", "abc", 3, 0},
		{"abcdef", "uvwxyz", 2, 2}, // stops at the limit
		{"a", "abcdef", 3, 3},
	}
	for _, tt := range tests {
		if got := editDistance([]rune(tt.a), []rune(tt.b), tt.limit); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestVocabularyNear(t *testing.T) {
	v := newVocabulary(newBM25([][]string{{"kvartir", "kvartir", "deputat", "sud", "zakon"}, {"kurult", "zakon"}}))
	tests := []struct {
		term string
		want []string
	}{
		{"kvatir", []string{"kvartir"}},
		{"kurilt", []string{"kurult"}},
		{"deputatt", []string{"deputat"}},
		{"sut", nil}, // too short to correct
		{"bananas", nil},
	}
	for _, tt := range tests {
		got := v.near(tt.term)
		if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("near(%q) = %v, want %v", tt.term, got, tt.want)
		}
	}
}
