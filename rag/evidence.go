package rag

import (
	"log/slog"

	"atazan/rag/bank"
)

// evidence is what retrieval learns from a question bank: its questions'
// index, the relevance model and the questions' vectors in the model's
// space. The engine has one from the whole bank; fitting the reranker
// builds another from part of it.
type evidence struct {
	bank *bankIndex
	rel  *relevance
	vec  *bankVectors
}

// learnEvidence builds the evidence of b, whose analysis is an; the model
// is cached in dir.
func learnEvidence(dir string, b *bank.Bank, an *bankAnalysis, log *slog.Logger) (evidence, error) {
	rel, err := loadRelevance(dir, b, an, log)
	if err != nil {
		return evidence{}, err
	}
	return evidence{bank: newBankIndex(b, an), rel: rel, vec: newBankVectors(b, an, rel)}, nil
}
