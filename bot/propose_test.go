package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"atazan/bot/proposals"
	"atazan/bot/store"
	"atazan/config"
	"atazan/corpus"
)

// proposalsOf lists every stored proposal of kz2026.
func (h *harness) proposalsOf(status ...string) []store.Proposal {
	h.t.Helper()
	ps, err := h.store.Proposals(context.Background(), store.ProposalFilter{Doc: "kz2026", Status: status})
	if err != nil {
		h.t.Fatal(err)
	}
	return ps
}

func mustAction(t *testing.T, r Reply, data string) {
	t.Helper()
	if _, ok := action(r, data); !ok {
		t.Fatalf("no %q button in %q (%v)", data, r.Plain(), r.Actions)
	}
}

func TestProposeFlow(t *testing.T) {
	h := newHarness(t)

	// The button under an article starts a proposal on it, in the
	// article's language.
	out := h.send("u1", "/article 3 2")
	a, ok := action(out.last(), "prop:new:")
	if !ok || a.Data != "prop:new:ru:3:2" || a.Label != "✍️ Предложить" {
		t.Fatalf("article buttons = %v", out.last().Actions)
	}
	out = h.press("u1", a.Data)
	if !strings.Contains(out.text(), "ст. 3, п. 2") || !strings.Contains(out.text(), "до 2000 символов") {
		t.Fatalf("first step = %q", out.text())
	}
	mustAction(t, out.last(), "prop:skip")
	mustAction(t, out.last(), "prop:cancel")

	// Bad input keeps the step: a sticker, binary text, too long a text.
	out = h.handle(Incoming{Platform: Telegram, ChatID: "u1", UserID: "u1", NonText: "sticker"})
	if !strings.Contains(out.text(), "только текст") || !strings.Contains(out.text(), "новая редакция") {
		t.Errorf("sticker in a draft: %q", out.text())
	}
	opened := false
	out = h.handle(Incoming{Platform: Telegram, ChatID: "u1", UserID: "u1", NonText: "document",
		File: &File{Name: "x.docx", Size: 10, Open: func() ([]byte, error) { opened = true; return nil, nil }}})
	if opened || !strings.Contains(out.text(), "без файлов") {
		t.Errorf("file in a draft: opened %v, reply %q", opened, out.text())
	}
	if out = h.send("u1", "PK\x03\x04\x00 binary"); !strings.Contains(out.text(), "Не получилось прочитать") {
		t.Errorf("binary in a draft: %q", out.text())
	}
	if out = h.send("u1", strings.Repeat("слово ", 400)); !strings.Contains(out.text(), "до 2000 символов, у вас 2399") {
		t.Errorf("too long: %q", out.text())
	}
	if n := len(h.engine.asked()); n != 0 {
		t.Errorf("the engine was asked %d questions during a draft", n)
	}

	// The wording, then a restart: the draft survives in the database.
	h.send("u1", "Курултай принимает законы,\nутверждает бюджет и отчёт о его исполнении.")
	h.restart()
	out = h.send("u1", "Нужен контроль исполнения бюджета.")
	r := out.last()
	if !strings.Contains(r.Plain(), "Проверьте предложение") || !strings.Contains(r.Plain(), "отчёт о его исполнении") ||
		!strings.Contains(r.Plain(), "Нужен контроль") {
		t.Fatalf("preview = %q", r.Plain())
	}
	mustAction(t, r, "prop:send")
	// Text at the preview shows the preview again; nothing is sent.
	if out = h.send("u1", "ещё"); !strings.Contains(out.text(), "Проверьте предложение") || len(h.proposalsOf()) != 0 {
		t.Errorf("text at the preview: %q", out.text())
	}
	out = h.press("u1", "prop:send")
	ps := h.proposalsOf()
	if len(ps) != 1 {
		t.Fatalf("stored %d proposals, want 1", len(ps))
	}
	p := ps[0]
	if !strings.Contains(out.text(), "№ "+p.ID) || p.Article != "3" || p.Point != "2" || p.Lang != "ru" || p.Status != store.ProposalNew ||
		p.Wording != "Курултай принимает законы,\nутверждает бюджет и отчёт о его исполнении." || p.Justification != "Нужен контроль исполнения бюджета." ||
		p.Version != h.corpus.Document("kz2026").Version.ID || !p.Created.Equal(h.clock.now()) || strings.Contains(p.Author, "u1") {
		t.Errorf("stored %+v after %q", p, out.text())
	}
	// The draft is gone: the same button again says so, and the next
	// message is a question again.
	if out = h.press("u1", "prop:send"); !strings.Contains(out.text(), "уже нет") {
		t.Errorf("second send: %q", out.text())
	}
	h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?")
	if n := len(h.engine.asked()); n != 1 {
		t.Errorf("after the proposal the engine was asked %d questions, want 1", n)
	}

	// /propose with the text inline, in Kazakh; the justification skipped.
	h.clock.advance(time.Minute)
	out = h.send("u2", "/propose 2.1 Әркімнің еңбек ету және демалу құқығы бар.")
	if !strings.Contains(out.text(), "негіздеңіз") {
		t.Fatalf("inline wording, next step = %q", out.text())
	}
	out = h.press("u2", "prop:skip")
	if !strings.Contains(out.text(), "(көрсетілмеген)") {
		t.Errorf("preview with no justification = %q", out.text())
	}
	h.press("u2", "prop:send")
	if ps := h.proposalsOf(); len(ps) != 2 || ps[1].Lang != "kk" || ps[1].Point != "1" || ps[1].Justification != "" {
		t.Errorf("Kazakh proposal = %+v", ps[len(ps)-1])
	}

	// Both steps skipped: nothing to send.
	h.send("u3", "/propose 1")
	h.press("u3", "prop:skip")
	h.press("u3", "prop:skip")
	if out = h.press("u3", "prop:send"); !strings.Contains(out.text(), "Нечего отправлять") || len(h.proposalsOf()) != 2 {
		t.Errorf("empty proposal: %q", out.text())
	}

	// Cancel by button and by /cancel.
	h.send("u3", "/propose 1")
	if out = h.press("u3", "prop:cancel"); !strings.Contains(out.text(), "отменено") {
		t.Errorf("cancel: %q", out.text())
	}
	h.send("u3", "/propose 1")
	if out = h.send("u3", "/cancel"); !strings.Contains(out.text(), "отменено") {
		t.Errorf("/cancel: %q", out.text())
	}
	if out = h.send("u3", "/cancel"); !strings.Contains(out.text(), "уже нет") {
		t.Errorf("/cancel with nothing to cancel: %q", out.text())
	}

	// A draft left alone for too long is dropped; the message is a question.
	h.send("u3", "/propose 1")
	h.clock.advance(2 * time.Hour)
	h.send("u3", "Что такое Курултай?")
	if n := len(h.engine.asked()); n != 2 {
		t.Errorf("after an expired draft the engine was asked %d questions, want 2", n)
	}

	// Bad targets.
	for _, tc := range []struct{ text, want string }{
		{"/propose", "укажите статью"},
		{"/propose сорок", "укажите статью"},
		{"/propose 99", "нет статьи 99"},
		{"/propose 3.7", "нет пункта 7"},
	} {
		if out := h.send("u4", tc.text); !strings.Contains(out.text(), tc.want) {
			t.Errorf("%s: %q, want %q", tc.text, out.text(), tc.want)
		}
	}
	if out = h.send("u4", "/propose 3 "+strings.Repeat("я", 2001)); !strings.Contains(out.text(), "у вас 2001") {
		t.Errorf("too long inline: %q", out.text())
	}
}

