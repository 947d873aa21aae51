package answer

import (
	"strings"
	"testing"
	"unicode"

	"atazan/corpus"
)

func refs(quotes []Quote) string {
	var s []string
	for _, q := range quotes {
		s = append(s, q.Ref.String())
	}
	return strings.Join(s, " ")
}

// pt is a passage written for a test: invented wording in the shape of
// the real texts (a point, its article's lead, a retrieval score).
func pt(article, point string, lang corpus.Lang, lead, text string, score float64) Passage {
	return Passage{Ref: corpus.Ref{Doc: "kz2026", Article: article, Point: point}, Lang: lang, Lead: lead, Text: text, Score: score}
}

// Invented passages after the examples of issue 12.
var (
	presidentTerm = pt("43", "1", corpus.RU, "", "Президент Республики Казахстан избирается гражданами на основе всеобщего, равного и прямого избирательного права при тайном голосовании сроком на семь лет. "+
		"Одно и то же лицо не может быть избрано Президентом Республики Казахстан более одного раза.", 0.5)
	maslikhatTerm = pt("88", "2", corpus.RU, "", "Маслихаты избираются населением при тайном голосовании сроком на пять лет.", 0.45)
	appointsPM    = pt("46", "4", corpus.RU, "Президент Республики Казахстан:", "после консультаций с фракциями партий вносит в Курултай кандидатуру Премьер-Министра; "+
		"с согласия Курултая назначает на должность Премьер-Министра; освобождает его от должности;", 1)
	ambassadors  = pt("46", "7", corpus.RU, "Президент Республики Казахстан:", "назначает и отзывает глав дипломатических представительств;", 1)
	defence      = pt("5", "1", corpus.RU, "", "Защита Республики Казахстан – священный долг и обязанность каждого ее гражданина.", 1)
	service      = pt("5", "2", corpus.RU, "", "Граждане проходят воинскую службу в порядке и видах, установленных законом.", 1)
	deferment    = pt("5", "3", corpus.RU, "", "Студентам очной формы обучения предоставляется отсрочка от призыва.", 1)
	taxes        = pt("38", "", corpus.RU, "", "Уплата законно установленных налогов – обязанность каждого.", 0.6)
	hearsReport  = pt("56", "15", corpus.RU, "Курултай:", "заслушивает два раза в год отчет Председателя Высшей аудиторской палаты;", 0.9)
	electsJudges = pt("56", "10", corpus.RU, "Курултай:", "избирает по представлению Президента судей Верховного Суда;", 0.85)
	citizenship  = pt("13", "2", corpus.RU, "", "Гражданин Республики Казахстан не может быть лишен гражданства, права изменить свое гражданство, а также не может быть изгнан за пределы Казахстана без оснований, которые прямо и исчерпывающе перечислены в Конституции и в конституционном законе о гражданстве. "+
		"Гражданство не зависит от места жительства, от вероисповедания и от убеждений. "+
		"Лишение гражданства допускается только по решению суда за совершение террористических преступлений, а также за причинение иного тяжкого вреда жизненно важным интересам Республики Казахстан.", 1)
	presidentTermKK = pt("43", "1", corpus.KK, "", "Қазақстан Республикасының Президентін азаматтар жасырын дауыс беру арқылы жеті жыл мерзімге сайлайды. "+
		"Бір адам Президент болып қатарынан бір реттен артық сайлана алмайды.", 1)
)

