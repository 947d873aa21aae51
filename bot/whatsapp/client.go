package whatsapp

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
)

// Client is the part of *whatsmeow.Client the adapter talks through once a
// message has arrived. Keeping it this narrow lets tests drive the adapter
// with real event values and a recording fake instead of a phone.
type Client interface {
	SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	MarkRead(ctx context.Context, ids []types.MessageID, ts time.Time, chat, sender types.JID, receiptType ...types.ReceiptType) error
	SendChatPresence(ctx context.Context, chat types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error
	Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error)
	Upload(ctx context.Context, data []byte, kind whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	SendPresence(ctx context.Context, state types.Presence) error
	GenerateMessageID() types.MessageID
}

var _ Client = (*whatsmeow.Client)(nil)

// identity is who the bot is: groups mention and quote it by phone number
// or, since WhatsApp's move to hidden ids, by LID.
type identity struct {
	PN  types.JID
	LID types.JID
}

// is reports whether jid names the bot under either of its ids.
func (id identity) is(jid types.JID) bool {
	if jid.User == "" {
		return false
	}
	return (jid.User == id.PN.User && jid.Server == id.PN.Server) ||
		(jid.User == id.LID.User && jid.Server == id.LID.Server)
}

// isString is is for the JID strings found in message context info.
func (id identity) isString(s string) bool {
	jid, err := types.ParseJID(s)
	return err == nil && id.is(jid)
}
