package rag

import (
	"hash/fnv"

	"atazan/rag/textkit"
)

// textFeatures are the relevance model's inputs for a text: each word's
// folded form and stem, the character 3-5-grams of the folded word (so
// typos, endings and the two scripts share most of them) and pairs of
// neighbouring stems ("смертн казн"), hashed. Bank questions and user
// questions go through this one function, so they meet in one space.
func textFeatures(text string, lang textkit.Lang) []uint32 {
	var out []uint32
	prev := ""
	for _, w := range textkit.Words(text) {
		f := textkit.Fold(w)
		if f == "" {
			continue
		}
		out = append(out, hashFeature("w", f))
		stem := textkit.Term(w, lang)
		if stem == "" {
			continue // stop word: its form counts, not its n-grams
		}
		out = append(out, hashFeature("s", stem))
		if prev != "" {
			out = append(out, hashFeature("b", prev+" "+stem))
		}
		prev = stem
		for _, g := range ngrams("<"+f+">", 3, 5) {
			out = append(out, hashFeature("g", g))
		}
	}
	return out
}

func hashFeature(kind, s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(s))
	return h.Sum32()
}
