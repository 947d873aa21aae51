package rag

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"atazan/corpus"
	"atazan/rag/bank"
)

// EvalItem is one labelled question, one JSON object per line as in
// shared/eval/dev.jsonl. An empty Gold means the bot should abstain.
type EvalItem struct {
	ID     string       `json:"id"`
	Lang   string       `json:"lang"`
	Kind   string       `json:"kind"`
	Q      string       `json:"q"`
	Gold   []corpus.Ref `json:"gold"`
	Expect string       `json:"expect,omitempty"`
	// Facts are regular expressions a right answer's text matches (eval --answers).
	Facts []string `json:"facts,omitempty"`
}

// ReadEvalSet reads a question set; a bad line is reported with its number.
func ReadEvalSet(r io.Reader) ([]EvalItem, error) {
	var out []EvalItem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var it EvalItem
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if strings.TrimSpace(it.Q) == "" {
			return nil, fmt.Errorf("line %d: no question (\"q\")", n)
		}
		for _, g := range it.Gold {
			if g.Doc == "" || g.Article == "" {
				return nil, fmt.Errorf("line %d: gold needs doc and article", n)
			}
		}
		if it.ID == "" {
			it.ID = fmt.Sprintf("line%d", n)
		}
		out = append(out, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading question set: %w", err)
	}
	return out, nil
}

// EvalResult is how retrieval did on one question.
type EvalResult struct {
	Item EvalItem `json:"item"`
	// Ranked are the retrieved articles, best first; empty when it abstained.
	Ranked []corpus.Ref `json:"ranked"`
	// Declined is why retrieval declined the question, "" if it did not.
	Declined string `json:"declined,omitempty"`
	// OffTopic is the relevance model's off-topic probability.
	OffTopic float64 `json:"off_topic"`
	// ModelTop is the model's probability of its likeliest article.
	ModelTop float64 `json:"model_top"`
	// BankOn and BankOff are the question's similarity to the nearest
	// answerable and off-topic bank lines.
	BankOn  float64       `json:"bank_on"`
	BankOff float64       `json:"bank_off"`
	Took    time.Duration `json:"took"`
}

// Abstained reports whether retrieval returned nothing.
func (r EvalResult) Abstained() bool { return len(r.Ranked) == 0 }

// firstGold is the 1-based rank of the first gold article, 0 if none is ranked.
func (r EvalResult) firstGold() int {
	for i, ref := range r.Ranked {
		if isGold(r.Item.Gold, ref) {
			return i + 1
		}
	}
	return 0
}

func isGold(gold []corpus.Ref, ref corpus.Ref) bool {
	return slices.ContainsFunc(gold, func(g corpus.Ref) bool { return g.Doc == ref.Doc && g.Article == ref.Article })
}

// Scores are retrieval metrics over a set of questions. Ranking metrics
// are over questions with gold articles, the abstain rate over those
// without; a metric with no question to measure it is null.
type Scores struct {
	Questions        int      `json:"questions"`
	HitAt1           *float64 `json:"hit_at_1"`
	HitAtK           *float64 `json:"hit_at_5"`
	RecallAtK        *float64 `json:"recall_at_5"`
	MRRAt10          *float64 `json:"mrr_at_10"`
	AbstainRate      *float64 `json:"abstain_rate"`
	FalseAbstainRate *float64 `json:"false_abstain_rate"`
}

// EvalReport is the result of a run: overall, by kind and by language.
type EvalReport struct {
	Scores
	K      int               `json:"k"`
	P50ms  float64           `json:"p50_ms"`
	P95ms  float64           `json:"p95_ms"`
	ByKind map[string]Scores `json:"by_kind"`
	ByLang map[string]Scores `json:"by_lang"`
}

// Evaluate runs every question through retrieval and scores the results;
// hit_at_5 and recall_at_5 are taken at k.
func (e *Engine) Evaluate(ctx context.Context, items []EvalItem, k int) (*EvalReport, []EvalResult, error) {
	results := make([]EvalResult, 0, len(items))
	for _, it := range items {
		start := time.Now()
		s, err := e.search(ctx, Question{Text: it.Q})
		if err != nil {
			return nil, nil, fmt.Errorf("question %s: %w", it.ID, err)
		}
		took := time.Since(start)
		var ranked []corpus.Ref
		if len(s.hits) > 0 {
			for _, a := range s.articles {
				ranked = append(ranked, corpus.Ref{Doc: a.doc, Article: a.article})
			}
		}
		results = append(results, EvalResult{Item: it, Ranked: ranked, Declined: s.abstain, OffTopic: s.offTopic, ModelTop: s.modelTop, BankOn: s.bankOn, BankOff: s.bankOff, Took: took})
	}
	return Score(results, k), results, nil
}

