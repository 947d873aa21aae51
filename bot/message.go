// Package bot is the messenger-independent conversation core. Adapters
// (bot/telegram, bot/whatsapp, bot/console) translate between a messenger and
// the core: they turn platform updates into Incoming values and render Reply
// values, and nothing about a conversation lives in them.
package bot

// Platform names a messenger. It prefixes user ids in config ("tg:123").
type Platform string

// The platforms the core knows.
const (
	Telegram Platform = "tg"
	WhatsApp Platform = "wa"
	Console  Platform = "console"
)

// Incoming is one message from a user, in messenger-neutral form.
type Incoming struct {
	Platform Platform
	ChatID   string // the chat to answer in
	UserID   string // the sender, unique within the platform
	UserName string // display name, may be empty
	// LangHint is the client's interface language ("kk", "ru", ...), if the
	// messenger tells it; the question's own language wins over it.
	LangHint  string
	MessageID string
	Text      string
	// ReplyTo is the text of the message this one replies to (quoted context).
	ReplyTo string
	// ReplyToBot is true when the message replies to one of the bot's messages.
	ReplyToBot bool
	// ForwardedFrom names the original author when a volunteer forwards
	// someone's question; the forwarded text is the question.
	ForwardedFrom string
	IsForwarded   bool
	IsGroup       bool
	Mentioned     bool // the bot was @-mentioned (groups)
	// NonText describes a message the bot cannot read ("sticker", "voice",
	// "photo", "document"); Text is then empty or a caption.
	NonText string
	// File is an uploaded document (admins import corpus files this way).
	File *File
	// Callback is set when the user pressed a button (or, on WhatsApp, sent a
	// number that picks a follow-up); Text is then empty.
	Callback string
	// PollAnswer is a vote in a native poll of a battle round (Telegram);
	// such an update names the user but not the chat.
	PollAnswer *PollAnswer
}

// File is an uploaded file.
type File struct {
	Name string
	Size int64
	// Open fetches the content; adapters download lazily so that non-admins'
	// uploads are never fetched.
	Open func() ([]byte, error)
}

// Reply is one outgoing message, before platform formatting.
type Reply struct {
	Paragraphs []Paragraph
	Actions    []Action
	// ShareText is a plain-text version for forwarding on (inline results).
	ShareText string
	// Document is a file to send (CSV exports).
	Document *OutFile
	// Final marks the reply that completes the answer to the incoming
	// message: nothing is sent for it afterwards. An adapter that keeps
	// messages in a database may record the message answered in the same
	// commit that queues this reply. Streamed drafts are never final.
	Final bool
}

// OutFile is a file the bot sends.
type OutFile struct {
	Name string
	Data []byte
}

// Paragraph is a run of styled text; adapters split long replies between paragraphs.
type Paragraph []Span

// Span is text with one style. Text is plain: adapters escape it for their markup.
type Span struct {
	Text   string
	Bold   bool
	Italic bool
	Code   bool
}

// Action is a button (Telegram) or a numbered follow-up (WhatsApp).
// Data comes back as Incoming.Callback when chosen.
type Action struct {
	Label string
	Data  string
}

// Plain joins the reply into unstyled text, paragraphs separated by blank lines.
func (r Reply) Plain() string {
	var b []byte
	for i, p := range r.Paragraphs {
		if i > 0 {
			b = append(b, '\n', '\n')
		}
		for _, s := range p {
			b = append(b, s.Text...)
		}
	}
	return string(b)
}
