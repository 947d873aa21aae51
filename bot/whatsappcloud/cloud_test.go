package whatsappcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"atazan/bot"
	"atazan/bot/whatsappcloud/cloudtest"
)

const (
	token     = "EAAG-test-token"
	phoneID   = "106540352242922"
	appSecret = "0123456789abcdef0123456789abcdef"
	verify    = "verify-me"
	alice     = "77011234567"
)

// fakeCore answers like the core does: a cited answer with follow-ups to
// a question, the data to a callback, and for a file its size once opened.
type fakeCore struct {
	mu       sync.Mutex
	got      []bot.Incoming
	reply    bot.Reply // nil Paragraphs: the default answer
	notifier bot.Notifier
	opened   []error
}

func (c *fakeCore) AddNotifier(p bot.Platform, n bot.Notifier) { c.notifier = n }

func (c *fakeCore) Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error {
	c.mu.Lock()
	c.got = append(c.got, in)
	reply := c.reply
	c.mu.Unlock()
	if err := out.Typing(ctx); err != nil {
		return err
	}
	switch {
	case in.Callback != "":
		reply = bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "callback " + in.Callback}}}}
	case in.File != nil:
		data, err := in.File.Open()
		c.mu.Lock()
		c.opened = append(c.opened, err)
		c.mu.Unlock()
		reply = bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "file of " + strconv.Itoa(len(data)) + " bytes"}}}}
	case reply.Paragraphs == nil:
		reply = bot.Reply{
			Paragraphs: []bot.Paragraph{{{Text: "В Курултае 98 депутатов "}, {Text: "(ст. 50, п. 1)", Bold: true}, {Text: "."}}},
			Actions:    []bot.Action{{Label: "📖 Статья 50", Data: "art:kz2026:50"}, {Label: "👍", Data: "fb:up:1"}},
		}
	}
	_, err := out.Send(ctx, reply)
	return err
}

func (c *fakeCore) incoming() []bot.Incoming {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bot.Incoming(nil), c.got...)
}

type fixture struct {
	a    *Adapter
	core *fakeCore
	api  *cloudtest.Server
	h    http.Handler
	logs *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	api := cloudtest.NewServer(token, phoneID)
	t.Cleanup(api.Close)
	core := &fakeCore{}
	var logs bytes.Buffer
	a, err := New(Options{
		Core: core, Token: token, PhoneNumberID: phoneID, AppSecret: appSecret, VerifyToken: verify,
		GraphURL: api.URL(), Backoff: time.Millisecond, MaxMedia: 1000,
		Log: slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{a: a, core: core, api: api, h: a.WebhookHandler(), logs: &logs}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// post delivers a webhook body signed with secret ("" for unsigned) and
// waits for the answers it started.
func (f *fixture) post(t *testing.T, body []byte, secret string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/whatsapp/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Hub-Signature-256", cloudtest.Sign(secret, body))
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	f.a.answers.Wait()
	return rec.Code
}

func (f *fixture) deliver(t *testing.T, msgs ...cloudtest.Message) {
	t.Helper()
	if code := f.post(t, cloudtest.Payload(phoneID, "Aliya", msgs...), appSecret); code != http.StatusOK {
		t.Fatalf("signed webhook: status %d", code)
	}
}

func TestWebhookVerification(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		query string
		code  int
		body  string
	}{
		{"hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", http.StatusOK, "1158201444"},
		{"hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444", http.StatusForbidden, ""},
		{"hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1158201444", http.StatusForbidden, ""},
		{"hub.challenge=1158201444", http.StatusForbidden, ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/whatsapp/webhook?"+tt.query, nil))
		if rec.Code != tt.code || (tt.body != "" && rec.Body.String() != tt.body) {
			t.Errorf("GET ?%s: %d %q, want %d %q", tt.query, rec.Code, rec.Body.String(), tt.code, tt.body)
		}
		if tt.code != http.StatusOK && strings.Contains(rec.Body.String(), "1158201444") {
			t.Errorf("GET ?%s repeated the challenge", tt.query)
		}
	}
}

func TestWebhookRefusesUnsignedAndForged(t *testing.T) {
	f := newFixture(t)
	body := cloudtest.Payload(phoneID, "Aliya", cloudtest.Text(alice, "wamid.1", "Сколько депутатов?"))
	tampered := bytes.Replace(body, []byte("Сколько"), []byte("Скольк0"), 1)
	tests := []struct {
		name   string
		header string
		body   []byte
	}{
		{"unsigned", "", body},
		{"signed with another secret", cloudtest.Sign("another-secret", body), body},
		{"signature of another body", cloudtest.Sign(appSecret, body), tampered},
		{"sha1 signature", "sha1=" + strings.TrimPrefix(cloudtest.Sign(appSecret, body), "sha256="), body},
		{"not hex", "sha256=zz", body},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodPost, "/whatsapp/webhook", bytes.NewReader(tt.body))
		if tt.header != "" {
			req.Header.Set("X-Hub-Signature-256", tt.header)
		}
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		f.a.answers.Wait()
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tt.name, rec.Code)
		}
	}
	if got := f.core.incoming(); len(got) != 0 || len(f.api.Calls("")) != 0 {
		t.Errorf("a refused webhook reached the core (%v) or the API (%v)", got, f.api.Calls(""))
	}
	if strings.Contains(f.logs.String(), appSecret) || strings.Contains(f.logs.String(), token) {
		t.Errorf("logs show a secret:\n%s", f.logs)
	}
	if code := f.post(t, []byte("{not json"), appSecret); code != http.StatusBadRequest {
		t.Errorf("signed garbage: status %d, want 400", code)
	}
}

