package corpus

import (
	"slices"
	"testing"
)

func TestMonotoneMatch(t *testing.T) {
	tests := []struct {
		name string
		sim  [][]float64
		want []int
	}{
		{"diagonal", [][]float64{{0.9, 0.1}, {0.1, 0.8}}, []int{0, 1}},
		{"new article in between", [][]float64{{0.9, 0.1}, {0.05, 0.05}, {0.1, 0.7}}, []int{0, -1, 1}},
		{"old article dropped", [][]float64{{0.9, 0.2, 0.1}, {0.1, 0.05, 0.8}}, []int{0, 2}},
		// Order wins over one strong crossing pair: 0→1 and 1→0 cannot both hold.
		{"crossing", [][]float64{{0.5, 0.6}, {0.6, 0.5}}, []int{0, 1}},
		{"all below threshold", [][]float64{{0.05}}, []int{-1}},
	}
	for _, tt := range tests {
		if got := monotoneMatch(tt.sim); !slices.Equal(got, tt.want) {
			t.Errorf("%s: monotoneMatch = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAlignmentNil(t *testing.T) {
	var a *Alignment
	if a.Predecessors("1") != nil || a.Successors("1") != nil || a.Pairs() != nil {
		t.Error("nil alignment aligned something")
	}
	if got := newAlignment(nil, nil, nil).Pairs(); len(got) != 0 {
		t.Errorf("alignment without documents: %v", got)
	}
}