func TestProposeDraftRateLimit(t *testing.T) {
	h := newHarness(t, func(b *config.Bot) { b.RatePerMinute = 2 })
	h.send("u1", "/propose 1")
	h.send("u1", "раз")
	h.send("u1", "два")
	h.send("u1", "/propose 1")
	if out := h.send("u1", "три"); !strings.Contains(out.text(), "Подождите минуту") {
		t.Errorf("third draft message in a minute: %q", out.text())
	}
	h.clock.advance(time.Minute)
	if out := h.send("u1", "три"); !strings.Contains(out.text(), "обоснуйте") {
		t.Errorf("a minute later: %q", out.text())
	}
}

func TestProposeDailyLimit(t *testing.T) {
	h := newHarness(t)
	per := proposals.DefaultLimits().PerDay
	for i := range per + 1 {
		h.send("u1", fmt.Sprintf("/propose 1 Редакция номер %d", i))
		h.press("u1", "prop:skip")
		out := h.press("u1", "prop:send")
		if i == per && !strings.Contains(out.text(), fmt.Sprintf("не больше %d", per)) {
			t.Errorf("proposal %d over the limit: %q", i+1, out.text())
		}
		h.clock.advance(time.Minute)
	}
	if n := len(h.proposalsOf()); n != per {
		t.Fatalf("stored %d, want the limit %d", n, per)
	}
	// Another user is not limited; the same user is again a day later.
	h.send("u2", "/propose 1 Другая")
	h.press("u2", "prop:skip")
	h.press("u2", "prop:send")
	h.clock.advance(24 * time.Hour)
	h.send("u1", "/propose 1 Завтрашняя")
	h.press("u1", "prop:skip")
	h.press("u1", "prop:send")
	if n := len(h.proposalsOf()); n != per+2 {
		t.Errorf("stored %d, want %d", n, per+2)
	}
}

