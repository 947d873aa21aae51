package rag

import (
	"slices"
	"strings"
	"unicode/utf8"

	"atazan/rag/textkit"
)

// offTopicWords are topics the Constitution has nothing to say about, as
// the stems of everyday words: weather, sport, homework and creative
// writing, money rates, exams, driving, recipes, entertainment, smoking
// and drinking.
var offTopicWords = mergeSets(
	termSet(textkit.Russian, `погода погоду погоде зонт дождь снег температура прогноз градусов
матч матча футбол хоккей чемпионат турнир гол голы выиграл проиграл сыграли
домашка домашку домашнее уравнение уравнения интеграл сочинение реферат
стих стихи стишок поэму песню песня анекдот шутку рассказ сказку эссе
доллар доллару долларов евро рубль биткоин криптовалюта
рецепт плов приготовить посоветуй порекомендуй переведи перевести
фильм сериал игра игру кино аниме
ент балл баллов тест
водительские автошкола
сигареты сигарет сигарету курить вейп вейпы табак алкоголь пиво водку водка энергетики кальян`),
	termSet(textkit.Kazakh, `ауа райы жаңбыр қар температура болжам
матч футбол хоккей чемпионат ойын ойыны ұпай гол жеңді ұтты
тапсырма теңдеу эссе шығарма реферат
өлең өлеңін ән әзіл ертегі мазақ
доллар еуро рубль бағамы валюта бағам
рецепт тамақ пісіру аудар аударып мейрамхана
фильм кино сериал
ұбт балл тест
жүргізуші
темекі шылым вейп арақ сыра алкоголь кальян`),
)

// injectionPhrases are attempts to change the bot's rules: not questions
// about the law, whatever else they ask.
var injectionPhrases = []string{
	"игнорируй", "проигнорируй", "забудь все", "забудь предыдущ", "предыдущие инструкции", "системный промпт",
	"системную инструкцию", "ты больше не", "у тебя нет никаких правил", "нет никаких правил", "представь, что ты",
	"притворись", "jailbreak", "ignore all", "ignore previous", "ignore your", "system prompt", "you are now",
	"нұсқауларды ұмыт", "нұсқаулықты ұмыт", "барлық нұсқау", "ережелерді ұмыт", "сен енді", "сенің ережең жоқ",
}

// currentAffairs are questions about people and events of today, which a
// constitution does not record.
var currentAffairs = []string{
	"кто сейчас", "кто щас", "кто нынешний", "сколько ему лет", "сколько ей лет", "қазір кім", "қазіргі президент",
	"нынешний президент", "жасы нешеде",
}

// opinionPhrases ask the bot to take a side: the bot explains the law and
// stays neutral, whatever the party or politician.
var opinionPhrases = []string{
	"твоё мнение", "твое мнение", "своё мнение", "свое мнение", "как ты думаешь", "как считаешь", "ты за кого",
	"за кого голосовать", "за кого проголосовать", "какая партия лучше", "какой кандидат лучше", "скажи честно",
	"пікіріңді", "пікірің қандай", "сенің ойың", "сен қалай ойлайсың", "қай партия жақсы", "қай партияға дауыс",
	"кімге дауыс берген дұрыс", "кімге дауыс беру керек",
}

// offTopicCues lists the off-topic cues of a question and whether it
// tries to inject instructions.
func offTopicCues(text string, own []string) (cues []string, injection bool) {
	low := strings.ToLower(text)
	for _, p := range injectionPhrases {
		if strings.Contains(low, p) {
			injection = true
			cues = append(cues, p)
		}
	}
	for _, p := range slices.Concat(currentAffairs, opinionPhrases) {
		if strings.Contains(low, p) {
			cues = append(cues, p)
		}
	}
	for _, t := range own {
		if offTopicWords[t] {
			cues = append(cues, t)
		}
	}
	return cues, injection
}

// minSupport is the least share of a question's information the best
// articles must account for when nothing else marks it as a question about
// rights and the state (see support). Measured on the dev set and on our
// own unseen questions: answerable questions without such a mark have 0.5
// and more; off-topic ones that slip past the cue words, less.
const minSupport = 0.5

// minAdviceSupport is the share a question asking for advice or a
// ranking needs: none of the answerable questions of our sets asks that
// way, and the off-topic ones reach 0.62 through a word the law shares
// ("университет", "тіл").
const minAdviceSupport = 0.75

// fixedShare is how much a misspelt word matched through its correction
// counts towards support.
const fixedShare = 0.6

// minTrustedFix is the shortest misspelt key whose correction counts
// towards support.
const minTrustedFix = 5

