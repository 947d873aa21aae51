package answer

import (
	"bufio"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// articleWordsData names articles, points and numbers in words, in ru, kk
// and en; its header explains the format.
//
//go:embed data/articlewords.txt
var articleWordsData string

// vocab is the parsed data file; it is read once and never changed.
var vocab = mustParseVocabulary(articleWordsData)

// vocabulary holds the words the recogniser of free-text article numbers
// (articleMentions) knows.
type vocabulary struct {
	article, plural, point, sep, numsign, unit wordSet
	ordSuffix                                  map[string]bool
	ordinals, cardinals                        map[string]int // every form → value
}

// wordSet matches whole words and, for entries written "word*", prefixes.
type wordSet struct {
	words    map[string]bool
	prefixes []string
}

func (s wordSet) has(w string) bool {
	if s.words[w] {
		return true
	}
	for _, p := range s.prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

func (s *wordSet) add(w string) {
	if p, ok := strings.CutSuffix(w, "*"); ok {
		s.prefixes = append(s.prefixes, p)
		return
	}
	if s.words == nil {
		s.words = map[string]bool{}
	}
	s.words[w] = true
}

func mustParseVocabulary(data string) *vocabulary {
	v, err := parseVocabulary(data)
	if err != nil {
		panic(err) // the file is embedded: a test catches this before any build ships
	}
	return v
}

func parseVocabulary(data string) (*vocabulary, error) {
	v := &vocabulary{ordSuffix: map[string]bool{}, ordinals: map[string]int{}, cardinals: map[string]int{}}
	endings := map[string][]string{}
	sets := map[string]*wordSet{"article": &v.article, "plural": &v.plural, "point": &v.point, "sep": &v.sep, "numsign": &v.numsign, "unit": &v.unit}
	sc := bufio.NewScanner(strings.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		bad := func() error { return fmt.Errorf("article words, line %d: cannot read %q", n, sc.Text()) }
		switch kind := f[0]; {
		case sets[kind] != nil && len(f) == 2:
			sets[kind].add(f[1])
		case kind == "ordsuffix" && len(f) == 2:
			v.ordSuffix[f[1]] = true
		case kind == "endings" && len(f) >= 3:
			for _, e := range f[2:] {
				endings[f[1]] = append(endings[f[1]], strings.TrimPrefix(e, "-"))
			}
		case (kind == "ord" || kind == "card") && len(f) == 4:
			value, err := strconv.Atoi(f[1])
			ends, ok := endings[f[3]]
			if err != nil || !ok {
				return nil, bad()
			}
			forms := v.cardinals
			if kind == "ord" {
				forms = v.ordinals
			}
			for _, e := range ends {
				forms[f[2]+e] = value
			}
		default:
			return nil, bad()
		}
	}
	return v, sc.Err()
}

// tokKind is the kind of a token of free text.
type tokKind int

const (
	tokWord tokKind = iota
	tokNum
	tokPunct
)

// token is a word (lower case), a number, or one punctuation mark.
type token struct {
	kind tokKind
	text string
	// For numbers: the article numbers it stands for ("83-1", or each of a
	// range "5–7"), and the letters glued to it ("93-я" → "я", "99-бабы").
	nums   []string
	suffix string
}

// tokenize cuts s into words, numbers and punctuation. Hyphens between
// words vanish ("ninety-nine"); after a number they glue its suffix.
func tokenize(s string) []token {
	rs := []rune(strings.ReplaceAll(strings.ToLower(s), "ё", "е"))
	var out []token
	isDash := func(r rune) bool { return r == '-' || r == '‑' || r == '–' || r == '—' }
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case unicode.IsLetter(r):
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.Is(unicode.Mn, rs[j])) {
				j++
			}
			out = append(out, token{kind: tokWord, text: string(rs[i:j])})
			i = j
			if i+1 < len(rs) && isDash(rs[i]) && unicode.IsLetter(rs[i+1]) {
				i++
			}
		case r >= '0' && r <= '9':
			t, j := number(rs, i)
			out = append(out, t)
			i = j
		default:
			out = append(out, token{kind: tokPunct, text: string(r)})
			i++
		}
	}
	return out
}

// number reads the number starting at rs[i]: "99", "83-1" (an article
// numbered so), a range "5–7" or "5-7", "99.2" (article and point), and a
// glued suffix ("93-я").
func number(rs []rune, i int) (token, int) {
	digits := func(j int) int {
		for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
			j++
		}
		return j
	}
	j := digits(i)
	first := string(rs[i:j])
	t := token{kind: tokNum, text: first, nums: []string{first}}
	if j+1 < len(rs) && (rs[j] == '-' || rs[j] == '–' || rs[j] == '‑') && rs[j+1] >= '0' && rs[j+1] <= '9' {
		k := digits(j + 1)
		second := string(rs[j+1 : k])
		a, _ := strconv.Atoi(first)
		b, _ := strconv.Atoi(second)
		switch {
		case b > a && b-a <= 30:
			t.nums = nil
			for n := a; n <= b; n++ {
				t.nums = append(t.nums, strconv.Itoa(n))
			}
		case b > a || rs[j] == '–':
			t.nums = append(t.nums, second)
		default:
			t.nums = []string{first + "-" + second}
		}
		t.text = string(rs[i:k])
		j = k
	}
	if j+1 < len(rs) && rs[j] == '.' && rs[j+1] >= '0' && rs[j+1] <= '9' && len(t.nums) == 1 {
		j = digits(j + 1) // "99.2" is point 2 of article 99
		t.text = string(rs[i:j])
	}
	if len(first) > 3 {
		t.nums = nil // a year or a count, never an article
	}
	k := j
	if k+1 < len(rs) && (rs[k] == '-' || rs[k] == '‑') && unicode.IsLetter(rs[k+1]) {
		k++
	}
	if k < len(rs) && unicode.IsLetter(rs[k]) {
		e := k
		for e < len(rs) && unicode.IsLetter(rs[e]) {
			e++
		}
		t.suffix = string(rs[k:e])
		j = e
	}
	return t, j
}

