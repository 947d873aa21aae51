package answer

import (
	"strings"
	"unicode"

	"atazan/corpus"
)

// toLatin writes Kazakh Cyrillic in the 2021 Latin alphabet, keeping
// capitals, digits and punctuation; letters outside the table (Latin
// already, Russian-only ones) stay as they are.
func toLatin(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		l, ok := book.latin[unicode.ToLower(r)]
		if !ok {
			b.WriteRune(r)
			continue
		}
		if unicode.IsUpper(r) && l != "" {
			rs := []rune(l)
			rs[0] = unicode.ToUpper(rs[0])
			l = string(rs)
		}
		b.WriteString(l)
	}
	return b.String()
}

// formatRef is a reference as the reader sees it: "ст. 43, п. 1",
// "43-бап, 1-тармақ", or "43-bap, 1-tarmaq" in a Latin-script answer.
func formatRef(r corpus.Ref, lang corpus.Lang, latin bool) string {
	s := r.Format(lang)
	if latin {
		return toLatin(s)
	}
	return s
}

// InScript writes s in the answer's script: the 2021 Latin alphabet for
// an answer to a Latin-script Kazakh question, unchanged otherwise. The
// messengers' renderers use it for the words they add (source lines,
// citation labels).
func (r Result) InScript(s string) string {
	if r.Latin {
		return toLatin(s)
	}
	return s
}
