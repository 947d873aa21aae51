package answer

import (
	"fmt"
	"strings"
	"testing"

	"atazan/corpus"
)

func refs(quotes []Quote) string {
	var s []string
	for _, q := range quotes {
		s = append(s, q.Ref.String())
	}
	return strings.Join(s, " ")
}

func TestExtractivePicksGroupsAndCites(t *testing.T) {
	ru := ru2026()
	req := Request{
		Question: "Могут ли у нас казнить человека?",
		Lang:     corpus.RU,
		Passages: []Passage{
			passage(t, ru, "kz2026", "17", "3", 0.9),
			passage(t, ru, "kz2026", "9", "1", 0.8),
			passage(t, ru, "kz2026", "17", "1", 0.7),
			passage(t, ru, "kz2026", "17", "3", 0.6), // repeated
			passage(t, ru, "kz2026", "17", "2", 0.3), // too weak once two are kept
		},
	}
	res := Extractive(req)
	if res.Mode != ModeExtractive || res.Lang != corpus.RU {
		t.Fatalf("mode/lang = %s/%s", res.Mode, res.Lang)
	}
	// Points of article 17 together in point order, article 17 first as it ranked first.
	if got, want := refs(res.Quotes), "kz2026/17/1 kz2026/17/3 kz2026/9/1"; got != want {
		t.Errorf("quotes = %s, want %s", got, want)
	}
	if fmt.Sprint(res.Sources) != fmt.Sprint([]corpus.Ref{res.Quotes[0].Ref, res.Quotes[1].Ref, res.Quotes[2].Ref}) {
		t.Errorf("sources %v do not follow the quotes", res.Sources)
	}
	if res.Quotes[1].Text != "Смертная казнь запрещена." {
		t.Errorf("short point changed: %q", res.Quotes[1].Text)
	}
	if res.Lead != phrasesFor(corpus.RU).leads[kindPermission] {
		t.Errorf("lead = %q", res.Lead)
	}
	if !strings.Contains(res.Note, "не юридическая консультация") {
		t.Errorf("note = %q", res.Note)
	}
}

func TestExtractiveKeepsAtLeastTwoAtMostFour(t *testing.T) {
	ru := ru2026()
	all := []Passage{
		passage(t, ru, "kz2026", "17", "3", 1),
		passage(t, ru, "kz2026", "17", "2", 0.1),
		passage(t, ru, "kz2026", "17", "1", 0.99),
		passage(t, ru, "kz2026", "9", "1", 0.98),
		passage(t, ru, "kz2026", "9", "2", 0.97),
		passage(t, ru, "kz2026", "43", "", 0.96),
	}
	tests := []struct {
		passages []Passage
		want     int
	}{
		{all[:1], 1},
		{all[:2], 2}, // the weak second passage still makes two
		{all, 4},
	}
	for _, tt := range tests {
		res := Extractive(Request{Question: "жизнь", Lang: corpus.RU, Passages: tt.passages})
		if len(res.Quotes) != tt.want {
			t.Errorf("%d passages: %d quotes, want %d", len(tt.passages), len(res.Quotes), tt.want)
		}
	}
}

func TestExtractiveTrimsLongPointToMatchingSentences(t *testing.T) {
	ru := ru2026()
	p := passage(t, ru, "kz2026", "30", "1", 1)
	res := Extractive(Request{Question: "Частные школы должны проходить аккредитацию?", Lang: corpus.RU, Passages: []Passage{p}})
	got := res.Quotes[0].Text
	if runeLen(got) > quoteRunes+10 || runeLen(got) >= runeLen(p.Text) {
		t.Errorf("quote not trimmed: %d runes", runeLen(got))
	}
	if !strings.Contains(got, "Частные школы работают") || !strings.HasPrefix(got, "… ") {
		t.Errorf("quote lost the matching sentence or the cut mark: %q", got)
	}
}

