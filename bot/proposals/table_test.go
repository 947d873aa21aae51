package proposals

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"atazan/bot/store"
	"atazan/corpus"
)

var made = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// fixture is the invented mini constitution of bot/testdata.
func fixture(t *testing.T) *corpus.Document {
	t.Helper()
	docs, err := corpus.LoadSource("../testdata/corpus-src")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.ID == "kz2026" {
			d.Version.ID = "20261124T100000Z-5e07e490"
			return d
		}
	}
	t.Fatal("no kz2026 in the fixture")
	return nil
}

// moderated is a set of proposals as moderators left them: accepted ones,
// duplicates supporting them, a rejected one, a new one, and one on
// another document.
func moderated() []store.Proposal {
	p := func(id, article, point, status, dupOf, wording, justification string) store.Proposal {
		return store.Proposal{ID: id, Doc: "kz2026", Article: article, Point: point, Lang: "ru", Status: status,
			DuplicateOf: dupOf, Wording: wording, Justification: justification, Created: made}
	}
	ps := []store.Proposal{
		p("a1", "3", "2", store.ProposalAccepted, "", "Курултай принимает законы, утверждает бюджет и отчёт о его исполнении.", "Нужен контроль исполнения бюджета."),
		p("d1", "3", "2", store.ProposalDuplicate, "a2", "Курултай принимает законы и утверждает «бюджет» & отчёт.", "Бюджет должен быть прозрачным <для всех>."),
		p("d2", "3", "2", store.ProposalDuplicate, "a2", "Курултай утверждает бюджет & отчёт.", "бюджет должен быть прозрачным для всех"),
		p("a2", "3", "2", store.ProposalAccepted, "", "Курултай принимает законы и утверждает бюджет & «отчёт».", ""),
		p("a3", "2", "", store.ProposalAccepted, "", "", "Статья должна говорить о праве на отдых.\nВторая строка обоснования."),
		p("a4", "1", "", store.ProposalAccepted, "", "Республика – демократическое, светское и правовое государство.", "Точнее."),
		p("r1", "1", "", store.ProposalRejected, "", "Отменить статью", "нет"),
		p("n1", "3", "1", store.ProposalNew, "", "Курултай – парламент.", ""),
		p("a5", "99", "", store.ProposalAccepted, "", "Статья, которой нет в тексте.", ""),
	}
	ps[4].Lang = "kk"
	o := p("o1", "3", "2", store.ProposalAccepted, "", "Другой документ", "")
	o.Doc = "kz1995"
	return append(ps, o)
}

