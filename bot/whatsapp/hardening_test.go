package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"atazan/bot"
)

func TestPacerTokenBucket(t *testing.T) {
	p := &pacer{interval: time.Second, burst: 3}
	steps := []struct {
		at   time.Duration
		wait time.Duration
	}{
		{0, 0}, {0, 0}, {0, 0}, // the burst
		{0, time.Second}, // then one a second
		{500 * time.Millisecond, 500 * time.Millisecond},
		{time.Second, 0}, // refilled one
		{time.Second, time.Second},
		{10 * time.Second, 0}, // a long pause refills the burst, no more
		{10 * time.Second, 0}, {10 * time.Second, 0}, {10 * time.Second, time.Second},
	}
	for i, st := range steps {
		if got := p.take(t0.Add(st.at)); got != st.wait {
			t.Errorf("step %d at +%s: wait %s, want %s", i, st.at, got, st.wait)
		}
	}
}

// TestPacerAfterBurst: a burst of answers that all time out waiting must
// not leave their slots taken, or every later answer times out too.
func TestPacerAfterBurst(t *testing.T) {
	p := &pacer{interval: 100 * time.Millisecond, burst: 1}
	var wg sync.WaitGroup
	var mu sync.Mutex
	cancelled := 0
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			if p.wait(ctx) != nil {
				mu.Lock()
				cancelled++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if cancelled < 90 {
		t.Fatalf("only %d of 100 waits were cancelled; the burst did not overload the pacer", cancelled)
	}
	// 100 slots of 100ms would be 10s; the cancelled ones gave theirs back.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := p.wait(ctx); err != nil {
		t.Errorf("a single send after the burst: %v", err)
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err   error
		retry bool
	}{
		{whatsmeow.ErrNotConnected, true},
		{fmt.Errorf("getting devices: %w", whatsmeow.ErrIQTimedOut), true},
		{whatsmeow.ErrIQRateOverLimit, true},
		{whatsmeow.ErrIQServiceUnavailable, true},
		{fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 500), true},
		{whatsmeow.ErrMessageTimedOut, false}, // the server may have it
		{fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 463), false},
		{whatsmeow.ErrIQBadRequest, false},
		{whatsmeow.ErrIQForbidden, false},
		{context.DeadlineExceeded, false},
		{errors.New("can't encrypt"), false},
	}
	for _, tt := range tests {
		if got := retryable(tt.err); got != tt.retry {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.retry)
		}
	}
}

func TestOneIDPerMessageAcrossRetries(t *testing.T) {
	a, _, client, c := newTestAdapter(t)
	client.failures = 2
	deliver(a, c, message(alice, alice, text("вопрос")))
	if len(client.sent) != 2 || len(client.attempts) != 4 {
		t.Fatalf("sent %d in %d attempts, want 2 in 4", len(client.sent), len(client.attempts))
	}
	if a0 := client.attempts[0]; client.attempts[1] != a0 || client.attempts[2] != a0 || client.sent[0].id != a0 {
		t.Errorf("retries of one message used ids %v", client.attempts[:3])
	}
	if client.sent[1].id == client.sent[0].id {
		t.Error("two messages share an id")
	}
}

func TestNoRetryWhenTheServerMayHaveIt(t *testing.T) {
	for _, err := range []error{whatsmeow.ErrMessageTimedOut, fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 479)} {
		a, _, client, c := newTestAdapter(t)
		client.failures, client.failWith = 1, err
		deliver(a, c, message(alice, alice, text("вопрос")))
		if len(client.attempts) != 1 || len(client.sent) != 0 {
			t.Errorf("%v: %d attempts, %d sent; want one attempt and the answer given up", err, len(client.attempts), len(client.sent))
		}
	}
}

func TestDuplicateDeliveryAnsweredOnce(t *testing.T) {
	a, core, client, c := newTestAdapter(t)
	q := message(alice, alice, text("Сколько депутатов?"))
	deliver(a, c, q)
	deliver(a, c, q)
	if len(core.got) != 1 || len(client.sent) != 2 {
		t.Errorf("a message delivered twice reached the core %d times, %d messages sent", len(core.got), len(client.sent))
	}
	// The same id in another chat is another message.
	other := message(bob, bob, text("?"))
	other.Info.ID = q.Info.ID
	deliver(a, c, other)
	if len(core.got) != 2 {
		t.Error("a message with another chat's id was taken for a duplicate")
	}
}

