package proposals

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"atazan/bot/store"
	"atazan/corpus"
)

// Table is the comparative table: one row per norm (an article point, or a
// whole article) that has accepted proposals, in the order of the text.
type Table struct {
	Doc      string
	Title    string // the document's title in Lang
	Version  string // the corpus version whose wording the table quotes
	Lang     corpus.Lang
	Made     time.Time
	Rows     []Row
	Articles int // how many articles have rows
}

// Row is one norm with its current official wording and the proposals on it.
type Row struct {
	Ref       corpus.Ref
	Current   string // the official wording; paragraphs separated by "\n"
	Proposals []Entry
}

// Entry is one accepted proposal with the duplicates that support it.
type Entry struct {
	ID             string
	Wording        string   // may be empty: a remark on the norm
	Justifications []string // the proposal's own first, then its supporters' that differ
	Supporters     int      // the proposal and its duplicates
	Lang           string
}

// Build makes the table of doc in lang from proposals: accepted ones
// become entries, duplicates of an accepted one add a supporter (and their
// justification if it says something new); the others are left out. A
// proposal on a norm the text no longer has keeps its row, with the
// current wording left empty.
func Build(doc *corpus.Document, lang corpus.Lang, ps []store.Proposal, made time.Time) (*Table, error) {
	text := doc.Texts[lang]
	if text == nil {
		return nil, fmt.Errorf("building the table: %s has no %s text", doc.ID, lang)
	}
	t := &Table{Doc: doc.ID, Title: doc.Title[lang], Version: doc.Version.ID, Lang: lang, Made: made}
	rows := map[corpus.Ref]*Row{}
	for _, p := range ps {
		if p.Status != store.ProposalAccepted || p.Doc != doc.ID {
			continue
		}
		ref := corpus.Ref{Doc: p.Doc, Article: p.Article, Point: p.Point}
		r := rows[ref]
		if r == nil {
			r = &Row{Ref: ref, Current: wording(text, p.Article, p.Point)}
			rows[ref] = r
		}
		e := Entry{ID: p.ID, Wording: p.Wording, Supporters: 1, Lang: p.Lang}
		if p.Justification != "" {
			e.Justifications = []string{p.Justification}
		}
		r.Proposals = append(r.Proposals, e)
	}
	entries := map[string]*Entry{}
	for _, r := range rows {
		for i := range r.Proposals {
			entries[r.Proposals[i].ID] = &r.Proposals[i]
		}
	}
	for _, p := range ps {
		e := entries[p.DuplicateOf]
		if p.Status != store.ProposalDuplicate || e == nil {
			continue
		}
		e.Supporters++
		if j := p.Justification; j != "" && !slices.ContainsFunc(e.Justifications, func(s string) bool { return Similarity(s, j) >= SameThreshold }) {
			e.Justifications = append(e.Justifications, j)
		}
	}
	order := map[string]int{}
	for i, a := range text.Articles() {
		order[a.Number] = i
	}
	articles := map[string]bool{}
	for _, r := range rows {
		// More support first: the row's first proposal is the one most
		// people stand behind.
		slices.SortStableFunc(r.Proposals, func(a, b Entry) int { return cmp.Compare(b.Supporters, a.Supporters) })
		t.Rows = append(t.Rows, *r)
		articles[r.Ref.Article] = true
	}
	t.Articles = len(articles)
	slices.SortFunc(t.Rows, func(a, b Row) int {
		oa, okA := order[a.Ref.Article]
		ob, okB := order[b.Ref.Article]
		if !okA {
			oa = len(order)
		}
		if !okB {
			ob = len(order)
		}
		return cmp.Or(cmp.Compare(oa, ob), strings.Compare(a.Ref.Article, b.Ref.Article),
			cmp.Compare(pointNumber(a.Ref.Point), pointNumber(b.Ref.Point)))
	})
	return t, nil
}

// Proposals counts the entries of all rows.
func (t *Table) Proposals() int {
	n := 0
	for _, r := range t.Rows {
		n += len(r.Proposals)
	}
	return n
}

// pointNumber orders points numerically; the whole article (-1) comes first.
func pointNumber(p string) int {
	if p == "" {
		return -1
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return 1 << 20
	}
	return n
}

// wording is the official text of an article or one of its points, with
// sub-points on lines of their own; "" when the text has no such norm.
func wording(text *corpus.Text, article, point string) string {
	a := text.Article(article)
	if a == nil {
		return ""
	}
	var lines []string
	if point != "" {
		p := a.Point(point)
		if p == nil {
			return ""
		}
		return strings.Join(pointLines(*p, ""), "\n")
	}
	if a.Lead != "" {
		lines = append(lines, a.Lead)
	}
	for _, p := range a.Points {
		label := p.Number + "."
		if p.Item {
			label = p.Number + ")"
		}
		lines = append(lines, pointLines(p, label)...)
	}
	return strings.Join(lines, "\n")
}

func pointLines(p corpus.Point, label string) []string {
	first := p.Text
	if label != "" {
		first = label + " " + first
	}
	lines := []string{first}
	for _, it := range p.Items {
		lines = append(lines, it.Number+") "+it.Text)
	}
	return lines
}

// Header is the table's column titles.
func (t *Table) Header() []string {
	tx := TextsFor(t.Lang)
	return []string{tx.ColNumber, tx.ColElement, tx.ColCurrent, tx.ColProposed, tx.ColJustification, tx.ColSupporters}
}

// Heading is the title and the line under it, above the table.
func (t *Table) Heading() (title, subtitle string) {
	tx := TextsFor(t.Lang)
	return tx.TableTitle, fmt.Sprintf(tx.TableSubtitle, t.Title, shortVersion(t.Version), t.Made.Format("02.01.2006"))
}

// Cells lays out row i (from 0) for the DOCX and HTML tables: each cell is
// a list of paragraphs. A row with several proposals numbers them "1)",
// "2)" in the proposed, justification and supporters columns alike.
func (t *Table) Cells(i int) [][]string {
	tx := TextsFor(t.Lang)
	r := t.Rows[i]
	current := strings.Split(r.Current, "\n")
	if r.Current == "" {
		current = []string{"—"}
	}
	var proposed, justified, support []string
	for k, e := range r.Proposals {
		mark := ""
		if len(r.Proposals) > 1 {
			mark = strconv.Itoa(k+1) + ") "
		}
		w := e.Wording
		if w == "" {
			w = tx.NoWording
		}
		ws := strings.Split(w, "\n")
		ws[0] = mark + ws[0]
		proposed = append(proposed, ws...)
		js := e.Justifications
		if len(js) == 0 {
			js = []string{tx.NoJustification}
		}
		for n, j := range js {
			jl := strings.Split(j, "\n")
			if n == 0 {
				jl[0] = mark + jl[0]
			} else {
				jl[0] = "— " + jl[0]
			}
			justified = append(justified, jl...)
		}
		support = append(support, mark+strconv.Itoa(e.Supporters))
	}
	return [][]string{{strconv.Itoa(i + 1)}, {r.Ref.Format(t.Lang)}, current, proposed, justified, support}
}

// shortVersion is the hash part of a version id ("20261124T174647.7Z-5e07e490" → "5e07e490").
func shortVersion(id string) string {
	if i := strings.LastIndex(id, "-"); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}
