package answer

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"atazan/corpus"
)

// The shape of extractive answers: 2 to 4 quotes, each cut to about quoteRunes.
const (
	minQuotes  = 2
	maxQuotes  = 4
	quoteRunes = 320
	// keepScore: beyond the first two, a passage is quoted only when its
	// score is at least this share of the best one.
	keepScore = 0.6
)

// Extractive answers without a model: a lead sentence fitted to the kind
// of question, the most relevant points quoted with their references
// (grouped by article; 2026 beside 1995 for comparisons), the sources and
// a short note that this is not legal advice. It never fails; with no
// passages it abstains.
func Extractive(req Request) Result {
	lang := answerLang(req.Lang)
	if len(req.Passages) == 0 {
		return Abstain(lang)
	}
	p := phrasesFor(lang)
	passages := preferLang(req.Passages, lang)

	var picked []Passage
	lead := p.leads[kindOf(req.Question)]
	if req.Compare {
		picked = pickCompare(passages)
		if picked[0].Ref.Doc != picked[len(picked)-1].Ref.Doc {
			lead = p.compare // both documents, not a new article alone
		}
	} else {
		picked = pick(passages)
	}

	question := words(req.Question)
	quotes := make([]Quote, len(picked))
	for i, ps := range picked {
		quotes[i] = Quote{Ref: ps.Ref, Text: trimQuote(ps.Text, question)}
		if req.Compare {
			quotes[i].Label = p.docLabel(docYear(ps.Ref.Doc))
		}
	}
	groupByArticle(quotes, req.Compare)

	res := Result{Lang: lang, Mode: ModeExtractive, Lead: lead, Quotes: quotes, Note: p.disclaimer}
	for _, q := range quotes {
		if !slices.Contains(res.Sources, q.Ref) {
			res.Sources = append(res.Sources, q.Ref)
		}
	}
	return res
}

// Abstain says plainly that the Constitution does not cover the question
// and what the bot can answer instead.
func Abstain(lang corpus.Lang) Result {
	lang = answerLang(lang)
	p := phrasesFor(lang)
	return Result{Lang: lang, Mode: ModeAbstain, Lead: p.abstain, Note: p.hint, Sources: []corpus.Ref{}}
}

// preferLang keeps, for each reference, only the passages in lang when
// there are any; a reference known only in the other language stays,
// since quoting it beats saying nothing.
func preferLang(passages []Passage, lang corpus.Lang) []Passage {
	has := map[corpus.Ref]bool{}
	for _, p := range passages {
		if p.Lang == lang {
			has[p.Ref] = true
		}
	}
	var out []Passage
	for _, p := range passages {
		if p.Lang == lang || !has[p.Ref] {
			out = append(out, p)
		}
	}
	return out
}