func TestQuestionAnsweredWithButtonsThenButtonReply(t *testing.T) {
	f := newFixture(t)
	f.deliver(t, cloudtest.Text(alice, "wamid.Q1", "Сколько депутатов в Курултае?"))

	got := f.core.incoming()
	if len(got) != 1 || got[0].Text != "Сколько депутатов в Курултае?" || got[0].UserID != alice ||
		got[0].ChatID != alice || got[0].UserName != "Aliya" || got[0].Platform != bot.WhatsApp {
		t.Fatalf("core got %+v", got)
	}
	reads := f.api.Reads()
	if len(reads) != 2 || reads[0].Str("message_id") != "wamid.Q1" || reads[1].Str("typing_indicator.type") != "text" {
		t.Errorf("want the question marked read, then typing shown; got %v", reads)
	}
	sent := f.api.Sent()
	if len(sent) != 1 {
		t.Fatalf("sent %d messages, want the answer with its buttons in one: %v", len(sent), sent)
	}
	m := sent[0]
	if m.Str("to") != alice || m.Str("type") != "interactive" || m.Str("interactive.type") != "button" {
		t.Fatalf("answer = %v", m.Body)
	}
	if body := m.Str("interactive.body.text"); body != "В Курултае 98 депутатов *(ст. 50, п. 1)*." {
		t.Errorf("answer text = %q", body)
	}
	if m.Str("biz_opaque_callback_data") == "" {
		t.Error("the message carries no logical id")
	}

	// She presses the first button.
	press := cloudtest.Message{"from": alice, "id": "wamid.B1", "timestamp": strconv.FormatInt(time.Now().Unix(), 10),
		"type": "interactive", "interactive": map[string]any{"type": "button_reply",
			"button_reply": map[string]any{"id": "art:kz2026:50", "title": "📖 Статья 50"}}}
	f.deliver(t, press)
	got = f.core.incoming()
	if len(got) != 2 || got[1].Callback != "art:kz2026:50" || got[1].Text != "" {
		t.Fatalf("button reached the core as %+v", got[len(got)-1])
	}
	if sent := f.api.Sent(); len(sent) != 2 || sent[1].Str("text.body") != "callback art:kz2026:50" {
		t.Errorf("after the button: %v", sent)
	}
}

