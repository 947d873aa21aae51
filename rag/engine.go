// Package rag finds the articles of the Constitution that answer a question
// and answers with checked citations. Retrieval fuses a chromem-go vector
// store with lexical BM25 over stems; answers come from an LLM when one is
// configured and are extractive otherwise.
package rag

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/philippgille/chromem-go"

	"atazan/corpus"
	"atazan/metrics"
	"atazan/rag/answer"
	"atazan/rag/bank"
	"atazan/rag/glossary"
)

// Question is what a user asked.
type Question struct {
	Text string
	// Lang is the preferred language ("" = detect); the question's own
	// language wins when it is clear.
	Lang    corpus.Lang
	History []answer.Turn
}

// Hit is one retrieved passage with its fused score and where it came from.
type Hit struct {
	answer.Passage
	Channels map[string]float64 `json:"channels,omitempty"` // per-channel scores: bm25, vector, ref, glossary…
}

// Timings of one answer.
type Timings struct {
	Retrieval time.Duration `json:"retrieval"`
	Generate  time.Duration `json:"generate"`
}

// Answer is the engine's reply to a question.
type Answer struct {
	answer.Result
	Hits []Hit `json:"hits"`
	// Declined says why the question was not answered from the text
	// ("off-topic: weather", "opinion", "no such number"); "" if it was.
	Declined string `json:"declined,omitempty"`
	// OffTopic is the relevance model's probability that the question is
	// not one the Constitution answers.
	OffTopic float64 `json:"off_topic"`
	Timings  Timings `json:"timings"`
}

// Composer writes the answer from the retrieved passages; *answer.Composer
// is the production one.
type Composer interface {
	Compose(ctx context.Context, req answer.Request, partial func(string)) (answer.Result, error)
}

// Options configure an Engine.
type Options struct {
	// DataDir holds the vector index under DataDir/index.
	DataDir string
	// Embedder makes the vectors; nil means the built-in HashEmbedder.
	Embedder Embedder
	// Composer writes answers; nil means answer.Extractive.
	Composer Composer
	Log      *slog.Logger
	Metrics  *metrics.Metrics
	// Bank is the question bank retrieval indexes and the relevance model
	// learns from; nil means the bank shipped with the binary. Evaluation
	// passes the training part of a split.
	Bank *bank.Bank
	// Channels switch the evidence retrieval uses; the zero value means all.
	Channels Channels
	// ModelDir caches the relevance model trained on the bank and the
	// bank's analysis; "" means DataDir/model. Engines over the same bank
	// may share one.
	ModelDir string
}

// Channels are the sources of evidence retrieval fuses. Turning one off is
// how the ablation table in docs/retrieval.md is made.
type Channels struct {
	NoPassages bool // BM25 over the articles' own words
	NoBank     bool // BM25 over the bank's questions
	NoModel    bool // the relevance model trained on the bank
	NoVectors  bool // chromem-go nearest neighbours
	NoGlossary bool // expanding everyday words with the glossary's terms
	NoRerank   bool // the reranker learnt over the channels' scores
}

// Engine answers questions about the Constitution. It is safe for
// concurrent use; Load can run while questions are answered.
type Engine struct {
	db       *chromem.DB
	embedder Embedder
	composer Composer
	glossary *glossary.Glossary
	channels Channels
	ev       evidence
	// src, analysis and modelDir are kept to fit the reranker at Load.
	src      *bank.Bank
	analysis *bankAnalysis
	modelDir string
	cues     cues
	declines answer.Declines
	log      *slog.Logger
	metrics  *metrics.Metrics

	// lexWeight and vecWeight weigh the channels in the score fusion.
	lexWeight, vecWeight float64

	loadMu sync.Mutex // one Load at a time
	idx    atomic.Pointer[index]
}

// New opens (or creates) the vector index under opts.DataDir/index.
// The engine answers nothing until Load.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if opts.DataDir == "" {
		return nil, errors.New("rag: no data directory")
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Embedder == nil {
		opts.Embedder = NewHashEmbedder(0)
	}
	// The built-in embedder's vectors of the passages duplicate BM25 over
	// the same words (ablation: ±0 on dev and dev2), so they are not built;
	// a neural embedder's are, and weigh as much as BM25.
	vecWeight := neuralVectorWeight
	if _, ok := opts.Embedder.(*HashEmbedder); ok {
		vecWeight = 0
	}
	dir := filepath.Join(opts.DataDir, "index")
	db, err := chromem.NewPersistentDB(dir, false)
	if err != nil {
		return nil, fmt.Errorf("opening vector index %s: %w", dir, err)
	}
	// The model's caches live apart from the vector index: chromem-go
	// reads every file of its directory as its own.
	b, modelDir := opts.Bank, filepath.Join(opts.DataDir, "model")
	if opts.ModelDir != "" {
		modelDir = opts.ModelDir
	}
	if b == nil {
		if b, err = bank.Default(); err != nil {
			return nil, fmt.Errorf("reading the question bank: %w", err)
		}
	} else {
		// A part of the bank (evaluation) keeps its model apart, so that
		// switching back does not retrain the shipped bank's.
		modelDir = filepath.Join(modelDir, "relevance-custom")
	}
	analysis := loadBankAnalysis(modelDir, b, opts.Log)
	ev, err := learnEvidence(modelDir, b, analysis, opts.Log)
	if err != nil {
		return nil, err
	}
	cs, err := loadCues()
	if err != nil {
		return nil, err
	}
	declines, err := answer.LoadDeclines()
	if err != nil {
		return nil, err
	}
	gl := glossary.Default()
	if opts.Channels.NoGlossary {
		gl = &glossary.Glossary{}
	}
	return &Engine{
		db:        db,
		embedder:  opts.Embedder,
		composer:  opts.Composer,
		glossary:  gl,
		channels:  opts.Channels,
		ev:        ev,
		src:       b,
		analysis:  analysis,
		modelDir:  modelDir,
		cues:      cs,
		declines:  declines,
		lexWeight: lexicalWeight,
		vecWeight: vecWeight,
		log:       opts.Log,
		metrics:   opts.Metrics,
	}, nil
}

