package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"atazan/config"
	"atazan/corpus"
	"atazan/rag"
	"atazan/rag/answer"
)

func TestAnswerHasCitationsAndButtons(t *testing.T) {
	h := newHarness(t)
	out := h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?")
	r := out.last()
	if !strings.Contains(r.Plain(), "ст. 2, п. 2") || !strings.Contains(r.Plain(), "Источники: ст. 2, п. 2") {
		t.Errorf("answer lacks its citation:\n%s", r.Plain())
	}
	var boldCite bool
	for _, p := range r.Paragraphs {
		for _, s := range p {
			boldCite = boldCite || (s.Bold && s.Text == "ст. 2, п. 2")
		}
	}
	if !boldCite {
		t.Errorf("citation is not bold: %+v", r.Paragraphs)
	}
	for _, prefix := range []string{"art:kz2026:2", "cmp:2", "fb:up:", "fb:down:"} {
		if _, ok := action(r, prefix); !ok {
			t.Errorf("no %s button: %+v", prefix, r.Actions)
		}
	}
	if out.typing == 0 {
		t.Error("no typing action while answering")
	}
	// The buttons work.
	art, _ := action(r, "art:")
	if got := h.press("u1", art.Data).text(); !strings.Contains(got, "Трудиться по трудовому договору") {
		t.Errorf("article button: %s", got)
	}
	if got := h.press("u1", "art:kz1900:2").text(); !strings.Contains(got, "нет статьи 2") {
		t.Errorf("article of an unknown document: %s", got)
	}
	cmp, _ := action(r, "cmp:")
	if got := h.press("u1", cmp.Data).text(); !strings.Contains(got, "Конституция 1995 г.") {
		t.Errorf("compare button: %s", got)
	}
}

func TestAbstainHasNoArticleButtons(t *testing.T) {
	h := newHarness(t)
	r := h.send("u1", "Какая завтра погода в Алматы?").last()
	if _, ok := action(r, "art:"); ok {
		t.Errorf("abstain offers an article: %+v", r.Actions)
	}
	if _, ok := action(r, "fb:down:"); !ok {
		t.Errorf("abstain cannot be rated: %+v", r.Actions)
	}
}

func TestFollowUpsGetRecentTurns(t *testing.T) {
	h := newHarness(t, func(b *config.Bot) { b.HistoryTurns = 2 })
	h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?")
	h.send("u1", "А по договору?")
	h.restart() // turns are stored, not kept in memory
	h.send("u1", "А если мне 17?")
	q := h.engine.asked()
	hist := q[2].History
	if len(hist) != 2 || hist[0].Question != "Можно ли работать по трудовому договору с шестнадцати лет?" || hist[1].Question != "А по договору?" {
		t.Fatalf("history = %+v, want the two earlier questions, oldest first", hist)
	}
	if !strings.Contains(hist[0].Answer, "шестнадцати") {
		t.Errorf("history answer = %q", hist[0].Answer)
	}
	h.send("u1", "Четвёртый вопрос?")
	if hist := h.engine.asked()[3].History; len(hist) != 2 || hist[0].Question != "А по договору?" {
		t.Errorf("history not limited to the last 2 turns: %+v", hist)
	}
	// Another user, and the same user after a long pause, start afresh.
	h.send("u2", "А если мне 17?")
	if hist := h.engine.asked()[4].History; len(hist) != 0 {
		t.Errorf("another user's history leaked: %+v", hist)
	}
	h.clock.advance(2 * time.Hour)
	h.send("u1", "А если мне 17?")
	if hist := h.engine.asked()[5].History; len(hist) != 0 {
		t.Errorf("stale history used: %+v", hist)
	}
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t, func(b *config.Bot) { b.RatePerMinute = 2 })
	h.clock.t = h.clock.t.Truncate(time.Minute)
	for range 2 {
		h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?")
	}
	got := h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?").text()
	if !strings.Contains(got, "Подождите минуту") {
		t.Errorf("3rd question in a minute: %s", got)
	}
	if n := len(h.engine.asked()); n != 2 {
		t.Errorf("engine asked %d times, want 2", n)
	}
	if got := h.send("u2", "Можно ли работать по трудовому договору с шестнадцати лет?").text(); strings.Contains(got, "Подождите") {
		t.Errorf("another user was limited")
	}
	if got := h.send("u1", "/article 2").text(); !strings.Contains(got, "Статья 2") {
		t.Errorf("commands are limited too: %s", got)
	}
	h.clock.advance(time.Minute)
	if got := h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?").text(); strings.Contains(got, "Подождите") {
		t.Errorf("still limited a minute later")
	}
}

