package rag

import (
	"context"
	"math"
	"strings"
	"testing"
)

func cosine(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestHashEmbedder(t *testing.T) {
	h := NewHashEmbedder(0)
	if h.Dim != DefaultDim || !strings.HasPrefix(h.Name(), "hash-ngram-2048-") || h.Name() != NewHashEmbedder(DefaultDim).Name() {
		t.Fatalf("default embedder = %d %s", h.Dim, h.Name())
	}
	if NewHashEmbedder(512).Name() == h.Name() {
		t.Error("embedders of different dimensions share a name")
	}
	texts := []string{
		"Өлім жазасына тыйым салынған.",
		"Ölım jazasyna tyiym salynğan.",
		"Курултай состоит из ста сорока пяти депутатов.",
		"Өлім жазасына тыйым салынған.",
		"",
	}
	vs, err := h.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if len(v) != DefaultDim {
			t.Fatalf("vector %d has %d dimensions", i, len(v))
		}
		if n := cosine(v, v); math.Abs(n-1) > 1e-5 {
			t.Errorf("vector %d has norm² %v, want 1", i, n)
		}
	}
	if cosine(vs[0], vs[3]) < 0.99999 {
		t.Error("the same text embeds differently")
	}
	same, other := cosine(vs[0], vs[1]), cosine(vs[0], vs[2])
	if same < 0.8 || other > 0.2 {
		t.Errorf("Cyrillic vs Latin Kazakh cosine %.2f (want high), vs an unrelated Russian text %.2f (want low)", same, other)
	}
}
