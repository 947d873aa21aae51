// Package corpus holds the Constitution as versioned, structured data:
// documents → sections → articles → points, in Kazakh and Russian (and the
// unofficial English text of 1995), with importers, validation and the
// article alignment between the 1995 and 2026 texts.
package corpus

import (
	"fmt"
	"time"
)

// Lang is a language code of a text.
type Lang string

// The languages of the corpus.
const (
	KK Lang = "kk"
	RU Lang = "ru"
	EN Lang = "en"
)

// Status is the legal status of a document.
type Status string

// Document statuses.
const (
	Draft    Status = "draft"
	Adopted  Status = "adopted"
	InForce  Status = "in_force"
	Repealed Status = "repealed"
)

// Document is one constitution (kz2026, kz1995) with its texts in each language.
type Document struct {
	ID      string          `json:"id"`
	Title   map[Lang]string `json:"title"`
	Dates   Dates           `json:"dates"`
	Texts   map[Lang]*Text  `json:"texts"`
	Version Version         `json:"version"`
}

// Dates are the key dates of a document, as YYYY-MM-DD; empty when not applicable.
type Dates struct {
	Published   string `json:"published,omitempty"`
	Adopted     string `json:"adopted,omitempty"`
	InForce     string `json:"in_force,omitempty"`
	LastAmended string `json:"last_amended,omitempty"`
	Ceases      string `json:"ceases,omitempty"`
}

// Version describes one stored import of a document.
type Version struct {
	ID         string    `json:"id"`
	ImportedBy string    `json:"imported_by"`
	ImportedAt time.Time `json:"imported_at"`
	Note       string    `json:"note,omitempty"`
}

// Text is a document in one language.
type Text struct {
	Lang     Lang      `json:"lang"`
	Official bool      `json:"official"`
	Source   Source    `json:"source"`
	Preamble string    `json:"preamble,omitempty"`
	Sections []Section `json:"sections"`
}

// Source says where a text came from.
type Source struct {
	File      string    `json:"file,omitempty"`
	URL       string    `json:"url,omitempty"`
	SHA256    string    `json:"sha256"`
	FetchedAt time.Time `json:"fetched_at,omitempty"`
}

// Section is a numbered part of a constitution ("Раздел I", "І бөлім").
type Section struct {
	Number   string    `json:"number"`
	Title    string    `json:"title"`
	Articles []Article `json:"articles"`
}

// Article is one article. Number is a string because of "83-1" and "94-2".
// Lead holds text that stands before the first numbered point (or the whole
// article when it has no points).
type Article struct {
	Number   string  `json:"number"`
	Title    string  `json:"title,omitempty"`
	Lead     string  `json:"lead,omitempty"`
	Points   []Point `json:"points,omitempty"`
	Repealed bool    `json:"repealed,omitempty"`
}

// Point is a numbered point ("1.") of an article; Items are its sub-points ("1)").
// Text may hold several paragraphs separated by "\n".
//
// Item marks a sub-point ("1)") that stands directly in an article without
// a numbered point above it (2026 Art. 56: "Курултай: 1) …; 2) …"). Such
// sub-points are kept as the article's points so that "ст. 56, п. 2" finds them.
type Point struct {
	Number   string  `json:"number"`
	Text     string  `json:"text"`
	Items    []Point `json:"items,omitempty"`
	Repealed bool    `json:"repealed,omitempty"`
	Item     bool    `json:"item,omitempty"`
}

// Ref points at an article or one of its points in a document.
type Ref struct {
	Doc     string `json:"doc"`
	Article string `json:"article"`
	Point   string `json:"point,omitempty"`
}

// Format renders the reference the way a reader of lang expects:
// "ст. 17, п. 2", "17-бап, 2-тармақ", "Art. 17(2)". A reference to the 1995
// Constitution says so, since the 2026 one is the default.
func (r Ref) Format(lang Lang) string {
	var s string
	switch lang {
	case KK:
		s = r.Article + "-бап"
		if r.Point != "" {
			s += ", " + r.Point + "-тармақ"
		}
		if r.Doc == "kz1995" {
			s = "1995 ж. Конституция, " + s
		}
	case EN:
		s = "Art. " + r.Article
		if r.Point != "" {
			s += "(" + r.Point + ")"
		}
		if r.Doc == "kz1995" {
			s = "1995 Constitution, " + s
		}
	default:
		s = "ст. " + r.Article
		if r.Point != "" {
			s += ", п. " + r.Point
		}
		if r.Doc == "kz1995" {
			s = "Конституция 1995 г., " + s
		}
	}
	return s
}

// String is the machine form "kz2026/17/2" used in logs and JSON keys.
func (r Ref) String() string {
	if r.Point == "" {
		return fmt.Sprintf("%s/%s", r.Doc, r.Article)
	}
	return fmt.Sprintf("%s/%s/%s", r.Doc, r.Article, r.Point)
}

// StatusAt is the document's status on day t, computed from its dates.
func (d *Document) StatusAt(t time.Time) Status {
	day := t.Format("2006-01-02")
	switch {
	case d.Dates.Ceases != "" && day >= d.Dates.Ceases:
		return Repealed
	case d.Dates.InForce != "" && day >= d.Dates.InForce:
		return InForce
	case d.Dates.InForce == "" && d.Dates.Adopted != "" && day >= d.Dates.Adopted:
		return InForce
	case d.Dates.Adopted != "" && day >= d.Dates.Adopted:
		return Adopted
	default:
		return Draft
	}
}

// Articles lists the articles of the text in order, across sections.
func (t *Text) Articles() []*Article {
	var out []*Article
	for i := range t.Sections {
		for j := range t.Sections[i].Articles {
			out = append(out, &t.Sections[i].Articles[j])
		}
	}
	return out
}

// Article finds an article by number, or nil.
func (t *Text) Article(number string) *Article {
	for _, a := range t.Articles() {
		if a.Number == number {
			return a
		}
	}
	return nil
}

// SectionOf returns the section holding the article, or nil.
func (t *Text) SectionOf(number string) *Section {
	for i := range t.Sections {
		for j := range t.Sections[i].Articles {
			if t.Sections[i].Articles[j].Number == number {
				return &t.Sections[i]
			}
		}
	}
	return nil
}

// Point finds a point of the article by number, or nil.
func (a *Article) Point(number string) *Point {
	for i := range a.Points {
		if a.Points[i].Number == number {
			return &a.Points[i]
		}
	}
	return nil
}