// Score computes the report of a run.
func Score(results []EvalResult, k int) *EvalReport {
	if k <= 0 {
		k = 5
	}
	rep := &EvalReport{Scores: scoreSet(results, k), K: k, ByKind: map[string]Scores{}, ByLang: map[string]Scores{}}
	group := func(key func(EvalItem) string) map[string]Scores {
		parts := map[string][]EvalResult{}
		for _, r := range results {
			parts[key(r.Item)] = append(parts[key(r.Item)], r)
		}
		out := map[string]Scores{}
		for name, rs := range parts {
			out[name] = scoreSet(rs, k)
		}
		return out
	}
	rep.ByKind = group(func(it EvalItem) string { return it.Kind })
	rep.ByLang = group(func(it EvalItem) string { return it.Lang })
	took := make([]float64, len(results))
	for i, r := range results {
		took[i] = float64(r.Took) / float64(time.Millisecond)
	}
	rep.P50ms, rep.P95ms = percentile(took, 50), percentile(took, 95)
	return rep
}

func scoreSet(results []EvalResult, k int) Scores {
	s := Scores{Questions: len(results)}
	var answerable, offTopic, hit1, hitK, recall, rr, abstained, falseAbstained float64
	for _, r := range results {
		if len(r.Item.Gold) == 0 {
			offTopic++
			if r.Abstained() {
				abstained++
			}
			continue
		}
		answerable++
		if r.Abstained() {
			falseAbstained++
			continue
		}
		if rank := r.firstGold(); rank > 0 {
			if rank == 1 {
				hit1++
			}
			if rank <= k {
				hitK++
			}
			if rank <= 10 {
				rr += 1 / float64(rank)
			}
		}
		found := 0
		for _, g := range r.Item.Gold {
			if slices.ContainsFunc(r.Ranked[:min(k, len(r.Ranked))], func(ref corpus.Ref) bool {
				return ref.Doc == g.Doc && ref.Article == g.Article
			}) {
				found++
			}
		}
		recall += float64(found) / float64(len(r.Item.Gold))
	}
	ratio := func(x, n float64) *float64 {
		if n == 0 {
			return nil
		}
		v := math.Round(x/n*1000) / 1000
		return &v
	}
	s.HitAt1, s.HitAtK, s.RecallAtK, s.MRRAt10 = ratio(hit1, answerable), ratio(hitK, answerable), ratio(recall, answerable), ratio(rr, answerable)
	s.FalseAbstainRate = ratio(falseAbstained, answerable)
	s.AbstainRate = ratio(abstained, offTopic)
	return s
}

// percentile is the nearest-rank percentile p of xs, in the unit of xs.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return math.Round(s[max(i, 0)]*100) / 100
}

// Missed reports whether the result fails the question: no gold article
// in the top k, or an answer where it should have abstained.
func (r EvalResult) Missed(k int) bool {
	if len(r.Item.Gold) == 0 {
		return !r.Abstained()
	}
	rank := r.firstGold()
	return rank == 0 || rank > k
}

// BankSeed and BankValShare fix the bank's split into training and
// validation questions: the validation figures are only honest while
// nobody tunes on them, and the same split is needed to compare runs.
const (
	BankSeed     = 2026
	BankValShare = 0.2
)

// BankItems turns bank lines into evaluation items: the kind is the line's
// style ("slang", "rumour"…) or "offtopic".
func BankItems(b *bank.Bank) []EvalItem {
	out := make([]EvalItem, 0, len(b.Items))
	for _, it := range b.Items {
		kind := it.Style
		switch {
		case it.OffTopic():
			kind = "offtopic"
		case kind == "":
			kind = "plain"
		}
		out = append(out, EvalItem{ID: it.Source, Lang: it.Lang, Kind: kind, Q: it.Q, Gold: it.Gold})
	}
	return out
}
