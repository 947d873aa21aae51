package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"atazan/bot"
)

// fakeClient records what the adapter sends, in order.
type fakeClient struct {
	mu        sync.Mutex
	sent      []sentMessage
	attempts  []types.MessageID // the id of every SendMessage call
	reads     []types.MessageID
	presence  []types.ChatPresence
	available int      // "available" presences sent
	failures  int      // SendMessage fails this many times first
	failWith  error    // with this error (default: not connected)
	ids       int      // message ids generated
	block     chan any // when set, SendMessage waits for it or its context
	files     map[string][]byte
}

type sentMessage struct {
	to  types.JID
	id  types.MessageID
	msg *waE2E.Message
}

func (f *fakeClient) GenerateMessageID() types.MessageID {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids++
	return types.MessageID(fmt.Sprintf("3EB0%04d", f.ids))
}

func (f *fakeClient) SendPresence(ctx context.Context, state types.Presence) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if state == types.PresenceAvailable {
		f.available++
	}
	return nil
}

func (f *fakeClient) text(i int) string {
	m := f.sent[i].msg
	if m.Conversation != nil {
		return m.GetConversation()
	}
	return m.GetExtendedTextMessage().GetText()
}

func (f *fakeClient) SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return whatsmeow.SendResponse{}, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := types.MessageID("OUT" + string(rune('A'+len(f.attempts))))
	if len(extra) > 0 && extra[0].ID != "" {
		id = extra[0].ID
	}
	f.attempts = append(f.attempts, id)
	if f.failures > 0 {
		f.failures--
		if f.failWith != nil {
			return whatsmeow.SendResponse{}, f.failWith
		}
		return whatsmeow.SendResponse{}, whatsmeow.ErrNotConnected
	}
	f.sent = append(f.sent, sentMessage{to, id, msg})
	return whatsmeow.SendResponse{ID: id}, nil
}

func (f *fakeClient) MarkRead(ctx context.Context, ids []types.MessageID, ts time.Time, chat, sender types.JID, _ ...types.ReceiptType) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, ids...)
	return nil
}

func (f *fakeClient) SendChatPresence(ctx context.Context, chat types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.presence = append(f.presence, state)
	return nil
}

func (f *fakeClient) Upload(ctx context.Context, data []byte, kind whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.files == nil {
		f.files = map[string][]byte{}
	}
	path := "/v/upload/" + string(rune('a'+len(f.files)))
	f.files[path] = data
	return whatsmeow.UploadResponse{URL: "https://mmg.example" + path, DirectPath: path, FileLength: uint64(len(data))}, nil
}

func (f *fakeClient) Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error) {
	data, ok := f.files[msg.GetDirectPath()]
	if !ok {
		return nil, errors.New("no such media")
	}
	return data, nil
}

// fakeCore answers like the core does: group rules in ShouldAnswer, a
// cited answer with two follow-ups to a question, the data to a callback.
type fakeCore struct {
	mu       sync.Mutex
	got      []bot.Incoming
	reply    bot.Reply // nil Paragraphs: the default answer
	notifier bot.Notifier
	alerts   []string
	// handle, when set, runs at the start of Handle.
	handle func(ctx context.Context, in bot.Incoming)
}

func (c *fakeCore) Alert(ctx context.Context, source, msg string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.alerts = append(c.alerts, source+": "+msg)
	return nil
}

func (c *fakeCore) ShouldAnswer(in bot.Incoming) bool {
	return !in.IsGroup || in.Mentioned || in.ReplyToBot
}

func (c *fakeCore) AddNotifier(p bot.Platform, n bot.Notifier) { c.notifier = n }