func TestExtractivePrefersAnswerLanguage(t *testing.T) {
	req := Request{
		Question: "Өлім жазасы бар ма?",
		Lang:     corpus.KK,
		Passages: []Passage{
			passage(t, ru2026(), "kz2026", "17", "3", 0.9),
			passage(t, kk2026(), "kz2026", "17", "3", 0.8),
			passage(t, ru2026(), "kz2026", "9", "1", 0.7), // only in Russian: kept
		},
	}
	res := Extractive(req)
	if len(res.Quotes) != 2 || res.Quotes[0].Text != "Өлім жазасына тыйым салынады." || res.Quotes[1].Ref.Article != "9" {
		t.Errorf("quotes = %+v", res.Quotes)
	}
	if res.Lead != phrasesFor(corpus.KK).leads[kindGeneral] || !strings.Contains(res.Note, "заңгерлік кеңес емес") {
		t.Errorf("lead/note not Kazakh: %q / %q", res.Lead, res.Note)
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
	if res.Lead != phrasesFor(corpus.RU).compare {
		t.Errorf("lead = %q", res.Lead)
	}
	text := res.Text()
	if i, j := strings.Index(text, "Конституция 2026 г.:"), strings.Index(text, "Конституция 1995 г.:"); i < 0 || j < i {
		t.Errorf("labels missing or out of order in\n%s", text)
	}
}

func TestAbstain(t *testing.T) {
	for _, lang := range []corpus.Lang{corpus.RU, corpus.KK, corpus.EN, ""} {
		res := Abstain(lang)
		want := answerLang(lang)
		if res.Mode != ModeAbstain || res.Lang != want || res.Lead != phrasesFor(want).abstain || res.Note == "" || len(res.Quotes) != 0 {
			t.Errorf("Abstain(%q) = %+v", lang, res)
		}
	}
	if res := Extractive(Request{Question: "погода", Lang: corpus.KK}); res.Mode != ModeAbstain || res.Lang != corpus.KK {
		t.Errorf("Extractive without passages = %+v", res)
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		q    string
		want kind
	}{
		{"Что такое Курултай?", kindDefinition},
		{"Құрылтай деген не?", kindDefinition},
		{"Сколько депутатов в Курултае?", kindNumber},
		{"Президент қанша жылға сайланады?", kindNumber},
		{"Можно ли казнить человека?", kindPermission},
		{"Өлім жазасына рұқсат бар ма?", kindPermission},
		{"Кто назначает судей?", kindWho},
		{"Судьяларды кім тағайындайды?", kindWho},
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
	want := "Бұл туралы Конституцияда былай делінген:\n\n" +
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

func TestTrimQuoteKeepsListIntro(t *testing.T) {
	text := "Конституционный Суд:\n" +
		"1) проверяет законы до их подписания на соответствие основному закону страны, если его об этом просят;\n" +
		"2) рассматривает обращения судов о проверке норм, которые применяются в конкретных делах;\n" +
		"3) даёт официальное толкование норм Конституции;\n" +
		"4) даёт заключения о соблюдении порядка при отрешении от должности высших лиц государства."
	tests := []struct {
		question string
		want     string
	}{
		{"Кто даёт толкование Конституции?", "Конституционный Суд:\n… 3) даёт официальное толкование норм Конституции;\n4) даёт заключения о соблюдении порядка при отрешении от должности высших лиц государства."},
		{"погода", "Конституционный Суд:\n1) проверяет законы до их подписания на соответствие основному закону страны, если его об этом просят; …"},
	}
	for _, tt := range tests {
		if got := trimQuote(text, words(tt.question)); got != tt.want {
			t.Errorf("trimQuote for %q\n got %q\nwant %q", tt.question, got, tt.want)
		}
	}
}

func TestPickSkipsRepeats(t *testing.T) {
	whole := Passage{Ref: corpus.Ref{Doc: "kz2026", Article: "17"}, Text: "1. Каждый имеет право на жизнь.\n3. Смертная казнь запрещена.", Score: 1}
	lead := Passage{Ref: corpus.Ref{Doc: "kz2026", Article: "30"}, Text: "Вводные слова статьи.", Score: 1}
	tests := []struct {
		name     string
		passages []Passage
		want     string
	}{
		{"point inside a whole article", []Passage{whole, passage(t, ru2026(), "kz2026", "17", "3", 0.9), passage(t, ru2026(), "kz2026", "9", "1", 0.8)}, "kz2026/17 kz2026/9/1"},
		{"points after an article's lead", []Passage{lead, passage(t, ru2026(), "kz2026", "30", "1", 0.9)}, "kz2026/30 kz2026/30/1"},
		{"same reference twice", []Passage{passage(t, ru2026(), "kz2026", "9", "1", 1), passage(t, ru2026(), "kz2026", "9", "1", 0.9), passage(t, ru2026(), "kz2026", "9", "2", 0.8)}, "kz2026/9/1 kz2026/9/2"},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range pick(tt.passages) {
			got = append(got, p.Ref.String())
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("%s: picked %s, want %s", tt.name, s, tt.want)
		}
	}
}
