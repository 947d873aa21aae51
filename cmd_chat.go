package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"atazan/bot"
	"atazan/bot/console"
	"atazan/bot/store"
	"atazan/corpus"
	"atazan/metrics"
	"atazan/rag"
)

const chatIntro = `atazan chat — ask about the Constitution of Kazakhstan in Kazakh or Russian.
Type a question, a command (/help, /article 17, /compare 17), or a button's number. /quit or Ctrl-D leaves.`

// runChat is a conversation in the terminal with the same core the
// messengers use; offline unless an LLM is configured.
func runChat(ctx context.Context, e *env) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	lang := fs.String("lang", "", "language when a message does not show its own: kk or ru")
	user := fs.String("user", "local", `who is typing; add "console:<user>" to ATAZAN_ADMINS to try admin commands`)
	if err := fs.Parse(e.args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; usage: atazan chat [--lang kk|ru] [--user NAME]", fs.Args())
	}
	if *lang != "" && *lang != string(corpus.KK) && *lang != string(corpus.RU) {
		return fmt.Errorf("--lang %q: want kk or ru", *lang)
	}
	// A log line per answer would break up the conversation: the terminal
	// gets warnings only unless debug logging is asked for.
	quiet := *e
	// One local user at their own keyboard: a per-user limit guards the
	// messengers against floods, here it would only stop a pasted script.
	quiet.cfg.Bot.RatePerMinute = 0
	if e.cfg.LogLevel != "debug" {
		quiet.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := openApp(ctx, &quiet, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(e.stdout, chatIntro)
	con := console.New(a.core, e.stdin, e.stdout, console.Options{
		UserID: *user, LangHint: *lang, Color: isTerminal(e.stdout), Greet: true,
	})
	return con.Run(ctx)
}

// app is everything a running bot holds open.
type app struct {
	corpus *corpus.Store
	engine *rag.Engine
	store  *store.Store
	core   *bot.Core
}

// openCore opens the corpus, the engine and the store and builds the
// conversation core (used by chat and serve). close stops the core's
// background work and closes the store.
func openCore(ctx context.Context, e *env, m *metrics.Metrics) (*bot.Core, func() error, error) {
	a, err := openApp(ctx, e, m)
	if err != nil {
		return nil, nil, err
	}
	return a.core, a.Close, nil
}

// openApp is openCore keeping hold of the parts, for callers that need more
// than the core (the official-source watch needs the corpus store).
func openApp(ctx context.Context, e *env, m *metrics.Metrics) (*app, error) {
	cs, err := openCorpus(ctx, e)
	if err != nil {
		return nil, err
	}
	eng, err := openEngine(ctx, e, cs, m)
	if err != nil {
		cs.Close()
		return nil, err
	}
	st, err := store.Open(ctx, e.cfg.DataDir, e.cfg.DatabaseURL)
	if err != nil {
		cs.Close()
		return nil, fmt.Errorf("opening the bot's database: %w", err)
	}
	core := bot.New(bot.Options{
		Engine: eng, Corpus: cs, Store: st, Admins: e.cfg.Admins, Bot: e.cfg.Bot, Log: e.log, Metrics: m,
	})
	return &app{corpus: cs, engine: eng, store: st, core: core}, nil
}

// Close stops the core, then closes the databases.
func (a *app) Close() error {
	return errors.Join(a.core.Close(), a.store.Close(), a.corpus.Close())
}

// isTerminal reports whether w is a terminal, where styling is welcome.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