func TestExtractiveAnswerSentenceHasFactAndSubject(t *testing.T) {
	tests := []struct {
		name     string
		req      Request
		lead     []string // the answer sentence holds each
		notLead  []string
		sources  string
		firstRef corpus.Ref
	}{
		{
			name:    "number: the term and the subject, no second number",
			req:     Request{Question: "на сколько лет избирают президента?", Lang: corpus.RU, Passages: []Passage{presidentTerm, maslikhatTerm}},
			lead:    []string{"Президент избирается", "сроком на семь лет", "(ст. 43, п. 1)."},
			notLead: []string{"пять лет", "Республики Казахстан избирается", "тайном голосовании"},
			sources: "[kz2026/43/1]",
		},
		{
			name:    "who: a sub-point names the President from the article's lead",
			req:     Request{Question: "кто назначает премьер-министра?", Lang: corpus.RU, Passages: []Passage{appointsPM, ambassadors}},
			lead:    []string{"Президент: ", "назначает на должность Премьер-Министра", "(ст. 46, п. 4)."},
			notLead: []string{"дипломатических"},
			sources: "[kz2026/46/4]",
		},
		{
			name: "a point of the same article that only repeats a word is not quoted",
			req: Request{Question: "если президент сам уйдет, кто будет главным?", Lang: corpus.RU, Passages: []Passage{
				pt("44", "3", corpus.RU, "", "Полномочия Президента прекращаются в случае досрочного освобождения от должности в связи с добровольным уходом в отставку.", 1),
				pt("44", "2", corpus.RU, "", "Присяга Президента приносится в присутствии депутатов Курултая.", 1),
			}},
			lead:    []string{"Полномочия Президента прекращаются", "(ст. 44, п. 3)."},
			sources: "[kz2026/44/3]",
		},
		{
			name:    "must: the duty, and the way of service from the same article; no taxes",
			req:     Request{Question: "обязательно ли служить в армии?", Lang: corpus.RU, Passages: []Passage{defence, taxes, service}},
			lead:    []string{"обязанность каждого ее гражданина (ст. 5, п. 1)."},
			sources: "[kz2026/5/1 kz2026/5/2]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Extractive(tt.req)
			if res.Mode != ModeExtractive {
				t.Fatalf("mode = %s", res.Mode)
			}
			for _, want := range tt.lead {
				if !strings.Contains(res.Lead, want) {
					t.Errorf("lead %q lacks %q", res.Lead, want)
				}
			}
			for _, bad := range tt.notLead {
				if strings.Contains(res.Lead, bad) {
					t.Errorf("lead %q has %q", res.Lead, bad)
				}
			}
			if got := refsOf(res.Sources); got != tt.sources {
				t.Errorf("sources = %s, want %s", got, tt.sources)
			}
		})
	}
}

func refsOf(rs []corpus.Ref) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.String())
	}
	return "[" + strings.Join(s, " ") + "]"
}

func TestExtractiveNeverCutsTheAnsweringSentence(t *testing.T) {
	res := Extractive(Request{Question: "могут ли лишить гражданства?", Lang: corpus.RU, Passages: []Passage{citizenship}})
	answer := "Лишение гражданства допускается только по решению суда за совершение террористических преступлений, а также за причинение иного тяжкого вреда жизненно важным интересам Республики Казахстан."
	if len(res.Quotes) != 1 || !strings.Contains(res.Quotes[0].Text, answer) {
		t.Fatalf("quotes %+v lack the whole sentence %q", res.Quotes, answer)
	}
	if !strings.Contains(res.Lead, strings.TrimSuffix(answer, ".")) {
		t.Errorf("lead %q lacks the answering sentence", res.Lead)
	}
	// What is left out is marked, and no sentence is cut inside.
	q := res.Quotes[0].Text
	if runeLen(q) >= runeLen(citizenship.Text) || !strings.Contains(q, "…") {
		t.Errorf("the long point was not trimmed: %q", q)
	}
	for _, part := range strings.Split(q, "…") {
		part = strings.TrimSpace(part)
		if part != "" && !strings.HasSuffix(part, ".") {
			t.Errorf("quote cut inside a sentence: %q", part)
		}
	}

	// One sentence longer than a quote is kept whole.
	long := pt("43", "2", corpus.RU, "", "Президентом может быть избран гражданин по рождению, не моложе сорока лет, свободно владеющий государственным языком, проживающий в Казахстане последние пятнадцать лет, имеющий высшее образование, опыт работы не менее пяти лет на государственной службе или на выборных государственных должностях, а также отвечающий иным требованиям, установленным конституционным законом.", 1)
	res = Extractive(Request{Question: "со скольки лет можно стать президентом?", Lang: corpus.RU, Passages: []Passage{long}})
	if res.Quotes[0].Text != long.Text || !strings.Contains(res.Lead, "не моложе сорока лет") {
		t.Errorf("the long sentence was cut:\nlead %q\nquote %q", res.Lead, res.Quotes[0].Text)
	}
}

