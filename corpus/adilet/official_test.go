package adilet_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"atazan/corpus"
	"atazan/corpus/adilet"
	"atazan/corpus/adilet/adilettest"
)

// TestWatchOfficialText runs the watch on the real DOCX texts and the real
// store: a change to Art. 53 on the source reaches the admins as a staged
// candidate, nothing is served until it is activated, and then the new
// text is.
func TestWatchOfficialText(t *testing.T) {
	ru, kk := adilettest.OfficialDOCX(t, corpus.RU), adilettest.OfficialDOCX(t, corpus.KK)
	src := adilettest.NewServer(t)
	src.Set(t, "kz2026", corpus.RU, ru)
	src.Set(t, "kz2026", corpus.KK, kk)
	ctx := context.Background()
	store, err := corpus.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	client := adilet.New(adilet.Options{BaseURL: src.URL, Attempts: 1})

	// First install: what "atazan corpus fetch" does.
	var files []corpus.SourceFile
	for _, lang := range adilet.Langs() {
		f, err := client.Fetch(ctx, "kz2026", lang)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	staged, err := store.Stage(ctx, corpus.StageRequest{Doc: "kz2026", Files: files, By: "test"})
	if err != nil {
		t.Fatalf("staging the official DOCX: %v", err)
	}
	if _, err := store.Activate(ctx, staged.ID, "test"); err != nil {
		t.Fatal(err)
	}
	text := store.Document("kz2026").Texts[corpus.RU]
	if text.Source.URL != src.TextURL(t, "kz2026", corpus.RU) || text.Source.SHA256 != sha(ru) || time.Since(text.Source.FetchedAt) > time.Minute {
		t.Errorf("source of the active ru text = %+v, want the official URL, hash and fetch time", text.Source)
	}

	adm := &admins{}
	w := adilet.NewWatcher(adilet.WatcherOptions{Client: client, Store: store, Proposer: adm, Every: time.Hour, Docs: []string{"kz2026"}})
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if props, probs := adm.counts(); props != 0 || probs != 0 {
		t.Fatalf("unchanged source: %d proposals, %d problems", props, probs)
	}

	src.Set(t, "kz2026", corpus.RU, adilettest.EditDOCX(t, ru, "Курултая – пять лет.", "Курултая – шесть лет."))
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if props, probs := adm.counts(); props != 1 || probs != 0 {
		t.Fatalf("changed source: %d proposals, %d problems; want 1, 0 (%v)", props, probs, adm.problems)
	}
	diff := adm.staged[0].Diff
	if !slices.Equal(diff.Changed, []string{"53"}) || len(diff.Added) != 0 || len(diff.Removed) != 0 {
		t.Errorf("diff = %+v, want Art. 53 changed", diff)
	}
	if sum := diff.Summary(corpus.RU); !strings.Contains(sum, "53") || !strings.Contains(sum, "шесть") {
		t.Errorf("summary %q does not show the change of Art. 53", sum)
	}
	point := func() string {
		return store.Document("kz2026").Texts[corpus.RU].Article("53").Point("2").Text
	}
	if p := point(); !strings.Contains(p, "пять лет") {
		t.Fatalf("before activation the bot serves %q", p)
	}

	if _, err := store.Activate(ctx, adm.staged[0].ID, "tg:1"); err != nil {
		t.Fatal(err)
	}
	if p := point(); !strings.Contains(p, "шесть лет") {
		t.Errorf("after activation the bot serves %q", p)
	}
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if props, _ := adm.counts(); props != 1 {
		t.Errorf("the activated text was proposed again")
	}
}
