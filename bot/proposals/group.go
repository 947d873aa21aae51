package proposals

import (
	"strings"
	"unicode"

	"atazan/bot/store"
	"atazan/corpus"
)

// SameThreshold is the similarity from which two proposals on the same
// norm count as one: rewordings and inflections of the same idea score
// about 0.7–1, different ideas on the same article 0.3 or less (see the
// cases in group_test.go).
const SameThreshold = 0.5

// Group is a set of near-duplicate proposals on one norm. Lead is the
// earliest; the others support it.
type Group struct {
	Lead    store.Proposal
	Members []store.Proposal // Lead first, then the rest in order
}

// IDs lists the members' ids.
func (g Group) IDs() []string {
	ids := make([]string, len(g.Members))
	for i, p := range g.Members {
		ids[i] = p.ID
	}
	return ids
}

// Ref is the norm the group is about.
func (g Group) Ref() corpus.Ref {
	return corpus.Ref{Doc: g.Lead.Doc, Article: g.Lead.Article, Point: g.Lead.Point}
}

// Cluster groups proposals given oldest first: each joins the group of the
// same document, article and point whose lead it is most similar to, when
// that similarity reaches SameThreshold, or else starts a group. Groups come
// in the order of their leads.
func Cluster(ps []store.Proposal) []Group {
	var groups []Group
	shingles := map[string]map[string]bool{} // lead id → its shingles
	for _, p := range ps {
		sh := shingleSet(gist(p))
		best, bestScore := -1, 0.0
		for i, g := range groups {
			if g.Lead.Doc != p.Doc || g.Lead.Article != p.Article || g.Lead.Point != p.Point {
				continue
			}
			if s := dice(sh, shingles[g.Lead.ID]); s >= SameThreshold && s > bestScore {
				best, bestScore = i, s
			}
		}
		if best < 0 {
			groups = append(groups, Group{Lead: p, Members: []store.Proposal{p}})
			shingles[p.ID] = sh
			continue
		}
		groups[best].Members = append(groups[best].Members, p)
	}
	return groups
}

// Closest returns the proposal of candidates most similar to p, and how
// similar; ok is false when there are no candidates.
func Closest(p store.Proposal, candidates []store.Proposal) (best store.Proposal, score float64, ok bool) {
	sh := shingleSet(gist(p))
	for _, c := range candidates {
		if s := dice(sh, shingleSet(gist(c))); !ok || s > score {
			best, score, ok = c, s, true
		}
	}
	return best, score, ok
}

// Similarity scores two texts from 0 (nothing shared) to 1 (the same words).
func Similarity(a, b string) float64 { return dice(shingleSet(a), shingleSet(b)) }

// gist is what a proposal says: its wording, or its justification when it
// proposes no wording (a remark on the norm).
func gist(p store.Proposal) string {
	if p.Wording != "" {
		return p.Wording
	}
	return p.Justification
}

// shingleSet is the set of character trigrams of the text's words, each
// word padded with spaces. Trigrams see through the endings of Russian and
// Kazakh words ("кандидата"/"кандидатов", "құқығы"/"құқық") without a
// stemmer, and are the same for Kazakh written with Latin look-alikes.
func shingleSet(text string) map[string]bool {
	text = strings.ToLower(corpus.NormalizeKazakh(text))
	set := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(" " + w + " ")
		for i := 0; i+3 <= len(rs); i++ {
			set[string(rs[i:i+3])] = true
		}
	}
	return set
}

// dice is the Sørensen–Dice coefficient of two sets.
func dice(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	common := 0
	for s := range a {
		if b[s] {
			common++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}
