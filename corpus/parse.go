package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrNotConstitution is returned when a file parses but holds no articles.
var ErrNotConstitution = errors.New("no articles found: this does not look like a constitution text")

// Parse reads one language text of a constitution. The file name's
// extension picks the format: .docx (Word XML) or .txt/.md (plain text, UTF-8).
// Both the one-paragraph-per-line layout of the 2026 texts and the
// hard-wrapped, indented layout of Әділет's 1995 texts are understood.
// Editorial notes, banners and footers are dropped, the Kazakh look-alike
// letters fixed and everything put in NFC. The returned text carries the
// file name and its SHA-256; it is marked official unless lang is EN.
func Parse(name string, data []byte, lang Lang) (*Text, error) {
	sum := sha256.Sum256(data)
	var lines []string
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".docx":
		var err error
		if lines, err = docxLines(data); err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
	case ".txt", ".md", "":
		if err := checkUTF8(data); err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		lines = strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n", "\f", "\n").Replace(string(data)), "\n")
	default:
		return nil, fmt.Errorf("reading %s: unsupported format %q (want .docx, .txt or .md)", name, ext)
	}
	t, err := parseLines(lines, lang)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	t.Source = Source{File: filepath.Base(name), SHA256: hex.EncodeToString(sum[:])}
	return t, nil
}

// checkUTF8 refuses text that is not UTF-8, and tells a file cut inside a
// character (a truncated download) from one in another encoding.
func checkUTF8(data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	for k := 1; k < utf8.UTFMax && k < len(data); k++ {
		if utf8.Valid(data[:len(data)-k]) {
			return errors.New("the file ends in the middle of a character: it looks truncated")
		}
	}
	return errors.New("not UTF-8 text (save it as UTF-8, or import the DOCX)")
}

// Patterns of the structure lines, after cleaning.
var (
	reArticle   = regexp.MustCompile(`^(?:Статья|Article)\s+(\d+(?:-\d+)?)(?:\.?|\.\s+(\S.{0,150}))$`)
	reArticleKK = regexp.MustCompile(`^(\d+(?:-\d+)?)\s*-\s*бап(?:\.?|\.\s+(\S.{0,150}))$`)
	reSection   = regexp.MustCompile(`^(?:Раздел|Section|РАЗДЕЛ|SECTION)\s+([IVXLІ]+)\.?(?:\s+(.*))?$`)
	reSectionKK = regexp.MustCompile(`^([IVXLІ]+)\s*-?\s*(?:бөлім|БӨЛІМ)\.?(?:\s+(.*))?$`)
	rePoint     = regexp.MustCompile(`^(\d+(?:-\d+)?)\.(?:\s+(.*)|([^\d\s.].*))?$`)
	reItem      = regexp.MustCompile(`^(\d+(?:-\d+)?)\)\s*(.*)$`)
	reNote      = regexp.MustCompile(`^\*?\s*(?:(?i:Примечание|Сноска|Ескертпе|Ескерту|Footnote)\s*(?:[A-ZА-ЯЁӘІҢҒҮҰҚӨҺ]{2,}\s*)?[.:!]|ИЗПИ|ЗҚАИ)`)
	rePageNum   = regexp.MustCompile(`^(?:\d{1,3}|(?i:страница|page|бет)\s*\d+(?:\s*(?:из|of|/)\s*\d+)?|\d+\s*(?i:бет))$`)
	reRepealed  = regexp.MustCompile(`^(?i:исключен[аоы]?|исключён|алып\s+тасталды|excluded)(?:[\s.,;:-]|$)`)
	reRepealArt = regexp.MustCompile(`(?i:исключена|алып\s+тасталды|is\s+excluded|was\s+excluded)`)
	reBanner    = regexp.MustCompile(`^(?i:проект|жоба|draft)$`)
	// A wrapped line that nevertheless opens a point: "2. Суверенитет…", "3) решает…".
	reOpensPoint = regexp.MustCompile(`^(?:\d+(?:-\d+)?\.\s+\p{Lu}|\d+(?:-\d+)?\)\s+\p{Ll})`)
)

// A line of source text after cleaning.
type line struct {
	text   string
	indent bool
}

// parseLines turns the raw lines of a file into a structured text.
func parseLines(raw []string, lang Lang) (*Text, error) {
	lines := make([]line, len(raw))
	for i, r := range raw {
		lines[i] = cleanLine(r)
	}
	b := builder{text: &Text{Lang: lang, Official: lang != EN}}
	for _, p := range paragraphs(lines) {
		b.add(p)
	}
	t := b.finish()
	if len(t.Articles()) == 0 {
		return nil, ErrNotConstitution
	}
	return t, nil
}

