package rag

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// syntheticExamples are questions with ten candidates each. When tells is
// true the fused score (feature 0) puts the right one first only by
// chance and feature 1 is higher for it; otherwise the fused score puts it
// first and the other features are noise.
func syntheticExamples(n int, tells bool, seed uint64) []rerankExample {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]rerankExample, n)
	for q := range out {
		right := rng.IntN(10)
		ex := rerankExample{gold: make([]bool, 10)}
		ex.gold[right] = true
		for i := range 10 {
			f := make([]float64, numFeatures)
			f[0] = rng.Float64()
			f[1] = rng.Float64()
			switch {
			case i != right:
			case tells:
				f[1] += 0.8
			default:
				f[0] += 1
			}
			for j := 2; j < numFeatures; j++ {
				f[j] = rng.Float64()
			}
			ex.cands = append(ex.cands, candidate{ak: articleKey{doc2026, string(rune('a' + i))}, feats: f})
		}
		// The fused ranking is the candidates' order, best first.
		slices.SortStableFunc(ex.cands, func(a, b candidate) int { return cmpDesc(a.feats[0], b.feats[0]) })
		for i, c := range ex.cands {
			ex.gold[i] = c.ak.article == string(rune('a'+right))
		}
		out[q] = ex
	}
	return out
}

func TestRerankerLearnsWhatTells(t *testing.T) {
	r, why := trustedReranker(syntheticExamples(600, true, 1))
	if r == nil {
		t.Fatalf("no reranker where feature 1 tells the right candidate: %s", why)
	}
	unseen := syntheticExamples(300, true, 2)
	if base, got := meanRR(unseen, nil), meanRR(unseen, r); got < base+0.3 {
		t.Errorf("MRR on unseen questions %.3f reranked, %.3f fused; want the reranker far ahead", got, base)
	}
	if !(r.W[1] > 0) || !r.valid() {
		t.Errorf("weights %v: want a positive weight on the telling feature", r.W)
	}
}

func TestRerankerIsNotTrustedOnNoise(t *testing.T) {
	for _, tt := range []struct {
		name     string
		examples []rerankExample
		why      string
	}{
		{"the fused score is already right", syntheticExamples(600, false, 3), "MRR@10"},
		{"too few questions", syntheticExamples(minRerankExamples-1, true, 4), "want 200"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, why := trustedReranker(tt.examples)
			if r != nil || !strings.Contains(why, tt.why) {
				t.Errorf("reranker %v (%q); want none, saying %q", r, why, tt.why)
			}
		})
	}
}

func TestRerankReordersOnlyTheCandidates(t *testing.T) {
	r := &reranker{Mean: make([]float64, numFeatures), Scale: make([]float64, numFeatures), W: make([]float64, numFeatures)}
	for j := range r.Scale {
		r.Scale[j] = 1
	}
	r.W[1] = 1
	order := []articleKey{{doc2026, "1"}, {doc2026, "2"}, {doc2026, "3"}, {doc2026, "4"}}
	cands := []candidate{{order[0], make([]float64, numFeatures)}, {order[1], make([]float64, numFeatures)}, {order[2], make([]float64, numFeatures)}}
	cands[2].feats[1] = 1
	got := r.rerank(cands, slices.Clone(order))
	want := []articleKey{{doc2026, "3"}, {doc2026, "1"}, {doc2026, "2"}, {doc2026, "4"}}
	if !slices.Equal(got, want) {
		t.Errorf("reranked %v, want %v (the best candidate first, ties and the rest in order)", got, want)
	}
	var none *reranker
	if got := none.rerank(cands, order); !slices.Equal(got, order) {
		t.Errorf("no reranker changed the order to %v", got)
	}
}

// TestRerankerIsCachedAndRefitted: the reranker Load fitted on the real
// corpus is read back from its cache file; a damaged file is fitted
// again, to the same weights.
func TestRerankerIsCachedAndRefitted(t *testing.T) {
	ctx := context.Background()
	e, _ := loadShared(t, t.TempDir())
	var logs bytes.Buffer
	e.log = slog.New(slog.NewTextHandler(&logs, nil))
	idx := e.idx.Load()
	if idx.rerank == nil {
		t.Fatal("no reranker on the real corpus and bank")
	}
	files, _ := filepath.Glob(filepath.Join(testModelDir, "rerank-*.json"))
	if len(files) == 0 {
		t.Fatal("the reranker was not cached")
	}
	cached, err := e.loadReranker(ctx, idx)
	if err != nil || cached == nil || !slices.Equal(cached.W, idx.rerank.W) || strings.Contains(logs.String(), "fitted") {
		t.Fatalf("read back %v (err %v), want the cached weights %v without fitting; log:\n%s", cached, err, idx.rerank.W, logs.String())
	}
	for _, f := range files {
		if err := os.WriteFile(f, []byte("{\"W\": [1, 2"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	refit, err := e.loadReranker(ctx, idx)
	if err != nil || refit == nil || !strings.Contains(logs.String(), "unreadable") {
		t.Fatalf("after damage: %v (err %v); log:\n%s", refit, err, logs.String())
	}
	for j := range refit.W {
		if d := refit.W[j] - idx.rerank.W[j]; d > 1e-9 || d < -1e-9 {
			t.Fatalf("refitted weights %v differ from the first fit %v", refit.W, idx.rerank.W)
		}
	}
}
