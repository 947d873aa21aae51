package rag

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"

	"atazan/rag/textkit"
)

// Embedder turns texts into vectors. The built-in HashEmbedder needs no
// network; rag/llm provides one for OpenAI-compatible endpoints. Name
// identifies the model: the index is rebuilt when it changes.
type Embedder interface {
	Name() string
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// HashEmbedder is the offline embedder: character n-grams (3 to 5) of the
// folded words and their stems, hashed into Dim signed buckets and
// L2-normalised. Folding makes Cyrillic and Latin Kazakh share n-grams, and
// n-grams make it tolerant of endings and typos. It is deterministic, so a
// vector can be cached by its text.
type HashEmbedder struct {
	Dim int
	// name carries a fingerprint of the vectors: any change to textkit's
	// folding, stemming or stop words changes it, so a persisted index
	// built with the old analysis is rebuilt, not silently mixed.
	name string
}

// DefaultDim is the dimension of the built-in embedder. Published results
// on Kazakh show hashed n-grams need thousands of dimensions (256 loses a
// third of the quality); on our dev set 4096 was no better than 2048 and
// doubled the query time, which chromem-go spends on dot products.
const DefaultDim = 2048

// NewHashEmbedder returns the built-in embedder of dimension dim (0 = DefaultDim).
func NewHashEmbedder(dim int) *HashEmbedder {
	if dim <= 0 {
		dim = DefaultDim
	}
	h := &HashEmbedder{Dim: dim}
	f := fnv.New32a()
	for _, x := range h.vector(fingerprintText) {
		binary.Write(f, binary.LittleEndian, x)
	}
	h.name = fmt.Sprintf("hash-ngram-%d-%08x", dim, f.Sum32())
	return h
}

// fingerprintText exercises the analysis in both languages and scripts.
const fingerprintText = "Граждане имеют право на мирные собрания; смертная казнь запрещена; депутаты Курултая. " +
	"Қазақстан Республикасының азаматтары бостандықтарын пайдаланады, мемлекеттік тілді құрметтейді. " +
	"Qazaqstanda ölım jazasyna tyiym salynğan, saylauga qatysady, qaita sailanbaidy."

// Name is the dimension and the fingerprint of the feature scheme.
func (h *HashEmbedder) Name() string { return h.name }

// Embed never fails.
func (h *HashEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = h.vector(t)
	}
	return out, nil
}

func (h *HashEmbedder) vector(text string) []float32 {
	v := make([]float32, h.Dim)
	lang := textkit.Detect(text).Lang
	for _, w := range textkit.Words(text) {
		stem := textkit.Term(w, lang)
		if stem == "" {
			continue // stop word
		}
		// Every word weighs the same whatever its length: its n-grams share
		// one unit, its stem gets another.
		grams := ngrams("<"+textkit.Fold(w)+">", 3, 5)
		gw := float32(1 / math.Sqrt(float64(len(grams)+1)))
		for _, g := range grams {
			h.add(v, "g"+g, gw)
		}
		h.add(v, "s"+stem, 1)
	}
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm == 0 {
		v[0] = 1 // an empty text still needs a unit vector for cosine similarity
		return v
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= inv
	}
	return v
}

// add puts weight w on the feature's bucket, with a sign from the hash so
// that collisions cancel out on average instead of adding up.
func (h *HashEmbedder) add(v []float32, feature string, w float32) {
	f := fnv.New64a()
	f.Write([]byte(feature))
	var sum [8]byte
	x := binary.BigEndian.Uint64(f.Sum(sum[:0]))
	i := int(x % uint64(h.Dim))
	if x>>63 == 1 {
		w = -w
	}
	v[i] += w
}

// ngrams lists the n-grams of s for n in [min, max], by runes.
func ngrams(s string, min, max int) []string {
	rs := []rune(s)
	var out []string
	for n := min; n <= max; n++ {
		for i := 0; i+n <= len(rs); i++ {
			out = append(out, string(rs[i:i+n]))
		}
	}
	if len(out) == 0 && len(rs) > 2 {
		out = append(out, s)
	}
	return out
}
