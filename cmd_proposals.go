package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"atazan/bot/proposals"
	"atazan/bot/store"
	"atazan/corpus"
)

const proposalsUsage = `usage: atazan proposals export [--doc kz2026] [--article N] [--format docx|csv|html] [--lang ru|kk] [--out FILE]`

// kazakhstanTime is the country's time zone (UTC+5), for the table's date.
var kazakhstanTime = time.FixedZone("UTC+5", 5*60*60)

// runProposals works with citizens' proposals; "export" writes the
// comparative table of the accepted ones.
func runProposals(ctx context.Context, e *env) error {
	if len(e.args) == 0 || e.args[0] == "help" || e.args[0] == "-h" || e.args[0] == "--help" {
		fmt.Fprintln(e.stdout, proposalsUsage)
		return nil
	}
	if e.args[0] != "export" {
		return fmt.Errorf("unknown proposals command %q\n%s", e.args[0], proposalsUsage)
	}
	fs := flag.NewFlagSet("proposals export", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	doc := fs.String("doc", "kz2026", "the document the proposals are on")
	article := fs.String("article", "", "only this article (e.g. 53); all when empty")
	format := fs.String("format", "docx", "docx, csv or html")
	lang := fs.String("lang", "ru", "language of the table and the official wording: ru or kk")
	outPath := fs.String("out", "", "write to this file instead of standard output")
	fs.Usage = func() { fmt.Fprintln(e.stderr, proposalsUsage); fs.PrintDefaults() }
	if err := fs.Parse(e.args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q\n%s", fs.Args(), proposalsUsage)
	}
	f, err := proposals.ParseFormat(*format)
	if err != nil {
		return err
	}
	l := corpus.Lang(*lang)
	if l != corpus.RU && l != corpus.KK {
		return fmt.Errorf("--lang %q: want ru or kk", *lang)
	}
	if *article != "" {
		a, point, _, ok := proposals.ParseTarget(*article)
		if !ok || point != "" {
			return fmt.Errorf("--article %q: want an article number such as 53", *article)
		}
		*article = a
	}
	if f == proposals.DOCX && *outPath == "" {
		if st, err := os.Stdout.Stat(); err == nil && e.stdout == os.Stdout && st.Mode()&os.ModeCharDevice != 0 {
			return errors.New("a DOCX file would go to the terminal: give --out FILE or redirect standard output")
		}
	}

	cs, err := openCorpus(ctx, e)
	if err != nil {
		return err
	}
	defer cs.Close()
	d := cs.Document(*doc)
	if d == nil {
		return fmt.Errorf("--doc %q: no such document in the corpus", *doc)
	}
	st, err := store.Open(ctx, e.cfg.DataDir, e.cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("opening the bot's database: %w", err)
	}
	defer st.Close()
	ps, err := st.Proposals(ctx, store.ProposalFilter{Doc: d.ID, Article: *article,
		Status: []string{store.ProposalAccepted, store.ProposalDuplicate}})
	if err != nil {
		return err
	}
	tb, err := proposals.Build(d, l, ps, time.Now().In(kazakhstanTime))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := tb.Write(&buf, f); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%d rows, %d accepted proposals, %s %s.\n", len(tb.Rows), tb.Proposals(), d.ID, d.Version.ID)
	if *outPath == "" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	return writeFileAtomic(*outPath, buf.Bytes())
}

// writeFileAtomic writes through a temporary file in the same directory,
// so that a failed export never leaves half a table behind.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