func TestMessagesThatAreNotQuestions(t *testing.T) {
	tests := []struct {
		name string
		in   Incoming
		want string
	}{
		{"sticker", Incoming{NonText: "sticker"}, "понимаю только текст"},
		{"voice", Incoming{NonText: "voice"}, "понимаю только текст"},
		{"file from a non-admin", Incoming{NonText: "document", File: &File{Name: "x.pdf", Size: 10}}, "понимаю только текст"},
		{"binary", Incoming{Text: "PK\x03\x04\x00\x00\x08\x00binary"}, "Не получилось прочитать"},
		{"invalid utf-8", Incoming{Text: "вопрос \xff\xfe"}, "Не получилось прочитать"},
		{"only symbols", Incoming{Text: "?!?!"}, "Не получилось прочитать"},
		{"too long", Incoming{Text: strings.Repeat("Можно ли работать? ", 100)}, "до 1000 символов"},
		{"huge", Incoming{Text: strings.Repeat("я", 1<<20)}, "до 1000 символов"},
		{"empty mention", Incoming{Text: "@atazan_bot", Mentioned: true, IsGroup: true}, "Напишите вопрос"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			in := tt.in
			in.Platform, in.ChatID, in.UserID = Telegram, "u1", "u1"
			if tt.in.File != nil {
				in.File.Open = func() ([]byte, error) {
					t.Error("a non-admin's file was downloaded")
					return nil, nil
				}
			}
			if got := h.handle(in).text(); !strings.Contains(got, tt.want) {
				t.Errorf("reply %q, want it to contain %q", got, tt.want)
			}
			if len(h.engine.asked()) != 0 {
				t.Errorf("engine was asked")
			}
		})
	}
}

func TestEngineFailureIsAnsweredPolitely(t *testing.T) {
	h := newHarness(t)
	h.engine.fail = true
	if got := h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?").text(); !strings.Contains(got, "что-то пошло не так") {
		t.Errorf("reply on engine failure: %s", got)
	}
}

func TestStreamingEditsAtMostOncePerSecond(t *testing.T) {
	h := newHarness(t)
	var words []string
	for i := range 20 {
		words = append(words, strings.Repeat("слово ", i+1))
	}
	h.engine.stream = words
	h.engine.onPartial = func() { h.clock.advance(250 * time.Millisecond) } // 20 partials over 5 s
	out := &recorder{canEdit: true}
	if err := h.core.Handle(context.Background(), Incoming{Platform: Telegram, ChatID: "u1", UserID: "u1", Text: "Можно ли работать по трудовому договору с шестнадцати лет?"}, out); err != nil {
		t.Fatal(err)
	}
	ev := out.all()
	var sends, edits int
	for _, e := range ev {
		if e.edit {
			edits++
			if e.id != ev[0].id {
				t.Errorf("edit of message %s, want %s", e.id, ev[0].id)
			}
		} else {
			sends++
		}
	}
	if sends != 1 {
		t.Errorf("%d messages sent, want 1 edited in place", sends)
	}
	// 5 s of streaming: at most one edit a second, plus the final answer.
	if edits < 2 || edits > 6 {
		t.Errorf("%d edits, want 2..6 (≤ 1/s + final)", edits)
	}
	if final := ev[len(ev)-1]; !final.edit || !strings.Contains(final.reply.Plain(), "Источники") || len(final.reply.Actions) == 0 {
		t.Errorf("the final edit is not the full answer: %+v", final)
	}
	// Only the answer is final: an adapter records the question answered
	// with it, never with a draft.
	for i, e := range ev {
		if e.reply.Final != (i == len(ev)-1) {
			t.Errorf("event %d of %d: Final = %v", i+1, len(ev), e.reply.Final)
		}
	}

	// A messenger that cannot edit gets one message.
	plain := &recorder{}
	h.core.Handle(context.Background(), Incoming{Platform: WhatsApp, ChatID: "w", UserID: "w", Text: "Можно ли работать по трудовому договору с шестнадцати лет?"}, plain)
	if ev := plain.all(); len(ev) != 1 || ev[0].edit || !ev[0].reply.Final {
		t.Errorf("non-editing responder got %+v, want one final reply", ev)
	}
}

