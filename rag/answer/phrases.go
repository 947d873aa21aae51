package answer

import (
	"strings"

	"atazan/corpus"
)

// phrases are the fixed sentences of answers in one language.
type phrases struct {
	leads      [kindCount]string
	compare    string
	disclaimer string
	llmNote    string
	llmDown    string // the LLM failed: quotes instead
	llmBad     string // the LLM's answer failed the citation check
	abstain    string
	hint       string
	sources    string
	docLabel   func(year string) string
}

func phrasesFor(lang corpus.Lang) phrases {
	if lang == corpus.KK {
		return phrases{
			leads: [kindCount]string{
				kindGeneral:    "Бұл туралы Конституцияда былай делінген:",
				kindPermission: "Не рұқсат етілетінін және неге тыйым салынатынын Конституция былай белгілейді:",
				kindNumber:     "Мерзімдер мен сандарды Конституция былай белгілейді:",
				kindWho:        "Бұл кімнің құзыретіне жататынын Конституция былай айқындайды:",
				kindDefinition: "Конституция мұны былай түсіндіреді:",
			},
			compare:    "Не өзгерді — жаңа Конституцияны (2026) бұрынғысымен (1995) салыстырыңыз:",
			disclaimer: "Бұл — түсіндірме, заңгерлік кеңес емес.",
			llmNote:    "Түсіндірмені жасанды интеллект Конституция мәтіні бойынша құрастырды; нақты тұжырымдар көрсетілген баптарда. Бұл — заңгерлік кеңес емес.",
			llmDown:    "ЖИ-көмекші қазір қолжетімсіз, сондықтан Конституция мәтінін келтіремін.",
			llmBad:     "ЖИ жауабындағы сілтемелер тексеруден өтпеді, сондықтан Конституция мәтінінің өзін келтіремін.",
			abstain:    "Бұл мәселе Конституцияда қарастырылмаған сияқты: оған сәйкес бап таппадым.",
			hint:       "Мен адамның құқықтары мен бостандықтары, мемлекеттік тіл, сайлау, Президент, Құрылтай, соттар туралы, сондай-ақ 1995 жылғы Конституциямен салыстырғанда не өзгергені туралы айтып бере аламын.",
			sources:    "Дереккөздер",
			docLabel:   func(year string) string { return year + " жылғы Конституция" },
		}
	}
	return phrases{
		leads: [kindCount]string{
			kindGeneral:    "Вот что говорит об этом Конституция:",
			kindPermission: "Что Конституция разрешает и что запрещает в этом вопросе:",
			kindNumber:     "Сроки и числа Конституция устанавливает так:",
			kindWho:        "Кто за это отвечает, определяет Конституция:",
			kindDefinition: "Вот как это понимает Конституция:",
		},
		compare:    "Что изменилось — сравните новую Конституцию (2026) с прежней (1995):",
		disclaimer: "Это пояснение, а не юридическая консультация.",
		llmNote:    "Пояснение составлено ИИ по тексту Конституции; точные формулировки — в указанных статьях. Это не юридическая консультация.",
		llmDown:    "Помощник с ИИ сейчас недоступен, поэтому привожу текст Конституции.",
		llmBad:     "Ответ ИИ не прошёл проверку ссылок, поэтому привожу сам текст Конституции.",
		abstain:    "Похоже, Конституция этот вопрос не регулирует: я не нашёл в ней подходящей статьи.",
		hint:       "Я могу рассказать о правах и свободах человека, государственном языке, выборах, Президенте, Курултае, судах, а также о том, что изменилось по сравнению с Конституцией 1995 года.",
		sources:    "Источники",
		docLabel:   func(year string) string { return "Конституция " + year + " г." },
	}
}

// answerLang is the language answers are written in: Kazakh or Russian,
// the two official texts.
func answerLang(l corpus.Lang) corpus.Lang {
	if l == corpus.KK {
		return corpus.KK
	}
	return corpus.RU
}

// kind is what a question asks for; it picks the lead sentence.
type kind int

const (
	kindGeneral kind = iota
	kindPermission
	kindNumber
	kindWho
	kindDefinition
	kindCount
)

// kindMarkers are checked in order; the first kind with a marker in the
// lower-cased question wins.
var kindMarkers = []struct {
	kind    kind
	markers []string
}{
	{kindDefinition, []string{"что такое", "что означает", "что значит", "деген не", "дегеніміз не", "деген нені", "нені білдіреді"}},
	{kindNumber, []string{"сколько", "какой срок", "каков срок", "с какого возраста", "скольки", "қанша", "неше", "қай жастан", "қандай мерзім", "қай мерзім"}},
	{kindPermission, []string{"можно ли", "могу ли", "может ли", "могут ли", "имею ли", "имеет ли", "вправе ли", "разрешено", "разрешается", "запрещ", "нельзя", "обязан", "бола ма", "болады ма", "ала ма", "рұқсат", "тыйым", "құқым бар", "құқығы бар", "міндетті ме", "мүмкін бе"}},
	{kindWho, []string{"кто ", "кто?", "кем ", "кого ", "кім", "кімге", "кімнің"}},
}

func kindOf(question string) kind {
	q := strings.ToLower(question) + " "
	for _, km := range kindMarkers {
		for _, m := range km.markers {
			if strings.Contains(q, m) {
				return km.kind
			}
		}
	}
	return kindGeneral
}
