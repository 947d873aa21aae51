package rag

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"atazan/corpus"
	"atazan/rag/answer"
)

// ErrNotReady is returned by retrieval before the first Load.
var ErrNotReady = errors.New("rag: index not loaded yet")

// Retrieval parameters.
const (
	channelDepth = 100 // results taken from each channel before fusion
	// Weights of BM25 and of a neural embedder's passage vectors in the
	// passage channel.
	lexicalWeight      = 1.0
	neuralVectorWeight = 1.0
	maxArticles        = 10 // articles returned
	pointsPerArt       = 2  // passages per article (more for an article asked by number)
	refPoints          = 6  // passages of an article asked for by number
	// pastPenalty scales the 1995 text's scores unless the question is
	// about the past: the document in force comes first.
	pastPenalty = 0.25
	// quantityBoost scales a passage that counts what a "how many?"
	// question asks about.
	quantityBoost = 1.3
	// morePoints weighs an article's second and third best points (0.1
	// and 0.3 both lost MRR on the dev set and on our own).
	morePoints = 0.2
	// How much a passage's and an article's scores depend on the share of
	// the question's idf mass they cover: a passage matching one rare word,
	// or one point of a long list of powers, loses to an article that
	// covers several of the question's concepts. Passage 0.15-0.5 with
	// article 0.4 gained MRR on dev and held-out A and lost none on our own
	// set; article 0.5 and more lost on our own, passage 1.0 everywhere.
	pointCoverageWeight = 0.3
	coverageWeight      = 0.4
	// Weights of the channels in the article score, each channel scaled
	// to [0, 1]. On dev.jsonl the model's and the vectors' weights changed
	// nothing between 0 and 1 (the bank's questions carry the ranking);
	// see docs/retrieval.md for the ablation. The model's probabilities
	// count only from minModelShare, so its long tail of near-zero classes
	// does not reorder the ranking.
	passageWeight = 1.0
	bankWeight    = 1.0
	modelWeight   = 0.5
	vectorWeight  = 0.15
	minModelShare = 0.01
	doc2026       = "kz2026"
	doc1995       = "kz1995"
)

// search is one retrieval with what was learnt about the question.
type search struct {
	q        *query
	hits     []Hit
	abstain  string  // why retrieval abstained; "" if it did not
	offTopic float64 // the relevance model's off-topic probability
	modelTop float64 // its likeliest article's probability
	bankOn   float64 // similarity to the nearest answerable bank question
	bankOff  float64 // and to the nearest off-topic one
	articles []articleKey
}