func TestActionsAsButtonsOrList(t *testing.T) {
	long := "1995 жылмен салыстыру және тағы басқа" // over both title limits
	tests := []struct {
		name    string
		actions []bot.Action
		kind    string
		titles  []string
	}{
		{"three short", []bot.Action{{Label: "A", Data: "a"}, {Label: "B", Data: "b"}, {Label: "C", Data: "c"}}, "button", []string{"A", "B", "C"}},
		{"four", []bot.Action{{Label: "A", Data: "a"}, {Label: "B", Data: "b"}, {Label: "C", Data: "c"}, {Label: "D", Data: "d"}}, "list", []string{"A", "B", "C", "D"}},
		{"long label", []bot.Action{{Label: "Толық бап", Data: "art"}, {Label: long, Data: "cmp"}}, "list", []string{"Толық бап", "1995 жылмен салыстыру…"}},
		{"eleven", func() []bot.Action {
			var as []bot.Action
			for i := range 11 {
				as = append(as, bot.Action{Label: strconv.Itoa(i), Data: "d" + strconv.Itoa(i)})
			}
			return as
		}(), "list", []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.core.reply = bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "Жауап."}}}, Actions: tt.actions}
			f.deliver(t, cloudtest.Text(alice, "wamid.1", "сұрақ"))
			sent := f.api.Sent()
			if len(sent) != 1 || sent[0].Str("interactive.type") != tt.kind {
				t.Fatalf("sent %v, want one %s (the fake refuses what the API refuses: %v)", sent, tt.kind, f.api.Calls("/messages"))
			}
			in := render(f.core.reply)[0].Interactive
			var titles []string
			for _, b := range in.Action.Buttons {
				titles = append(titles, b.Reply.Title)
			}
			for _, s := range in.Action.Sections {
				for _, r := range s.Rows {
					titles = append(titles, r.Title)
					if r.Title != tt.actions[len(titles)-1].Label && r.Description == "" {
						t.Errorf("row %q was cut without the full label as its description", r.Title)
					}
				}
			}
			if strings.Join(titles, "|") != strings.Join(tt.titles, "|") {
				t.Errorf("titles = %q, want %q", titles, tt.titles)
			}
			if tt.kind == "list" && in.Action.Button == "" {
				t.Error("a list needs the label of its opening button")
			}
		})
	}
}

func TestLongAnswerChunked(t *testing.T) {
	f := newFixture(t)
	para := bot.Paragraph{{Text: strings.Repeat("Әркімнің өз құқықтарын қорғауға құқығы бар. ", 60)}}
	f.core.reply = bot.Reply{Paragraphs: []bot.Paragraph{para, para, para}, Actions: []bot.Action{{Label: "Толық бап", Data: "art:17"}}}
	f.deliver(t, cloudtest.Text(alice, "wamid.1", "құқықтар?"))
	sent := f.api.Sent()
	if len(sent) < 3 {
		t.Fatalf("a %d-rune answer went out in %d messages", utf8.RuneCountInString(f.core.reply.Plain()), len(sent))
	}
	total := 0
	for _, m := range sent[:len(sent)-1] {
		if m.Str("type") != "text" {
			t.Fatalf("message %v, want text before the buttons", m.Body)
		}
		total += utf8.RuneCountInString(m.Str("text.body"))
	}
	if total < utf8.RuneCountInString(f.core.reply.Plain())-10 {
		t.Errorf("text lost in splitting: %d of %d runes", total, utf8.RuneCountInString(f.core.reply.Plain()))
	}
	last := sent[len(sent)-1]
	if last.Str("type") != "interactive" || last.Str("interactive.body.text") != "Әрі қарай:" {
		t.Errorf("last message %v, want the buttons under a Kazakh prompt", last.Body)
	}
}

func TestDuplicateDeliveryAnsweredOnce(t *testing.T) {
	f := newFixture(t)
	q := cloudtest.Text(alice, "wamid.DUP", "Сколько депутатов?")
	f.deliver(t, q)
	f.deliver(t, q)    // Meta retries a delivery it thinks failed
	f.deliver(t, q, q) // or repeats it within one
	if got := f.core.incoming(); len(got) != 1 {
		t.Errorf("one message delivered three times reached the core %d times", len(got))
	}
	if sent := f.api.Sent(); len(sent) != 1 {
		t.Errorf("answered %d times", len(sent))
	}
}

