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
		switch {
		case c.corpus == nil || len(c.corpus.Documents()) == 0:
			return c.say(ctx, in, out, t.noCorpus)
		case point != "" && c.hasArticle(doc, number, lang):
			return c.say(ctx, in, out, fmt.Sprintf(t.pointNotFound, number, point))
		default:
			return c.say(ctx, in, out, fmt.Sprintf(t.articleNotFound, number))
		}
	}
	c.metrics.Answer("article")
	_, err := out.Send(ctx, r)
	return err
}

// articleReply renders an article with the document's title above it and
// a button to compare it with 1995.
func (c *Core) articleReply(doc, number, point string, lang corpus.Lang) (Reply, bool) {
	if c.corpus == nil {
		return Reply{}, false
	}
	d := c.corpus.Document(doc)
	if d == nil {
		return Reply{}, false
	}
	text := pickText(d, lang)
	if text == nil {
		return Reply{}, false
	}
	ps, ok := articleParagraphs(d, text, number, point)
	if !ok {
		return Reply{}, false
	}
	r := Reply{Paragraphs: append([]Paragraph{{{Text: docTitle(d, lang), Italic: true}}}, ps...)}
	if doc == "kz2026" && len(c.predecessors(number)) > 0 {
		r.Actions = []Action{{Label: textsFor(lang).actCompare, Data: "cmp:" + number}}
	}
	r.ShareText = r.Plain()
	return r, true
}

func (c *Core) hasArticle(doc, number string, lang corpus.Lang) bool {
	d := c.corpus.Document(doc)
	if d == nil {
		return false
	}
	t := pickText(d, lang)
	return t != nil && t.Article(number) != nil
}

// compare shows a 2026 article beside its 1995 counterpart(s).
func (c *Core) compare(ctx context.Context, in Incoming, out Responder, number string) error {
	lang := c.chatLang(ctx, in)
	t := textsFor(lang)
	if c.corpus == nil || c.corpus.Document("kz2026") == nil {
		return c.say(ctx, in, out, t.noCorpus)
	}
	now := c.corpus.Document("kz2026")
	text := pickText(now, lang)
	ps, ok := articleParagraphs(now, text, number, "")
	if !ok {
		return c.say(ctx, in, out, fmt.Sprintf(t.articleNotFound, number))
	}
	r := Reply{Paragraphs: append([]Paragraph{{{Text: "— " + t.in2026 + " —", Bold: true}}}, ps...)}
	preds := c.predecessors(number)
	old := c.corpus.Document("kz1995")
	if len(preds) == 0 || old == nil {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: fmt.Sprintf(t.compareNone, number) + " " + t.compareNew, Italic: true}})
	} else {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: "— " + t.in1995 + " —", Bold: true}})
		oldText := pickText(old, lang)
		for _, p := range preds {
			if ps, ok := articleParagraphs(old, oldText, p, ""); ok {
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

// chatLang is the language for a button press or command with no words to
// go by: that of the user's last answer in this chat, else the preference.
func (c *Core) chatLang(ctx context.Context, in Incoming) corpus.Lang {
	turns, err := c.store.RecentTurns(ctx, string(in.Platform), in.ChatID, in.UserID, 1, c.now().Add(-historyWindow))
	if err == nil && len(turns) == 1 {
		if l, ok := parseLang(turns[0].Lang); ok {
			return l
		}
	}
	return c.preferredLang(ctx, in)
}
