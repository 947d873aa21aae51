package telegram

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"atazan/bot"
)

// maxText is Telegram's limit on a message's text. Telegram counts UTF-16
// code units of the text after parsing entities; we measure the HTML source,
// which is never shorter, so every chunk fits however the tags are parsed.
const maxText = 4096

// maxCallbackData is Telegram's limit on a button's callback data, in bytes.
const maxCallbackData = 64

// escaper escapes the three characters Telegram's HTML parse mode reserves.
// (html.EscapeString also turns quotes into numeric entities, which costs
// length and buys nothing outside attributes.)
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// renderHTML turns a reply into Telegram HTML messages, each within limit.
// Paragraphs are never split unless one alone is longer than limit; then it
// is broken between words, and each piece carries its own tags, so no chunk
// ends inside a tag or an entity.
func renderHTML(r bot.Reply, limit int) []string {
	var (
		chunks []string
		cur    strings.Builder
		curLen int
	)
	flush := func() {
		if curLen > 0 {
			chunks = append(chunks, cur.String())
			cur.Reset()
			curLen = 0
		}
	}
	for _, p := range r.Paragraphs {
		for _, part := range paragraphHTML(p, limit) {
			n := utf16Len(part)
			if curLen > 0 && curLen+2+n > limit {
				flush()
			}
			if curLen > 0 {
				cur.WriteString("\n\n")
				curLen += 2
			}
			cur.WriteString(part)
			curLen += n
		}
	}
	flush()
	return chunks
}

// paragraphHTML renders one paragraph, in pieces of at most limit when it is
// too long for one message. An empty paragraph renders to nothing.
func paragraphHTML(p bot.Paragraph, limit int) []string {
	var whole strings.Builder
	for _, s := range p {
		if s.Text == "" {
			continue
		}
		open, close := tags(s)
		whole.WriteString(open)
		whole.WriteString(escaper.Replace(s.Text))
		whole.WriteString(close)
	}
	if whole.Len() == 0 {
		return nil
	}
	if utf16Len(whole.String()) <= limit {
		return []string{whole.String()}
	}

	var (
		parts []string
		b     strings.Builder
		n     int
	)
	for _, s := range p {
		open, close := tags(s)
		overhead := utf16Len(open) + utf16Len(close)
		var run strings.Builder
		runLen := 0
		emit := func() {
			if runLen > 0 {
				b.WriteString(open + run.String() + close)
				n += overhead + runLen
				run.Reset()
				runLen = 0
			}
		}
		for _, w := range words(s.Text, limit-overhead) {
			e := escaper.Replace(w)
			el := utf16Len(e)
			if n+overhead+runLen+el > limit {
				emit()
				if n > 0 {
					parts = append(parts, b.String())
					b.Reset()
					n = 0
				}
			}
			run.WriteString(e)
			runLen += el
		}
		emit()
	}
	if n > 0 {
		parts = append(parts, b.String())
	}
	return parts
}

// tags are the opening and closing HTML tags of a span's style.
func tags(s bot.Span) (open, close string) {
	if s.Bold {
		open, close = open+"<b>", "</b>"+close
	}
	if s.Italic {
		open, close = open+"<i>", "</i>"+close
	}
	if s.Code {
		open, close = open+"<code>", "</code>"+close
	}
	return open, close
}

// words cuts text after each run of white space, so joining the words gives
// the text back. A word whose escaped form is longer than max is cut between
// runes.
func words(text string, max int) []string {
	var out []string
	start := 0
	prevSpace := false
	for i, r := range text {
		space := unicode.IsSpace(r)
		if prevSpace && !space {
			out = append(out, text[start:i])
			start = i
		}
		prevSpace = space
	}
	if start < len(text) {
		out = append(out, text[start:])
	}

	var fitted []string
	for _, w := range out {
		for utf16Len(escaper.Replace(w)) > max {
			cut, n := 0, 0
			for cut < len(w) {
				r, size := utf8.DecodeRuneInString(w[cut:])
				rl := utf16Len(escaper.Replace(string(r)))
				if n+rl > max {
					break
				}
				n += rl
				cut += size
			}
			if cut == 0 { // max is smaller than one rune: nothing sensible fits
				break
			}
			fitted = append(fitted, w[:cut])
			w = w[cut:]
		}
		fitted = append(fitted, w)
	}
	return fitted
}

// utf16Len is the length of s the way Telegram counts it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
