package rag

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strings"

	"github.com/philippgille/chromem-go"
)

// collectionPrefix starts the name of the chromem collection; the rest is
// the embedder's name, which is how the index records who built it.
const collectionPrefix = "chunks@"

// vectorStore keeps chunk vectors in a persistent chromem-go database.
type vectorStore struct {
	col      *chromem.Collection
	embedder Embedder
}

// openVectorStore opens the embedder's collection and drops collections
// built by any other embedder: their vectors are useless now.
func openVectorStore(db *chromem.DB, emb Embedder, log *slog.Logger) (*vectorStore, error) {
	name := collectionPrefix + emb.Name()
	for other := range db.ListCollections() {
		if strings.HasPrefix(other, collectionPrefix) && other != name {
			log.Info("embedder changed, dropping old vectors", "old", strings.TrimPrefix(other, collectionPrefix), "new", emb.Name())
			if err := db.DeleteCollection(other); err != nil {
				return nil, fmt.Errorf("dropping index of embedder %s: %w", other, err)
			}
		}
	}
	// The embedding function is only there so chromem never falls back to
	// its OpenAI default; documents and queries always come with vectors.
	embed := func(ctx context.Context, text string) ([]float32, error) {
		v, err := emb.Embed(ctx, []string{text})
		if err != nil {
			return nil, err
		}
		return v[0], nil
	}
	col, err := db.GetOrCreateCollection(name, map[string]string{"embedder": emb.Name()}, embed)
	if err != nil {
		return nil, fmt.Errorf("opening vector collection: %w", err)
	}
	return &vectorStore{col: col, embedder: emb}, nil
}

// embedBatch is how many texts go to the embedder at once.
const embedBatch = 64

// sync makes the collection hold a vector for every text (keyed by
// vectorID), embedding only the missing ones, and returns how many it
// embedded. Vectors not in keep are removed afterwards by prune.
func (s *vectorStore) sync(ctx context.Context, texts map[string]string) (int, error) {
	var ids []string
	for id := range texts {
		if _, err := s.col.GetByID(ctx, id); err != nil {
			ids = append(ids, id)
		}
	}
	for start := 0; start < len(ids); start += embedBatch {
		end := min(start+embedBatch, len(ids))
		batch := make([]string, 0, end-start)
		for _, id := range ids[start:end] {
			batch = append(batch, texts[id])
		}
		vecs, err := s.embedder.Embed(ctx, batch)
		if err != nil {
			return start, fmt.Errorf("embedding %d passages with %s: %w", len(batch), s.embedder.Name(), err)
		}
		if len(vecs) != len(batch) {
			return start, fmt.Errorf("embedder %s returned %d vectors for %d texts", s.embedder.Name(), len(vecs), len(batch))
		}
		docs := make([]chromem.Document, len(batch))
		for i, id := range ids[start:end] {
			docs[i] = chromem.Document{ID: id, Embedding: vecs[i], Content: batch[i]}
		}
		if err := s.col.AddDocuments(ctx, docs, runtime.NumCPU()); err != nil {
			return start, fmt.Errorf("storing vectors: %w", err)
		}
	}
	return len(ids), nil
}

// prune removes vectors of passages that are no longer in the corpus.
// chromem cannot list a collection, but a query for all of it can.
func (s *vectorStore) prune(ctx context.Context, keep map[string]string) error {
	n := s.col.Count()
	if n == len(keep) {
		return nil // sync added every kept id, so nothing else is there
	}
	var probe []float32
	for id := range keep {
		doc, err := s.col.GetByID(ctx, id)
		if err != nil {
			return fmt.Errorf("reading vector %s: %w", id, err)
		}
		probe = make([]float32, len(doc.Embedding))
		break
	}
	if len(probe) == 0 {
		return nil
	}
	probe[0] = 1
	all, err := s.query(ctx, probe, n)
	if err != nil {
		return err
	}
	var stale []string
	for _, h := range all {
		if _, ok := keep[h.id]; !ok {
			stale = append(stale, h.id)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	return s.col.Delete(ctx, nil, nil, stale...)
}

// vectorHit is one nearest vector.
type vectorHit struct {
	id         string
	similarity float32
}

// query returns up to n nearest vectors; chromem refuses an n larger than
// the collection, so it is clamped.
func (s *vectorStore) query(ctx context.Context, vec []float32, n int) ([]vectorHit, error) {
	n = min(n, s.col.Count())
	if n <= 0 {
		return nil, nil
	}
	res, err := s.col.QueryEmbedding(ctx, vec, n, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("querying vectors: %w", err)
	}
	out := make([]vectorHit, len(res))
	for i, r := range res {
		out[i] = vectorHit{id: r.ID, similarity: r.Similarity}
	}
	return out, nil
}
