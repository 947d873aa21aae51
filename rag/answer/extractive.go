package answer

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"atazan/corpus"
	"atazan/rag/textkit"
)

// The shape of extractive answers.
const (
	// quoteRunes is about how long a quote grows; a sentence that holds
	// the answer is kept whole even when it alone is longer.
	quoteRunes = 320
	// longUnit: a sentence longer than this (a list of powers joined by
	// ";") is read clause by clause.
	longUnit = 300
	// leadRunes bounds a lead of two sentences; one sentence is never cut.
	leadRunes = 400
	// maxQuotes bounds the quotes of a plain answer; comparisons take two
	// of each document.
	maxQuotes = 3
	// A point of another article is quoted only when it holds at least
	// otherArticleTerms words of the question the main article lacks and
	// retrieval scored it at least otherArticleScore of the best: on the
	// dev sets every looser rule cited more wrong articles than right ones.
	otherArticleTerms = 3
	otherArticleScore = 0.8
	// sameArticleShare: another point of the main article is quoted when
	// it answers at least this share as well as the main point.
	sameArticleShare = 0.6
	// numberBonus lifts a unit stating a number above units sharing two
	// words with a "how many?" question.
	numberBonus = 2.5
)

// Extractive answers without a model. It opens with the sentence of the
// law that answers the question (the subject of a sub-point restored from
// its article's lead, the citation after it), then quotes that point in
// whole sentences, and another point only when it answers a part of the
// question the first does not. Follow-ups answer their new condition,
// requests to state a claim get what the text says, comparisons set the
// 2026 text beside the 1995 one. It never fails; with no passages it
// abstains.
func Extractive(req Request) Result {
	rd := read(req)
	if len(req.Passages) == 0 {
		return abstain(rd)
	}
	passages := preferLang(req.Passages, rd.lang)
	if rd.compare {
		return comparison(rd, passages)
	}
	passages = inForce(passages)
	cands := make([]candidate, len(passages))
	for i, p := range passages {
		cands[i] = newCandidate(p, rd)
	}
	main := chooseMain(cands, rd)
	named := true
	if rd.followUp && len(rd.terms) > 0 {
		main, named = answerCondition(cands, main, rd)
	}
	p := phrasesFor(rd.lang)

	var leadText string
	switch {
	case !named:
		// The new condition is named nowhere: say so, then the general rule.
		leadText = fill(p.NotNamed, "text", main.sentence(rd), "ref", formatRef(main.p.Ref, rd.lang, rd.latin))
		if slices.ContainsFunc(cands, func(c candidate) bool {
			return c.p.Ref.Article == main.p.Ref.Article && mentionsLaw(c.p.Text, p.LawWords)
		}) {
			leadText += " " + p.ByLaw
		}
	case rd.instruction:
		leadText = fill(p.Premise, "text", main.sentence(rd), "ref", formatRef(main.p.Ref, rd.lang, rd.latin))
	default:
		leadText = fill(p.Answer, "text", main.sentence(rd), "ref", formatRef(main.p.Ref, rd.lang, rd.latin))
	}

	quotes := []Quote{{Ref: main.p.Ref, Text: main.quote()}}
	for _, c := range supporting(cands, main, rd) {
		quotes = append(quotes, Quote{Ref: c.p.Ref, Text: c.quote()})
	}
	groupByArticle(quotes, false)
	res := Result{Lang: rd.lang, Mode: ModeExtractive, Lead: leadText, Quotes: quotes, Note: p.Disclaimer, Latin: rd.latin}
	if rd.latin {
		res.Lead, res.Note = toLatin(res.Lead), toLatin(res.Note)
	}
	for _, q := range quotes {
		if !slices.Contains(res.Sources, q.Ref) {
			res.Sources = append(res.Sources, q.Ref)
		}
	}
	// The lead cites the main point: it goes first among the sources.
	if i := slices.Index(res.Sources, main.p.Ref); i > 0 {
		res.Sources = slices.Insert(slices.Delete(res.Sources, i, i+1), 0, main.p.Ref)
	}
	return res
}

