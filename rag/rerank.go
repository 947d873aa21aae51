package rag

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"atazan/rag/bank"
)

// The reranker learns how far to trust each channel from the bank itself:
// the bank is split (rerankSeed, rerankShare), the channels are rebuilt
// from the larger part, and the smaller part's questions — which those
// channels never saw, as a user's question is never in the bank — are
// the examples. Its weights are cached beside the model, keyed by the
// bank, the corpus' articles and the settings, so only the first start
// pays for it.
const (
	rerankSeed  = 7
	rerankShare = 0.2
	// maxRerankExamples bounds the held-out questions scored for the fit
	// (every k-th of them): a refit takes seconds, not tens of seconds.
	maxRerankExamples = 1000
	// rerankDepth is how many of the fused ranking's best articles the
	// reranker reorders; the rest keep their order after them.
	rerankDepth = 30
	// Gradient descent: steps, starting rate, L2 penalty. On an inner
	// split of the bank's training part (seed 7) 400-1000 steps and a
	// penalty of 0.001-0.1 differed by less than 0.005 hit@5.
	rerankSteps = 600
	rerankRate  = 0.1
	rerankL2    = 0.01
)

// candidate is an article the fused score proposes, with what each channel
// said of it.
type candidate struct {
	ak    articleKey
	feats []float64
}

// numFeatures is the length of a candidate's features.
const numFeatures = 14

// candidates describes the best rerankDepth articles of order, the fused
// ranking, by the features the reranker weighs.
func (sc *scores) candidates(an *query, order []articleKey) []candidate {
	order = order[:min(rerankDepth, len(order))]
	passRank, bankRank := rankOf(sc.passages), rankOf(sc.bank)
	on := sc.votes.on
	out := make([]candidate, len(order))
	for r, ak := range order {
		p := sc.model.articles[ak]
		past := 0.0
		if ak.doc != doc2026 && !an.compare {
			past = 1
		}
		out[r] = candidate{ak: ak, feats: []float64{
			sc.articles[ak],
			sc.passages[ak],
			sc.bank[ak],
			math.Log1p(sc.votes.support[ak]),
			p,
			math.Log(p + 1e-3),
			sc.vectors.nearest[ak],
			sc.vectors.share[ak],
			inverseRank(passRank, ak),
			inverseRank(bankRank, ak),
			1 / float64(r+1),
			past,
			on * sc.bank[ak],
			on * sc.passages[ak],
		}}
	}
	return out
}

func rankOf(m map[articleKey]float64) map[articleKey]int {
	order := rankArticles(m)
	out := make(map[articleKey]int, len(order))
	for i, ak := range order {
		out[ak] = i + 1
	}
	return out
}

func inverseRank(rank map[articleKey]int, ak articleKey) float64 {
	if r, ok := rank[ak]; ok {
		return 1 / float64(r)
	}
	return 0
}

// reranker is a conditional logit over candidates: an article's score is
// a weighted sum of its standardised features, and the weights are fitted
// so that a question's right articles get the highest softmax share.
type reranker struct {
	Mean, Scale, W []float64
}

func (r *reranker) score(f []float64) float64 {
	var s float64
	for j, x := range f {
		s += r.W[j] * (x - r.Mean[j]) / r.Scale[j]
	}
	return s
}

// rerank orders the candidates by the reranker's score and puts the rest
// of order after them.
func (r *reranker) rerank(cands []candidate, order []articleKey) []articleKey {
	if r == nil || len(cands) == 0 {
		return order
	}
	s := make(map[articleKey]float64, len(cands))
	for _, c := range cands {
		s[c.ak] = r.score(c.feats)
	}
	head := slices.Clone(order[:len(cands)])
	slices.SortStableFunc(head, func(a, b articleKey) int { return cmpDesc(s[a], s[b]) })
	return append(head, order[len(cands):]...)
}

// rerankExample is one training question: its candidates and which of
// them are right.
type rerankExample struct {
	cands []candidate
	gold  []bool
}