func TestForwardedQuestionIsQuoted(t *testing.T) {
	h := newHarness(t)
	out := h.handle(Incoming{Platform: Telegram, ChatID: "v", UserID: "v", Text: "Можно ли работать по трудовому договору с шестнадцати лет?", IsForwarded: true, ForwardedFrom: "Айгерим"})
	r := out.last()
	if first := r.Paragraphs[0]; len(first) != 1 || !first[0].Italic || !strings.Contains(first[0].Text, "«Можно ли работать по трудовому договору с шестнадцати лет?»") {
		t.Errorf("forwarded answer does not start with the question: %+v", r.Paragraphs[0])
	}
	if !strings.HasPrefix(r.ShareText, "Вопрос: «Можно ли работать") || strings.Contains(r.ShareText, "Айгерим") {
		t.Errorf("share text = %q", r.ShareText)
	}
	if q := h.engine.asked(); q[0].Text != "Можно ли работать по трудовому договору с шестнадцати лет?" {
		t.Errorf("engine asked %q", q[0].Text)
	}
}

func TestMentionUnderSomeonesQuestion(t *testing.T) {
	h := newHarness(t)
	h.handle(Incoming{Platform: Telegram, ChatID: "g", UserID: "v", IsGroup: true, Mentioned: true,
		Text: "@atazan_bot", ReplyTo: "Можно ли работать по трудовому договору с шестнадцати лет?"})
	if q := h.engine.asked(); len(q) != 1 || q[0].Text != "Можно ли работать по трудовому договору с шестнадцати лет?" {
		t.Errorf("engine asked %+v, want the replied-to question", q)
	}
	h.handle(Incoming{Platform: Telegram, ChatID: "g", UserID: "v", IsGroup: true, Mentioned: true, Text: "@atazan_bot что такое Курултай?"})
	if q := h.engine.asked(); q[1].Text != "что такое Курултай?" {
		t.Errorf("mention not stripped: %q", q[1].Text)
	}
}