// Abstain says plainly that the Constitution does not cover the question
// and what the bot can answer instead.
func Abstain(lang corpus.Lang) Result {
	return abstain(reading{lang: answerLang(lang)})
}

func abstain(rd reading) Result {
	p := phrasesFor(rd.lang)
	res := Result{Lang: rd.lang, Mode: ModeAbstain, Lead: p.Abstain, Note: p.Hint, Sources: []corpus.Ref{}, Latin: rd.latin}
	if rd.latin {
		res.Lead, res.Note = toLatin(res.Lead), toLatin(res.Note)
	}
	return res
}

// comparison quotes the 2026 text beside the 1995 one, newest first.
func comparison(rd reading, passages []Passage) Result {
	p := phrasesFor(rd.lang)
	picked := pickCompare(passages)
	res := Result{Lang: rd.lang, Mode: ModeExtractive, Note: p.Disclaimer, Latin: rd.latin}
	if picked[0].Ref.Doc != picked[len(picked)-1].Ref.Doc {
		res.Lead = p.Compare // both documents, not a new article alone
	} else {
		c := newCandidate(picked[0], rd)
		res.Lead = fill(p.Answer, "text", c.sentence(rd), "ref", formatRef(c.p.Ref, rd.lang, rd.latin))
	}
	for _, ps := range picked {
		c := newCandidate(ps, rd)
		res.Quotes = append(res.Quotes, Quote{Ref: ps.Ref, Text: c.quote(), Label: p.docLabel(docYear(ps.Ref.Doc))})
	}
	groupByArticle(res.Quotes, true)
	if rd.latin {
		res.Lead, res.Note = toLatin(res.Lead), toLatin(res.Note)
		for i := range res.Quotes {
			res.Quotes[i].Label = toLatin(res.Quotes[i].Label)
		}
	}
	for _, q := range res.Quotes {
		if !slices.Contains(res.Sources, q.Ref) {
			res.Sources = append(res.Sources, q.Ref)
		}
	}
	return res
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

// inForce drops passages of the 1995 Constitution when there are 2026
// ones: a question that is no comparison is about the law in force.
func inForce(passages []Passage) []Passage {
	newest := ""
	for _, p := range passages {
		newest = max(newest, p.Ref.Doc)
	}
	out := slices.DeleteFunc(slices.Clone(passages), func(p Passage) bool { return p.Ref.Doc != newest })
	if len(out) == 0 {
		return passages
	}
	return out
}

// candidate is a passage read sentence by sentence against the question.
type candidate struct {
	p     Passage
	units []string   // sentences, and clauses of over-long sentences; joined they give the text
	keys  [][]string // search keys of each unit
	score []float64  // how well each unit answers
	best  int        // the unit that answers best
	// fact marks the units that state a number a "how many?" question
	// asks for (a number and a word of the question): quotes keep them.
	fact []bool
}

func newCandidate(p Passage, rd reading) candidate {
	c := candidate{p: p}
	c.units = units(p.Text)
	c.keys = make([][]string, len(c.units))
	for i, u := range c.units {
		c.keys[i] = textkit.Terms(u, textLang(p.Lang))
	}
	c.score = make([]float64, len(c.units))
	c.fact = make([]bool, len(c.units))
	for i := range c.units {
		c.score[i] = c.unitScore(i, rd.terms) + 0.5*c.unitScore(i, rd.context)
		switch {
		case rd.kind == kindNumber && hasNumber(c.units[i], p.Lang):
			// "How many / from what age?" is answered by a number,
			// even where the question's words are not ("возраст" ~ "лет").
			c.score[i] += numberBonus
			c.fact[i] = c.score[i] > numberBonus
		case rd.kind == kindPermission && c.score[i] > 0 && hasMarker(c.units[i], book.Conditions):
			c.score[i]++
		}
	}
	c.best = c.bestUnit()
	return c
}

// unitScore counts the terms with a related key in unit i.
func (c candidate) unitScore(i int, terms []string) float64 {
	n := 0.0
	for _, t := range terms {
		for _, k := range c.keys[i] {
			if related([]rune(t), []rune(k)) {
				n++
				break
			}
		}
	}
	return n
}

// bestUnit is the unit with the highest score, the first on a tie; units
// that are only the words before a list lose to the list's items.
func (c candidate) bestUnit() int {
	best := 0
	for i := range c.units {
		if c.score[i] > c.score[best] || (c.score[best] == c.score[i] && isListIntro(c.units[best]) && !isListIntro(c.units[i])) {
			best = i
		}
	}
	return best
}

// top is the candidate's best unit score.
func (c candidate) top() float64 { return c.score[c.best] }

// covers counts the terms related to any key of the passage.
func (c candidate) covers(terms []string) int {
	n := 0
	for _, t := range terms {
		for i := range c.units {
			if c.unitScore(i, []string{t}) > 0 {
				n++
				break
			}
		}
	}
	return n
}

// chooseMain picks the point the answer stands on: the best-answering
// point of the best-ranked article. A request to state a claim is read
// against every passage, since its wording finds the claim's words, not
// the rule's.
func chooseMain(cands []candidate, rd reading) candidate {
	article := func(c candidate) string { return c.p.Ref.Doc + "/" + c.p.Ref.Article }
	best := 0
	for i, c := range cands {
		switch {
		case rd.instruction:
			if n, m := c.covers(rd.terms), cands[best].covers(rd.terms); n > m || (n == m && c.top() > cands[best].top()) {
				best = i
			}
		case article(c) == article(cands[0]) && c.top() > cands[best].top():
			best = i
		}
	}
	return cands[best]
}

// answerCondition finds, for a follow-up ("а если я студент?"), the unit
// that names its new condition; named is false when no passage does, and
// the answer then stands on main, the general rule.
func answerCondition(cands []candidate, main candidate, rd reading) (candidate, bool) {
	bestScore, at, unit := 0, -1, 0
	for ci, cand := range cands {
		for i, keys := range cand.keys {
			s := 0
			for _, t := range rd.terms {
				if slices.ContainsFunc(keys, func(k string) bool { return sameWord([]rune(t), []rune(k)) }) {
					s++
				}
			}
			if s > bestScore {
				bestScore, at, unit = s, ci, i
			}
		}
	}
	if at < 0 {
		return main, false
	}
	c := cands[at]
	c.best = unit
	return c, true
}

// supporting chooses the other quotes: a point of the main article that
// answers part of the question too, and a point of another article only
// when it answers words of the question the main article does not.
func supporting(cands []candidate, main candidate, rd reading) []candidate {
	var out []candidate
	sameArticle := func(c candidate) bool { return c.p.Ref.Article == main.p.Ref.Article && c.p.Ref.Doc == main.p.Ref.Doc }
	chosen := []Passage{main.p}
	var uncovered []string
	for _, t := range rd.terms {
		if main.covers([]string{t}) == 0 && !inLead(main.p, t) {
			uncovered = append(uncovered, t)
		}
	}
	// Words of the question the answer sentence does not hold: another
	// point of the main article must add one of them.
	var unsaid []string
	for _, t := range rd.terms {
		if !slices.ContainsFunc(main.leadUnits(), func(i int) bool { return main.unitScore(i, []string{t}) > 0 }) {
			unsaid = append(unsaid, t)
		}
	}
	topScore := cands[0].p.Score
	for _, c := range cands {
		if len(out) == maxQuotes-1 {
			break
		}
		if covered(chosen, c.p) {
			continue
		}
		switch {
		case rd.instruction:
			continue // the claim is answered by one rule
		case sameArticle(c):
			// Another point of the same article costs the reader little
			// when it shares two words with the question or adds one the
			// answer sentence lacks, but a second number would blur a
			// "how many?" answer.
			if c.top() < max(1, sameArticleShare*main.top()) || (c.top() < 2 && c.covers(unsaid) == 0) ||
				(rd.kind == kindNumber && hasNumber(c.p.Text, c.p.Lang)) {
				continue
			}
		default:
			if len(uncovered) == 0 || c.covers(uncovered) < otherArticleTerms || c.top() < 2 ||
				(topScore > 0 && c.p.Score < otherArticleScore*topScore) {
				continue
			}
			uncovered = slices.DeleteFunc(uncovered, func(t string) bool { return c.covers([]string{t}) > 0 })
		}
		out = append(out, c)
		chosen = append(chosen, c.p)
	}
	return out
}

// sharedWords counts the terms with a related word in text.
func sharedWords(text string, lang corpus.Lang, terms []string) int {
	keys := textkit.Terms(text, textLang(lang))
	n := 0
	for _, t := range terms {
		if slices.ContainsFunc(keys, func(k string) bool { return related([]rune(t), []rune(k)) }) {
			n++
		}
	}
	return n
}

// inLead reports whether the article lead of a point holds the term.
func inLead(p Passage, t string) bool {
	return sharedWords(p.Lead, p.Lang, []string{t}) > 0
}

var listMarker = regexp.MustCompile(`^\s*\d{1,2}\)\s*`)

// leadUnits are the units the answer sentence is made of: the best one,
// and the next best when it answers nearly as well and there is room.
func (c candidate) leadUnits() []int {
	picked := []int{c.best}
	second := -1
	for i := range c.units {
		if i != c.best && c.score[i] >= 2 && c.score[i] >= 0.75*c.top() && (second < 0 || c.score[i] > c.score[second]) {
			second = i
		}
	}
	if second >= 0 && runeLen(c.units[c.best])+runeLen(c.units[second]) <= leadRunes {
		picked = append(picked, second)
		slices.Sort(picked)
	}
	return picked
}

// sentence is the answer sentence: the lead units without list numbering
// or closing punctuation, their subject named, long official names
// shortened.
func (c candidate) sentence(rd reading) string {
	picked := c.leadUnits()
	var parts []string
	for _, i := range picked {
		parts = append(parts, strings.TrimSpace(c.units[i]))
	}
	text := strings.Join(parts, " ")
	text = listMarker.ReplaceAllString(text, "")
	text = strings.TrimRightFunc(text, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(".;:,", r) })

	if subject := c.subject(picked[0]); subject != "" && startsLower(text) {
		text = fill(phrasesFor(rd.lang).Subject, "subject", subject, "text", text)
	}
	for _, rw := range phrasesFor(rd.lang).Shorten {
		text = rw.re.ReplaceAllString(text, rw.To)
	}
	for _, d := range phrasesFor(rd.lang).Drop {
		if strings.Contains(text, d) && sharedWords(d, c.p.Lang, rd.terms) < 2 {
			text = strings.ReplaceAll(text, d, "")
		}
	}
	// A dropped opening ("Конституцияға сәйкес бір адам…") leaves a
	// sentence starting in lower case.
	text = sentenceStart.ReplaceAllStringFunc(text, func(m string) string {
		r := []rune(m)
		r[len(r)-1] = unicode.ToUpper(r[len(r)-1])
		return string(r)
	})
	return upperFirst(text)
}

