package rag

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"atazan/corpus"
)

// fixtureStore imports the small invented constitutions in testdata (six
// 2026 articles, three 1995 ones, ru and kk) with the real corpus code.
func fixtureStore(t testing.TB) *corpus.Store {
	t.Helper()
	store, err := corpus.OpenStore(filepath.Join(t.TempDir(), "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.ImportDir(context.Background(), filepath.Join("testdata", "corpus-src"), "test"); err != nil {
		t.Fatalf("importing the fixture: %v", err)
	}
	return store
}

// countingEmbedder wraps the built-in embedder and counts the texts it embeds.
type countingEmbedder struct {
	*HashEmbedder
	name string
	mu   sync.Mutex
	n    int
	err  error
}

func (c *countingEmbedder) Name() string { return c.name }

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	c.n += len(texts)
	return c.HashEmbedder.Embed(ctx, texts)
}

func (c *countingEmbedder) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// fixtureEngine loads the fixture into an engine with its index under dir.
func fixtureEngine(t testing.TB, dir string, opts Options) (*Engine, *corpus.Store) {
	t.Helper()
	store := fixtureStore(t)
	opts.DataDir = dir
	if opts.ModelDir == "" && opts.Bank == nil {
		opts.ModelDir = testModelDir
	}
	e, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Load(context.Background(), store.Documents(), store.Alignment()); err != nil {
		t.Fatal(err)
	}
	return e, store
}
