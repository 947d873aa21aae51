package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// SourceFile is one file of official text handed to the store.
type SourceFile struct {
	Name      string
	Lang      Lang // "" = infer from Name
	Data      []byte
	URL       string
	FetchedAt time.Time
}

// sourceExts are the formats a source directory may hold, preferred first.
var sourceExts = []string{".txt", ".md", ".docx"}

// ReadSourceDir reads the files of each known document from a directory
// laid out like ../shared/corpus-src: <dir>/<doc>/<doc>-<lang>.txt (or .md,
// .docx). Documents with no files are left out.
func ReadSourceDir(dir string) (map[string][]SourceFile, error) {
	out := map[string][]SourceFile{}
	for _, e := range catalog() {
		for _, lang := range e.Langs {
			for _, ext := range sourceExts {
				path := filepath.Join(dir, e.ID, e.ID+"-"+string(lang)+ext)
				data, err := os.ReadFile(path)
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("reading corpus source: %w", err)
				}
				out[e.ID] = append(out[e.ID], SourceFile{Name: path, Lang: lang, Data: data})
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no constitution texts in %s (expected e.g. %s)", dir,
			filepath.Join(dir, "kz2026", "kz2026-ru.txt"))
	}
	return out, nil
}

// LoadSource parses a source directory (see ReadSourceDir) into documents,
// without storing or validating them.
func LoadSource(dir string) ([]*Document, error) {
	files, err := ReadSourceDir(dir)
	if err != nil {
		return nil, err
	}
	var docs []*Document
	for _, e := range catalog() {
		if len(files[e.ID]) == 0 {
			continue
		}
		d, err := Assemble(e.ID, files[e.ID], nil)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// Assemble parses files into a document with the catalog's metadata;
// the texts of base (the active version) stay for languages not given.
func Assemble(id string, files []SourceFile, base *Document) (*Document, error) {
	e, ok := entry(id)
	if !ok {
		return nil, fmt.Errorf("unknown document %q (known: %s)", id, strings.Join(docIDs(), ", "))
	}
	d := e.Document
	d.Title = maps.Clone(e.Title)
	d.Texts = map[Lang]*Text{}
	if base != nil {
		maps.Copy(d.Texts, base.Texts)
	}
	seen := map[Lang]string{}
	for _, f := range files {
		lang := f.Lang
		if lang == "" {
			lang = LangFromName(f.Name)
		}
		if lang == "" {
			return nil, fmt.Errorf("%s: cannot tell the language from the file name; give it (kk, ru or en)", f.Name)
		}
		if prev, dup := seen[lang]; dup {
			return nil, fmt.Errorf("two %s texts for %s: %s and %s", lang, id, prev, f.Name)
		}
		seen[lang] = f.Name
		t, err := Parse(f.Name, f.Data, lang)
		if err != nil {
			return nil, fmt.Errorf("importing %s (%s): %w", id, lang, err)
		}
		t.Official = e.Official[lang]
		t.Source.URL, t.Source.FetchedAt = f.URL, f.FetchedAt
		d.Texts[lang] = t
	}
	return &d, nil
}

// LangFromName guesses a text's language from words in its file name:
// "kz2026-kk.txt", "KRK-12.02.26-kaz.docx", "constitution_rus.docx".
// It returns "" when the name does not say.
func LangFromName(name string) Lang {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)))
	words := strings.FieldsFunc(base, func(r rune) bool { return !unicode.IsLetter(r) })
	for i := len(words) - 1; i >= 0; i-- {
		switch words[i] {
		case "kk", "kaz", "kazakh", "қаз", "каз":
			return KK
		case "ru", "rus", "russian", "рус":
			return RU
		case "en", "eng", "english":
			return EN
		}
	}
	return ""
}
