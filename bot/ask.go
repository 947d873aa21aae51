package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"atazan/bot/store"
	"atazan/corpus"
	"atazan/rag"
	"atazan/rag/answer"
)

// historyWindow is how old a turn may be and still give context to a
// follow-up: a question after a long pause starts afresh.
const historyWindow = 30 * time.Minute

// question answers a text message.
func (c *Core) question(ctx context.Context, in Incoming, out Responder) error {
	text := questionText(in)
	if text == "" {
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).emptyQ)
	}
	if kind, lang := smallTalk(text); kind != notChat {
		return c.replyChat(ctx, in, out, kind, lang)
	}
	if msg := c.checkText(ctx, in, text); msg != "" {
		return c.say(ctx, in, out, msg)
	}
	lang := c.langFor(ctx, in, text)
	t := textsFor(lang)
	if ok, notify := c.allow(ctx, in); !ok {
		if !notify {
			return nil // told once this window; more replies would feed a spammer
		}
		return c.say(ctx, in, out, t.rateLimited)
	}
	if err := out.Typing(ctx); err != nil {
		c.log.Debug("typing action failed", "err", err)
	}
	s := &stream{ctx: ctx, out: out, now: c.now, every: c.editEvery}
	a, id, err := c.ask(ctx, in, text, lang, s.partial)
	if errors.Is(err, errBusy) {
		return s.finish(plainReply(t.busy))
	}
	if err != nil {
		return s.finish(plainReply(t.failed))
	}
	r := c.renderAnswer(a, id)
	if in.IsForwarded {
		// The answer to a forwarded question is meant to be forwarded on:
		// it starts with the question it answers.
		r.Paragraphs = append([]Paragraph{{{Text: textsFor(a.Lang).forwardedQ + "«" + clip(text, 200) + "»", Italic: true}}}, r.Paragraphs...)
		r.ShareText = r.Plain()
	}
	return s.finish(r)
}

// ask runs the engine with the chat's recent turns and logs the answer.
// id is "" when the answer could not be stored (it then gets no feedback buttons).
func (c *Core) ask(ctx context.Context, in Incoming, text string, lang corpus.Lang, partial func(string)) (a *rag.Answer, id string, err error) {
	release, err := c.answering.acquire(ctx, userKey(in))
	if err != nil {
		c.log.Warn("no turn to answer", "platform", in.Platform, "err", err)
		return nil, "", err
	}
	defer release()
	start := c.now()
	a, err = c.engine.Answer(ctx, rag.Question{Text: text, Lang: lang, History: c.history(ctx, in)}, partial)
	if err == nil && a == nil {
		err = errors.New("engine returned no answer")
	}
	if err != nil {
		c.metrics.Error("engine")
		c.log.Error("answering a question", "platform", in.Platform, "err", err)
		return nil, "", err
	}
	if a.Lang == "" {
		a.Lang = lang
	}
	c.metrics.Question(string(in.Platform), string(a.Lang)) // the engine counts answers by mode
	id = newID()
	err = c.store.SaveAnswer(ctx, store.Answer{
		ID: id, Platform: string(in.Platform), ChatID: in.ChatID, UserID: in.UserID,
		Lang: string(a.Lang), Mode: string(a.Mode), Question: text, Text: answerText(a.Result),
		Sources: refStrings(a.Sources), Created: c.now(),
	})
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("saving an answer", "err", err)
		id = ""
	}
	c.log.Info("answered", "platform", in.Platform, "lang", a.Lang, "mode", a.Mode,
		"sources", len(a.Sources), "ms", c.now().Sub(start).Milliseconds())
	return a, id, nil
}

// questionText is the question in a message: its text without a leading
// @mention, or, when someone mentions the bot under another person's
// message, the text replied to.
func questionText(in Incoming) string {
	text := strings.TrimSpace(in.Text)
	if in.Mentioned {
		for strings.HasPrefix(text, "@") {
			_, rest, _ := strings.Cut(text, " ")
			text = strings.TrimSpace(rest)
		}
	}
	if text == "" && in.ReplyTo != "" && !in.ReplyToBot {
		text = strings.TrimSpace(in.ReplyTo)
	}
	return text
}

func (c *Core) history(ctx context.Context, in Incoming) []answer.Turn {
	turns, err := c.store.RecentTurns(ctx, string(in.Platform), in.ChatID, in.UserID, c.cfg.HistoryTurns, c.now().Add(-historyWindow))
	if err != nil {
		c.metrics.Error("store")
		c.log.Warn("reading recent turns", "err", err)
		return nil
	}
	var h []answer.Turn
	for _, t := range turns {
		h = append(h, answer.Turn{Question: t.Question, Answer: t.Text})
	}
	return h
}

