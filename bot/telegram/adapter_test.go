package telegram

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"atazan/bot"
	"atazan/bot/store"
	"atazan/bot/telegram/telegramtest"
	"atazan/internal/testsupport"
)

const testToken = "123456:TEST-token-never-logged"

// fakeCore stands in for *bot.Core in the adapter's own tests; the
// end-to-end tests use the real one.
type fakeCore struct {
	handle func(ctx context.Context, in bot.Incoming, out bot.Responder) error
	inline func(ctx context.Context, in bot.Incoming) ([]bot.InlineResult, error)

	mu       sync.Mutex
	seen     []bot.Incoming
	notifier bot.Notifier
}

func (c *fakeCore) Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error {
	c.mu.Lock()
	c.seen = append(c.seen, in)
	c.mu.Unlock()
	if c.handle != nil {
		return c.handle(ctx, in, out)
	}
	_, err := out.Send(ctx, bot.Reply{
		Paragraphs: []bot.Paragraph{{{Text: "Ответ на: ", Bold: true}, {Text: in.Text}}},
		Actions:    []bot.Action{{Label: "Статья 17", Data: "art:kz2026:17"}, {Label: "👍", Data: "fb:up:1"}, {Label: "👎", Data: "fb:down:1"}},
		Final:      true, // as the core's answers are
	})
	return err
}

func (c *fakeCore) Inline(ctx context.Context, in bot.Incoming) ([]bot.InlineResult, error) {
	return c.inline(ctx, in)
}

func (c *fakeCore) ShouldAnswer(in bot.Incoming) bool {
	return !in.IsGroup || in.Mentioned || in.ReplyToBot || strings.HasPrefix(in.Text, "/")
}

func (c *fakeCore) CommandMenu(lang string) []bot.Command {
	if lang == "" {
		return nil
	}
	return []bot.Command{{Name: "/start", Description: "start " + lang}, {Name: "help", Description: "help " + lang}}
}

func (c *fakeCore) AddNotifier(p bot.Platform, n bot.Notifier) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.notifier = n
}

func (c *fakeCore) incoming() []bot.Incoming {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bot.Incoming(nil), c.seen...)
}

