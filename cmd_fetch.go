package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"atazan/corpus"
	"atazan/corpus/adilet"
	"atazan/metrics"
)

// runCorpusFetch is "atazan corpus fetch [--doc kz2026|kz1995] [--lang kk|ru]":
// it downloads the official texts from Әділет, validates them like
// "corpus import" and activates them. A failed fetch or validation leaves
// what is served as it was.
func runCorpusFetch(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("corpus fetch", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	doc := fs.String("doc", "", "document: kz2026 or kz1995 (default: both)")
	lang := fs.String("lang", "", "language: kk or ru (default: both)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: atazan corpus fetch [--doc kz2026|kz1995] [--lang kk|ru]\n\n"+
			"Downloads the official DOCX texts from %s (ATAZAN_CORPUS_OFFICIAL_URL), validates and activates them.\n\n", e.cfg.Corpus.OfficialURL)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (see atazan corpus fetch -h)", fs.Args())
	}
	docs, langs := adilet.Documents(), adilet.Langs()
	if *doc != "" {
		if !slices.Contains(docs, *doc) {
			return fmt.Errorf("--doc %q: want one of %s", *doc, strings.Join(docs, ", "))
		}
		docs = []string{*doc}
	}
	if *lang != "" {
		if !slices.Contains(langs, corpus.Lang(*lang)) {
			return fmt.Errorf("--lang %q: the official texts are in kk and ru", *lang)
		}
		langs = []corpus.Lang{corpus.Lang(*lang)}
	}
	store, err := openCorpusStore(ctx, e)
	if err != nil {
		return err
	}
	defer store.Close()
	res := fetchDocuments(ctx, e, store, docs, langs, "corpus fetch", e.stdout)
	switch len(res.failed) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%w; what is served is unchanged", res.failed[0])
	}
	for _, err := range res.failed {
		fmt.Fprintln(e.stderr, err)
	}
	return fmt.Errorf("%d failed (see above); what is served for them is unchanged", len(res.failed))
}

// fetchOfficial fills an empty store from the official source on first
// run. Documents that could be fetched are served and the rest reported;
// with nothing fetched it fails with what to do instead.
func fetchOfficial(ctx context.Context, e *env, store *corpus.Store) error {
	base := e.cfg.Corpus.OfficialURL
	fmt.Fprintf(e.stderr, "No local corpus found (ATAZAN_CORPUS_SRC); fetching the official texts from %s (ATAZAN_CORPUS_OFFICIAL_URL).\n", base)
	// stdout is the command's own (an answer, JSON): report on stderr.
	res := fetchDocuments(ctx, e, store, adilet.Documents(), adilet.Langs(), "first run", e.stderr)
	if res.activated == 0 {
		return offlineHelp(e, errors.Join(res.failed...))
	}
	if len(res.failed) > 0 {
		for _, err := range res.failed {
			fmt.Fprintln(e.stderr, err)
		}
		fmt.Fprintf(e.stderr, "Serving what could be fetched. Try the rest later with: %s corpus fetch\n", e.program())
	}
	return nil
}

// fetched is what fetchDocuments did: how many documents it activated and
// what failed, for the caller to report once.
type fetched struct {
	activated int
	failed    []error
}

// fetchDocuments fetches, stages and activates each document in langs,
// printing what it does to w. A failure leaves that document as it was;
// the others still go through.
func fetchDocuments(ctx context.Context, e *env, store *corpus.Store, docs []string, langs []corpus.Lang, by string, w io.Writer) fetched {
	client := officialClient(e)
	var res fetched
	fail := func(err error) { res.failed = append(res.failed, err) }
	for _, doc := range docs {
		active := store.Document(doc)
		var files []corpus.SourceFile
		for _, lang := range langs {
			f, err := client.Fetch(ctx, doc, lang)
			if errors.Is(err, adilet.ErrUnreachable) {
				fail(fmt.Errorf("%w; not trying the other texts", err)) // they are on the same server
				return res
			}
			if err != nil {
				fail(err)
				continue
			}
			if adilet.Current(active, f) {
				fmt.Fprintf(w, "%s %s: the active text is the official one already.\n", doc, lang)
				continue
			}
			files = append(files, f)
		}
		if len(files) == 0 || ctx.Err() != nil {
			continue
		}
		staged, err := store.Stage(ctx, corpus.StageRequest{Doc: doc, Files: files, By: by})
		if err != nil {
			fail(fmt.Errorf("%s: the official text fails validation, nothing changed: %w", doc, err))
			continue
		}
		for _, p := range staged.Warnings {
			fmt.Fprintf(e.stderr, "warning: %s\n", p)
		}
		fmt.Fprintf(w, "%s: %s\n", doc, staged.Diff.Summary(summaryLang(e)))
		d, err := store.Activate(ctx, staged.ID, by)
		if err != nil {
			fail(fmt.Errorf("activating %s: %w", doc, err))
			continue
		}
		res.activated++
		fmt.Fprintf(w, "%s: activated version %s (%s) from %s.\n", doc, d.Version.ID, langList(files), client.BaseURL())
		e.log.Info("official text activated", "doc", doc, "version", d.Version.ID, "by", by)
	}
	return res
}

