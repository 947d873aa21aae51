package llm

import (
	"context"
	"fmt"

	openai "github.com/sashabaranov/go-openai"

	"atazan/config"
)

// embedBatch is how many texts go in one /v1/embeddings request: small
// enough for local servers and the providers' input limits.
const embedBatch = 64

// Embedder computes embeddings with an OpenAI-compatible /v1/embeddings endpoint.
type Embedder struct {
	api   *openai.Client
	model string
	name  string
}

// NewEmbedder returns an embedder for cfg; fallbackKey (the LLM key) is
// used when cfg.APIKey is empty.
func NewEmbedder(cfg config.Embed, fallbackKey string) *Embedder {
	key := cfg.APIKey
	if key == "" {
		key = fallbackKey
	}
	return &Embedder{
		api:   openai.NewClientWithConfig(openaiConfig(cfg.BaseURL, key)),
		model: cfg.Model,
		name:  "openai:" + host(cfg.BaseURL) + "/" + cfg.Model,
	}
}

// Name identifies the embedding space ("openai:localhost:11434/nomic-embed-text"):
// an index built under another name must be rebuilt.
func (e *Embedder) Name() string { return e.name }

// Embed returns one vector per text, in order.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	dim := 0
	for start := 0; start < len(texts); start += embedBatch {
		end := min(start+embedBatch, len(texts))
		resp, err := e.api.CreateEmbeddings(ctx, openai.EmbeddingRequest{
			Input: texts[start:end],
			Model: openai.EmbeddingModel(e.model),
		})
		if err != nil {
			return nil, fmt.Errorf("embedding texts %d–%d of %d with %s: %w", start+1, end, len(texts), e.name, err)
		}
		if len(resp.Data) != end-start {
			return nil, fmt.Errorf("embedding texts %d–%d with %s: got %d vectors for %d texts", start+1, end, e.name, len(resp.Data), end-start)
		}
		for _, d := range resp.Data {
			i := start + d.Index
			if d.Index < 0 || i >= end || out[i] != nil {
				return nil, fmt.Errorf("embedding with %s: bad or repeated index %d in reply", e.name, d.Index)
			}
			if len(d.Embedding) == 0 {
				return nil, fmt.Errorf("embedding with %s: empty vector for text %d", e.name, i+1)
			}
			if dim == 0 {
				dim = len(d.Embedding)
			} else if len(d.Embedding) != dim {
				return nil, fmt.Errorf("embedding with %s: vector %d has %d dimensions, want %d", e.name, i+1, len(d.Embedding), dim)
			}
			out[i] = d.Embedding
		}
	}
	return out, nil
}
