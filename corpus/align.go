package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"
	"unicode"

	_ "embed"

	"github.com/kljensen/snowball/russian"
	"gopkg.in/yaml.v3"
)

// Alignment maps articles of the 2026 Constitution to the 1995 articles
// they replace or correspond to. It is computed from the texts — word-stem
// similarity of each article pair plus the order of the articles, which
// both constitutions largely share — and then corrected by overrides: the
// file shipped with the program and an admin's <data dir>/corpus/alignment.yaml.
//
// An Alignment is immutable; a nil *Alignment aligns nothing.
type Alignment struct {
	pairs []Pair
	pred  map[string][]string
	succ  map[string][]string
}

// Pair is the alignment of one 2026 article.
type Pair struct {
	Article2026  string   `json:"article_2026"`
	Articles1995 []string `json:"articles_1995"`
	Score        float64  `json:"score"`  // text similarity with the first 1995 article, 0..1
	Source       string   `json:"source"` // "computed" or "override"
}

// Predecessors returns the 1995 article numbers a 2026 article corresponds to.
func (a *Alignment) Predecessors(article2026 string) []string {
	if a == nil {
		return nil
	}
	return slices.Clone(a.pred[article2026])
}

// Successors returns the 2026 article numbers a 1995 article corresponds to.
func (a *Alignment) Successors(article1995 string) []string {
	if a == nil {
		return nil
	}
	return slices.Clone(a.succ[article1995])
}

// Pairs lists the alignment of every 2026 article, in order.
func (a *Alignment) Pairs() []Pair {
	if a == nil {
		return nil
	}
	return slices.Clone(a.pairs)
}

// Tuning of the computed alignment, chosen on the official texts.
const (
	minMatch   = 0.12 // similarity below which two articles are not matched at all
	extraMatch = 0.85 // another 1995 article joins if this close to the best
	minExtra   = 0.35
	minMoved   = 0.35 // an article left out of the ordered match takes its best one if this similar
)

// overridesFile is the admin's file of corrections in the store directory.
const overridesFile = "alignment.yaml"

// shippedOverrides are the corrections that come with the program.
//
//go:embed alignment.yaml
var shippedOverrides []byte

// overrides maps a 2026 article to its 1995 articles; an empty list means
// "no predecessor".
type overrides map[string][]string

// parseOverrides reads the YAML form:
//
//	"53": ["50"]        # 2026 Art. 53 corresponds to 1995 Art. 50
//	"56": ["53", "54"]
//	"1": []             # no predecessor
func parseOverrides(data []byte) (overrides, error) {
	var raw map[string][]string
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	return overrides(raw), nil
}

// loadOverrides reads the shipped corrections and, over them, the admin's
// file at path if there is one.
func loadOverrides(path string) (overrides, error) {
	over, err := parseOverrides(shippedOverrides)
	if err != nil {
		return nil, fmt.Errorf("shipped alignment overrides: %w", err)
	}
	if over == nil {
		over = overrides{}
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return over, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading alignment overrides: %w", err)
	}
	admin, err := parseOverrides(data)
	if err != nil {
		return nil, fmt.Errorf("reading alignment overrides %s: %w", path, err)
	}
	for k, v := range admin {
		over[k] = v
	}
	return over, nil
}

