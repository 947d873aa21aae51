// Package answer turns retrieved passages into an answer for a young reader:
// with an LLM (prompted to stay inside the passages, citations checked), or
// offline as an extractive answer that quotes the most relevant points.
package answer

import "atazan/corpus"

// Mode says how an answer was made.
type Mode string

// Answer modes (also the label of the answers metric).
const (
	ModeLLM        Mode = "llm"
	ModeExtractive Mode = "extractive"
	ModeAbstain    Mode = "abstain"
)

// Passage is one retrieved chunk: a point, or a whole short article.
type Passage struct {
	Ref     corpus.Ref  `json:"ref"`
	Lang    corpus.Lang `json:"lang"`
	Heading string      `json:"heading"` // e.g. "Статья 17" / "17-бап" and the section
	Text    string      `json:"text"`
	Score   float64     `json:"score"`
	// Lead is the article's opening words when a point continues them
	// ("Президент Республики Казахстан:"): they name the point's subject.
	Lead string `json:"lead,omitempty"`
}

// Turn is an earlier question and answer in the same chat, oldest first.
type Turn struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Request is what the composer answers.
type Request struct {
	Question string
	Lang     corpus.Lang // the language to answer in
	History  []Turn
	Passages []Passage // best first; empty means abstain
	// Compare is set for "what changed?" questions; Passages then hold the
	// 2026 article and its 1995 counterpart(s).
	Compare bool
}

// Quote is a cited excerpt of the law.
type Quote struct {
	Ref  corpus.Ref `json:"ref"`
	Text string     `json:"text"`
	// Label names the document above the quote in comparisons
	// ("Конституция 2026 г." / "1995 жылғы Конституция"); a renderer
	// shows it when it differs from the previous quote's.
	Label string `json:"label,omitempty"`
}

// Result is a finished answer, before messenger formatting.
type Result struct {
	Lang corpus.Lang `json:"lang"`
	Mode Mode        `json:"mode"`
	// Lead is one short sentence that opens the answer.
	Lead string `json:"lead,omitempty"`
	// Body is the LLM's explanation with citations rendered for Lang
	// ("(ст. 17, п. 2)"); empty in extractive answers.
	Body string `json:"body,omitempty"`
	// Quotes are the law's own words, cited; the extractive answer is made of them.
	Quotes []Quote `json:"quotes,omitempty"`
	// Sources are every reference the answer stands on, in order; the answer ends with them.
	Sources []corpus.Ref `json:"sources"`
	// Note is a closing line, e.g. that this is not legal advice, or why the
	// LLM answer was replaced by quotes.
	Note string `json:"note,omitempty"`
	// Latin is set when the question was Latin-script Kazakh: Lead, Body
	// and Note are in the 2021 Latin alphabet, and renderers should write
	// references so too (quotes stay in the official Cyrillic).
	Latin bool `json:"latin,omitempty"`
}
