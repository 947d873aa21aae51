package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"atazan/corpus"
	"atazan/rag"
	"atazan/rag/answer"
)

// citation matches a reference as corpus.Ref.Format writes it, so that
// citations inside an LLM's text can be set in bold.
var citation = regexp.MustCompile(`(?:Конституция 1995 г\., )?ст\. \d+(?:-\d+)?(?:, п\. \d+)?` +
	`|(?:1995 ж\. Конституция, )?\d+(?:-\d+)?-бап(?:, \d+-тармақ)?` +
	`|(?:1995 Constitution, )?Art\. \d+(?:-\d+)?(?:\(\d+\))?`)

// citeSpans splits text into plain spans and bold citations.
func citeSpans(text string) Paragraph {
	var p Paragraph
	last := 0
	for _, m := range citation.FindAllStringIndex(text, -1) {
		if m[0] > last {
			p = append(p, Span{Text: text[last:m[0]]})
		}
		p = append(p, Span{Text: text[m[0]:m[1]], Bold: true})
		last = m[1]
	}
	if last < len(text) {
		p = append(p, Span{Text: text[last:]})
	}
	return p
}

// checkedGroup is a citation as the citation check renders it into an
// LLM's text: "(ст. 17, п. 3; ст. 18)".
var checkedGroup = regexp.MustCompile(`\(([^()\n]+)\)`)

// checkedSpans sets in bold the citations the check rendered into an
// LLM's text: bracketed groups whose every item names a source of the
// answer. A reference the model wrote itself ("ст.ст. 97", "Art. 96", "по
// ст. 17") was never checked against a passage, so it stays plain.
func checkedSpans(text string, sources []corpus.Ref, lang corpus.Lang) Paragraph {
	names := map[string]bool{}
	for _, s := range sources {
		names[s.Format(lang)] = true
	}
	var p Paragraph
	last := 0
	for _, m := range checkedGroup.FindAllStringSubmatchIndex(text, -1) {
		items := strings.Split(text[m[2]:m[3]], "; ")
		if !all(items, func(it string) bool { return names[it] }) {
			continue
		}
		p = append(p, Span{Text: text[last:m[0]] + "("})
		for i, it := range items {
			if i > 0 {
				p = append(p, Span{Text: "; "})
			}
			p = append(p, Span{Text: it, Bold: true})
		}
		p = append(p, Span{Text: ")"})
		last = m[1]
	}
	if last < len(text) {
		p = append(p, Span{Text: text[last:]})
	}
	return slices.DeleteFunc(p, func(s Span) bool { return s.Text == "" })
}

func all[T any](xs []T, ok func(T) bool) bool {
	for _, x := range xs {
		if !ok(x) {
			return false
		}
	}
	return true
}

// renderAnswer lays out an engine answer: lead, explanation, the law's own
// words, sources and the closing note, with buttons for the main article,
// the comparison with 1995 and feedback.
func (c *Core) renderAnswer(a *rag.Answer, answerID string) Reply {
	res := a.Result
	lang := res.Lang
	t := textsFor(lang)
	var r Reply
	if res.Lead != "" {
		r.Paragraphs = append(r.Paragraphs, citeSpans(res.Lead))
	}
	for _, para := range strings.Split(res.Body, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			r.Paragraphs = append(r.Paragraphs, checkedSpans(para, res.Sources, lang))
		}
	}
	label := ""
	for _, q := range res.Quotes {
		if q.Label != "" && q.Label != label {
			r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: q.Label, Bold: true}})
			label = q.Label
		}
		r.Paragraphs = append(r.Paragraphs, Paragraph{
			{Text: res.InScript(q.Ref.Format(lang)), Bold: true},
			{Text: ": «" + strings.TrimSpace(q.Text) + "»"},
		})
	}
	if len(res.Sources) > 0 {
		p := Paragraph{{Text: res.InScript(t.sources)}}
		for i, s := range corpus.SourceList(res.Sources, lang) {
			if i > 0 {
				p = append(p, Span{Text: "; "})
			}
			p = append(p, Span{Text: res.InScript(s), Bold: true})
		}
		r.Paragraphs = append(r.Paragraphs, p)
	}
	if res.Note != "" {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: res.Note, Italic: true}})
	}
	if res.Mode != answer.ModeAbstain && len(res.Sources) > 0 {
		main := res.Sources[0]
		r.Actions = append(r.Actions, Action{Label: fmt.Sprintf(t.actArticle, main.Article), Data: "art:" + main.Doc + ":" + main.Article})
		if main.Doc == "kz2026" && len(c.predecessors(main.Article)) > 0 {
			r.Actions = append(r.Actions, Action{Label: t.actCompare, Data: "cmp:" + main.Article})
		}
		if main.Doc == proposalDoc {
			r.Actions = append(r.Actions, proposeAction(lang, main.Article, ""))
		}
	}
	if answerID != "" {
		r.Actions = append(r.Actions,
			Action{Label: t.actUp, Data: "fb:up:" + answerID},
			Action{Label: t.actDown, Data: "fb:down:" + answerID})
	}
	r.ShareText = r.Plain()
	return r
}

