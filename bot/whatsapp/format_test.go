package whatsapp

import (
	"strings"
	"testing"
	"unicode/utf8"

	"atazan/bot"
)

func TestRenderMarkup(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
		want  string
	}{{
		name: "bold citation and italic note",
		reply: bot.Reply{Paragraphs: []bot.Paragraph{
			{{Text: "Курултай — однопалатный парламент "}, {Text: "(ст. 50, п. 1)", Bold: true}, {Text: "."}},
			{{Text: "Это не юридическая консультация.", Italic: true}},
		}},
		want: "Курултай — однопалатный парламент *(ст. 50, п. 1)*.\n\n_Это не юридическая консультация._",
	}, {
		name:  "edge spaces go outside the markers",
		reply: bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "см."}, {Text: " 17-бап, 2-тармақ ", Bold: true}, {Text: "қараңыз"}}}},
		want:  "см. *17-бап, 2-тармақ* қараңыз",
	}, {
		name:  "bold over two lines is bold on each",
		reply: bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "Статья 1\nСтатья 2", Bold: true}}}},
		want:  "*Статья 1*\n*Статья 2*",
	}, {
		name:  "bold italic",
		reply: bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "важно", Bold: true, Italic: true}}}},
		want:  "*_важно_*",
	}, {
		name:  "markup characters in text cannot format",
		reply: bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "*не жирный* и _не курсив_ и ~нет~"}}}},
		want:  "∗не жирный∗ и ˍне курсивˍ и ∼нет∼",
	}, {
		name:  "links keep their underscores",
		reply: bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "источник: https://adilet.zan.kz/rus/docs/K950001000_ (текст_1)"}}}},
		want:  "источник: https://adilet.zan.kz/rus/docs/K950001000_ (текстˍ1)",
	}, {
		name:  "no HTML: tags are text",
		reply: bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "<b>ст. 1</b> & co"}}}},
		want:  "<b>ст. 1</b> & co",
	}, {
		name:  "code is monospace and keeps its stars",
		reply: bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "/import kz2026 *", Code: true}}}},
		want:  "```/import kz2026 *```",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(tt.reply, maxMessageRunes)
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("render =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestRenderSplits(t *testing.T) {
	para := func(n int, word string) bot.Paragraph {
		return bot.Paragraph{{Text: strings.TrimSpace(strings.Repeat(word+" ", n))}}
	}
	tests := []struct {
		name     string
		reply    bot.Reply
		limit    int
		messages int
	}{
		{"short answer is one message", bot.Reply{Paragraphs: []bot.Paragraph{para(5, "бап")}}, 100, 1},
		{"paragraphs split between messages", bot.Reply{Paragraphs: []bot.Paragraph{para(20, "бап"), para(20, "бап"), para(20, "бап")}}, 100, 3},
		{"two paragraphs fit together", bot.Reply{Paragraphs: []bot.Paragraph{para(10, "бап"), para(10, "бап")}}, 100, 1},
		{"one overlong paragraph splits at spaces", bot.Reply{Paragraphs: []bot.Paragraph{para(100, "тармақ")}}, 100, 8},
		{"one word longer than a message is cut", bot.Reply{Paragraphs: []bot.Paragraph{{{Text: strings.Repeat("ә", 250)}}}}, 100, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(tt.reply, tt.limit)
			if len(got) != tt.messages {
				t.Errorf("got %d messages, want %d: %q", len(got), tt.messages, got)
			}
			var words []string
			for _, m := range got {
				if n := utf8.RuneCountInString(m); n > tt.limit {
					t.Errorf("message of %d runes exceeds %d", n, tt.limit)
				}
				if !utf8.ValidString(m) {
					t.Errorf("message cut inside a rune: %q", m)
				}
				words = append(words, strings.Fields(m)...)
			}
			want := strings.Fields(tt.reply.Plain())
			if tt.name != "one word longer than a message is cut" && strings.Join(words, " ") != strings.Join(want, " ") {
				t.Errorf("words lost or changed in splitting")
			}
		})
	}
}

func TestRenderSplitKeepsBold(t *testing.T) {
	long := strings.Repeat("Азаматтығы бар адам. ", 10)
	got := render(bot.Reply{Paragraphs: []bot.Paragraph{{{Text: long, Bold: true}}}}, 60)
	for _, m := range got {
		if !strings.HasPrefix(m, "*") || !strings.HasSuffix(m, "*") || strings.Count(m, "*")%2 != 0 {
			t.Errorf("split broke the bold markup: %q", m)
		}
	}
}

func TestFollowupText(t *testing.T) {
	tests := []struct {
		name    string
		actions []bot.Action
		want    string
	}{{
		name:    "russian",
		actions: []bot.Action{{Label: "Вся статья", Data: "art:kz2026:17"}, {Label: "Сравнить с 1995", Data: "cmp:17"}},
		want:    "*1* — Вся статья\n*2* — Сравнить с 1995\n\n_Отправьте номер._",
	}, {
		name:    "kazakh cyrillic",
		actions: []bot.Action{{Label: "Толық бап", Data: "art:kz2026:17"}},
		want:    "*1* — Толық бап\n\n_Нөмірін жіберіңіз._",
	}, {
		name:    "kazakh latin",
		actions: []bot.Action{{Label: "Tolyq bap", Data: "art:kz2026:17"}},
		want:    "*1* — Tolyq bap\n\n_Nömirin jiberiñiz._",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := followupText(tt.actions); got != tt.want {
				t.Errorf("followupText =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
