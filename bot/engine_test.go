package bot

import (
	"context"
	"strings"
	"testing"

	"atazan/internal/testsupport"
	"atazan/rag"
)

// TestWithRealEngine runs the core over the real retrieval engine (built-in
// embedder, extractive answers) on the fixture corpus: a question gets a
// cited answer, and an admin's import is re-indexed and served.
func TestWithRealEngine(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	eng, err := rag.New(ctx, rag.Options{DataDir: t.TempDir(), ModelDir: testsupport.ModelDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Load(ctx, h.corpus.Documents(), h.corpus.Alignment()); err != nil {
		t.Fatal(err)
	}
	h.core.Close()
	h.core = New(Options{Engine: eng, Corpus: h.corpus, Store: h.store, Admins: []string{"tg:" + admin}, Bot: h.cfg, Now: h.clock.now})

	r := h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?").last()
	if got := r.Plain(); !strings.Contains(got, "ст. 2") || !strings.Contains(got, "шестнадцати") {
		t.Errorf("answer from the real engine:\n%s", got)
	}
	if _, ok := action(r, "art:kz2026:2"); !ok {
		t.Errorf("buttons: %+v", r.Actions)
	}
	if got := h.send("u1", "Еңбек шарты бойынша он алты жастан еңбек етуге құқығым бар ма?").text(); !strings.Contains(got, "2-бап") {
		t.Errorf("Kazakh answer from the real engine:\n%s", got)
	}

	out, _ := h.upload(admin, "testdata/upload/kz2026-ru-new.md", "/import kz2026 ru")
	activate, _ := action(out.last(), "adm:activate:")
	waitFor(t, h.press(admin, activate.Data), "Индекс готов")
	if got := h.send("u2", "Кто назначает выборы, Курултай?").text(); !strings.Contains(got, "назначает выборы") {
		t.Errorf("new text not answered after activation:\n%s", got)
	}
}