func TestExtractiveFollowUpAnswersTheNewCondition(t *testing.T) {
	army := []Turn{{Question: "в армию обязательно идти?", Answer: "Защита Республики Казахстан – священный долг и обязанность каждого ее гражданина (ст. 5, п. 1)."}}
	tests := []struct {
		name      string
		question  string
		passages  []Passage
		lead      []string
		firstRef  string
		notRepeat bool
	}{
		{
			name:     "the condition is named: the point about it answers",
			question: "а если я студент?",
			passages: []Passage{defence, service, deferment},
			lead:     []string{"Студентам очной формы обучения предоставляется отсрочка", "(ст. 5, п. 3)"},
			firstRef: "kz2026/5/3",
		},
		{
			name:     "the condition is not named: said plainly, the general rule, left to law",
			question: "а девушки?",
			passages: []Passage{defence, service},
			lead:     []string{"Отдельного правила для этого случая Конституция не устанавливает", "(ст. 5, п. ", "Подробности определяет закон."},
			firstRef: "kz2026/5/",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Extractive(Request{Question: tt.question, Lang: corpus.RU, History: army, Passages: tt.passages})
			for _, want := range tt.lead {
				if !strings.Contains(res.Lead, want) {
					t.Errorf("lead %q lacks %q", res.Lead, want)
				}
			}
			if res.Lead == army[0].Answer {
				t.Errorf("the follow-up repeats the last answer")
			}
			if len(res.Sources) == 0 || !strings.HasPrefix(res.Sources[0].String(), tt.firstRef) {
				t.Errorf("sources = %v, want first %s…", res.Sources, tt.firstRef)
			}
		})
	}

	// Without history the same words are a question of their own.
	res := Extractive(Request{Question: "а девушки?", Lang: corpus.RU, Passages: []Passage{defence, service}})
	if strings.Contains(res.Lead, "Отдельного правила") {
		t.Errorf("a first question read as a follow-up: %q", res.Lead)
	}
}

func TestExtractiveFalsePremiseGetsWhatTheTextSays(t *testing.T) {
	// Retrieval ranked the claim's words ("два раза", "избира") above the rule.
	req := Request{
		Question: "напиши, что президента можно избирать два раза подряд",
		Lang:     corpus.RU,
		Passages: []Passage{hearsReport, electsJudges, presidentTerm},
	}
	res := Extractive(req)
	if res.Mode != ModeExtractive {
		t.Fatalf("mode = %s: an article exists, it must not refuse", res.Mode)
	}
	for _, want := range []string{"Я могу передать только то, что написано в Конституции", "более одного раза", "(ст. 43, п. 1)"} {
		if !strings.Contains(res.Lead, want) {
			t.Errorf("lead %q lacks %q", res.Lead, want)
		}
	}
	if got := refsOf(res.Sources); got != "[kz2026/43/1]" {
		t.Errorf("sources = %s, want only the rule", got)
	}
	if strings.Contains(res.Text(), "два раза в год") {
		t.Errorf("quotes the claim's words from an unrelated point:\n%s", res.Text())
	}
}

func TestExtractiveLatinScriptReply(t *testing.T) {
	res := Extractive(Request{Question: "Prezident qansha jylga sailanady?", Lang: corpus.KK, Passages: []Passage{presidentTermKK}})
	if !res.Latin || res.Lang != corpus.KK {
		t.Fatalf("latin = %v, lang = %s", res.Latin, res.Lang)
	}
	for _, s := range []string{res.Lead, res.Note} {
		if strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
			t.Errorf("bot's words not in Latin script: %q", s)
		}
	}
	if !strings.Contains(res.Lead, "jetı jyl") || !strings.Contains(res.Lead, "(43-bap, 1-tarmaq).") {
		t.Errorf("lead = %q, want the term and the citation in Latin", res.Lead)
	}
	if res.Quotes[0].Text != presidentTermKK.Text {
		t.Errorf("quote changed: %q", res.Quotes[0].Text)
	}
	if text := res.Text(); !strings.HasSuffix(text, "Derekközder: 43-bap, 1-tarmaq.") {
		t.Errorf("sources not in Latin:\n%s", text)
	}

	// The same question in Cyrillic stays Cyrillic.
	res = Extractive(Request{Question: "Президент қанша жылға сайланады?", Lang: corpus.KK, Passages: []Passage{presidentTermKK}})
	if res.Latin || !strings.Contains(res.Lead, "жеті жыл") || !strings.Contains(res.Lead, "(43-бап, 1-тармақ)") {
		t.Errorf("Cyrillic question: latin = %v, lead %q", res.Latin, res.Lead)
	}
}