func TestBuild(t *testing.T) {
	doc := fixture(t)
	tb, err := Build(doc, corpus.RU, moderated(), made)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range tb.Rows {
		refs = append(refs, r.Ref.String())
	}
	// In the order of the text; the norm the text lacks last.
	if want := []string{"kz2026/1", "kz2026/2", "kz2026/3/2", "kz2026/99"}; !reflect.DeepEqual(refs, want) {
		t.Fatalf("rows = %v, want %v", refs, want)
	}
	if tb.Articles != 4 || tb.Proposals() != 5 {
		t.Errorf("articles %d, proposals %d; want 4, 5", tb.Articles, tb.Proposals())
	}
	r := tb.Rows[2]
	if r.Current != "Курултай принимает законы и утверждает бюджет." {
		t.Errorf("current wording of 3.2 = %q", r.Current)
	}
	// a2 has two supporters besides itself, so it comes first; the two
	// duplicates' justifications say the same and count once.
	if len(r.Proposals) != 2 || r.Proposals[0].ID != "a2" || r.Proposals[0].Supporters != 3 || r.Proposals[1].Supporters != 1 {
		t.Fatalf("entries of 3.2 = %+v", r.Proposals)
	}
	if got := r.Proposals[0].Justifications; !reflect.DeepEqual(got, []string{"Бюджет должен быть прозрачным <для всех>."}) {
		t.Errorf("justifications of a2 = %q", got)
	}
	if got := tb.Rows[1].Current; got != "1. Каждый имеет право на свободу труда и выбор профессии.\n2. Трудиться по трудовому договору можно с шестнадцати лет." {
		t.Errorf("whole article 2 = %q", got)
	}
	if tb.Rows[3].Current != "" {
		t.Errorf("a missing article has wording %q", tb.Rows[3].Current)
	}
	cells := tb.Cells(2)
	want := [][]string{{"3"}, {"ст. 3, п. 2"}, {"Курултай принимает законы и утверждает бюджет."},
		{"1) Курултай принимает законы и утверждает бюджет & «отчёт».", "2) Курултай принимает законы, утверждает бюджет и отчёт о его исполнении."},
		{"1) Бюджет должен быть прозрачным <для всех>.", "2) Нужен контроль исполнения бюджета."},
		{"1) 3", "2) 1"}}
	if !reflect.DeepEqual(cells, want) {
		t.Errorf("cells of row 3 =\n%q\nwant\n%q", cells, want)
	}
	if c := tb.Cells(1); c[3][0] != "(без новой редакции)" || len(c[4]) != 2 || c[5][0] != "1" {
		t.Errorf("cells of a remark = %q", c)
	}

	kk, err := Build(doc, corpus.KK, moderated(), made)
	if err != nil {
		t.Fatal(err)
	}
	if kk.Cells(2)[1][0] != "3-бап, 2-тармақ" || !strings.HasPrefix(kk.Rows[2].Current, "Құрылтай") || kk.Header()[3] != "Ұсынылатын редакция" {
		t.Errorf("Kazakh table: %q, %q, %q", kk.Cells(2)[1], kk.Rows[2].Current, kk.Header())
	}
	if _, err := Build(doc, corpus.EN, nil, made); err == nil {
		t.Error("a table in a language the document lacks")
	}
	empty, err := Build(doc, corpus.RU, nil, made)
	if err != nil || len(empty.Rows) != 0 {
		t.Errorf("empty table: %+v, %v", empty, err)
	}
}

