package bot

import (
	"reflect"
	"strings"
	"testing"
)

func TestCommands(t *testing.T) {
	tests := []struct {
		name    string
		user    string
		text    string
		want    []string // substrings of the reply
		notWant []string
		actions []string // data of buttons that must be there
	}{
		{"start greets and offers languages", "u1", "/start", []string{"Atazan", "/article 17"}, nil, []string{"lang:kk", "lang:ru"}},
		{"start with bot name", "u1", "/start@atazan_bot", []string{"Atazan"}, nil, nil},
		{"help lists commands", "u1", "/help", []string{"/article", "/compare", "/forget"}, []string{"/import", "/stats"}, nil},
		{"help for admins adds admin commands", admin, "/help", []string{"/import", "/stats", "/export feedback"}, nil, nil},
		{"article", "u1", "/article 2", []string{"Статья 2", "1. Каждый имеет право", "2. Трудиться"}, nil, []string{"cmp:2"}},
		{"article point", "u1", "/article 2 2", []string{"Статья 2", "шестнадцати"}, []string{"Каждый"}, nil},
		{"article point dotted", "u1", "/article 2.1", []string{"Каждый"}, []string{"шестнадцати"}, nil},
		// The section is named as a section, above the heading, never as
		// if it were the article's title.
		{"article with section", "u1", "/article 3", []string{"Раздел II. Курултай", "Статья 3", "однопалатный"}, []string{"Статья 3\nКурултай"}, nil},
		{"article missing", "u1", "/article 99", []string{"нет статьи 99", "статьи 1–3"}, nil, nil},
		{"article of 1995", "u1", "/article 3 1995", []string{"1995", "утратила силу", "Статья 3", "двух палат"}, []string{"однопалатный"}, []string{"art:kz2026:3"}},
		{"article of 1995 by id", "u1", "/article kz1995 2 2", []string{"Трудиться можно с шестнадцати"}, []string{"по трудовому договору"}, nil},
		{"article of 1995 missing", "u1", "/article 50 1995", []string{"нет статьи 50", "статьи 1–3"}, nil, nil},
		{"point missing", "u1", "/article 2 9", []string{"нет пункта 9"}, nil, nil},
		{"article usage", "u1", "/article", []string{"/article 17"}, nil, nil},
		{"compare shows both", "u1", "/compare 3", []string{"Конституция 2026 г.", "однопалатный", "Конституция 1995 г.", "двух палат"}, nil, nil},
		{"compare usage", "u1", "/compare", []string{"/compare 17"}, nil, nil},
		{"compare from 1995", "u1", "/compare 3 1995", []string{"Конституция 2026 г.", "однопалатный", "Конституция 1995 г.", "двух палат"}, nil, nil},
		{"about", "u1", "/about", []string{"Конституция Республики Казахстан (2026)", "действует с 01.07.2026", "не юридическая консультация"}, nil, nil},
		{"privacy", "u1", "/privacy", []string{"Что я храню", "/forget"}, nil, nil},
		{"unknown command", "u1", "/foo", []string{"Не знаю такой команды"}, nil, nil},
		{"admin command from a non-admin looks unknown", "u1", "/stats", []string{"Не знаю такой команды"}, []string{"Статистика", "админ"}, nil},
		{"export from a non-admin looks unknown", "u1", "/export feedback", []string{"Не знаю такой команды"}, nil, nil},
		{"rollback from a non-admin looks unknown", "u1", "/rollback kz2026", []string{"Не знаю такой команды"}, nil, nil},
	}
	h := newHarness(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := h.send(tt.user, tt.text)
			got := out.text()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("reply lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("reply has %q:\n%s", w, got)
				}
			}
			for _, a := range tt.actions {
				if _, ok := action(out.last(), a); !ok {
					t.Errorf("no button %q in %+v", a, out.last().Actions)
				}
			}
			if len(h.engine.asked()) != 0 {
				t.Errorf("a command reached the engine")
			}
		})
	}
}

func TestLanguageIsRememberedAndUsed(t *testing.T) {
	h := newHarness(t)
	if got := h.send("u1", "/lang kk").text(); !strings.Contains(got, "қазақша") {
		t.Fatalf("/lang kk reply: %s", got)
	}
	if got := h.send("u1", "/article 2").text(); !strings.Contains(got, "2-бап") || !strings.Contains(got, "он алты") {
		t.Errorf("article after /lang kk is not in Kazakh:\n%s", got)
	}
	h.restart()
	if got := h.send("u1", "/help").text(); !strings.Contains(got, "Сұрағыңызды") {
		t.Errorf("language lost after restart:\n%s", got)
	}
	// The buttons of /start set the language too.
	h.press("u1", "lang:ru")
	if got := h.send("u1", "/help").text(); !strings.Contains(got, "Просто напишите вопрос") {
		t.Errorf("lang:ru button did not switch:\n%s", got)
	}
	if got := h.send("u1", "/lang xx").text(); !strings.Contains(got, "/lang kk") {
		t.Errorf("bad /lang argument: %s", got)
	}
}