// cleanLine drops what is not text (NBSP, soft hyphens, zero-width marks,
// trailing spaces), fixes Kazakh look-alikes and notes whether the line is
// indented.
func cleanLine(s string) line {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u2007', '\u202f', '\u2009', '\u2002', '\u2003', '\t':
			return ' '
		case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return -1
		}
		return r
	}, s)
	s = strings.TrimRight(s, " ")
	indent := strings.HasPrefix(s, " ")
	return line{text: NormalizeKazakh(strings.TrimSpace(s)), indent: indent}
}

// isHeading reports whether a cleaned line is an article or section heading.
func isHeading(s string) bool {
	return reArticle.MatchString(s) || reArticleKK.MatchString(s) ||
		reSection.MatchString(s) || reSectionKK.MatchString(s)
}

// paragraphs joins lines into paragraphs. In a hard-wrapped file (Әділет's
// PDF text) a paragraph starts with an indented line and continues on the
// unindented lines below it; elsewhere every line is a paragraph.
func paragraphs(lines []line) []string {
	wrapped := isWrapped(lines)
	var out []string
	var cur strings.Builder
	prevHeading := false
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, l := range lines {
		if l.text == "" {
			flush()
			prevHeading = false
			continue
		}
		heading := isHeading(l.text)
		continues := wrapped && !l.indent && !heading && !prevHeading && cur.Len() > 0 &&
			!reOpensPoint.MatchString(l.text)
		if continues {
			joinWrapped(&cur, l.text)
		} else {
			flush()
			cur.WriteString(l.text)
		}
		prevHeading = heading
	}
	flush()
	return out
}

// isWrapped tells the hard-wrapped layout by its many unindented lines that
// directly follow an indented one: about a third of Әділет's lines, none
// of a one-paragraph-per-line text.
func isWrapped(lines []line) bool {
	n, text := 0, 0
	for i, l := range lines {
		if l.text == "" {
			continue
		}
		text++
		if i > 0 && lines[i-1].indent && lines[i-1].text != "" && !l.indent && !isHeading(l.text) {
			n++
		}
	}
	return n >= 3 && n*10 >= text
}

// joinWrapped appends a wrapped line: with a space, except before
// punctuation, after an opening bracket and after a word-joining hyphen.
func joinWrapped(b *strings.Builder, next string) {
	prev := b.String()
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	switch {
	case strings.ContainsRune(".,;:)»!?", first):
	case last == '(' || last == '«':
	case last == '-' && len(prev) > 1 && !unicode.IsSpace(runeBefore(prev)):
	default:
		b.WriteByte(' ')
	}
	b.WriteString(next)
}

func runeBefore(s string) rune {
	_, n := utf8.DecodeLastRuneInString(s)
	r, _ := utf8.DecodeLastRuneInString(s[:len(s)-n])
	return r
}

// builder assembles a Text paragraph by paragraph.
type builder struct {
	text     *Text
	preamble []string
	body     bool // the preamble has begun: no more title lines
	footer   bool // the © footer was seen: nothing after it is law

	sec          *Section
	wantTitle    bool // the section heading had no title on its line
	art          *Article
	repealNote   bool // a note said the current article was repealed
	inItems      bool // the last thing added was a sub-point
	lastTopLevel int  // index in art.Points of the last numbered point, -1 if none
}

func (b *builder) add(p string) {
	p = tidy(p)
	switch {
	case p == "" || b.footer:
		return
	case strings.HasPrefix(p, "©"):
		b.footer = true
		return
	case reBanner.MatchString(p), rePageNum.MatchString(p):
		return
	case reNote.MatchString(p):
		if b.art != nil && reRepealArt.MatchString(p) {
			b.repealNote = true
		}
		return
	}
	if m := reSection.FindStringSubmatch(p); m != nil {
		b.startSection(m[1], m[2])
		return
	}
	if m := reSectionKK.FindStringSubmatch(p); m != nil {
		b.startSection(m[1], m[2])
		return
	}
	if m := reArticle.FindStringSubmatch(p); m != nil {
		b.startArticle(m[1], m[2])
		return
	}
	if m := reArticleKK.FindStringSubmatch(p); m != nil {
		b.startArticle(m[1], m[2])
		return
	}
	switch {
	case b.art != nil:
		b.addToArticle(p)
	case b.sec != nil && b.wantTitle:
		b.sec.Title = p
		b.wantTitle = false
	case b.sec != nil:
		// Text between a section title and its first article: keep it as
		// part of the title rather than lose it.
		b.sec.Title += " " + p
	case !b.body && isTitleLine(p):
		// The document's own title and adoption line above the preamble.
	default:
		b.body = true
		b.preamble = append(b.preamble, p)
	}
}

