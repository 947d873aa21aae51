package console

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atazan/bot"
)

// script is a Handler that answers every text with its echo and two
// buttons, and records what came in.
type script struct {
	got []bot.Incoming
}

func (s *script) Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error {
	s.got = append(s.got, in)
	if in.Callback != "" {
		_, err := out.Send(ctx, bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "pressed " + in.Callback}}}})
		return err
	}
	if in.Text == "export" {
		_, err := out.Send(ctx, bot.Reply{Paragraphs: []bot.Paragraph{{{Text: "here"}}},
			Document: &bot.OutFile{Name: "../feedback.csv", Data: []byte("a,b\n")}})
		return err
	}
	_, err := out.Send(ctx, bot.Reply{
		Paragraphs: []bot.Paragraph{{{Text: "Ответ: "}, {Text: "ст. 2", Bold: true}}, {{Text: "note", Italic: true}}},
		Actions:    []bot.Action{{Label: "📖 Статья 2", Data: "art:kz2026:2"}, {Label: "👍", Data: "fb:up:x"}},
	})
	return err
}

func TestConsole(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		color  bool
		greet  bool
		want   []string
		wantIn []bot.Incoming
	}{
		{
			name:  "question and button by number",
			input: "Со скольки лет?\n\n1\n",
			want:  []string{"> \nОтвет: ст. 2\n\nnote\n  [1] 📖 Статья 2  [2] 👍\n> ", "pressed art:kz2026:2"},
			wantIn: []bot.Incoming{
				{Platform: bot.Console, ChatID: "local", UserID: "local", Text: "Со скольки лет?"},
				{Platform: bot.Console, ChatID: "local", UserID: "local", Callback: "art:kz2026:2"},
			},
		},
		{
			name:   "a number with no buttons is text",
			input:  "17\n",
			wantIn: []bot.Incoming{{Platform: bot.Console, ChatID: "local", UserID: "local", Text: "17"}},
		},
		{
			name:  "greeting first",
			input: "2\n",
			greet: true,
			wantIn: []bot.Incoming{
				{Platform: bot.Console, ChatID: "local", UserID: "local", Text: "/start"},
				{Platform: bot.Console, ChatID: "local", UserID: "local", Callback: "fb:up:x"},
			},
		},
		{
			name:   "quit stops",
			input:  "/quit\nnot read\n",
			wantIn: nil,
		},
		{
			name:  "color",
			input: "q\n",
			color: true,
			want:  []string{"\x1b[1mст. 2\x1b[0m", "\x1b[3mnote\x1b[0m"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &script{}
			var out strings.Builder
			c := New(h, strings.NewReader(tt.input), &out, Options{Color: tt.color, Greet: tt.greet})
			if err := c.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%q", w, out.String())
				}
			}
			if tt.wantIn != nil || tt.name == "quit stops" {
				if len(h.got) != len(tt.wantIn) {
					t.Fatalf("core got %+v, want %+v", h.got, tt.wantIn)
				}
				for i := range h.got {
					if h.got[i] != tt.wantIn[i] {
						t.Errorf("message %d = %+v, want %+v", i, h.got[i], tt.wantIn[i])
					}
				}
			}
		})
	}
}

func TestConsoleSavesFiles(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := New(&script{}, strings.NewReader("export\n"), &out, Options{FileDir: dir}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "feedback.csv"))
	if err != nil || string(data) != "a,b\n" {
		t.Fatalf("saved file = %q, %v", data, err)
	}
	if !strings.Contains(out.String(), "[file saved: "+filepath.Join(dir, "feedback.csv")) {
		t.Errorf("output: %s", out.String())
	}
}

func TestConsoleStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w, err := os.Pipe() // never written: Run must return on cancel, not on input
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	done := make(chan error)
	go func() { done <- New(&script{}, r, &strings.Builder{}, Options{}).Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
