package adilet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"atazan/corpus"
)

// DefaultBaseURL is Әділет, the legal information system of the Ministry of
// Justice of the Republic of Kazakhstan.
const DefaultBaseURL = "https://adilet.zan.kz"

// Documents are the ids of our documents in the order they are fetched:
// the Constitution in force first.
func Documents() []string { return []string{"kz2026", "kz1995"} }

// Langs are the languages Әділет publishes officially; the English 1995
// text is an unofficial translation found elsewhere.
func Langs() []corpus.Lang { return []corpus.Lang{corpus.RU, corpus.KK} }

// DocumentID is Әділет's id of one of our documents.
func DocumentID(doc string) (string, error) {
	switch doc {
	case "kz2026":
		return "K2600000000", nil
	case "kz1995":
		return "K950001000_", nil
	}
	return "", fmt.Errorf("unknown document %q (want kz2026 or kz1995)", doc)
}

// langPath is the language segment of Әділет's URLs.
func langPath(lang corpus.Lang) (string, error) {
	switch lang {
	case corpus.RU:
		return "rus", nil
	case corpus.KK:
		return "kaz", nil
	}
	return "", fmt.Errorf("no official %q text (want kk or ru)", lang)
}

// SourceURL is where the DOCX of doc in lang is downloaded from base:
// {base}/rus/docs/{id}/download/docx or {base}/kaz/docs/{id}/download/docx.
func SourceURL(base, doc string, lang corpus.Lang) (string, error) {
	id, err := DocumentID(doc)
	if err != nil {
		return "", err
	}
	lp, err := langPath(lang)
	if err != nil {
		return "", err
	}
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("official source URL %q: want http(s)://host[/path]", base)
	}
	return strings.TrimRight(base, "/") + "/" + lp + "/docs/" + id + "/download/docx", nil
}

// fileName is the name a fetched text is imported under; the extension
// tells the corpus importer it is a DOCX.
func fileName(doc string, lang corpus.Lang) string {
	id, _ := DocumentID(doc)
	lp, _ := langPath(lang)
	return id + "." + lp + ".docx"
}

// Current reports whether f is the very file the active text of its
// language in doc was imported from; doc may be nil.
func Current(doc *corpus.Document, f corpus.SourceFile) bool {
	if doc == nil || doc.Texts[f.Lang] == nil {
		return false
	}
	return doc.Texts[f.Lang].Source.SHA256 == hash(f.Data)
}

// hash is the SHA-256 the corpus records as a text's source hash.
func hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
