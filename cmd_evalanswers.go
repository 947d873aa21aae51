package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"

	"atazan/rag"
)

// writeAnswerReport prints the answer scores of `atazan eval --answers`.
func writeAnswerReport(w io.Writer, r *rag.AnswerReport) {
	fmt.Fprintf(w, "\nAnswers (%d answerable questions, %d facts):\n\n", r.Answerable, r.Facts)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tanswerable\tlead\tprecision\trefused\tfacts found\t")
	row := func(name string, s rag.AnswerScores) {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t\n", name, s.Answerable,
			pct(s.LeadAccuracy), pct(s.CitationPrecision), pct(s.RefusedRate), pct(s.FactsFound))
	}
	row("all", r.AnswerScores)
	for _, group := range []map[string]rag.AnswerScores{r.ByKind, r.ByLang} {
		fmt.Fprintln(tw, "\t\t\t\t\t\t")
		for _, name := range slices.Sorted(maps.Keys(group)) {
			row(name, group[name])
		}
	}
	tw.Flush()
}

// writeAnswerMisses lists the answers whose first citation is not gold,
// that refused, or that miss a fact.
func writeAnswerMisses(w io.Writer, results []rag.AnswerResult) {
	if len(results) == 0 {
		return
	}
	fmt.Fprintln(w, "\nAnswer misses:")
	for _, r := range results {
		if r.LeadRight() && r.FactsFound == r.Facts {
			continue
		}
		fmt.Fprintf(w, "  %s [%s] %s\n    gold %v, cited %v, facts %d/%d\n", r.Item.ID, r.Item.Kind, r.Item.Q, r.Item.Gold, r.Cited, r.FactsFound, r.Facts)
	}
}