func (c *fakeCore) Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error {
	c.mu.Lock()
	c.got = append(c.got, in)
	reply := c.reply
	handle := c.handle
	c.mu.Unlock()
	if handle != nil {
		handle(ctx, in)
	}
	if err := out.Typing(ctx); err != nil {
		return err
	}
	if in.Callback != "" {
		_, err := out.Send(ctx, bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "callback " + in.Callback}}}})
		return err
	}
	if reply.Paragraphs == nil {
		reply = bot.Reply{
			Paragraphs: []bot.Paragraph{{{Text: "Сайлауда 18 жастан дауыс береді "}, {Text: "(17-бап, 2-тармақ)", Bold: true}, {Text: "."}}},
			Actions:    []bot.Action{{Label: "Толық бап", Data: "art:kz2026:17"}, {Label: "1995 жылмен салыстыру", Data: "cmp:17"}},
		}
	}
	_, err := out.Send(ctx, reply)
	return err
}

func newTestAdapter(t *testing.T) (*Adapter, *fakeCore, *fakeClient, *conn) {
	t.Helper()
	sess, err := OpenSession(context.Background(), t.TempDir(), "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	core := &fakeCore{}
	a, err := New(Options{Core: core, Session: sess, SendInterval: time.Millisecond, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	a.pacer.backoff = time.Millisecond
	client := &fakeClient{}
	c := &conn{client: client, me: me, pnForLID: func(ctx context.Context, lid types.JID) (types.JID, error) {
		if lid == aliceLI {
			return alice, nil
		}
		return types.JID{}, errors.New("unknown")
	}}
	a.setConn(c)
	return a, core, client, c
}

// deliver hands evt to the adapter as the receive loop does and waits for the answer.
func deliver(a *Adapter, c *conn, evt *events.Message) {
	a.handleMessage(c, evt)
	a.answers.Wait()
}

func TestPrivateQuestionAndFollowups(t *testing.T) {
	a, core, client, c := newTestAdapter(t)
	if core.notifier != a {
		t.Error("New did not register the adapter as the core's WhatsApp notifier")
	}
	q := message(alice, alice, text("Нешеде сайлауға қатысуға болады?"))
	deliver(a, c, q)

	if len(core.got) != 1 || core.got[0].Text != "Нешеде сайлауға қатысуға болады?" || core.got[0].UserID != alice.User {
		t.Fatalf("core got %+v", core.got)
	}
	if len(client.reads) != 1 || client.reads[0] != q.Info.ID {
		t.Errorf("read receipts = %v, want the question's id", client.reads)
	}
	if want := []types.ChatPresence{types.ChatPresenceComposing, types.ChatPresencePaused}; !equal(client.presence, want) {
		t.Errorf("presence = %v, want %v", client.presence, want)
	}
	if len(client.sent) != 2 {
		t.Fatalf("sent %d messages, want answer + follow-ups", len(client.sent))
	}
	if got := client.text(0); got != "Сайлауда 18 жастан дауыс береді *(17-бап, 2-тармақ)*." {
		t.Errorf("answer = %q", got)
	}
	if got := client.text(1); !strings.HasPrefix(got, "*1* — Толық бап\n*2* — 1995 жылмен салыстыру") {
		t.Errorf("follow-ups = %q", got)
	}
	if client.sent[0].to != alice || client.sent[0].msg.Conversation == nil {
		t.Errorf("private answers go to the chat unquoted, got %v %v", client.sent[0].to, client.sent[0].msg)
	}

	// Sending the number picks the follow-up.
	deliver(a, c, message(alice, alice, text("2")))
	if got := core.got[1]; got.Callback != "cmp:17" || got.Text != "" {
		t.Errorf("\"2\" reached the core as %+v, want callback cmp:17", got)
	}
	if got := client.text(2); got != "callback cmp:17" {
		t.Errorf("follow-up answer = %q", got)
	}
	// A number beyond the choices is an ordinary question.
	deliver(a, c, message(alice, alice, text("7")))
	if got := core.got[2]; got.Callback != "" || got.Text != "7" {
		t.Errorf("\"7\" reached the core as %+v, want text", got)
	}
}

func TestFollowupsFollowUserAcrossAddressing(t *testing.T) {
	a, core, _, c := newTestAdapter(t)
	deliver(a, c, message(alice, alice, text("вопрос")))
	// The same person writes next under her hidden id.
	e := message(aliceLI, aliceLI, text("1"))
	deliver(a, c, e)
	if got := core.got[1]; got.UserID != alice.User || got.Callback != "art:kz2026:17" {
		t.Errorf("got %+v, want alice's number and her follow-up", got)
	}
}

func TestGroupMessages(t *testing.T) {
	tests := []struct {
		name     string
		msg      *waE2E.Message
		answered bool
	}{
		{"without mention", text("кто знает, что такое Курултай?"), false},
		{"mentioning the bot", extended("@77010000001 что такое Курултай?", &waE2E.ContextInfo{MentionedJID: []string{botPN.String()}}), true},
		{"replying to the bot", extended("а почему?", &waE2E.ContextInfo{
			StanzaID: proto.String("OUTA"), Participant: proto.String(botLID.String()), QuotedMessage: text("ст. 50"),
		}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, core, client, c := newTestAdapter(t)
			q := message(group, alice, tt.msg)
			deliver(a, c, q)
			if answered := len(core.got) == 1; answered != tt.answered {
				t.Fatalf("answered = %v, want %v", answered, tt.answered)
			}
			if !tt.answered {
				if len(client.sent)+len(client.reads)+len(client.presence) != 0 {
					t.Errorf("an unaddressed group message got a reaction: %+v", client)
				}
				return
			}
			if !strings.Contains(core.got[0].Text, "?") || strings.Contains(core.got[0].Text, "@") {
				t.Errorf("question text = %q", core.got[0].Text)
			}
			ctxInfo := client.sent[0].msg.GetExtendedTextMessage().GetContextInfo()
			if ctxInfo.GetStanzaID() != q.Info.ID || ctxInfo.GetParticipant() != alice.String() {
				t.Errorf("the answer should quote the question, context = %v", ctxInfo)
			}
			if client.sent[1].msg.Conversation == nil {
				t.Error("only the first message quotes the question")
			}
			// In a group a bare number only counts when addressed to the bot.
			deliver(a, c, message(group, alice, text("1")))
			if len(core.got) != 1 {
				t.Errorf("an unaddressed number reached the core: %+v", core.got[1])
			}
			deliver(a, c, message(group, alice, extended("@77010000001 1", &waE2E.ContextInfo{MentionedJID: []string{botPN.String()}})))
			if got := core.got[len(core.got)-1]; got.Callback != "art:kz2026:17" {
				t.Errorf("an addressed number reached the core as %+v", got)
			}
		})
	}
}

func TestForwardedQuestionAnswered(t *testing.T) {
	a, core, client, c := newTestAdapter(t)
	deliver(a, c, message(alice, alice, extended("Можно ли лишить гражданства?",
		&waE2E.ContextInfo{IsForwarded: proto.Bool(true)})))
	if len(core.got) != 1 || !core.got[0].IsForwarded {
		t.Fatalf("core got %+v, want a forwarded question", core.got)
	}
	// The answer stands alone, without the choices, so it can be forwarded on.
	if len(client.sent) != 2 || strings.Contains(client.text(0), "—") {
		t.Errorf("answer = %q", client.text(0))
	}
}

func TestIgnoredMessagesGetNoReaction(t *testing.T) {
	tests := []struct {
		name string
		evt  func() *events.Message
	}{
		{"own", func() *events.Message {
			e := message(alice, botPN, text("сам себе"))
			e.Info.IsFromMe = true
			return e
		}},
		{"status", func() *events.Message { return message(types.StatusBroadcastJID, alice, text("мой статус")) }},
		{"old", func() *events.Message {
			e := message(alice, alice, text("вчерашний вопрос"))
			e.Info.Timestamp = t0.Add(-3 * time.Minute)
			return e
		}},
		{"reaction", func() *events.Message {
			return message(alice, alice, &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, core, client, c := newTestAdapter(t)
			deliver(a, c, tt.evt())
			if len(core.got)+len(client.sent)+len(client.reads)+len(client.presence) != 0 {
				t.Errorf("ignored message got a reaction: core %v, client %+v", core.got, client)
			}
		})
	}
}

func TestLongAnswerSplit(t *testing.T) {
	a, core, client, c := newTestAdapter(t)
	para := bot.Paragraph{{Text: strings.Repeat("Әркімнің өз құқықтарын қорғауға құқығы бар. ", 60)}}
	core.reply = bot.Reply{Paragraphs: []bot.Paragraph{para, para, para}}
	deliver(a, c, message(alice, alice, text("құқықтар?")))
	if len(client.sent) < 3 {
		t.Fatalf("a %d-rune answer went out in %d messages", utf8.RuneCountInString(core.reply.Plain()), len(client.sent))
	}
	total := 0
	for i := range client.sent {
		n := utf8.RuneCountInString(client.text(i))
		if n > maxMessageRunes {
			t.Errorf("message %d has %d runes", i, n)
		}
		total += n
	}
	if total < utf8.RuneCountInString(core.reply.Plain())-10 {
		t.Errorf("text lost in splitting: %d of %d runes", total, utf8.RuneCountInString(core.reply.Plain()))
	}
}

func TestSendRetriesWithBackoff(t *testing.T) {
	a, core, client, c := newTestAdapter(t)
	client.failures = 2
	deliver(a, c, message(alice, alice, text("вопрос")))
	if len(core.got) != 1 || len(client.sent) != 2 {
		t.Errorf("after two failed sends, sent %d messages, want 2", len(client.sent))
	}

	client.failures = 10
	deliver(a, c, message(alice, alice, text("ещё вопрос")))
	if len(client.sent) != 2 {
		t.Errorf("sends that kept failing should give up, sent %d", len(client.sent))
	}
}

func TestDocumentDownloadedOnlyWhenOpened(t *testing.T) {
	a, core, client, c := newTestAdapter(t)
	client.files = map[string][]byte{"/v/t62/doc": []byte("1-бап. ...")}
	deliver(a, c, message(alice, alice, &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		FileName: proto.String("kz2026-kk.txt"), FileLength: proto.Uint64(10),
		Caption: proto.String("/import kz2026 kk"), DirectPath: proto.String("/v/t62/doc"),
	}}))
	in := core.got[0]
	if in.File == nil || in.File.Name != "kz2026-kk.txt" || in.Text != "/import kz2026 kk" {
		t.Fatalf("core got %+v", in)
	}
	data, err := in.File.Open()
	if err != nil || string(data) != "1-бап. ..." {
		t.Errorf("Open = %q, %v", data, err)
	}
}

func TestSendDocument(t *testing.T) {
	a, _, client, c := newTestAdapter(t)
	csv := []byte("answer_id,vote\n42,down\n")
	_, err := a.send(context.Background(), c, alice, bot.Reply{
		Paragraphs: []bot.Paragraph{{{Text: "Отзывы за неделю"}}},
		Document:   &bot.OutFile{Name: "feedback.csv", Data: csv},
	}, nil, "user:"+alice.User)
	if err != nil {
		t.Fatal(err)
	}
	if len(client.sent) != 2 {
		t.Fatalf("sent %d messages, want text and document", len(client.sent))
	}
	doc := client.sent[1].msg.GetDocumentMessage()
	if doc.GetFileName() != "feedback.csv" || doc.GetMimetype() != "text/csv" || doc.GetFileLength() != uint64(len(csv)) {
		t.Errorf("document message = %v", doc)
	}
	if got := client.files[doc.GetDirectPath()]; string(got) != string(csv) {
		t.Errorf("uploaded %q", got)
	}
}

func TestNotify(t *testing.T) {
	a, _, client, c := newTestAdapter(t)
	err := a.Notify(context.Background(), "77015556677", bot.Reply{
		Paragraphs: []bot.Paragraph{{{Text: "Новая редакция kz2026: изменены статьи 17, 50."}}},
		Actions:    []bot.Action{{Label: "Активировать", Data: "adm:activate:s1"}, {Label: "Игнорировать", Data: "adm:ignore:s1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	admin := types.NewJID("77015556677", types.DefaultUserServer)
	if len(client.sent) != 2 || client.sent[0].to != admin {
		t.Fatalf("sent %+v", client.sent)
	}
	// The admin answers with the number.
	core := a.core.(*fakeCore)
	deliver(a, c, message(admin, admin, text("1")))
	if got := core.got[0].Callback; got != "adm:activate:s1" {
		t.Errorf("admin's \"1\" = %q, want adm:activate:s1", got)
	}

	a.setConn(nil)
	if err := a.Notify(context.Background(), "77015556677", bot.Reply{}); err == nil {
		t.Error("Notify while disconnected should fail")
	}
}

func TestConnectionEventsSetStatus(t *testing.T) {
	a, _, _, _ := newTestAdapter(t)
	ctx := context.Background()
	tests := []struct {
		evt   any
		state State
		stops bool
	}{
		{&events.Disconnected{}, StateDisconnected, false},
		{&events.LoggedOut{OnConnect: true, Reason: events.ConnectFailureLoggedOut}, StateLoggedOut, true},
		{&events.TemporaryBan{Code: events.TempBanBlockedByUsers, Expire: 24 * time.Hour}, StateBanned, true},
		{&events.StreamReplaced{}, StateFailed, true},
		{&events.ClientOutdated{}, StateFailed, true},
		{&events.ConnectFailure{Reason: events.ConnectFailureBadUserAgent}, StateFailed, true},
	}
	for _, tt := range tests {
		stopped := make(chan time.Duration, 1)
		a.onEvent(ctx, nil, tt.evt, stopped)
		st := a.Status()
		if st.State != tt.state || st.Healthy() == tt.stops {
			t.Errorf("%T: status %+v, want %s", tt.evt, st, tt.state)
		}
		if stops := len(stopped) == 1; stops != tt.stops {
			t.Errorf("%T: stops = %v, want %v", tt.evt, stops, tt.stops)
		}
		if err := a.Check(ctx); err == nil || !strings.Contains(err.Error(), string(tt.state)) {
			t.Errorf("%T: Check = %v, want the state named", tt.evt, err)
		}
	}

	// Connected with a real (unconnected) whatsmeow client: the adapter
	// starts answering with it.
	a.setConn(nil)
	cli := whatsmeow.NewClient(a.session.container.NewDevice(), nil)
	a.onEvent(ctx, cli, &events.Connected{}, make(chan time.Duration, 1))
	if st := a.Status(); st.State != StateConnected || a.Check(ctx) != nil || !a.Ready() || a.currentConn() == nil {
		t.Errorf("after Connected: status %+v, check %v, conn %v", st, a.Check(ctx), a.currentConn())
	}
	a.onEvent(ctx, nil, &events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour}, make(chan time.Duration, 1))
	if st := a.Status(); !st.Until.Equal(t0.Add(time.Hour)) || !strings.Contains(st.Detail, "101") {
		t.Errorf("ban status = %+v, want until the ban ends and its reason", st)
	}
}

func TestRunWithoutLinkedPhoneWaits(t *testing.T) {
	sess, err := OpenSession(context.Background(), t.TempDir(), "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var logs strings.Builder
	a, err := New(Options{Core: &fakeCore{}, Session: sess, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	waitFor(t, func() bool { return a.Status().State == StateNotLinked })
	if st := a.Status(); st.Healthy() || !strings.Contains(st.Detail, "atazan whatsapp link") {
		t.Errorf("status = %+v, want not linked with instructions", st)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	if a.Status().State != StateStopped {
		t.Errorf("after Run, status = %+v", a.Status())
	}
	if !strings.Contains(logs.String(), "atazan whatsapp link") || strings.Count(logs.String(), "not_linked") != 1 {
		t.Errorf("logs should tell once how to link:\n%s", logs.String())
	}
}

func TestNewNeedsCoreAndSession(t *testing.T) {
	if _, err := New(Options{Session: &Session{}}); err == nil {
		t.Error("New without a core should fail")
	}
	if _, err := New(Options{Core: &fakeCore{}}); err == nil {
		t.Error("New without a session should fail")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 5s")
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
