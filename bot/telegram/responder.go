package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
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

// Typing shows "typing…" in the chat for about five seconds.
func (r *responder) Typing(ctx context.Context) error {
	_, err := r.a.request(ctx, "sendChatAction", tgbotapi.NewChatAction(r.chatID, tgbotapi.ChatTyping))
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
	var first int
	for i, chunk := range chunks {
		id, err := r.sendText(ctx, chunk, markupIf(i == len(chunks)-1, markup), i == 0)
		if err != nil {
			return strconv.Itoa(first), fmt.Errorf("sending part %d of %d: %w", i+1, len(chunks), err)
		}
		if i == 0 {
			first = id
		} else {
			r.mu.Lock()
			r.tails[first] = append(r.tails[first], id)
			r.mu.Unlock()
		}
	}
	return strconv.Itoa(first), nil
}

// Edit replaces the text of a message sent by Send; overflow goes to the
// messages that follow it, sent on first need.
func (r *responder) Edit(ctx context.Context, msgID string, rep bot.Reply) error {
	id, err := strconv.Atoi(msgID)
	if err != nil {
		return fmt.Errorf("editing message %q: not a Telegram message id", msgID)
	}
	markup, err := keyboard(rep.Actions)
	if err != nil {
		return err
	}
	chunks := renderHTML(rep, maxText)
	if len(chunks) == 0 {
		return errors.New("editing to an empty reply")
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
		next, err := r.sendText(ctx, chunk, m, false)
		if err != nil {
			return fmt.Errorf("sending part %d of %d: %w", i+1, len(chunks), err)
		}
		ids = append(ids, next)
	}
	// The text shrank: drop the parts that no longer exist.
	for _, extra := range ids[min(len(chunks), len(ids)):] {
		if _, err := r.a.request(ctx, "deleteMessage", tgbotapi.NewDeleteMessage(r.chatID, extra)); err != nil {
			return err
		}
	}
	r.tails[id] = ids[1:min(len(chunks), len(ids))]
	return nil
}

func (r *responder) sendText(ctx context.Context, html string, markup *tgbotapi.InlineKeyboardMarkup, first bool) (int, error) {
	msg := tgbotapi.NewMessage(r.chatID, html)
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	if first && r.replyTo != 0 {
		msg.ReplyToMessageID = r.replyTo
		msg.AllowSendingWithoutReply = true
	}
	if markup != nil {
		msg.ReplyMarkup = markup
	}
	return r.sent(r.a.request(ctx, "sendMessage", msg))
}

func (r *responder) editText(ctx context.Context, id int, html string, markup *tgbotapi.InlineKeyboardMarkup) error {
	edit := tgbotapi.NewEditMessageText(r.chatID, id, html)
	edit.ParseMode = tgbotapi.ModeHTML
	edit.DisableWebPagePreview = true
	edit.ReplyMarkup = markup
	_, err := r.a.request(ctx, "editMessageText", edit)
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
