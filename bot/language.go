package bot

import (
	"context"
	"strings"

	"atazan/corpus"
	"atazan/rag/textkit"
)

// langFor is the language to talk in: the language of text when it is
// clear, else the user's saved choice, else the messenger's interface
// language, else the configured default.
func (c *Core) langFor(ctx context.Context, in Incoming, text string) corpus.Lang {
	if strings.TrimSpace(text) != "" {
		if d := textkit.Detect(text); d.Sure {
			return corpus.Lang(d.Lang)
		}
	}
	return c.preferredLang(ctx, in)
}

// preferredLang is the tie-breaker: saved choice, interface language, default.
func (c *Core) preferredLang(ctx context.Context, in Incoming) corpus.Lang {
	if c.store != nil {
		saved, err := c.store.Lang(ctx, string(in.Platform), in.UserID)
		if err != nil {
			c.log.Warn("reading saved language", "err", err)
			c.metrics.Error("store")
		}
		if l, ok := parseLang(saved); ok {
			return l
		}
	}
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
