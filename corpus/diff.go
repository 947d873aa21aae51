package corpus

import (
	"fmt"
	"slices"
	"strings"
)

// Diff says which articles an import adds, removes or changes, by number,
// across the languages of the document, with a few examples.
type Diff struct {
	Added    []string        `json:"added,omitempty"`
	Removed  []string        `json:"removed,omitempty"`
	Changed  []string        `json:"changed,omitempty"`
	Examples []ArticleChange `json:"examples,omitempty"`
	// First is set when there was no version before, so everything is new.
	First bool `json:"first,omitempty"`
}

// ArticleChange is one example of a change: the changed passage of an
// article before and after ("" when the article is new or gone).
type ArticleChange struct {
	Article string `json:"article"`
	Lang    Lang   `json:"lang"`
	Before  string `json:"before"`
	After   string `json:"after"`
}

// maxExamples is how many changes a diff shows as examples.
const maxExamples = 3

// Empty reports whether nothing changed.
func (d Diff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// Compare computes what changes from the old version of a document (nil
// when there is none) to the new one.
func Compare(old, cur *Document) Diff {
	var d Diff
	if old == nil {
		d.First = true
		old = &Document{}
	}
	added, removed, changed := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, lang := range sortedLangs(cur.Texts) {
		nt, ot := cur.Texts[lang], old.Texts[lang]
		if ot == nil {
			ot = &Text{}
		}
		for _, a := range nt.Articles() {
			b := ot.Article(a.Number)
			switch {
			case b == nil:
				if !added[a.Number] && !d.First && len(d.Examples) < maxExamples {
					d.Examples = append(d.Examples, ArticleChange{Article: a.Number, Lang: lang, After: clip(a.PlainText(), 200)})
				}
				added[a.Number] = true
			case b.Repealed != a.Repealed || b.PlainText() != a.PlainText():
				if !changed[a.Number] && len(d.Examples) < maxExamples {
					before, after := changedPassage(b.Body(lang), a.Body(lang))
					d.Examples = append(d.Examples, ArticleChange{Article: a.Number, Lang: lang, Before: before, After: after})
				}
				changed[a.Number] = true
			}
		}
		for _, b := range ot.Articles() {
			if nt.Article(b.Number) == nil {
				if !removed[b.Number] && len(d.Examples) < maxExamples {
					d.Examples = append(d.Examples, ArticleChange{Article: b.Number, Lang: lang, Before: clip(b.PlainText(), 200)})
				}
				removed[b.Number] = true
			}
		}
	}
	d.Added, d.Removed, d.Changed = sortedNumbers(added), sortedNumbers(removed), sortedNumbers(changed)
	return d
}

// Summary is a short account of the diff in lang, for admins: counts,
// article numbers and up to three examples.
func (d Diff) Summary(lang Lang) string {
	w := summaryWords[lang]
	if w.none == "" {
		w = summaryWords[RU]
	}
	if d.First {
		return fmt.Sprintf(w.first, len(d.Added))
	}
	if d.Empty() {
		return w.none
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d%s. %s: %d%s. %s: %d%s.", w.added, len(d.Added), numberList(d.Added),
		w.removed, len(d.Removed), numberList(d.Removed), w.changed, len(d.Changed), numberList(d.Changed))
	for _, ex := range d.Examples {
		ref := Ref{Article: ex.Article}.Format(lang)
		switch {
		case ex.Before == "":
			fmt.Fprintf(&b, "\n%s (%s): %s «%s»", ref, ex.Lang, w.new, ex.After)
		case ex.After == "":
			fmt.Fprintf(&b, "\n%s (%s): %s «%s»", ref, ex.Lang, w.gone, ex.Before)
		default:
			fmt.Fprintf(&b, "\n%s (%s): %s «%s» → %s «%s»", ref, ex.Lang, w.was, ex.Before, w.now, ex.After)
		}
	}
	return b.String()
}

type words struct{ first, none, added, removed, changed, new, gone, was, now string }

var summaryWords = map[Lang]words{
	RU: {"Первая версия: статей %d.", "Без изменений.", "Добавлено статей", "Удалено", "Изменено", "новая", "удалена", "было", "стало"},
	KK: {"Алғашқы нұсқа: %d бап.", "Өзгеріс жоқ.", "Қосылған баптар", "Алынған", "Өзгерген", "жаңа", "алынды", "бұрын", "енді"},
	EN: {"First version: %d articles.", "No changes.", "Articles added", "Removed", "Changed", "new", "removed", "was", "now"},
}

// numberList writes " (2, 41, 42)", shortened after ten numbers.
func numberList(nums []string) string {
	if len(nums) == 0 {
		return ""
	}
	if len(nums) > 10 {
		return " (" + strings.Join(nums[:10], ", ") + ", …)"
	}
	return " (" + strings.Join(nums, ", ") + ")"
}

// changedPassage cuts the common beginning and end off two texts and
// returns the differing middle of each, with a little context.
func changedPassage(a, b string) (string, string) {
	ra, rb := []rune(a), []rune(b)
	pre := 0
	for pre < len(ra) && pre < len(rb) && ra[pre] == rb[pre] {
		pre++
	}
	suf := 0
	for suf < len(ra)-pre && suf < len(rb)-pre && ra[len(ra)-1-suf] == rb[len(rb)-1-suf] {
		suf++
	}
	const context = 40
	start := max(0, pre-context)
	return excerpt(ra, start, len(ra)-suf+context), excerpt(rb, start, len(rb)-suf+context)
}

func excerpt(r []rune, start, end int) string {
	end = min(end, len(r))
	s := strings.ReplaceAll(string(r[start:end]), "\n", " ")
	if start > 0 {
		s = "…" + s
	}
	if end < len(r) {
		s += "…"
	}
	return clip(s, 240)
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// sortedNumbers orders article numbers numerically: 2, 10, 83, 83-1, 84.
func sortedNumbers(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	slices.SortFunc(out, compareNumbers)
	return out
}

// compareNumbers orders "83" < "83-1" < "84".
func compareNumbers(a, b string) int {
	ka, kb := numberKey(a), numberKey(b)
	if c := ka[0] - kb[0]; c != 0 {
		return c
	}
	return ka[1] - kb[1]
}

func numberKey(s string) [2]int {
	var k [2]int
	fmt.Sscanf(strings.Replace(s, "-", " ", 1), "%d %d", &k[0], &k[1])
	return k
}
