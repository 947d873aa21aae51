package adilet_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"atazan/corpus"
	"atazan/corpus/adilet"
	"atazan/corpus/adilet/adilettest"
	"atazan/metrics"
)

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// fakeStore is the store side of the watch: the active hashes, and what
// Stage would say about a candidate.
type fakeStore struct {
	active    map[corpus.Lang]string // sha256 of the active text's source
	diff      corpus.Diff
	stageErr  error
	staged    []corpus.StageRequest
	discarded []string
}

func (s *fakeStore) Document(id string) *corpus.Document {
	d := &corpus.Document{ID: id, Texts: map[corpus.Lang]*corpus.Text{}}
	for lang, sum := range s.active {
		d.Texts[lang] = &corpus.Text{Lang: lang, Source: corpus.Source{SHA256: sum}}
	}
	return d
}

func (s *fakeStore) Stage(ctx context.Context, req corpus.StageRequest) (*corpus.Staged, error) {
	s.staged = append(s.staged, req)
	if s.stageErr != nil {
		return nil, s.stageErr
	}
	return &corpus.Staged{ID: fmt.Sprintf("st%d", len(s.staged)), Diff: s.diff}, nil
}

func (s *fakeStore) Discard(id string) error {
	s.discarded = append(s.discarded, id)
	return nil
}

// admins records what the watch told them.
type admins struct {
	mu         sync.Mutex
	proposals  []string // staged id + " " + source
	staged     []*corpus.Staged
	problems   []string
	proposeErr error
}

func (a *admins) ProposeUpdate(ctx context.Context, staged *corpus.Staged, source string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.proposeErr != nil {
		return a.proposeErr
	}
	a.proposals = append(a.proposals, staged.ID+" "+source)
	a.staged = append(a.staged, staged)
	return nil
}

func (a *admins) ReportProblem(ctx context.Context, msg string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.problems = append(a.problems, msg)
	return nil
}

func (a *admins) counts() (int, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.proposals), len(a.problems)
}