// intentWords mark a question about what is allowed, owed or guaranteed
// ("можно ли", "имею право", "законно", "бола ма", "міндетті ме"); they are
// matched as folded word forms since most are stop words for search.
var intentWords = foldedSet(`можно нельзя может могут могу можем можешь вправе право права правах обязан обязана
обязаны обязательно законно незаконно закон закону законом законы конституция конституции конституцией
разрешено запрещено запрещают гарантирует гарантировано имею имеет имеют должен должна должны
бола болмайды ала алады алама аламын алмайды құқық құқығы құқығым құқылы міндет міндетті міндеті
міндетім заң заңды заңсыз заңмен рұқсат тыйым конституция конституцияда кепілдік дұрыс тиіс
назначает назначается назначают утверждает утверждается утверждают избирает избирается избираются
подчиняется подотчетен подотчётен возглавляет руководит распускает отстраняет
свобода свободы свободу свободен свободна еркіндік еркіндігі еркін бостандық бостандығы
мүмкін мүмкіндік мүмкіндігі мүмкіндігім возможность
тағайындайды тағайындалады бекітеді бекітіледі сайлайды сайланады бағынады басқарады таратады`)

// needWords say something is needed or possible ("надо", "нужно",
// "керек", "болады"): they ask about a duty or a permission only as the
// question itself — "надо ли…", "керек пе?", "…нада?" — not in advice
// like "сколько воды надо пить в день" or "қалай тез арықтауға болады".
var needWords = foldedSet(`надо нада нужно нужна нужен нужны керек болады`)

// questionParticles turn the word before them into the question: Russian
// "ли", Kazakh "ма/ме/ба/бе/па/пе".
var questionParticles = foldedSet(`ли ма ме ба бе па пе`)

// hasIntent reports whether the question asks what is allowed, owed or
// guaranteed; longer words may be misspelt by one letter ("можна").
func hasIntent(text string) bool {
	ws := textkit.Words(text)
	for i, w := range ws {
		f := textkit.Fold(w)
		if intentWords[f] {
			return true
		}
		if needWords[f] && (i == len(ws)-1 || questionParticles[textkit.Fold(ws[i+1])]) {
			return true
		}
		if r := []rune(f); len(r) >= 5 {
			for iw := range intentWords {
				if editDistance(r, []rune(iw), 2) <= 1 {
					return true
				}
			}
		}
	}
	return false
}

// advicePhrases ask for a recommendation or a ranking, which a
// constitution never gives ("лучший университет", "ең жақсы", "что делать
// если…", "посоветуй").
var advicePhrases = []string{
	"что делать", "что мне делать", "как лучше", "посоветуй", "посоветуйте", "порекомендуй", "лучший", "лучшая",
	"лучшее", "лучшие", "лучшую", "лучшего", "ең жақсы", "ең мықты", "ең үздік", "кеңес бер", "не істеу керек",
	"не істеймін", "не істесем",
}

// howWords open a "how do I…" question: "как выучить", "қалай үйренуге болады".
var howWords = foldedSet(`как қалай`)

// asksAdvice reports whether the question asks for advice, a
// recommendation or a ranking rather than what the law says: an advice
// phrase, "как" before an infinitive ("как похудеть", "как быстро выучить"),
// "қалай … болады" (how can one…), or "қай … жақсы" (which … is good).
// Such a question may still be about the law ("как стать президентом?"),
// so it only loses the benefit of the doubt that "можно/бола ма" give.
func asksAdvice(text string) bool {
	low := strings.ToLower(text)
	if slices.ContainsFunc(advicePhrases, func(p string) bool { return strings.Contains(low, p) }) {
		return true
	}
	ws := textkit.Words(text)
	var how, which, good bool
	for i, w := range ws {
		f := textkit.Fold(w)
		switch {
		case howWords[f] && howTo(ws[i+1:]):
			return true // "как похудеть", "как быстро выучить"
		case howWords[f]:
			how = true
		case f == "kai" || f == "kaisi":
			which = true
		case f == "jaksi":
			good = true
		case f == "boladi" && how && i == len(ws)-1:
			return true
		}
	}
	return which && good
}

// howTo reports whether the words after "как" say how to do something:
// an infinitive, perhaps after an adverb ("похудеть", "быстро выучить";
// not "как-то забить", which asks whether one may).
func howTo(rest []string) bool {
	if len(rest) > 0 && isInfinitive(rest[0]) {
		return true
	}
	adverb := len(rest) > 1 && utf8.RuneCountInString(rest[0]) > 3 && strings.HasSuffix(strings.ToLower(rest[0]), "о")
	return adverb && isInfinitive(rest[1])
}

// isInfinitive reports whether a Russian word looks like an infinitive.
func isInfinitive(w string) bool {
	w = strings.ToLower(w)
	return utf8.RuneCountInString(w) > 4 && (strings.HasSuffix(w, "ть") || strings.HasSuffix(w, "ться") ||
		strings.HasSuffix(w, "чь") || strings.HasSuffix(w, "сти"))
}