// answerText is the answer as plain text, for the chat history and the log.
func answerText(res answer.Result) string {
	parts := []string{res.Lead, res.Body}
	for _, q := range res.Quotes {
		parts = append(parts, q.Ref.Format(res.Lang)+": «"+q.Text+"»")
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// pickText is the document's text in lang, or in the nearest language it has.
func pickText(d *corpus.Document, lang corpus.Lang) *corpus.Text {
	for _, l := range []corpus.Lang{lang, corpus.RU, corpus.KK, corpus.EN} {
		if t := d.Texts[l]; t != nil {
			return t
		}
	}
	return nil
}

// articleParagraphs renders one article (or one of its points) of a text.
// ok is false when the article or point does not exist.
func articleParagraphs(text *corpus.Text, number, point string) (ps []Paragraph, ok bool) {
	lang := text.Lang
	t := textsFor(lang)
	art := text.Article(number)
	if art == nil {
		return nil, false
	}
	// The document is named above the article (its title, or the heading
	// of its column in a comparison), so the heading is the number and the
	// article's own title, if it has one. The section comes first and says
	// it is a section: under the number, its name read as the article's.
	if sec := text.SectionOf(number); sec != nil && sec.Title != "" {
		ps = append(ps, Paragraph{{Text: sectionLabel(sec, lang), Italic: true}})
	}
	head := Paragraph{{Text: articleLabel(number, lang), Bold: true}}
	if art.Title != "" {
		head = append(head, Span{Text: ". " + art.Title, Bold: true})
	}
	ps = append(ps, head)
	if art.Repealed {
		return append(ps, Paragraph{{Text: t.repealed, Italic: true}}), true
	}
	if point != "" {
		p := art.Point(point)
		if p == nil {
			return nil, false
		}
		return append(ps, pointParagraph(*p, t)), true
	}
	if art.Lead != "" {
		ps = append(ps, Paragraph{{Text: art.Lead}})
	}
	for _, p := range art.Points {
		ps = append(ps, pointParagraph(p, t))
	}
	return ps, true
}

// sectionLabel names a section as its text does: "Раздел II. Основные
// права…", "II бөлім. …", "Section II. …".
func sectionLabel(sec *corpus.Section, lang corpus.Lang) string {
	var label string
	switch lang {
	case corpus.KK:
		label = sec.Number + " бөлім"
	case corpus.EN:
		label = "Section " + sec.Number
	default:
		label = "Раздел " + sec.Number
	}
	if sec.Number == "" {
		return sec.Title
	}
	return label + ". " + sec.Title
}

func pointParagraph(p corpus.Point, t *texts) Paragraph {
	if p.Repealed {
		return Paragraph{{Text: p.Number + ". "}, {Text: t.repealed, Italic: true}}
	}
	text := p.Number + ". " + p.Text
	for _, it := range p.Items {
		text += "\n" + it.Number + ") " + it.Text
	}
	return Paragraph{{Text: text}}
}

// articleLabel is "Статья 17" / "17-бап".
func articleLabel(number string, lang corpus.Lang) string {
	switch lang {
	case corpus.KK:
		return number + "-бап"
	case corpus.EN:
		return "Article " + number
	}
	return "Статья " + number
}

// articleHeading is an article's label that names the 1995 Constitution
// when it is that one: "Статья 15 (Конституция 1995 г.)".
func articleHeading(doc, number string, lang corpus.Lang) string {
	if doc == "kz1995" {
		return articleLabel(number, lang) + " (" + textsFor(lang).in1995 + ")"
	}
	return articleLabel(number, lang)
}

func docTitle(d *corpus.Document, lang corpus.Lang) string {
	for _, l := range []corpus.Lang{lang, corpus.RU, corpus.KK, corpus.EN} {
		if s := d.Title[l]; s != "" {
			return s
		}
	}
	return d.ID
}

// docStatus says whether the document is in force, for /about.
func docStatus(d *corpus.Document, lang corpus.Lang, now time.Time) string {
	kk := lang == corpus.KK
	switch d.StatusAt(now) {
	case corpus.InForce:
		if kk {
			return dmy(d.Dates.InForce) + " бастап күшінде"
		}
		return "действует с " + dmy(d.Dates.InForce)
	case corpus.Repealed:
		if kk {
			return dmy(d.Dates.Ceases) + " бастап күшін жойған"
		}
		return "утратила силу с " + dmy(d.Dates.Ceases)
	case corpus.Adopted:
		if kk {
			return dmy(d.Dates.Adopted) + " қабылданды, " + dmy(d.Dates.InForce) + " бастап күшіне енеді"
		}
		return "принята " + dmy(d.Dates.Adopted) + ", вступает в силу " + dmy(d.Dates.InForce)
	}
	if kk {
		return "жоба"
	}
	return "проект"
}

// sourceLine names where the text came from, when known.
func sourceLine(d *corpus.Document, lang corpus.Lang) string {
	t := pickText(d, lang)
	if t == nil || t.Source.URL == "" {
		return ""
	}
	return " — " + t.Source.URL
}

// dmy turns "2026-07-01" into "01.07.2026".
func dmy(iso string) string {
	d, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return d.Format("02.01.2006")
}
