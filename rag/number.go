package rag

import "atazan/rag/textkit"

// ageWords ask at what age ("с какого возраста", "неше жастан",
// "қай жастан"), folded.
var ageWords = foldedSet(`возраста возраст возрасте возрасту жастан жасқа жаста жасында`)

// missingNumber reports whether the question asks for a number — how
// many, how long, from what age — that none of the best articles states:
// "с какого возраста можно жениться?" finds the article on marriage, which
// gives no age, so the Constitution does not answer it.
func (idx *index) missingNumber(an *query, top []articleKey) bool {
	asks := asksQuantity(an.text)
	for _, w := range textkit.Words(an.text) {
		asks = asks || ageWords[textkit.Fold(w)]
	}
	if !asks || an.compare {
		return false
	}
	// The first two: the reranker's first pick among close articles is
	// uncertain, and the number may be the runner-up's (on the bank's
	// validation split this halved the answerable questions refused).
	for _, ak := range top[:min(2, len(top))] {
		for t := range idx.articleTerms[ak] {
			if t == quantityKey || isNumber(t) {
				return false
			}
		}
	}
	return true
}

func isNumber(t string) bool {
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return t != ""
}
