package rag

import (
	"strings"

	"atazan/rag/textkit"
)

// Word lists in this package are written as text and turned into sets of
// search keys (termSet) or folded word forms (foldedSet) once, at start-up.

func termSet(lang textkit.Lang, words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		if t := textkit.Term(w, lang); t != "" {
			m[t] = true
		}
	}
	return m
}

func foldedSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[textkit.Fold(w)] = true
	}
	return m
}

func mergeSets(sets ...map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, s := range sets {
		for k := range s {
			out[k] = true
		}
	}
	return out
}

// foldWords is the folded words of a text.
func foldWords(text string) []string {
	ws := textkit.Words(text)
	for i, w := range ws {
		ws[i] = textkit.Fold(w)
	}
	return ws
}
