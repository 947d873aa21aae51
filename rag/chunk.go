package rag

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"atazan/corpus"
)

// searchLangs are the texts that are searched. The English 1995 text is an
// unofficial translation nobody asks in: its words would only add noise
// to the folded vocabulary the Kazakh and Russian texts share.
var searchLangs = []corpus.Lang{corpus.KK, corpus.RU}

// chunk is one searchable passage: a point of an article, an article's
// lead, or a whole article that has no points.
type chunk struct {
	ref     corpus.Ref
	lang    corpus.Lang
	version string
	section string
	heading string
	text    string // the law's words, shown in answers
	// context is what is indexed: a short lead ("Президент Республики
	// Казахстан:") carries the meaning of the points under it.
	context string
	// lead is that short lead of a point, shown to name its subject.
	lead string
}

// leadContext is the longest lead copied in front of each point.
const leadContext = 200

// chunkDocuments cuts every searched text of the documents into chunks.
func chunkDocuments(docs []*corpus.Document) []chunk {
	var out []chunk
	for _, d := range docs {
		for _, lang := range searchLangs {
			t := d.Texts[lang]
			if t == nil {
				continue
			}
			for si := range t.Sections {
				s := &t.Sections[si]
				for ai := range s.Articles {
					out = append(out, articleChunks(d, lang, s, &s.Articles[ai])...)
				}
			}
		}
	}
	return out
}

func articleChunks(d *corpus.Document, lang corpus.Lang, s *corpus.Section, a *corpus.Article) []chunk {
	if a.Repealed {
		return nil
	}
	base := chunk{
		ref:     corpus.Ref{Doc: d.ID, Article: a.Number},
		lang:    lang,
		version: d.Version.ID,
		section: s.Title,
		heading: a.Heading(lang),
	}
	var out []chunk
	var live []*corpus.Point
	for i := range a.Points {
		if !a.Points[i].Repealed && strings.TrimSpace(a.Points[i].PlainText()) != "" {
			live = append(live, &a.Points[i])
		}
	}
	lead := strings.TrimSpace(a.Lead)
	if len(live) == 0 {
		if lead == "" {
			return nil
		}
		c := base
		c.text, c.context = lead, lead
		return []chunk{c}
	}
	prefix := ""
	if lead != "" && len([]rune(lead)) <= leadContext {
		prefix = lead + " "
	} else if lead != "" {
		c := base
		c.text, c.context = lead, lead
		out = append(out, c)
	}
	for _, p := range live {
		c := base
		c.ref.Point = p.Number
		c.text = p.PlainText()
		c.context = prefix + c.text
		c.lead = strings.TrimSpace(prefix)
		out = append(out, c)
	}
	return out
}

// embedText is what the embedder sees. Headings are left out: "Статья 17"
// says nothing about the content, and without it a point that the 2026
// text kept from 1995 has the same vector in both.
func (c *chunk) embedText() string { return c.context }

// vectorID names a chunk's vector by its content and embedder, so an
// unchanged passage keeps its vector across restarts and corpus updates,
// and identical passages (many 1995 points live on in 2026) share one.
func vectorID(embedder, text string) string {
	h := sha256.Sum256([]byte(embedder + "\x00" + text))
	return hex.EncodeToString(h[:16])
}
