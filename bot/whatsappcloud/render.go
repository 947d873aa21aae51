package whatsappcloud

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"atazan/bot"
	"atazan/bot/whatsapp"
)

// The Cloud API's limits on a message.
const (
	maxText        = 4096 // a text message's body
	maxBody        = 1024 // an interactive message's body
	maxButtons     = 3    // reply buttons
	maxButtonTitle = 20
	maxRows        = 10 // list rows
	maxRowTitle    = 24
	maxRowDesc     = 72
	maxListButton  = 20
)

// outMessage is a message as the messages endpoint takes it.
type outMessage struct {
	Product     string       `json:"messaging_product"`
	Recipient   string       `json:"recipient_type"`
	To          string       `json:"to"`
	Type        string       `json:"type"`
	Text        *text        `json:"text,omitempty"`
	Interactive *interactive `json:"interactive,omitempty"`
	Document    *document    `json:"document,omitempty"`
	// Tag comes back in the delivery statuses: the one id of the logical
	// message, whatever the retries.
	Tag string `json:"biz_opaque_callback_data,omitempty"`
}

type text struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url"`
}

type interactive struct {
	Type   string `json:"type"` // button or list
	Body   body   `json:"body"`
	Action action `json:"action"`
}

type body struct {
	Text string `json:"text"`
}

type action struct {
	Buttons  []button  `json:"buttons,omitempty"`
	Button   string    `json:"button,omitempty"` // the list's opener
	Sections []section `json:"sections,omitempty"`
}

type button struct {
	Type  string `json:"type"` // reply
	Reply struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"reply"`
}

type section struct {
	Title string `json:"title,omitempty"`
	Rows  []row  `json:"rows"`
}

type row struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type document struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
}

// render turns a reply into messages: its text in WhatsApp markup, split
// at the API's limit, and its actions as reply buttons (three at most, with
// short labels) or else a list. The buttons ride on the last text when it
// is short enough to be their body. A document is left to the caller,
// which must upload it first.
func render(r bot.Reply) []*outMessage {
	var msgs []*outMessage
	// The markup adds a few runes per span; the margin keeps the body under
	// the API's limit, which counts characters.
	for _, t := range whatsapp.Format(r, maxText-96) {
		msgs = append(msgs, &outMessage{Type: "text", Text: &text{Body: t}})
	}
	if len(r.Actions) == 0 {
		return msgs
	}
	in := choices(r.Actions)
	if n := len(msgs); n > 0 && utf8.RuneCountInString(msgs[n-1].Text.Body) <= maxBody {
		in.Body.Text = msgs[n-1].Text.Body
		msgs = msgs[:n-1]
	} else {
		in.Body.Text = prompt(labels(r.Actions))
	}
	return append(msgs, &outMessage{Type: "interactive", Interactive: in})
}

// choices is the interactive part for actions, without its body.
func choices(actions []bot.Action) *interactive {
	fit := len(actions) <= maxButtons
	for _, a := range actions {
		if utf8.RuneCountInString(a.Label) > maxButtonTitle {
			fit = false
		}
	}
	if fit {
		in := &interactive{Type: "button"}
		for _, a := range actions {
			var b button
			b.Type, b.Reply.ID, b.Reply.Title = "reply", a.Data, a.Label
			in.Action.Buttons = append(in.Action.Buttons, b)
		}
		return in
	}
	if len(actions) > maxRows {
		actions = actions[:maxRows]
	}
	var rows []row
	for _, a := range actions {
		r := row{ID: a.Data, Title: truncate(a.Label, maxRowTitle)}
		if r.Title != a.Label {
			r.Description = truncate(a.Label, maxRowDesc)
		}
		rows = append(rows, r)
	}
	return &interactive{Type: "list", Action: action{
		Button:   truncate(opener(labels(actions)), maxListButton),
		Sections: []section{{Rows: rows}},
	}}
}

func labels(actions []bot.Action) string {
	var b strings.Builder
	for _, a := range actions {
		b.WriteString(a.Label)
	}
	return b.String()
}

// truncate cuts s to at most n runes, between words when that keeps most
// of it, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := string([]rune(s)[:n-1])
	if i := strings.LastIndex(cut, " "); utf8.RuneCountInString(cut[:max(i, 0)]) > n/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + "…"
}

// script tells the language of the labels, which the core wrote in the
// user's language: Kazakh-only letters mark Kazakh Cyrillic, other
// Cyrillic Russian, else the Kazakh Latin script.
func script(labels string) string {
	switch {
	case strings.ContainsAny(labels, "әғқңөұүһіӘҒҚҢӨҰҮҺІ"):
		return "kk"
	case strings.IndexFunc(labels, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0:
		return "ru"
	}
	return "kk-latn"
}

// prompt heads the buttons when the answer is too long to carry them.
func prompt(labels string) string {
	return map[string]string{"kk": "Әрі қарай:", "ru": "Дальше:", "kk-latn": "Äri qaray:"}[script(labels)]
}

// opener is the label of the button that opens a list.
func opener(labels string) string {
	return map[string]string{"kk": "Таңдау", "ru": "Выбрать", "kk-latn": "Tañdau"}[script(labels)]
}
