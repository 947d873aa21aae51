package adilet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"atazan/corpus"
	"atazan/metrics"
)

// Proposer hears what the watch found: a staged new text for the admins to
// activate or ignore, or a problem with the source. *bot.Core is one.
//
// A Proposer with nobody to tell (no admins configured) returns an error
// wrapping ErrNoRecipients: that is a setting, not a failure, and the
// watch logs it without alarm and tries again at the next check.
type Proposer interface {
	ProposeUpdate(ctx context.Context, staged *corpus.Staged, source string) error
	ReportProblem(ctx context.Context, msg string) error
}

// Stager is the part of *corpus.Store the watch uses: it reads the active
// versions and stages candidates, and never activates.
type Stager interface {
	Document(id string) *corpus.Document
	Stage(ctx context.Context, req corpus.StageRequest) (*corpus.Staged, error)
	Discard(stagedID string) error
}

// WatcherOptions configure a Watcher.
type WatcherOptions struct {
	Client   *Client
	Store    Stager
	Proposer Proposer
	// Every is the period between checks; 0 turns the watch off.
	Every time.Duration
	// StateFile remembers across restarts what was checked, proposed and
	// reported; empty keeps it in memory only.
	StateFile string
	// Docs are the documents watched; Documents() when empty.
	Docs    []string
	Log     *slog.Logger
	Metrics *metrics.Metrics
}

// Watcher checks the official source periodically. When a text's SHA-256
// differs from the active version's source hash it stages the new text
// (the same validation as an import) and proposes it to the admins; it
// never activates anything. An unreachable or invalid source is reported
// once, not every period.
type Watcher struct {
	client   *Client
	store    Stager
	proposer Proposer
	every    time.Duration
	docs     []string
	log      *slog.Logger
	metrics  *metrics.Metrics

	mu    sync.Mutex // one check at a time; guards state
	state *state
}

