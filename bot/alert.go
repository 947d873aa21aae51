package bot

import (
	"context"

	"atazan/corpus"
)

// alertPrefix heads an alert in each admin's language; the rest is the
// adapter's own words, naming what broke and the command that fixes it.
var alertPrefix = map[corpus.Lang]string{
	corpus.RU: "⚠️ Нужно вмешательство: ",
	corpus.KK: "⚠️ Назар аударыңыз: ",
}

// Alert tells every admin, through whichever messenger reaches them, that
// a part of the service stopped and needs a person: a WhatsApp session
// logged out, banned or outdated. source names the part in the admin log.
func (c *Core) Alert(ctx context.Context, source, msg string) error {
	c.adminLog(ctx, source, "alert", msg)
	return c.notifyAdmins(ctx, func(lang corpus.Lang) Reply {
		p, ok := alertPrefix[lang]
		if !ok {
			p = alertPrefix[corpus.RU]
		}
		return plainReply(p + msg)
	})
}
