// Package rag finds the articles of the Constitution that answer a question
// and answers with checked citations. Retrieval fuses a chromem-go vector
// store with lexical BM25 over stems; answers come from an LLM when one is
// configured and are extractive otherwise.
package rag

import (
	"time"

	"atazan/corpus"
	"atazan/rag/answer"
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
	Hits    []Hit   `json:"hits"`
	Timings Timings `json:"timings"`
}
