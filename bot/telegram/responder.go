package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"atazan/bot"
)

// maxCaption is Telegram's limit on a document's caption.
const maxCaption = 1024

// responder answers one incoming message in one chat.
type responder struct {
	a       *Adapter
	chatID  int64
	replyTo int // in groups, the question the answer threads under
	// rec is the inbox entry of the update answered, nil for a message
	// nobody asked for: the final reply marks it answered as it is queued.
	rec *receipt

	mu sync.Mutex
	// tails are the messages that continue an edited message whose text
	// outgrew one Telegram message, so that streaming edits update them
	// instead of sending the overflow again.
	tails map[int][]int
}

func (a *Adapter) newResponder(chatID int64, replyTo int) *responder {
	return &responder{a: a, chatID: chatID, replyTo: replyTo, tails: map[int][]int{}}
}

// CanEdit is true: Telegram edits messages, so answers can stream.
func (r *responder) CanEdit() bool { return true }

// Typing shows "typing…" in the chat for about five seconds. It is tried
// once: a throttled chat goes without.
func (r *responder) Typing(ctx context.Context) error {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", r.chatID)
	p["action"] = tgbotapi.ChatTyping
	_, err := r.a.once(ctx, "sendChatAction", p)
	return err
}

// Send sends a reply as one or more messages, buttons under the last, and
// returns the id of the first, which Edit later updates.
func (r *responder) Send(ctx context.Context, rep bot.Reply) (string, error) {
	markup, err := keyboard(rep.Actions)
	if err != nil {
		return "", err
	}
	chunks := renderHTML(rep, maxText)
	if rep.Document != nil {
		caption := ""
		if len(chunks) == 1 && utf16Len(chunks[0]) <= maxCaption {
			caption, chunks = chunks[0], nil
		}
		id, err := r.sendDocument(ctx, rep.Document, caption, markupIf(len(chunks) == 0, markup))
		if err != nil || len(chunks) == 0 {
			return id, err
		}
	}
	if len(chunks) == 0 {
		return "", errors.New("sending an empty reply")
	}
	parts := make([]tgbotapi.Params, len(chunks))
	for i, chunk := range chunks {
		if parts[i], err = r.textParams(chunk, markupIf(i == len(chunks)-1, markup), i == 0); err != nil {
			return "", err
		}
	}
	// The reply is in the outbox before anything is sent: an outage or a
	// 429 delays it, and the outbox sends it when Telegram takes it again.
	// The final reply's commit also records its update answered, so that
	// a restart neither answers it again nor loses the reply.
	var answers *receipt
	if rep.Final && r.rec != nil && !r.rec.answered.Load() {
		answers = r.rec
	}
	ids, queued, err := r.a.send(ctx, r.chatID, parts, answers)
	if err != nil {
		return "", fmt.Errorf("sending a reply: %w", err)
	}
	if len(ids) == 0 {
		return queuedPrefix + strconv.FormatInt(queued, 10), nil
	}
	if len(ids) == len(chunks) && len(ids) > 1 {
		r.mu.Lock()
		r.tails[ids[0]] = ids[1:]
		r.mu.Unlock()
	}
	return strconv.Itoa(ids[0]), nil
}

// Edit replaces the text of a message sent by Send; overflow goes to the
// messages that follow it, sent on first need. A message still waiting in
// the outbox gets the new text before it goes out.
func (r *responder) Edit(ctx context.Context, msgID string, rep bot.Reply) error {
	markup, err := keyboard(rep.Actions)
	if err != nil {
		return err
	}
	chunks := renderHTML(rep, maxText)
	if len(chunks) == 0 {
		return errors.New("editing to an empty reply")
	}
	if q, ok := strings.CutPrefix(msgID, queuedPrefix); ok {
		if msgID, err = r.editQueued(ctx, q, chunks, markup); err != nil || msgID == "" {
			return err
		}
	}
	id, err := strconv.Atoi(msgID)
	if err != nil {
		return fmt.Errorf("editing message %q: not a Telegram message id", msgID)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	tails := r.tails[id]
	ids := append([]int{id}, tails...)
	for i, chunk := range chunks {
		m := markupIf(i == len(chunks)-1, markup)
		if i < len(ids) {
			if err := r.editText(ctx, ids[i], chunk, m); err != nil {
				return err
			}
			continue
		}
		// Overflow of an edit goes out now or not at all: the caller sends
		// the whole reply anew when an edit fails.
		p, err := r.textParams(chunk, m, false)
		if err != nil {
			return err
		}
		next, err := r.a.once(ctx, "sendMessage", p)
		if err != nil {
			return fmt.Errorf("sending part %d of %d: %w", i+1, len(chunks), err)
		}
		ids = append(ids, next)
	}
	// The text shrank: drop the parts that no longer exist.
	for _, extra := range ids[min(len(chunks), len(ids)):] {
		p := tgbotapi.Params{}
		p.AddNonZero64("chat_id", r.chatID)
		p.AddNonZero("message_id", extra)
		if _, err := r.a.once(ctx, "deleteMessage", p); err != nil {
			return err
		}
	}
	r.tails[id] = ids[1:min(len(chunks), len(ids))]
	return nil
}

// editQueued edits a message sent through the outbox. While it waits, the
// new text replaces the queued one (msgID ""); once sent, msgID is its
// Telegram id, to edit as any other. A reply that now needs more than one
// message cannot be edited into a queued one: the caller sends it anew.
func (r *responder) editQueued(ctx context.Context, q string, chunks []string, markup *tgbotapi.InlineKeyboardMarkup) (msgID string, err error) {
	row, err := strconv.ParseInt(q, 10, 64)
	if err != nil {
		return "", fmt.Errorf("editing message %q: not a queued message", queuedPrefix+q)
	}
	if len(chunks) != 1 {
		return "", errors.New("editing a queued message into several")
	}
	p, err := r.textParams(chunks[0], markup, true)
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encoding a message: %w", err)
	}
	replaced, err := r.a.queue.Replace(ctx, row, raw, time.Now())
	if err != nil || replaced {
		return "", err
	}
	sent, err := r.a.queue.SentID(ctx, row)
	if err != nil {
		return "", err
	}
	if sent == "" {
		return "", errors.New("the queued message is being sent")
	}
	return sent, nil
}