// propose sends one complete proposal from user.
func (h *harness) propose(user, target, wording, justification string) {
	h.t.Helper()
	h.send(user, "/propose "+target+" "+wording)
	if justification == "" {
		h.press(user, "prop:skip")
	} else {
		h.send(user, justification)
	}
	if out := h.press(user, "prop:send"); !strings.Contains(out.text(), "№") {
		h.t.Fatalf("proposal of %s not sent: %q", user, out.text())
	}
	h.clock.advance(time.Minute)
}

func TestModerationExportForget(t *testing.T) {
	h := newHarness(t)
	h.propose("u1", "3.2", "Курултай принимает законы и утверждает бюджет страны.", "Ясность.")
	h.propose("u2", "3.2", "Курултай утверждает бюджет страны и принимает законы", "Так понятнее.")
	h.propose("u3", "3.2", "Отменить утверждение бюджета Курултаем совсем", "")
	h.propose("u4", "2", "Каждый имеет право на отдых.", "Отдых важен.")
	h.propose("u5", "3.2", "Курултай принимает законы и утверждает бюджет страны!", "")

	// Non-admins see no moderation at all.
	if out := h.send("u1", "/proposals"); !strings.Contains(out.text(), "Не знаю такой команды") {
		t.Errorf("non-admin /proposals: %q", out.text())
	}
	if out := h.press("u1", "pmod:acc:x"); len(out.all()) != 0 {
		t.Errorf("non-admin button answered: %q", out.text())
	}

	out := h.send(admin, "/proposals")
	ev := out.all()
	if len(ev) != 4 || !strings.Contains(ev[0].reply.Plain(), "Новые предложения: 5, групп похожих: 3") {
		t.Fatalf("moderation list: %d messages, first %q", len(ev), ev[0].reply.Plain())
	}
	first := ev[1].reply
	if !strings.Contains(first.Plain(), "ст. 3, п. 2 · предложений: 3") {
		t.Errorf("first group = %q", first.Plain())
	}
	if _, ok := action(first, "pmod:dup:"); ok {
		t.Error("a duplicate button with nothing accepted yet")
	}
	acc, _ := action(first, "pmod:acc:")
	if out := h.press(admin, acc.Data); !strings.Contains(out.text(), "поддержавших: 3") {
		t.Errorf("accept: %q", out.text())
	}
	if out := h.press(admin, acc.Data); !strings.Contains(out.text(), "уже рассмотрены") {
		t.Errorf("accept twice: %q", out.text())
	}

	// The article filter; the remaining 3.2 group can now be marked as a
	// duplicate of the accepted one.
	out = h.send(admin, "/proposals 3")
	ev = out.all()
	if len(ev) != 2 || !strings.Contains(ev[0].reply.Plain(), "Новые предложения: 1") {
		t.Fatalf("/proposals 3: %d messages", len(ev))
	}
	dup, ok := action(ev[1].reply, "pmod:dup:")
	if !ok {
		t.Fatalf("no duplicate button: %v", ev[1].reply.Actions)
	}
	if out := h.press(admin, dup.Data); !strings.Contains(out.text(), "Отмечено как поддержка") {
		t.Errorf("duplicate: %q", out.text())
	}
	out = h.send(admin, "/proposals")
	rej, _ := action(out.all()[1].reply, "pmod:rej:")
	if out := h.press(admin, rej.Data); !strings.Contains(out.text(), "Отклонено предложений: 1") {
		t.Errorf("reject: %q", out.text())
	}
	if out := h.send(admin, "/proposals"); !strings.Contains(out.text(), "Новых предложений нет") {
		t.Errorf("after moderation: %q", out.text())
	}
	if n := len(h.proposalsOf(store.ProposalAccepted)); n != 1 {
		t.Errorf("%d accepted, want 1", n)
	}
	lead := h.proposalsOf(store.ProposalAccepted)[0]
	if out := h.send(admin, "/proposals note "+lead.ID+" передать в рабочую группу"); !strings.Contains(out.text(), "Заметка сохранена") {
		t.Errorf("note: %q", out.text())
	}
	if p, _ := h.store.Proposal(context.Background(), lead.ID); p.Note != "передать в рабочую группу" || p.DecidedBy != "tg:"+admin {
		t.Errorf("noted proposal = %+v", p)
	}

	// The table in each format.
	out = h.send(admin, "/export proposals csv")
	doc := out.last().Document
	if doc == nil || !strings.HasSuffix(doc.Name, ".csv") || !strings.Contains(out.text(), "строк 1, предложений 1") {
		t.Fatalf("CSV export: %q, %+v", out.text(), doc)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(doc.Data, []byte("\ufeff")))).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][1] != "ст. 3, п. 2" || recs[1][5] != "4" || recs[1][7] != lead.ID {
		t.Errorf("CSV = %q, %v", recs, err)
	}
	out = h.send(admin, "/export proposals 3 docx kk")
	doc = out.last().Document
	if doc == nil || doc.Name != "proposals-kz2026-3-2026-11-24.docx" {
		t.Fatalf("DOCX export: %q, %+v", out.text(), doc)
	}
	lines, err := corpus.DocxParagraphs(doc.Data)
	if err != nil || !slices.Contains(lines, "3-бап, 2-тармақ") || !slices.Contains(lines, "Құрылтай заңдар қабылдайды және бюджетті бекітеді.") {
		t.Errorf("DOCX paragraphs = %q, %v", lines, err)
	}
	out = h.send(admin, "/export proposals html")
	if doc = out.last().Document; doc == nil || !bytes.Contains(doc.Data, []byte("<table>")) {
		t.Errorf("HTML export: %q", out.text())
	}
	if out = h.send(admin, "/export proposals 1"); !strings.Contains(out.text(), "таблица пуста") || out.last().Document != nil {
		t.Errorf("empty export: %q", out.text())
	}
	if out = h.send(admin, "/export proposals pdf"); !strings.Contains(out.text(), "docx|csv|html") {
		t.Errorf("bad format: %q", out.text())
	}

	// /stats counts by article and by day.
	out = h.send(admin, "/stats")
	if s := out.text(); !strings.Contains(s, "Предложения граждан за 7 дней: 5") || !strings.Contains(s, "ст. 3: 4, ст. 2: 1") ||
		!strings.Contains(s, "24.11: 5") || !strings.Contains(s, "Ждут решения: 0") {
		t.Errorf("stats = %q", s)
	}

	// /forget removes the lead's author's proposals; those that supported
	// it are back for moderation, and the table no longer has them.
	if out := h.send("u1", "/forget"); !strings.Contains(out.text(), "предложения к статьям тоже удалены") {
		t.Errorf("forget: %q", out.text())
	}
	if n := len(h.proposalsOf()); n != 4 {
		t.Errorf("%d proposals after u1 forgot, want 4", n)
	}
	if n := len(h.proposalsOf(store.ProposalNew)); n != 3 {
		t.Errorf("%d new after u1 forgot, want the 3 supporters back", n)
	}
	if out := h.send(admin, "/export proposals"); !strings.Contains(out.text(), "таблица пуста") {
		t.Errorf("export after forget: %q", out.text())
	}
}