// Ready reports whether an index is loaded.
func (e *Engine) Ready() bool { return e.idx.Load() != nil }

// Load indexes the documents (kz2026, kz1995) and swaps the new index in;
// until it returns the old index keeps serving. Only passages whose text
// changed are embedded again.
func (e *Engine) Load(ctx context.Context, docs []*corpus.Document, align *corpus.Alignment) error {
	e.loadMu.Lock()
	defer e.loadMu.Unlock()
	start := time.Now()
	chunks := chunkDocuments(docs)
	if len(chunks) == 0 {
		return errors.New("rag: loading the index: the documents have no searchable text")
	}
	var al aligner // a nil *corpus.Alignment must stay a nil interface
	if align != nil {
		al = align
	}
	idx := newIndex(docs, chunks, al)
	idx.cues, idx.rel = e.cues, e.ev.rel
	texts := map[string]string{}
	embedded := 0
	if e.vecWeight > 0 {
		vs, err := openVectorStore(e.db, e.embedder, e.log)
		if err != nil {
			return err
		}
		for i := range chunks {
			id := vectorID(e.embedder.Name(), chunks[i].embedText())
			texts[id] = chunks[i].embedText()
			idx.vecOf[id] = append(idx.vecOf[id], i)
		}
		if embedded, err = vs.sync(ctx, texts); err != nil {
			return fmt.Errorf("rag: loading the index: %w", err)
		}
		idx.vec = vs
		defer func() {
			// Old vectors go only after the swap: the old index may still use them.
			if err := vs.prune(ctx, texts); err != nil {
				e.log.Warn("removing stale vectors", "err", err)
			}
		}()
	}
	// With a neural embedder fitting would embed a thousand bank questions
	// through its API at every corpus change; its fused ranking is used.
	if !e.channels.NoRerank && e.vecWeight == 0 {
		r, err := e.loadReranker(ctx, idx)
		if err != nil {
			// The fused ranking alone still answers well.
			e.log.Warn("fitting the reranker; ranking without it", "err", err)
		}
		idx.rerank = r
	}
	e.idx.Store(idx)
	e.log.Info("index loaded", "chunks", len(chunks), "vectors", len(texts), "embedded", embedded,
		"embedder", e.embedder.Name(), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// maxPassages is how many passages the composer gets.
const maxPassages = 8

// Answer retrieves and composes an answer. Only a missing index is an
// error: a failing composer (LLM down, timeout) falls back to quotes.
func (e *Engine) Answer(ctx context.Context, q Question, partial func(text string)) (*Answer, error) {
	start := time.Now()
	s, err := e.search(ctx, q)
	if err != nil {
		return nil, err
	}
	took := time.Since(start)
	e.metrics.ObserveRetrieval(took)
	req := answer.Request{
		Question: q.Text,
		Lang:     s.q.lang,
		History:  s.q.history(q.History),
		Compare:  s.q.compare,
	}
	for _, h := range s.hits {
		if len(req.Passages) == maxPassages {
			break
		}
		req.Passages = append(req.Passages, h.Passage)
	}
	genStart := time.Now()
	var res answer.Result
	switch {
	case len(req.Passages) == 0:
		e.log.Debug("declining", "why", s.abstain)
		res = e.declines.Decline(req, s.abstain)
	case e.composer != nil:
		res, err = e.composer.Compose(ctx, req, partial)
		if err != nil {
			e.log.Warn("composing the answer failed; quoting instead", "err", err)
			e.metrics.Error("compose")
			res = answer.Extractive(req)
		}
	default:
		res = answer.Extractive(req)
	}
	e.metrics.Answer(string(res.Mode))
	return &Answer{Result: res, Hits: s.hits, Declined: s.abstain, OffTopic: s.offTopic, Timings: Timings{Retrieval: took, Generate: time.Since(genStart)}}, nil
}