func TestIncomingKinds(t *testing.T) {
	now := strconv.FormatInt(time.Now().Unix(), 10)
	msg := func(typ string, fields map[string]any) cloudtest.Message {
		m := cloudtest.Message{"from": alice, "id": "wamid." + typ, "timestamp": now, "type": typ}
		for k, v := range fields {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name string
		msg  cloudtest.Message
		want *bot.Incoming // nil: ignored
	}{
		{"forwarded", msg("text", map[string]any{"text": map[string]any{"body": "Можно ли лишить гражданства?"},
			"context": map[string]any{"forwarded": true}}), &bot.Incoming{Text: "Можно ли лишить гражданства?", IsForwarded: true}},
		{"frequently forwarded", msg("text", map[string]any{"text": map[string]any{"body": "?"},
			"context": map[string]any{"frequently_forwarded": true}}), &bot.Incoming{Text: "?", IsForwarded: true}},
		{"list reply", msg("interactive", map[string]any{"interactive": map[string]any{"type": "list_reply",
			"list_reply": map[string]any{"id": "cmp:17", "title": "Сравнить"}}}), &bot.Incoming{Callback: "cmp:17"}},
		{"template quick reply", msg("button", map[string]any{"button": map[string]any{"payload": "start", "text": "Start"}}), &bot.Incoming{Callback: "start"}},
		{"sticker", msg("sticker", map[string]any{"sticker": map[string]any{"id": "m1"}}), &bot.Incoming{NonText: "sticker"}},
		{"voice", msg("audio", map[string]any{"audio": map[string]any{"id": "m1"}}), &bot.Incoming{NonText: "voice"}},
		{"photo with caption", msg("image", map[string]any{"image": map[string]any{"id": "m1", "caption": "это законно?"}}), &bot.Incoming{NonText: "photo", Text: "это законно?"}},
		{"reaction", msg("reaction", map[string]any{"reaction": map[string]any{"message_id": "wamid.OUT1", "emoji": "👍"}}), nil},
		{"unsupported", msg("unsupported", nil), nil},
		{"system", msg("system", map[string]any{"system": map[string]any{"body": "changed number"}}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.deliver(t, tt.msg)
			got := f.core.incoming()
			if tt.want == nil {
				if len(got)+len(f.api.Calls("")) != 0 {
					t.Errorf("ignored message got a reaction: core %v, API %v", got, f.api.Calls(""))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("core got %v", got)
			}
			g := got[0]
			if g.Text != tt.want.Text || g.Callback != tt.want.Callback || g.NonText != tt.want.NonText || g.IsForwarded != tt.want.IsForwarded {
				t.Errorf("core got %+v, want %+v", g, *tt.want)
			}
		})
	}
}

func TestOtherPhoneNumberIgnored(t *testing.T) {
	f := newFixture(t)
	f.post(t, cloudtest.Payload("999999", "Aliya", cloudtest.Text(alice, "wamid.1", "?")), appSecret)
	if got := f.core.incoming(); len(got) != 0 {
		t.Errorf("a message to another number of the account reached the core: %v", got)
	}
}

func TestDocumentDownloadedWithTokenAndCapped(t *testing.T) {
	f := newFixture(t)
	f.api.AddMedia("media-small", "text/plain", []byte("1-бап. Қазақстан Республикасы…"))
	f.api.AddMedia("media-big", "text/plain", bytes.Repeat([]byte("x"), 1001))
	doc := func(id, media string) cloudtest.Message {
		return cloudtest.Message{"from": alice, "id": id, "timestamp": strconv.FormatInt(time.Now().Unix(), 10), "type": "document",
			"document": map[string]any{"id": media, "filename": "kz2026-kk.txt", "caption": "/import kz2026 kk", "mime_type": "text/plain"}}
	}
	f.deliver(t, doc("wamid.D1", "media-small"))
	got := f.core.incoming()
	if len(got) != 1 || got[0].File == nil || got[0].File.Name != "kz2026-kk.txt" || got[0].Text != "/import kz2026 kk" || got[0].NonText != "document" {
		t.Fatalf("core got %+v", got)
	}
	if f.core.opened[0] != nil {
		t.Fatalf("opening the document: %v", f.core.opened[0])
	}
	if sent := f.api.Sent(); sent[0].Str("text.body") != "file of "+strconv.Itoa(len("1-бап. Қазақстан Республикасы…"))+" bytes" {
		t.Errorf("the core read %q", sent[0].Str("text.body"))
	}
	if len(f.api.Calls("/download/media-small")) != 1 {
		t.Error("the media URL was not fetched (with the token, or the fake would refuse)")
	}

	f.deliver(t, doc("wamid.D2", "media-big"))
	if err := f.core.opened[1]; err == nil || !strings.Contains(err.Error(), "1000") {
		t.Errorf("a file over the cap: %v, want refused naming the limit", err)
	}
	if len(f.api.Calls("/download/media-big")) != 0 {
		t.Error("a file known to be too big was downloaded anyway")
	}
}

func TestDocumentOnlyFetchedWhenOpened(t *testing.T) {
	f := newFixture(t)
	f.core.reply = bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "Я читаю только текст."}}}}
	// A core that does not open the file: as for anyone not an admin.
	in, ok := f.a.incoming(message{From: alice, ID: "wamid.D", Type: "document", Document: &media{ID: "m", Filename: "x.docx"}}, "")
	if !ok || in.File == nil {
		t.Fatalf("incoming = %+v, %v", in, ok)
	}
	if len(f.api.Calls("")) != 0 {
		t.Error("a document was fetched before anyone opened it")
	}
}