var sentenceStart = regexp.MustCompile(`[.!?]\s+\p{Ll}`)

// subject is whose unit i is when it continues words before it: the
// point's own list intro ("Конституционный Суд:") or the article's lead.
func (c candidate) subject(i int) string {
	if i > 0 && isListIntro(c.units[0]) {
		return strings.TrimSuffix(strings.TrimSpace(c.units[0]), ":")
	}
	return strings.TrimSuffix(strings.TrimSpace(c.p.Lead), ":")
}

// quote is the point in whole sentences: all of it when short, else the
// words before a list, the answering units and, as room allows, other
// units that share words with the question, in their order, gaps marked.
func (c candidate) quote() string {
	text := strings.TrimSpace(c.p.Text)
	if runeLen(text) <= quoteRunes {
		return text
	}
	// The units that answer, and those stating an asked-for number, stay
	// whole, however long.
	keep := map[int]bool{}
	total := 0
	for _, i := range c.leadUnits() {
		keep[i] = true
		total += runeLen(c.units[i])
	}
	for i, f := range c.fact {
		if f && !keep[i] {
			keep[i] = true
			total += runeLen(c.units[i])
		}
	}
	if isListIntro(c.units[0]) {
		keep[0] = true
		total += runeLen(c.units[0])
	}
	order := make([]int, len(c.units))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(c.score[b], c.score[a]) })
	for _, i := range order {
		if keep[i] || c.score[i] == 0 {
			continue
		}
		if n := runeLen(c.units[i]); total+n <= quoteRunes {
			keep[i] = true
			total += n
		}
	}
	var b strings.Builder
	next := 0
	for i, u := range c.units {
		if !keep[i] {
			continue
		}
		if i > next {
			b.WriteString("… ")
		}
		b.WriteString(u)
		next = i + 1
	}
	out := strings.TrimSpace(b.String())
	if next < len(c.units) {
		out += " …"
	}
	return out
}

