package rag

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"atazan/corpus"
	"atazan/rag/bank"
)

func TestBankAnalysisIsCachedAndRebuilt(t *testing.T) {
	b := &bank.Bank{Items: []bank.Item{
		{Q: "смертную казнь отменили?", Lang: "ru", Gold: []corpus.Ref{{Doc: "kz2026", Article: "17"}}},
		{Q: "ölım jazasy bar ma?", Lang: "kk-latn", Gold: []corpus.Ref{{Doc: "kz2026", Article: "17"}}},
		{Q: "погода завтра", Lang: "ru", Topic: "weather"},
	}}
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	first := loadBankAnalysis(dir, b, log)
	if !reflect.DeepEqual(first, analyseBank(b)) {
		t.Fatal("the analysis differs from a fresh one")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "bank-*.gob"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one", files)
	}
	if again := loadBankAnalysis(dir, b, log); !reflect.DeepEqual(again, first) {
		t.Error("the cached analysis reads back differently")
	}
	// A broken cache is analysed again, not trusted.
	os.WriteFile(files[0], []byte("garbage"), 0o644)
	if again := loadBankAnalysis(dir, b, log); !reflect.DeepEqual(again, first) {
		t.Error("a broken cache was used")
	}
	// A changed bank gets its own cache and the old one goes.
	b.Items = append(b.Items, bank.Item{Q: "сколько депутатов?", Lang: "ru", Gold: []corpus.Ref{{Doc: "kz2026", Article: "53"}}})
	if a := loadBankAnalysis(dir, b, log); len(a.Terms) != 4 {
		t.Errorf("%d analysed lines for a bank of 4", len(a.Terms))
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "bank-*.gob")); len(files) != 1 {
		t.Errorf("cache files %v after a change, want the new one only", files)
	}
}

// TestRestartWithCaches opens an engine twice on one data directory, as
// every restart does: the caches written beside the vector index must not
// break opening it (chromem-go reads every file of its own directory).
func TestRestartWithCaches(t *testing.T) {
	dir := t.TempDir()
	b := &bank.Bank{Items: []bank.Item{
		{Q: "смертную казнь отменили?", Lang: "ru", Gold: []corpus.Ref{{Doc: "kz2026", Article: "3"}}},
		{Q: "погода завтра", Lang: "ru", Topic: "weather"},
	}}
	for range 2 {
		e, _ := fixtureEngine(t, dir, Options{Bank: b, ModelDir: ""})
		if _, err := e.Retrieve(context.Background(), Question{Text: "смертная казнь"}); err != nil {
			t.Fatal(err)
		}
	}
}
