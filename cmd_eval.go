package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"atazan/rag"
	"atazan/rag/bank"
)

const evalUsage = "usage: atazan eval (--set FILE | --bank-val) [--without passages,bank,model,vectors,glossary,rerank] [--answers] [--k 5] [--json] [--misses] [--results FILE]"

// runEval measures retrieval on a labelled question set (the format of
// shared/eval/dev.jsonl) and prints hit@1, hit@k, recall@k, MRR@10, the
// abstain rates and latency, overall, by kind and by language.
func runEval(ctx context.Context, e *env) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	set := fs.String("set", "", "question set, one JSON object per line: {id, lang, kind, q, gold: [{doc, article}]}")
	k := fs.Int("k", 5, "cut-off of hit_at_5 and recall_at_5")
	asJSON := fs.Bool("json", false, "print one JSON object")
	answers := fs.Bool("answers", false, "also answer each answerable question and score the answers: lead accuracy, citation precision, refused rate, facts found")
	misses := fs.Bool("misses", false, "also list the questions whose gold article is not in the top k")
	bankVal := fs.Bool("bank-val", false, "score the question bank's validation split, with retrieval and the model built from the training split only")
	resultsFile := fs.String("results", "", "write every question's outcome to this file, one JSON object per line")
	without := fs.String("without", "", "comma-separated channels to switch off (ablation): passages, bank, model, vectors, glossary, rerank")
	fs.Usage = func() { fmt.Fprintln(e.stderr, evalUsage); fs.PrintDefaults() }
	if err := fs.Parse(e.args); err != nil {
		return err
	}
	if (*set == "") == !*bankVal || fs.NArg() > 0 {
		return errors.New(evalUsage)
	}
	if *k < 1 {
		return fmt.Errorf("--k %d: want at least 1", *k)
	}
	channels, err := parseChannels(*without)
	if err != nil {
		return err
	}
	tune := func(o *rag.Options) { o.Channels = channels }
	var items []rag.EvalItem
	if *bankVal {
		b, err := bank.Default()
		if err != nil {
			return err
		}
		train, val := b.Split(rag.BankSeed, rag.BankValShare)
		items = rag.BankItems(val)
		*set = fmt.Sprintf("bank validation split (%d of %d lines, seed %d)", len(val.Items), len(b.Items), rag.BankSeed)
		tune = func(o *rag.Options) { o.Channels, o.Bank = channels, train }
	} else {
		f, err := os.Open(*set)
		if err != nil {
			return fmt.Errorf("opening question set: %w", err)
		}
		items, err = rag.ReadEvalSet(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("reading %s: %w", *set, err)
		}
	}
	if len(items) == 0 {
		return fmt.Errorf("%s has no questions", *set)
	}
	engine, closeStore, err := openSearch(ctx, e, tune)
	if err != nil {
		return err
	}
	defer closeStore()
	report, results, err := engine.Evaluate(ctx, items, *k)
	if err != nil {
		return err
	}
	if *resultsFile != "" {
		if err := writeResults(*resultsFile, results); err != nil {
			return err
		}
	}
	var ansReport *rag.AnswerReport
	var ansResults []rag.AnswerResult
	if *answers {
		if ansReport, ansResults, err = engine.EvaluateAnswers(ctx, items); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			*rag.EvalReport
			Answers *rag.AnswerReport `json:"answers,omitempty"`
		}{report, ansReport})
	}
	writeEvalReport(e.stdout, *set, report)
	if ansReport != nil {
		writeAnswerReport(e.stdout, ansReport)
	}
	if *misses {
		writeMisses(e.stdout, results, *k)
		writeAnswerMisses(e.stdout, ansResults)
	}
	return nil
}

func writeEvalReport(w io.Writer, set string, r *rag.EvalReport) {
	fmt.Fprintf(w, "%s: %d questions, k = %d, retrieval p50 %.2f ms, p95 %.2f ms\n\n", set, r.Questions, r.K, r.P50ms, r.P95ms)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\tquestions\thit@1\thit@%d\trecall@%d\tMRR@10\tabstain\tfalse abstain\t\n", r.K, r.K)
	row := func(name string, s rag.Scores) {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, s.Questions,
			pct(s.HitAt1), pct(s.HitAtK), pct(s.RecallAtK), pct(s.MRRAt10), pct(s.AbstainRate), pct(s.FalseAbstainRate))
	}
	row("all", r.Scores)
	for _, group := range []map[string]rag.Scores{r.ByKind, r.ByLang} {
		fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t")
		for _, name := range sortedKeys(group) {
			row(name, group[name])
		}
	}
	tw.Flush()
}

func writeMisses(w io.Writer, results []rag.EvalResult, k int) {
	fmt.Fprintln(w, "\nMisses:")
	for _, r := range results {
		if !r.Missed(k) {
			continue
		}
		got := fmt.Sprint(r.Ranked[:min(k, len(r.Ranked))])
		if r.Declined != "" {
			got = "declined (" + r.Declined + ")"
		}
		fmt.Fprintf(w, "  %s [%s] %s\n    gold %v, got %s (off-topic p %.2f)\n", r.Item.ID, r.Item.Kind, r.Item.Q, r.Item.Gold, got, r.OffTopic)
	}
}

func pct(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.3f", *p)
}

func sortedKeys(m map[string]rag.Scores) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// parseChannels reads --without.
func parseChannels(list string) (rag.Channels, error) {
	var c rag.Channels
	for _, name := range strings.Split(list, ",") {
		switch strings.TrimSpace(name) {
		case "":
		case "passages":
			c.NoPassages = true
		case "bank":
			c.NoBank = true
		case "model":
			c.NoModel = true
		case "vectors":
			c.NoVectors = true
		case "glossary":
			c.NoGlossary = true
		case "rerank":
			c.NoRerank = true
		default:
			return c, fmt.Errorf("--without %q: channels are passages, bank, model, vectors, glossary, rerank", name)
		}
	}
	return c, nil
}

// writeResults writes one JSON object per question, for analysis.
func writeResults(path string, results []rag.EvalResult) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	enc := json.NewEncoder(f)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			f.Close()
			return fmt.Errorf("writing results: %w", err)
		}
	}
	return f.Close()
}
