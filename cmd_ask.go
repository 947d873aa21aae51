package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"atazan/corpus"
	"atazan/metrics"
	"atazan/rag"
	"atazan/rag/answer"
	"atazan/rag/llm"
)

const askUsage = `usage: atazan ask [--lang kk|ru] [--json] "question"`

// runAsk answers one question in the terminal: the answer and its
// citations, or with --json everything retrieval found, with scores and timings.
func runAsk(ctx context.Context, e *env) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	lang := fs.String("lang", "", "language to answer in when the question's own is unclear: kk or ru")
	asJSON := fs.Bool("json", false, "print the answer, citations, retrieved passages with scores and timings as JSON")
	fs.Usage = func() { fmt.Fprintln(e.stderr, askUsage); fs.PrintDefaults() }
	if err := fs.Parse(e.args); err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if question == "" {
		return errors.New(askUsage)
	}
	if *lang != "" && *lang != string(corpus.KK) && *lang != string(corpus.RU) {
		return fmt.Errorf("--lang %q: want kk or ru", *lang)
	}
	engine, closeStore, err := openSearch(ctx, e)
	if err != nil {
		return err
	}
	defer closeStore()
	ans, err := engine.Answer(ctx, rag.Question{Text: question, Lang: corpus.Lang(*lang)}, nil)
	if err != nil {
		return fmt.Errorf("answering: %w", err)
	}
	if *asJSON {
		return writeAnswerJSON(e.stdout, question, ans)
	}
	writeAnswerText(e.stdout, &ans.Result)
	return nil
}

// openSearch opens the corpus and an engine over it, for the one-shot
// commands (ask, eval) that need no conversation store.
func openSearch(ctx context.Context, e *env, tune ...func(*rag.Options)) (*rag.Engine, func() error, error) {
	store, err := openCorpus(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	engine, err := openEngine(ctx, e, store, nil, tune...)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return engine, store.Close, nil
}

// openEngine builds the retrieval engine over the corpus: the configured
// embeddings endpoint or the built-in embedder, the configured LLM or
// offline answers, and loads the index (embedding only what changed).
func openEngine(ctx context.Context, e *env, store *corpus.Store, m *metrics.Metrics, tune ...func(*rag.Options)) (*rag.Engine, error) {
	opts := rag.Options{DataDir: e.cfg.DataDir, ModelDir: e.cfg.ModelDir, Log: e.log, Metrics: m}
	if e.cfg.Embed.Enabled() {
		opts.Embedder = llm.NewEmbedder(e.cfg.Embed, e.cfg.LLM.APIKey)
	}
	var chat answer.Chatter // stays a nil interface when offline
	if e.cfg.LLM.Enabled() {
		chat = llm.NewClient(e.cfg.LLM)
	}
	opts.Composer = answer.NewComposer(chat, answer.ComposerOptions{Timeout: e.cfg.LLM.Timeout, Log: e.log, Metrics: m})
	for _, t := range tune {
		t(&opts)
	}
	engine, err := rag.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := engine.Load(ctx, store.Documents(), store.Alignment()); err != nil {
		return nil, err
	}
	return engine, nil
}

// writeAnswerText prints an answer the way a reader sees it, without
// messenger formatting.
func writeAnswerText(w io.Writer, r *answer.Result) {
	if r.Lead != "" {
		fmt.Fprintln(w, r.Lead)
	}
	if r.Body != "" {
		fmt.Fprintln(w)
		fmt.Fprintln(w, r.Body)
	}
	for _, q := range r.Quotes {
		fmt.Fprintf(w, "\n«%s» (%s)\n", q.Text, q.Ref.Format(r.Lang))
	}
	if len(r.Sources) > 0 {
		refs := corpus.SourceList(r.Sources, r.Lang)
		label := "Источники"
		if r.Lang == corpus.KK {
			label = "Дереккөздер"
		}
		fmt.Fprintf(w, "\n%s: %s\n", label, strings.Join(refs, "; "))
	}
	if r.Note != "" {
		fmt.Fprintf(w, "\n%s\n", r.Note)
	}
}

// askJSON is the --json output of ask.
type askJSON struct {
	Question  string         `json:"question"`
	Answer    answer.Result  `json:"answer"`
	Citations []citationJSON `json:"citations"`
	Hits      []rag.Hit      `json:"hits"`
	// Declined says why the question was not answered from the text, and
	// OffTopic is the relevance model's probability that it is off-topic.
	Declined string      `json:"declined,omitempty"`
	OffTopic float64     `json:"off_topic"`
	Timings  timingsJSON `json:"timings"`
}

type citationJSON struct {
	corpus.Ref
	Text string `json:"text"` // as the answer renders it: "ст. 17, п. 2"
}

type timingsJSON struct {
	RetrievalMS float64 `json:"retrieval_ms"`
	GenerateMS  float64 `json:"generate_ms"`
}

func writeAnswerJSON(w io.Writer, question string, ans *rag.Answer) error {
	out := askJSON{
		Question: question,
		Answer:   ans.Result,
		Hits:     ans.Hits,
		Declined: ans.Declined,
		OffTopic: ans.OffTopic,
		Timings: timingsJSON{
			RetrievalMS: float64(ans.Timings.Retrieval.Microseconds()) / 1000,
			GenerateMS:  float64(ans.Timings.Generate.Microseconds()) / 1000,
		},
		Citations: []citationJSON{},
	}
	if out.Hits == nil {
		out.Hits = []rag.Hit{}
	}
	for _, s := range ans.Sources {
		out.Citations = append(out.Citations, citationJSON{Ref: s, Text: s.Format(ans.Lang)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