// pick chooses the passages to quote, best first: at least two when there
// are two, more while they score close to the best, never one that repeats
// an article already quoted whole or a reference already quoted.
func pick(passages []Passage) []Passage {
	var out []Passage
	top := passages[0].Score
	for _, p := range passages {
		if len(out) == maxQuotes {
			break
		}
		if len(out) >= minQuotes && (top <= 0 || p.Score < keepScore*top) {
			break
		}
		if covered(out, p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// pickCompare takes the best two passages of each document, newest document first.
func pickCompare(passages []Passage) []Passage {
	var docs []string
	byDoc := map[string][]Passage{}
	for _, p := range passages {
		if _, ok := byDoc[p.Ref.Doc]; !ok {
			docs = append(docs, p.Ref.Doc)
		}
		if len(byDoc[p.Ref.Doc]) < 2 && !covered(byDoc[p.Ref.Doc], p) {
			byDoc[p.Ref.Doc] = append(byDoc[p.Ref.Doc], p)
		}
	}
	slices.SortStableFunc(docs, func(a, b string) int { return cmp.Compare(b, a) })
	var out []Passage
	for _, d := range docs {
		out = append(out, byDoc[d]...)
	}
	return out
}

// covered reports whether p adds nothing to the chosen passages: the same
// reference, or text already quoted (a point inside a whole article).
func covered(chosen []Passage, p Passage) bool {
	for _, c := range chosen {
		if c.Ref == p.Ref || strings.Contains(c.Text, strings.TrimSpace(p.Text)) {
			return true
		}
	}
	return false
}

// groupByArticle orders quotes so points of one article stand together in
// point order, articles in order of first appearance; a comparison keeps
// its documents apart, newest first.
func groupByArticle(quotes []Quote, byDoc bool) {
	first := map[string]int{}
	for i, q := range quotes {
		k := q.Ref.Doc + "/" + q.Ref.Article
		if _, ok := first[k]; !ok {
			first[k] = i
		}
	}
	slices.SortStableFunc(quotes, func(a, b Quote) int {
		if byDoc && a.Ref.Doc != b.Ref.Doc {
			return cmp.Compare(b.Ref.Doc, a.Ref.Doc)
		}
		if c := cmp.Compare(first[a.Ref.Doc+"/"+a.Ref.Article], first[b.Ref.Doc+"/"+b.Ref.Article]); c != 0 {
			return c
		}
		return cmp.Compare(pointOrder(a.Ref.Point), pointOrder(b.Ref.Point))
	})
}

func pointOrder(point string) int {
	n, err := strconv.Atoi(point)
	if err != nil {
		return 0
	}
	return n
}

// docYear is the year in a document id: "kz1995" → "1995".
func docYear(doc string) string {
	return strings.TrimLeftFunc(doc, func(r rune) bool { return !unicode.IsDigit(r) })
}

// trimQuote shortens a long point to the sentences that share words with
// the question, best first as room allows, shown in their order with cuts
// marked "…"; with no shared word it keeps the first sentence.
func trimQuote(text string, question [][]rune) string {
	text = strings.TrimSpace(text)
	if runeLen(text) <= quoteRunes {
		return text
	}
	// Sentences keep the space or line break after them, so neighbours
	// join exactly as in the law (sub-points stay on their own lines).
	var sents []string
	for _, s := range splitSentences(text) {
		if strings.TrimSpace(s) == "" && len(sents) > 0 {
			sents[len(sents)-1] += s
			continue
		}
		sents = append(sents, s)
	}
	score := make([]int, len(sents))
	order := make([]int, len(sents))
	for i, s := range sents {
		order[i] = i
		score[i] = overlap(question, s)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(score[b], score[a]) })

	var keep []int
	total := 0
	// The words before a list ("Конституционный Суд: 1) …") say whose
	// list it is; keep them when they are short.
	if lead := strings.TrimSpace(sents[0]); strings.HasSuffix(lead, ":") && runeLen(lead) <= quoteRunes/2 {
		keep = append(keep, 0)
		total = runeLen(sents[0])
		score[0] = -1 // already kept
	}
	intro := len(keep)
	for _, i := range order {
		if score[i] < 0 {
			continue
		}
		n := runeLen(sents[i])
		if len(keep) > intro && (score[i] == 0 || total+n > quoteRunes) {
			continue
		}
		keep = append(keep, i)
		total += n
	}
	slices.Sort(keep)

	var b strings.Builder
	next := 0
	for _, i := range keep {
		if i > next {
			b.WriteString("… ")
		}
		if n := runeLen(sents[i]); n > quoteRunes {
			b.WriteString(cut(sents[i], quoteRunes) + " ")
		} else {
			b.WriteString(sents[i])
		}
		next = i + 1
	}
	out := strings.TrimSpace(b.String())
	if next < len(sents) {
		out += " …"
	}
	return out
}

// cut shortens one over-long sentence at a word boundary.
func cut(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	i := n
	for i > n/2 && !unicode.IsSpace(rs[i]) {
		i--
	}
	return strings.TrimRight(string(rs[:i]), " ,;:") + "…"
}

// words lists the lower-cased words of s of three letters or more.
func words(s string) [][]rune {
	var out [][]rune
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if rs := []rune(w); len(rs) >= 3 {
			out = append(out, rs)
		}
	}
	return out
}

// related reports whether two words look like forms of one word: they
// share a stem of four letters ("сайланады", "сайлайды"), or a short word
// starts the other ("жыл", "жылға"). Rough, but enough to choose sentences
// in an agglutinative and an inflected language alike.
func related(a, b []rune) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 4 || (n >= 3 && n == min(len(a), len(b)))
}

// overlap counts the question words that have a related word in sentence.
func overlap(question [][]rune, sentence string) int {
	ws := words(sentence)
	count := 0
	for _, q := range question {
		for _, w := range ws {
			if related(q, w) {
				count++
				break
			}
		}
	}
	return count
}

func runeLen(s string) int { return len([]rune(s)) }
