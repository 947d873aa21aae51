package telegram

// Replicas behind one webhook: two real cores and adapters share one
// database (SQLite file, and PostgreSQL with ATAZAN_TEST_DATABASE_URL)
// and one fake Bot API.

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"atazan/bot"
	"atazan/bot/bottest"
	"atazan/bot/store"
	"atazan/bot/telegram/telegramtest"
	"atazan/internal/testsupport"
)

const replicaSecret = "replica-secret"

// replica is one running adapter with its queued webhook.
type replica struct {
	hook *QueuedWebhook
	logs *testsupport.Buffer
	stop func()
}

// startReplica runs a webhook adapter for core against srv, with its
// updates queued in st.
func startReplica(t *testing.T, srv *telegramtest.Server, core Core, st *store.Store) *replica {
	t.Helper()
	logs := &testsupport.Buffer{}
	a, err := New(Options{
		Token: testToken, Endpoint: srv.Endpoint(), Core: core, Queue: st,
		WebhookURL: "https://bot.example.kz/telegram", WebhookSecret: replicaSecret,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	hook := NewQueuedWebhook(a, st)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() { done <- a.Run(ctx) }()
	go func() { done <- hook.Run(ctx) }()
	var once sync.Once
	r := &replica{hook: hook, logs: logs, stop: func() {
		once.Do(func() {
			cancel()
			for range 2 {
				if err := <-done; err != nil {
					t.Errorf("Run: %v", err)
				}
			}
		})
	}}
	t.Cleanup(r.stop)
	(&harness{a: a}).waitReady(t, true) // the webhook is registered
	return r
}

// post delivers an update to the replica's webhook as Telegram does.
func (r *replica) post(body string) int {
	req := httptest.NewRequest(http.MethodPost, "/telegram", strings.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", replicaSecret)
	rec := httptest.NewRecorder()
	r.hook.ServeHTTP(rec, req)
	return rec.Code
}

// sharedStores opens n handles on one fresh database of each backend.
func sharedStores(t *testing.T, n int) map[string][]*store.Store {
	t.Helper()
	dsns := map[string]string{"sqlite": ""}
	if dsn := testsupport.PostgresSchema(t); dsn != "" {
		dsns["postgres"] = dsn
	}
	out := map[string][]*store.Store{}
	for name, dsn := range dsns {
		dir := t.TempDir()
		for range n {
			st, err := store.Open(context.Background(), dir, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			out[name] = append(out[name], st)
		}
	}
	return out
}

func questionUpdate(updateID int, chat int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},`+
		`"from":{"id":%d,"first_name":"A","language_code":"ru"},"text":%q}}`, updateID, updateID, chat, chat, text)
}

// The same update posted to both replicas, and again to one of them (as
// Telegram does after a slow response), is answered once.
func TestWebhookReplicasAnswerEachUpdateOnce(t *testing.T) {
	for name, stores := range sharedStores(t, 2) {
		t.Run(name, func(t *testing.T) {
			srv := telegramtest.NewServer(testToken)
			t.Cleanup(srv.Close)
			var replicas []*replica
			for _, st := range stores {
				core, _ := bottest.NewCore(t, filepath.Join("testdata", "corpus"), bottest.Options{Store: st, RatePerMinute: 1000})
				replicas = append(replicas, startReplica(t, srv, core, st))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			updates := []string{
				questionUpdate(801, 501, "Какой язык является государственным?"),
				questionUpdate(802, 502, "Какой язык является государственным?"),
			}
			var wg sync.WaitGroup
			for _, u := range updates {
				for i := range 4 { // twice to each replica, all at once
					wg.Add(1)
					go func() {
						defer wg.Done()
						if code := replicas[i%2].post(u); code != http.StatusOK {
							t.Errorf("delivery %d: status %d", i, code)
						}
					}()
				}
			}
			wg.Wait()
			// Every delivery is acknowledged and the winner queued its
			// update before answering: once the replicas have stopped,
			// whatever was going to be sent has been.
			if _, err := srv.WaitCalls(ctx, "sendMessage", 2); err != nil {
				t.Fatal(err)
			}
			for _, r := range replicas {
				r.stop()
			}
			for _, chat := range []string{"501", "502"} {
				var texts []string
				for _, c := range srv.Calls("sendMessage") {
					if c.Params.Get("chat_id") == chat {
						texts = append(texts, c.Params.Get("text"))
					}
				}
				// What the answer says is retrieval's business; here, that it is sent once.
				if len(texts) != 1 || texts[0] == "" {
					t.Errorf("chat %s got %d messages, want one answer: %q", chat, len(texts), texts)
				}
				turns, err := stores[0].RecentTurns(context.Background(), "tg", chat, chat, 10, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				if len(turns) != 1 {
					t.Errorf("chat %s has %d stored answers, want 1", chat, len(turns))
				}
			}
			var again int
			for _, r := range replicas {
				again += strings.Count(r.logs.String(), "update delivered again")
			}
			if again != 6 {
				t.Errorf("%d deliveries recognised as repeated, want 6", again)
			}
		})
	}
}

// The webhook answers Telegram as soon as an update is queued, even when
// every worker is busy; the queued updates are answered when workers free up.
func TestWebhookAcknowledgesWhileWorkersAreBusy(t *testing.T) {
	st := sharedStores(t, 1)["sqlite"][0]
	release := make(chan struct{})
	core := &fakeCore{handle: func(ctx context.Context, in bot.Incoming, out bot.Responder) error {
		<-release
		_, err := out.Send(ctx, bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "ответ " + in.Text}}}})
		return err
	}}
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	r := startReplica(t, srv, core, st)
	const n = maxInFlight + 8
	acked := make(chan int, n)
	for i := range n {
		go func() { acked <- r.post(questionUpdate(1000+i, int64(600+i), fmt.Sprint("вопрос ", i))) }()
	}
	timeout := time.After(10 * time.Second)
	for range n {
		select {
		case code := <-acked:
			if code != http.StatusOK {
				t.Errorf("status %d, want 200", code)
			}
		case <-timeout:
			t.Fatalf("the webhook held Telegram's requests while %d updates were in flight", maxInFlight)
		}
	}
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := srv.WaitCalls(ctx, "sendMessage", n); err != nil {
		t.Fatal(err)
	}
	r.stop()
	if got := len(core.incoming()); got != n {
		t.Errorf("core handled %d updates, want %d", got, n)
	}
}

// Updates a replica acknowledged but did not start (it stopped, or was
// busy) are answered by another replica.
func TestWebhookReplicaTakesOverQueuedUpdates(t *testing.T) {
	for name, stores := range sharedStores(t, 2) {
		t.Run(name, func(t *testing.T) {
			// The replica that acknowledged these is gone (the fake bot is tg:123456).
			for i, text := range []string{"первый", "второй"} {
				ok, err := stores[0].ClaimUpdate(context.Background(), "tg:123456", fmt.Sprint(900+i),
					[]byte(questionUpdate(900+i, 701, text)), time.Now())
				if err != nil || !ok {
					t.Fatalf("claim: %v, %v", ok, err)
				}
			}
			srv := telegramtest.NewServer(testToken)
			t.Cleanup(srv.Close)
			core := &fakeCore{}
			r := startReplica(t, srv, core, stores[1])
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := srv.WaitCalls(ctx, "sendMessage", 2); err != nil {
				t.Fatal(err)
			}
			r.stop()
			var texts []string
			for _, in := range core.incoming() {
				texts = append(texts, in.Text)
			}
			if fmt.Sprint(texts) != "[первый второй]" {
				t.Errorf("handled %q, want the two queued questions in order", texts)
			}
		})
	}
}

// Bad requests are refused before anything is queued, and an update the
// database cannot take is refused so that Telegram delivers it again.
func TestQueuedWebhookRefuses(t *testing.T) {
	st := sharedStores(t, 1)["sqlite"][0]
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	core := &fakeCore{}
	r := startReplica(t, srv, core, st)
	good := questionUpdate(77, 501, "вопрос")
	for _, tc := range []struct {
		name, method, secret, body string
		want                       int
	}{
		{"no secret", http.MethodPost, "", good, http.StatusForbidden},
		{"wrong secret", http.MethodPost, "replica-secreT", good, http.StatusForbidden},
		{"GET", http.MethodGet, replicaSecret, "", http.StatusMethodNotAllowed},
		{"not JSON", http.MethodPost, replicaSecret, "{not json", http.StatusBadRequest},
		{"no update_id", http.MethodPost, replicaSecret, `{"message":{"message_id":1,"chat":{"id":1,"type":"private"},"text":"x"}}`, http.StatusBadRequest},
	} {
		req := httptest.NewRequest(tc.method, "/telegram", strings.NewReader(tc.body))
		if tc.secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tc.secret)
		}
		rec := httptest.NewRecorder()
		r.hook.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, rec.Code, tc.want)
		}
	}
	if _, _, ok, err := st.TakeQueuedUpdate(context.Background(), "tg:123456", time.Now(), time.Now()); err != nil || ok {
		t.Errorf("a refused request was queued: %v, %v", ok, err)
	}

	st.Close() // the database goes away
	if code := r.post(good); code != http.StatusInternalServerError {
		t.Errorf("database down: status %d, want 500", code)
	}
	r.stop()
	if code := r.post(questionUpdate(78, 501, "вопрос")); code != http.StatusServiceUnavailable {
		t.Errorf("stopped: status %d, want 503", code)
	}
	if n := len(core.incoming()); n != 0 {
		t.Errorf("core handled %d updates, want none", n)
	}
	if strings.Contains(r.logs.String(), replicaSecret) {
		t.Errorf("the secret is in the logs:\n%s", r.logs)
	}
}

// BenchmarkQueuedWebhookAck is how long Telegram waits for the answer to
// one webhook request: checks, decoding, the claim in SQLite.
func BenchmarkQueuedWebhookAck(b *testing.B) {
	srv := telegramtest.NewServer(testToken)
	b.Cleanup(srv.Close)
	st, err := store.Open(context.Background(), b.TempDir(), "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	a, err := New(Options{Token: testToken, Endpoint: srv.Endpoint(), Queue: st, WebhookURL: "https://bot.example.kz/telegram", WebhookSecret: replicaSecret,
		Core: &fakeCore{handle: func(context.Context, bot.Incoming, bot.Responder) error { return nil }}})
	if err != nil {
		b.Fatal(err)
	}
	hook := NewQueuedWebhook(a, st)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- hook.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest(http.MethodPost, "/telegram", strings.NewReader(questionUpdate(i, 501, "Сколько депутатов в Курултае?")))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", replicaSecret)
		rec := httptest.NewRecorder()
		hook.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
