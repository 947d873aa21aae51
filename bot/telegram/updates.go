package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"atazan/bot"
)

// update is a Bot API update with what telegram-bot-api v5.5.1 predates:
// since Bot API 7.0 forwarded messages carry forward_origin instead of the
// forward_from* fields the library decodes.
type update struct {
	tgbotapi.Update
	origin *forwardOrigin
	raw    json.RawMessage // as received, for the inbox
}

// forwardOrigin is Bot API 7.0's MessageOrigin.
type forwardOrigin struct {
	Type           string         `json:"type"` // user, hidden_user, chat, channel
	SenderUser     *tgbotapi.User `json:"sender_user"`
	SenderUserName string         `json:"sender_user_name"`
	SenderChat     *tgbotapi.Chat `json:"sender_chat"`
	Chat           *tgbotapi.Chat `json:"chat"`
}

// decodeUpdate decodes one update as Telegram sends it.
func decodeUpdate(raw []byte) (update, error) {
	u := update{raw: raw}
	if err := json.Unmarshal(raw, &u.Update); err != nil {
		return u, fmt.Errorf("decoding update: %w", err)
	}
	var extra struct {
		Message *struct {
			ForwardOrigin *forwardOrigin `json:"forward_origin"`
		} `json:"message"`
	}
	if err := json.Unmarshal(raw, &extra); err != nil {
		return u, fmt.Errorf("decoding update %d: %w", u.UpdateID, err)
	}
	if extra.Message != nil {
		u.origin = extra.Message.ForwardOrigin
	}
	return u, nil
}

// decodeUpdates decodes a getUpdates result and returns the offset that
// confirms it. An update that does not decode is logged and skipped, so one
// odd update cannot stall the bot.
func decodeUpdates(result json.RawMessage, log *slog.Logger) (updates []update, next int) {
	var raws []json.RawMessage
	if err := json.Unmarshal(result, &raws); err != nil {
		log.Warn("decoding getUpdates result", "err", err)
		return nil, 0
	}
	for _, raw := range raws {
		var id struct {
			UpdateID int `json:"update_id"`
		}
		_ = json.Unmarshal(raw, &id)
		next = max(next, id.UpdateID+1)
		u, err := decodeUpdate(raw)
		if err != nil {
			log.Warn("skipping an update", "update_id", id.UpdateID, "err", err)
			continue
		}
		updates = append(updates, u)
	}
	return updates, next
}

// handle routes an update to the core. rec is the update's inbox entry,
// nil when it has none.
func (a *Adapter) handle(ctx context.Context, u update, rec *receipt) {
	var err error
	switch {
	case u.Message != nil:
		err = a.handleMessage(ctx, u, rec)
	case u.CallbackQuery != nil:
		err = a.handleCallback(ctx, u.CallbackQuery, rec)
	case u.InlineQuery != nil:
		err = a.handleInline(ctx, u.InlineQuery)
	case u.PollAnswer != nil:
		err = a.handlePollAnswer(ctx, u.PollAnswer)
	}
	if err != nil {
		a.metrics.Error("telegram")
		a.log.Error("handling an update", "update_id", u.UpdateID, "err", err)
	}
}

func (a *Adapter) handleMessage(ctx context.Context, u update, rec *receipt) error {
	in, ok := a.incoming(ctx, u)
	if !ok || !a.core.ShouldAnswer(in) {
		return nil
	}
	m := u.Message
	replyTo := 0
	if in.IsGroup {
		replyTo = m.MessageID // thread the answer under the question it answers
	}
	out := a.newResponder(m.Chat.ID, replyTo)
	out.rec = rec
	if err := a.core.Handle(ctx, in, out); err != nil {
		return fmt.Errorf("answering message %d in chat %d: %w", m.MessageID, m.Chat.ID, err)
	}
	return nil
}

