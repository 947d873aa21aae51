package bot

import (
	"context"
	"strings"

	"atazan/corpus"
	"atazan/rag/textkit"
)

// langFor is the language to talk in: the language of text when it is
// clear, else the user's (preferredLang).
func (c *Core) langFor(ctx context.Context, in Incoming, text string) corpus.Lang {
	if strings.TrimSpace(text) != "" {
		if d := textkit.Detect(text); d.Sure {
			return corpus.Lang(d.Lang)
		}
	}
	return c.preferredLang(ctx, in)
}

// preferredLang is the tie-breaker when words do not tell: the user's
// saved choice, else the language of the conversation in this chat, else
// the messenger's interface language, else the configured default.
func (c *Core) preferredLang(ctx context.Context, in Incoming) corpus.Lang {
	if l, ok := c.savedLang(ctx, in); ok {
		return l
	}
	if l, ok := c.lastAnswerLang(ctx, in); ok {
		return l
	}
	return c.defaultLang(in)
}

// chatLang is the language for a button press or a command about an
// article: that of the user's last answer in this chat, so the article
// comes in the language of the answer it was cited in, else the preference.
func (c *Core) chatLang(ctx context.Context, in Incoming) corpus.Lang {
	if l, ok := c.lastAnswerLang(ctx, in); ok {
		return l
	}
	if l, ok := c.savedLang(ctx, in); ok {
		return l
	}
	return c.defaultLang(in)
}

func (c *Core) savedLang(ctx context.Context, in Incoming) (corpus.Lang, bool) {
	if c.store == nil {
		return "", false
	}
	saved, err := c.store.Lang(ctx, string(in.Platform), in.UserID)
	if err != nil {
		c.log.Warn("reading saved language", "err", err)
		c.metrics.Error("store")
	}
	return parseLang(saved)
}

// lastAnswerLang is the language of the user's last answer in this chat,
// if it is recent enough to be the same conversation.
func (c *Core) lastAnswerLang(ctx context.Context, in Incoming) (corpus.Lang, bool) {
	if c.store == nil {
		return "", false
	}
	turns, err := c.store.RecentTurns(ctx, string(in.Platform), in.ChatID, in.UserID, 1, c.now().Add(-historyWindow))
	if err != nil || len(turns) == 0 {
		return "", false
	}
	return parseLang(turns[0].Lang)
}

func (c *Core) defaultLang(in Incoming) corpus.Lang {
	if l, ok := parseLang(in.LangHint); ok {
		return l
	}
	if l, ok := parseLang(c.cfg.DefaultLang); ok {
		return l
	}
	return corpus.RU
}

// parseLang accepts the languages the bot talks in, also as "ru-RU", "kz" or "қаз".
func parseLang(s string) (corpus.Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return "", false
	case strings.HasPrefix(s, "kk"), strings.HasPrefix(s, "kz"), strings.HasPrefix(s, "қаз"), strings.HasPrefix(s, "каз"), strings.HasPrefix(s, "qaz"):
		return corpus.KK, true
	case strings.HasPrefix(s, "ru"), strings.HasPrefix(s, "рус"), strings.HasPrefix(s, "орыс"):
		return corpus.RU, true
	}
	return "", false
}

// textsOf picks the bot's own words for a message.
func (c *Core) textsOf(ctx context.Context, in Incoming) *texts {
	return textsFor(c.langFor(ctx, in, in.Text))
}
