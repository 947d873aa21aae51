// Package adilettest plays Әділет in tests: an httptest server that serves
// DOCX texts at the official download paths and misbehaves on demand, and
// helpers to build and edit DOCX files.
package adilettest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"atazan/corpus"
	"atazan/corpus/adilet"
	"atazan/internal/testsupport"
)

// Fault is how the server answers a text instead of serving it.
type Fault int

// The faults the official source has been seen to have, and worse.
const (
	None        Fault = iota
	NotFound          // 404
	Unavailable       // 503, every time
	HTMLPage          // an HTML error page with status 200
	Truncated         // the first half of the file
	Stalled           // half the file, then nothing until the client gives up
	Oversized         // a body larger than adilet.DefaultMaxBytes
)

// Server is a fake Әділет. Texts not Set answer 404.
type Server struct {
	URL    string // base URL, for ATAZAN_CORPUS_OFFICIAL_URL or adilet.Options
	mu     sync.Mutex
	files  map[string][]byte
	faults map[string]Fault
	hits   map[string]int
}

// NewServer starts a server that is closed when the test ends.
func NewServer(t testing.TB) *Server {
	s := &Server{files: map[string][]byte{}, faults: map[string]Fault{}, hits: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// TextURL is where the server serves doc in lang.
func (s *Server) TextURL(t testing.TB, doc string, lang corpus.Lang) string {
	t.Helper()
	u, err := adilet.SourceURL(s.URL, doc, lang)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (s *Server) path(t testing.TB, doc string, lang corpus.Lang) string {
	u, err := url.Parse(s.TextURL(t, doc, lang))
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// Set serves data as doc in lang, with no fault.
func (s *Server) Set(t testing.TB, doc string, lang corpus.Lang, data []byte) {
	p := s.path(t, doc, lang)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[p], s.faults[p] = data, None
}

// Fail makes the text of doc in lang answer with f (None to heal it).
func (s *Server) Fail(t testing.TB, doc string, lang corpus.Lang, f Fault) {
	p := s.path(t, doc, lang)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[p] = f
}

// Hits is how many requests doc in lang got.
func (s *Server) Hits(t testing.TB, doc string, lang corpus.Lang) int {
	p := s.path(t, doc, lang)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[p]
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	data, ok := s.files[r.URL.Path]
	fault := s.faults[r.URL.Path]
	s.mu.Unlock()
	if !ok && fault == None {
		fault = NotFound
	}
	switch fault {
	case None:
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.Write(data)
	case NotFound:
		http.NotFound(w, r)
	case Unavailable:
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
	case HTMLPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!DOCTYPE html><html><head><title>Ошибка 404 — Әділет</title></head><body>Документ не найден</body></html>")
	case Truncated:
		w.Write(data[:len(data)/2])
	case Stalled:
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.Write(data[:len(data)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	case Oversized:
		chunk := make([]byte, 1<<20)
		for range adilet.DefaultMaxBytes>>20 + 2 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

// OfficialDOCX reads the 2026 DOCX original in lang from the shared corpus
// (ATAZAN_CORPUS_SRC or ../shared/corpus-src), never copied into the
// repository. Without one the test is skipped, or fails in CI.
func OfficialDOCX(t testing.TB, lang corpus.Lang) []byte {
	t.Helper()
	dir := testsupport.CorpusSource(t)
	name := map[corpus.Lang]string{corpus.RU: "KRK-12.02.26-rus.docx", corpus.KK: "KRK-12.02.26-kaz.docx"}[lang]
	data, err := os.ReadFile(filepath.Join(dir, "kz2026", "orig", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// BuildDOCX makes a minimal Word document with one paragraph per string.
func BuildDOCX(t testing.TB, paragraphs ...string) []byte {
	t.Helper()
	var body strings.Builder
	for _, p := range paragraphs {
		fmt.Fprintf(&body, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, html.EscapeString(p))
	}
	return writeZip(t, map[string][]byte{
		"[Content_Types].xml": []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`),
		"word/document.xml":   []byte(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`),
	})
}

// EditDOCX returns a copy of docx with the first old in its text replaced
// by new; old must be there.
func EditDOCX(t testing.TB, docx []byte, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = data
	}
	doc := files["word/document.xml"]
	if !bytes.Contains(doc, []byte(old)) {
		t.Fatalf("EditDOCX: %q is not in the document", old)
	}
	files["word/document.xml"] = bytes.Replace(doc, []byte(old), []byte(new), 1)
	return writeZip(t, files)
}

func writeZip(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
