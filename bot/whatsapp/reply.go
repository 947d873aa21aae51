package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"atazan/bot"
)

// Notify sends a message the user did not ask for, such as an admin's
// corpus update proposal. userID is a phone number or a hidden id.
func (a *Adapter) Notify(ctx context.Context, userID string, r bot.Reply) error {
	c := a.currentConn()
	if c == nil {
		return fmt.Errorf("whatsapp: cannot notify, %s", a.status.get().State)
	}
	to := types.NewJID(userID, types.DefaultUserServer)
	if jid, err := types.ParseJID(userID); err == nil && jid.Server != "" && jid.User != "" {
		to = jid
	}
	_, err := a.send(ctx, c, to, r, nil, "user:"+userID)
	return err
}

// send delivers a reply: its messages, then its follow-ups as a message of
// their own. It returns the id of the first message.
func (a *Adapter) send(ctx context.Context, c *conn, to types.JID, r bot.Reply, quote *events.Message, key string) (string, error) {
	var msgs []*waE2E.Message
	for _, text := range render(r, maxMessageRunes) {
		msgs = append(msgs, textMessage(text, quote))
		quote = nil
	}
	if r.Document != nil {
		doc, err := c.document(ctx, r.Document)
		if err != nil {
			a.metrics.Error("whatsapp")
			return "", err
		}
		msgs = append(msgs, doc)
	}
	if len(r.Actions) > 0 {
		msgs = append(msgs, textMessage(followupText(r.Actions), nil))
	}
	first := ""
	for i, msg := range msgs {
		// One id for the message across retries: WhatsApp keeps one
		// message per id, so a retry of a send it accepted is no duplicate.
		id := c.client.GenerateMessageID()
		var resp whatsmeow.SendResponse
		err := a.pacer.do(ctx, func() (err error) {
			resp, err = c.client.SendMessage(ctx, to, msg, whatsmeow.SendRequestExtra{ID: id})
			return err
		})
		if err != nil {
			a.metrics.Error("whatsapp")
			return first, fmt.Errorf("sending message %d of %d to WhatsApp: %w", i+1, len(msgs), err)
		}
		if first == "" {
			first = resp.ID
		}
	}
	a.followups.offer(key, r.Actions)
	return first, nil
}

// document uploads a file (an admin's CSV export) and wraps it in a message.
func (c *conn) document(ctx context.Context, f *bot.OutFile) (*waE2E.Message, error) {
	up, err := c.client.Upload(ctx, f.Data, whatsmeow.MediaDocument)
	if err != nil {
		return nil, fmt.Errorf("uploading %s to WhatsApp: %w", f.Name, err)
	}
	return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		URL:           proto.String(up.URL),
		DirectPath:    proto.String(up.DirectPath),
		MediaKey:      up.MediaKey,
		FileEncSHA256: up.FileEncSHA256,
		FileSHA256:    up.FileSHA256,
		FileLength:    proto.Uint64(up.FileLength),
		FileName:      proto.String(f.Name),
		Title:         proto.String(f.Name),
		Mimetype:      proto.String(mimeType(f.Name)),
	}}, nil
}

// mimeType names the few kinds of file the bot sends.
func mimeType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return "text/csv"
	case ".txt":
		return "text/plain"
	case ".json":
		return "application/json"
	}
	return "application/octet-stream"
}

// textMessage is a text message, quoting the question in groups so that
// everyone sees whom the answer is for.
func textMessage(text string, quote *events.Message) *waE2E.Message {
	if quote == nil {
		return &waE2E.Message{Conversation: proto.String(text)}
	}
	return &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
		Text: proto.String(text),
		ContextInfo: &waE2E.ContextInfo{
			StanzaID:      proto.String(quote.Info.ID),
			Participant:   proto.String(quote.Info.Sender.ToNonAD().String()),
			QuotedMessage: quote.Message,
		},
	}}
}

// responder answers one incoming message for the core. The core may keep
// it past Handle (progress of a re-indexing), so it holds no request state
// that ends with the answer.
type responder struct {
	a     *Adapter
	c     *conn
	chat  types.JID
	key   string
	quote *events.Message // quoted by the first message sent; groups only

	mu     sync.Mutex
	typing atomic.Bool
}

func (r *responder) Typing(ctx context.Context) error {
	r.typing.Store(true)
	return r.c.client.SendChatPresence(ctx, r.chat, types.ChatPresenceComposing, types.ChatPresenceMediaText)
}

func (r *responder) Send(ctx context.Context, reply bot.Reply) (string, error) {
	r.mu.Lock()
	quote := r.quote
	r.quote = nil
	r.mu.Unlock()
	return r.a.send(ctx, r.c, r.chat, reply, quote, r.key)
}

// Edit is not offered: WhatsApp shows edits, but streaming an answer by
// editing would send many messages for one, which is what gets numbers
// banned. The core sends whole answers when CanEdit is false.
func (r *responder) Edit(context.Context, string, bot.Reply) error {
	return errors.New("whatsapp: messages are not edited")
}

func (r *responder) CanEdit() bool { return false }