// NewWatcher returns a watcher; call Run to start it.
func NewWatcher(opts WatcherOptions) *Watcher {
	w := &Watcher{
		client:   opts.Client,
		store:    opts.Store,
		proposer: opts.Proposer,
		every:    opts.Every,
		docs:     opts.Docs,
		log:      opts.Log,
		metrics:  opts.Metrics,
	}
	if w.docs == nil {
		w.docs = Documents()
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if w.client == nil {
		w.client = New(Options{Log: w.log})
	}
	w.state = loadState(opts.StateFile, w.log)
	return w
}

// Run checks every period until ctx ends. The first check comes one
// period after the previous one, which the state file remembers across
// restarts (at once when there was none). It returns nil on shutdown.
func (w *Watcher) Run(ctx context.Context) error {
	if w.every <= 0 {
		w.log.Info("official source watch is off")
		return nil
	}
	w.mu.Lock()
	wait := time.Until(w.state.CheckedAt.Add(w.every))
	w.mu.Unlock()
	w.log.Info("watching the official source", "url", w.client.BaseURL(), "every", w.every.String(), "next_in", max(wait, 0).Round(time.Second).String())
	for {
		t := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		if err := w.Check(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("checking the official source", "err", err)
		}
		wait = w.every
	}
}

// result of checking one source (document in one language), as counted
// by metrics.CorpusCheck.
const (
	resultSame        = "same"
	resultChanged     = "changed"
	resultInvalid     = "invalid"
	resultUnreachable = "unreachable"
)

// ErrNoRecipients is what a Proposer returns when nobody is there to hear.
var ErrNoRecipients = errors.New("no admins to tell (ATAZAN_ADMINS)")

// Check fetches every watched text once, proposes what changed and reports
// new problems. An unreachable server ends the check: the other texts are
// on the same server. Its error is only about telling the admins or saving the
// state; source problems go to the admins.
func (w *Watcher) Check(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var problems []report
	var errs []error
	for _, doc := range w.docs {
		p, unreachable, err := w.checkDoc(ctx, doc)
		problems = append(problems, p...)
		if err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			// Shutting down: keep what was proposed, report the rest next time.
			w.forgetReported(problems)
			if err := w.state.save(); err != nil {
				w.log.Error("saving the watch state", "err", err)
			}
			return ctx.Err()
		}
		if unreachable {
			break
		}
	}
	if len(problems) > 0 {
		lines := make([]string, len(problems))
		for i, p := range problems {
			lines[i] = p.text
		}
		// The core words the message for each admin; this is the detail.
		msg := w.client.BaseURL() + "\n" + strings.Join(lines, "\n")
		switch err := w.proposer.ReportProblem(ctx, msg); {
		case errors.Is(err, ErrNoRecipients):
			// Logged above as each problem was found.
			w.log.Info("official source problem not sent: "+err.Error(), "problems", len(problems))
			w.forgetReported(problems)
		case err != nil:
			errs = append(errs, fmt.Errorf("reporting a source problem to admins: %w", err))
			w.forgetReported(problems)
		}
	}
	w.state.CheckedAt = time.Now().UTC()
	if err := w.state.save(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkDoc checks both languages of doc and stages the changed ones
// together, so ru and kk are validated against each other. It returns the
// new problems to report, and whether the server could not be reached.
func (w *Watcher) checkDoc(ctx context.Context, doc string) (problems []report, unreachable bool, err error) {
	active := w.store.Document(doc)
	var files []corpus.SourceFile
	for _, lang := range Langs() {
		key := doc + "/" + string(lang)
		f, err := w.client.Fetch(ctx, doc, lang)
		if err != nil {
			if ctx.Err() != nil {
				return problems, false, nil
			}
			result := resultUnreachable
			if errors.Is(err, ErrNotDOCX) || errors.Is(err, ErrTooLarge) {
				result = resultInvalid
			}
			w.metrics.CorpusCheck(result)
			w.log.Warn("official source check failed", "doc", doc, "lang", lang, "result", result, "err", err)
			if p, ok := w.problem(key, result, fmt.Sprintf("• %s %s — %s: %v", doc, lang, result, err)); ok {
				problems = append(problems, p)
			}
			if errors.Is(err, ErrUnreachable) {
				return problems, true, nil
			}
			continue
		}
		sum := hash(f.Data)
		src := w.state.source(key)
		current := Current(active, f)
		if current {
			src.Seen, src.Proposed = sum, ""
		}
		if current || src.Seen == sum {
			w.metrics.CorpusCheck(resultSame)
			w.recovered(key)
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return problems, false, nil
	}

	staged, err := w.store.Stage(ctx, corpus.StageRequest{Doc: doc, Files: files, By: "official watch"})
	if err != nil {
		// One line for the texts staged together: they share the error.
		langs := make([]string, len(files))
		p := report{}
		for i, f := range files {
			langs[i] = string(f.Lang)
			w.metrics.CorpusCheck(resultInvalid)
			if r, ok := w.problem(doc+"/"+string(f.Lang), resultInvalid+" "+hash(f.Data), ""); ok {
				p.keys = append(p.keys, r.keys...)
			}
		}
		if len(p.keys) > 0 {
			p.text = fmt.Sprintf("• %s %s — invalid: the new text fails validation: %v", doc, strings.Join(langs, ", "), err)
			problems = append(problems, p)
		}
		w.log.Warn("new official text fails validation", "doc", doc, "err", err)
		return problems, false, nil
	}
	if staged.Diff.Empty() {
		// Same articles in another file (e.g. the DOCX of a text first
		// imported from .txt): remember it so it is not staged again.
		if err := w.store.Discard(staged.ID); err != nil {
			w.log.Warn("discarding an unchanged candidate", "staged", staged.ID, "err", err)
		}
		for _, f := range files {
			key := doc + "/" + string(f.Lang)
			src := w.state.source(key)
			src.Seen, src.Proposed = hash(f.Data), ""
			w.metrics.CorpusCheck(resultSame)
			w.recovered(key)
		}
		w.log.Info("official text has a new file but the same articles", "doc", doc)
		return problems, false, nil
	}

	urls := make([]string, len(files))
	for i, f := range files {
		urls[i] = f.URL
	}
	if err := w.proposer.ProposeUpdate(ctx, staged, strings.Join(urls, " ")); err != nil {
		// Not remembered: the next check proposes it again.
		if errors.Is(err, ErrNoRecipients) {
			w.log.Warn("a changed official text waits for an admin: "+err.Error(), "doc", doc, "staged", staged.ID)
			return problems, false, nil
		}
		return problems, false, fmt.Errorf("proposing the new %s text to admins: %w", doc, err)
	}
	for _, f := range files {
		key := doc + "/" + string(f.Lang)
		src := w.state.source(key)
		src.Seen, src.Proposed = hash(f.Data), staged.ID
		w.metrics.CorpusCheck(resultChanged)
		w.recovered(key)
	}
	w.log.Info("proposed a changed official text to admins", "doc", doc, "staged", staged.ID,
		"added", len(staged.Diff.Added), "removed", len(staged.Diff.Removed), "changed", len(staged.Diff.Changed))
	return problems, false, nil
}

// report is a problem with sources ("doc/lang") for the admins.
type report struct {
	keys []string
	text string
}

// problem records kind for key and returns the report when that kind was
// not reported already.
func (w *Watcher) problem(key, kind, text string) (report, bool) {
	src := w.state.source(key)
	if src.Problem == kind {
		return report{}, false
	}
	src.Problem = kind
	return report{[]string{key}, text}, true
}

// forgetReported undoes problem for messages that could not be sent, so
// the next check tries again.
func (w *Watcher) forgetReported(problems []report) {
	for _, p := range problems {
		for _, key := range p.keys {
			w.state.source(key).Problem = ""
		}
	}
}

func (w *Watcher) recovered(key string) {
	src := w.state.source(key)
	if src.Problem != "" {
		w.log.Info("official source is fine again", "source", key, "was", src.Problem)
		src.Problem = ""
	}
}