func TestWatcherCheck(t *testing.T) {
	src := adilettest.NewServer(t)
	ru := adilettest.BuildDOCX(t, "Статья 1", "Казахстан есть государство.")
	kk := adilettest.BuildDOCX(t, "1-бап", "Қазақстан – мемлекет.")
	src.Set(t, "kz2026", corpus.RU, ru)
	src.Set(t, "kz2026", corpus.KK, kk)
	store := &fakeStore{active: map[corpus.Lang]string{corpus.RU: sha(ru), corpus.KK: sha(kk)}}
	adm := &admins{}
	m := metrics.New(prometheus.NewRegistry())
	statePath := filepath.Join(t.TempDir(), "watch.json")
	newWatcher := func() *adilet.Watcher {
		return adilet.NewWatcher(adilet.WatcherOptions{
			Client:    adilet.New(adilet.Options{BaseURL: src.URL, Attempts: 1, Timeout: 5 * time.Second}),
			Store:     store,
			Proposer:  adm,
			Every:     time.Hour,
			StateFile: statePath,
			Docs:      []string{"kz2026"},
			Metrics:   m,
		})
	}
	w := newWatcher()
	ctx := context.Background()
	kkURL := src.TextURL(t, "kz2026", corpus.KK)

	// Each step changes the source or the store, checks once and says what
	// the admins must have heard so far.
	steps := []struct {
		name                    string
		change                  func()
		restart                 bool
		wantProposals, wantProb int
		wantStaged              int
		wantProblem             string // in the last problem report
	}{
		{name: "unchanged texts", change: func() {}},
		{
			name: "changed ru text is staged alone and proposed",
			change: func() {
				store.diff = corpus.Diff{Changed: []string{"1"}}
				src.Set(t, "kz2026", corpus.RU, adilettest.BuildDOCX(t, "Статья 1", "Новый текст."))
			},
			wantProposals: 1, wantStaged: 1,
		},
		{name: "a pending proposal is not repeated", change: func() {}, wantProposals: 1, wantStaged: 1},
		{name: "nor after a restart", change: func() {}, restart: true, wantProposals: 1, wantStaged: 1},
		{
			name:          "unreachable source is reported",
			change:        func() { src.Fail(t, "kz2026", corpus.KK, adilettest.Unavailable) },
			wantProposals: 1, wantStaged: 1, wantProb: 1, wantProblem: "• kz2026 kk — unreachable: fetching kz2026 kk from " + kkURL + ": the server answered 503",
		},
		{name: "once", change: func() {}, wantProposals: 1, wantStaged: 1, wantProb: 1},
		{name: "even after a restart", change: func() {}, restart: true, wantProposals: 1, wantStaged: 1, wantProb: 1},
		{
			name:          "a different problem is reported",
			change:        func() { src.Fail(t, "kz2026", corpus.KK, adilettest.HTMLPage) },
			wantProposals: 1, wantStaged: 1, wantProb: 2,
			wantProblem: "• kz2026 kk — invalid: fetching kz2026 kk from " + kkURL + `: not a DOCX file: got an HTML page titled "Ошибка 404 — Әділет"`,
		},
		{name: "recovery is quiet", change: func() { src.Fail(t, "kz2026", corpus.KK, adilettest.None) }, wantProposals: 1, wantStaged: 1, wantProb: 2},
		{
			name:          "a new failure after recovery is reported again",
			change:        func() { src.Fail(t, "kz2026", corpus.KK, adilettest.NotFound) },
			wantProposals: 1, wantStaged: 1, wantProb: 3, wantProblem: "404 Not Found",
		},
		{
			name: "a text failing validation is reported, not proposed",
			change: func() {
				src.Set(t, "kz2026", corpus.KK, adilettest.BuildDOCX(t, "1-бап"))
				store.stageErr = errors.New("kz2026 kk: article 1 is empty")
			},
			wantProposals: 1, wantStaged: 2, wantProb: 4, wantProblem: "fails validation: kz2026 kk: article 1 is empty",
		},
		{name: "and staged again but reported once", change: func() {}, wantProposals: 1, wantStaged: 3, wantProb: 4},
		{
			name: "a new file with the same articles is dropped quietly",
			change: func() {
				store.stageErr, store.diff = nil, corpus.Diff{}
				src.Set(t, "kz2026", corpus.KK, adilettest.BuildDOCX(t, "1-бап", "Қазақстан – мемлекет.", ""))
			},
			wantProposals: 1, wantStaged: 4, wantProb: 4,
		},
		{name: "and not staged again", change: func() {}, wantProposals: 1, wantStaged: 4, wantProb: 4},
		{
			name: "texts staged together failing validation make one report line",
			change: func() {
				store.stageErr = errors.New("kz2026: articles missing from the numbering: 2")
				src.Set(t, "kz2026", corpus.RU, adilettest.BuildDOCX(t, "Статья 1", "Статья 3"))
				src.Set(t, "kz2026", corpus.KK, adilettest.BuildDOCX(t, "1-бап", "3-бап"))
			},
			wantProposals: 1, wantStaged: 5, wantProb: 5,
			wantProblem: "\n• kz2026 ru, kk — invalid: the new text fails validation: kz2026: articles missing from the numbering: 2",
		},
		{
			name: "both texts changed are staged together",
			change: func() {
				store.stageErr, store.diff = nil, corpus.Diff{Added: []string{"97"}}
				src.Set(t, "kz2026", corpus.RU, adilettest.BuildDOCX(t, "Статья 97"))
				src.Set(t, "kz2026", corpus.KK, adilettest.BuildDOCX(t, "97-бап"))
			},
			wantProposals: 2, wantStaged: 6, wantProb: 5,
		},
	}
	for _, step := range steps {
		step.change()
		if step.restart {
			w = newWatcher()
		}
		if err := w.Check(ctx); err != nil {
			t.Fatalf("%s: Check: %v", step.name, err)
		}
		props, probs := adm.counts()
		if props != step.wantProposals || probs != step.wantProb || len(store.staged) != step.wantStaged {
			t.Fatalf("%s: %d proposals, %d problems, %d staged; want %d, %d, %d",
				step.name, props, probs, len(store.staged), step.wantProposals, step.wantProb, step.wantStaged)
		}
		if step.wantProblem != "" && !strings.Contains(adm.problems[probs-1], step.wantProblem) {
			t.Fatalf("%s: problem report %q does not say %q", step.name, adm.problems[probs-1], step.wantProblem)
		}
	}

	if got, want := adm.proposals[0], "st1 "+src.TextURL(t, "kz2026", corpus.RU); got != want {
		t.Errorf("first proposal = %q, want %q", got, want)
	}
	if r := store.staged[0]; r.Doc != "kz2026" || len(r.Files) != 1 || r.Files[0].Lang != corpus.RU || r.By != "official watch" {
		t.Errorf("first staging = %s %d files by %q", r.Doc, len(r.Files), r.By)
	}
	if r := store.staged[5]; len(r.Files) != 2 {
		t.Errorf("last staging has %d files, want ru and kk together", len(r.Files))
	}
	if len(store.discarded) != 1 || store.discarded[0] != "st4" {
		t.Errorf("discarded %v, want the candidate with the same articles", store.discarded)
	}
	for result, want := range map[string]float64{"same": 20, "changed": 3, "invalid": 5, "unreachable": 4} {
		if got := testutil.ToFloat64(m.CorpusChecks.WithLabelValues(result)); got != want {
			t.Errorf("corpus checks %q = %v, want %v", result, got, want)
		}
	}
	if got := testutil.ToFloat64(m.CorpusChanges); got != 3 {
		t.Errorf("corpus changes = %v, want 3", got)
	}
}

