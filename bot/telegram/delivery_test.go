package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"atazan/bot"
	"atazan/bot/store"
	"atazan/bot/telegram/telegramtest"
)

// delivered counts the messages Telegram accepted, by chat and text.
func delivered(srv *telegramtest.Server) map[string]int {
	n := map[string]int{}
	for _, c := range srv.Calls("sendMessage") {
		if c.Err == "" {
			n[c.Params.Get("chat_id")+" "+c.Params.Get("text")]++
		}
	}
	return n
}

// waitDelivered waits until want distinct messages were accepted.
func (h *harness) waitDelivered(t *testing.T, want int) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		calls := len(h.srv.Calls("sendMessage")) // before counting, so no call slips between
		got := delivered(h.srv)
		if len(got) >= want {
			return got
		}
		if _, err := h.srv.WaitCalls(ctx, "sendMessage", calls+1); err != nil {
			var errs []string
			for _, l := range strings.Split(h.logs.String(), "\n") {
				if strings.Contains(l, "level=ERROR") || strings.Contains(l, "level=WARN") && !strings.Contains(l, "will retry") {
					errs = append(errs, l)
				}
			}
			t.Fatalf("%d of %d messages delivered; errors logged:\n%s", len(got), want, strings.Join(errs, "\n"))
		}
	}
}

func checkOnce(t *testing.T, got map[string]int) {
	t.Helper()
	for msg, n := range got {
		if n != 1 {
			t.Errorf("delivered %d times: %s", n, msg)
		}
	}
}

// answer is what fakeCore says to a question.
func answerTo(text string) string { return "<b>Ответ на: </b>" + text }

func TestOutageOfTheBotAPILosesNoAnswer(t *testing.T) {
	for _, f := range []telegramtest.Fault{
		{Status: http.StatusBadGateway, Times: 8},
		{Status: http.StatusTooManyRequests, RetryAfter: 1, Times: 8},
	} {
		t.Run(strconv.Itoa(f.Status), func(t *testing.T) {
			h := start(t, &fakeCore{})
			h.srv.Fail("sendMessage", f)
			for i := range 5 {
				h.srv.Push(message(10+i, int64(600+i), "private", int64(600+i), fmt.Sprint("вопрос ", i)))
			}
			got := h.waitDelivered(t, 5)
			for i := range 5 {
				if got[fmt.Sprint(600+i, " ", answerTo(fmt.Sprint("вопрос ", i)))] != 1 {
					t.Errorf("answer %d not delivered once: %v", i, got)
				}
			}
			checkOnce(t, got)
			h.stop() // the last Delivered is recorded just after Telegram took it
			if n, _ := h.a.queue.(*store.Store).Pending(context.Background(), h.a.source); n != 0 {
				t.Errorf("%d messages still pending", n)
			}
		})
	}
}

func TestThrottledChatHoldsUpNoOther(t *testing.T) {
	core := &fakeCore{}
	h := start(t, core)
	h.srv.Fail("sendMessage", telegramtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1, Chat: "700"})
	// A spammer floods a chat that Telegram throttles; every handler
	// returns at once, its answer waiting in the outbox.
	const spam = 100
	for i := range spam {
		h.srv.Push(message(i+1, 700, "private", 700, fmt.Sprint("спам ", i)))
	}
	h.srv.Push(message(1, 701, "private", 701, "/start"))
	got := h.waitDelivered(t, 1)
	if got["701 "+answerTo("/start")] != 1 {
		t.Fatalf("another user's answer did not go first: %v", got)
	}
	h.srv.Heal("sendMessage")
	got = h.waitDelivered(t, spam+1)
	checkOnce(t, got)
	var order []int
	for _, c := range h.srv.Calls("sendMessage") {
		if c.Err == "" && c.Params.Get("chat_id") == "700" {
			n, _ := strconv.Atoi(strings.TrimPrefix(c.Params.Get("text"), answerTo("спам ")))
			order = append(order, n)
		}
	}
	ids := map[int]bool{}
	for _, n := range order {
		ids[n] = true
	}
	if len(ids) != spam {
		t.Errorf("%d of %d answers to the throttled chat", len(ids), spam)
	}
}