// shouldAbstain says why the question is not one the Constitution
// answers, or "" when it is.
func (idx *index) shouldAbstain(an *query, top []articleKey) string {
	switch {
	case an.injection:
		return "instructions"
	case len(an.offTopic) > 0 && !idx.overridesCue(an, top):
		return "off-topic"
	case len(an.terms) == 0 || len(top) == 0:
		return "no words in common"
	}
	if idx.missingNumber(an, top) {
		return "no such number"
	}
	if asksAdvice(an.text) && !an.compare {
		// Advice is answered only when its words are the law's own
		// ("как стать президентом?"), not by a topic it brushes against.
		if idx.supported(an, top, minAdviceSupport) {
			return ""
		}
		return "advice"
	}
	if an.compare || hasIntent(an.text) || idx.supported(an, top, minSupport) {
		return "" // about the constitutions, about rights and duties, or well matched
	}
	// A follow-up ("а если второе гражданство российское?") may add words
	// the law lacks: it is on topic when the question it continues is.
	if p := an.prev; p != nil && (p.compare || hasIntent(p.text) || idx.supported(p, top, minSupport)) {
		return ""
	}
	return "low support"
}

// overridesCue reports whether a question with off-topic cue words is
// about the law all the same: "украли мою песню — защищает ли закон?" has
// a song in it but asks about rights, and the best articles cover it.
// Phrases (current affairs, opinions) are never overridden.
func (idx *index) overridesCue(an *query, top []articleKey) bool {
	if slices.ContainsFunc(an.offTopic, func(c string) bool { return !offTopicWords[c] }) {
		return false
	}
	return hasIntent(an.text) && idx.supported(an, top, minSupport)
}

// supported reports whether one of the best articles accounts for at
// least share of the question's information.
func (idx *index) supported(an *query, top []articleKey, share float64) bool {
	for _, ak := range top[:min(3, len(top))] {
		if idx.support(an, ak) >= share {
			return true
		}
	}
	return false
}

// ageWords ask at what age ("с какого возраста", "неше жастан",
// "қай жастан"), folded.
var ageWords = foldedSet(`возраста возраст возрасте возрасту жастан жасқа жаста жасында`)

// missingNumber reports whether the question asks for a number — how
// many, how long, from what age — that none of the best articles states:
// "с какого возраста можно жениться?" finds the article on marriage, which
// gives no age, so the Constitution does not answer it.
func (idx *index) missingNumber(an *query, top []articleKey) bool {
	asks := asksQuantity(an.text)
	for _, w := range textkit.Words(an.text) {
		asks = asks || ageWords[textkit.Fold(w)]
	}
	if !asks || an.compare {
		return false
	}
	for _, ak := range top[:min(1, len(top))] {
		for t := range idx.articleTerms[ak] {
			if t == quantityKey || isNumber(t) {
				return false
			}
		}
	}
	return true
}

func isNumber(t string) bool {
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return t != ""
}

// support is the share of the question's information (its own keys,
// weighted by idf; a key the corpus lacks weighs the most) that the
// article accounts for: keys it contains, one typo away, or everyday words
// the glossary translated into terms it contains.
func (idx *index) support(an *query, ak articleKey) float64 {
	terms := idx.articleTerms[ak]
	explained := map[string]bool{}
	for _, e := range an.expansions {
		if idx.covers(terms, e.Terms) {
			for _, m := range e.Matched {
				explained[m] = true
			}
		}
	}
	seen := map[string]bool{}
	var total, covered float64
	for _, t := range an.own {
		if seen[t] || isNumber(t) {
			continue // numbers ("2+2", "мне 17") say nothing about the topic
		}
		seen[t] = true
		w := idx.lex.idf(t)
		if fixes := an.fixes[t]; len(fixes) > 0 {
			// A misspelt word ("утвирждает") weighs what its correction
			// would, not the most as a word the texts lack.
			w = idx.lex.idf(fixes[0])
		}
		total += w
		switch {
		case terms[t], explained[t]:
			covered += w
		case len(t) >= minTrustedFix && slices.ContainsFunc(an.fixes[t], func(n string) bool { return terms[n] }):
			// A correction is a guess, and a short word's the wildest
			// ("биік", a height, is one letter from "билік", power).
			covered += w * fixedShare
		}
	}
	if total == 0 {
		return 0
	}
	return covered / total
}

// minExpansionIDF is, relative to the rarest key of a glossary
// expansion, how rare a key an article must share with it to explain the
// everyday words behind it: one common word of an expansion ("основе" of
// "на конкурсной основе") does not make an article on parliament's
// sessions explain "универ".
const minExpansionIDF = 0.5

// covers reports whether the article shares a telling key with an expansion.
func (idx *index) covers(article map[string]bool, expansion []string) bool {
	var top, best float64
	for _, t := range expansion {
		w := idx.lex.idf(t)
		top = max(top, w)
		if article[t] {
			best = max(best, w)
		}
	}
	return best > 0 && best >= minExpansionIDF*top
}
