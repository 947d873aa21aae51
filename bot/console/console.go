// Package console is the terminal adapter: each line typed is a message to
// the conversation core, and replies are printed, with their buttons
// numbered so that typing the number presses the button.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"atazan/bot"
)

// Handler is the part of the core the console uses; *bot.Core is one.
type Handler interface {
	Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error
}

// Options configure a Console.
type Options struct {
	UserID   string // who is typing; "local" when empty. Make "console:local" an admin to try admin commands.
	LangHint string // the terminal's language, if known
	Color    bool   // ANSI bold and italics
	// FileDir is where files the bot sends (CSV exports) are saved; "" = the working directory.
	FileDir string
	// Greet sends /start before the first line, so the conversation opens
	// with the bot's greeting and language buttons.
	Greet bool
}

// Console runs a conversation between a terminal and the core.
type Console struct {
	core Handler
	in   io.Reader
	out  io.Writer
	opts Options

	mu      sync.Mutex
	actions []bot.Action // the buttons of the latest reply, numbered from 1
	sent    int
}

// New makes a Console reading lines from in and printing to out.
func New(core Handler, in io.Reader, out io.Writer, opts Options) *Console {
	if opts.UserID == "" {
		opts.UserID = "local"
	}
	return &Console{core: core, in: in, out: out, opts: opts}
}

// Run reads lines until end of input, "/quit" or ctx is done.
func (c *Console) Run(ctx context.Context) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.in)
		sc.Buffer(make([]byte, 64*1024), 4<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	if c.opts.Greet {
		if err := c.core.Handle(ctx, c.incoming("/start"), c); err != nil {
			fmt.Fprintf(c.out, "! %v\n", err)
		}
	}
	c.prompt()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(c.out)
				if err := <-errc; err != nil {
					return fmt.Errorf("reading the terminal: %w", err)
				}
				return nil
			}
			line = strings.TrimSpace(line)
			if line == "/quit" || line == "/exit" {
				return nil
			}
			if line != "" {
				if err := c.core.Handle(ctx, c.incoming(line), c); err != nil {
					fmt.Fprintf(c.out, "! %v\n", err)
				}
			}
			c.prompt()
		}
	}
}

func (c *Console) prompt() { fmt.Fprint(c.out, "> ") }

// incoming turns a line into a message: a number picks a button of the last reply.
func (c *Console) incoming(line string) bot.Incoming {
	in := bot.Incoming{Platform: bot.Console, ChatID: c.opts.UserID, UserID: c.opts.UserID, LangHint: c.opts.LangHint}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(c.actions) {
		in.Callback = c.actions[n-1].Data
		return in
	}
	in.Text = line
	return in
}

// Typing does nothing: the terminal waits visibly anyway.
func (c *Console) Typing(context.Context) error { return nil }

// CanEdit is false: printed text cannot be taken back.
func (c *Console) CanEdit() bool { return false }

// Edit is never called, since CanEdit is false; it prints the reply anew.
func (c *Console) Edit(ctx context.Context, _ string, r bot.Reply) error {
	_, err := c.Send(ctx, r)
	return err
}

// Send prints a reply.
func (c *Console) Send(_ context.Context, r bot.Reply) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	b.WriteByte('\n')
	for i, p := range r.Paragraphs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		for _, s := range p {
			b.WriteString(c.style(s))
		}
	}
	b.WriteByte('\n')
	if r.Document != nil {
		path := filepath.Join(c.opts.FileDir, filepath.Base(r.Document.Name))
		if err := os.WriteFile(path, r.Document.Data, 0o600); err != nil {
			return "", fmt.Errorf("saving %s: %w", r.Document.Name, err)
		}
		fmt.Fprintf(&b, "[file saved: %s, %d bytes]\n", path, len(r.Document.Data))
	}
	if len(r.Actions) > 0 {
		c.actions = r.Actions
		for i, a := range r.Actions {
			fmt.Fprintf(&b, "  [%d] %s", i+1, a.Label)
		}
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(c.out, b.String()); err != nil {
		return "", fmt.Errorf("printing a reply: %w", err)
	}
	c.sent++
	return strconv.Itoa(c.sent), nil
}

func (c *Console) style(s bot.Span) string {
	if !c.opts.Color {
		return s.Text
	}
	switch {
	case s.Bold:
		return "\x1b[1m" + s.Text + "\x1b[0m"
	case s.Italic:
		return "\x1b[3m" + s.Text + "\x1b[0m"
	case s.Code:
		return "\x1b[2m" + s.Text + "\x1b[0m"
	}
	return s.Text
}
