package whatsapp

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"atazan/bot"
)

// followups remembers, per chat, the numbered choices last offered there,
// so that a user who sends "2" gets the second one. It is memory only: after
// a restart a number is an ordinary question again, which costs little.
type followups struct {
	ttl time.Duration // how long a choice stays valid
	max int           // chats remembered at most
	now func() time.Time

	mu     sync.Mutex
	offers map[string]offer
}

type offer struct {
	actions []bot.Action
	at      time.Time
}

func newFollowups(ttl time.Duration, max int, now func() time.Time) *followups {
	return &followups{ttl: ttl, max: max, now: now, offers: make(map[string]offer)}
}

// offer records the choices just sent to chat, replacing older ones.
func (f *followups) offer(chat string, actions []bot.Action) {
	if len(actions) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if _, ok := f.offers[chat]; !ok && len(f.offers) >= f.max {
		f.evict(now)
	}
	f.offers[chat] = offer{actions: append([]bot.Action(nil), actions...), at: now}
}

// evict drops expired offers and, if the table is still full, the oldest.
func (f *followups) evict(now time.Time) {
	oldest := ""
	for chat, o := range f.offers {
		if now.Sub(o.at) > f.ttl {
			delete(f.offers, chat)
		} else if oldest == "" || o.at.Before(f.offers[oldest].at) {
			oldest = chat
		}
	}
	if len(f.offers) >= f.max && oldest != "" {
		delete(f.offers, oldest)
	}
}

// pick returns the callback data of the choice text names by number in
// chat. A choice stays valid after use, so "1" then "2" both work.
func (f *followups) pick(chat, text string) (string, bool) {
	n, ok := choiceNumber(text)
	if !ok {
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.offers[chat]
	switch {
	case !ok:
		return "", false
	case f.now().Sub(o.at) > f.ttl:
		delete(f.offers, chat)
		return "", false
	case n < 1 || n > len(o.actions):
		return "", false
	}
	return o.actions[n-1].Data, true
}

// choiceNumber reads "2", " 2 ", "2." or "2)" as 2.
func choiceNumber(text string) (int, bool) {
	s := strings.TrimRight(strings.TrimSpace(text), ".)")
	if s == "" || len(s) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
