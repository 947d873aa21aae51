package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"atazan/config"
	"atazan/corpus"
)

const configUsage = "usage: atazan config check"

// runConfig prints the effective configuration, secrets masked, and every
// problem with how to fix it; it fails when a problem is an error, so that
// deploy scripts can run it before starting the bot.
func runConfig(ctx context.Context, e *env) error {
	if len(e.args) > 0 && isHelp(e.args[len(e.args)-1]) {
		fmt.Fprintln(e.stdout, configUsage)
		return nil
	}
	if len(e.args) != 1 || e.args[0] != "check" {
		return errors.New(configUsage)
	}
	problems := append(e.cfg.Validate(), corpusProblems(ctx, e)...)
	writeSettings(e.stdout, e.cfg)
	fmt.Fprintln(e.stdout)
	writeProblems(e.stdout, problems)
	if n := config.ErrorCount(problems); n > 0 {
		return fmt.Errorf("%d configuration error(s); fix them and run atazan config check again", n)
	}
	return nil
}

// corpusProblems reports that there are no texts to serve: no corpus in
// the store and no local source to import on first start. The official
// source may still work then, but nobody should learn that only from a
// first start that fails.
func corpusProblems(ctx context.Context, e *env) []config.Problem {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second) // a database that does not answer
	defer cancel()
	store, err := openCorpusStore(ctx, e)
	if err != nil {
		return []config.Problem{{Severity: config.Error, Env: "ATAZAN_DATA_DIR", What: fmt.Sprintf("cannot open the corpus store: %v", err),
			Fix: "make the data dir (or ATAZAN_DATABASE_URL) reachable and writable"}}
	}
	defer store.Close()
	if !store.Empty() || corpus.LocateSource(e.cfg.CorpusSrc) != "" {
		return nil
	}
	what := "no constitution texts: " + store.Location() + " holds no corpus and there is no local source (../shared/corpus-src)"
	if e.cfg.CorpusSrc != "" {
		what = fmt.Sprintf("no constitution texts: %s holds no corpus and ATAZAN_CORPUS_SRC=%s is not a directory", store.Location(), e.cfg.CorpusSrc)
	}
	return []config.Problem{{
		Severity: config.Error,
		Env:      "ATAZAN_CORPUS_SRC",
		What:     what,
		Fix: fmt.Sprintf("set ATAZAN_CORPUS_SRC to a directory of the texts laid out like shared/corpus-src, or download the official ones: %s corpus fetch",
			e.program()),
	}}
}

func writeSettings(w io.Writer, cfg config.Config) {
	fmt.Fprintln(w, "Effective configuration (YAML file from ATAZAN_CONFIG, overridden by the environment; secrets masked):")
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, s := range cfg.Settings() {
		value := s.Value
		if value == "" {
			value = "(unset)"
		}
		fmt.Fprintf(tw, "  %s\t= %s\n", s.Env, value)
	}
	tw.Flush()
}

// writeProblems prints each problem with its fix, or that there are none.
func writeProblems(w io.Writer, problems []config.Problem) {
	if len(problems) == 0 {
		fmt.Fprintln(w, "No problems found.")
		return
	}
	fmt.Fprintf(w, "Problems (%d):\n", len(problems))
	for _, p := range problems {
		fmt.Fprintf(w, "  %-7s %s: %s\n          fix: %s\n", p.Severity, p.Env, p.What, p.Fix)
	}
}