// articleMentions returns the article numbers that s names in free text,
// in every way a model writes them: "статья 99", "статье № 99", "ст. 84",
// "ст.ст. 97 и 98", "93-я статья", "в 89 статье", "Девяносто девятая
// статья", "99-бабы", "88-інші бапта", "тоқсан тоғызыншы бап", "Art. 96",
// "article 85", "the ninety-ninth article". "п. 3 ст. 17" names 17 only;
// "96 статей" counts and names nothing.
func articleMentions(s string) []string {
	toks := tokenize(s)
	var out []string
	for i, t := range toks {
		switch {
		case t.kind == tokWord && vocab.article.has(t.text):
			out = append(out, numbersAfter(toks, i)...)
			if !vocab.plural.has(t.text) {
				out = append(out, numbersBefore(toks, i)...)
			}
		case t.kind == tokNum && t.suffix != "" && vocab.article.has(t.suffix):
			out = append(out, numbersBefore(toks, i)...)
			out = append(out, t.nums...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// numbersAfter reads the numbers after the article word at toks[i]:
// "ст.ст. 97 и 98", "статье № 99", "статья девяносто девять".
func numbersAfter(toks []token, i int) []string {
	j := i + 1
	for j < len(toks) && (toks[j].text == "." || vocab.numsign.has(toks[j].text) ||
		(toks[j].kind == tokWord && vocab.article.has(toks[j].text))) {
		j++
	}
	if j == len(toks) {
		return nil
	}
	if toks[j].kind == tokWord {
		if n, ok := numberWords(toks[j:], false); ok {
			return []string{n}
		}
		return nil
	}
	var out []string
	for j < len(toks) && toks[j].kind == tokNum && (toks[j].suffix == "" || vocab.ordSuffix[toks[j].suffix]) {
		if len(out) > 0 && j+1 < len(toks) && (vocab.point.has(toks[j+1].text) || vocab.unit.has(toks[j+1].text)) {
			break // "статья 17, 2 пункт", "статье 3, 18 лет": a point, an age
		}
		out = append(out, toks[j].nums...)
		if j+2 < len(toks) && vocab.sep.has(toks[j+1].text) && toks[j+2].kind == tokNum {
			j += 2
			continue
		}
		break
	}
	return out
}

// numbersBefore reads the numbers before the article word (or numbered
// article suffix) at toks[i]: "в 89 статье", "93-я статья", "17 и 43
// статьи", "88-інші бапта", "девяносто девятая статья", "17, 43 және
// 99-баптар".
func numbersBefore(toks []token, i int) []string {
	j := i - 1
	if toks[i].kind == tokWord && j >= 0 && toks[j].kind == tokWord {
		if n, ok := numberWordsBefore(toks[:i]); ok {
			return []string{n}
		}
		return nil
	}
	if toks[i].kind == tokNum {
		// The number itself is counted by the caller; look for a list before it.
		if j < 1 || !vocab.sep.has(toks[j].text) {
			return nil
		}
		j--
	}
	var out []string
	for j >= 0 && toks[j].kind == tokNum && (toks[j].suffix == "" || vocab.ordSuffix[toks[j].suffix]) && !afterPointWord(toks, j) {
		out = append(out, toks[j].nums...)
		if j >= 2 && vocab.sep.has(toks[j-1].text) && toks[j-2].kind == tokNum {
			j -= 2
			continue
		}
		break
	}
	slices.Reverse(out)
	return out
}

// afterPointWord reports whether the number at toks[j] follows "п.",
// "пункт", "тармақ", "part"…: it is then a point, not an article.
func afterPointWord(toks []token, j int) bool {
	k := j - 1
	if k >= 0 && toks[k].text == "." {
		k--
	}
	return k >= 0 && toks[k].kind == tokWord && vocab.point.has(toks[k].text)
}

// numberWords reads a number written in words at the start of toks
// ("девяносто девятая", "тоқсан тоғызыншы", "ninety nine"). With
// ordinalOnly, its last word must be an ordinal.
func numberWords(toks []token, ordinalOnly bool) (string, bool) {
	sum, n, lastOrd := 0, 0, false
	for _, t := range toks {
		if t.kind != tokWord {
			break
		}
		v, ord := vocab.ordinals[t.text]
		if !ord {
			var ok bool
			if v, ok = vocab.cardinals[t.text]; !ok {
				break
			}
		}
		sum += v
		n++
		lastOrd = ord
		if ord {
			break // an ordinal ends the number: "сто первая"
		}
	}
	if n == 0 || (ordinalOnly && !lastOrd) {
		return "", false
	}
	return strconv.Itoa(sum), true
}

// numberWordsBefore reads the number in words that ends toks: its last
// word is an ordinal ("девятая"), the words before it cardinals
// ("девяносто"). "две статьи" counts articles and names none.
func numberWordsBefore(toks []token) (string, bool) {
	end := len(toks) - 1
	if _, ok := vocab.ordinals[toks[end].text]; !ok {
		return "", false
	}
	start := end
	for start > 0 && toks[start-1].kind == tokWord {
		if _, ok := vocab.cardinals[toks[start-1].text]; !ok {
			break
		}
		start--
	}
	return numberWords(toks[start:], true)
}