func TestSendRetries(t *testing.T) {
	tests := []struct {
		name     string
		failures []cloudtest.Failure
		attempts int
		ok       bool
	}{
		{"5xx twice", []cloudtest.Failure{{Status: 500, Code: 1}, {Status: 503, Code: 2}}, 3, true},
		{"429", []cloudtest.Failure{{Status: 429, Code: 130429}}, 2, true},
		{"throughput code in a 400", []cloudtest.Failure{{Status: 400, Code: 130429}}, 2, true},
		{"bad request", []cloudtest.Failure{{Status: 400, Code: 100}}, 1, false},
		{"always 5xx", []cloudtest.Failure{{Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}}, 5, false},
		{"asked to wait too long", []cloudtest.Failure{{Status: 429, Code: 4, RetryAfter: "3600"}}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.a.window.touch(alice, time.Now())
			f.api.Fail(tt.failures...)
			_, err := f.a.send(context.Background(), alice, bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "Жауап."}}}})
			if (err == nil) != tt.ok {
				t.Fatalf("send = %v, want ok %v", err, tt.ok)
			}
			calls := f.api.Calls("/messages")
			if len(calls) != tt.attempts {
				t.Fatalf("%d attempts, want %d", len(calls), tt.attempts)
			}
			for _, c := range calls {
				if c.Str("biz_opaque_callback_data") != calls[0].Str("biz_opaque_callback_data") {
					t.Errorf("retries of one message carry different ids: %q, %q", calls[0].Str("biz_opaque_callback_data"), c.Str("biz_opaque_callback_data"))
				}
			}
		})
	}
}

func TestSendHonoursRetryAfter(t *testing.T) {
	f := newFixture(t)
	f.a.window.touch(alice, time.Now())
	f.api.Fail(cloudtest.Failure{Status: 429, Code: 130429, RetryAfter: "1"})
	start := time.Now()
	if _, err := f.a.send(context.Background(), alice, bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "Жауап."}}}}); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %s, before the server's Retry-After of 1s", waited)
	}
}

