package corpus

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Severity tells whether a problem blocks an import.
type Severity string

// Severities. Errors refuse the import; warnings are reported with it, so
// that a known flaw of an official text does not keep the text from users.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is one finding of validation, with its place.
type Problem struct {
	Severity Severity `json:"severity"`
	Doc      string   `json:"doc"`
	Lang     Lang     `json:"lang,omitempty"`
	Article  string   `json:"article,omitempty"`
	Point    string   `json:"point,omitempty"`
	Msg      string   `json:"msg"`
}

// String is "kz2026 kk, art. 56, p. 2: msg".
func (p Problem) String() string {
	place := p.Doc
	if p.Lang != "" {
		place += " " + string(p.Lang)
	}
	if p.Article != "" {
		place += ", art. " + p.Article
	}
	if p.Point != "" {
		place += ", p. " + p.Point
	}
	return place + ": " + p.Msg
}

// ValidationError is returned when a document has errors. Problems holds
// every finding, warnings included.
type ValidationError struct {
	Doc      string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var errs []string
	for _, p := range e.Problems {
		if p.Severity == Error {
			errs = append(errs, p.String())
		}
	}
	const show = 10
	msg := fmt.Sprintf("%s is not valid (%d errors): %s", e.Doc, len(errs), strings.Join(errs[:min(len(errs), show)], "; "))
	if len(errs) > show {
		msg += fmt.Sprintf("; and %d more", len(errs)-show)
	}
	return msg
}

// Validate checks a document and returns a *ValidationError when it has
// errors; warnings alone do not fail it (see Check for them).
func Validate(doc *Document) error {
	probs := Check(doc)
	if slices.ContainsFunc(probs, func(p Problem) bool { return p.Severity == Error }) {
		return &ValidationError{Doc: doc.ID, Problems: probs}
	}
	return nil
}

// Check lists every problem of a document: errors (missing or duplicated
// articles, empty articles or points, a text that stops mid-sentence at its
// end, official languages whose articles or points do not match) and
// warnings (a point that ends mid-sentence inside the text, an article
// count unlike the known one, the unofficial text differing).
func Check(doc *Document) []Problem {
	var probs []Problem
	add := func(sev Severity, lang Lang, art, pt, format string, args ...any) {
		probs = append(probs, Problem{Severity: sev, Doc: doc.ID, Lang: lang, Article: art, Point: pt, Msg: fmt.Sprintf(format, args...)})
	}
	if len(doc.Texts) == 0 {
		add(Error, "", "", "", "no texts")
		return probs
	}
	want := 0
	if e, ok := entry(doc.ID); ok {
		want = e.Articles
	}
	for _, lang := range sortedLangs(doc.Texts) {
		checkText(doc.Texts[lang], want, func(sev Severity, art, pt, format string, args ...any) {
			add(sev, lang, art, pt, format, args...)
		})
	}
	ref := referenceLang(doc)
	for _, lang := range sortedLangs(doc.Texts) {
		if lang == ref {
			continue
		}
		sev := Error
		if !doc.Texts[lang].Official || !doc.Texts[ref].Official {
			sev = Warning
		}
		compareTexts(doc.Texts[ref], doc.Texts[lang], func(art, pt, format string, args ...any) {
			add(sev, lang, art, pt, format, args...)
		})
		if sev == Error {
			compareLengths(doc.Texts[ref], doc.Texts[lang], func(art, pt, format string, args ...any) {
				add(Warning, lang, art, pt, format, args...)
			})
		}
	}
	return probs
}

// maxLengthRatio bounds how much longer one official language's point may
// be than the other's: 1.5 at most in the official texts, so a factor of 2
// means a part is missing (a cut that happens to end at a full stop).
const maxLengthRatio = 2.0

// compareLengths warns about points far shorter or longer than their
// counterpart in the reference language.
func compareLengths(ref, t *Text, add func(art, pt, format string, args ...any)) {
	for _, a := range t.Articles() {
		b := ref.Article(a.Number)
		if b == nil || len(a.Points) != len(b.Points) {
			continue
		}
		for i := range a.Points {
			x, y := len([]rune(a.Points[i].PlainText())), len([]rune(b.Points[i].PlainText()))
			if max(x, y) < 40 {
				continue
			}
			if float64(x) > maxLengthRatio*float64(y) || float64(y) > maxLengthRatio*float64(x) {
				add(a.Number, a.Points[i].Number, "%d characters against %d in the %s text: part of one may be missing", x, y, ref.Lang)
			}
		}
	}
}

type report func(sev Severity, art, pt, format string, args ...any)