// isTitleLine matches the heading lines above the preamble
// ("КОНСТИТУЦИЯ РЕСПУБЛИКИ КАЗАХСТАН", "Конституция принята … 1995 года.").
func isTitleLine(p string) bool {
	if len([]rune(p)) >= 200 {
		return false
	}
	if strings.ToUpper(p) == p {
		return true
	}
	l := strings.ToLower(p)
	for _, w := range []string{"конституц", "constitution", "основной закон", "негізгі заң", "ата заң"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

func (b *builder) startSection(number, title string) {
	b.endArticle()
	b.text.Sections = append(b.text.Sections, Section{Number: romanLatin(number), Title: strings.TrimSpace(title)})
	b.sec = &b.text.Sections[len(b.text.Sections)-1]
	b.wantTitle = b.sec.Title == ""
}

func (b *builder) startArticle(number, title string) {
	b.endArticle()
	if b.sec == nil {
		b.text.Sections = append(b.text.Sections, Section{})
		b.sec = &b.text.Sections[len(b.text.Sections)-1]
	}
	b.wantTitle = false
	b.sec.Articles = append(b.sec.Articles, Article{Number: number, Title: strings.TrimSpace(title)})
	b.art = &b.sec.Articles[len(b.sec.Articles)-1]
	b.repealNote, b.inItems, b.lastTopLevel = false, false, -1
}

// endArticle settles the article that was being built: one whose only
// content was a note saying it was repealed, or a lone "Исключена", is
// marked repealed.
func (b *builder) endArticle() {
	a := b.art
	if a == nil {
		return
	}
	if len(a.Points) == 0 && (a.Lead == "" && b.repealNote || reRepealed.MatchString(a.Lead)) {
		a.Repealed, a.Lead = true, ""
	}
	if reRepealed.MatchString(a.Title) { // "Статья 84. Исключена Законом …"
		a.Repealed, a.Title = true, ""
	}
	b.art = nil
}

func (b *builder) addToArticle(p string) {
	a := b.art
	if m := rePoint.FindStringSubmatch(p); m != nil {
		a.Points = append(a.Points, newPoint(m[1], m[2]+m[3]))
		b.lastTopLevel, b.inItems = len(a.Points)-1, false
		return
	}
	if m := reItem.FindStringSubmatch(p); m != nil {
		it := newPoint(m[1], m[2])
		if b.lastTopLevel < 0 {
			// Sub-points straight under the article ("Курултай: 1) …").
			it.Item = true
			a.Points = append(a.Points, it)
		} else {
			pt := &a.Points[b.lastTopLevel]
			pt.Items = append(pt.Items, it)
		}
		b.inItems = true
		return
	}
	// An unnumbered paragraph continues what came last.
	switch {
	case b.inItems && b.lastTopLevel >= 0:
		items := a.Points[b.lastTopLevel].Items
		appendPara(&items[len(items)-1].Text, p)
	case len(a.Points) > 0:
		appendPara(&a.Points[len(a.Points)-1].Text, p)
	default:
		appendPara(&a.Lead, p)
	}
}

func newPoint(number, text string) Point {
	text = strings.TrimSpace(text)
	if reRepealed.MatchString(text) {
		return Point{Number: number, Repealed: true}
	}
	return Point{Number: number, Text: text}
}

// appendPara adds a paragraph to a text. A paragraph that begins in lower
// case after one that stopped without punctuation is the same sentence,
// broken in the source (2026 kk Art. 30 p. 4), and is joined with a space.
func appendPara(dst *string, p string) {
	last, _ := utf8.DecodeLastRuneInString(*dst)
	first, _ := utf8.DecodeRuneInString(p)
	switch {
	case *dst == "":
		*dst = p
	case unicode.IsLetter(last) && unicode.IsLower(first):
		*dst += " " + p
	default:
		*dst += "\n" + p
	}
}

func (b *builder) finish() *Text {
	b.endArticle()
	b.text.Preamble = strings.Join(b.preamble, "\n")
	return b.text
}

// tidy collapses runs of spaces and removes spaces before punctuation that
// line joins leave behind.
func tidy(p string) string {
	p = strings.Join(strings.Fields(p), " ")
	return strings.NewReplacer(" ,", ",", " ;", ";", " .", ".").Replace(p)
}

// romanLatin writes a section number in Latin capitals: the Kazakh texts
// use the Cyrillic "І" for the Roman one.
func romanLatin(s string) string {
	return strings.ReplaceAll(s, "І", "I")
}
