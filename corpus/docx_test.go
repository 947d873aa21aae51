package corpus

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// buildDOCX writes a minimal Word document whose body is the given XML,
// with any extra parts.
func buildDOCX(t *testing.T, body string, extra ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body + `</w:body></w:document>`,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		files[extra[i]] = extra[i+1]
	}
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// para is a Word paragraph of runs; each run may be plain text or raw XML.
func para(runs ...string) string {
	return `<w:p><w:pPr><w:jc w:val="both"/></w:pPr>` + strings.Join(runs, "") + `</w:p>`
}

func run(text string) string {
	return `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">` + text + `</w:t></w:r>`
}

func TestParseDOCX(t *testing.T) {
	body := para(run("ПРОЕКТ")) +
		para(run("\u00a0")) +
		para(run("КОНСТИТУЦИЯ")) +
		para(run("Мы, народ,"), `<w:r><w:br/></w:r>`, run("принимаем Конституцию.")) +
		para(run("Раздел"), `<w:r><w:tab/></w:r>`, run("I")) +
		para(run("Основы")) +
		para(run("Статья 1")) +
		// A word split across runs, as Word does after editing.
		para(run("1. Республика – демо"), run("кратическое государство.")) +
		// Tracked deletion is not part of the text; an insertion is.
		para(run("2. Столица – "), `<w:del><w:r><w:delText>город Акмола</w:delText></w:r></w:del>`,
			`<w:ins><w:r><w:t>город Астана</w:t></w:r></w:ins>`, run(".")) +
		para(run("Статья 2")) +
		para(run("Курултай:")) +
		para(run("1) принимает законы;")) +
		para(run("2) объявляет выборы &amp; референдум."))
	txt, err := Parse("mini.docx", buildDOCX(t, body), RU)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(outline(txt), " | "), "S I: Основы | A 1: 1 2 | A 2: lead 1) 2)"; got != want {
		t.Errorf("outline = %q, want %q", got, want)
	}
	if got, want := txt.Preamble, "Мы, народ,\nпринимаем Конституцию."; got != want {
		t.Errorf("preamble = %q, want %q", got, want)
	}
	a1 := txt.Article("1")
	if got, want := a1.Point("1").Text, "Республика – демократическое государство."; got != want {
		t.Errorf("split runs: %q, want %q", got, want)
	}
	if got, want := a1.Point("2").Text, "Столица – город Астана."; got != want {
		t.Errorf("tracked changes: %q, want %q", got, want)
	}
	if got, want := txt.Article("2").Point("2").Text, "объявляет выборы & референдум."; got != want {
		t.Errorf("entities: %q, want %q", got, want)
	}
}

func TestParseDOCXRefusesBrokenFiles(t *testing.T) {
	good := buildDOCX(t, para(run("Статья 1"))+para(run("Текст.")))
	var noDoc bytes.Buffer
	zw := zip.NewWriter(&noDoc)
	if _, err := zw.Create("word/styles.xml"); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"html page", []byte("<!DOCTYPE html><html><body>Ошибка</body></html>"), "not a DOCX"},
		{"truncated zip", good[:len(good)/2], "not a DOCX"},
		{"zip without document.xml", noDoc.Bytes(), "no word/document.xml"},
		{"broken xml", buildDOCX(t, `<w:p><w:r><w:t>Статья 1</w:r>`), "reading word/document.xml"},
		{"no articles", buildDOCX(t, para(run("Протокол собрания"))), "no articles"},
	}
	for _, tt := range tests {
		_, err := Parse("x.docx", tt.data, RU)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestDOCXTextBoxOnce(t *testing.T) {
	const mc = `xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`
	box := `<w:txbxContent><w:p>` + run("Врезка") + `</w:p></w:txbxContent>`
	body := `<w:p><w:r><mc:AlternateContent ` + mc + `><mc:Choice Requires="wps">` + box +
		`</mc:Choice><mc:Fallback>` + box + `</mc:Fallback></mc:AlternateContent></w:r></w:p>` + para(run("Статья 1"))
	lines, err := docxLines(buildDOCX(t, body))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.Join(lines, "\n"), "Врезка"); n != 1 {
		t.Errorf("text box text appears %d times in %q, want once", n, lines)
	}
}

func TestParseHashesTheFileAsGiven(t *testing.T) {
	data := append([]byte("\ufeff"), readTestdata(t, "mini2026-ru.txt")...)
	txt, err := Parse("bom.txt", data, RU)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if txt.Source.SHA256 != hex.EncodeToString(sum[:]) {
		t.Error("SHA-256 is not the hash of the file's bytes")
	}
	if len(txt.Articles()) != 4 {
		t.Errorf("BOM file: %d articles", len(txt.Articles()))
	}
}

// Points numbered by Word itself (w:numPr) keep their numbers.
func TestParseDOCXListNumbering(t *testing.T) {
	const numberingXML = `<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		`<w:abstractNum w:abstractNumId="7">` +
		`<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>` +
		`<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2)"/></w:lvl>` +
		`</w:abstractNum>` +
		`<w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>` +
		`<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>` +
		`<w:num w:numId="2"><w:abstractNumId w:val="7"/></w:num>` +
		`<w:num w:numId="3"><w:abstractNumId w:val="8"/></w:num>` +
		`</w:numbering>`
	listed := func(numID, ilvl, text string) string {
		return `<w:p><w:pPr><w:numPr><w:ilvl w:val="` + ilvl + `"/><w:numId w:val="` + numID + `"/></w:numPr></w:pPr>` + run(text) + `</w:p>`
	}
	body := para(run("Статья 1")) +
		listed("1", "0", "Первый пункт.") +
		listed("1", "0", "Курултай:") +
		listed("1", "1", "принимает законы;") +
		listed("1", "1", "решает вопросы.") +
		listed("1", "0", "Третий пункт.") +
		para(run("Статья 2")) +
		listed("2", "0", "Снова первый.") +
		listed("3", "0", "Без номера.")
	txt, err := Parse("numbered.docx", buildDOCX(t, body, "word/numbering.xml", numberingXML), RU)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(outline(txt), " | "), "S :  | A 1: 1 2(1 2) 3 | A 2: 1"; got != want {
		t.Errorf("outline = %q, want %q", got, want)
	}
	if got, want := txt.Article("2").Point("1").Text, "Снова первый.\nБез номера."; got != want {
		t.Errorf("art. 2 p. 1 = %q, want %q", got, want)
	}
	if _, err := Parse("x.docx", buildDOCX(t, body, "word/numbering.xml", "<w:numbering"), RU); err == nil || !strings.Contains(err.Error(), "numbering.xml") {
		t.Errorf("broken numbering.xml: %v", err)
	}
}