func checkText(t *Text, want int, add report) {
	arts := t.Articles()
	if len(arts) == 0 {
		add(Error, "", "", "no articles: this does not look like a constitution text")
		return
	}
	seen := map[string]bool{}
	bases := map[int]bool{}
	maxBase := 0
	for _, a := range arts {
		if seen[a.Number] {
			add(Error, a.Number, "", "article number appears twice")
		}
		seen[a.Number] = true
		base, _ := strconv.Atoi(strings.SplitN(a.Number, "-", 2)[0])
		bases[base] = true
		maxBase = max(maxBase, base)
		checkArticle(a, add)
	}
	var missing []string
	for n := 1; n <= maxBase; n++ {
		if !bases[n] {
			missing = append(missing, strconv.Itoa(n))
		}
	}
	if len(missing) > 0 {
		add(Error, "", "", "articles missing from the numbering: %s", strings.Join(missing, ", "))
	}
	if want > 0 && len(arts) != want {
		add(Warning, "", "", "%d articles, the known official text has %d", len(arts), want)
	}
	last := arts[len(arts)-1]
	if !last.Repealed && midSentence(lastWords(last)) {
		add(Error, last.Number, "", "the text stops mid-sentence at its end: the file looks truncated")
	}
}

func checkArticle(a *Article, add report) {
	if a.Repealed {
		return
	}
	if a.Lead == "" && len(a.Points) == 0 {
		add(Error, a.Number, "", "empty article")
		return
	}
	nums := map[string]bool{}
	for i, p := range a.Points {
		if nums[p.Number] {
			add(Error, a.Number, p.Number, "point number appears twice")
		}
		nums[p.Number] = true
		if p.Repealed {
			continue
		}
		if p.Text == "" && len(p.Items) == 0 {
			add(Error, a.Number, p.Number, "empty point")
			continue
		}
		if i < len(a.Points)-1 && midSentence(p.PlainText()) {
			add(Warning, a.Number, p.Number, "ends mid-sentence in the source")
		}
	}
}

// lastWords is the last text of an article, where a truncated file stops.
func lastWords(a *Article) string {
	if len(a.Points) == 0 {
		return a.Lead
	}
	p := a.Points[len(a.Points)-1]
	if p.Repealed {
		return "."
	}
	return p.PlainText()
}

// midSentence reports whether text stops without closing punctuation.
func midSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == ','
}

// compareTexts checks that t has the same articles, points and sub-point
// counts as ref.
func compareTexts(ref, t *Text, add func(art, pt, format string, args ...any)) {
	var missing, extra []string
	for _, a := range ref.Articles() {
		if t.Article(a.Number) == nil {
			missing = append(missing, a.Number)
		}
	}
	for _, a := range t.Articles() {
		b := ref.Article(a.Number)
		if b == nil {
			extra = append(extra, a.Number)
			continue
		}
		comparePoints(b, a, add)
	}
	if len(missing) > 0 {
		add("", "", "articles missing that the %s text has: %s", ref.Lang, strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		add("", "", "articles that the %s text does not have: %s", ref.Lang, strings.Join(extra, ", "))
	}
}

func comparePoints(ref, a *Article, add func(art, pt, format string, args ...any)) {
	if ref.Repealed != a.Repealed {
		add(a.Number, "", "repealed in one language only")
		return
	}
	if got, want := pointNumbers(a.Points), pointNumbers(ref.Points); !slices.Equal(got, want) {
		add(a.Number, "", "points %s do not match the %d points of the other language (%s)",
			listOrNone(got), len(want), listOrNone(want))
		return
	}
	for i := range a.Points {
		if got, want := len(a.Points[i].Items), len(ref.Points[i].Items); got != want {
			add(a.Number, a.Points[i].Number, "%d sub-points, the other language has %d", got, want)
		}
	}
}

func pointNumbers(ps []Point) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Number
	}
	return out
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// referenceLang is the text others are compared with: Russian if present,
// else the first official one.
func referenceLang(doc *Document) Lang {
	if _, ok := doc.Texts[RU]; ok {
		return RU
	}
	for _, l := range sortedLangs(doc.Texts) {
		if doc.Texts[l].Official {
			return l
		}
	}
	return sortedLangs(doc.Texts)[0]
}

// sortedLangs orders languages kk, ru, en.
func sortedLangs(texts map[Lang]*Text) []Lang {
	var out []Lang
	for _, l := range []Lang{KK, RU, EN} {
		if _, ok := texts[l]; ok {
			out = append(out, l)
		}
	}
	var other []Lang
	for l := range texts {
		if !slices.Contains(out, l) {
			other = append(other, l)
		}
	}
	slices.Sort(other)
	return append(out, other...)
}

// Langs lists the languages the document has texts in: kk, ru, en.
func (d *Document) Langs() []Lang { return sortedLangs(d.Texts) }