// textParams are the parameters of a sendMessage with an HTML text.
func (r *responder) textParams(html string, markup *tgbotapi.InlineKeyboardMarkup, first bool) (tgbotapi.Params, error) {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", r.chatID)
	p["text"] = html
	p["parse_mode"] = tgbotapi.ModeHTML
	p.AddBool("disable_web_page_preview", true)
	if first && r.replyTo != 0 {
		p.AddNonZero("reply_to_message_id", r.replyTo)
		p.AddBool("allow_sending_without_reply", true)
	}
	if markup != nil {
		if err := p.AddInterface("reply_markup", markup); err != nil {
			return nil, fmt.Errorf("encoding buttons: %w", err)
		}
	}
	return p, nil
}

// editText edits a sent message once: a streaming edit that fails is
// skipped, and a final one is sent anew by the caller, through the outbox.
func (r *responder) editText(ctx context.Context, id int, html string, markup *tgbotapi.InlineKeyboardMarkup) error {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", r.chatID)
	p.AddNonZero("message_id", id)
	p["text"] = html
	p["parse_mode"] = tgbotapi.ModeHTML
	p.AddBool("disable_web_page_preview", true)
	if markup != nil {
		if err := p.AddInterface("reply_markup", markup); err != nil {
			return fmt.Errorf("encoding buttons: %w", err)
		}
	}
	_, err := r.a.once(ctx, "editMessageText", p)
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) && strings.Contains(apiErr.Message, "message is not modified") {
		return nil // a streaming edit that changed nothing
	}
	return err
}

func (r *responder) sendDocument(ctx context.Context, f *bot.OutFile, caption string, markup *tgbotapi.InlineKeyboardMarkup) (string, error) {
	doc := tgbotapi.NewDocument(r.chatID, tgbotapi.FileBytes{Name: f.Name, Bytes: f.Data})
	doc.Caption = caption
	doc.ParseMode = tgbotapi.ModeHTML
	if markup != nil {
		doc.ReplyMarkup = markup
	}
	id, err := r.sent(r.a.request(ctx, "sendDocument", doc))
	return strconv.Itoa(id), err
}

// sent reads the id of the message a send call created.
func (r *responder) sent(resp *tgbotapi.APIResponse, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	var m tgbotapi.Message
	if err := json.Unmarshal(resp.Result, &m); err != nil {
		return 0, fmt.Errorf("decoding the sent message: %w", err)
	}
	return m.MessageID, nil
}

// keyboard lays out actions as inline buttons: buttons share a row while
// their labels fit in about 30 characters, at most three to a row, so 👍
// and 👎 sit together and long labels stay readable.
func keyboard(actions []bot.Action) (*tgbotapi.InlineKeyboardMarkup, error) {
	if len(actions) == 0 {
		return nil, nil
	}
	const rowRunes = 30
	var (
		rows  [][]tgbotapi.InlineKeyboardButton
		row   []tgbotapi.InlineKeyboardButton
		width int
	)
	for _, act := range actions {
		if len(act.Data) == 0 || len(act.Data) > maxCallbackData {
			return nil, fmt.Errorf("button %q: callback data must be 1-%d bytes, is %d", act.Label, maxCallbackData, len(act.Data))
		}
		w := utf8.RuneCountInString(act.Label)
		if len(row) > 0 && (width+w > rowRunes || len(row) == 3) {
			rows = append(rows, row)
			row, width = nil, 0
		}
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(act.Label, act.Data))
		width += w
	}
	rows = append(rows, row)
	markup := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &markup, nil
}

func markupIf(cond bool, m *tgbotapi.InlineKeyboardMarkup) *tgbotapi.InlineKeyboardMarkup {
	if cond {
		return m
	}
	return nil
}