// newAlignment aligns the two documents; either may be nil.
func newAlignment(d2026, d1995 *Document, over overrides) *Alignment {
	a := &Alignment{pred: map[string][]string{}, succ: map[string][]string{}}
	if d2026 == nil || d1995 == nil {
		return a
	}
	lang := RU
	if d2026.Texts[RU] == nil || d1995.Texts[RU] == nil {
		lang = KK
	}
	t26, t95 := d2026.Texts[lang], d1995.Texts[lang]
	if t26 == nil || t95 == nil {
		return a
	}
	new, old := t26.Articles(), t95.Articles()
	sim := similarity(new, old, lang)
	match := monotoneMatch(sim)
	for i, art := range new {
		p := Pair{Article2026: art.Number, Source: "computed"}
		if nums, ok := over[art.Number]; ok {
			p.Articles1995, p.Source = slices.Clone(nums), "override"
			if len(nums) > 0 {
				if j := slices.IndexFunc(old, func(o *Article) bool { return o.Number == nums[0] }); j >= 0 {
					p.Score = sim[i][j]
				}
			}
		} else if j := bestMatch(sim[i], match[i]); j >= 0 {
			p.Articles1995, p.Score = []string{old[j].Number}, sim[i][j]
			for k := range old {
				if k != j && sim[i][k] >= minExtra && sim[i][k] >= extraMatch*sim[i][j] {
					p.Articles1995 = append(p.Articles1995, old[k].Number)
				}
			}
		}
		a.pairs = append(a.pairs, p)
		if len(p.Articles1995) > 0 {
			a.pred[p.Article2026] = p.Articles1995
		}
		for _, n := range p.Articles1995 {
			a.succ[n] = append(a.succ[n], p.Article2026)
		}
	}
	return a
}

// monotoneMatch pairs articles so that the sum of similarities is largest
// while the order of articles is kept (both constitutions follow much the
// same plan), like a weighted longest common subsequence. It returns, for
// each new article, the index of its old article or -1.
func monotoneMatch(sim [][]float64) []int {
	n := len(sim)
	if n == 0 {
		return nil
	}
	m := len(sim[0])
	best := make([][]float64, n+1)
	for i := range best {
		best[i] = make([]float64, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			b := max(best[i+1][j], best[i][j+1])
			if sim[i][j] >= minMatch {
				b = max(b, sim[i][j]+best[i+1][j+1])
			}
			best[i][j] = b
		}
	}
	match := make([]int, n)
	for k := range match {
		match[k] = -1
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case sim[i][j] >= minMatch && best[i][j] == sim[i][j]+best[i+1][j+1]:
			match[i] = j
			i, j = i+1, j+1
		case best[i][j] == best[i+1][j]:
			i++
		default:
			j++
		}
	}
	return match
}

// bestMatch is the ordered match of an article or, when the order left it
// out (an article moved: 1995 puts amendments after the final provisions,
// 2026 before them), its most similar old article if similar enough.
func bestMatch(row []float64, ordered int) int {
	if ordered >= 0 {
		return ordered
	}
	j := -1
	for k, v := range row {
		if v >= minMoved && (j < 0 || v > row[j]) {
			j = k
		}
	}
	return j
}

// similarity is the cosine of TF-IDF vectors of word stems for every pair
// of new and old articles.
func similarity(new, old []*Article, lang Lang) [][]float64 {
	vecs := func(arts []*Article) []map[string]float64 {
		out := make([]map[string]float64, len(arts))
		for i, a := range arts {
			out[i] = termCounts(a.PlainText(), lang)
		}
		return out
	}
	vn, vo := vecs(new), vecs(old)
	df := map[string]int{}
	for _, v := range append(slices.Clone(vn), vo...) {
		for t := range v {
			df[t]++
		}
	}
	total := float64(len(vn) + len(vo))
	weigh := func(vs []map[string]float64) {
		for _, v := range vs {
			var norm float64
			for t, c := range v {
				w := (1 + math.Log(c)) * math.Log(1+total/float64(df[t]))
				v[t] = w
				norm += w * w
			}
			norm = math.Sqrt(norm)
			for t := range v {
				v[t] /= norm
			}
		}
	}
	weigh(vn)
	weigh(vo)
	sim := make([][]float64, len(vn))
	for i, a := range vn {
		sim[i] = make([]float64, len(vo))
		for j, b := range vo {
			var dot float64
			for t, w := range a {
				dot += w * b[t]
			}
			sim[i][j] = dot
		}
	}
	return sim
}

// termCounts counts the stems of the words of a text; Russian words are
// stemmed with Snowball, Kazakh ones cut to their first five letters,
// which is where Kazakh keeps the root.
func termCounts(text string, lang Lang) map[string]float64 {
	counts := map[string]float64{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(w)) < 3 {
			continue
		}
		if lang == RU {
			w = russian.Stem(w, false)
		} else if r := []rune(w); len(r) > 5 {
			w = string(r[:5])
		}
		counts[w]++
	}
	return counts
}