func TestWatcherRetriesWhatItCouldNotTell(t *testing.T) {
	src := adilettest.NewServer(t)
	src.Set(t, "kz2026", corpus.RU, adilettest.BuildDOCX(t, "Статья 1", "Новый текст."))
	src.Fail(t, "kz2026", corpus.KK, adilettest.Unavailable)
	store := &fakeStore{diff: corpus.Diff{Changed: []string{"1"}}}
	adm := &admins{proposeErr: errors.New("telegram is down")}
	w := adilet.NewWatcher(adilet.WatcherOptions{
		Client:   adilet.New(adilet.Options{BaseURL: src.URL, Attempts: 1}),
		Store:    store,
		Proposer: adm,
		Every:    time.Hour,
		Docs:     []string{"kz2026"},
	})
	if err := w.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "telegram is down") {
		t.Fatalf("Check = %v, want the proposal's failure", err)
	}
	adm.proposeErr = nil
	if err := w.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if props, probs := adm.counts(); props != 1 || probs != 1 {
		t.Errorf("after the admins are back: %d proposals, %d problem reports; want 1 and 1", props, probs)
	}
}

func TestWatcherRun(t *testing.T) {
	src := adilettest.NewServer(t) // 404 for everything
	statePath := filepath.Join(t.TempDir(), "watch.json")
	// run runs a watcher until it has reported a problem or, when none is
	// expected, for a moment; it returns how many reports it made.
	run := func(every time.Duration, expectReport bool) int {
		adm := &admins{}
		w := adilet.NewWatcher(adilet.WatcherOptions{
			Client: adilet.New(adilet.Options{BaseURL: src.URL, Attempts: 1}), Store: &fakeStore{}, Proposer: adm,
			Every: every, StateFile: statePath, Docs: []string{"kz2026"},
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		deadline := time.Now().Add(300 * time.Millisecond)
		if expectReport {
			deadline = time.Now().Add(10 * time.Second)
		}
		for time.Now().Before(deadline) {
			if _, probs := adm.counts(); probs > 0 && expectReport {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v, want nil on shutdown", err)
		}
		_, probs := adm.counts()
		return probs
	}

	if probs := run(0, false); probs != 0 {
		t.Errorf("watch off: %d reports", probs)
	}
	if probs := run(time.Hour, true); probs != 1 {
		t.Errorf("first run: %d reports, want the first check at once", probs)
	}
	src.Fail(t, "kz2026", corpus.KK, adilettest.HTMLPage) // a new problem
	if probs := run(time.Hour, false); probs != 0 {
		t.Errorf("restart within the period: %d reports, want no check before the period is over", probs)
	}
	if probs := run(50*time.Millisecond, true); probs != 1 {
		t.Errorf("short period: %d reports, want one for the new problem", probs)
	}
}

// nobody is a Proposer with no admins configured.
type nobody struct{}

func (nobody) ProposeUpdate(context.Context, *corpus.Staged, string) error {
	return adilet.ErrNoRecipients
}
func (nobody) ReportProblem(context.Context, string) error { return adilet.ErrNoRecipients }

// TestWatcherUnreachableAndNoAdmins checks that a server that cannot be
// reached ends a check at its first text, as "corpus fetch" does, and that
// having no admins to tell is not an error.
func TestWatcherUnreachableAndNoAdmins(t *testing.T) {
	var tries atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Close() // connections refused from now on
	client := adilet.New(adilet.Options{BaseURL: srv.URL, Attempts: 1, HTTPClient: &http.Client{
		Transport: roundTripCounter{next: http.DefaultTransport, n: &tries},
	}})
	w := adilet.NewWatcher(adilet.WatcherOptions{Client: client, Store: &fakeStore{}, Proposer: nobody{}, Every: time.Hour})
	if err := w.Check(context.Background()); err != nil {
		t.Errorf("Check = %v, want nil: no admins is a setting, an unreachable source is reported, not returned", err)
	}
	if n := tries.Load(); n != 1 {
		t.Errorf("%d requests to an unreachable server, want 1", n)
	}
}

type roundTripCounter struct {
	next http.RoundTripper
	n    *atomic.Int32
}

func (c roundTripCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}
