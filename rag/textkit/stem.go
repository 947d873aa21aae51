package textkit

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kljensen/snowball/russian"
)

// Kazakh endings in folded form, in the order they are stripped from the
// end of a word: case, then possessive, then plural (the reverse of the
// order they are attached). Longer endings come first within a slot.
var (
	kkCase = []string{
		"ninan", "nan", "nen", "dan", "den", "tan", "ten", // ablative
		"nin", "din", "tin", // genitive
		"nda", "nde", "da", "de", "ta", "te", // locative
		"na", "ne", "ga", "ge", "ka", "ke", // dative
		"imen", "men", "ben", "pen", // instrumental
		"ni", "di", "ti", "n", // accusative
	}
	kkPossessive = []string{
		"imiz", "miz", "iniz", "niz", "si", "im", "in", "m", "n", "i",
	}
	kkPlural = []string{"lar", "ler", "dar", "der", "tar", "ter"}
	// kkAbstract is -лық/-лік/-дық/-дік/-тық/-тік, which makes "президенттік"
	// of "президент" and "мемлекеттік" of "мемлекет"; stripped only from
	// long stems, since "бостандық" is not "бостан" (a garden).
	kkAbstract = []string{"lik", "dik", "tik", "lig", "dig", "tig"}
	// kkVerbal are common endings of verbs and verbal nouns ("сайлау",
	// "алады", "берген"), stripped last so that "сайлау" and "сайлауға" meet.
	kkVerbal = []string{"adi", "edi", "idi", "gan", "gen", "kan", "ken", "sam", "sem", "sa", "se", "u"}
	// kkVerbalNoun is the "-у" of a verbal noun, stripped even from a
	// three-letter root ("беру", "салу", "алу").
	kkVerbalNoun = []string{"u"}
	// kkFinite are the endings that mark a word as a verb form: the
	// present/future "-ады/-йды" ("сайланады", "сайлайды"), participles
	// "-атын/-ған" ("сайланатын", "берілген"). They are
	// tried before case endings, which they would otherwise lose their
	// last letters to ("сайланады" is not an accusative).
	kkFinite = []string{"atin", "etin", "itin", "adi", "edi", "idi", "gan", "gen", "kan", "ken"}
	// kkNegation ("-ма/-ба/-па") comes between a verb's stem and its
	// tense: "сайланбайды" is сайлан-ба-йды. Stripped only after a verb
	// ending, since nouns end in "-ма" too. The passive ("сайлан-",
	// "беріл-") is kept: merging it with the active made common verbs
	// match everywhere and lost MRR on every question set; the search
	// relates the two through keys that differ in their last letter.
	kkNegation = []string{"ma", "me", "ba", "be", "pa", "pe"}
)

// minKazakhStem keeps the stripper from cutting words to nothing
// ("бостандықтарын" must stay "бостандық", not "бос").
const minKazakhStem = 3

// minAbstractStem is the shortest stem -лық/-лік is stripped from.
const minAbstractStem = 7

// kkKeep are word endings that look like case endings but belong to the
// stem ("Қазақстан" is not "Қазақс" + ablative "-тан").
var kkKeep = []string{"stan"}

// StemKazakh strips Kazakh inflection from a folded word. Native Kazakh
// words never end in a voiced б, г, ғ: those are the voiced forms of п, к,
// қ before a vowel ending ("құқығы" ← "құқық"), so a final b or g of the
// stem is devoiced to meet the bare form.
func StemKazakh(folded string) string {
	for _, k := range kkKeep {
		if i := strings.LastIndex(folded, k); i >= 0 {
			rest := folded[i+len(k):]
			if rest == "" || rest == "dagi" || slices.Contains(kkCase, rest) || slices.Contains(kkPossessive, rest) {
				return folded[:i+len(k)] // "Қазақстанда", "Қазақстанның"
			}
		}
	}
	if w, ok := stripOne(folded, kkFinite, minKazakhStem); ok {
		return devoice(stripVoice(w))
	}
	w := folded
	w, _ = stripOne(w, kkCase, minKazakhStem)
	if v, ok := stripOne(w, kkPossessive, minKazakhStem+1); ok {
		w = v
	} else {
		w = stripShortPossessive(w)
	}
	w, _ = stripOne(w, kkPlural, minKazakhStem)
	w, _ = stripOne(w, kkAbstract, minAbstractStem)
	v, ok := stripOne(w, kkVerbal, minKazakhStem)
	if !ok {
		v, ok = stripOne(w, kkVerbalNoun, minKazakhStem-1)
	}
	if ok {
		w = stripVoice(v) // "сайлануға" is сайла-н-у-ға
	}
	if w == folded {
		return w
	}
	return devoice(w)
}

// stripShortPossessive removes the third-person possessive -ы/-і from a
// short root that ends in a consonant ("күші" ← "күш", "жері" ← "жер",
// "заңы" ← "заң"), which the general minimum keeps whole; after a vowel
// the ending would be -сы/-сі, so a vowel before the final i means it
// belongs to the root. Folded й is i as well: "үйі" (uii) is үй + -і.
func stripShortPossessive(w string) string {
	n := len(w)
	if n < minKazakhStem || w[n-1] != 'i' {
		return w
	}
	isVowel := func(b byte) bool { return strings.IndexByte("aeiou", b) >= 0 }
	consonant := !isVowel(w[n-2]) && n >= minKazakhStem+1
	yot := w[n-2] == 'i' && isVowel(w[n-3]) // -йы/-йі after a vowel: "үйі", "ойы"
	if !consonant && !yot {
		return w
	}
	return w[:n-1]
}

// stripVoice removes the negation of a verb stem whose ending is already
// gone, so that "сайланбайды" meets "сайланады".
func stripVoice(w string) string {
	w, _ = stripOne(w, kkNegation, minKazakhStem)
	return w
}

// devoice turns a stem's final voiced г, ғ, б back into к, қ, п.
func devoice(w string) string {
	if len(w) > minKazakhStem {
		switch w[len(w)-1] {
		case 'g':
			w = w[:len(w)-1] + "k"
		case 'b':
			w = w[:len(w)-1] + "p"
		}
	}
	return w
}

// stripOne removes the first ending of list the word has, if the stem that
// remains has at least min letters; one-letter endings need one more.
// Possessive endings get a longer minimum: "тыйым" is a root, not "тый" + "-ым".
func stripOne(w string, list []string, minStem int) (string, bool) {
	n := utf8.RuneCountInString(w)
	for _, suf := range list {
		if !strings.HasSuffix(w, suf) {
			continue
		}
		min := minStem
		if len(suf) == 1 {
			min++
		}
		if n-len(suf) >= min {
			return w[:len(w)-len(suf)], true
		}
	}
	return w, false
}

// StemRussian is the Snowball stem of a lower-case Russian word.
func StemRussian(word string) string {
	return russian.Stem(word, false)
}
