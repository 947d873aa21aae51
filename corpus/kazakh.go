package corpus

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// lookalikes maps Latin letters that typists and converters put inside
// Cyrillic words (the Kazakh texts write "мiндеттi", "жəне") to the
// Cyrillic letters they stand for.
var lookalikes = map[rune]rune{
	'i': 'і', 'I': 'І', 'ə': 'ә', 'Ə': 'Ә', 'ı': 'і',
	'a': 'а', 'A': 'А', 'c': 'с', 'C': 'С', 'e': 'е', 'E': 'Е',
	'o': 'о', 'O': 'О', 'p': 'р', 'P': 'Р', 'x': 'х', 'X': 'Х',
	'y': 'у', 'k': 'к', 'K': 'К', 'H': 'Н', 'B': 'В', 'M': 'М',
	'T': 'Т', 'h': 'һ',
}

// NormalizeKazakh replaces Latin look-alike letters inside otherwise
// Cyrillic words with their Cyrillic twins and returns the text in Unicode
// NFC. Words written wholly in Latin script (names, "III" in "254-III") are
// left alone, so it is safe on Russian and mixed text too.
func NormalizeKazakh(s string) string {
	s = norm.NFC.String(s)
	if !hasLatinLetter(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	start := -1
	flush := func(end int) {
		if start >= 0 {
			b.WriteString(fixWord(s[start:end]))
			start = -1
		}
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		b.WriteRune(r)
	}
	flush(len(s))
	return norm.NFC.String(b.String())
}

func hasLatinLetter(s string) bool {
	for _, r := range s {
		if _, ok := lookalikes[r]; ok {
			return true
		}
	}
	return false
}

// fixWord converts a word when it has Cyrillic letters and every
// non-Cyrillic letter in it has a Cyrillic look-alike.
func fixWord(w string) string {
	cyr, fixable := false, true
	for _, r := range w {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr = true
		case unicode.Is(unicode.Mn, r):
		default:
			if _, ok := lookalikes[r]; !ok {
				fixable = false
			}
		}
	}
	if !cyr || !fixable {
		return w
	}
	return strings.Map(func(r rune) rune {
		if c, ok := lookalikes[r]; ok {
			return c
		}
		return r
	}, w)
}