// TestAnswerTimeoutStartsAfterChatLock: a second question waiting behind a
// slow first one gets its whole time once its turn comes.
func TestAnswerTimeoutStartsAfterChatLock(t *testing.T) {
	a, core, _, c := newTestAdapter(t)
	a.answerTimeout = 2 * time.Second
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	var mu sync.Mutex
	var left []time.Duration
	core.handle = func(ctx context.Context, in bot.Incoming) {
		dl, _ := ctx.Deadline()
		mu.Lock()
		left = append(left, time.Until(dl))
		mu.Unlock()
		started <- struct{}{}
		if in.Text == "first" {
			<-release
		}
	}
	a.handleMessage(c, message(alice, alice, text("first")))
	<-started
	a.handleMessage(c, message(alice, alice, text("second")))
	time.Sleep(600 * time.Millisecond) // the second waits its turn this long
	close(release)
	a.answers.Wait()
	if len(left) != 2 {
		t.Fatalf("core saw %d questions", len(left))
	}
	if left[1] < 1700*time.Millisecond {
		t.Errorf("the second question had %s left of 2s when its turn came", left[1])
	}
}

func TestEarlyMessagesAnsweredOnConnect(t *testing.T) {
	a, core, client, c := newTestAdapter(t)
	a.setConn(nil)
	ctx := context.Background()
	a.onEvent(ctx, nil, message(alice, alice, text("пришло до Connected")), make(chan time.Duration, 1))
	if len(core.got) != 0 {
		t.Fatal("answered without a connection")
	}
	a.onConnected(ctx, c, "Atazan")
	a.answers.Wait()
	if len(core.got) != 1 || core.got[0].Text != "пришло до Connected" || len(client.sent) == 0 {
		t.Errorf("the early message was not answered: core %v", core.got)
	}
}

func TestPresenceOnceThePushNameIsKnown(t *testing.T) {
	a, _, client, c := newTestAdapter(t)
	ctx := context.Background()
	available := func() int {
		client.mu.Lock()
		defer client.mu.Unlock()
		return client.available
	}
	a.onConnected(ctx, c, "")
	if available() != 0 {
		t.Fatal("presence sent before WhatsApp knew the account's name")
	}
	a.onEvent(ctx, nil, &events.PushNameSetting{}, make(chan time.Duration, 1))
	waitFor(t, func() bool { return available() == 1 })
	a.onEvent(ctx, nil, &events.PushNameSetting{}, make(chan time.Duration, 1))
	a.sendPresence(ctx, c) // as the goroutine does; it must not send again
	if available() != 1 {
		t.Errorf("presence sent %d times on one connection", available())
	}

	c2 := &conn{client: client}
	a.onConnected(ctx, c2, "Atazan")
	waitFor(t, func() bool { return available() == 2 })
}

func TestKeepAliveTimeoutDegradesReadiness(t *testing.T) {
	a, _, _, _ := newTestAdapter(t)
	ctx := context.Background()
	a.setStatus(StateConnected, "", time.Time{}, slog.LevelInfo)
	a.onEvent(ctx, nil, &events.KeepAliveTimeout{ErrorCount: 3}, make(chan time.Duration, 1))
	st := a.Status()
	if st.State != StateDegraded || !st.Healthy() || a.Ready() || a.Check(ctx) == nil || !strings.Contains(st.Detail, "3 keepalives") {
		t.Errorf("after KeepAliveTimeout: %+v, check %v; want degraded, alive, not ready", st, a.Check(ctx))
	}
	a.onEvent(ctx, nil, &events.KeepAliveRestored{}, make(chan time.Duration, 1))
	if st := a.Status(); st.State != StateConnected || a.Check(ctx) != nil {
		t.Errorf("after KeepAliveRestored: %+v", st)
	}
}

