package textclass

import (
	"bytes"
	"hash/fnv"
	"slices"
	"strings"
	"testing"
)

func feats(text string) []uint32 {
	var out []uint32
	for _, w := range strings.Fields(text) {
		h := fnv.New32a()
		h.Write([]byte(w))
		out = append(out, h.Sum32())
		for i := 0; i+3 <= len(w); i++ {
			h := fnv.New32a()
			h.Write([]byte("#" + w[i:i+3]))
			out = append(out, h.Sum32())
		}
	}
	return out
}

var toy = []struct {
	text  string
	class int
}{
	{"death penalty banned", 0}, {"can they execute people", 0}, {"is execution allowed", 0}, {"death sentence", 0},
	{"state language kazakh", 1}, {"which language official", 1}, {"russian language status", 1}, {"language of state", 1},
	{"weather tomorrow rain", 2}, {"will it snow", 2}, {"temperature outside", 2}, {"rain or sun today", 2},
}

func toyModel(t *testing.T, seed uint64) *Model {
	t.Helper()
	var ex []Example
	for _, x := range toy {
		ex = append(ex, Example{Features: feats(x.text), Classes: []int{x.class}})
	}
	cfg := Config{Buckets: 1 << 12, Dim: 16, Epochs: 50, LR: 0.5, Seed: seed}
	m, err := Train([]string{"life", "language", "off/weather"}, ex, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func argmax(p []float64) int {
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	return best
}

func TestTrainLearnsAndGeneralises(t *testing.T) {
	m := toyModel(t, 1)
	for _, tt := range []struct {
		text string
		want int
	}{
		{"death penalty", 0},
		{"executions banned?", 0},     // an unseen form shares n-grams
		{"official languages", 1},     // plural, unseen
		{"snow and rain tomorrow", 2}, // unseen mix
	} {
		p := m.Predict(feats(tt.text))
		if got := argmax(p); got != tt.want {
			t.Errorf("%q: class %d (%v), want %d", tt.text, got, p, tt.want)
		}
		var sum float64
		for _, x := range p {
			sum += x
		}
		if sum < 0.999 || sum > 1.001 {
			t.Errorf("%q: probabilities sum to %f", tt.text, sum)
		}
	}
}

func TestTrainIsDeterministicAndRoundTrips(t *testing.T) {
	a, b := toyModel(t, 7), toyModel(t, 7)
	var bufA, bufB bytes.Buffer
	if _, err := a.WriteTo(&bufA); err != nil {
		t.Fatal(err)
	}
	b.WriteTo(&bufB)
	if !bytes.Equal(bufA.Bytes(), bufB.Bytes()) {
		t.Fatal("two trainings with one seed differ")
	}
	c := toyModel(t, 8)
	var bufC bytes.Buffer
	c.WriteTo(&bufC)
	if bytes.Equal(bufA.Bytes(), bufC.Bytes()) {
		t.Fatal("the seed changes nothing")
	}
	r, err := Read(bytes.NewReader(bufA.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Classes, a.Classes) || r.Config() != a.Config() {
		t.Fatalf("read back %v %+v, want %v %+v", r.Classes, r.Config(), a.Classes, a.Config())
	}
	x := feats("is the death penalty allowed")
	if !slices.Equal(r.Predict(x), a.Predict(x)) || !slices.Equal(r.Embed(x), a.Embed(x)) {
		t.Error("the read model predicts differently")
	}
}

func TestReadRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "hello", magic, magic + "\x01\x00"} {
		if _, err := Read(strings.NewReader(in)); err == nil {
			t.Errorf("Read(%q) = nil error", in)
		}
	}
	m := toyModel(t, 1)
	var buf bytes.Buffer
	m.WriteTo(&buf)
	if _, err := Read(bytes.NewReader(buf.Bytes()[:buf.Len()-5])); err == nil {
		t.Error("a truncated model was read")
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	ok := Config{Buckets: 16, Dim: 4, Epochs: 1, LR: 0.1}
	if _, err := Train([]string{"one"}, nil, ok); err == nil {
		t.Error("one class accepted")
	}
	if _, err := Train([]string{"a", "b"}, []Example{{Features: []uint32{1}, Classes: []int{2}}}, ok); err == nil {
		t.Error("class out of range accepted")
	}
	if _, err := Train([]string{"a", "b"}, nil, Config{}); err == nil {
		t.Error("zero config accepted")
	}
}