func TestProposeButtonUnderAnswer(t *testing.T) {
	h := newHarness(t)
	out := h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?")
	a, ok := action(out.last(), "prop:new:")
	if !ok || a.Data != "prop:new:ru:2" {
		t.Fatalf("answer buttons = %v", out.last().Actions)
	}
	if out := h.press("u1", a.Data); !strings.Contains(out.text(), "ст. 2.") {
		t.Errorf("proposal from an answer: %q", out.text())
	}
	// In a group, the draft belongs to its author in that chat only.
	in := Incoming{Platform: Telegram, ChatID: "g1", UserID: "u1", IsGroup: true, ReplyToBot: true, Text: "Редакция в группе"}
	h.handle(Incoming{Platform: Telegram, ChatID: "g1", UserID: "u1", IsGroup: true, Callback: a.Data})
	other := in
	other.UserID = "u2"
	other.Text = "Что такое Курултай?"
	h.handle(other)
	if n := len(h.engine.asked()); n != 2 {
		t.Errorf("another member's message went to the draft (engine asked %d)", n)
	}
	if out := h.handle(in); !strings.Contains(out.text(), "обоснуйте") {
		t.Errorf("author's reply in the group: %q", out.text())
	}
}

// BenchmarkDraftCheck is what every message pays for proposals: looking
// for a draft in its chat (SQLite), when there is none.
func BenchmarkDraftCheck(b *testing.B) {
	h := newHarness(b)
	in := Incoming{Platform: Telegram, ChatID: "u1", UserID: "u1", Text: "Можно ли работать по трудовому договору с шестнадцати лет?"}
	for b.Loop() {
		if handled, err := h.core.proposalInput(context.Background(), in, &recorder{}); handled || err != nil {
			b.Fatal(handled, err)
		}
	}
}
