package answer

import (
	"context"
	"errors"
	"log/slog"
	"time"
	"unicode"

	"atazan/metrics"
	"atazan/rag/llm"
)

// Chatter is an LLM chat endpoint; *llm.Client is one. onDelta, when not
// nil, receives the reply piece by piece as it streams.
type Chatter interface {
	Chat(ctx context.Context, msgs []llm.Message, onDelta func(string)) (string, error)
}

// ComposerOptions tune a Composer.
type ComposerOptions struct {
	// Timeout bounds one LLM answer; 0 leaves it to the caller's context.
	Timeout time.Duration
	Log     *slog.Logger
	Metrics *metrics.Metrics
}

// Composer writes answers with an LLM and falls back to Extractive
// whenever the LLM is absent, fails, or writes something that does not
// pass the citation check. It is safe for concurrent use.
type Composer struct {
	chat    Chatter
	timeout time.Duration
	log     *slog.Logger
	metrics *metrics.Metrics
	prompt  prompter
}

// Bounds of an acceptable LLM answer.
const (
	minLetters    = 20   // fewer letters is no explanation
	minCyrillic   = 0.6  // share of Cyrillic letters in a kk or ru answer
	maxBodyRunes  = 2500 // longer is a runaway generation: cut there
	scriptSampleN = 2000 // runes looked at for the script check
)

// NewComposer returns a composer over chat; a nil chat answers offline.
func NewComposer(chat Chatter, opts ComposerOptions) *Composer {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Composer{chat: chat, timeout: opts.Timeout, log: log, metrics: opts.Metrics, prompt: newPrompter()}
}

// Compose answers req. partial, when not nil, is called with the growing
// answer text while the LLM streams (citations already rendered or hidden);
// the returned Result is the checked answer, which may differ. Compose does
// not fail because the LLM failed: it answers extractively instead, and
// returns an error only with that answer when ctx itself was cancelled.
func (c *Composer) Compose(ctx context.Context, req Request, partial func(string)) (Result, error) {
	req.Lang = answerLang(req.Lang)
	rd := read(req)
	if len(req.Passages) == 0 {
		return abstain(rd), nil
	}
	if c.chat == nil {
		return Extractive(req), nil
	}
	if !rd.compare {
		// Not a comparison, whatever retrieval thought: the model sees
		// only the law in force, so the citation check holds it to it.
		req.Compare = false
		req.Passages = inForce(req.Passages)
	}
	if rd.latin && partial != nil {
		// The model writes Cyrillic, which the check reads; a Latin-script
		// reader sees it in Latin letters.
		partial = func(show func(string)) func(string) {
			return func(s string) { show(toLatin(s)) }
		}(partial)
	}
	p := phrasesFor(req.Lang)
	msgs, err := c.prompt.messages(req)
	if err != nil {
		c.log.Error("building LLM prompt", "err", err)
		return fallback(req, p.LLMDown), nil
	}

	llmCtx := ctx
	if c.timeout > 0 {
		var cancel context.CancelFunc
		llmCtx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var onDelta func(string)
	var view *streamView
	if partial != nil {
		var stop context.CancelFunc
		llmCtx, stop = context.WithCancel(llmCtx)
		defer stop()
		view = newStreamView(req, partial, stop)
		onDelta = view.add
	}
	start := time.Now()
	raw, err := c.chat.Chat(llmCtx, msgs, onDelta)
	c.metrics.ObserveLLM(time.Since(start))
	if view != nil && ctx.Err() == nil {
		if r, stopped := view.runaway(); stopped {
			c.log.Warn("LLM answer reached the length cap; stopped it", "runes", runeLen(r))
			raw, err = settled(r), nil
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return fallback(req, p.LLMDown), ctx.Err()
		}
		c.metrics.Error("llm")
		c.log.Warn("LLM failed; answering with quotes", "err", err, "timeout", errors.Is(err, context.DeadlineExceeded))
		return fallback(req, p.LLMDown), nil
	}

	res, problem := c.accept(req, raw)
	if problem != "" {
		c.metrics.Error("llm_answer")
		c.log.Warn("LLM answer rejected; answering with quotes", "reason", problem)
		return fallback(req, p.LLMBad), nil
	}
	if rd.latin {
		res.Latin = true
		res.Body, res.Note = toLatin(res.Body), toLatin(res.Note)
	}
	return res, nil
}

// accept checks the model's raw answer and renders it, or says why it
// cannot be shown.
func (c *Composer) accept(req Request, raw string) (Result, string) {
	ch := checkText(raw, req.Passages, req.Lang)
	if len(ch.Invalid) > 0 || ch.Dropped > 0 || ch.Truncated {
		c.log.Info("LLM answer checked", "invalid", len(ch.Invalid), "sentences_dropped", ch.Dropped,
			"valid", len(ch.Sources), "truncated", ch.Truncated)
	}
	if problem := acceptable(ch); problem != "" {
		return Result{}, problem
	}
	return Result{
		Lang:    req.Lang,
		Mode:    ModeLLM,
		Body:    ch.Body,
		Sources: ch.Sources,
		Note:    phrasesFor(req.Lang).LLMNote,
	}, ""
}

// acceptable says why a checked answer cannot be shown, or "". checkText
// drops unsupported and wrong-script sentences one by one and cuts a
// runaway, so an answer whose beginning passes keeps passing as it grows
// (short Latin sentences of under sentenceLetters aside): a streamed
// beginning is not taken back.
func acceptable(ch checked) string {
	switch letters, cyr := letterCounts(ch.Body); {
	case len(ch.Sources) == 0:
		return "no valid citation"
	case letters < minLetters:
		return "too short"
	case float64(cyr) < minCyrillic*float64(letters):
		return "not in the answer language"
	}
	return ""
}

// fallback is the extractive answer with the reason it replaced the LLM's.
func fallback(req Request, why string) Result {
	res := Extractive(req)
	if res.Latin {
		why = toLatin(why)
	}
	if res.Mode == ModeExtractive {
		res.Note = why + " " + res.Note
	}
	return res
}

// letterCounts counts letters and Cyrillic letters in the first
// scriptSampleN runes of s; both Kazakh and Russian are written in Cyrillic.
func letterCounts(s string) (letters, cyrillic int) {
	n := 0
	for _, r := range s {
		if n++; n > scriptSampleN {
			break
		}
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Cyrillic, r) {
				cyrillic++
			}
		}
	}
	return letters, cyrillic
}
