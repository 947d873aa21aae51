package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"atazan/config"
)

func TestAnsweringQueueAndTurns(t *testing.T) {
	ctx := context.Background()
	p := newAnswering(2, 1)
	r1, err := p.acquire(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	// u1's second question waits for the first, though a worker is free.
	second := make(chan error, 1)
	go func() {
		r, err := p.acquire(ctx, "u1")
		if err == nil {
			r()
		}
		second <- err
	}()
	r2, err := p.acquire(ctx, "u2")
	if err != nil {
		t.Fatalf("another user waits behind u1: %v", err)
	}
	select {
	case err := <-second:
		t.Fatalf("u1's second question went ahead of the first (err %v)", err)
	default:
	}
	// Two computing and one waiting fill the queue: the next is refused at once.
	eventually(t, func() bool { return len(p.admit) == 3 })
	if _, err := p.acquire(ctx, "u3"); !errors.Is(err, errBusy) {
		t.Errorf("acquire with a full queue = %v, want errBusy", err)
	}
	r1()
	if err := <-second; err != nil {
		t.Errorf("u1's second question: %v", err)
	}
	r2()
	// A question whose context ends while it waits gives its place back.
	r3, _ := p.acquire(ctx, "u3")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := p.acquire(cctx, "u3"); !errors.Is(err, context.Canceled) {
		t.Errorf("acquire with an ended context = %v", err)
	}
	r3()
	if len(p.admit) != 0 || len(p.slots) != 0 || len(p.byUser) != 0 {
		t.Errorf("left behind: %d admitted, %d slots, %d users", len(p.admit), len(p.slots), len(p.byUser))
	}
}

// eventually polls cond, failing after 10 s: for states reached by other
// goroutines, never as a measure of speed.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10 s")
		}
	}
}

func TestHungLLMDoesNotHoldUpOthers(t *testing.T) {
	h := newHarness(t, func(b *config.Bot) { b.AnswerWorkers, b.AnswerQueue = 2, 1 })
	h.engine.hang = make(chan struct{})
	h.engine.arrived = make(chan string, 10)
	answered := make(chan string, 3)
	for _, u := range []string{"u1", "u2", "u3"} {
		go func() { answered <- h.send(u, "Со скольки лет можно работать?").text() }()
	}
	<-h.engine.arrived
	<-h.engine.arrived
	eventually(t, func() bool { return len(h.core.answering.admit) == 3 })

	// The queue is full: a fourth question is told to come back, at once.
	if got := h.send("u4", "Что такое Курултай?").text(); !strings.Contains(got, "очень много вопросов") {
		t.Errorf("question with a full queue got %q", got)
	}
	// Commands, small talk and /article never wait for the engine.
	for text, want := range map[string]string{"/start": "Конституци", "привет": "Привет", "/article 2": "Статья 2", "/help": "/article"} {
		if got := h.send("u5", text).text(); !strings.Contains(got, want) {
			t.Errorf("%s while the LLM hangs: %q, want %q", text, got, want)
		}
	}
	close(h.engine.hang)
	for range 3 {
		if got := <-answered; !strings.Contains(got, "шестнадцати") {
			t.Errorf("answer after the LLM came back: %q", got)
		}
	}
}

func TestSpammerIsToldOnce(t *testing.T) {
	h := newHarness(t, func(b *config.Bot) { b.RatePerMinute = 3 })
	var answers, notices, silent int
	for range 20 {
		out := h.send("spam", "Со скольки лет можно работать?")
		switch got := out.text(); {
		case got == "":
			silent++
		case strings.Contains(got, "Подождите минуту"):
			notices++
		default:
			answers++
		}
	}
	if answers != 3 || notices != 1 || silent != 16 {
		t.Errorf("answers, notices, silent = %d, %d, %d; want 3, 1, 16", answers, notices, silent)
	}
	// A window later the user may ask again, and is told again when over.
	h.clock.advance(time.Minute)
	if got := h.send("spam", "Со скольки лет можно работать?").text(); !strings.Contains(got, "шестнадцати") {
		t.Errorf("a minute later: %q", got)
	}
}

func TestUnknownCommandInAGroup(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name  string
		in    Incoming
		reply bool
	}{
		{"someone else's command", Incoming{Text: "/shrug lol", IsGroup: true}, false},
		{"addressed to us", Incoming{Text: "/shrug", IsGroup: true, Mentioned: true}, true},
		{"in reply to us", Incoming{Text: "/shrug", IsGroup: true, ReplyToBot: true}, true},
		{"private chat", Incoming{Text: "/shrug lol"}, true},
		{"a known command in a group", Incoming{Text: "/help", IsGroup: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Platform, tt.in.ChatID, tt.in.UserID = Telegram, "-100", "u1"
			got := h.handle(tt.in).text()
			if (got != "") != tt.reply {
				t.Errorf("reply = %q, want a reply: %v", got, tt.reply)
			}
			if tt.reply && strings.HasPrefix(tt.in.Text, "/shrug") && !strings.Contains(got, "/help") {
				t.Errorf("unknown command answered %q", got)
			}
		})
	}
}
