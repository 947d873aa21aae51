package whatsapp

import (
	"testing"
	"time"

	"atazan/bot"
)

func TestFollowups(t *testing.T) {
	now := t0
	f := newFollowups(30*time.Minute, 2, func() time.Time { return now })
	f.offer("chat1", []bot.Action{{Label: "Вся статья", Data: "art:kz2026:17"}, {Label: "Сравнить", Data: "cmp:17"}})

	tests := []struct {
		chat, text string
		want       string
		ok         bool
	}{
		{"chat1", "1", "art:kz2026:17", true},
		{"chat1", " 2 ", "cmp:17", true},
		{"chat1", "2.", "cmp:17", true},
		{"chat1", "1)", "art:kz2026:17", true},
		{"chat1", "3", "", false},
		{"chat1", "0", "", false},
		{"chat1", "1 и 2", "", false},
		{"chat1", "статья 1", "", false},
		{"chat2", "1", "", false},
	}
	for _, tt := range tests {
		got, ok := f.pick(tt.chat, tt.text)
		if got != tt.want || ok != tt.ok {
			t.Errorf("pick(%q, %q) = %q, %v; want %q, %v", tt.chat, tt.text, got, ok, tt.want, tt.ok)
		}
	}

	now = now.Add(31 * time.Minute)
	if _, ok := f.pick("chat1", "1"); ok {
		t.Error("an expired choice was still picked")
	}
}

func TestFollowupsBounded(t *testing.T) {
	now := t0
	f := newFollowups(time.Hour, 2, func() time.Time { return now })
	for _, chat := range []string{"a", "b", "c"} {
		now = now.Add(time.Second)
		f.offer(chat, []bot.Action{{Label: chat, Data: chat}})
	}
	if _, ok := f.pick("a", "1"); ok {
		t.Error("the oldest chat should have been forgotten")
	}
	for _, chat := range []string{"b", "c"} {
		if got, ok := f.pick(chat, "1"); !ok || got != chat {
			t.Errorf("pick(%q) = %q, %v", chat, got, ok)
		}
	}
	now = now.Add(time.Second)
	f.offer("b", []bot.Action{{Label: "new", Data: "b2"}})
	if got, _ := f.pick("b", "1"); got != "b2" {
		t.Errorf("a new offer should replace the old one, got %q", got)
	}
}
