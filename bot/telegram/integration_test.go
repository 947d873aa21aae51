package telegram

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"atazan/bot/telegram/telegramtest"
	"atazan/corpus"
	"atazan/internal/testsupport"
)

// TestIntegrationEveryArticleReachesTelegram sends every article with
// numbered points of the official 2026 text, in both languages, as the
// "full article" button does, and checks that Telegram would accept every
// part and that the article arrives whole, from its heading to its last point.
func TestIntegrationEveryArticleReachesTelegram(t *testing.T) {
	h := startBot(t, testsupport.CorpusSource(t))
	doc := h.corpus.Document("kz2026")
	if doc == nil {
		t.Fatal("kz2026 was not imported")
	}
	type want struct {
		chat, heading, tail string
	}
	var wants []want
	for i, lang := range []corpus.Lang{corpus.RU, corpus.KK} {
		for _, a := range doc.Texts[lang].Articles() {
			if a.Repealed || len(a.Points) == 0 {
				continue
			}
			chat := int64(100000*(i+1)) + int64(len(wants))
			u := map[string]any{"callback_query": map[string]any{
				"id": "cb" + strconv.FormatInt(chat, 10), "from": map[string]any{"id": chat, "first_name": "A", "language_code": string(lang)},
				"message":       map[string]any{"message_id": 1, "date": 1, "chat": map[string]any{"id": chat, "type": "private"}, "text": "…"},
				"chat_instance": "ci", "data": "art:kz2026:" + a.Number,
			}}
			h.srv.Push(u)
			last := a.Points[len(a.Points)-1].Text
			last, _, _ = strings.Cut(last, "\n")
			heading := "Статья " + a.Number
			if lang == corpus.KK {
				heading = a.Number + "-бап"
			}
			wants = append(wants, want{chat: strconv.FormatInt(chat, 10), heading: heading, tail: escaper.Replace(prefix(last, 40))})
		}
	}
	longest := 0
	for _, w := range wants {
		h.waitText(t, w.chat, w.tail)
		parts := h.messages(w.chat)
		var all []string
		for _, p := range parts {
			if err := telegramtest.CheckText(p.text, "HTML"); err != nil {
				t.Errorf("chat %s: %v", w.chat, err)
			}
			all = append(all, p.text)
		}
		if joined := strings.Join(all, "\n\n"); !strings.Contains(joined, w.heading) {
			t.Errorf("chat %s: no %q in the article sent", w.chat, w.heading)
		}
		longest = max(longest, utf8.RuneCountInString(strings.Join(all, "")))
	}
	t.Logf("%d articles sent; the longest is %d characters", len(wants), longest)
}

func prefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