func TestQuestionLanguage(t *testing.T) {
	tests := []struct {
		name     string
		saved    string // /lang before the question, "" for none
		hint     string // the messenger's interface language
		question string
		want     string
	}{
		{"russian question", "kk", "", "Можно ли работать по трудовому договору с шестнадцати лет?", "ru"},
		{"kazakh question", "ru", "", "Неше жастан жұмыс істеуге болады?", "kk"},
		{"latin kazakh question", "ru", "", "Qansha jastan jumys isteuge bolady?", "kk"},
		{"unclear question, saved preference decides", "kk", "ru", "16?", "kk"},
		{"unclear question, no preference: interface language", "", "kk", "16?", "kk"},
		{"unclear question, nothing known: default", "", "", "16?", "ru"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if tt.saved != "" {
				h.send("u1", "/lang "+tt.saved)
			}
			h.handle(Incoming{Platform: Telegram, ChatID: "u1", UserID: "u1", LangHint: tt.hint, Text: tt.question})
			q := h.engine.asked()
			if len(q) != 1 || string(q[0].Lang) != tt.want {
				t.Fatalf("engine asked %+v, want lang %s", q, tt.want)
			}
		})
	}
}

func TestConversationLanguageBreaksTies(t *testing.T) {
	h := newHarness(t)
	in := Incoming{Platform: Telegram, ChatID: "u1", UserID: "u1", LangHint: "ru"}
	in.Text = "Неше жастан жұмыс істеуге болады?"
	h.handle(in)
	in.Text = "16?"
	h.handle(in)
	if q := h.engine.asked(); len(q) != 2 || q[1].Lang != "kk" {
		t.Fatalf("follow-up asked %+v, want it in the conversation's Kazakh over the Russian interface", q)
	}
	for _, cmd := range []string{"/lang", "/article", "ок"} {
		if got := h.send("u1", cmd).text(); !strings.ContainsAny(got, "әіңғүұқөһ") {
			t.Errorf("%s in a Kazakh conversation answered in Russian: %s", cmd, got)
		}
	}
	// A saved choice still wins.
	h.send("u1", "/lang ru")
	if got := h.send("u1", "/help").text(); !strings.Contains(got, "Просто напишите вопрос") {
		t.Errorf("/help after /lang ru: %s", got)
	}
}

func TestForgetDeletesEverything(t *testing.T) {
	h := newHarness(t)
	h.send("u1", "/lang kk")
	out := h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?")
	fb, _ := action(out.last(), "fb:down:")
	h.press("u1", fb.Data)
	if got := h.send("u1", "/forget").text(); !strings.Contains(got, "жойдым") {
		t.Fatalf("/forget reply: %s", got)
	}
	if lang, _ := h.store.Lang(t.Context(), "tg", "u1"); lang != "" {
		t.Errorf("language kept: %q", lang)
	}
	if rows, _ := h.store.Feedback(t.Context()); len(rows) != 0 {
		t.Errorf("feedback kept: %+v", rows)
	}
	h.send("u1", "А если мне 17?")
	if q := h.engine.asked(); len(q[len(q)-1].History) != 0 {
		t.Errorf("history kept after /forget: %+v", q[len(q)-1].History)
	}
}

func TestCommandMenu(t *testing.T) {
	h := newHarness(t)
	for _, lang := range []string{"kk", "ru"} {
		menu := h.core.CommandMenu(lang)
		var names []string
		for _, c := range menu {
			names = append(names, c.Name)
			if c.Description == "" {
				t.Errorf("%s: /%s has no description", lang, c.Name)
			}
		}
		want := []string{"start", "help", "article", "compare", "lang", "battle", "about", "privacy", "forget", "propose"}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("%s menu = %v, want %v", lang, names, want)
		}
	}
	if kk, ru := h.core.CommandMenu("kk")[0].Description, h.core.CommandMenu("ru")[0].Description; kk == ru {
		t.Errorf("kk and ru menus are the same: %q", kk)
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in   string
		name string
		args []string
		ok   bool
	}{
		{"/start", "start", nil, true},
		{"/Article@atazan_bot 17 2", "article", []string{"17", "2"}, true},
		{"  /lang   kk ", "lang", []string{"kk"}, true},
		{"/", "", nil, false},
		{"hello /start", "", nil, false},
	}
	for _, tt := range tests {
		name, args, ok := parseCommand(strings.TrimSpace(tt.in))
		if name != tt.name || ok != tt.ok || !reflect.DeepEqual(args, tt.args) && len(args)+len(tt.args) > 0 {
			t.Errorf("parseCommand(%q) = %q, %q, %v; want %q, %q, %v", tt.in, name, args, ok, tt.name, tt.args, tt.ok)
		}
	}
}

func TestArticleArgs(t *testing.T) {
	tests := []struct{ in, doc, article, point string }{
		{"17", "kz2026", "17", ""},
		{"17 2", "kz2026", "17", "2"},
		{"17.2", "kz2026", "17", "2"},
		{"83-1", "kz2026", "83-1", ""},
		{"ст. 17 п. 2", "kz2026", "17", "2"},
		{"17-бап 2-тармақ", "kz2026", "17", "2"},
		{"50 1995", "kz1995", "50", ""},
		{"kz1995 50 2", "kz1995", "50", "2"},
		{"50 (1995)", "kz1995", "50", ""},
		{"1995ж. 50-бап", "kz1995", "50", ""},
		{"17 2026", "kz2026", "17", ""},
		{"1234", "kz2026", "", ""},
		{"семнадцать", "kz2026", "", ""},
	}
	for _, tt := range tests {
		d, a, p := articleArgs(strings.Fields(tt.in))
		if d != tt.doc || a != tt.article || p != tt.point {
			t.Errorf("articleArgs(%q) = %q, %q, %q; want %q, %q, %q", tt.in, d, a, p, tt.doc, tt.article, tt.point)
		}
	}
}

func TestShortVersion(t *testing.T) {
	for in, want := range map[string]string{
		"20261124T174647.745684711Z-5e07e490": "5e07e490",
		"v1":                                  "v1",
		"odd-":                                "odd-",
	} {
		if got := shortVersion(in); got != want {
			t.Errorf("shortVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
