package telegramtest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
)

// maxText is Telegram's limit on a message's text after entity parsing.
const maxText = 4096

// htmlTags are the tags Telegram's HTML parse mode accepts.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "code": true, "pre": true, "a": true,
	"tg-spoiler": true, "span": true, "blockquote": true, "tg-emoji": true,
}

var entityRE = regexp.MustCompile(`^&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);`)

// CheckText parses text the way Telegram does for parse_mode, and fails
// like Telegram on what it would refuse: unknown or unbalanced tags, bare
// "<" or "&", and texts over the length limit.
func CheckText(text, parseMode string) error {
	plain := text
	if strings.EqualFold(parseMode, "HTML") {
		var err error
		if plain, err = parseHTML(text); err != nil {
			return fmt.Errorf("can't parse entities: %w", err)
		}
	}
	if strings.TrimSpace(plain) == "" {
		return fmt.Errorf("message text is empty")
	}
	if n := len(utf16.Encode([]rune(plain))); n > maxText {
		return fmt.Errorf("message is too long (%d characters)", n)
	}
	return nil
}

// parseHTML returns the text without markup.
func parseHTML(s string) (string, error) {
	var (
		out   strings.Builder
		stack []string
	)
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+end]
			closing := strings.HasPrefix(tag, "/")
			name := strings.Fields(strings.TrimPrefix(tag, "/") + " ")[0]
			if !htmlTags[name] {
				return "", fmt.Errorf("unsupported start tag %q at byte offset %d", name, i)
			}
			if closing {
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return "", fmt.Errorf("unmatched end tag at byte offset %d, expected \"</%s>\"", i, last(stack))
				}
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, name)
			}
			i += end + 1
		case '&':
			m := entityRE.FindString(s[i:])
			if m == "" {
				return "", fmt.Errorf("unsupported entity at byte offset %d", i)
			}
			switch m {
			case "&lt;":
				out.WriteByte('<')
			case "&gt;":
				out.WriteByte('>')
			case "&amp;":
				out.WriteByte('&')
			case "&quot;":
				out.WriteByte('"')
			default:
				out.WriteByte('?') // a numeric entity: one character
			}
			i += len(m)
		case '>':
			return "", fmt.Errorf("unexpected \">\" at byte offset %d", i)
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't find end tag corresponding to start tag %q", last(stack))
	}
	return out.String(), nil
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}