func TestRestartAnswersWhatWasLeftOnce(t *testing.T) {
	dir := t.TempDir()
	q := openQueue(t, dir)
	ctx := context.Background()
	source := sourceOf(testToken)
	// The state a kill -9 leaves: an update recorded but not answered, and
	// an answer claimed by a send that never finished.
	update := message(10, 501, "private", 501, "оставленный вопрос")
	update["update_id"] = 1
	raw, _ := json.Marshal(update)
	if _, err := q.Receive(ctx, source, "m:501:10", 1, raw, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(map[string]string{"chat_id": "502", "text": "недосланный ответ", "parse_mode": "HTML"})
	if _, _, err := q.Enqueue(ctx, []store.Outgoing{{Source: source, ChatID: "502", Method: "sendMessage", Params: p}}, store.Receipt{}, time.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	core := &fakeCore{}
	h := start(t, core, func(o *Options) { o.Queue = q })
	// Telegram sends the unconfirmed update again: it is not answered twice.
	h.srv.Push(message(10, 501, "private", 501, "оставленный вопрос"))
	h.srv.Push(message(11, 503, "private", 503, "новый вопрос"))
	got := h.waitDelivered(t, 3)
	checkOnce(t, got)
	for _, want := range []string{"501 " + answerTo("оставленный вопрос"), "502 недосланный ответ", "503 " + answerTo("новый вопрос")} {
		if got[want] != 1 {
			t.Errorf("%q delivered %d times; all: %v", want, got[want], got)
		}
	}
	if n := len(core.incoming()); n != 2 {
		t.Errorf("core handled %d messages, want 2", n)
	}
}

// slowCore answers like fakeCore after a pause, as an engine does.
type slowCore struct {
	fakeCore
	pause time.Duration
}

func (c *slowCore) Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error {
	time.Sleep(c.pause)
	return c.fakeCore.Handle(ctx, in, out)
}

func TestStopUnderLoadLosesAndRepeatsNothing(t *testing.T) {
	dir := t.TempDir()
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	const n = 200
	pushed := make(chan struct{})
	go func() {
		defer close(pushed)
		for i := range n {
			srv.Push(message(i+1, int64(1000+i%40), "private", int64(1000+i%40), fmt.Sprint("вопрос ", i)))
			time.Sleep(time.Millisecond) // a flood, not one batch
		}
	}()
	run := func(stopAfter int) {
		q, err := store.Open(context.Background(), dir, "")
		if err != nil {
			t.Fatal(err)
		}
		defer q.Close()
		a, err := New(Options{Token: testToken, Endpoint: srv.Endpoint(), Core: &slowCore{pause: 5 * time.Millisecond}, Queue: q})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer wcancel()
		if _, err := srv.WaitCalls(wctx, "sendMessage", stopAfter); err != nil {
			t.Fatal(err)
		}
		cancel() // SIGTERM: serve cancels the context
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	run(n / 4)
	<-pushed
	if len(delivered(srv)) >= n {
		t.Fatal("everything was answered before the stop; the test proves nothing")
	}
	run(n)
	got := delivered(srv)
	if len(got) != n {
		t.Errorf("%d of %d questions answered", len(got), n)
	}
	checkOnce(t, got)
}

func TestServeWaitsForTheBotAPI(t *testing.T) {
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	srv.Fail("getMe", telegramtest.Fault{Status: http.StatusBadGateway, Times: 2})
	a, err := New(Options{Token: testToken, Endpoint: srv.Endpoint(), Core: &fakeCore{}, Queue: openQueue(t, t.TempDir())})
	if err != nil {
		t.Fatalf("New with the Bot API down = %v, want it to wait", err)
	}
	if err := a.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "connecting to the Bot API") {
		t.Errorf("Check while down = %v, want the reason", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); a.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()
	srv.Push(message(1, 501, "private", 501, "вопрос"))
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	if _, err := srv.WaitCalls(wctx, "sendMessage", 1); err != nil {
		t.Fatalf("no answer once the Bot API is back: %v", err)
	}
	if err := a.Check(context.Background()); err != nil {
		t.Errorf("Check once connected = %v", err)
	}
}

func TestRepliesGoOutWithoutTheDatabase(t *testing.T) {
	h := start(t, &fakeCore{})
	// The database goes away after the update is received.
	h.a.queue.(*store.Store).Close()
	id, err := h.a.newResponder(501, 0).Send(context.Background(), bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "ответ"}}}})
	if err != nil || strings.HasPrefix(id, queuedPrefix) {
		t.Fatalf("Send without a database = %q, %v; want it sent directly", id, err)
	}
	if calls := h.srv.Calls("sendMessage"); len(calls) != 1 || calls[0].Params.Get("text") != "ответ" {
		t.Errorf("sendMessage calls = %v", calls)
	}
}
