package telegram

import (
	"context"
	"fmt"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"atazan/bot"
)

// handleCallback passes a pressed button to the core. The press is always
// acknowledged first: until it is, the user's client shows a spinner. The
// acknowledgement is tried once; a late one is worth nothing.
func (a *Adapter) handleCallback(ctx context.Context, q *tgbotapi.CallbackQuery, rec *receipt) error {
	if _, err := a.once(ctx, "answerCallbackQuery", tgbotapi.Params{"callback_query_id": q.ID}); err != nil {
		a.log.Warn("acknowledging a button press", "err", err)
	}
	if q.From == nil {
		return nil
	}
	in := bot.Incoming{
		Platform: bot.Telegram,
		// A button under an inline card has no chat the bot is in; the
		// answer then goes to the user's private chat with the bot.
		ChatID:   strconv.FormatInt(q.From.ID, 10),
		UserID:   strconv.FormatInt(q.From.ID, 10),
		UserName: displayName(q.From),
		LangHint: q.From.LanguageCode,
		Callback: q.Data,
	}
	chatID := q.From.ID
	if m := q.Message; m != nil {
		chatID = m.Chat.ID
		in.ChatID = strconv.FormatInt(m.Chat.ID, 10)
		in.MessageID = strconv.Itoa(m.MessageID)
		in.IsGroup = m.Chat.IsGroup() || m.Chat.IsSuperGroup()
	}
	out := a.newResponder(chatID, 0)
	out.rec = rec
	if err := a.core.Handle(ctx, in, out); err != nil {
		return fmt.Errorf("answering button %q in chat %d: %w", q.Data, chatID, err)
	}
	return nil
}
