package rag

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"atazan/corpus"
)

// AnswerResult is how the finished answer did on one question: the
// articles it cites, whether it refused, and the facts its text holds.
type AnswerResult struct {
	Item EvalItem `json:"item"`
	// Cited are the articles the answer stands on, in order, each once.
	Cited   []corpus.Ref `json:"cited"`
	Refused bool         `json:"refused"`
	// FactsFound of Facts regexes of the item matched the answer's text.
	Facts      int           `json:"facts"`
	FactsFound int           `json:"facts_found"`
	Text       string        `json:"text"`
	Took       time.Duration `json:"took"`
}

// LeadRight reports whether the first cited article is a gold one.
func (r AnswerResult) LeadRight() bool {
	return len(r.Cited) > 0 && isGold(r.Item.Gold, r.Cited[0])
}

// AnswerScores measure answers, not retrieval, over the answerable
// questions of a set: how often the first cited article is a gold one,
// what share of all cited articles are gold, how often the bot refused,
// and what share of the set's fact regexes the answers' text matches.
// A metric with nothing to measure is null.
type AnswerScores struct {
	Answerable        int      `json:"answerable"`
	LeadAccuracy      *float64 `json:"lead_accuracy"`
	CitationPrecision *float64 `json:"citation_precision"`
	RefusedRate       *float64 `json:"refused_rate"`
	Facts             int      `json:"facts"`
	FactsFound        *float64 `json:"facts_found"`
}

// AnswerReport is an answer evaluation, overall, by kind and by language.
type AnswerReport struct {
	AnswerScores
	ByKind map[string]AnswerScores `json:"by_kind"`
	ByLang map[string]AnswerScores `json:"by_lang"`
}

// EvaluateAnswers answers every answerable question of items the way a
// user would get it (the configured composer, no history) and scores the
// answers. Off-topic items are skipped: retrieval's Evaluate measures
// abstention. A fact that is not a valid regular expression is an error
// before any question is asked.
func (e *Engine) EvaluateAnswers(ctx context.Context, items []EvalItem) (*AnswerReport, []AnswerResult, error) {
	facts, err := compileFacts(items)
	if err != nil {
		return nil, nil, err
	}
	var results []AnswerResult
	for i, it := range items {
		if len(it.Gold) == 0 {
			continue
		}
		start := time.Now()
		a, err := e.Answer(ctx, Question{Text: it.Q, Lang: evalLang(it.Lang)}, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("answering question %s: %w", it.ID, err)
		}
		r := AnswerResult{Item: it, Refused: len(a.Sources) == 0, Text: a.Text(), Took: time.Since(start), Facts: len(facts[i])}
		for _, s := range a.Sources {
			art := corpus.Ref{Doc: s.Doc, Article: s.Article}
			if !slices.Contains(r.Cited, art) {
				r.Cited = append(r.Cited, art)
			}
		}
		for _, re := range facts[i] {
			if re.MatchString(r.Text) {
				r.FactsFound++
			}
		}
		results = append(results, r)
	}
	return ScoreAnswers(results), results, nil
}

// unicodeWords makes \w and \W of a fact mean letters of any script, as
// in the Python regexes the sets are written with: in Go they are ASCII
// only and would never match "сорока".
func unicodeWords(re string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(re); i++ {
		c := re[i]
		if c != '\\' || i+1 == len(re) {
			switch c {
			case '[':
				inClass = true
			case ']':
				inClass = false
			}
			b.WriteByte(c)
			continue
		}
		i++
		switch {
		case re[i] == 'w' && inClass:
			b.WriteString(`\p{L}\p{N}_`)
		case re[i] == 'w':
			b.WriteString(`[\p{L}\p{N}_]`)
		case re[i] == 'W' && !inClass:
			b.WriteString(`[^\p{L}\p{N}_]`)
		default:
			b.WriteByte('\\')
			b.WriteByte(re[i])
		}
	}
	return b.String()
}

// compileFacts compiles the facts of each item, case-insensitive.
func compileFacts(items []EvalItem) ([][]*regexp.Regexp, error) {
	facts := make([][]*regexp.Regexp, len(items))
	for i, it := range items {
		for _, f := range it.Facts {
			re, err := regexp.Compile("(?i)" + unicodeWords(f))
			if err != nil {
				return nil, fmt.Errorf("question %s: fact %q: %w", it.ID, f, err)
			}
			facts[i] = append(facts[i], re)
		}
	}
	return facts, nil
}

// evalLang is the preferred language of a set's "lang" ("kk-latn" is Kazakh).
func evalLang(l string) corpus.Lang {
	if l == "ru" {
		return corpus.RU
	}
	if l == "" {
		return ""
	}
	return corpus.KK
}

// ScoreAnswers computes the report of an answer run.
func ScoreAnswers(results []AnswerResult) *AnswerReport {
	group := func(key func(EvalItem) string) map[string]AnswerScores {
		parts := map[string][]AnswerResult{}
		for _, r := range results {
			parts[key(r.Item)] = append(parts[key(r.Item)], r)
		}
		out := map[string]AnswerScores{}
		for name, rs := range parts {
			out[name] = scoreAnswers(rs)
		}
		return out
	}
	return &AnswerReport{
		AnswerScores: scoreAnswers(results),
		ByKind:       group(func(it EvalItem) string { return it.Kind }),
		ByLang:       group(func(it EvalItem) string { return it.Lang }),
	}
}

func scoreAnswers(results []AnswerResult) AnswerScores {
	var s AnswerScores
	var lead, refused, cited, citedGold, found float64
	for _, r := range results {
		if len(r.Item.Gold) == 0 {
			continue
		}
		s.Answerable++
		s.Facts += r.Facts
		found += float64(r.FactsFound)
		if r.Refused {
			refused++
		}
		if r.LeadRight() {
			lead++
		}
		for _, c := range r.Cited {
			cited++
			if isGold(r.Item.Gold, c) {
				citedGold++
			}
		}
	}
	ratio := func(x, n float64) *float64 {
		if n == 0 {
			return nil
		}
		v := math.Round(x/n*1000) / 1000
		return &v
	}
	n := float64(s.Answerable)
	s.LeadAccuracy, s.RefusedRate = ratio(lead, n), ratio(refused, n)
	s.CitationPrecision = ratio(citedGold, cited)
	s.FactsFound = ratio(found, float64(s.Facts))
	return s
}
