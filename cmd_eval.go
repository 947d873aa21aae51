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
	"text/tabwriter"

	"atazan/rag"
)

const evalUsage = "usage: atazan eval --set FILE [--k 5] [--answers] [--json] [--misses]"

// runEval measures retrieval on a labelled question set (the format of
// shared/eval/dev.jsonl) and prints hit@1, hit@k, recall@k, MRR@10, the
// abstain rates and latency, overall, by kind and by language.
func runEval(ctx context.Context, e *env) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	set := fs.String("set", "", "question set, one JSON object per line: {id, lang, kind, q, gold: [{doc, article}]}")
	k := fs.Int("k", 5, "cut-off of hit_at_5 and recall_at_5")
	asJSON := fs.Bool("json", false, "print one JSON object")
	misses := fs.Bool("misses", false, "also list the questions whose gold article is not in the top k")
	answers := fs.Bool("answers", false, "also answer each answerable question and score the answers: lead accuracy, citation precision, refused rate, facts found")
	fs.Usage = func() { fmt.Fprintln(e.stderr, evalUsage); fs.PrintDefaults() }
	if err := fs.Parse(e.args); err != nil {
		return err
	}
	if *set == "" || fs.NArg() > 0 {
		return errors.New(evalUsage)
	}
	if *k < 1 {
		return fmt.Errorf("--k %d: want at least 1", *k)
	}
	f, err := os.Open(*set)
	if err != nil {
		return fmt.Errorf("opening question set: %w", err)
	}
	items, err := rag.ReadEvalSet(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("reading %s: %w", *set, err)
	}
	if len(items) == 0 {
		return fmt.Errorf("%s has no questions", *set)
	}
	engine, closeStore, err := openSearch(ctx, e)
	if err != nil {
		return err
	}
	defer closeStore()
	report, results, err := engine.Evaluate(ctx, items, *k)
	if err != nil {
		return err
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
		fmt.Fprintf(w, "  %s [%s] %s\n    gold %v, got %v\n", r.Item.ID, r.Item.Kind, r.Item.Q, r.Item.Gold, r.Ranked[:min(k, len(r.Ranked))])
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
