package rag

import (
	"slices"
	"strings"

	"atazan/corpus"
	"atazan/rag/answer"
	"atazan/rag/glossary"
	"atazan/rag/textkit"
)

// Weights of query terms by where they came from.
const (
	weightOwn      = 1.0
	weightGlossary = 0.45
	weightTypo     = 0.7
	weightContext  = 0.5
	// weightContextLong weighs the previous question's keys when a
	// follow-up has several keys of its own ("а если второе гражданство
	// российское?").
	weightContextLong = 0.3
	// weightContextUnmarked weighs them for a short question that does not
	// say it continues ("Кто может стать президентом?" after a question on
	// the Kurultai): it is most likely a new question.
	weightContextUnmarked = 0.15
	weightPrefix          = 0.3
	weightQuantity        = 0.3
	weightQuantityOf      = 0.7
	// glossaryBudget is how many keys of one glossary expansion weigh
	// weightGlossary each; a longer expansion's keys weigh less.
	glossaryBudget = 8.0
)

// followUpTerms: a question with fewer keys of its own ("а в 1995?",
// "ал бұрын ше?") is read together with the previous question.
const followUpTerms = 3

// followUpDepth is how far back a chain of follow-ups is followed.
const followUpDepth = 3

// followUpOpeners begin a question that continues the previous one
// ("а если…", "а что…", "ал егер…", "и ещё…"); folded.
var followUpOpeners = foldedSet(`а ал и или тогда онда ещё еще также да`)

// isFollowUp reports whether a question reads as a continuation of the
// previous one: it is short, opens with "а/ал/и…", or ends with the Kazakh
// "…ше?" ("what about…?").
func isFollowUp(text string, own []string) bool {
	return len(own) < followUpTerms || saysFollowUp(text)
}

// saysFollowUp reports whether the question marks itself as a
// continuation: "а…", "ал…", "…ше?". A question that is merely short
// ("какая погода завтра?") is read with the previous one for search, but
// judged on its own words when deciding whether to answer it.
func saysFollowUp(text string) bool {
	ws := textkit.Words(text)
	if len(ws) == 0 {
		return false
	}
	return followUpOpeners[textkit.Fold(ws[0])] || textkit.Fold(ws[len(ws)-1]) == "she"
}

// previous analyses the question a follow-up continues: the last one
// asked, itself read with its own history when it was a follow-up too.
// A previous question that was off-topic (a cue, or the model's gate)
// gives no context.
func (idx *index) previous(q Question, g *glossary.Glossary) *query {
	if len(q.History) == 0 {
		return nil
	}
	h := q.History[:len(q.History)-1]
	if len(q.History) > followUpDepth {
		h = q.History[len(q.History)-followUpDepth : len(q.History)-1]
	}
	prev := idx.analyse(Question{Text: q.History[len(q.History)-1].Question, History: h}, g)
	if prev.cue != "" || (idx.rel != nil && idx.rel.offTopic(prev.features) >= offTopicThreshold) {
		return nil
	}
	return prev
}

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
	fixes map[string][]string
	// cue is the explicit reason to decline the question names, if any
	// (cues.yaml): an injection, an opinion asked for, current affairs.
	cue string
	// past is set when the question speaks of the old Constitution
	// ("раньше", "бұрынғы"): its article numbers are the 1995 ones.
	past bool
	// counted are the keys a "how many?" question counts.
	counted []string
	// features are the relevance model's inputs (textFeatures): the
	// question's own, with the previous question's when it continues it.
	// A short question that does not say it continues ("Кто может стать
	// президентом?" after one on the Kurultai) is classified, and judged
	// on-topic or not, on its own words; context reaches it only through
	// search, at a low weight.
	features []uint32
	// context is the previous question when this one follows up on it,
	// and prev its analysis.
	context string
	prev    *query
}

