package textkit

import (
	"unicode"

	"atazan/corpus"
)

// Detection is the language and script of a question.
type Detection struct {
	Lang Lang
	// Latin is set when the text is mostly in Latin letters (Latin-script Kazakh).
	Latin bool
	// Sure is false when the text gave no clear sign either way.
	Sure bool
	// Unmarked is set when Cyrillic text is taken for Russian only because
	// it has no Kazakh letter or function word, and no Russian one either:
	// it may be Kazakh typed on a Russian keyboard.
	Unmarked bool
}

// kazakhCues are Kazakh function words and endings-as-words that tell a
// Kazakh question typed without Kazakh letters ("салык толеу мндетты ма").
var kazakhCues = foldSet(`ма ме ба бе па пе ғой және мен бен пен үшін туралы бойынша қандай қалай
қайда қашан неше қанша кім не бар жоқ бола болама болады керек пе ше деп екен емес мекен жатыр
немесе әлде бұл осы сол ол менің оның біз олар сіз сен деген дегеніміз дегенді деп дейді ғана
сияқты керек пе тиіс міндетті болмайды алмайды`)

// russianCues are Russian function words that Kazakh does not use.
var russianCues = set(`и в во на не что ли как это можно или по за для если меня мне я ты вы
мы он она они у от до из с со к о об про а но же бы ведь чтобы когда где кто какой какая какие
каким сколько почему зачем нельзя надо нужно могут может есть был было была были уже еще ещё`)

// Detect tells Kazakh from Russian by Kazakh-only letters and by function
// words; mostly Latin text is taken for Latin-script Kazakh.
func Detect(text string) Detection {
	latin, cyr := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Latin, r):
			latin++
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		}
	}
	if latin+cyr == 0 {
		return Detection{Lang: Russian}
	}
	if latin > cyr {
		return Detection{Lang: Kazakh, Latin: true, Sure: latin >= 8}
	}
	kk, ru, words := 0, 0, 0
	for _, w := range Words(text) {
		if !isDigits(w) {
			words++
		}
		w = corpus.NormalizeKazakh(w)
		switch {
		case hasKazakhLetter(w):
			kk += 2
		case russianCues[w] && kazakhCues[Fold(w)]:
			// "не" is "not" in Russian and "what" in Kazakh: it tells neither.
		case russianCues[w]:
			ru += 2
		case kazakhCues[Fold(w)]:
			kk += 2
		case hasRussianOnlyLetter(w):
			ru++
		}
	}
	switch {
	case kk > ru:
		return Detection{Lang: Kazakh, Sure: kk-ru >= 2}
	case ru > kk || (kk == 0 && words >= 2):
		// Several Cyrillic words and not one Kazakh letter or word is Russian too.
		return Detection{Lang: Russian, Sure: ru-kk >= 2 || kk == 0 && words >= 2, Unmarked: ru == 0}
	default:
		return Detection{Lang: Russian, Unmarked: ru == 0}
	}
}

// hasRussianOnlyLetter reports letters that Kazakh words rarely have.
func hasRussianOnlyLetter(w string) bool {
	for _, r := range w {
		switch r {
		case 'щ', 'ъ', 'ё', 'э':
			return true
		}
	}
	return false
}