func TestCustomerServiceWindow(t *testing.T) {
	f := newFixture(t)
	note := bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "Новая редакция kz2026."}}}}
	ctx := context.Background()
	if f.core.notifier != f.a {
		t.Fatal("New did not register the adapter as the core's WhatsApp notifier")
	}
	if err := f.a.Notify(ctx, alice, note); !errors.Is(err, ErrWindowClosed) {
		t.Errorf("Notify to someone who never wrote = %v, want ErrWindowClosed", err)
	}
	if len(f.api.Calls("")) != 0 || !strings.Contains(f.logs.String(), "24 hours") {
		t.Errorf("want nothing sent and the reason logged; calls %v, logs:\n%s", f.api.Calls(""), f.logs)
	}

	// A message 23 hours ago opens the window; 25 hours ago does not.
	old := cloudtest.Text(alice, "wamid.OLD", "?")
	old["timestamp"] = strconv.FormatInt(time.Now().Add(-25*time.Hour).Unix(), 10)
	f.a.dispatch(mustPayload(t, old))
	f.a.answers.Wait()
	if f.a.window.open(alice) {
		t.Error("a 25-hour-old message opened the window")
	}
	f.a.window.touch(alice, time.Now().Add(-23*time.Hour))
	if err := f.a.Notify(ctx, alice, note); err != nil {
		t.Errorf("Notify within the window: %v", err)
	}

	// WhatsApp knows better (a message from another device): 131047.
	f.api.Fail(cloudtest.Failure{Status: 400, Code: 131047})
	if err := f.a.Notify(ctx, alice, note); !errors.Is(err, ErrWindowClosed) {
		t.Errorf("Notify refused with 131047 = %v, want ErrWindowClosed", err)
	}
	if f.a.window.open(alice) {
		t.Error("after 131047 the window should count as closed")
	}
}

func TestSendDocument(t *testing.T) {
	f := newFixture(t)
	f.a.window.touch(alice, time.Now())
	csv := []byte("answer_id,vote\n42,down\n")
	if _, err := f.a.send(context.Background(), alice, bot.Reply{
		Paragraphs: []bot.Paragraph{{{Text: "Отзывы за неделю"}}},
		Document:   &bot.OutFile{Name: "feedback.csv", Data: csv},
	}); err != nil {
		t.Fatal(err)
	}
	sent := f.api.Sent()
	if len(sent) != 2 || sent[1].Str("type") != "document" || sent[1].Str("document.filename") != "feedback.csv" {
		t.Fatalf("sent %v", sent)
	}
	uploads := f.api.Calls("/media")
	if len(uploads) != 1 || uploads[0].Status != http.StatusOK {
		t.Fatalf("uploads %v", uploads)
	}
}

func TestRunChecksCredentialsAndShutsDown(t *testing.T) {
	f := newFixture(t)
	if err := f.a.Check(context.Background()); err == nil {
		t.Error("ready before the credentials were checked")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.a.Run(ctx) }()
	eventually(t, func() bool { return f.a.Check(ctx) == nil })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	if code := f.post(t, cloudtest.Payload(phoneID, "Aliya", cloudtest.Text(alice, "wamid.late", "?")), appSecret); code != http.StatusServiceUnavailable {
		t.Errorf("webhook after shutdown: %d, want 503 so that Meta delivers it again", code)
	}
	if len(f.core.incoming()) != 0 {
		t.Error("a message after shutdown reached the core")
	}
}

func TestRunReportsRefusedToken(t *testing.T) {
	api := cloudtest.NewServer("the-right-token", phoneID)
	defer api.Close()
	a, err := New(Options{Core: &fakeCore{}, Token: "a-wrong-token", PhoneNumberID: phoneID, AppSecret: appSecret, VerifyToken: verify, GraphURL: api.URL()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	eventually(t, func() bool { err := a.Check(ctx); return err != nil && strings.Contains(err.Error(), "refused") })
	if err := a.Check(ctx); err == nil || !strings.Contains(err.Error(), "ATAZAN_WHATSAPP_CLOUD_TOKEN") || strings.Contains(err.Error(), "a-wrong-token") {
		t.Errorf("Check = %v, want the token named, not shown", err)
	}
	cancel()
	<-done
}

func TestNewNeedsSettings(t *testing.T) {
	_, err := New(Options{Core: &fakeCore{}, Token: token})
	if err == nil || !strings.Contains(err.Error(), "app secret") || !strings.Contains(err.Error(), "verify token") {
		t.Errorf("New without settings = %v, want each missing one named", err)
	}
}

func mustPayload(t *testing.T, msgs ...cloudtest.Message) payload {
	t.Helper()
	var p payload
	if err := jsonUnmarshal(cloudtest.Payload(phoneID, "Aliya", msgs...), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

var jsonUnmarshal = json.Unmarshal

// eventually polls cond, which another goroutine makes true, for up to 10s.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 10s")
}