// TestDOCXReadBack reads the written DOCX with the corpus importer's own
// reader: the title, the header and every cell come back paragraph by
// paragraph, in order.
func TestDOCXReadBack(t *testing.T) {
	tb, err := Build(fixture(t), corpus.RU, moderated(), made)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tb.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	lines, err := corpus.DocxParagraphs(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	title, sub := tb.Heading()
	if len(lines) < 2 || lines[0] != title || lines[1] != sub || !strings.Contains(sub, "5e07e490") || !strings.Contains(sub, "24.11.2026") {
		t.Fatalf("heading = %q", lines[:min(2, len(lines))])
	}
	rest := lines[2:]
	// Regroup the paragraphs into rows of cells, by the line counts of the
	// table we wrote, and compare.
	want := [][][]string{{}}
	for _, h := range tb.Header() {
		want[0] = append(want[0], []string{h})
	}
	for i := range tb.Rows {
		want = append(want, tb.Cells(i))
	}
	var got [][][]string
	for _, row := range want {
		var cells [][]string
		for _, cell := range row {
			if len(rest) < len(cell) {
				t.Fatalf("the document ends early; rows so far %q", got)
			}
			cells = append(cells, rest[:len(cell)])
			rest = rest[len(cell):]
		}
		got = append(got, cells)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows read back =\n%q\nwant\n%q", got, want)
	}
	if !reflect.DeepEqual(rest, []string{""}) {
		t.Errorf("after the table: %q, want the one empty paragraph", rest)
	}
	// The awkward characters survived as text.
	if all := strings.Join(lines, "\n"); !strings.Contains(all, "бюджет & «отчёт»") || !strings.Contains(all, "<для всех>") {
		t.Error("escaped characters lost")
	}
}

func TestCSV(t *testing.T) {
	tb, err := Build(fixture(t), corpus.RU, moderated(), made)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tb.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	data, ok := bytes.CutPrefix(buf.Bytes(), []byte("\ufeff"))
	if !ok {
		t.Error("no byte order mark for Excel")
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+tb.Proposals() {
		t.Fatalf("%d records, want a header and %d proposals", len(recs), tb.Proposals())
	}
	if recs[0][3] != "Предлагаемая редакция" || recs[0][7] != "id" {
		t.Errorf("header = %q", recs[0])
	}
	if got := recs[2]; got[0] != "2" || got[1] != "ст. 2" || got[3] != "" || got[4] != "Статья должна говорить о праве на отдых.\nВторая строка обоснования." || got[6] != "kk" || got[7] != "a3" {
		t.Errorf("record of a3 = %q", got)
	}
	if got := recs[3]; got[1] != "ст. 3, п. 2" || got[5] != "3" || got[7] != "a2" {
		t.Errorf("record of a2 = %q", got)
	}
}

func TestHTML(t *testing.T) {
	tb, err := Build(fixture(t), corpus.KK, moderated(), made)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tb.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`<html lang="kk">`, "<th>Ұсынылатын редакция</th>", "<td><p>3-бап, 2-тармақ</p></td>",
		"&lt;для всех&gt;", "бюджет &amp; «отчёт»"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<для всех>") {
		t.Error("user text not escaped")
	}
	if n := strings.Count(page, "<tr>"); n != 1+len(tb.Rows) {
		t.Errorf("%d <tr>, want %d", n, 1+len(tb.Rows))
	}
}

// TestHTMLInChromium renders the page in a real headless Chromium and asks
// the browser what it laid out: a table whose every row and cell has a
// size on the page. It runs where chromium is installed
// (apt-get install chromium) and is skipped elsewhere.
func TestHTMLInChromium(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("no Chromium on PATH; see docs/proposals.md for the manual check")
	}
	tb, err := Build(fixture(t), corpus.RU, moderated(), made)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tb.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	// A probe that reads the layout after rendering and writes it into the DOM.
	probe := `<script>
window.addEventListener("load", () => {
  const t = document.querySelector("table");
  const rows = [...t.rows];
  const sized = rows.every(r => r.getBoundingClientRect().height > 0 && [...r.cells].every(c => c.getBoundingClientRect().width > 0));
  const cols = rows.map(r => r.cells.length).join(",");
  document.body.setAttribute("data-probe", rows.length + ";" + cols + ";" + sized + ";" + getComputedStyle(t).display);
});
</script></body>`
	page := strings.Replace(buf.String(), "</body>", probe, 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "table.html")
	if err := os.WriteFile(path, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	want := `data-probe="5;6,6,6,6,6;true;table"`
	if !strings.Contains(string(out), want) {
		t.Errorf("chromium laid out %q, want %s\n%s", probeOf(string(out)), want, stderr.String())
	}
}

func probeOf(dom string) string {
	_, rest, ok := strings.Cut(dom, `data-probe="`)
	if !ok {
		return "(no probe: the script did not run)"
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

// TestDOCXInLibreOffice opens the DOCX in a real LibreOffice, which saves
// it as XHTML: the table must come out with every row and cell text. It
// runs where LibreOffice is installed (apt-get install
// libreoffice-writer-nogui) and is skipped elsewhere.
func TestDOCXInLibreOffice(t *testing.T) {
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("no LibreOffice (soffice) on PATH; see docs/proposals.md for the manual check")
	}
	tb, err := Build(fixture(t), corpus.RU, moderated(), made)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tb.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "table.docx")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "html:XHTML Writer File:UTF8", "--outdir", filepath.Join(dir, "out"), path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	page, err := os.ReadFile(filepath.Join(dir, "out", "table.html"))
	if err != nil {
		t.Fatalf("LibreOffice wrote no HTML: %v", err)
	}
	if n := bytes.Count(page, []byte("<tr")); n != 1+len(tb.Rows) {
		t.Errorf("LibreOffice read %d table rows, want %d", n, 1+len(tb.Rows))
	}
	text := string(page)
	for i := range tb.Rows {
		for _, cell := range tb.Cells(i) {
			for _, line := range cell {
				esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(line)
				if !strings.Contains(text, esc) {
					t.Errorf("LibreOffice lost %q", line)
				}
			}
		}
	}
}