// Retrieve returns the passages that answer the question, best first,
// grouped by article; none when the Constitution does not cover it.
func (e *Engine) Retrieve(ctx context.Context, q Question) ([]Hit, error) {
	s, err := e.search(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.hits, nil
}

func (e *Engine) search(ctx context.Context, q Question) (*search, error) {
	idx := e.idx.Load()
	if idx == nil {
		return nil, ErrNotReady
	}
	an := idx.analyse(q, e.glossary)
	s := &search{q: an}
	sc, err := e.score(ctx, idx, an, e.ev)
	if err != nil {
		return nil, err
	}
	order := rankArticles(sc.articles)
	if idx.rerank != nil && len(an.terms) > 0 {
		order = idx.rerank.rerank(sc.candidates(an, order), order)
	}
	s.offTopic = sc.model.offTopic
	s.bankOn, s.bankOff = sc.votes.on, sc.votes.off
	for _, p := range sc.model.articles {
		s.modelTop = max(s.modelTop, p)
	}
	refs := idx.resolveRefs(an)
	if s.abstain = idx.decide(an, sc, order, refs); s.abstain != "" {
		return s, nil
	}
	if an.compare {
		order = idx.interleavePast(order)
	}
	order = withRefsFirst(refs, order)
	s.articles = order[:min(maxArticles, len(order))]
	s.hits = idx.hits(s.articles, refs, sc, an.lang)
	return s, nil
}

// scores are one question's scores: per channel and chunk, fused per
// point (its best language), and per article.
type scores struct {
	lex      []float64
	vec      map[int]float64
	fused    map[int]float64
	points   map[pointKey]float64
	best     map[pointKey]int // the chunk that gave a point its score
	articles map[articleKey]float64
	// passages, bank and model are the channels' article scores, each
	// scaled to [0, 1], before fusion into articles.
	passages, bank map[articleKey]float64
	model          modelVerdict
	votes          bankVotes
	vectors        vectorVotes
}

// score runs the channels — the articles' words (BM25 and vectors), and
// what ev learnt from a bank: its questions, the relevance model and their
// vectors — and fuses them per article.
func (e *Engine) score(ctx context.Context, idx *index, an *query, ev evidence) (*scores, error) {
	sc := &scores{vec: map[int]float64{}, points: map[pointKey]float64{}, best: map[pointKey]int{},
		articles: map[articleKey]float64{}, passages: map[articleKey]float64{}, bank: map[articleKey]float64{}}
	if !e.channels.NoPassages {
		if err := e.scorePassages(ctx, idx, an, sc); err != nil {
			return nil, err
		}
	}
	// The bank's channels vote only for a question with words of its own
	// (or of the question it continues): "а ещё?" alone asks nothing, and
	// the model's prior or the nearest vectors of nothing must not answer it.
	content := len(an.terms) > 0
	if content && !e.channels.NoBank {
		v := ev.bank.votes(an.terms)
		sc.votes = v
		for ak, x := range v.articles {
			if idx.hasArticle(ak.doc, ak.article) {
				sc.bank[ak] = x / v.top
			}
		}
		for pk, x := range v.points {
			// The bank says which point answers: it picks the quoted point.
			sc.points[pk] += x / v.top
		}
	}
	if !e.channels.NoModel {
		sc.model = ev.rel.predict(an.features)
	}
	if content && !e.channels.NoVectors {
		votes := ev.vec.votes(ev.rel.model.Embed(an.features))
		sc.vectors = votes
		for ak, x := range votes.nearest {
			if idx.hasArticle(ak.doc, ak.article) {
				sc.articles[ak] += vectorWeight * x
			}
		}
	}
	add := func(src map[articleKey]float64, w float64) {
		for ak, x := range src {
			sc.articles[ak] += w * x
		}
	}
	add(sc.passages, passageWeight)
	add(sc.bank, bankWeight)
	for ak, p := range sc.model.articles {
		if content && p >= minModelShare && idx.hasArticle(ak.doc, ak.article) {
			sc.articles[ak] += modelWeight * p
		}
	}
	for ak := range sc.articles {
		if ak.doc != doc2026 && !an.compare {
			sc.articles[ak] *= pastPenalty
		}
	}
	return sc, nil
}

// scorePassages is the passage channel: BM25 and vectors over the
// articles' points, rolled up to articles and scaled by the best article.
func (e *Engine) scorePassages(ctx context.Context, idx *index, an *query, sc *scores) error {
	sc.lex = idx.lex.scores(an.terms)
	lexRank := topChunks(sc.lex, channelDepth)
	if e.vecWeight > 0 {
		qv, err := e.embedder.Embed(ctx, []string{an.embedText()})
		if err != nil {
			// A failing embedding API must not take answers down: BM25 alone still works.
			e.log.Warn("embedding the question failed; searching words only", "err", err)
			e.metrics.Error("embed")
		} else if len(qv) == 1 {
			vhits, err := idx.vec.query(ctx, qv[0], channelDepth)
			if err != nil {
				return fmt.Errorf("searching vectors: %w", err)
			}
			for _, h := range vhits {
				for _, ci := range idx.vecOf[h.id] {
					sc.vec[ci] = float64(h.similarity)
				}
			}
		}
	}
	sc.fused = fuse(e.lexWeight, e.vecWeight, sc.lex, lexRank, sc.vec)
	for _, t := range an.counted {
		// "Сколько депутатов?" is answered where deputies are counted.
		for _, p := range idx.lex.postings[quantityKey+":"+t] {
			if f, ok := sc.fused[p.doc]; ok {
				sc.fused[p.doc] = f * quantityBoost
			}
		}
	}

	// The kk and ru texts are aligned point by point: a point scores as
	// its better language, so a question finds it through either text.
	cv := idx.coverage(an.terms)
	points := map[pointKey]float64{}
	for ci, f := range sc.fused {
		f *= 1 - pointCoverageWeight + pointCoverageWeight*cv.chunks[ci]
		k := idx.chunks[ci].pointKey()
		if f > points[k] {
			points[k] = f
			sc.best[k] = ci
		}
	}
	byArticle := map[articleKey][]float64{}
	var top float64
	for k, f := range points {
		ak := articleKey{k.doc, k.article}
		byArticle[ak] = append(byArticle[ak], f)
		top = max(top, f)
	}
	for k, f := range points {
		sc.points[k] += f / top
	}
	var best float64
	for ak, fs := range byArticle {
		slices.Sort(fs)
		slices.Reverse(fs)
		score := fs[0]
		for _, f := range fs[1:min(3, len(fs))] {
			score += morePoints * f // an article that answers in more points is likelier
		}
		score *= 1 - coverageWeight + coverageWeight*cv.articles[idx.articleIndex[ak]]
		sc.passages[ak] = score
		best = max(best, score)
	}
	for ak := range sc.passages {
		sc.passages[ak] /= best
	}
	return nil
}

// coverage is the share of the question's weighted idf mass whose terms
// occur in each chunk, and in each article (any of its chunks, either
// language). BM25 sums what matches; coverage tells one rare word matched
// from several of the question's concepts matched together.
type coverage struct {
	chunks   []float64 // by chunk
	articles []float64 // by idx.articleOf
}

func (idx *index) coverage(terms []weightedTerm) coverage {
	mass := make(map[string]float64, len(terms))
	for _, t := range terms {
		mass[t.term] = max(mass[t.term], t.weight*idx.lex.idf(t.term))
	}
	cv := coverage{chunks: make([]float64, len(idx.chunks)), articles: make([]float64, len(idx.articleKeys))}
	// seen[a] == term number marks an article already credited for the term.
	seen := make([]int, len(idx.articleKeys))
	var total float64
	n := 0
	for term, m := range mass {
		n++
		total += m
		for _, p := range idx.lex.postings[term] {
			cv.chunks[p.doc] += m
			if a := idx.articleOf[p.doc]; seen[a] != n {
				seen[a] = n
				cv.articles[a] += m
			}
		}
	}
	if total > 0 {
		for ci := range cv.chunks {
			cv.chunks[ci] /= total
		}
		for a := range cv.articles {
			cv.articles[a] /= total
		}
	}
	return cv
}

// hits turns ranked articles into passages in lang: the best points of
// each article, or the points asked for by number.
func (idx *index) hits(order []articleKey, refs []corpus.Ref, sc *scores, lang corpus.Lang) []Hit {
	refSet := map[articleKey]corpus.Ref{}
	for _, r := range refs {
		refSet[articleKey{r.Doc, r.Article}] = r
	}
	var out []Hit
	for _, ak := range order {
		r, isRef := refSet[ak]
		keys := idx.bestPoints(ak, sc.points, pointsPerArt)
		if isRef {
			keys = idx.refPointKeys(r)
		}
		for _, k := range keys {
			ci, ok := idx.chunkIn(k, lang)
			if !ok {
				continue
			}
			c := &idx.chunks[ci]
			ch := map[string]float64{}
			if b, ok := sc.best[k]; ok {
				ch["fused"] = sc.fused[b]
				if v := sc.lex[b]; v > 0 {
					ch["bm25"] = v
				}
				if v, ok := sc.vec[b]; ok {
					ch["vector"] = v
				}
			}
			if isRef {
				ch["ref"] = 1
			}
			out = append(out, Hit{
				Passage:  answer.Passage{Ref: c.ref, Lang: c.lang, Heading: c.heading, Text: c.text, Score: sc.articles[ak] + ch["ref"], Lead: c.lead},
				Channels: ch,
			})
		}
	}
	return out
}

// fuse adds the channels' scores, each scaled to [0, 1] over its results:
// BM25 by its best score, cosine similarity from the worst to the best of
// the nearest vectors (neural embedders give every text a high cosine, so
// only the spread means something). Rank fusion (RRF) was measured too: it
// throws away how much better the first BM25 match is, and lost 0.05 MRR.
func fuse(wl, wv float64, lex []float64, lexRank []int, vec map[int]float64) map[int]float64 {
	out := map[int]float64{}
	if len(lexRank) > 0 {
		top := lex[lexRank[0]]
		for _, ci := range lexRank {
			out[ci] += wl * lex[ci] / top
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vec {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi > lo {
		for ci, v := range vec {
			out[ci] += wv * (v - lo) / (hi - lo)
		}
	}
	return out
}

// topChunks returns up to n chunk indexes with a positive score, best first.
func topChunks(scores []float64, n int) []int {
	var out []int
	for i, s := range scores {
		if s > 0 {
			out = append(out, i)
		}
	}
	slices.SortFunc(out, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	return out[:min(n, len(out))]
}

func rankArticles(scores map[articleKey]float64) []articleKey {
	out := make([]articleKey, 0, len(scores))
	for k := range scores {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b articleKey) int {
		if c := cmp.Compare(scores[b], scores[a]); c != 0 {
			return c
		}
		return cmp.Compare(a.doc+"/"+a.article, b.doc+"/"+b.article)
	})
	return out
}

// interleavePast orders a "what changed?" answer: each of the best 2026
// articles followed by the 1995 articles it continues (from the corpus
// alignment), then the best-matching 1995 article by words.
func (idx *index) interleavePast(order []articleKey) []articleKey {
	var now, past []articleKey
	for _, k := range order {
		if k.doc == doc2026 {
			now = append(now, k)
		} else {
			past = append(past, k)
		}
	}
	seen := map[articleKey]bool{}
	var out []articleKey
	push := func(k articleKey) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for i := 0; i < len(now) || i < len(past); i++ {
		if i < len(now) {
			push(now[i])
			if idx.align != nil && i < 2 {
				for _, p := range idx.align.Predecessors(now[i].article) {
					if idx.hasArticle(doc1995, p) {
						push(articleKey{doc1995, p})
					}
				}
			}
		}
		if i < len(past) {
			push(past[i])
		}
	}
	return out
}

// resolveRefs turns the question's article numbers into articles that
// exist: in the 1995 text when the question names it or speaks of the old
// text ("бұрынғы 32-бап"), else in the text in force, else in 1995 (whose
// articles go up to 99).
func (idx *index) resolveRefs(an *query) []corpus.Ref {
	var out []corpus.Ref
	for _, r := range an.refs {
		docs := []string{doc2026, doc1995}
		if r.Year == "1995" || an.past {
			docs = []string{doc1995, doc2026}
		}
		for _, d := range docs {
			if idx.hasArticle(d, r.Article) {
				out = append(out, corpus.Ref{Doc: d, Article: r.Article, Point: r.Point})
				break
			}
		}
	}
	return out
}

func withRefsFirst(refs []corpus.Ref, order []articleKey) []articleKey {
	if len(refs) == 0 {
		return order
	}
	var out []articleKey
	seen := map[articleKey]bool{}
	for _, r := range refs {
		k := articleKey{r.Doc, r.Article}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, k := range order {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// refPointKeys lists the points of an article asked for by number: the
// point named, or the article's points in order.
func (idx *index) refPointKeys(r corpus.Ref) []pointKey {
	if r.Point != "" {
		if k := (pointKey{r.Doc, r.Article, r.Point}); len(idx.byPoint[k]) > 0 {
			return []pointKey{k} // the point asked for, not the whole article
		}
	}
	var out []pointKey
	seen := map[pointKey]bool{}
	for _, ci := range idx.byArticle[articleKey{r.Doc, r.Article}] {
		k := idx.chunks[ci].pointKey()
		if !seen[k] && len(out) < refPoints {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// bestPoints returns the article's n best-scoring points.
func (idx *index) bestPoints(ak articleKey, scores map[pointKey]float64, n int) []pointKey {
	var ks []pointKey
	seen := map[pointKey]bool{}
	for _, ci := range idx.byArticle[ak] {
		k := idx.chunks[ci].pointKey()
		if _, ok := scores[k]; ok && !seen[k] {
			seen[k] = true
			ks = append(ks, k)
		}
	}
	slices.SortStableFunc(ks, func(a, b pointKey) int { return cmp.Compare(scores[b], scores[a]) })
	if len(ks) == 0 {
		// Brought in by the alignment, not by its words: show how it begins.
		for _, ci := range idx.byArticle[ak] {
			if k := idx.chunks[ci].pointKey(); !seen[k] {
				seen[k] = true
				ks = append(ks, k)
			}
		}
	}
	return ks[:min(n, len(ks))]
}

// chunkIn finds the point's chunk in lang, or in any language.
func (idx *index) chunkIn(k pointKey, lang corpus.Lang) (int, bool) {
	cs := idx.byPoint[k]
	for _, ci := range cs {
		if idx.chunks[ci].lang == lang {
			return ci, true
		}
	}
	if len(cs) > 0 {
		return cs[0], true
	}
	return 0, false
}