func TestShouldAnswer(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name string
		in   Incoming
		want bool
	}{
		{"private", Incoming{Text: "вопрос"}, true},
		{"group chatter", Incoming{IsGroup: true, Text: "привет всем"}, false},
		{"group mention", Incoming{IsGroup: true, Mentioned: true, Text: "@bot вопрос"}, true},
		{"group reply to bot", Incoming{IsGroup: true, ReplyToBot: true, Text: "а если 17?"}, true},
		{"group command", Incoming{IsGroup: true, Text: "/article 17"}, true},
		{"group button", Incoming{IsGroup: true, Callback: "fb:up:x"}, true},
		{"group sticker", Incoming{IsGroup: true, NonText: "sticker"}, false},
	}
	for _, tt := range tests {
		if got := h.core.ShouldAnswer(tt.in); got != tt.want {
			t.Errorf("%s: ShouldAnswer = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestInlineCards(t *testing.T) {
	h := newHarness(t)
	cards, err := h.core.Inline(context.Background(), Incoming{Platform: Telegram, UserID: "v", Text: "Можно ли работать по трудовому договору с шестнадцати лет?"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 2 {
		t.Fatalf("%d cards, want the answer and article 2: %+v", len(cards), cards)
	}
	if c := cards[0]; c.Title == "" || c.Description != "ст. 2, п. 2" || !strings.Contains(c.Reply.Plain(), "шестнадцати") || len(c.Reply.Actions) != 0 {
		t.Errorf("answer card = %+v", c)
	}
	if c := cards[1]; c.Title != "Статья 2" || !strings.Contains(c.Reply.Plain(), "Каждый имеет право") || c.ID == cards[0].ID {
		t.Errorf("article card = %+v", c)
	}
	if empty, _ := h.core.Inline(context.Background(), Incoming{Platform: Telegram, UserID: "v", Text: "  "}); len(empty) != 0 {
		t.Errorf("empty inline query gave %d cards", len(empty))
	}
	if hello, _ := h.core.Inline(context.Background(), Incoming{Platform: Telegram, UserID: "v", Text: "привет"}); len(hello) != 0 {
		t.Errorf("inline greeting gave %d cards", len(hello))
	}
}

func TestFeedbackIsStoredWithTheAnswer(t *testing.T) {
	h := newHarness(t)
	r := h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?").last()
	down, _ := action(r, "fb:down:")
	if got := h.press("u1", down.Data).text(); !strings.Contains(got, "Спасибо") {
		t.Errorf("vote reply: %s", got)
	}
	h.restart()
	rows, err := h.store.Feedback(context.Background())
	if err != nil || len(rows) != 1 {
		t.Fatalf("feedback = %+v, %v", rows, err)
	}
	f := rows[0]
	if f.Vote != -1 || f.Answer.Question != "Можно ли работать по трудовому договору с шестнадцати лет?" || !strings.Contains(f.Answer.Text, "шестнадцати") ||
		strings.Join(f.Answer.Sources, ",") != "kz2026/2/2" {
		t.Errorf("stored feedback = %+v", f)
	}
	if got := h.press("u1", "fb:up:doesnotexist").text(); !strings.Contains(got, "удалён") {
		t.Errorf("vote on an unknown answer: %s", got)
	}
}

func TestRenderAnswer(t *testing.T) {
	h := newHarness(t)
	ref := corpus.Ref{Doc: "kz2026", Article: "3", Point: "1"}
	old := corpus.Ref{Doc: "kz1995", Article: "3"}
	a := &rag.Answer{Result: answer.Result{
		Lang: corpus.KK, Mode: answer.ModeLLM,
		Lead:    "Құрылтай – парламент.",
		Body:    "Құрылтай бір палаталы (3-бап, 1-тармақ).\n\nБұрын екі палата болған (1995 ж. Конституция, 3-бап).",
		Sources: []corpus.Ref{ref, old},
		Note:    "Бұл заң кеңесі емес.",
	}}
	r := h.core.renderAnswer(a, "id1")
	var bold []string
	for _, p := range r.Paragraphs {
		for _, s := range p {
			if s.Bold {
				bold = append(bold, s.Text)
			}
		}
	}
	want := []string{"3-бап, 1-тармақ", "1995 ж. Конституция, 3-бап", "3-бап, 1-тармақ", "1995 ж. Конституция, 3-бап"}
	if strings.Join(bold, "|") != strings.Join(want, "|") {
		t.Errorf("bold spans = %q, want %q", bold, want)
	}
	if !strings.Contains(r.Plain(), "Дереккөздер: 3-бап, 1-тармақ; 1995 ж. Конституция, 3-бап") {
		t.Errorf("sources line:\n%s", r.Plain())
	}
	var labels []string
	for _, a := range r.Actions {
		labels = append(labels, a.Label+"="+a.Data)
	}
	if got := strings.Join(labels, " "); got != "📖 3-бап=art:kz2026:3 🔁 1995 жылы қалай болған=cmp:3 ✍️ Ұсыныс=prop:new:kk:3 👍=fb:up:id1 👎=fb:down:id1" {
		t.Errorf("actions = %s", got)
	}
	if r.ShareText != r.Plain() {
		t.Errorf("share text differs from the reply")
	}
}

// TestRenderLatinAnswer: an answer to a Latin-script Kazakh question is
// in Latin script to the end, its source line and quote labels included;
// the quotes stay in the official Cyrillic.
func TestRenderLatinAnswer(t *testing.T) {
	h := newHarness(t)
	ref := corpus.Ref{Doc: "kz2026", Article: "3", Point: "1"}
	a := &rag.Answer{Result: answer.Result{
		Lang: corpus.KK, Mode: answer.ModeExtractive, Latin: true,
		Lead:    "Qūryltai – bır palataly parlament (3-bap, 1-tarmaq).",
		Quotes:  []answer.Quote{{Ref: ref, Text: "Құрылтай – бір палаталы парламент."}},
		Sources: []corpus.Ref{ref},
	}}
	plain := h.core.renderAnswer(a, "id1").Plain()
	for _, want := range []string{"Derekközder: 3-bap, 1-tarmaq", "3-bap, 1-tarmaq: «Құрылтай"} {
		if !strings.Contains(plain, want) {
			t.Errorf("Latin answer lacks %q:\n%s", want, plain)
		}
	}
}

func TestCiteSpans(t *testing.T) {
	tests := []struct {
		in   string
		bold []string
	}{
		{"По ст. 17, п. 2 и ст. 83-1 так.", []string{"ст. 17, п. 2", "ст. 83-1"}},
		{"Конституция 1995 г., ст. 51 говорила иначе", []string{"Конституция 1995 г., ст. 51"}},
		{"17-бап, 2-тармақ бойынша", []string{"17-бап, 2-тармақ"}},
		{"See Art. 17(2).", []string{"Art. 17(2)"}},
		{"Без ссылок.", nil},
	}
	for _, tt := range tests {
		p := citeSpans(tt.in)
		var text string
		var bold []string
		for _, s := range p {
			text += s.Text
			if s.Bold {
				bold = append(bold, s.Text)
			}
		}
		if text != tt.in || strings.Join(bold, "|") != strings.Join(tt.bold, "|") {
			t.Errorf("citeSpans(%q): text %q, bold %q; want bold %q", tt.in, text, bold, tt.bold)
		}
	}
}

func TestCheckedSpans(t *testing.T) {
	sources := []corpus.Ref{{Doc: "kz2026", Article: "17", Point: "3"}, {Doc: "kz2026", Article: "43"}, {Doc: "kz1995", Article: "15", Point: "2"}}
	tests := []struct {
		in   string
		lang corpus.Lang
		bold []string
	}{
		{"Казнь запрещена (ст. 17, п. 3).", corpus.RU, []string{"ст. 17, п. 3"}},
		{"Было иначе (Конституция 1995 г., ст. 15, п. 2; ст. 17, п. 3).", corpus.RU, []string{"Конституция 1995 г., ст. 15, п. 2", "ст. 17, п. 3"}},
		{"Тыйым салынады (17-бап, 3-тармақ).", corpus.KK, []string{"17-бап, 3-тармақ"}},
		// What the model wrote itself is plain, even when it looks like a citation.
		{"Так говорят ст.ст. 97 и Art. 96 (ст. 43).", corpus.RU, []string{"ст. 43"}},
		{"По ст. 17, п. 3 казнь запрещена.", corpus.RU, nil},
		{"Казнь запрещена (ст. 99).", corpus.RU, nil},
		{"Казнь запрещена (ст. 17, п. 3; ст. 99).", corpus.RU, nil},
		{"Казнь (высшая мера) запрещена.", corpus.RU, nil},
	}
	for _, tt := range tests {
		var text string
		var bold []string
		for _, s := range checkedSpans(tt.in, sources, tt.lang) {
			text += s.Text
			if s.Bold {
				bold = append(bold, s.Text)
			}
		}
		if text != tt.in || strings.Join(bold, "|") != strings.Join(tt.bold, "|") {
			t.Errorf("checkedSpans(%q): text %q, bold %q; want bold %q", tt.in, text, bold, tt.bold)
		}
	}
}

// BenchmarkHandleQuestion measures what the core adds around the engine
// per question: language, rate limit, history, storing the answer, rendering.
func BenchmarkHandleQuestion(b *testing.B) {
	h := newHarness(b)
	in := Incoming{Platform: Telegram, ChatID: "u1", UserID: "u1", Text: "Можно ли работать по трудовому договору с шестнадцати лет?"}
	for b.Loop() {
		if err := h.core.Handle(context.Background(), in, &recorder{}); err != nil {
			b.Fatal(err)
		}
	}
}
