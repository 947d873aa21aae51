package answer

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// streamView decides what of a streaming LLM answer a reader may see. It
// shows only text the final check will keep: whole sentences, checked,
// and nothing until they hold a valid citation and are long enough to
// show their language. The first message a messenger sends is its push
// notification, so it is never a fragment ("The Cons…"). When the checked
// answer reaches maxBodyRunes, or the reply maxRawRunes, the model is
// stopped: a runaway never fills a message.
type streamView struct {
	req     Request
	partial func(string) // nil: nothing is shown, the view only watches the length
	stop    func()       // ends the LLM call

	mu      sync.Mutex
	raw     strings.Builder
	runes   int // in raw
	checked int // length of the settled text last checked
	shown   string
	stopped bool
}

// maxRawRunes stops a model that goes on writing what the check drops,
// such as one sentence again and again.
const maxRawRunes = 2 * maxBodyRunes

func newStreamView(req Request, partial func(string), stop func()) *streamView {
	return &streamView{req: req, partial: partial, stop: stop}
}

// add takes the next piece of the model's reply.
func (v *streamView) add(delta string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.stopped {
		return
	}
	v.raw.WriteString(delta)
	v.runes += utf8.RuneCountInString(delta)
	if v.runes > maxRawRunes {
		v.stopped = true
		v.stop()
		return
	}
	done := settled(v.raw.String())
	if len(done) == v.checked {
		return // no new sentence: nothing new to show
	}
	v.checked = len(done)
	ch := checkText(done, v.req.Passages, v.req.Lang)
	if ch.Truncated {
		v.stopped = true
		v.stop()
	}
	if v.partial == nil || ch.Body == v.shown || acceptable(ch) != "" {
		return
	}
	v.shown = ch.Body
	v.partial(ch.Body)
}

// runaway returns the reply received before the view stopped the model
// at the length cap, or false when it did not.
func (v *streamView) runaway() (string, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.raw.String(), v.stopped
}

// settled is the part of a streaming reply whose sentences are complete
// and can no longer change: a sentence still being written is cut, and
// so is the last complete one while a citation that would belong to it
// may still follow ("Казнь запрещена. [kz2026:17:3]").
func settled(raw string) string {
	parts := splitSentences(raw)
	if len(parts) < 2 {
		return ""
	}
	keep := len(parts) - 1
	if opensCitation(parts[keep]) {
		keep--
	}
	return strings.Join(parts[:keep], "")
}

// opensCitation reports whether s, the start of a sentence, may be the
// start of a citation: "", "[", "(kz", "kz2026:1".
func opensCitation(s string) bool {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if s == "" || strings.ContainsRune("[【〔(", []rune(s)[0]) {
		return true
	}
	f := foldID(string([]rune(s)[:min(3, len([]rune(s)))]))
	return f == "k" || strings.HasPrefix(f, "kz")
}
