package bot

import (
	"context"
	"fmt"

	"atazan/corpus"
)

// article sends an article's full text (or one point of it).
func (c *Core) article(ctx context.Context, in Incoming, out Responder, doc, number, point string) error {
	lang := c.chatLang(ctx, in)
	r, ok := c.articleReply(doc, number, point, lang)
	if !ok {
		t := textsFor(lang)
		text := c.textOf(doc, lang)
		switch {
		case c.corpus == nil || len(c.corpus.Documents()) == 0:
			return c.say(ctx, in, out, t.noCorpus)
		case text == nil:
			return c.say(ctx, in, out, fmt.Sprintf(t.articleNotFound, number))
		case text.Article(number) == nil:
			return c.say(ctx, in, out, notFound(t, text, number))
		default:
			return c.say(ctx, in, out, fmt.Sprintf(t.pointNotFound, number, point))
		}
	}
	c.metrics.Answer("article")
	_, err := out.Send(ctx, r)
	return err
}

// articleReply renders an article with the document's title above it and
// a button to the same norm in the other constitution: the 1995 article(s)
// a 2026 one continues, or the 2026 article a 1995 one became.
func (c *Core) articleReply(doc, number, point string, lang corpus.Lang) (Reply, bool) {
	text := c.textOf(doc, lang)
	if text == nil {
		return Reply{}, false
	}
	d := c.corpus.Document(doc)
	ps, ok := articleParagraphs(text, number, point)
	if !ok {
		return Reply{}, false
	}
	title := Paragraph{{Text: docTitle(d, lang), Italic: true}}
	if d.StatusAt(c.now()) != corpus.InForce {
		title = append(title, Span{Text: " — " + docStatus(d, lang, c.now()), Italic: true})
	}
	r := Reply{Paragraphs: append([]Paragraph{title}, ps...)}
	t := textsFor(lang)
	switch doc {
	case "kz2026":
		if len(c.predecessors(number)) > 0 {
			r.Actions = []Action{{Label: t.actCompare, Data: "cmp:" + number}}
		}
		r.Actions = append(r.Actions, proposeAction(lang, number, point))
	case "kz1995":
		for _, n := range c.successors(number) {
			r.Actions = append(r.Actions, Action{Label: fmt.Sprintf(t.actNow, n), Data: "art:kz2026:" + n})
		}
	}
	r.ShareText = r.Plain()
	return r, true
}

// textOf is the text of document doc in lang (or the nearest language it
// has), nil when there is none.
func (c *Core) textOf(doc string, lang corpus.Lang) *corpus.Text {
	if c.corpus == nil {
		return nil
	}
	d := c.corpus.Document(doc)
	if d == nil {
		return nil
	}
	return pickText(d, lang)
}

// notFound says that text has no article number, and which it has.
func notFound(t *texts, text *corpus.Text, number string) string {
	msg := fmt.Sprintf(t.articleNotFound, number)
	if arts := text.Articles(); len(arts) > 0 {
		msg += fmt.Sprintf(t.articleRange, arts[len(arts)-1].Number)
	}
	return msg
}

// compare shows a 2026 article beside its 1995 counterpart(s).
func (c *Core) compare(ctx context.Context, in Incoming, out Responder, number string) error {
	lang := c.chatLang(ctx, in)
	t := textsFor(lang)
	text := c.textOf("kz2026", lang)
	if text == nil {
		return c.say(ctx, in, out, t.noCorpus)
	}
	ps, ok := articleParagraphs(text, number, "")
	if !ok {
		return c.say(ctx, in, out, notFound(t, text, number))
	}
	r := Reply{Paragraphs: append([]Paragraph{{{Text: "— " + t.in2026 + " —", Bold: true}}}, ps...)}
	preds := c.predecessors(number)
	oldText := c.textOf("kz1995", lang)
	if len(preds) == 0 || oldText == nil {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: fmt.Sprintf(t.compareNone, number) + " " + t.compareNew, Italic: true}})
	} else {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: "— " + t.in1995 + " —", Bold: true}})
		for _, p := range preds {
			if ps, ok := articleParagraphs(oldText, p, ""); ok {
				r.Paragraphs = append(r.Paragraphs, ps...)
			}
		}
	}
	r.ShareText = r.Plain()
	c.metrics.Answer("article")
	_, err := out.Send(ctx, r)
	return err
}

// predecessors are the 1995 articles a 2026 article continues.
func (c *Core) predecessors(article2026 string) []string {
	if c.corpus == nil {
		return nil
	}
	a := c.corpus.Alignment()
	if a == nil {
		return nil
	}
	return a.Predecessors(article2026)
}

// successors are the 2026 articles a 1995 article became.
func (c *Core) successors(article1995 string) []string {
	if c.corpus == nil {
		return nil
	}
	a := c.corpus.Alignment()
	if a == nil {
		return nil
	}
	return a.Successors(article1995)
}