// fitReranker fits the weights by gradient descent on the mean negative
// log-likelihood of the right articles, with an L2 penalty. Every example
// has a right candidate.
func fitReranker(use []rerankExample) *reranker {
	dim := len(use[0].cands[0].feats)
	r := &reranker{Mean: make([]float64, dim), Scale: make([]float64, dim), W: make([]float64, dim)}
	n := 0.0
	for _, ex := range use {
		for _, c := range ex.cands {
			for j, x := range c.feats {
				r.Mean[j] += x
				r.Scale[j] += x * x
			}
			n++
		}
	}
	for j := range r.Mean {
		r.Mean[j] /= n
		r.Scale[j] = math.Sqrt(max(r.Scale[j]/n-r.Mean[j]*r.Mean[j], 1e-12))
	}
	// Start from the fused score alone, the ranking without a reranker.
	r.W[0] = 1
	steps, rate, l2 := rerankSteps, rerankRate, rerankL2
	// Adam keeps the steps stable across features of different curvature.
	m, v := make([]float64, dim), make([]float64, dim)
	grad := make([]float64, dim)
	for step := 1; step <= steps; step++ {
		clear(grad)
		for _, ex := range use {
			scores := make([]float64, len(ex.cands))
			hi := math.Inf(-1)
			for i, c := range ex.cands {
				scores[i] = r.score(c.feats)
				hi = max(hi, scores[i])
			}
			var all, right float64
			for i := range scores {
				scores[i] = math.Exp(scores[i] - hi)
				all += scores[i]
				if ex.gold[i] {
					right += scores[i]
				}
			}
			for i, c := range ex.cands {
				g := scores[i] / all
				if ex.gold[i] {
					g -= scores[i] / right
				}
				for j, x := range c.feats {
					grad[j] += g * (x - r.Mean[j]) / r.Scale[j]
				}
			}
		}
		lr := rate / math.Sqrt(float64(step))
		for j := range grad {
			g := grad[j]/float64(len(use)) + l2*r.W[j]
			m[j] = 0.9*m[j] + 0.1*g
			v[j] = 0.999*v[j] + 0.001*g*g
			mh := m[j] / (1 - math.Pow(0.9, float64(step)))
			vh := v[j] / (1 - math.Pow(0.999, float64(step)))
			r.W[j] -= lr * mh / (math.Sqrt(vh) + 1e-8)
		}
	}
	return r
}

// loadReranker returns the reranker for idx and the engine's bank: the
// cached one, or one fitted now and cached.
func (e *Engine) loadReranker(ctx context.Context, idx *index) (*reranker, error) {
	// The weights say how far to trust each channel: they hold across
	// amendments of a text's wording, so the key is the corpus' articles,
	// not their text. A corpus with other articles (a renumbered text, the
	// tests' invented constitutions) gets a reranker of its own.
	h := fnv.New64a()
	fmt.Fprint(h, e.embedder.Name(), e.channels, relevanceConfig, gateConfig, rerankSteps, rerankRate, rerankL2, maxRerankExamples, analysisFingerprint())
	for _, ak := range idx.articleKeys {
		fmt.Fprint(h, "\x00", ak.doc, "/", ak.article)
	}
	path := filepath.Join(e.modelDir, fmt.Sprintf("rerank-%016x-%016x.json", e.src.Hash(), h.Sum64()))
	if data, err := os.ReadFile(path); err == nil {
		var r *reranker
		if err := json.Unmarshal(data, &r); err == nil && (r == nil || r.valid()) {
			return r, nil // null: fitted, and found no better than the fused score
		}
		e.log.Warn("cached reranker unreadable; fitting it again", "path", path)
	}
	start := time.Now()
	fit, held := e.src.Split(rerankSeed, rerankShare)
	ev, err := learnEvidence(filepath.Join(e.modelDir, "fold"), fit, e.analysis.subset(e.src, fit), e.log)
	if err != nil {
		return nil, err
	}
	var answerable []bank.Item
	for _, it := range held.Items {
		if !it.OffTopic() {
			answerable = append(answerable, it)
		}
	}
	step := (len(answerable) + maxRerankExamples - 1) / maxRerankExamples
	var examples []rerankExample
	for i := 0; i < len(answerable); i += step {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		it := answerable[i]
		an := idx.analyse(Question{Text: it.Q}, e.glossary)
		if len(an.terms) == 0 {
			continue
		}
		sc, err := e.score(ctx, idx, an, ev)
		if err != nil {
			return nil, err
		}
		cands := sc.candidates(an, rankArticles(sc.articles))
		ex := rerankExample{cands: cands, gold: make([]bool, len(cands))}
		for i, c := range cands {
			for _, g := range it.Gold {
				ex.gold[i] = ex.gold[i] || (g.Doc == c.ak.doc && g.Article == c.ak.article)
			}
		}
		examples = append(examples, ex)
	}
	r, why := trustedReranker(examples)
	if r == nil {
		e.log.Info("ranking by the fused score; the reranker is not used", "why", why)
	} else {
		e.log.Info("reranker fitted", "examples", len(examples), "took", time.Since(start).Round(time.Millisecond).String())
	}
	// Rerankers for other corpora stay: tests switch corpora, and each
	// file is a few hundred bytes.
	if err := writeCache(e.modelDir, path, filepath.Base(path), func(w *bufio.Writer) error { return json.NewEncoder(w).Encode(r) }); err != nil {
		e.log.Warn("caching the reranker", "err", err)
	}
	return r, nil
}

