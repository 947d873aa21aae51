// Package textkit turns Kazakh (Cyrillic and Latin script) and Russian text
// into search keys: language detection, a common Latin folding of both
// scripts, stemming, stop words and references to articles.
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

// lookalikes are Latin letters that Kazakh texts and phones put inside
// Cyrillic words ("мiндеттi", "жəне").
var lookalikes = map[rune]rune{
	'i': 'і', 'ə': 'ә', 'c': 'с', 'o': 'о', 'a': 'а', 'e': 'е', 'p': 'р',
	'x': 'х', 'y': 'у', 'k': 'к', 'h': 'һ', 'm': 'м', 't': 'т', 'b': 'в',
}

// fixLookalikes replaces Latin look-alike letters in a word that is
// otherwise Cyrillic; words with no Cyrillic letter are left alone.
func fixLookalikes(word string) string {
	cyr, lat := 0, 0
	for _, r := range word {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	if cyr == 0 || lat == 0 {
		return word
	}
	return strings.Map(func(r rune) rune {
		if c, ok := lookalikes[r]; ok {
			return c
		}
		return r
	}, word)
}

// Lang is a language code, the same values as corpus.Lang; textkit keeps
// its own type so that it depends on nothing but text.
type Lang string

// The languages textkit analyses.
const (
	Kazakh  Lang = "kk"
	Russian Lang = "ru"
)