// allow applies the per-user rate limit; notify is true for the first
// refusal in a window, the only one the user is told about. A database
// error lets the message through: a broken counter must not silence the bot.
func (c *Core) allow(ctx context.Context, in Incoming) (ok, notify bool) {
	v, err := c.store.Limit(ctx, userKey(in), c.cfg.RatePerMinute, time.Minute, c.now())
	if err != nil {
		c.metrics.Error("store")
		c.log.Warn("rate limit unavailable", "err", err)
		return true, false
	}
	if !v.Allowed {
		c.metrics.Limited(string(in.Platform))
		c.log.Info("rate limited", "platform", in.Platform, "told", v.Notify)
	}
	return v.Allowed, v.Notify
}

// checkText returns why a message cannot be a question, or "".
func (c *Core) checkText(ctx context.Context, in Incoming, text string) string {
	t := textsFor(c.preferredLang(ctx, in))
	if !utf8.ValidString(text) {
		return t.garbage
	}
	n := utf8.RuneCountInString(text)
	if max := c.cfg.MaxQuestionLen; max > 0 && n > max {
		return fmt.Sprintf(textsFor(c.langFor(ctx, in, text)).tooLong, max)
	}
	var words, odd int
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			words++
		case r == utf8.RuneError, unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t':
			odd++
		}
	}
	// Binary noise, or something with no word in it at all.
	if words == 0 || odd > 0 || (n > 40 && words*3 < n) {
		return t.garbage
	}
	return ""
}

// stream shows an answer while the engine writes it: the first partial
// text is sent, later ones edit that message at most once per every, and
// the final answer replaces it.
type stream struct {
	ctx   context.Context
	out   Responder
	now   func() time.Time
	every time.Duration

	mu    sync.Mutex
	msgID string
	last  time.Time
	err   error
}

func (s *stream) partial(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil || strings.TrimSpace(text) == "" || !s.out.CanEdit() {
		return
	}
	now := s.now()
	if s.msgID == "" {
		s.msgID, s.err = s.out.Send(s.ctx, plainReply(text))
		s.last = now
		return
	}
	if now.Sub(s.last) < s.every {
		return
	}
	s.err = s.out.Edit(s.ctx, s.msgID, plainReply(text))
	s.last = now
}

// finish delivers the final reply, editing the streamed message when there is one.
func (s *stream) finish(r Reply) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Final = true
	if s.msgID != "" {
		if err := s.out.Edit(s.ctx, s.msgID, r); err == nil {
			return nil
		}
	}
	_, err := s.out.Send(s.ctx, r)
	return err
}

// InlineResult is one card of an inline answer (Telegram "@bot question").
type InlineResult struct {
	ID          string
	Title       string
	Description string
	Reply       Reply
}

// Inline answers an inline query with cards a volunteer can send to any
// chat: the answer itself, then the full text of each article it cites.
func (c *Core) Inline(ctx context.Context, in Incoming) ([]InlineResult, error) {
	text := strings.TrimSpace(in.Text)
	if kind, _ := smallTalk(text); kind != notChat {
		return nil, nil // "привет" is not worth a card
	}
	if text == "" || c.checkText(ctx, in, text) != "" {
		return nil, nil
	}
	if ok, _ := c.allow(ctx, in); !ok {
		return nil, nil
	}
	lang := c.langFor(ctx, in, text)
	in.ChatID = "inline"
	a, id, err := c.ask(ctx, in, text, lang, nil)
	if err != nil {
		return nil, err
	}
	if id == "" {
		id = newID()
	}
	r := c.renderAnswer(a, "")
	r.Actions = nil // the card travels to chats where buttons mean nothing
	title := a.Lead
	if title == "" {
		title = clip(r.Plain(), 60)
	}
	refs := corpus.SourceList(a.Sources, a.Lang)
	cards := []InlineResult{{ID: id, Title: clip(title, 60), Description: strings.Join(refs, "; "), Reply: r}}
	seen := map[string]bool{}
	for _, s := range a.Sources {
		key := s.Doc + ":" + s.Article
		if seen[key] || len(cards) > 3 {
			continue
		}
		seen[key] = true
		ar, ok := c.articleReply(s.Doc, s.Article, "", a.Lang)
		if !ok {
			continue
		}
		ar.Actions = nil
		cards = append(cards, InlineResult{
			ID: id + "-" + strings.ReplaceAll(key, ":", "-"), Title: articleHeading(s.Doc, s.Article, a.Lang),
			Description: clip(ar.Plain(), 100), Reply: ar,
		})
	}
	return cards, nil
}

func refStrings(refs []corpus.Ref) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.String()
	}
	return out
}

// newID names an answer in buttons ("fb:up:<id>"): short and unguessable.
func newID() string { return strings.ToLower(rand.Text()[:16]) }

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