// units splits a point into sentences, and an over-long sentence into its
// clauses after ";", keeping every character so the units join back into
// the text (list items stay on their own lines).
func units(text string) []string {
	var out []string
	for _, s := range splitSentences(text) {
		if strings.TrimSpace(s) == "" && len(out) > 0 {
			out[len(out)-1] += s
			continue
		}
		if runeLen(s) <= longUnit {
			out = append(out, s)
			continue
		}
		for _, cl := range strings.SplitAfter(s, "; ") {
			if cl != "" {
				out = append(out, cl)
			}
		}
	}
	if len(out) == 0 {
		out = []string{text}
	}
	return out
}

func isListIntro(u string) bool {
	u = strings.TrimSpace(u)
	return strings.HasSuffix(u, ":") && runeLen(u) <= quoteRunes/2
}

// hasNumber reports whether a unit states a number, in digits or words.
func hasNumber(u string, lang corpus.Lang) bool {
	return strings.ContainsFunc(u, unicode.IsDigit) || len(textkit.Numbers(u, textLang(lang))) > 0 || hasMarker(u, book.Shares)
}

func mentionsLaw(text string, words []string) bool {
	lower := strings.ToLower(text)
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(lower, w) })
}

func startsLower(s string) bool {
	for _, r := range s {
		return unicode.IsLower(r)
	}
	return false
}

func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// pickCompare takes the best two passages of the best article of each
// document, newest document first: the article and its counterpart, not
// whatever else retrieval found.
func pickCompare(passages []Passage) []Passage {
	var docs []string
	byDoc := map[string][]Passage{}
	for _, p := range passages {
		if _, ok := byDoc[p.Ref.Doc]; !ok {
			docs = append(docs, p.Ref.Doc)
		}
		if got := byDoc[p.Ref.Doc]; len(got) > 0 && got[0].Ref.Article != p.Ref.Article {
			continue
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

// sameWord is a stricter related, for the one or two words of a
// follow-up's condition: the same key, or five letters in common, so
// "қыз" (a girl) does not match "қызмет" (service).
func sameWord(a, b []rune) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return (n == len(a) && n == len(b)) || n >= 5
}

// related reports whether two keys look like forms of one word: they
// share a stem of four letters ("sailanadi", "sailaidi"), or a short key
// starts the other ("jil", "jilga").
func related(a, b []rune) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 4 || (n >= 3 && n == min(len(a), len(b)))
}

func runeLen(s string) int { return len([]rune(s)) }
