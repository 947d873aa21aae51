package bot

import "strings"

// ShouldAnswer applies the group rules: in a private chat every message is
// for the bot; in a group only a mention, a reply to the bot, a command, a
// button press, or a move in the chat's battle (an opinion, an option's
// number, a poll vote) is.
func (c *Core) ShouldAnswer(in Incoming) bool {
	if !in.IsGroup {
		return true
	}
	return in.Mentioned || in.ReplyToBot || in.Callback != "" || strings.HasPrefix(strings.TrimSpace(in.Text), "/") ||
		in.PollAnswer != nil || c.battleWaits(in)
}