func TestToLatin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Қазақстан Республикасы", "Qazaqstan Respublikasy"},
		{"Бұл — түсіндірме, заңгерлік кеңес емес.", "Būl — tüsındırme, zañgerlık keñes emes."},
		{"Өлім жазасына тыйым салынады (17-бап)", "Ölım jazasyna tyiym salynady (17-bap)"},
		{"ЖИ", "JI"},
	}
	for _, tt := range tests {
		if got := toLatin(tt.in); got != tt.want {
			t.Errorf("toLatin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExtractiveComparisonOnlyForComparisonQuestions(t *testing.T) {
	old := Passage{Ref: corpus.Ref{Doc: "kz1995", Article: "15", Point: "2"}, Lang: corpus.RU, Text: "Смертная казнь допускается законом как исключительная мера.", Score: 0.9}
	now := pt("17", "3", corpus.RU, "", "Смертная казнь запрещена.", 0.8)
	tests := []struct {
		question string
		compare  bool
		sources  string
	}{
		{"Что изменилось со смертной казнью?", true, "[kz2026/17/3 kz1995/15/2]"},
		{"А в Конституции 1995 года?", true, "[kz2026/17/3 kz1995/15/2]"},
		// The engine flagged a comparison, but the question compares nothing.
		{"Есть ли смертная казнь?", false, "[kz2026/17/3]"},
	}
	for _, tt := range tests {
		res := Extractive(Request{Question: tt.question, Lang: corpus.RU, Compare: true, Passages: []Passage{old, now}})
		if got := res.Lead == phrasesFor(corpus.RU).Compare; got != tt.compare {
			t.Errorf("%q: comparison lead %v, want %v (lead %q)", tt.question, got, tt.compare, res.Lead)
		}
		if got := refsOf(res.Sources); got != tt.sources {
			t.Errorf("%q: sources %s, want %s", tt.question, got, tt.sources)
		}
	}
	// A follow-up of a comparison is one too; "мерзімінен бұрын" ("early") is not.
	res := Extractive(Request{Question: "а про казнь?", Lang: corpus.RU, Compare: true, Passages: []Passage{old, now},
		History: []Turn{{Question: "Что изменилось в правах человека по сравнению с 1995 годом?"}}})
	if res.Lead != phrasesFor(corpus.RU).Compare {
		t.Errorf("comparison follow-up lead = %q", res.Lead)
	}
	// A Kazakh "…ше?" follow-up of a plain question is no comparison,
	// even when retrieval flagged one.
	oldKK := Passage{Ref: corpus.Ref{Doc: "kz1995", Article: "15", Point: "2"}, Lang: corpus.KK, Text: "Өлім жазасы заңмен ерекше ауыр қылмыстар үшін ең ауыр жаза ретінде белгіленеді.", Score: 0.9}
	nowKK := pt("17", "3", corpus.KK, "", "Өлім жазасына тыйым салынады.", 0.8)
	res = Extractive(Request{Question: "ал соғыс кезінде ше?", Lang: corpus.KK, Compare: true, Passages: []Passage{oldKK, nowKK},
		History: []Turn{{Question: "Өлім жазасы бар ма?"}}})
	if res.Lead == phrasesFor(corpus.KK).Compare || refsOf(res.Sources) != "[kz2026/17/3]" {
		t.Errorf("\"ше?\" follow-up turned into a comparison: %q %v", res.Lead, res.Sources)
	}
	if comparesDocs("Президент мерзімінен бұрын кетсе, сайлау қашан өтеді?") {
		t.Errorf("\"мерзімінен бұрын\" read as a comparison")
	}
}

func TestExtractiveCompare(t *testing.T) {
	req := Request{
		Question: "Что изменилось со смертной казнью?",
		Lang:     corpus.RU,
		Compare:  true,
		Passages: []Passage{
			passage(t, ru1995(), "kz1995", "15", "2", 0.9),
			passage(t, ru2026(), "kz2026", "17", "3", 0.8),
			passage(t, ru1995(), "kz1995", "15", "1", 0.5),
			passage(t, ru2026(), "kz2026", "17", "1", 0.4),
			passage(t, ru2026(), "kz2026", "17", "2", 0.3),
		},
	}
	res := Extractive(req)
	if got, want := refs(res.Quotes), "kz2026/17/1 kz2026/17/3 kz1995/15/1 kz1995/15/2"; got != want {
		t.Errorf("quotes = %s, want %s", got, want)
	}
	labels := []string{res.Quotes[0].Label, res.Quotes[2].Label}
	if labels[0] != "Конституция 2026 г." || labels[1] != "Конституция 1995 г." {
		t.Errorf("labels = %q", labels)
	}
	text := res.Text()
	if i, j := strings.Index(text, "Конституция 2026 г.:"), strings.Index(text, "Конституция 1995 г.:"); i < 0 || j < i {
		t.Errorf("labels missing or out of order in\n%s", text)
	}
}

func TestExtractivePrefersAnswerLanguage(t *testing.T) {
	req := Request{
		Question: "Өлім жазасы бар ма?",
		Lang:     corpus.KK,
		Passages: []Passage{
			passage(t, ru2026(), "kz2026", "17", "3", 0.9),
			passage(t, kk2026(), "kz2026", "17", "3", 0.8),
		},
	}
	res := Extractive(req)
	if len(res.Quotes) != 1 || res.Quotes[0].Text != "Өлім жазасына тыйым салынады." {
		t.Errorf("quotes = %+v", res.Quotes)
	}
	if res.Lead != "Өлім жазасына тыйым салынады (17-бап, 3-тармақ)." || !strings.Contains(res.Note, "заңгерлік кеңес емес") {
		t.Errorf("lead/note not Kazakh: %q / %q", res.Lead, res.Note)
	}
}

func TestExtractiveSkipsRepeats(t *testing.T) {
	whole := Passage{Ref: corpus.Ref{Doc: "kz2026", Article: "17"}, Lang: corpus.RU, Text: "1. Каждый имеет право на жизнь.\n3. Смертная казнь запрещена.", Score: 1}
	tests := []struct {
		name     string
		passages []Passage
		want     string
	}{
		{"point inside a whole article", []Passage{whole, passage(t, ru2026(), "kz2026", "17", "3", 0.9)}, "kz2026/17"},
		{"same reference twice", []Passage{passage(t, ru2026(), "kz2026", "17", "3", 1), passage(t, ru2026(), "kz2026", "17", "3", 0.9)}, "kz2026/17/3"},
	}
	for _, tt := range tests {
		res := Extractive(Request{Question: "запрещена ли смертная казнь?", Lang: corpus.RU, Passages: tt.passages})
		if got := refs(res.Quotes); got != tt.want {
			t.Errorf("%s: quotes %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestQuoteKeepsListIntro(t *testing.T) {
	text := "Конституционный Суд:\n" +
		"1) проверяет законы до их подписания на соответствие основному закону страны, если его об этом просят, и сообщает о результатах проверки;\n" +
		"2) рассматривает обращения судов о проверке норм, которые применяются в конкретных делах, и принимает по ним решения;\n" +
		"3) даёт официальное толкование норм Конституции;\n" +
		"4) даёт заключения о соблюдении порядка при отрешении от должности высших лиц государства."
	p := pt("72", "1", corpus.RU, "", text, 1)
	res := Extractive(Request{Question: "Кто даёт толкование Конституции?", Lang: corpus.RU, Passages: []Passage{p}})
	q := res.Quotes[0].Text
	if !strings.HasPrefix(q, "Конституционный Суд:\n… 3) даёт официальное толкование норм Конституции;") {
		t.Errorf("quote = %q", q)
	}
	if res.Lead != "Конституционный Суд: даёт официальное толкование норм Конституции (ст. 72, п. 1)." {
		t.Errorf("lead = %q", res.Lead)
	}
}

func TestAbstain(t *testing.T) {
	for _, lang := range []corpus.Lang{corpus.RU, corpus.KK, corpus.EN, ""} {
		res := Abstain(lang)
		want := answerLang(lang)
		if res.Mode != ModeAbstain || res.Lang != want || res.Lead != phrasesFor(want).Abstain || res.Note == "" || len(res.Quotes) != 0 {
			t.Errorf("Abstain(%q) = %+v", lang, res)
		}
	}
	if res := Extractive(Request{Question: "погода", Lang: corpus.KK}); res.Mode != ModeAbstain || res.Lang != corpus.KK {
		t.Errorf("Extractive without passages = %+v", res)
	}
	if res := Extractive(Request{Question: "erten kün qandai aua raiy?", Lang: corpus.KK}); !res.Latin || strings.ContainsFunc(res.Lead, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
		t.Errorf("Latin-script abstention = %+v", res)
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		q    string
		want kind
	}{
		{"Что такое Курултай?", kindGeneral},
		{"Со скольки лет можно голосовать?", kindNumber},
		{"Сколько депутатов в Курултае?", kindNumber},
		{"Президент қанша жылға сайланады?", kindNumber},
		{"Prezident qansha jylga sailanady?", kindNumber},
		{"Можно ли казнить человека?", kindPermission},
		{"Өлім жазасына рұқсат бар ма?", kindPermission},
		{"Кто назначает судей?", kindGeneral},
		{"Әскерге бару міндетті ме?", kindPermission},
		{"Расскажи про государственный язык", kindGeneral},
	}
	for _, tt := range tests {
		if got := kindOf(tt.q); got != tt.want {
			t.Errorf("kindOf(%q) = %d, want %d", tt.q, got, tt.want)
		}
	}
}

func TestResultText(t *testing.T) {
	res := Extractive(Request{Question: "Өлім жазасы", Lang: corpus.KK, Passages: []Passage{passage(t, kk2026(), "kz2026", "17", "3", 1)}})
	want := "Өлім жазасына тыйым салынады (17-бап, 3-тармақ).\n\n" +
		"«Өлім жазасына тыйым салынады.» (17-бап, 3-тармақ)\n\n" +
		"Бұл — түсіндірме, заңгерлік кеңес емес.\n\n" +
		"Дереккөздер: 17-бап, 3-тармақ."
	if got := res.Text(); got != want {
		t.Errorf("Text()\n got %q\nwant %q", got, want)
	}
}

func TestRelated(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"казнь", "казни", true},
		{"сайланады", "сайлайды", true},
		{"жыл", "жылға", true},
		{"құқық", "құқығы", true},
		{"суд", "судья", true},
		{"казнь", "каждый", false},
		{"язык", "яд", false},
	}
	for _, tt := range tests {
		if got := related([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("related(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestVocabularyRejectsMissingPhrases(t *testing.T) {
	if _, err := parsePhraseBook(phrasesYAML); err != nil {
		t.Fatalf("embedded phrases: %v", err)
	}
	bad := strings.Replace(string(phrasesYAML), `  premise: "Я могу`, `  premise_x: "Я могу`, 1)
	if _, err := parsePhraseBook([]byte(bad)); err == nil {
		t.Errorf("a phrase file with an unknown key and no ru.premise was accepted")
	}
	noPremise := strings.Replace(string(phrasesYAML), `  premise: "Я могу передать только то, что написано в Конституции. А в ней сказано: {text} ({ref})."`, `  premise: ""`, 1)
	if _, err := parsePhraseBook([]byte(noPremise)); err == nil || !strings.Contains(err.Error(), "ru.premise") {
		t.Errorf("an empty ru.premise gave %v", err)
	}
}

func TestAnswerSentenceShortensOfficialNames(t *testing.T) {
	tests := []struct {
		lang     corpus.Lang
		question string
		text     string
		want     string
	}{
		{corpus.RU, "может ли президент уйти в отставку?", "Президент Республики Казахстан вправе уйти в отставку, подав заявление в Конституционный Суд Республики Казахстан.",
			"Президент вправе уйти в отставку, подав заявление в Конституционный Суд (ст. 50, п. 1)."},
		{corpus.RU, "могут ли выслать за пределы страны?", "Гражданин не может быть выслан за пределы Республики Казахстан.",
			"Гражданин не может быть выслан за пределы Республики Казахстан (ст. 50, п. 1)."}, // not a title: kept
		// Formal phrases leave the answer sentence, unless the question asks about them.
		{corpus.RU, "на сколько лет избирают президента?", presidentTerm.Text,
			"Президент избирается гражданами сроком на семь лет (ст. 50, п. 1)."},
		{corpus.RU, "президента избирают тайным голосованием?", presidentTerm.Text,
			"Президент избирается гражданами на основе всеобщего, равного и прямого избирательного права при тайном голосовании сроком на семь лет (ст. 50, п. 1)."},
		{corpus.KK, "президент отставкаға кете ала ма?", "Қазақстан Республикасының Президенті Қазақстан Республикасының Конституциялық Сотына өтініш беріп, орнынан түсе алады.",
			"Президент Конституциялық Сотқа өтініш беріп, орнынан түсе алады (50-бап, 1-тармақ)."},
	}
	for _, tt := range tests {
		res := Extractive(Request{Question: tt.question, Lang: tt.lang, Passages: []Passage{pt("50", "1", tt.lang, "", tt.text, 1)}})
		if res.Lead != tt.want {
			t.Errorf("lead\n got %q\nwant %q", res.Lead, tt.want)
		}
		if res.Quotes[0].Text != tt.text {
			t.Errorf("the quote was shortened too: %q", res.Quotes[0].Text)
		}
	}
}

// A "how many?" question keeps every sentence of the point that states a
// number with the question's words, beyond the usual length of a quote.
func TestQuoteKeepsEveryAskedNumber(t *testing.T) {
	p := pt("51", "2", corpus.RU, "", "В случае досрочного освобождения Президента от должности по его собственному желанию, по состоянию здоровья, "+
		"вследствие стойкой неспособности исполнять обязанности или в связи с отрешением, а также в случае его смерти "+
		"Курултай в течение семи дней со дня освобождения объявляет выборы Президента и назначает дату выборов Президента. "+
		"Выборы проводятся в течение двух месяцев со дня принятия Курултаем соответствующего решения. "+
		"Порядок проведения выборов определяется конституционным законом о выборах, который принимает Курултай.", 1)
	res := Extractive(Request{Question: "через сколько проводятся выборы президента, если он ушел досрочно?", Lang: corpus.RU, Passages: []Passage{p}})
	q := res.Quotes[0].Text
	for _, want := range []string{"в течение семи дней", "Выборы проводятся в течение двух месяцев со дня принятия Курултаем соответствующего решения."} {
		if !strings.Contains(q, want) {
			t.Errorf("quote %q lacks %q", q, want)
		}
	}
	if strings.Contains(q, "Порядок проведения выборов") {
		t.Errorf("quote kept a sentence with no number: %q", q)
	}
}

func TestHasNumber(t *testing.T) {
	tests := []struct {
		lang corpus.Lang
		text string
		want bool
	}{
		{corpus.RU, "избирается сроком на семь лет", true},
		{corpus.RU, "не менее 18 лет", true},
		{corpus.RU, "двумя третями голосов от общего числа депутатов", true},
		{corpus.RU, "более пятидесяти процентов голосов", true},
		{corpus.RU, "большинством голосов от общего числа депутатов", false},
		{corpus.KK, "депутаттары жалпы санының кемінде төрттен үшінің дауысымен", true},
		{corpus.KK, "заңда белгіленген тәртіппен", false},
	}
	for _, tt := range tests {
		if got := hasNumber(tt.text, tt.lang); got != tt.want {
			t.Errorf("hasNumber(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
