package telegram

import (
	"context"
	"fmt"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"atazan/bot"
)

const (
	// inlineCacheTime is how long Telegram may reuse inline answers; they
	// do not depend on who asks.
	inlineCacheTime = 300
	// maxInlineResults is the Bot API's limit per answerInlineQuery.
	maxInlineResults = 50
)

// handleInline answers "@bot question" typed in any chat with answer cards
// the user can send there.
func (a *Adapter) handleInline(ctx context.Context, q *tgbotapi.InlineQuery) error {
	in := bot.Incoming{Platform: bot.Telegram, Text: q.Query}
	if q.From != nil {
		in.UserID = strconv.FormatInt(q.From.ID, 10)
		in.UserName = displayName(q.From)
		in.LangHint = q.From.LanguageCode
	}
	cards, err := a.core.Inline(ctx, in)
	if err != nil {
		return fmt.Errorf("answering inline query: %w", err)
	}
	results := make([]any, 0, min(len(cards), maxInlineResults))
	for i, c := range cards[:min(len(cards), maxInlineResults)] {
		if r, ok := inlineArticle(i, c); ok {
			results = append(results, r)
		}
	}
	_, err = a.request(ctx, "answerInlineQuery", tgbotapi.InlineConfig{
		InlineQueryID: q.ID,
		Results:       results,
		CacheTime:     inlineCacheTime,
	})
	return err
}

// inlineArticle turns a card into an article result. A card is one message,
// so a reply longer than that keeps its first part.
func inlineArticle(i int, c bot.InlineResult) (tgbotapi.InlineQueryResultArticle, bool) {
	chunks := renderHTML(c.Reply, maxText)
	if len(chunks) == 0 && c.Reply.ShareText != "" {
		chunks = renderHTML(bot.Reply{Paragraphs: []bot.Paragraph{{{Text: c.Reply.ShareText}}}}, maxText)
	}
	if len(chunks) == 0 {
		return tgbotapi.InlineQueryResultArticle{}, false
	}
	id := c.ID
	if id == "" || len(id) > 64 { // the Bot API's limit on result ids
		id = strconv.Itoa(i)
	}
	r := tgbotapi.NewInlineQueryResultArticleHTML(id, c.Title, chunks[0])
	r.Description = c.Description
	r.InputMessageContent = tgbotapi.InputTextMessageContent{
		Text:                  chunks[0],
		ParseMode:             tgbotapi.ModeHTML,
		DisableWebPagePreview: true,
	}
	return r, true
}
