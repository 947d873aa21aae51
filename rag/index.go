package rag

import (
	"runtime"
	"sync"

	"atazan/corpus"
	"atazan/rag/textkit"
)

// index is one immutable snapshot of the searchable corpus. Load builds a
// new one and swaps it in whole, so a query always sees one corpus.
type index struct {
	chunks []chunk
	lex    *bm25
	vocab  *vocabulary
	vec    *vectorStore
	// vecOf maps a vector id to the chunks with that text.
	vecOf map[string][]int
	// byPoint finds the chunks of a point (or lead) in every language.
	byPoint map[pointKey][]int
	// byArticle lists an article's chunks in text order, every language.
	byArticle map[articleKey][]int
	// articleKeys numbers the articles; articleOf is each chunk's number
	// and articleIndex each article's.
	articleKeys  []articleKey
	articleOf    []int
	articleIndex map[articleKey]int
	// articleTerms are the search keys of each article, every language.
	articleTerms map[articleKey]map[string]bool
	docs         map[string]*corpus.Document
	align        aligner
	cues         cues
	rel          *relevance
	// rerank reorders the fused ranking; nil ranks by the fused score.
	rerank *reranker
}

type articleKey struct{ doc, article string }

type pointKey struct{ doc, article, point string }

func (c *chunk) articleKey() articleKey { return articleKey{c.ref.Doc, c.ref.Article} }

func (c *chunk) pointKey() pointKey { return pointKey{c.ref.Doc, c.ref.Article, c.ref.Point} }

// aligner is what retrieval needs of corpus.Alignment: the 1995 articles a
// 2026 article continues, and back.
type aligner interface {
	Predecessors(article2026 string) []string
	Successors(article1995 string) []string
}

// newIndex builds the lexical side of an index over chunks; the caller
// fills in the vectors.
func newIndex(docs []*corpus.Document, chunks []chunk, al aligner) *index {
	idx := &index{
		chunks:       chunks,
		vecOf:        map[string][]int{},
		byPoint:      map[pointKey][]int{},
		byArticle:    map[articleKey][]int{},
		articleTerms: map[articleKey]map[string]bool{},
		articleOf:    make([]int, len(chunks)),
		articleIndex: map[articleKey]int{},
		docs:         map[string]*corpus.Document{},
		align:        al,
	}
	terms := analyseChunks(chunks)
	for i := range chunks {
		c := &chunks[i]
		at := idx.articleTerms[c.articleKey()]
		if at == nil {
			at = map[string]bool{}
			idx.articleTerms[c.articleKey()] = at
		}
		for _, t := range terms[i] {
			at[t] = true
		}
		a, ok := idx.articleIndex[c.articleKey()]
		if !ok {
			a = len(idx.articleKeys)
			idx.articleIndex[c.articleKey()] = a
			idx.articleKeys = append(idx.articleKeys, c.articleKey())
		}
		idx.articleOf[i] = a
		idx.byPoint[c.pointKey()] = append(idx.byPoint[c.pointKey()], i)
		idx.byArticle[c.articleKey()] = append(idx.byArticle[c.articleKey()], i)
	}
	idx.lex = newBM25(terms)
	idx.vocab = newVocabulary(idx.lex)
	for _, d := range docs {
		idx.docs[d.ID] = d
	}
	return idx
}

// hasArticle reports whether the document has a live article of that number.
func (idx *index) hasArticle(doc, article string) bool {
	return len(idx.byArticle[articleKey{doc, article}]) > 0
}

// analyseChunks is the search keys of every chunk. Stemming a corpus is
// most of a start, so the chunks are shared out among the cores.
func analyseChunks(chunks []chunk) [][]string {
	terms := make([][]string, len(chunks))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(chunks)))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(chunks); i += workers {
				c := &chunks[i]
				terms[i] = textkit.Terms(c.context, textkit.Lang(c.lang))
				terms[i] = append(terms[i], quantityKeys(c.context, textkit.Lang(c.lang))...)
			}
		})
	}
	wg.Wait()
	return terms
}
