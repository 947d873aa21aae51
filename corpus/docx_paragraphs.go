package corpus

// DocxParagraphs returns the paragraphs of a Word document one per line,
// exactly as the importer reads them (table cells paragraph by paragraph,
// in document order), so that other packages can check the DOCX files they
// write with the same reader.
func DocxParagraphs(data []byte) ([]string, error) { return docxLines(data) }
