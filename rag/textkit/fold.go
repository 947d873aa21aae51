// Package textkit turns Kazakh (Cyrillic and Latin script) and Russian text
// into search keys: language detection, a common Latin folding of both
// scripts, stemming, stop words and references to articles. Latin look-alike
// letters inside Cyrillic words are fixed with corpus.NormalizeKazakh, the
// same normalisation the served texts get.
package textkit

import (
	"strings"
	"unicode"
)

// foldTable maps one lower-case letter to its folded form. Kazakh Cyrillic,
// the 2021 Latin alphabet and informal Latin spellings meet in one key, so a
// question typed as "Jaña Konstitutsiia qaşan küşıne enedı" matches
// "Жаңа Конституция қашан күшіне енеді" without guessing the Cyrillic back:
// Latin i can be и, й or і, so all i-like vowels fold to "i".
var foldTable = map[rune]string{
	// Cyrillic
	'а': "a", 'ә': "a", 'б': "b", 'в': "v", 'г': "g", 'ғ': "g", 'д': "d",
	'е': "e", 'ё': "e", 'ж': "j", 'з': "z", 'и': "i", 'й': "i", 'і': "i",
	'к': "k", 'қ': "k", 'л': "l", 'м': "m", 'н': "n", 'ң': "n", 'о': "o",
	'ө': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ұ': "u",
	'ү': "u", 'ф': "f", 'х': "h", 'һ': "h", 'ц': "ts", 'ч': "ch", 'ш': "sh",
	'щ': "sh", 'ъ': "", 'ы': "i", 'ь': "", 'э': "e", 'ю': "iu", 'я': "ia",
	// Latin letters of the Kazakh alphabets (2017, 2018, 2021) and informal use
	'ä': "a", 'á': "a", 'ğ': "g", 'ǵ': "g", 'ñ': "n", 'ń': "n", 'ö': "o",
	'ó': "o", 'q': "k", 'ū': "u", 'ü': "u", 'ú': "u", 'ş': "sh", 'ı': "i",
	'y': "i", 'ý': "i", 'w': "u", 'x': "h", 'ə': "a", 'ç': "ch",
}

// latinDigraphs are informal two-letter spellings folded before single letters.
var latinDigraphs = []struct{ from, to string }{
	{"zh", "j"}, {"kh", "h"}, {"gh", "g"}, {"ch", "ch"}, {"sh", "sh"},
}

// Fold maps a lower-case word in either script to the common key.
func Fold(word string) string {
	var b strings.Builder
	b.Grow(len(word))
	rs := []rune(word)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r < unicode.MaxASCII && i+1 < len(rs) {
			matched := false
			for _, d := range latinDigraphs {
				if r == rune(d.from[0]) && rs[i+1] == rune(d.from[1]) {
					b.WriteString(d.to)
					i++
					matched = true
					break
				}
			}
			if matched {
				continue
			}
		}
		switch {
		case r == 'c':
			// Informal Latin writes ц as c ("cenzura"); ch was handled above.
			b.WriteString("ts")
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`':
			// 2017 alphabet apostrophes (a', g', sh) carry no letter of their own.
		default:
			if s, ok := foldTable[r]; ok {
				b.WriteString(s)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// Lang is a language of analysis, the same values as corpus.Lang; it is a
// type of its own because textkit knows only the two languages it can stem.
type Lang string

// The languages textkit analyses.
const (
	Kazakh  Lang = "kk"
	Russian Lang = "ru"
)
