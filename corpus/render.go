package corpus

import "strings"

// Heading is the article's heading as the text in lang writes it:
// "Статья 17", "17-бап", "Article 17".
func (a *Article) Heading(lang Lang) string {
	var h string
	switch lang {
	case KK:
		h = a.Number + "-бап"
	case EN:
		h = "Article " + a.Number
	default:
		h = "Статья " + a.Number
	}
	if a.Title != "" {
		h += ". " + a.Title
	}
	return h
}

// Render writes the article as plain text: heading, then the lead and each
// point on its own line, sub-points indented. Repealed parts are kept as
// "(исключён)" / "(алып тасталды)" so that numbering stays readable.
func (a *Article) Render(lang Lang) string {
	var b strings.Builder
	b.WriteString(a.Heading(lang))
	b.WriteByte('\n')
	b.WriteString(a.Body(lang))
	return strings.TrimRight(b.String(), "\n")
}

// Body is the article without its heading.
func (a *Article) Body(lang Lang) string {
	var b strings.Builder
	if a.Repealed {
		b.WriteString(repealedWord(lang))
		return b.String()
	}
	if a.Lead != "" {
		b.WriteString(a.Lead)
		b.WriteByte('\n')
	}
	for i := range a.Points {
		b.WriteString(a.Points[i].Render(lang))
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// Render writes the point with its number ("2. …", or "2) …" for a
// sub-point) and its sub-points below it.
func (p *Point) Render(lang Lang) string {
	var b strings.Builder
	p.render(&b, lang, "")
	return strings.TrimRight(b.String(), "\n")
}

func (p *Point) render(b *strings.Builder, lang Lang, indent string) {
	b.WriteString(indent)
	b.WriteString(p.Number)
	if p.Item || indent != "" {
		b.WriteString(") ")
	} else {
		b.WriteString(". ")
	}
	if p.Repealed {
		b.WriteString(repealedWord(lang))
	} else {
		b.WriteString(p.Text)
	}
	b.WriteByte('\n')
	for i := range p.Items {
		p.Items[i].render(b, lang, indent+"   ")
	}
}

// PlainText is the point's words with its sub-points, without numbers:
// what search indexes and comparisons look at.
func (p *Point) PlainText() string {
	parts := []string{p.Text}
	for _, it := range p.Items {
		parts = append(parts, it.PlainText())
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

// PlainText is the article's words without heading and numbers.
func (a *Article) PlainText() string {
	parts := []string{a.Lead}
	for i := range a.Points {
		parts = append(parts, a.Points[i].PlainText())
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

func repealedWord(lang Lang) string {
	switch lang {
	case KK:
		return "(алып тасталды)"
	case EN:
		return "(excluded)"
	default:
		return "(исключён)"
	}
}
