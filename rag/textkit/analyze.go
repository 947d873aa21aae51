package textkit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/russian"
	"golang.org/x/text/unicode/norm"

	"atazan/corpus"
)

// Words splits text into lower-case words: runs of letters or of digits,
// with hyphens splitting words ("вице-президент" is two words).
func Words(text string) []string {
	text = norm.NFC.String(strings.ToLower(text))
	return strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
}

func splitFields(s string) []string { return strings.Fields(s) }

// Term is the search key of one lower-case word written in a text of
// language lang, or "" for a stop word. Russian words are stemmed by
// Snowball; Kazakh words (any word with a Kazakh letter, every word of a
// Kazakh text, every Latin-script word) are folded and stripped of their
// endings. Both end up folded, so loanwords shared by the two languages and
// the two scripts meet.
func Term(word string, lang Lang) string {
	word = strings.Trim(word, "'’")
	if word == "" {
		return ""
	}
	if isDigits(word) {
		return word
	}
	word = corpus.NormalizeKazakh(word)
	if lang == Russian && isCyrillic(word) && !hasKazakhLetter(word) {
		if stopRussian[word] || stopRussian[strings.ReplaceAll(word, "ё", "е")] || (russian.IsStopWord(word) && !countWords[word]) {
			return ""
		}
		stem := StemRussian(word)
		if utf8.RuneCountInString(stem) < minSnowballStem {
			// Snowball reads "аким" as an adjective ending: "ак".
			stem = word
		}
		return trimVowel(Fold(stem))
	}
	f := Fold(word)
	if stopKazakh[f] || (lang == Russian && stopRussian[word]) {
		return ""
	}
	stem := StemKazakh(f)
	if stopKazakh[stem] {
		return "" // "кімге", "кімнің" are "кім"
	}
	return stem
}

// trimVowel drops a final vowel Snowball left on a Russian stem: it reads
// "Курултая" as an adjective ("курулт") but "Курултай", "Курултае" as
// nouns ("курулта"); without the vowel every form meets.
func trimVowel(stem string) string {
	if n := len(stem); n > minRussianStem && strings.ContainsRune("aeiou", rune(stem[n-1])) {
		return stem[:n-1]
	}
	return stem
}

// minRussianStem is the shortest folded stem trimVowel leaves.
const minRussianStem = 4

// minSnowballStem is the shortest Snowball stem taken; a shorter one
// means a loanword read as an ending ("аким" → "ак"), so the word stays.
const minSnowballStem = 3

// abilityAux are the forms of "ал-" that make "can" of the verb before
// them ("тарата алады", "бола ала ма", "сайлай алмайды"), folded.
var abilityAux = foldSet(`ала алады алама аламын аламыз аласың аласыз алатын алмайды алмады алмаймын алма алған алар`)

// dropConverb removes the converb vowel ("-а", "-е", "-й") of a Kazakh verb
// before "ал-": "тарата" is тарат-а, "сайлай" сайла-й.
func dropConverb(w string) string {
	r := []rune(w)
	if len(r) < 4 {
		return w
	}
	switch r[len(r)-1] {
	case 'а', 'е', 'й', 'a', 'e', 'y', 'ı', 'i':
		return string(r[:len(r)-1])
	}
	return w
}

// Terms is the search keys of a text in language lang, stop words left
// out, followed by the values of its number words as digits (Numbers).
func Terms(text string, lang Lang) []string {
	var out []string
	words := Words(text)
	for i, w := range words {
		if lang == Kazakh && i+1 < len(words) && abilityAux[Fold(words[i+1])] && Term(w, lang) != "" {
			w = dropConverb(w) // "бола алады" stays a stop word
		}
		if t := Term(w, lang); t != "" && !(len(t) == 1 && !isDigits(t)) {
			out = append(out, t)
		}
	}
	return append(out, Numbers(text, lang)...)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isCyrillic(word string) bool {
	for _, r := range word {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Cyrillic, r) {
			return false
		}
	}
	return true
}

// countWords are in Snowball's stop list but matter in questions about
// terms and citizenship ("не более одного раза", "два паспорта").
var countWords = map[string]bool{"раз": true, "два": true, "три": true}

// kazakhLetters are the Cyrillic letters Kazakh has and Russian lacks.
const kazakhLetters = "әғқңөұүһі"

func hasKazakhLetter(word string) bool { return strings.ContainsAny(word, kazakhLetters) }
