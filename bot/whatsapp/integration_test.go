package whatsapp

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"atazan/bot"
	"atazan/bot/bottest"
)

// newRealCore builds the real conversation core over the real retrieval
// engine, on an invented three-article fixture corpus.
func newRealCore(t *testing.T) *bot.Core {
	t.Helper()
	core, _ := bottest.NewCore(t, "testdata/corpus-src", bottest.Options{Now: func() time.Time { return t0 }})
	return core
}

func TestWithRealCore(t *testing.T) {
	core := newRealCore(t)
	a, c, client := connectedAdapter(t, core)

	deliver(a, c, message(alice, alice, text("С какого возраста человек вправе работать?")))
	if len(client.sent) == 0 {
		t.Fatal("no answer sent")
	}
	answer := client.text(0)
	t.Logf("answer:\n%s", answer)
	if !strings.Contains(answer, "*ст. 2, п. 2*") || !strings.Contains(answer, "шестнадцати") {
		t.Errorf("answer should quote article 2 with a bold citation: %q", answer)
	}
	if strings.ContainsAny(answer, "<>") {
		t.Errorf("answer has HTML: %q", answer)
	}
	last := client.text(len(client.sent) - 1)
	t.Logf("follow-ups:\n%s", last)
	if !strings.HasPrefix(last, "*1* — ") {
		t.Fatalf("the core's actions should end the answer as numbered follow-ups, got %q", last)
	}

	before := len(client.sent)
	deliver(a, c, message(alice, alice, text("1")))
	if len(client.sent) == before {
		t.Fatal("choosing follow-up 1 got no answer")
	}
	if got := client.text(before); !strings.Contains(got, "*Статья 2*") {
		t.Errorf("follow-up 1 should send the full article 2, got %q", got)
	}

	// In a group, without a mention the real core stays quiet.
	before = len(client.sent)
	deliver(a, c, message(group, alice, text("С какого возраста можно работать?")))
	if len(client.sent) != before {
		t.Errorf("answered an unaddressed group message: %q", client.text(before))
	}
}

// connectedAdapter is an adapter over core with a session of its own,
// connected to a fake client, sending without pause.
func connectedAdapter(t *testing.T, core *bot.Core) (*Adapter, *conn, *fakeClient) {
	t.Helper()
	sess, err := OpenSession(context.Background(), t.TempDir(), "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	a, err := New(Options{Core: core, Session: sess, SendInterval: time.Millisecond, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	client := &fakeClient{}
	c := &conn{client: client, me: me}
	a.setConn(c)
	return a, c, client
}