// openQueue opens the bot's database in dir as the delivery queue.
func openQueue(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

type harness struct {
	srv  *telegramtest.Server
	a    *Adapter
	logs *testsupport.Buffer
	stop func() // stops Run and waits for it
}

// start runs an adapter for core against a fresh fake Bot API server.
func start(t testing.TB, core Core, configure ...func(*Options)) *harness {
	t.Helper()
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	logs := &testsupport.Buffer{}
	opts := Options{
		Token:    testToken,
		Endpoint: srv.Endpoint(),
		Core:     core,
		Queue:    openQueue(t, t.TempDir()),
		Log:      slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range configure {
		f(&opts)
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(func() {
		stop()
		if strings.Contains(logs.String(), testToken) {
			t.Errorf("the token appears in the logs:\n%s", logs)
		}
	})
	return &harness{srv: srv, a: a, logs: logs, stop: stop}
}

// wait returns at least n calls of method, failing the test after 10 s.
func (h *harness) wait(t testing.TB, method string, n int) []telegramtest.Call {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	calls, err := h.srv.WaitCalls(ctx, method, n)
	if err != nil {
		t.Fatalf("%v; calls so far: %v", err, h.srv.Calls(""))
	}
	return calls
}

// waitReady waits until the adapter's readiness is want.
func (h *harness) waitReady(t testing.TB, want bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); h.a.Ready() != want; {
		if time.Now().After(deadline) {
			t.Fatalf("Ready() stayed %v", !want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// message builds a message update as Telegram sends it.
func message(id int, chatID int64, chatType string, from int64, text string) map[string]any {
	return map[string]any{"message": map[string]any{
		"message_id": id,
		"date":       time.Now().Unix(),
		"chat":       map[string]any{"id": chatID, "type": chatType},
		"from":       map[string]any{"id": from, "is_bot": false, "first_name": "Айгерим", "language_code": "ru"},
		"text":       text,
	}}
}

func TestPrivateMessageIsAnsweredInHTML(t *testing.T) {
	core := &fakeCore{}
	h := start(t, core)
	h.srv.Push(message(10, 501, "private", 501, "Что значит <равенство> & свобода?"))

	send := h.wait(t, "sendMessage", 1)[0]
	if got, want := send.Params.Get("text"), "<b>Ответ на: </b>Что значит &lt;равенство&gt; &amp; свобода?"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	if send.Params.Get("parse_mode") != "HTML" || send.Params.Get("chat_id") != "501" {
		t.Errorf("sendMessage = %v", send)
	}
	var markup tgbotapi.InlineKeyboardMarkup
	if err := send.Decode("reply_markup", &markup); err != nil {
		t.Fatal(err)
	}
	if len(markup.InlineKeyboard) != 1 || len(markup.InlineKeyboard[0]) != 3 || *markup.InlineKeyboard[0][0].CallbackData != "art:kz2026:17" {
		t.Errorf("keyboard = %+v", markup.InlineKeyboard)
	}
	in := core.incoming()[0]
	if in.Platform != bot.Telegram || in.UserID != "501" || in.LangHint != "ru" || in.IsGroup || in.UserName != "Айгерим" {
		t.Errorf("incoming = %+v", in)
	}
}

func TestGroupMessagesNeedAMention(t *testing.T) {
	core := &fakeCore{}
	h := start(t, core)
	h.srv.Push(message(10, -700, "supergroup", 1, "обсуждаем конституцию"))
	mention := message(11, -700, "supergroup", 2, "@atazan_test_bot что такое Курултай?")
	mention["message"].(map[string]any)["entities"] = []map[string]any{{"type": "mention", "offset": 0, "length": 16}}
	h.srv.Push(mention)

	send := h.wait(t, "sendMessage", 1)[0]
	if got := send.Params.Get("text"); !strings.HasSuffix(got, "что такое Курултай?") || strings.Contains(got, "@atazan") {
		t.Errorf("answered %q", got)
	}
	if send.Params.Get("reply_to_message_id") != "11" {
		t.Errorf("group answer does not reply to the question: %v", send)
	}
	seen := core.incoming()
	if len(seen) != 1 || seen[0].UserID != "2" || !seen[0].Mentioned || !seen[0].IsGroup {
		t.Errorf("core got %+v, want only the mention", seen)
	}
}

func TestCallbackIsAcknowledgedAndHandled(t *testing.T) {
	core := &fakeCore{}
	h := start(t, core)
	h.srv.Push(map[string]any{"callback_query": map[string]any{
		"id":   "cb1",
		"from": map[string]any{"id": 501, "first_name": "A"},
		"message": map[string]any{"message_id": 77, "date": 1,
			"chat": map[string]any{"id": 501, "type": "private"}, "text": "answer"},
		"chat_instance": "x",
		"data":          "art:kz2026:17",
	}})
	ack := h.wait(t, "answerCallbackQuery", 1)[0]
	if ack.Params.Get("callback_query_id") != "cb1" {
		t.Errorf("ack = %v", ack)
	}
	h.wait(t, "sendMessage", 1)
	in := core.incoming()[0]
	if in.Callback != "art:kz2026:17" || in.ChatID != "501" || in.MessageID != "77" || in.Text != "" {
		t.Errorf("incoming = %+v", in)
	}
}

// inlineResult is a card of answerInlineQuery as the server received it.
type inlineResult struct {
	Type, ID, Title, Description string
	Content                      struct {
		Text      string `json:"message_text"`
		ParseMode string `json:"parse_mode"`
	} `json:"input_message_content"`
}

// inlineResults waits for the answer to an inline query and returns its cards.
func (h *harness) inlineResults(t testing.TB) []inlineResult {
	t.Helper()
	var results []inlineResult
	if err := h.wait(t, "answerInlineQuery", 1)[0].Decode("results", &results); err != nil {
		t.Fatal(err)
	}
	return results
}

func TestInlineQueryReturnsCards(t *testing.T) {
	core := &fakeCore{inline: func(_ context.Context, in bot.Incoming) ([]bot.InlineResult, error) {
		return []bot.InlineResult{{
			ID: "kz2026/17", Title: "Статья 17", Description: "Достоинство",
			Reply: bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "Вопрос: " + in.Text}}, {{Text: "ст. 17", Bold: true}}}},
		}}, nil
	}}
	h := start(t, core)
	h.srv.Push(map[string]any{"inline_query": map[string]any{
		"id": "iq1", "from": map[string]any{"id": 501, "first_name": "A"}, "query": "достоинство <человека>", "offset": "",
	}})
	results := h.inlineResults(t)
	if len(results) != 1 {
		t.Fatalf("results = %+v", results)
	}
	r := results[0]
	if r.Type != "article" || r.ID != "kz2026/17" || r.Title != "Статья 17" || r.Description != "Достоинство" ||
		r.Content.ParseMode != "HTML" || r.Content.Text != "Вопрос: достоинство &lt;человека&gt;\n\n<b>ст. 17</b>" {
		t.Errorf("result = %+v", r)
	}
}

func TestTooManyRequestsIsRetried(t *testing.T) {
	core := &fakeCore{}
	h := start(t, core)
	h.srv.FailOnce("sendMessage", 1)
	h.srv.Push(message(10, 501, "private", 501, "вопрос"))
	calls := h.wait(t, "sendMessage", 2)
	if calls[0].Params.Get("text") != calls[1].Params.Get("text") {
		t.Errorf("the retry sent something else: %v then %v", calls[0], calls[1])
	}
	if !strings.Contains(h.logs.String(), "will retry") {
		t.Errorf("the wait is not logged:\n%s", h.logs)
	}
}

func TestLongRetryAfterWaitsInTheOutbox(t *testing.T) {
	h := start(t, &fakeCore{})
	h.srv.FailOnce("sendMessage", 3600)
	id, err := h.a.newResponder(501, 0).Send(context.Background(), bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "x"}}}})
	if err != nil || !strings.HasPrefix(id, queuedPrefix) {
		t.Fatalf("Send = %q, %v; want a queued message and no error", id, err)
	}
	// The handler is not held for an hour: the message waits in the outbox
	// for the time Telegram asked, and is not sent again before it.
	if n, err := h.a.queue.(*store.Store).Pending(context.Background(), h.a.source); err != nil || n != 1 {
		t.Errorf("pending = %d, %v; want 1", n, err)
	}
	if calls := h.srv.Calls("sendMessage"); len(calls) != 1 {
		t.Errorf("sendMessage called %d times, want once", len(calls))
	}
}

