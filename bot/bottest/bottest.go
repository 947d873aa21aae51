// Package bottest runs the real conversation core in the tests of the
// messenger adapters: the real corpus store, retrieval engine and SQLite
// storage in a temporary directory, over a corpus source the test names
// (an invented fixture, or the official texts for integration tests).
package bottest

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"atazan/bot"
	"atazan/bot/battle"
	"atazan/bot/store"
	"atazan/config"
	"atazan/corpus"
	"atazan/internal/testsupport"
	"atazan/rag"
)

// Options tune the core; the zero value is the default configuration.
type Options struct {
	// Store is the bot's database, shared with other cores as replicas
	// share it; nil: a SQLite file of the core's own. The caller closes it.
	Store *store.Store

	Admins        []string         // platform-prefixed user ids: "tg:1"
	RatePerMinute int              // 0: the configured default
	AnswerQueue   int              // questions waiting for an answer; 0: the configured default
	Now           func() time.Time // nil: time.Now
	Composer      rag.Composer     // nil: extractive answers
	// Battle configures /battle; without a Bank, BattleBank is used.
	Battle bot.BattleOptions
}

// NewCore imports the texts in src and starts a core answering from them.
// Everything it opens is closed when the test ends.
func NewCore(t testing.TB, src string, opts Options) (*bot.Core, *corpus.Store) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cs, err := corpus.OpenStore(filepath.Join(dir, "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.ImportDir(ctx, src, "test"); err != nil {
		t.Fatalf("importing %s: %v", src, err)
	}
	engine, err := rag.New(ctx, rag.Options{DataDir: dir, ModelDir: testsupport.ModelDir(t), Composer: opts.Composer})
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Load(ctx, cs.Documents(), cs.Alignment()); err != nil {
		t.Fatal(err)
	}
	st := opts.Store
	if st == nil {
		own, err := store.Open(ctx, dir, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { own.Close() })
		st = own
	}
	cfg := config.Default().Bot
	if opts.RatePerMinute > 0 {
		cfg.RatePerMinute = opts.RatePerMinute
	}
	if opts.AnswerQueue > 0 {
		cfg.AnswerQueue = opts.AnswerQueue
	}
	if opts.Battle.Bank == nil {
		opts.Battle.Bank = BattleBank(t)
	}
	core := bot.New(bot.Options{Battle: opts.Battle,
		Engine: engine, Corpus: cs, Store: st, Admins: opts.Admins, Bot: cfg,
		Log: slog.New(slog.DiscardHandler), Now: opts.Now,
	})
	t.Cleanup(func() { core.Close() })
	return core, cs
}

//go:embed battlebank/*.yaml battlebank/reviewed.txt
var battleBank embed.FS

// BattleBank is a /battle question bank for the invented fixture texts:
// the real bank's items cite the official text and fail the corpus check
// on a fixture.
func BattleBank(t testing.TB) *battle.Bank {
	t.Helper()
	sub, err := fs.Sub(battleBank, "battlebank")
	if err != nil {
		t.Fatal(err)
	}
	b, err := battle.Load(sub)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
