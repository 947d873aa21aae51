package rag

import (
	"slices"
	"strings"

	"atazan/corpus"
	"atazan/rag/glossary"
	"atazan/rag/textkit"
)

// Weights of query terms by where they came from.
const (
	weightOwn      = 1.0
	weightGlossary = 0.45
	weightTypo     = 0.7
	weightContext  = 0.5
	weightPrefix   = 0.3
)

// followUpTerms: a question with fewer keys of its own ("а в 1995?",
// "ал бұрын ше?") is read together with the previous question.
const followUpTerms = 3

// query is a question analysed for search.
type query struct {
	text    string
	lang    corpus.Lang // the language to answer in
	refs    []textkit.Ref
	compare bool
	// own are the question's own search keys; terms adds glossary
	// expansions and typo corrections, weighted.
	own        []string
	terms      []weightedTerm
	expansions []glossary.Expansion
	// fixes are the known keys near each own key the corpus lacks.
	fixes     map[string][]string
	offTopic  []string // off-topic cues found
	injection bool
	// context is the previous question when this one is a short follow-up.
	context string
}

// analyse detects the language, references, comparison and off-topic cues
// of a question and builds its weighted search terms.
func (idx *index) analyse(q Question, g *glossary.Glossary) *query {
	det := textkit.Detect(q.Text)
	lang := det.Lang
	if !det.Sure && (q.Lang == corpus.KK || q.Lang == corpus.RU) {
		lang = textkit.Lang(q.Lang)
	}
	an := &query{text: q.Text, lang: corpus.Lang(lang), refs: textkit.ParseRefs(q.Text), fixes: map[string][]string{}}
	an.own = textkit.Terms(q.Text, textkit.Lang(lang))
	an.compare = isComparison(q.Text, an.own)
	if an.compare {
		// "Чем Курултай отличается от Парламента по Конституции 1995 года?"
		// is about the Kurultai: words of comparing and naming the two
		// constitutions would only find the transitional articles.
		an.own = slices.DeleteFunc(an.own, func(t string) bool {
			return comparisonCues[t] || comparisonCuesKK[t] || constitutionWords[t]
		})
	}
	an.offTopic, an.injection = offTopicCues(q.Text, an.own)

	weights := map[string]float64{}
	add := func(t string, w float64) {
		if w > weights[t] {
			weights[t] = w
		}
	}
	for _, t := range an.own {
		add(t, weightOwn)
		if lang == textkit.Kazakh && len([]rune(t)) >= 6 {
			// Kazakh verbs change their stem ("сайланады", "сайлайды"):
			// keys sharing all but the last letter count a little.
			r := []rune(t)
			for _, k := range idx.vocab.withPrefix(string(r[:len(r)-1])) {
				add(k, weightPrefix)
			}
		}
		if _, done := an.fixes[t]; !done && idx.lex.df(t) == 0 {
			an.fixes[t] = idx.vocab.near(t)
			for _, fix := range an.fixes[t] {
				add(fix, weightTypo)
			}
		}
	}
	if len(an.own) < followUpTerms && len(an.refs) == 0 && len(q.History) > 0 && !an.injection {
		an.context = q.History[len(q.History)-1].Question
		prev := textkit.Detect(an.context).Lang
		for _, t := range textkit.Terms(an.context, prev) {
			if !(an.compare && (comparisonCues[t] || comparisonCuesKK[t] || constitutionWords[t])) {
				add(t, weightContext)
			}
		}
	}
	// The glossary sees corrected words too: "армяю" still means the army.
	seen := make([]string, 0, len(weights))
	for t := range weights {
		seen = append(seen, t)
	}
	an.expansions = g.Expand(seen)
	for _, e := range an.expansions {
		for _, t := range e.Terms {
			add(t, weightGlossary)
		}
	}
	for t, w := range weights {
		an.terms = append(an.terms, weightedTerm{term: t, weight: w})
	}
	slices.SortFunc(an.terms, func(a, b weightedTerm) int { return strings.Compare(a.term, b.term) })
	return an
}

// embedText is what the vector channel embeds: the question and the
// constitutional wording its everyday words stand for, in the question's
// language (the other language's wording would pull its own text up).
func (q *query) embedText() string {
	var b strings.Builder
	b.WriteString(q.text)
	if q.context != "" {
		b.WriteString("\n")
		b.WriteString(q.context)
	}
	for _, e := range q.expansions {
		b.WriteString("\n")
		b.WriteString(e.Text[textkit.Lang(q.lang)])
	}
	return b.String()
}

// comparisonCues are words of "what changed since 1995?" questions, as stems.
var comparisonCues = termSet(textkit.Russian,
	"раньше прежний прежняя прежней прежнего старой старая старый изменилось изменения изменился изменилась отличается отличие отличия сравнению сравнить сравнение 1995 осталось стало")

var comparisonCuesKK = termSet(textkit.Kazakh,
	"бұрын бұрынғы ескі өзгерді өзгеріс өзгерістер өзгерген салыстырғанда салыстыру айырмашылығы айырмашылық 1995 еді болатын")

// constitutionWords name the constitutions themselves.
var constitutionWords = mergeSets(
	termSet(textkit.Russian, "конституция конституции конституцией новая новой новом нового старая года год"),
	termSet(textkit.Kazakh, "конституция конституцияда конституцияның конституцияға жаңа жылғы жыл"),
)

func isComparison(text string, own []string) bool {
	if strings.Contains(text, "1995") {
		return true
	}
	for _, t := range own {
		if comparisonCues[t] || comparisonCuesKK[t] {
			return true
		}
	}
	return false
}