// minRerankExamples is how many questions with a right candidate the
// reranker needs; fewer mean the bank does not describe this corpus.
const minRerankExamples = 200

// trustedReranker fits a reranker on half of the examples and keeps it
// only if it ranks the other half better (MRR@10) than the fused score
// does; then it is fitted on all of them. A bank whose labels do not fit
// the corpus (another constitution, renumbered articles) gets none: it
// would learn noise. why says what was found when it returns nil.
func trustedReranker(examples []rerankExample) (r *reranker, why string) {
	var usable []rerankExample
	for _, ex := range examples {
		if slices.Contains(ex.gold, true) {
			usable = append(usable, ex)
		}
	}
	if len(usable) < minRerankExamples {
		return nil, fmt.Sprintf("%d of the bank's held-out questions have a right article among the candidates, want %d", len(usable), minRerankExamples)
	}
	var fit, check []rerankExample
	for i, ex := range usable {
		if i%2 == 0 {
			fit = append(fit, ex)
		} else {
			check = append(check, ex)
		}
	}
	base, learnt := meanRR(check, nil), meanRR(check, fitReranker(fit))
	if learnt <= base {
		return nil, fmt.Sprintf("on held-out questions MRR@10 %.3f reranked, %.3f fused", learnt, base)
	}
	return fitReranker(usable), ""
}

// meanRR is the MRR@10 of the right candidates ranked by r (nil: as given).
func meanRR(examples []rerankExample, r *reranker) float64 {
	var sum float64
	for _, ex := range examples {
		order := make([]int, len(ex.cands))
		for i := range order {
			order[i] = i
		}
		if r != nil {
			scores := make([]float64, len(ex.cands))
			for i, c := range ex.cands {
				scores[i] = r.score(c.feats)
			}
			slices.SortStableFunc(order, func(a, b int) int { return cmpDesc(scores[a], scores[b]) })
		}
		for rank, i := range order[:min(10, len(order))] {
			if ex.gold[i] {
				sum += 1 / float64(rank+1)
				break
			}
		}
	}
	return sum / float64(max(1, len(examples)))
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// valid tells a usable reranker (one read from a file may be anything).
func (r *reranker) valid() bool {
	if len(r.W) != numFeatures || len(r.Mean) != numFeatures || len(r.Scale) != numFeatures {
		return false
	}
	for j := range r.W {
		if math.IsNaN(r.W[j]) || math.IsInf(r.W[j], 0) || !(r.Scale[j] > 0) {
			return false
		}
	}
	return true
}
