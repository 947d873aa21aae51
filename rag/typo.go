package rag

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// vocabulary is the set of search keys in the index, by length, for
// correcting misspelt query words ("кватиры" → "квартир").
type vocabulary struct {
	byLen  map[int][]string
	runes  map[int][][]rune // byLen's keys as runes, decoded once
	df     map[string]int
	sorted []string
}

func newVocabulary(x *bm25) *vocabulary {
	v := &vocabulary{byLen: map[int][]string{}, df: map[string]int{}}
	for t, ps := range x.postings {
		n := utf8.RuneCountInString(t)
		v.byLen[n] = append(v.byLen[n], t)
		v.df[t] = len(ps)
	}
	v.runes = map[int][][]rune{}
	for n, ts := range v.byLen {
		slices.Sort(ts)
		v.sorted = append(v.sorted, ts...)
		for _, t := range ts {
			v.runes[n] = append(v.runes[n], []rune(t))
		}
	}
	slices.Sort(v.sorted)
	return v
}

// minTypoLen is the shortest key that is corrected: short keys have too
// many neighbours one edit away.
const minTypoLen = 4

// near returns the keys closest to an unknown key: one edit away for
// short keys, two for long ones; the most frequent few when there are many.
func (v *vocabulary) near(t string) []string {
	rs := []rune(t)
	n := len(rs)
	if n < minTypoLen {
		return nil
	}
	maxDist := 1
	if n >= 7 {
		maxDist = 2
	}
	best, found := maxDist, []string(nil)
	var buf editBuf
	for l := n - maxDist; l <= n+maxDist; l++ {
		for i, cr := range v.runes[l] {
			cand := v.byLen[l][i]
			d := buf.distance(rs, cr, best+1)
			switch {
			case d > best:
			case d < best || found == nil:
				best, found = d, []string{cand}
			default:
				found = append(found, cand)
			}
		}
	}
	// Typos are rarer at the start of a word: prefer the longest shared
	// prefix, then the commoner key.
	slices.SortFunc(found, func(a, b string) int {
		if d := commonPrefix(b, t) - commonPrefix(a, t); d != 0 {
			return d
		}
		return v.df[b] - v.df[a]
	})
	return found[:min(len(found), 2)]
}

// editDistance is the Levenshtein distance of a and b, or limit when it is
// at least limit (the search stops early).
func editDistance(a, b []rune, limit int) int {
	var buf editBuf
	return buf.distance(a, b, limit)
}

// editBuf keeps the rows of editDistance between calls: a typo search
// compares one word with thousands of keys.
type editBuf struct{ prev, cur []int }

func (e *editBuf) distance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	if cap(e.prev) < len(b)+1 {
		e.prev, e.cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	prev, cur := e.prev[:len(b)+1], e.cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// withPrefix lists the keys that start with p.
func (v *vocabulary) withPrefix(p string) []string {
	i, _ := slices.BinarySearch(v.sorted, p)
	var out []string
	for ; i < len(v.sorted) && strings.HasPrefix(v.sorted[i], p); i++ {
		out = append(out, v.sorted[i])
	}
	return out
}
