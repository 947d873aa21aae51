package corpus

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxDocumentXML caps the unpacked word/document.xml; a constitution's is
// a few megabytes, so anything far larger is not one (or is a zip bomb).
const maxDocumentXML = 64 << 20

// The XML name spaces of WordprocessingML and of markup compatibility.
const (
	nsW  = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsMC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// docxLines returns the paragraphs of a Word document, one per line, in the
// order they appear in word/document.xml. Runs' w:t text is joined, w:tab
// becomes a space and w:br/w:cr start a new line; deleted text of tracked
// changes is skipped. Formatting is ignored, which is what makes it
// tolerant of Әділет's own styles. Decimal list numbering that Word adds
// itself (w:numPr) is written out ("1.", "2)"), as it is part of the law.
func docxLines(data []byte) ([]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a DOCX (zip) file: %w", err)
	}
	var doc, numFile *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			doc = f
		case "word/numbering.xml":
			numFile = f
		}
	}
	if doc == nil {
		return nil, errors.New("not a DOCX file: no word/document.xml inside")
	}
	num := numbering{}
	if numFile != nil {
		if num, err = readPart(numFile, readNumbering); err != nil {
			return nil, err
		}
	}
	return readPart(doc, func(r io.Reader) ([]string, error) { return wordParagraphs(r, num) })
}

// readPart reads one part of the package with a size cap.
func readPart[T any](f *zip.File, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	rc, err := f.Open()
	if err != nil {
		return zero, fmt.Errorf("opening %s: %w", f.Name, err)
	}
	defer rc.Close()
	v, err := read(io.LimitReader(rc, maxDocumentXML))
	if err != nil {
		return zero, fmt.Errorf("reading %s: %w", f.Name, err)
	}
	return v, nil
}

// wordParagraphs walks the WordprocessingML token stream. Text boxes come
// twice (mc:Choice and its mc:Fallback copy); the fallback is skipped.
func wordParagraphs(r io.Reader, num numbering) ([]string, error) {
	dec := xml.NewDecoder(r)
	var (
		lines      []string
		cur        strings.Builder
		inText     bool
		deleted    int
		fallback   int
		numID, lvl string // the paragraph's list numbering, if any
		counters   = listCounters{}
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space == nsMC && t.Name.Local == "Fallback" {
				fallback++
			}
			if t.Name.Space != nsW || fallback > 0 {
				continue
			}
			switch t.Name.Local {
			case "p":
				numID, lvl = "", "0"
			case "numId":
				numID = attr(t, "val")
			case "ilvl":
				lvl = attr(t, "val")
			case "t":
				inText = deleted == 0
			case "tab":
				cur.WriteByte(' ')
			case "noBreakHyphen":
				cur.WriteByte('-')
			case "br", "cr":
				lines = append(lines, cur.String())
				cur.Reset()
			case "del":
				deleted++
			}
		case xml.EndElement:
			if t.Name.Space == nsMC && t.Name.Local == "Fallback" {
				fallback--
			}
			if t.Name.Space != nsW || fallback > 0 {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "del":
				deleted--
			case "p":
				text := cur.String()
				if label := counters.next(num, numID, lvl); label != "" && strings.TrimSpace(text) != "" {
					text = label + " " + text
				}
				lines = append(lines, text)
				cur.Reset()
				numID = ""
			}
		case xml.CharData:
			if inText {
				cur.Write(t)
			}
		}
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines, nil
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// numbering holds, for each list (w:numId), the format of its levels.
type numbering map[string]map[string]numLevel

type numLevel struct {
	format string // "decimal", "bullet", …
	text   string // "%1.", "%2)"
	start  int
}

// readNumbering reads word/numbering.xml: abstract list definitions and
// the lists that use them.
func readNumbering(r io.Reader) (numbering, error) {
	type val struct {
		Val string `xml:"val,attr"`
	}
	var x struct {
		Abstract []struct {
			ID     string `xml:"abstractNumId,attr"`
			Levels []struct {
				Ilvl  string `xml:"ilvl,attr"`
				Start val    `xml:"start"`
				Fmt   val    `xml:"numFmt"`
				Text  val    `xml:"lvlText"`
			} `xml:"lvl"`
		} `xml:"abstractNum"`
		Nums []struct {
			ID       string `xml:"numId,attr"`
			Abstract val    `xml:"abstractNumId"`
		} `xml:"num"`
	}
	if err := xml.NewDecoder(r).Decode(&x); err != nil {
		return nil, err
	}
	abstract := map[string]map[string]numLevel{}
	for _, a := range x.Abstract {
		levels := map[string]numLevel{}
		for _, l := range a.Levels {
			start, err := strconv.Atoi(l.Start.Val)
			if err != nil {
				start = 1
			}
			levels[l.Ilvl] = numLevel{format: l.Fmt.Val, text: l.Text.Val, start: start}
		}
		abstract[a.ID] = levels
	}
	num := numbering{}
	for _, n := range x.Nums {
		num[n.ID] = abstract[n.Abstract.Val]
	}
	return num, nil
}

// listCounters counts the paragraphs of each list level as Word does.
type listCounters map[string]*[9]int

// next advances the counter of a paragraph's list level and returns its
// label ("2.", "3)"), or "" when the paragraph is not in a decimal list.
func (c listCounters) next(num numbering, numID, ilvl string) string {
	levels := num[numID]
	level, err := strconv.Atoi(ilvl)
	if levels == nil || err != nil || level < 0 || level >= 9 {
		return ""
	}
	counts := c[numID]
	if counts == nil {
		counts = &[9]int{}
		c[numID] = counts
	}
	if counts[level] == 0 {
		counts[level] = levels[ilvl].start
	} else {
		counts[level]++
	}
	for deeper := level + 1; deeper < len(counts); deeper++ {
		counts[deeper] = 0
	}
	if levels[ilvl].format != "decimal" {
		return ""
	}
	label := levels[ilvl].text
	for k := 0; k <= level; k++ {
		label = strings.ReplaceAll(label, "%"+strconv.Itoa(k+1), strconv.Itoa(max(counts[k], 1)))
	}
	return label
}
