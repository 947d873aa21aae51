package whatsapp

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"atazan/bot"
)

var (
	botPN   = types.NewJID("77010000001", types.DefaultUserServer)
	botLID  = types.NewJID("190000000001", types.HiddenUserServer)
	me      = identity{PN: botPN, LID: botLID}
	alice   = types.NewJID("77012223344", types.DefaultUserServer)
	aliceLI = types.NewJID("250000000042", types.HiddenUserServer)
	group   = types.NewJID("120363000000000001", types.GroupServer)
	t0      = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
)

// message builds the event whatsmeow emits for msg arriving in chat from sender.
// messageIDs numbers the test messages: each delivery is a new message.
var messageIDs atomic.Int64

func message(chat, sender types.JID, msg *waE2E.Message) *events.Message {
	return &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: chat, Sender: sender, IsGroup: chat.Server == types.GroupServer},
			ID:            types.MessageID(fmt.Sprintf("3EB0%s%06d", sender.User, messageIDs.Add(1))),
			PushName:      "Alice",
			Timestamp:     t0,
		},
		Message: msg,
	}
}

func text(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }

func extended(s string, ctx *waE2E.ContextInfo) *waE2E.Message {
	return &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(s), ContextInfo: ctx}}
}

func TestIncoming(t *testing.T) {
	tests := []struct {
		name string
		evt  *events.Message
		want bot.Incoming
		ok   bool
	}{{
		name: "private plain text",
		evt:  message(alice, alice, text("  Кім Президент бола алады?  ")),
		want: bot.Incoming{ChatID: alice.String(), UserID: alice.User, Text: "Кім Президент бола алады?"},
		ok:   true,
	}, {
		name: "private extended text with link preview",
		evt:  message(alice, alice, extended("Что такое Курултай? https://example.kz", &waE2E.ContextInfo{})),
		want: bot.Incoming{ChatID: alice.String(), UserID: alice.User, Text: "Что такое Курултай? https://example.kz"},
		ok:   true,
	}, {
		name: "group mention by phone number, mention token stripped",
		evt: message(group, alice, extended("@77010000001 какой возраст для голосования?",
			&waE2E.ContextInfo{MentionedJID: []string{botPN.String()}})),
		want: bot.Incoming{ChatID: group.String(), UserID: alice.User, Text: "какой возраст для голосования?", IsGroup: true, Mentioned: true},
		ok:   true,
	}, {
		name: "group mention by LID",
		evt: message(group, alice, extended("сайлау жасы қанша? @190000000001",
			&waE2E.ContextInfo{MentionedJID: []string{botLID.String()}})),
		want: bot.Incoming{ChatID: group.String(), UserID: alice.User, Text: "сайлау жасы қанша?", IsGroup: true, Mentioned: true},
		ok:   true,
	}, {
		name: "group message mentioning someone else",
		evt: message(group, alice, extended("@77019998877 привет",
			&waE2E.ContextInfo{MentionedJID: []string{"77019998877@s.whatsapp.net"}})),
		want: bot.Incoming{ChatID: group.String(), UserID: alice.User, Text: "@77019998877 привет", IsGroup: true},
		ok:   true,
	}, {
		name: "group reply to the bot keeps the quoted text",
		evt: message(group, alice, extended("а подробнее?", &waE2E.ContextInfo{
			StanzaID:      proto.String("BOTMSG1"),
			Participant:   proto.String(botPN.String()),
			QuotedMessage: text("Курултай — однопалатный парламент (ст. 50)."),
		})),
		want: bot.Incoming{ChatID: group.String(), UserID: alice.User, Text: "а подробнее?", IsGroup: true,
			ReplyTo: "Курултай — однопалатный парламент (ст. 50).", ReplyToBot: true},
		ok: true,
	}, {
		name: "reply to another member is context, not a call",
		evt: message(group, alice, extended("согласен", &waE2E.ContextInfo{
			StanzaID:      proto.String("X1"),
			Participant:   proto.String("77019998877@s.whatsapp.net"),
			QuotedMessage: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("ст. 1")}},
		})),
		want: bot.Incoming{ChatID: group.String(), UserID: alice.User, Text: "согласен", IsGroup: true, ReplyTo: "ст. 1"},
		ok:   true,
	}, {
		name: "forwarded question",
		evt: message(alice, alice, extended("Можно ли лишить гражданства?",
			&waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(1)})),
		want: bot.Incoming{ChatID: alice.String(), UserID: alice.User, Text: "Можно ли лишить гражданства?", IsForwarded: true},
		ok:   true,
	}, {
		name: "photo caption is the question",
		evt:  message(alice, alice, &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("это законно?")}}),
		want: bot.Incoming{ChatID: alice.String(), UserID: alice.User, Text: "это законно?", NonText: "photo"},
		ok:   true,
	}, {
		name: "voice note",
		evt:  message(alice, alice, &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true)}}),
		want: bot.Incoming{ChatID: alice.String(), UserID: alice.User, NonText: "voice"},
		ok:   true,
	}, {
		name: "sender by LID with phone number alongside",
		evt: func() *events.Message {
			e := message(aliceLI, aliceLI, text("сәлем"))
			e.Info.SenderAlt = alice
			return e
		}(),
		want: bot.Incoming{ChatID: aliceLI.String(), UserID: alice.User, Text: "сәлем"},
		ok:   true,
	}, {
		name: "reaction carries nothing to answer",
		evt: message(alice, alice, &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{
			Text: proto.String("👍"), Key: nil}}),
		ok: false,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := incoming(tt.evt, me)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			tt.want.Platform = bot.WhatsApp
			tt.want.UserName = "Alice"
			tt.want.MessageID = tt.evt.Info.ID
			if got != tt.want {
				t.Errorf("incoming =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestIgnoreReason(t *testing.T) {
	since := t0.Add(-2 * time.Minute)
	tests := []struct {
		name string
		edit func(*events.Message)
		want string
	}{
		{"fresh private message", func(*events.Message) {}, ""},
		{"just inside the grace", func(e *events.Message) { e.Info.Timestamp = since.Add(time.Second) }, ""},
		{"own message from the phone", func(e *events.Message) { e.Info.IsFromMe = true }, "own"},
		{"status update", func(e *events.Message) { e.Info.Chat = types.StatusBroadcastJID }, "status"},
		{"broadcast list", func(e *events.Message) { e.Info.Chat = types.NewJID("1234", types.BroadcastServer) }, "broadcast"},
		{"channel post", func(e *events.Message) { e.Info.Chat = types.NewJID("1234", types.NewsletterServer) }, "newsletter"},
		{"edit of an answered question", func(e *events.Message) { e.IsEdit = true }, "edit"},
		{"replayed after reconnect", func(e *events.Message) { e.Info.Timestamp = since.Add(-time.Second) }, "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := message(alice, alice, text("вопрос"))
			tt.edit(e)
			if got := ignoreReason(e, since); got != tt.want {
				t.Errorf("ignoreReason = %q, want %q", got, tt.want)
			}
		})
	}
}