func TestEditCarriesOverflowIntoFollowingMessages(t *testing.T) {
	h := start(t, &fakeCore{})
	ctx := context.Background()
	r := h.a.newResponder(501, 0)
	short := bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "Думаю…"}}}}
	long := bot.Reply{Actions: []bot.Action{{Label: "👍", Data: "fb:up:1"}}}
	for range 8 { // ≈ 7,200 characters: two messages
		long.Paragraphs = append(long.Paragraphs, bot.Paragraph{{Text: strings.Repeat("Конституция — основной закон. ", 30)}})
	}

	id, err := r.Send(ctx, short)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Edit(ctx, id, long); err != nil {
		t.Fatal(err)
	}
	sends, edits := h.srv.Calls("sendMessage"), h.srv.Calls("editMessageText")
	if len(sends) != 2 || len(edits) != 1 || edits[0].Params.Get("reply_markup") != "" || sends[1].Params.Get("reply_markup") == "" {
		t.Fatalf("growing past one message: want the first edited and the overflow sent with the buttons; got sends %v, edits %v", sends, edits)
	}
	tail := strconv.Itoa(sends[1].MessageID)

	// The stream goes on and only the second part changes: the first is left
	// as it is (Telegram's "message is not modified" is no error).
	long.Paragraphs[7] = bot.Paragraph{{Text: "Конец."}}
	if err := r.Edit(ctx, id, long); err != nil {
		t.Fatal(err)
	}
	sends, edits = h.srv.Calls("sendMessage"), h.srv.Calls("editMessageText")
	if len(sends) != 2 || len(edits) != 3 {
		t.Fatalf("sends %d, edits %d; want the overflow edited, not sent again", len(sends), len(edits))
	}
	if !strings.Contains(edits[1].Err, "not modified") || edits[2].Err != "" || edits[2].Params.Get("message_id") != tail || edits[2].Params.Get("reply_markup") == "" {
		t.Errorf("second edit: %v / %v", edits[1], edits[2])
	}

	if err := r.Edit(ctx, id, short); err != nil {
		t.Fatal(err)
	}
	if del := h.srv.Calls("deleteMessage"); len(del) != 1 || del[0].Params.Get("message_id") != tail {
		t.Errorf("shrinking to one message deletes %v, want the second part", del)
	}
}

