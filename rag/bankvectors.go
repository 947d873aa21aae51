package rag

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"

	"github.com/philippgille/chromem-go"

	"atazan/rag/bank"
)

// bankVectors keeps the bank's answerable questions as vectors in the
// relevance model's space, in an in-memory chromem-go collection: the
// nearest bank questions vote for their articles. Unlike BM25 over the same
// questions it matches by learnt meaning — "менты", "полиция" and
// "правоохранительные органы" lie close once the bank has taught the model
// they answer alike.
type bankVectors struct {
	col   *chromem.Collection
	items []bank.Item
}

// bankNeighbours is how many nearest bank questions vote.
const bankNeighbours = 20

func newBankVectors(ctx context.Context, b *bank.Bank, an *bankAnalysis, rel *relevance) (*bankVectors, error) {
	db := chromem.NewDB()
	noEmbed := func(context.Context, string) ([]float32, error) {
		return nil, errors.New("bank vectors come from the relevance model")
	}
	col, err := db.CreateCollection("bank", nil, noEmbed)
	if err != nil {
		return nil, fmt.Errorf("creating the bank's vector collection: %w", err)
	}
	x := &bankVectors{col: col}
	var docs []chromem.Document
	for i, it := range b.Items {
		if it.OffTopic() {
			continue
		}
		id := strconv.Itoa(len(x.items))
		x.items = append(x.items, it)
		docs = append(docs, chromem.Document{ID: id, Content: it.Q, Embedding: rel.model.Embed(an.Features[i])})
	}
	if len(docs) > 0 {
		if err := col.AddDocuments(ctx, docs, runtime.NumCPU()); err != nil {
			return nil, fmt.Errorf("adding bank vectors: %w", err)
		}
	}
	return x, nil
}

// vectorVotes are the vector channel's scores per article: the nearest
// neighbour's similarity, scaled from the farthest to the nearest of them,
// and the share of the neighbours that carry the article.
type vectorVotes struct {
	nearest, share map[articleKey]float64
}

func (x *bankVectors) votes(ctx context.Context, v []float32) (vectorVotes, error) {
	out := vectorVotes{nearest: map[articleKey]float64{}, share: map[articleKey]float64{}}
	n := min(bankNeighbours, x.col.Count())
	if n == 0 {
		return out, nil
	}
	res, err := x.col.QueryEmbedding(ctx, v, n, nil, nil)
	if err == nil && len(res) == 0 {
		err = ctx.Err() // a query cut short by its context returns nothing
	}
	if err != nil {
		return out, fmt.Errorf("querying bank vectors: %w", err)
	}
	if len(res) == 0 {
		return out, nil
	}
	hi, lo := res[0].Similarity, res[len(res)-1].Similarity
	for _, r := range res {
		i, _ := strconv.Atoi(r.ID)
		s := 1.0
		if hi > lo {
			s = float64((r.Similarity - lo) / (hi - lo))
		}
		for _, g := range x.items[i].Gold {
			ak := articleKey{g.Doc, g.Article}
			out.nearest[ak] = max(out.nearest[ak], s)
			out.share[ak] += 1 / float64(len(res))
		}
	}
	return out, nil
}
