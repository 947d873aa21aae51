package bot

import (
	"strings"
	"testing"

	"atazan/corpus"
)

func TestSmallTalk(t *testing.T) {
	tests := []struct {
		text string
		kind chat
		lang corpus.Lang
	}{
		{"салем", chatHello, corpus.KK},
		{"Сәлем!", chatHello, corpus.KK},
		{"sálem", chatHello, corpus.KK},
		{"Сәлеметсіз бе?", chatHello, corpus.KK},
		{"Қайырлы күн", chatHello, corpus.KK},
		{"Привет", chatHello, corpus.RU},
		{"добрый день!", chatHello, corpus.RU},
		{"hi", chatHello, ""},
		{"рахмет", chatThanks, corpus.KK},
		{"Рақмет сізге!", chatThanks, corpus.KK},
		{"rakhmet", chatThanks, corpus.KK},
		{"Спасибо большое", chatThanks, corpus.RU},
		{"спасибо, всё понятно", chatThanks, corpus.RU},
		{"сау болыңыз", chatBye, corpus.KK},
		{"до свидания", chatBye, corpus.RU},
		{"ок", chatAck, ""},
		{"OK", chatAck, ""},
		{"түсінікті", chatAck, corpus.KK},
		{"понятно", chatAck, corpus.RU},
		{"👍", chatAck, ""},
		{"🙏🏻", chatAck, ""},
		{"👍👍👍👍", notChat, ""},
		{"привет, что такое Курултай?", notChat, ""},
		{"Сәлем, Құрылтай деген не?", notChat, ""},
		{"а если мне 17?", notChat, ""},
		{"день", notChat, ""},
		{"всё", notChat, ""},
		{"🚀", notChat, ""},
		{"", notChat, ""},
	}
	for _, tt := range tests {
		kind, lang := smallTalk(tt.text)
		if kind != tt.kind || (kind != notChat && lang != tt.lang) {
			t.Errorf("smallTalk(%q) = %v, %q; want %v, %q", tt.text, kind, lang, tt.kind, tt.lang)
		}
	}
}

func TestSmallTalkIsAnsweredWithoutTheEngine(t *testing.T) {
	tests := []struct {
		name  string
		first string // a question before, "" for none
		text  string
		want  string
	}{
		{"greeting after a question is not a follow-up", "Можно ли работать по трудовому договору с шестнадцати лет?", "салем", "Конституция туралы сұрағыңызды"},
		{"russian greeting", "", "Привет!", "Задайте вопрос о Конституции"},
		{"kazakh thanks", "", "рақмет", "Оқасы жоқ"},
		{"russian thanks", "", "спасибо", "Пожалуйста"},
		{"goodbye", "", "сау бол", "Сау болыңыз"},
		{"emoji takes the chat's language", "Неше жастан жұмыс істеуге болады?", "👍", "Жарайды"},
		{"ok takes the chat's language", "Можно ли работать по трудовому договору с шестнадцати лет?", "ок", "Хорошо"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			asked := 0
			if tt.first != "" {
				h.send("u1", tt.first)
				asked = 1
			}
			out := h.send("u1", tt.text)
			if got := out.text(); !strings.Contains(got, tt.want) {
				t.Errorf("reply to %q lacks %q:\n%s", tt.text, tt.want, got)
			}
			if n := len(h.engine.asked()); n != asked {
				t.Errorf("engine asked %d times, want %d", n, asked)
			}
			if len(out.last().Actions) != 0 {
				t.Errorf("small talk has buttons: %+v", out.last().Actions)
			}
		})
	}
	// A greeting with a question is a question.
	h := newHarness(t)
	h.send("u1", "Привет, со скольки лет можно работать?")
	if n := len(h.engine.asked()); n != 1 {
		t.Errorf("greeting with a question: engine asked %d times, want 1", n)
	}
}