func TestCommandMenuIsRegisteredPerLanguage(t *testing.T) {
	h := start(t, &fakeCore{})
	calls := h.wait(t, "setMyCommands", 2)
	got := map[string]string{}
	for _, c := range calls {
		var cmds []tgbotapi.BotCommand
		if err := c.Decode("commands", &cmds); err != nil {
			t.Fatal(err)
		}
		got[c.Params.Get("language_code")] = cmds[0].Command + ":" + cmds[0].Description
	}
	if got["kk"] != "start:start kk" || got["ru"] != "start:start ru" || len(got) != 2 {
		t.Errorf("menus = %v", got)
	}
}

func TestNotifyReachesTheUser(t *testing.T) {
	core := &fakeCore{}
	h := start(t, core)
	if core.notifier != h.a {
		t.Fatal("New did not register the adapter as the Telegram notifier")
	}
	for _, id := range []string{"tg:900", "901"} {
		if err := core.notifier.Notify(context.Background(), id, bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "Новая редакция"}}}}); err != nil {
			t.Fatal(err)
		}
	}
	calls := h.srv.Calls("sendMessage")
	if len(calls) != 2 || calls[0].Params.Get("chat_id") != "900" || calls[1].Params.Get("chat_id") != "901" {
		t.Errorf("sent %v", calls)
	}
	if err := h.a.Notify(context.Background(), "wa:7701", bot.Reply{}); err == nil {
		t.Error("notifying a WhatsApp id succeeded")
	}
}

func TestUploadsAreDownloadedOnlyWhenOpened(t *testing.T) {
	opened := make(chan []byte, 1)
	core := &fakeCore{handle: func(ctx context.Context, in bot.Incoming, out bot.Responder) error {
		if in.File == nil {
			return errors.New("no file")
		}
		if in.UserID == "1" { // the admin
			data, err := in.File.Open()
			if err != nil {
				return err
			}
			opened <- data
		}
		_, err := out.Send(ctx, bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "ok"}}}})
		return err
	}}
	h := start(t, core)
	h.srv.AddFile("f1", "kz2026_ru.txt", []byte("Статья 1. Текст."))
	doc := func(from int64) map[string]any {
		m := message(10, from, "private", from, "")
		delete(m["message"].(map[string]any), "text")
		m["message"].(map[string]any)["caption"] = "/import kz2026 ru"
		m["message"].(map[string]any)["document"] = map[string]any{"file_id": "f1", "file_unique_id": "u1", "file_name": "kz2026_ru.txt", "file_size": 24}
		return m
	}
	h.srv.Push(doc(2))
	h.wait(t, "sendMessage", 1)
	if n := len(h.srv.Calls("getFile")) + len(h.srv.Calls("download")); n != 0 {
		t.Fatalf("a non-admin's upload was fetched (%d calls)", n)
	}
	h.srv.Push(doc(1))
	select {
	case data := <-opened:
		if string(data) != "Статья 1. Текст." {
			t.Errorf("downloaded %q", data)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the admin's upload was not downloaded")
	}
	in := core.incoming()[0]
	if in.Text != "/import kz2026 ru" || in.NonText != "document" || in.File.Name != "kz2026_ru.txt" || in.File.Size != 24 {
		t.Errorf("incoming = %+v", in)
	}
}

func TestWebhookChecksTheSecret(t *testing.T) {
	core := &fakeCore{}
	h := start(t, core, func(o *Options) {
		o.WebhookURL = "https://bot.example.kz/telegram"
		o.WebhookSecret = "s3cret_value"
	})
	h.waitReady(t, true)
	set := h.wait(t, "setWebhook", 1)[0]
	if set.Params.Get("url") != "https://bot.example.kz/telegram" || set.Params.Get("secret_token") != "s3cret_value" {
		t.Errorf("setWebhook = %v", set)
	}
	if len(h.srv.Calls("deleteWebhook")) != 0 {
		t.Error("webhook mode deleted the webhook")
	}
	handler := h.a.WebhookHandler()
	post := func(secret, body string) int {
		req := httptest.NewRequest(http.MethodPost, "/telegram", strings.NewReader(body))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code
	}
	update := `{"update_id":5,"message":{"message_id":3,"date":1,"chat":{"id":501,"type":"private"},"from":{"id":501,"first_name":"A"},"text":"вопрос"}}`
	for _, tc := range []struct {
		secret, body string
		want         int
	}{
		{"", update, http.StatusForbidden},
		{"s3cret_valuE", update, http.StatusForbidden},
		{"s3cret_value", "{not json", http.StatusBadRequest},
		{"s3cret_value", update, http.StatusOK},
	} {
		if got := post(tc.secret, tc.body); got != tc.want {
			t.Errorf("secret %q: status %d, want %d", tc.secret, got, tc.want)
		}
	}
	h.wait(t, "sendMessage", 1)
	if n := len(core.incoming()); n != 1 {
		t.Errorf("core handled %d updates, want 1", n)
	}
}

