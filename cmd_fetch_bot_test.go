package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"atazan/bot"
	"atazan/corpus"
	"atazan/corpus/adilet/adilettest"
)

// TestAskFetchesOnFirstRun: with no local corpus and the official source
// at a local server, "atazan ask" on an empty data dir fetches, imports
// and answers with citations; the next run uses what it stored.
func TestAskFetchesOnFirstRun(t *testing.T) {
	src := adilettest.NewServer(t)
	src.Set(t, "kz2026", corpus.RU, adilettest.OfficialDOCX(t, corpus.RU))
	src.Set(t, "kz2026", corpus.KK, adilettest.OfficialDOCX(t, corpus.KK))
	vars := fetchEnv(t, src.URL) // kz1995 is not on the server

	code, stdout, stderr := runAtazan(t, vars, "ask", "Что говорит статья 53 Конституции?")
	if code != 0 {
		t.Fatalf("ask: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "No local corpus found (ATAZAN_CORPUS_SRC); fetching the official texts from "+src.URL) ||
		!strings.Contains(stderr, "kz1995 ru from "+src.TextURL(t, "kz1995", corpus.RU)+": the server answered 404") ||
		!strings.Contains(stderr, "kz2026: activated version") {
		t.Errorf("the first run does not say what it fetched and what failed:\n%s", stderr)
	}
	if !strings.Contains(stdout, "ст. 53") || !strings.Contains(stdout, "сорока пяти") {
		t.Errorf("the answer does not quote and cite Art. 53:\n%s", stdout)
	}

	hits := src.Hits(t, "kz2026", corpus.RU)
	code, stdout, stderr = runAtazan(t, vars, "ask", "Құрылтай туралы 53-бапта не жазылған?")
	if code != 0 || strings.Contains(stderr, "fetching") || src.Hits(t, "kz2026", corpus.RU) != hits {
		t.Errorf("second run fetched again or failed: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "53-бап") {
		t.Errorf("the Kazakh answer does not cite 53-бап:\n%s", stdout)
	}
}

// adminInbox is a messenger as the core's Notifier sees it.
type adminInbox struct {
	mu      sync.Mutex
	replies map[string][]bot.Reply // by user id
}

func (a *adminInbox) Notify(ctx context.Context, userID string, r bot.Reply) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.replies == nil {
		a.replies = map[string][]bot.Reply{}
	}
	a.replies[userID] = append(a.replies[userID], r)
	return nil
}

func (a *adminInbox) of(userID string) []bot.Reply {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]bot.Reply(nil), a.replies[userID]...)
}

// chatOut is a Responder that keeps what the core sent.
type chatOut struct {
	mu   sync.Mutex
	sent []bot.Reply
}

func (o *chatOut) Typing(ctx context.Context) error { return nil }
func (o *chatOut) CanEdit() bool                    { return false }
func (o *chatOut) Edit(ctx context.Context, id string, r bot.Reply) error {
	return nil
}
func (o *chatOut) Send(ctx context.Context, r bot.Reply) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, r)
	return "m", nil
}

func (o *chatOut) text() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var b strings.Builder
	for _, r := range o.sent {
		b.WriteString(r.Plain() + "\n")
	}
	return b.String()
}

// TestWatchProposalActivatedByAdmin runs the bot as serve does: the watch
// finds a changed official text, every admin gets the summary with
// Activate and Ignore buttons, the served text stays until an admin
// presses Activate, and then the bot serves the new text.
func TestWatchProposalActivatedByAdmin(t *testing.T) {
	ru := adilettest.OfficialDOCX(t, corpus.RU)
	src := adilettest.NewServer(t)
	src.Set(t, "kz2026", corpus.RU, ru)
	src.Set(t, "kz2026", corpus.KK, adilettest.OfficialDOCX(t, corpus.KK))
	vars := fetchEnv(t, src.URL)
	vars["ATAZAN_ADMINS"] = "tg:1001,tg:1002"
	vars["ATAZAN_CORPUS_WATCH"] = "24h"
	e, out := fetchEnvOf(t, vars)
	ctx := context.Background()

	a, err := openApp(ctx, e, nil) // first run: fetches kz2026, reports kz1995
	if err != nil {
		t.Fatalf("opening the bot: %v\n%s", err, out)
	}
	defer a.Close()
	inbox := &adminInbox{}
	a.core.AddNotifier(bot.Telegram, inbox)
	w := officialWatcher(e, a.corpus, a.core, nil)

	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if got := inbox.of("1001"); len(got) != 1 || !strings.Contains(got[0].Plain(), "kz1995 ru — unreachable") {
		t.Fatalf("admins should hear once that kz1995 is missing, got %d messages: %v", len(got), got)
	}

	src.Set(t, "kz2026", corpus.RU, adilettest.EditDOCX(t, ru, "Курултая – пять лет.", "Курултая – шесть лет."))
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	for _, admin := range []string{"1001", "1002"} {
		if got := inbox.of(admin); len(got) != 2 {
			t.Fatalf("admin %s got %d messages, want the problem and the proposal", admin, len(got))
		}
	}
	proposal := inbox.of("1001")[1]
	text := proposal.Plain()
	if !strings.Contains(text, "kz2026") || !strings.Contains(text, "53") || !strings.Contains(text, "шесть лет") {
		t.Errorf("the proposal does not summarise the change of Art. 53:\n%s", text)
	}
	var activate, ignore string
	for _, act := range proposal.Actions {
		switch {
		case strings.HasPrefix(act.Data, "adm:activate:"):
			activate = act.Data
		case strings.HasPrefix(act.Data, "adm:ignore:"):
			ignore = act.Data
		}
	}
	if activate == "" || ignore == "" {
		t.Fatalf("the proposal has no Activate/Ignore buttons: %+v", proposal.Actions)
	}

	article53 := func() string {
		var o chatOut
		if err := a.core.Handle(ctx, bot.Incoming{Platform: bot.Telegram, ChatID: "77", UserID: "77", Text: "/article 53"}, &o); err != nil {
			t.Fatal(err)
		}
		return o.text()
	}
	if got := article53(); !strings.Contains(got, "пять лет") {
		t.Fatalf("before activation the bot serves:\n%s", got)
	}

	// A user who is not an admin cannot press it.
	var o chatOut
	if err := a.core.Handle(ctx, bot.Incoming{Platform: bot.Telegram, ChatID: "77", UserID: "77", Callback: activate}, &o); err != nil {
		t.Fatal(err)
	}
	if got := article53(); !strings.Contains(got, "пять лет") {
		t.Fatalf("a non-admin's button press changed the text:\n%s", got)
	}

	var adminChat chatOut
	if err := a.core.Handle(ctx, bot.Incoming{Platform: bot.Telegram, ChatID: "1002", UserID: "1002", Callback: activate}, &adminChat); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(article53(), "шесть лет") {
		if time.Now().After(deadline) {
			t.Fatalf("after activation the bot still serves:\n%s\nadmin chat:\n%s", article53(), adminChat.text())
		}
		time.Sleep(50 * time.Millisecond)
	}

	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if got := inbox.of("1001"); len(got) != 2 {
		t.Errorf("the watch spoke again after activation: %d messages", len(got))
	}
}
