package corpus

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// SourceList names the cited articles once each, their points together
// ("ст. 73, пп. 2, 6"; "73-бап, 2, 6-тармақтар"), in the order cited. An
// article cited as a whole is named without points. Every place that lists
// an answer's sources (the messengers, the terminal, "atazan ask") uses it,
// so they all read the same.
func SourceList(refs []Ref, lang Lang) []string {
	type group struct {
		ref    Ref
		points []string
		whole  bool
	}
	var groups []*group
	byArticle := map[Ref]*group{}
	for _, r := range refs {
		key := Ref{Doc: r.Doc, Article: r.Article}
		g := byArticle[key]
		if g == nil {
			g = &group{ref: key}
			byArticle[key] = g
			groups = append(groups, g)
		}
		switch {
		case r.Point == "":
			g.whole = true
		case !slices.Contains(g.points, r.Point):
			g.points = append(g.points, r.Point)
		}
	}
	out := make([]string, len(groups))
	for i, g := range groups {
		ref := g.ref
		if g.whole || len(g.points) == 0 {
			out[i] = ref.Format(lang)
			continue
		}
		slices.SortStableFunc(g.points, func(a, b string) int { return cmp.Compare(pointOrder(a), pointOrder(b)) })
		ref.Point = strings.Join(g.points, ", ")
		out[i] = ref.Format(lang)
		if len(g.points) > 1 {
			switch lang {
			case KK:
				out[i] += "тар" // "2, 6-тармақ" → "2, 6-тармақтар"
			case RU:
				out[i] = strings.Replace(out[i], ", п. ", ", пп. ", 1)
			}
		}
	}
	return out
}

// pointOrder sorts point numbers as numbers; anything else goes last.
func pointOrder(p string) int {
	n, err := strconv.Atoi(p)
	if err != nil {
		return 1 << 30
	}
	return n
}
