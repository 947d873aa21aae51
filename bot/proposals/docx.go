package proposals

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

// The table is written as WordprocessingML by hand, as the corpus importer
// reads it: a package with the document, its relationships, its content
// types and its title. The page is A4 landscape; the header row repeats on
// every page. Element order inside the property blocks follows the schema,
// which Word insists on.

// columnWidths are in twentieths of a point and fill A4 landscape
// (16838) less two 850 margins.
var columnWidths = [6]int{600, 1500, 4000, 4000, 3838, 1200}

const (
	docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`
	docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`
	docxCore = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>%s</dc:title>
<dc:creator>atazan</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>
</cp:coreProperties>`
	runFont = `<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>`
)

// WriteDOCX writes the table as a Word document.
func (t *Table) WriteDOCX(w io.Writer) error {
	title, sub := t.Heading()
	var doc bytes.Buffer
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	paragraph(&doc, title, `<w:jc w:val="center"/>`, `<w:b/><w:sz w:val="28"/>`)
	paragraph(&doc, sub, `<w:spacing w:after="200"/><w:jc w:val="center"/>`, `<w:sz w:val="22"/>`)
	doc.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(&doc, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	doc.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, cw := range columnWidths {
		fmt.Fprintf(&doc, `<w:gridCol w:w="%d"/>`, cw)
	}
	doc.WriteString(`</w:tblGrid>`)
	header := make([][]string, 0, len(columnWidths))
	for _, h := range t.Header() {
		header = append(header, []string{h})
	}
	tableRow(&doc, header, true)
	for i := range t.Rows {
		tableRow(&doc, t.Cells(i), false)
	}
	// Word wants a paragraph between a table and the end of the body.
	doc.WriteString(`</w:tbl><w:p/><w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>` +
		`<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="850" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>`)

	zw := zip.NewWriter(w)
	for _, part := range []struct{ name, data string }{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", docxRels},
		{"docProps/core.xml", fmt.Sprintf(docxCore, escape(title), t.Made.UTC().Format(time.RFC3339))},
		{"word/document.xml", doc.String()},
	} {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Deflate, Modified: t.Made})
		if err != nil {
			return fmt.Errorf("writing the DOCX table: %w", err)
		}
		if _, err := io.WriteString(f, part.data); err != nil {
			return fmt.Errorf("writing the DOCX table: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("writing the DOCX table: %w", err)
	}
	return nil
}

// tableRow writes one w:tr; every cell holds at least one paragraph, as
// Word requires. The header row is bold, shaded and repeated on each page.
func tableRow(b *bytes.Buffer, cells [][]string, header bool) {
	b.WriteString(`<w:tr>`)
	if header {
		b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
	} else {
		b.WriteString(`<w:trPr><w:cantSplit/></w:trPr>`)
	}
	for i, cell := range cells {
		b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(columnWidths[i]) + `" w:type="dxa"/>`)
		if header {
			b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/>`)
		}
		b.WriteString(`</w:tcPr>`)
		if len(cell) == 0 {
			cell = []string{""}
		}
		run := `<w:sz w:val="22"/>`
		if header {
			run = `<w:b/><w:sz w:val="22"/>`
		}
		for _, line := range cell {
			paragraph(b, line, `<w:spacing w:after="60"/>`, run)
		}
		b.WriteString(`</w:tc>`)
	}
	b.WriteString(`</w:tr>`)
}

// paragraph writes a w:p of one run with the given paragraph and run properties.
func paragraph(b *bytes.Buffer, text, pPr, rPr string) {
	b.WriteString(`<w:p><w:pPr>` + pPr + `</w:pPr><w:r><w:rPr>` + runFont + rPr + `</w:rPr><w:t xml:space="preserve">`)
	b.WriteString(escape(text))
	b.WriteString(`</w:t></w:r></w:p>`)
}

// escape makes text safe in XML; characters XML cannot hold become U+FFFD.
func escape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