// incoming translates a message for the core. It reports false for
// messages that are nobody's question: service messages, other bots' posts,
// our own inline cards, commands meant for another bot.
func (a *Adapter) incoming(ctx context.Context, u update) (bot.Incoming, bool) {
	m := u.Message
	if m.From == nil || m.From.IsBot || (m.ViaBot != nil && m.ViaBot.ID == a.me().ID) {
		return bot.Incoming{}, false
	}
	in := bot.Incoming{
		Platform:  bot.Telegram,
		ChatID:    strconv.FormatInt(m.Chat.ID, 10),
		UserID:    strconv.FormatInt(m.From.ID, 10),
		UserName:  displayName(m.From),
		LangHint:  m.From.LanguageCode,
		MessageID: strconv.Itoa(m.MessageID),
		IsGroup:   m.Chat.IsGroup() || m.Chat.IsSuperGroup(),
	}

	text, entities := m.Text, m.Entities
	if text == "" {
		text, entities = m.Caption, m.CaptionEntities
	}
	text, mentioned, forUs := a.addressing(text, entities)
	if !forUs {
		return bot.Incoming{}, false
	}
	in.Text, in.Mentioned = text, mentioned

	if r := m.ReplyToMessage; r != nil {
		in.ReplyTo = r.Text
		if in.ReplyTo == "" {
			in.ReplyTo = r.Caption
		}
		in.ReplyToBot = r.From != nil && r.From.ID == a.me().ID
	}
	in.ForwardedFrom, in.IsForwarded = forwardedFrom(u)

	switch {
	case m.Animation != nil: // before Document: a GIF comes with a document too
		in.NonText = "animation"
	case m.Document != nil:
		in.NonText = "document"
		in.File = &bot.File{Name: m.Document.FileName, Size: int64(m.Document.FileSize), Open: a.opener(ctx, m.Document.FileID)}
	case m.Sticker != nil:
		in.NonText = "sticker"
	case m.Voice != nil:
		in.NonText = "voice"
	case m.Audio != nil:
		in.NonText = "audio"
	case m.VideoNote != nil:
		in.NonText = "video_note"
	case m.Video != nil:
		in.NonText = "video"
	case len(m.Photo) > 0:
		in.NonText = "photo"
	case m.Location != nil, m.Contact != nil, m.Poll != nil:
		in.NonText = "other"
	}
	if in.Text == "" && in.NonText == "" {
		return bot.Incoming{}, false // joins, pins, title changes…
	}
	return in, true
}

// addressing finds whether a message mentions the bot and strips the
// mention, so "@atazan_bot what is…" and "/article@atazan_bot 17" reach the
// core as "what is…" and "/article 17". forUs is false for a command
// addressed to another bot. Entity offsets count UTF-16 code units.
func (a *Adapter) addressing(text string, entities []tgbotapi.MessageEntity) (clean string, mentioned, forUs bool) {
	self := "@" + strings.ToLower(a.me().UserName)
	units := utf16.Encode([]rune(text))
	var cuts [][2]int // UTF-16 ranges to remove
	for _, e := range entities {
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > len(units) {
			continue
		}
		s := strings.ToLower(string(utf16.Decode(units[e.Offset : e.Offset+e.Length])))
		switch {
		case e.Type == "mention" && s == self:
			mentioned = true
			cuts = append(cuts, [2]int{e.Offset, e.Offset + e.Length})
		case e.Type == "text_mention" && e.User != nil && e.User.ID == a.me().ID:
			mentioned = true
		case e.Type == "bot_command" && e.Offset == 0:
			_, to, addressed := strings.Cut(s, "@")
			if addressed && "@"+to != self {
				return "", false, false
			}
			if addressed {
				mentioned = true
				end := e.Offset + e.Length
				cuts = append(cuts, [2]int{end - len(utf16.Encode([]rune(self))), end})
			}
		}
	}
	if len(cuts) == 0 {
		return strings.TrimSpace(text), mentioned, true
	}
	var kept []uint16
	from := 0
	for _, c := range cuts { // entities come in text order
		if c[0] < from {
			continue
		}
		kept = append(kept, units[from:c[0]]...)
		from = c[1]
	}
	kept = append(kept, units[from:]...)
	clean = strings.Join(strings.Fields(string(utf16.Decode(kept))), " ")
	return clean, mentioned, true
}

// forwardedFrom names the original author of a forwarded message, from
// forward_origin or, on older Bot API servers, the forward_from* fields.
func forwardedFrom(u update) (name string, forwarded bool) {
	if o := u.origin; o != nil {
		switch {
		case o.SenderUser != nil:
			return displayName(o.SenderUser), true
		case o.SenderUserName != "":
			return o.SenderUserName, true
		case o.SenderChat != nil:
			return o.SenderChat.Title, true
		case o.Chat != nil:
			return o.Chat.Title, true
		}
		return "", true
	}
	m := u.Message
	switch {
	case m.ForwardFrom != nil:
		return displayName(m.ForwardFrom), true
	case m.ForwardSenderName != "":
		return m.ForwardSenderName, true
	case m.ForwardFromChat != nil:
		return m.ForwardFromChat.Title, true
	case m.ForwardDate != 0:
		return "", true
	}
	return "", false
}

// displayName is how a user appears in a chat: first and last name.
func displayName(u *tgbotapi.User) string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a Telegram chat id: %q", s)
	}
	return id, nil
}
