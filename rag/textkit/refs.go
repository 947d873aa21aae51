package textkit

import (
	"regexp"
	"sort"
	"strings"
)

// Ref is a reference to an article, and maybe a point, found in a question.
// Year is "1995" when the question names the old Constitution.
type Ref struct {
	Article string
	Point   string
	Year    string
}

var (
	// "статья 26", "статьи 5", "ст. 15", "ст.9", "article 9", "art. 17"
	articleBefore = regexp.MustCompile(`(?:^|[^\p{L}])(?:стат(?:ья|ьи|ье|ью|ьей|ьях)|ст\.?|article|art\.?)\s*№?\s*(\d{1,3}(?:-\d)?)`)
	// "9-бап", "31-баптың", "12-бапта", "12 bap", "12-bapta"
	articleAfter = regexp.MustCompile(`(\d{1,3}(?:-\d)?)\s*-?\s*(?:бап|bap)\p{L}*`)
	// "пункт 5", "п. 6", "п.2", "point 2"
	pointBefore = regexp.MustCompile(`(?:^|[^\p{L}])(?:пункт(?:а|е|у|ом)?|п\.|point|тармақ|tarmaq|tarmak)\s*(\d{1,2})`)
	// "1-тармақ", "2-тармағы", "1-tarmaq"
	pointAfter = regexp.MustCompile(`(\d{1,2})\s*-?\s*(?:тармақ|тармағ|tarmaq|tarmağ|tarmak|tarmag)\p{L}*`)
	// "Art. 17(2)"
	pointParen = regexp.MustCompile(`(?:article|art\.?)\s*\d{1,3}\((\d{1,2})\)`)
	year1995   = regexp.MustCompile(`1995`)
)

type mention struct {
	pos   int
	value string
}

// ParseRefs finds references to articles in a question, in the order they
// appear; each point is attached to the nearest article mentioned.
func ParseRefs(text string) []Ref {
	low := strings.ToLower(text)
	var arts, points []mention
	collect := func(re *regexp.Regexp, into *[]mention) {
		for _, m := range re.FindAllStringSubmatchIndex(low, -1) {
			*into = append(*into, mention{pos: m[2], value: low[m[2]:m[3]]})
		}
	}
	collect(articleBefore, &arts)
	collect(articleAfter, &arts)
	collect(pointBefore, &points)
	collect(pointAfter, &points)
	collect(pointParen, &points)
	arts = dedupe(arts)
	if len(arts) == 0 {
		return nil
	}
	year := ""
	if year1995.MatchString(low) {
		year = "1995"
	}
	refs := make([]Ref, len(arts))
	for i, a := range arts {
		refs[i] = Ref{Article: a.value, Year: year}
	}
	for _, p := range dedupe(points) {
		best, dist := -1, 0
		for i, a := range arts {
			d := a.pos - p.pos
			if d < 0 {
				d = -d
			}
			if d == 0 {
				continue // the same number read as both
			}
			if best < 0 || d < dist {
				best, dist = i, d
			}
		}
		if best >= 0 && refs[best].Point == "" {
			refs[best].Point = p.value
		}
	}
	return refs
}

// dedupe orders mentions by position and drops the same number found by two patterns.
func dedupe(ms []mention) []mention {
	sort.Slice(ms, func(i, j int) bool { return ms[i].pos < ms[j].pos })
	var out []mention
	for _, m := range ms {
		if len(out) > 0 && out[len(out)-1].pos == m.pos {
			continue
		}
		out = append(out, m)
	}
	return out
}
