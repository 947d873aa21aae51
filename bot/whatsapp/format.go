package whatsapp

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"atazan/bot"
)

// maxMessageRunes bounds one WhatsApp message. WhatsApp accepts far more,
// but folds long messages behind "Read more"; a few screens is the most a
// reader on a phone scrolls through, and Telegram's limit keeps the two
// messengers' answers alike.
const maxMessageRunes = 4000

// Format renders a reply as WhatsApp text messages of at most limit runes
// each; the Cloud API adapter writes the same markup.
func Format(r bot.Reply, limit int) []string { return render(r, limit) }

// render turns a reply into WhatsApp messages: *bold*, _italic_ and
// ```monospace``` markup, split between paragraphs when too long, and
// inside a paragraph only when one paragraph alone is.
func render(r bot.Reply, limit int) []string {
	var blocks []string
	for _, p := range r.Paragraphs {
		blocks = append(blocks, paragraph(p, limit)...)
	}
	return pack(blocks, "\n\n", limit)
}

// paragraph formats one paragraph into pieces no longer than limit.
func paragraph(p bot.Paragraph, limit int) []string {
	var pieces []string
	for _, s := range p {
		lines := strings.SplitAfter(s.Text, "\n")
		for _, line := range lines {
			// Markup never spans a line in WhatsApp, so each line is
			// marked up on its own; 6 runes leave room for the markers.
			for _, chunk := range splitText(line, limit-6) {
				pieces = append(pieces, formatSpan(s, chunk))
			}
		}
	}
	return pack(pieces, "", limit)
}

// formatSpan marks up text with s's style. Whitespace at the edges goes
// outside the markers: WhatsApp ignores "* bold*".
func formatSpan(s bot.Span, text string) string {
	open, close := "", ""
	switch {
	case s.Code:
		open, close = "```", "```"
		text = strings.ReplaceAll(text, "`", "ˋ")
	case s.Bold && s.Italic:
		open, close = "*_", "_*"
	case s.Bold:
		open, close = "*", "*"
	case s.Italic:
		open, close = "_", "_"
	}
	if !s.Code {
		text = neutralize(text)
	}
	if open == "" {
		return text
	}
	core := strings.TrimSpace(text)
	if core == "" {
		return text
	}
	i := strings.Index(text, core)
	return text[:i] + open + core + close + text[i+len(core):]
}

// markerLookalikes replaces WhatsApp's markup characters in plain text with
// characters that look the same but format nothing. WhatsApp has no escape
// character, and a stray "*" or "_" in a quoted text would otherwise turn
// the rest of a line bold or italic.
var markerLookalikes = strings.NewReplacer("*", "∗", "_", "ˍ", "~", "∼", "`", "ˋ")

// neutralize applies markerLookalikes to every word except links, whose
// underscores must survive for the link to work.
func neutralize(text string) string {
	if !strings.ContainsAny(text, "*_~`") {
		return text
	}
	var b strings.Builder
	for len(text) > 0 {
		end := strings.IndexFunc(text, unicode.IsSpace)
		if end < 0 {
			end = len(text)
		}
		word := text[:end]
		if isLink(word) {
			b.WriteString(word)
		} else {
			b.WriteString(markerLookalikes.Replace(word))
		}
		text = text[end:]
		space := strings.IndexFunc(text, func(r rune) bool { return !unicode.IsSpace(r) })
		if space < 0 {
			space = len(text)
		}
		b.WriteString(text[:space])
		text = text[space:]
	}
	return b.String()
}

func isLink(word string) bool {
	return strings.Contains(word, "://") || strings.HasPrefix(word, "www.")
}

// splitText cuts s into chunks of at most max runes, preferring a line
// break, then a sentence end, then a space in the second half of a chunk.
// Separators stay at the end of their chunk so the chunks join back to s.
func splitText(s string, max int) []string {
	var out []string
	for utf8.RuneCountInString(s) > max {
		head := s[:byteIndex(s, max)]
		cut := -1
		for _, sep := range []string{"\n", ". ", "; ", ", ", " "} {
			if i := strings.LastIndex(head, sep); i >= len(head)/2 {
				cut = i + len(sep)
				break
			}
		}
		if cut <= 0 {
			cut = len(head)
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// byteIndex is the byte offset of rune n in s.
func byteIndex(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// pack joins pieces with sep into as few messages of at most limit runes as
// it can, keeping their order. Pieces are never longer than limit.
func pack(pieces []string, sep string, limit int) []string {
	var out []string
	var cur strings.Builder
	n := 0
	for _, p := range pieces {
		pn := utf8.RuneCountInString(p)
		if n > 0 && n+utf8.RuneCountInString(sep)+pn > limit {
			out = appendTrimmed(out, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteString(sep)
			n += utf8.RuneCountInString(sep)
		}
		cur.WriteString(p)
		n += pn
	}
	return appendTrimmed(out, cur.String())
}

func appendTrimmed(out []string, s string) []string {
	if s = strings.TrimSpace(s); s != "" {
		out = append(out, s)
	}
	return out
}

// followupText lists a reply's actions as numbered choices, since ordinary
// WhatsApp accounts cannot send buttons: the user answers with the number.
// It is a message of its own, so the answer above it can be forwarded on
// without choices that mean nothing to whoever receives it.
func followupText(actions []bot.Action) string {
	var b strings.Builder
	labels := ""
	for i, a := range actions {
		b.WriteString("*" + strconv.Itoa(i+1) + "* — " + neutralize(a.Label) + "\n")
		labels += a.Label
	}
	b.WriteString("\n_" + followupHint(labels) + "_")
	return b.String()
}

// followupHint asks for the number in the language of the labels, which
// the core wrote in the user's language: Kazakh-only letters mark Kazakh
// Cyrillic, other Cyrillic Russian, Latin the Kazakh Latin script.
func followupHint(labels string) string {
	switch {
	case strings.ContainsAny(labels, "әғқңөұүһіӘҒҚҢӨҰҮҺІ"):
		return "Нөмірін жіберіңіз."
	case strings.IndexFunc(labels, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0:
		return "Отправьте номер."
	}
	return "Nömirin jiberiñiz."
}
