package bot

import (
	"context"
	"errors"
	"strings"

	"atazan/bot/store"
)

// callback handles a button press. Data formats: "lang:<kk|ru>",
// "art:<doc>:<article>[:<point>]", "cmp:<article>", "fb:up:<answerID>",
// "fb:down:<answerID>", and for admins "adm:activate:<stagedID>",
// "adm:ignore:<stagedID>".
func (c *Core) callback(ctx context.Context, in Incoming, out Responder) error {
	parts := strings.Split(in.Callback, ":")
	switch {
	case parts[0] == "lang" && len(parts) == 2:
		return c.setLang(ctx, in, out, parts[1])
	case parts[0] == "art" && len(parts) >= 3:
		point := ""
		if len(parts) > 3 {
			point = parts[3]
		}
		return c.article(ctx, in, out, parts[1], parts[2], point)
	case parts[0] == "cmp" && len(parts) == 2:
		return c.compare(ctx, in, out, parts[1])
	case parts[0] == "fb" && len(parts) == 3 && (parts[1] == "up" || parts[1] == "down"):
		return c.feedback(ctx, in, out, parts[2], parts[1] == "up")
	case parts[0] == "prop" && len(parts) >= 2:
		return c.proposalCallback(ctx, in, out, parts)
	case parts[0] == "pmod" && len(parts) == 3:
		if !c.isAdmin(in) {
			c.log.Warn("moderation button pressed by a non-admin", "user", userKey(in))
			return nil
		}
		return c.moderate(ctx, in, out, parts[1], parts[2])
	case parts[0] == "adm" && len(parts) == 3:
		if !c.isAdmin(in) {
			c.log.Warn("admin button pressed by a non-admin", "user", userKey(in))
			return nil
		}
		return c.adminCallback(ctx, in, out, parts[1], parts[2])
	}
	c.log.Debug("unknown callback", "data", in.Callback)
	return nil
}

// feedback stores a 👍 or 👎 with the answer it is about.
func (c *Core) feedback(ctx context.Context, in Incoming, out Responder, answerID string, up bool) error {
	t := textsFor(c.chatLang(ctx, in))
	vote := -1
	if up {
		vote = 1
	}
	err := c.store.Vote(ctx, answerID, string(in.Platform), in.UserID, vote, c.now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c.say(ctx, in, out, t.fbUnknown)
	case err != nil:
		c.metrics.Error("store")
		c.log.Error("saving feedback", "err", err)
		return c.say(ctx, in, out, t.failed)
	}
	c.log.Info("feedback", "platform", in.Platform, "vote", vote)
	if up {
		return c.say(ctx, in, out, t.thanksUp)
	}
	return c.say(ctx, in, out, t.thanksDown)
}