func TestWebhookHandlerIsOffWhenPolling(t *testing.T) {
	h := start(t, &fakeCore{})
	req := httptest.NewRequest(http.MethodPost, "/telegram", strings.NewReader(`{}`))
	rec := httptest.NewRecorder()
	h.a.WebhookHandler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", rec.Code)
	}
}

func TestShutdownFinishesAnswersInFlight(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	core := &fakeCore{handle: func(ctx context.Context, in bot.Incoming, out bot.Responder) error {
		close(started)
		<-release
		_, err := out.Send(ctx, bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "готово"}}}})
		return err
	}}
	h := start(t, core)
	h.srv.Push(message(10, 501, "private", 501, "вопрос"))
	<-started
	stopped := make(chan struct{})
	go func() { h.stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Run returned with an answer in flight")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	<-stopped
	if calls := h.srv.Calls("sendMessage"); len(calls) != 1 {
		t.Errorf("the answer in flight was not sent: %v", calls)
	}
}

func TestReadyFollowsPolling(t *testing.T) {
	h := start(t, &fakeCore{})
	h.waitReady(t, true)
	h.srv.Close() // Telegram goes away
	h.waitReady(t, false)
	if !strings.Contains(h.logs.String(), "getting updates") || !strings.Contains(h.logs.String(), "<token>") {
		t.Errorf("the failure is not logged with the token redacted:\n%s", h.logs)
	}
}

func TestNewChecksOptions(t *testing.T) {
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no token", Options{Core: &fakeCore{}}, "ATAZAN_TELEGRAM_TOKEN"},
		{"no core", Options{Token: testToken}, "core"},
		{"bad endpoint", Options{Token: testToken, Core: &fakeCore{}, Endpoint: "http://127.0.0.1:1/bot"}, "two %s"},
		{"webhook without secret", Options{Token: testToken, Core: &fakeCore{}, WebhookURL: "https://x.kz/tg"}, "ATAZAN_TELEGRAM_WEBHOOK_SECRET"},
		{"plain http webhook", Options{Token: testToken, Core: &fakeCore{}, WebhookURL: "http://x.kz/tg", WebhookSecret: "abc"}, "https"},
		{"bad secret", Options{Token: testToken, Core: &fakeCore{}, WebhookURL: "https://x.kz/tg", WebhookSecret: "a b"}, "A-Z"},
		{"no queue", Options{Token: testToken, Core: &fakeCore{}}, "queue"},
		{"rejected token", Options{Token: "999:wrong", Core: &fakeCore{}, Endpoint: srv.Endpoint(), Queue: openQueue(t, t.TempDir())}, "rejected the token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	_, err := http.Get("http://127.0.0.1:1/bot" + testToken + "/getMe")
	if err == nil {
		t.Skip("something listens on port 1")
	}
	if got := redact(err, testToken).Error(); strings.Contains(got, testToken) || !strings.Contains(got, "<token>") {
		t.Errorf("redact = %q", got)
	}
	if redact(nil, testToken) != nil {
		t.Error("redact(nil) != nil")
	}
}

// BenchmarkMessageRoundTrip measures the adapter's own latency: an update
// served by long polling, handed to a core that answers at once, and the
// answer's sendMessage arriving at the Bot API.
func BenchmarkMessageRoundTrip(b *testing.B) {
	h := start(b, &fakeCore{})
	h.waitReady(b, true)
	n := 0
	for b.Loop() {
		n++
		h.srv.Push(message(n, 501, "private", 501, "Что такое Курултай?"))
		h.wait(b, "sendMessage", n)
	}
}
