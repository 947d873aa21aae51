package whatsapp

import (
	"strings"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"atazan/bot"
)

// ignoreReason says why a message must get no answer at all, or "" when
// the core may see it. since is the connect time minus a grace: anything
// older is history WhatsApp replays after a (re)connect, long answered or
// long stale.
func ignoreReason(evt *events.Message, since time.Time) string {
	chat := evt.Info.Chat
	switch {
	case evt.Info.IsFromMe:
		return "own"
	case chat == types.StatusBroadcastJID:
		return "status"
	case chat.Server == types.BroadcastServer:
		return "broadcast"
	case chat.Server == types.NewsletterServer:
		return "newsletter"
	case evt.IsEdit:
		return "edit" // the original was answered already
	case !since.IsZero() && evt.Info.Timestamp.Before(since):
		return "old"
	}
	return ""
}

// incoming translates a WhatsApp message into the core's terms. ok is false
// for messages that carry nothing a person wrote: reactions, protocol
// messages, poll votes.
func incoming(evt *events.Message, me identity) (in bot.Incoming, ok bool) {
	msg := evt.Message
	text, nonText, ctxInfo := content(msg)
	if text == "" && nonText == "" {
		return bot.Incoming{}, false
	}
	in = bot.Incoming{
		Platform:  bot.WhatsApp,
		ChatID:    evt.Info.Chat.String(),
		UserID:    userID(evt.Info.Sender, evt.Info.SenderAlt),
		UserName:  evt.Info.PushName,
		MessageID: evt.Info.ID,
		Text:      text,
		NonText:   nonText,
		IsGroup:   evt.Info.IsGroup,
	}
	if ctxInfo != nil {
		for _, jid := range ctxInfo.GetMentionedJID() {
			if me.isString(jid) {
				in.Mentioned = true
			}
		}
		if q := ctxInfo.GetQuotedMessage(); q != nil {
			in.ReplyTo, _, _ = content(q)
			in.ReplyToBot = ctxInfo.GetStanzaID() != "" && me.isString(ctxInfo.GetParticipant())
		}
		in.IsForwarded = ctxInfo.GetIsForwarded()
	}
	in.Text = stripMentions(in.Text, me)
	return in, true
}

// content finds the words of a message wherever WhatsApp put them: plain
// conversation, extended text (links, quotes, mentions) or a media caption.
// nonText names a message kind the bot cannot read.
func content(msg *waE2E.Message) (text, nonText string, ctx *waE2E.ContextInfo) {
	switch {
	case msg == nil:
		return "", "", nil
	case msg.Conversation != nil:
		return strings.TrimSpace(msg.GetConversation()), "", nil
	case msg.ExtendedTextMessage != nil:
		m := msg.GetExtendedTextMessage()
		return strings.TrimSpace(m.GetText()), "", m.GetContextInfo()
	case msg.ImageMessage != nil:
		m := msg.GetImageMessage()
		return strings.TrimSpace(m.GetCaption()), "photo", m.GetContextInfo()
	case msg.VideoMessage != nil:
		m := msg.GetVideoMessage()
		return strings.TrimSpace(m.GetCaption()), "video", m.GetContextInfo()
	case msg.DocumentMessage != nil:
		m := msg.GetDocumentMessage()
		return strings.TrimSpace(m.GetCaption()), "document", m.GetContextInfo()
	case msg.AudioMessage != nil:
		return "", "voice", msg.GetAudioMessage().GetContextInfo()
	case msg.StickerMessage != nil:
		return "", "sticker", msg.GetStickerMessage().GetContextInfo()
	case msg.LocationMessage != nil:
		return "", "location", msg.GetLocationMessage().GetContextInfo()
	case msg.ContactMessage != nil:
		return "", "contact", msg.GetContactMessage().GetContextInfo()
	}
	return "", "", nil
}

// userID is the sender's phone number when WhatsApp reveals it, as admins
// are configured by number ("wa:77011234567"); otherwise the hidden id,
// kept with its server so it can never pass for a number.
func userID(sender, alt types.JID) string {
	switch {
	case sender.Server == types.DefaultUserServer:
		return sender.User
	case alt.Server == types.DefaultUserServer:
		return alt.User
	}
	return sender.ToNonAD().String()
}

// stripMentions removes "@<bot number>" tokens, which WhatsApp puts in the
// text of a mention and which would otherwise become part of the question.
func stripMentions(text string, me identity) string {
	for _, user := range []string{me.PN.User, me.LID.User} {
		if user != "" {
			text = strings.ReplaceAll(text, "@"+user, "")
		}
	}
	for strings.Contains(text, "  ") {
		text = strings.ReplaceAll(text, "  ", " ")
	}
	return strings.TrimSpace(text)
}
