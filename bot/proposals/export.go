package proposals

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
)

// Format is a file format of the table.
type Format string

// The formats the table is written in.
const (
	DOCX Format = "docx"
	CSV  Format = "csv"
	HTML Format = "html"
)

// ParseFormat reads "docx", "csv" or "html" (any case, with or without a dot).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), ".")); f {
	case DOCX, CSV, HTML:
		return f, nil
	}
	return "", fmt.Errorf("unknown table format %q: want docx, csv or html", s)
}

// MIME is the media type of files in the format.
func (f Format) MIME() string {
	switch f {
	case DOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case CSV:
		return "text/csv; charset=utf-8"
	}
	return "text/html; charset=utf-8"
}

// FileName names the table's file: "proposals-kz2026-st53-2026-11-24.docx".
func (t *Table) FileName(f Format, article string) string {
	name := "proposals-" + t.Doc
	if article != "" {
		name += "-" + article
	}
	return name + "-" + t.Made.Format("2006-01-02") + "." + string(f)
}

// Write writes the table in format f.
func (t *Table) Write(w io.Writer, f Format) error {
	switch f {
	case DOCX:
		return t.WriteDOCX(w)
	case CSV:
		return t.WriteCSV(w)
	case HTML:
		return t.WriteHTML(w)
	}
	return fmt.Errorf("unknown table format %q", f)
}

// WriteCSV writes one record per proposal, so that a spreadsheet can sort
// and filter them: the row number, the norm, its current wording, the
// proposed wording, the justifications (one a line), the supporters, the
// proposal's language and id. It starts with a UTF-8 byte order mark, which
// Excel needs to read Cyrillic.
func (t *Table) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("writing the CSV table: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Write(append(t.Header(), "lang", "id"))
	for i, r := range t.Rows {
		for _, e := range r.Proposals {
			cw.Write([]string{strconv.Itoa(i + 1), r.Ref.Format(t.Lang), r.Current, e.Wording,
				strings.Join(e.Justifications, "\n"), strconv.Itoa(e.Supporters), e.Lang, e.ID})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the CSV table: %w", err)
	}
	return nil
}

// htmlPage is a standalone page that prints well in landscape.
var htmlPage = template.Must(template.New("table").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
@page { size: A4 landscape; margin: 15mm; }
body { font-family: "Times New Roman", serif; font-size: 11pt; margin: 1em; }
h1 { font-size: 14pt; text-align: center; margin-bottom: 0.2em; }
p.sub { text-align: center; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #d9d9d9; }
td p, th p { margin: 0 0 0.3em; }
thead { display: table-header-group; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="sub">{{.Subtitle}}</p>
<table>
<colgroup><col style="width:4%"><col style="width:10%"><col style="width:26%"><col style="width:26%"><col style="width:25%"><col style="width:9%"></colgroup>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{range .}}<p>{{.}}</p>{{end}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
</body>
</html>
`))

// WriteHTML writes the table as a standalone HTML page.
func (t *Table) WriteHTML(w io.Writer) error {
	title, sub := t.Heading()
	rows := make([][][]string, len(t.Rows))
	for i := range t.Rows {
		rows[i] = t.Cells(i)
	}
	err := htmlPage.Execute(w, map[string]any{
		"Lang": string(t.Lang), "Title": title, "Subtitle": sub, "Header": t.Header(), "Rows": rows,
	})
	if err != nil {
		return fmt.Errorf("writing the HTML table: %w", err)
	}
	return nil
}
