package textkit

import (
	"strconv"
	"strings"

	"atazan/corpus"
)

// The Constitution writes its numbers in words ("ста сорока пяти
// депутатов", "жүз қырық бес депутаттан", "не моложе сорока лет") and
// people type digits ("145 депутатов", "с 18 лет"): a run of number words
// is read as its value, so both meet on the digits.

// numberWords are the Russian cardinal number words in their case forms and
// the Kazakh ones in folded form, with their values. "Один" and "бір" are
// left out: they mostly mean "one and the same", "once", not a quantity.
var numberWords = func() map[string]int {
	m := map[string]int{}
	add := func(v int, forms string) {
		for _, f := range strings.Fields(forms) {
			m[f] = v
		}
	}
	// Russian, lower case, ё written as е.
	add(2, "два две двух двум двумя")
	add(3, "три трех трем тремя")
	add(4, "четыре четырех четырем четырьмя")
	add(5, "пять пяти пятью")
	add(6, "шесть шести шестью")
	add(7, "семь семи семью")
	add(8, "восемь восьми восемью")
	add(9, "девять девяти девятью")
	add(10, "десять десяти десятью")
	add(11, "одиннадцать одиннадцати")
	add(12, "двенадцать двенадцати")
	add(13, "тринадцать тринадцати")
	add(14, "четырнадцать четырнадцати")
	add(15, "пятнадцать пятнадцати")
	add(16, "шестнадцать шестнадцати")
	add(17, "семнадцать семнадцати")
	add(18, "восемнадцать восемнадцати")
	add(19, "девятнадцать девятнадцати")
	add(20, "двадцать двадцати")
	add(30, "тридцать тридцати")
	add(40, "сорок сорока")
	add(50, "пятьдесят пятидесяти")
	add(60, "шестьдесят шестидесяти")
	add(70, "семьдесят семидесяти")
	add(80, "восемьдесят восьмидесяти")
	add(90, "девяносто девяноста")
	add(100, "сто ста")
	add(200, "двести двухсот")
	add(300, "триста трехсот")
	add(400, "четыреста четырехсот")
	add(500, "пятьсот пятисот")
	add(1000, "тысяча тысячи тысяч тысячу")
	// Kazakh, folded: Cyrillic and Latin spellings meet.
	for _, kk := range []struct {
		v    int
		word string
	}{
		{2, "екі"}, {3, "үш"}, {4, "төрт"}, {5, "бес"}, {6, "алты"}, {7, "жеті"}, {8, "сегіз"},
		{9, "тоғыз"}, {10, "он"}, {20, "жиырма"}, {30, "отыз"}, {40, "қырық"}, {50, "елу"},
		{60, "алпыс"}, {70, "жетпіс"}, {80, "сексен"}, {90, "тоқсан"}, {100, "жүз"}, {1000, "мың"},
	} {
		m["kk:"+Fold(kk.word)] = kk.v
	}
	return m
}()

// numberValue is the value of one lower-case number word of a text in
// lang, or 0. Russian "он" is "he", Kazakh "он" is ten.
func numberValue(word string, lang Lang) int {
	if lang == Russian && isCyrillic(word) && !hasKazakhLetter(word) {
		return numberWords[strings.ReplaceAll(word, "ё", "е")]
	}
	return numberWords["kk:"+Fold(corpus.NormalizeKazakh(word))]
}

// Quantity is a number written in words and what it counts: "ста сорока
// пяти депутатов" is {"145", "deputat"}. Of is the search key of the word
// after the number, "" when there is none.
type Quantity struct {
	Value string
	Of    string
}

// Quantities finds the runs of number words in a text in lang.
// Numbers written as digits are not included: Terms keeps them as they are.
func Quantities(text string, lang Lang) []Quantity {
	var out []Quantity
	total, cur, inRun := 0, 0, false
	end := func(next string) {
		if inRun {
			q := Quantity{Value: strconv.Itoa(total + cur)}
			if next != "" {
				q.Of = Term(next, lang)
			}
			out = append(out, q)
		}
		total, cur, inRun = 0, 0, false
	}
	for _, w := range Words(text) {
		v := numberValue(w, lang)
		if v == 0 {
			end(w)
			continue
		}
		switch {
		case v == 1000:
			total += max(cur, 1) * v
			cur = 0
		case v == 100 && cur > 0 && cur < 10:
			cur *= v // "екі жүз"
		case inRun && cur > 0 && cur%10 == 0 && v < 10, inRun && cur >= 100 && cur%100 == 0 && v < 100:
			cur += v // "сорока пяти", "ста сорока"
		case inRun:
			end("") // "два три" is two numbers
			cur = v
		default:
			cur = v
		}
		inRun = true
	}
	end("")
	return out
}

// Numbers returns the values of the runs of number words in a text in
// lang, as digits: "ста сорока пяти" is "145", "жиырма бес" is "25".
func Numbers(text string, lang Lang) []string {
	var out []string
	for _, q := range Quantities(text, lang) {
		out = append(out, q.Value)
	}
	return out
}