// clock is a settable time for the adapter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestProblemsAlertAdminsOnce(t *testing.T) {
	a, core, _, c := newTestAdapter(t)
	clk := &clock{t: t0}
	a.now, a.status.now = clk.now, clk.now
	ctx := context.Background()
	alerts := func() []string {
		a.alerts.Wait()
		core.mu.Lock()
		defer core.mu.Unlock()
		return append([]string(nil), core.alerts...)
	}
	event := func(e any) time.Duration {
		stopped := make(chan time.Duration, 1)
		a.onEvent(ctx, nil, e, stopped)
		select {
		case d := <-stopped:
			return d
		default:
			return 0
		}
	}

	event(&events.LoggedOut{Reason: events.ConnectFailureLoggedOut, OnConnect: true})
	event(&events.LoggedOut{Reason: events.ConnectFailureLoggedOut, OnConnect: true})
	got := alerts()
	if len(got) != 1 || !strings.Contains(got[0], "logged_out") || !strings.Contains(got[0], "atazan whatsapp link") {
		t.Fatalf("alerts after two logouts: %q, want one naming the fix", got)
	}
	version := a.Status().ClientVersion
	if version == "" || !strings.Contains(got[0], version) {
		t.Errorf("the status (%q) and the alert should carry the client version", version)
	}

	event(&events.ClientOutdated{})
	got = alerts()
	if len(got) != 2 || !strings.Contains(got[1], "go get go.mau.fi/whatsmeow@latest") || !strings.Contains(a.Status().Detail, version) {
		t.Errorf("outdated: alerts %q, status %+v", got, a.Status())
	}

	// Two programs on one session: each replacement waits twice as long,
	// and the admins hear of it once.
	var waits []time.Duration
	for range 4 {
		waits = append(waits, event(&events.StreamReplaced{}))
	}
	if want := []time.Duration{5 * time.Minute, 10 * time.Minute, 20 * time.Minute, 40 * time.Minute}; !equal(waits, want) {
		t.Errorf("waits after stream replaced: %v, want %v", waits, want)
	}
	if got := alerts(); len(got) != 3 || !strings.Contains(got[2], "another program") {
		t.Errorf("alerts after four replacements: %q", got)
	}

	// A connection that held an hour ends the episode.
	a.onConnected(ctx, c, "")
	clk.add(2 * time.Hour)
	if d := event(&events.StreamReplaced{}); d != 5*time.Minute {
		t.Errorf("after a stable hour, the first replacement waits %s, want 5m", d)
	}
	if got := alerts(); len(got) != 4 {
		t.Errorf("a new episode should alert again: %q", got)
	}
}

func TestSessionLock(t *testing.T) {
	dir := t.TempDir()
	open := func() *Session {
		s, err := OpenSession(context.Background(), dir, "", slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first, second := open(), open()
	defer second.Close()
	if err := first.Lock(); err != nil {
		t.Fatal(err)
	}
	if err := first.Lock(); err != nil {
		t.Errorf("locking again in the same session: %v", err)
	}
	err := second.Lock()
	if err == nil || !strings.Contains(err.Error(), "another atazan process") {
		t.Fatalf("a second user of the session: %v, want refused", err)
	}
	if err := Unlink(context.Background(), second, nil); err == nil || !strings.Contains(err.Error(), "another atazan process") {
		t.Errorf("unlink while serve holds the session: %v", err)
	}
	if _, err := Link(context.Background(), second, LinkOptions{}); err == nil || !strings.Contains(err.Error(), "another atazan process") {
		t.Errorf("link while serve holds the session: %v", err)
	}

	// The adapter of the second process stands by with the reason.
	a, err := New(Options{Core: &fakeCore{}, Session: second})
	if err != nil {
		t.Fatal(err)
	}
	if retry := a.connectOnce(context.Background()); retry <= 0 || a.Status().State != StateFailed ||
		!strings.Contains(a.Status().Detail, "another atazan process") {
		t.Errorf("adapter on a locked session: status %+v, retry %s", a.Status(), retry)
	}

	first.Close()
	if err := second.Lock(); err != nil {
		t.Errorf("after the first closed: %v", err)
	}
}

func TestSessionFilesPrivate(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSession(context.Background(), dir, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	putLinkedDevice(t, s, "77010000001")
	check := func(when string) {
		t.Helper()
		for _, name := range []string{SessionFile, SessionFile + "-wal", SessionFile + "-shm"} {
			st, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Errorf("%s: %v", when, err)
				continue
			}
			if mode := st.Mode().Perm(); mode != 0o600 {
				t.Errorf("%s: %s has mode %o, want 600: it holds the account's keys", when, name, mode)
			}
		}
	}
	check("new store")

	// A store from before: every file readable by all.
	for _, name := range []string{SessionFile, SessionFile + "-wal", SessionFile + "-shm"} {
		os.Chmod(filepath.Join(dir, name), 0o644)
	}
	s2, err := OpenSession(context.Background(), dir, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	s.Close()
	check("reopened old store")
}

var bob = types.NewJID("77017654321", types.DefaultUserServer)