// analyse detects the language, references, comparison and off-topic cues
// of a question and builds its weighted search terms.
func (idx *index) analyse(q Question, g *glossary.Glossary) *query {
	det := textkit.Detect(q.Text)
	lang := det.Lang
	if !det.Sure && (q.Lang == corpus.KK || q.Lang == corpus.RU) {
		lang = textkit.Lang(q.Lang)
	}
	if lang == textkit.Russian && det.Unmarked && idx.readsAsKazakh(q.Text) {
		lang = textkit.Kazakh
	}
	an := &query{text: q.Text, lang: corpus.Lang(lang), refs: textkit.ParseRefs(q.Text), fixes: map[string][]string{}}
	an.own = textkit.Terms(q.Text, textkit.Lang(lang))
	an.compare = isComparison(q.Text, an.own, lang)
	if an.compare {
		// "Чем Курултай отличается от Парламента по Конституции 1995 года?"
		// is about the Kurultai: words of comparing and naming the two
		// constitutions would only find the transitional articles.
		an.own = slices.DeleteFunc(an.own, func(t string) bool {
			return isComparisonCue(t, lang) || constitutionWords[t]
		})
	}
	folded := foldWords(q.Text)
	an.cue = idx.cues.match(folded, lang)
	an.past = idx.cues.has(cuePast, folded, lang)

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
	if len(an.refs) == 0 && an.cue != ReasonInstructions && isFollowUp(q.Text, an.own) {
		an.prev = idx.previous(q, g)
	}
	an.features = textFeatures(q.Text, textkit.Lang(lang))
	if prev := an.prev; prev != nil {
		if an.continues() {
			an.features = append(slices.Clip(an.features), prev.features...)
		}
		an.context = prev.text
		w := weightContext
		switch {
		case len(an.own) >= followUpTerms:
			w = weightContextLong // the question says much itself
		case len(an.own) > 0 && !saysFollowUp(q.Text):
			w = weightContextUnmarked
		}
		if len(an.own) < followUpTerms && prev.compare {
			an.compare = true // "Что изменилось в статусе Президента?" — "а у Курултая?"
		}
		for p := prev; p != nil; p = p.prev {
			for _, t := range p.own {
				if !(an.compare && (isComparisonCue(t, textkit.Lang(p.lang)) || constitutionWords[t])) {
					add(t, w)
				}
			}
		}
	}
	if asksQuantity(q.Text) {
		add(quantityKey, weightQuantity)
		for _, t := range an.own {
			add(quantityKey+":"+t, weightQuantityOf)
		}
		an.counted = an.own
	}
	// The glossary sees corrected words too: "армяю" still means the army.
	seen := make([]string, 0, len(weights))
	for t := range weights {
		seen = append(seen, t)
	}
	an.expansions = g.Expand(seen, textkit.Lang(lang))
	for _, e := range an.expansions {
		// A long expansion must not outweigh the question's own words:
		// its keys share a budget.
		w := weightGlossary * min(1, glossaryBudget/float64(len(e.Terms)))
		for _, t := range e.Terms {
			add(t, w)
		}
	}
	for t, w := range weights {
		an.terms = append(an.terms, weightedTerm{term: t, weight: w})
	}
	slices.SortFunc(an.terms, func(a, b weightedTerm) int { return strings.Compare(a.term, b.term) })
	return an
}

// readsAsKazakh reports whether a question written in Cyrillic without
// Kazakh letters is Kazakh typed on a Russian keyboard ("адам кукыктары
// жонындеги укил кимге багынады"): read as Kazakh, clearly more of its
// words are words of the texts than read as Russian.
func (idx *index) readsAsKazakh(text string) bool {
	known := func(lang textkit.Lang) int {
		n := 0
		for _, t := range textkit.Terms(text, lang) {
			if idx.lex.df(t) > 0 {
				n++
			}
		}
		return n
	}
	kk, ru := known(textkit.Kazakh), known(textkit.Russian)
	return kk >= ru+2
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

// quantityKey marks a passage that states a quantity in words, and
// quantityKey:key one that counts key ("ста сорока пяти депутатов"):
// "сколько депутатов?" is answered by the passage that gives their number,
// not by the one that names deputies most often.
const quantityKey = "#quantity"

// quantityKeys are the quantity marks of a passage.
func quantityKeys(text string, lang textkit.Lang) []string {
	qs := textkit.Quantities(text, lang)
	if len(qs) == 0 {
		return nil
	}
	out := []string{quantityKey}
	for _, q := range qs {
		if q.Of != "" {
			out = append(out, quantityKey+":"+q.Of)
		}
	}
	return out
}

// quantityWords ask for a number, folded.
var quantityWords = foldedSet(`сколько скока скоко скольки сколька скольких скольким
қанша неше нешеге нешеде нешінші қаншаға қаншада`)

// asksQuantity reports whether a question asks how many, how long, how old.
func asksQuantity(text string) bool {
	for _, w := range textkit.Words(text) {
		if quantityWords[textkit.Fold(w)] {
			return true
		}
	}
	return false
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

func isComparison(text string, own []string, lang textkit.Lang) bool {
	if strings.Contains(text, "1995") {
		return true
	}
	return slices.ContainsFunc(own, func(t string) bool { return isComparisonCue(t, lang) })
}

// isComparisonCue reports whether a key is a word of comparing in the
// question's language: the stems of the two languages collide (Russian
// "болит" and Kazakh "болатын" are both "bol"), and a headache is no
// question about 1995.
func isComparisonCue(t string, lang textkit.Lang) bool {
	if lang == textkit.Kazakh {
		return comparisonCuesKK[t]
	}
	return comparisonCues[t]
}

// history is what the composer is told of the conversation: the turns a
// follow-up continues, or nothing for a new question ("Кто может стать
// президентом?" after a question on the Kurultai is a new one, however
// short — its search still hears the previous question, faintly).
func (q *query) history(turns []answer.Turn) []answer.Turn {
	if !q.continues() {
		return nil
	}
	return turns
}

// continues reports whether the question is a follow-up of the previous
// one in what it asks, not only in what its search hears: it says so or
// has at most one word of its own.
func (q *query) continues() bool {
	return q.prev != nil && (saysFollowUp(q.text) || len(q.own) <= 1)
}
