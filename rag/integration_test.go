package rag

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atazan/corpus"
	"atazan/internal/testsupport"
	"atazan/rag/answer"
)

// loadShared imports the shared corpus into a store under dir and loads it
// into an engine with its index under dir.
func loadShared(t testing.TB, dir string) (*Engine, *corpus.Store) {
	t.Helper()
	ctx := context.Background()
	src := testsupport.CorpusSource(t)
	store, err := corpus.OpenStore(filepath.Join(dir, "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if store.Empty() {
		if _, err := store.ImportDir(ctx, src, "test"); err != nil {
			t.Fatal(err)
		}
	}
	e, err := New(ctx, Options{DataDir: dir, ModelDir: testModelDir})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Load(ctx, store.Documents(), store.Alignment()); err != nil {
		t.Fatal(err)
	}
	return e, store
}

func devSet(t testing.TB) []EvalItem {
	t.Helper()
	path := filepath.Join(testsupport.CorpusSource(t), "..", "eval", "dev.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no dev set: %v", err)
	}
	defer f.Close()
	items, err := ReadEvalSet(f)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// TestDevSetTargets runs the labelled dev questions and holds retrieval to
// the project's targets, so that a regression fails CI.
func TestDevSetTargets(t *testing.T) {
	e, _ := loadShared(t, t.TempDir())
	rep, results, err := e.Evaluate(context.Background(), devSet(t), 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		rank := r.firstGold()
		if (len(r.Item.Gold) > 0 && (rank == 0 || rank > 5)) || (len(r.Item.Gold) == 0 && !r.Abstained()) || testing.Verbose() {
			t.Logf("%s %-10s rank=%d gold=%v got=%v  %s", r.Item.ID, r.Item.Kind, rank, refs(r.Item.Gold), refs(r.Ranked[:min(5, len(r.Ranked))]), r.Item.Q)
		}
	}
	t.Logf("overall %s", fmtScores(rep.Scores))
	for k, s := range rep.ByKind {
		t.Logf("kind %-10s %s", k, fmtScores(s))
	}
	for k, s := range rep.ByLang {
		t.Logf("lang %-10s %s", k, fmtScores(s))
	}
	atLeast := func(name string, got *float64, want float64) {
		t.Helper()
		if got != nil && *got < want {
			t.Errorf("%s = %.3f, want ≥ %.2f", name, *got, want)
		}
	}
	atLeast("hit@5", rep.HitAtK, 0.90)
	atLeast("MRR@10", rep.MRRAt10, 0.75)
	atLeast("abstain rate", rep.AbstainRate, 0.90)
	if f := rep.FalseAbstainRate; f != nil && *f > 0.05 {
		t.Errorf("false abstain rate = %.3f, want ≤ 0.05", *f)
	}
	for kind, s := range rep.ByKind {
		atLeast("hit@5 of "+kind, s.HitAtK, 0.80)
		atLeast("abstain rate of "+kind, s.AbstainRate, 0.80)
	}
}

func refs(rs []corpus.Ref) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = strings.TrimPrefix(r.Doc, "kz") + "/" + r.Article
	}
	return strings.Join(parts, " ")
}

func fmtScores(s Scores) string {
	f := func(p *float64) string {
		if p == nil {
			return "  -  "
		}
		return fmt.Sprintf("%.3f", *p)
	}
	return fmt.Sprintf("n=%d hit@1=%s hit@5=%s R@5=%s MRR=%s abstain=%s false-abstain=%s",
		s.Questions, f(s.HitAt1), f(s.HitAtK), f(s.RecallAtK), f(s.MRRAt10), f(s.AbstainRate), f(s.FalseAbstainRate))
}

// TestSharedCorpusQuestions holds retrieval to questions that once went
// wrong on the full corpus, each for a general reason named beside it.
func TestSharedCorpusQuestions(t *testing.T) {
	e, _ := loadShared(t, t.TempDir())
	tests := []struct {
		name    string
		q       string
		history []string
		want    string // first article of kz2026
		lang    corpus.Lang
	}{
		{"number written in words", "Сколько депутатов в Курултае?", nil, "53", corpus.RU},
		{"kazakh letters outweigh «не»", "Құрылтай деген не?", nil, "", corpus.KK},
		{"informal latin, verb forms", "prezident qansha jylga sailanady", nil, "43", corpus.KK},
		{"follow-up with «а если»", "а если второе гражданство российское?", []string{"Можно ли мне иметь два гражданства?"}, "13", corpus.RU},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var history []answer.Turn
			for _, h := range tt.history {
				history = append(history, answer.Turn{Question: h})
			}
			a, err := e.Answer(context.Background(), Question{Text: tt.q, History: history}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Hits) == 0 {
				t.Fatalf("abstained on %q", tt.q)
			}
			if tt.want != "" && (a.Hits[0].Ref.Doc != "kz2026" || a.Hits[0].Ref.Article != tt.want) {
				t.Errorf("first article %s/%s, want kz2026/%s", a.Hits[0].Ref.Doc, a.Hits[0].Ref.Article, tt.want)
			}
			if a.Hits[0].Lang != tt.lang {
				t.Errorf("quoted in %s, want %s", a.Hits[0].Lang, tt.lang)
			}
		})
	}
}