// officialWatcher is the watch of the official source that serve runs
// when ATAZAN_CORPUS_WATCH is not 0; p is the bot core, which asks the
// admins.
func officialWatcher(e *env, store *corpus.Store, p adilet.Proposer, m *metrics.Metrics) *adilet.Watcher {
	if len(e.cfg.Admins) == 0 {
		p = noAdmins{}
	}
	return adilet.NewWatcher(adilet.WatcherOptions{
		Client: adilet.New(adilet.Options{
			BaseURL: e.cfg.Corpus.OfficialURL, Timeout: e.cfg.Corpus.FetchTimeout,
			ConnectTimeout: e.cfg.Corpus.ConnectTimeout, Log: e.log,
		}),
		Store:     store,
		Proposer:  p,
		Every:     e.cfg.Corpus.Watch,
		StateFile: filepath.Join(e.cfg.DataDir, "official-watch.json"),
		Log:       e.log.With("component", "official-watch"),
		Metrics:   m,
	})
}

// noAdmins stands in for the core when ATAZAN_ADMINS is empty: nobody to
// tell is a setting, which the watch logs calmly, not a failure.
type noAdmins struct{}

func (noAdmins) ProposeUpdate(context.Context, *corpus.Staged, string) error {
	return adilet.ErrNoRecipients
}

func (noAdmins) ReportProblem(context.Context, string) error { return adilet.ErrNoRecipients }

func officialClient(e *env) *adilet.Client {
	return adilet.New(adilet.Options{
		BaseURL:        e.cfg.Corpus.OfficialURL,
		Timeout:        e.cfg.Corpus.FetchTimeout,
		ConnectTimeout: e.cfg.Corpus.ConnectTimeout,
		Progress:       e.stderr,
		Log:            e.log,
	})
}

func corpusDir(e *env) string { return filepath.Join(e.cfg.DataDir, "corpus") }

func langList(files []corpus.SourceFile) string {
	langs := make([]string, len(files))
	for i, f := range files {
		langs[i] = string(f.Lang)
	}
	return strings.Join(langs, ", ")
}

// offlineHelp says exactly how to get the texts when neither the official
// source nor a local corpus is available, in commands the user can copy.
func offlineHelp(e *env, cause error) error {
	base, prog := e.cfg.Corpus.OfficialURL, e.program()
	var b strings.Builder
	fmt.Fprintf(&b, "there is no local corpus and the official source %s gave none", base)
	if cause != nil {
		fmt.Fprintf(&b, " (%v)", cause)
	}
	b.WriteString(".\nTo fix it, do one of:\n")
	b.WriteString("  1. Point ATAZAN_CORPUS_SRC at a directory of the texts laid out like shared/corpus-src\n")
	b.WriteString("     (kz2026/kz2026-ru.txt, kz2026/kz2026-kk.txt, kz1995/…; .txt, .md or .docx) and run again:\n")
	fmt.Fprintf(&b, "       ATAZAN_CORPUS_SRC=/path/to/corpus-src %s %s\n", prog, e.commandLine())
	fmt.Fprintf(&b, "  2. When the network is back: %s corpus fetch   (or set ATAZAN_CORPUS_OFFICIAL_URL to a reachable mirror)\n", prog)
	b.WriteString("  3. On a machine with internet, download the official DOCX files, copy them here and import each:\n")
	for _, doc := range adilet.Documents() {
		for _, lang := range adilet.Langs() {
			u, _ := adilet.SourceURL(base, doc, lang)
			fmt.Fprintf(&b, "       %s   then: %s corpus import FILE --doc %s --lang %s\n", u, prog, doc, lang)
		}
	}
	return fmt.Errorf("%w: %s", errNoTexts, strings.TrimSuffix(b.String(), "\n"))
}

// errNoTexts is a first start that found the constitution texts nowhere.
var errNoTexts = errors.New("no constitution texts to serve")
