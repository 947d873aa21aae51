package whatsapp

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"atazan/bot"
)

// handleMessage decides on the receive loop whether a message gets an
// answer and starts the answer in the background.
func (a *Adapter) handleMessage(c *conn, evt *events.Message) {
	if reason := ignoreReason(evt, a.historyBefore()); reason != "" {
		a.log.Debug("whatsapp: message ignored", "reason", reason, "id", evt.Info.ID)
		return
	}
	if !a.seen.Add(evt.Info.Chat.String() + "/" + evt.Info.ID) {
		a.log.Debug("whatsapp: message ignored", "reason", "duplicate", "id", evt.Info.ID)
		return
	}
	in, ok := incoming(evt, c.me)
	if !ok {
		return
	}
	if !a.core.ShouldAnswer(in) {
		return
	}
	if doc := evt.Message.GetDocumentMessage(); doc != nil {
		in.File = c.file(doc)
	}
	if !a.startAnswer() {
		return
	}
	go func() {
		defer a.answers.Done()
		a.answer(c, evt, in)
	}()
}

// answer marks the message read, lets the core answer it and clears the
// typing indicator. Answers in one chat run one at a time, in order; the
// time limit starts at this message's turn, so a queue of questions does
// not use up the last one's time.
func (a *Adapter) answer(c *conn, evt *events.Message, in bot.Incoming) {
	unlock := a.chats.lock(in.ChatID)
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), a.answerTimeout)
	defer cancel()

	in.UserID = c.userID(ctx, in.UserID)
	key := followupKey(in)
	if data, ok := a.followups.pick(key, in.Text); ok {
		in.Callback, in.Text = data, ""
	}
	if err := c.client.MarkRead(ctx, []types.MessageID{evt.Info.ID}, a.now(), evt.Info.Chat, evt.Info.Sender); err != nil {
		a.log.Warn("whatsapp: marking read", "err", err)
	}
	out := &responder{a: a, c: c, chat: evt.Info.Chat, key: key}
	if in.IsGroup {
		out.quote = evt
	}
	if err := a.core.Handle(ctx, in, out); err != nil {
		a.metrics.Error("whatsapp")
		a.log.Error("whatsapp: answering", "id", evt.Info.ID, "err", err)
	}
	if out.typing.Load() {
		if err := c.client.SendChatPresence(ctx, evt.Info.Chat, types.ChatPresencePaused, ""); err != nil {
			a.log.Debug("whatsapp: clearing typing", "err", err)
		}
	}
}

// followupKey is where a chat's numbered choices are remembered: the
// group, or in private the user, whose chat may be addressed by phone
// number or hidden id.
func followupKey(in bot.Incoming) string {
	if in.IsGroup {
		return in.ChatID
	}
	return "user:" + in.UserID
}

// userID resolves a hidden id to the phone number, when the store knows it.
func (c *conn) userID(ctx context.Context, id string) string {
	lid, err := types.ParseJID(id)
	if err != nil || lid.Server != types.HiddenUserServer || c.pnForLID == nil {
		return id
	}
	if pn, err := c.pnForLID(ctx, lid); err == nil && !pn.IsEmpty() {
		return pn.User
	}
	return id
}

// file offers a document for download; the core fetches it only for admins.
func (c *conn) file(doc *waE2E.DocumentMessage) *bot.File {
	return &bot.File{
		Name: doc.GetFileName(),
		Size: int64(doc.GetFileLength()),
		Open: func() ([]byte, error) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			data, err := c.client.Download(ctx, doc)
			if err != nil {
				return nil, fmt.Errorf("downloading %s from WhatsApp: %w", doc.GetFileName(), err)
			}
			return data, nil
		},
	}
}

// chatLocks serialises the answers in each chat, so that a quick second
// question is answered after the first and follow-ups stay in step.
type chatLocks struct {
	mu    sync.Mutex
	locks map[string]*chatLock
}

type chatLock struct {
	mu    sync.Mutex
	users int
}

func (c *chatLocks) lock(chat string) (unlock func()) {
	c.mu.Lock()
	if c.locks == nil {
		c.locks = make(map[string]*chatLock)
	}
	l := c.locks[chat]
	if l == nil {
		l = &chatLock{}
		c.locks[chat] = l
	}
	l.users++
	c.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		c.mu.Lock()
		if l.users--; l.users == 0 {
			delete(c.locks, chat)
		}
		c.mu.Unlock()
	}
}
