package corpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Store keeps the versions of each document under a directory and serves
// the active one:
//
//	<dir>/<doc>/<version>.json   one imported version, normalised
//	<dir>/<doc>/active.json      which version is active, and the ones before it
//	<dir>/staged/<id>.json       a checked import waiting for Activate or Discard
//	<dir>/alignment.yaml         admin corrections of the 1995 ↔ 2026 alignment
//
// Files are written to a temporary name and renamed, so a crash or a failed
// import never leaves a half-written version active.
type Store struct {
	dir string
	now func() time.Time

	write sync.Mutex // serialises changes on disk

	mu    sync.RWMutex // guards docs and align
	docs  map[string]*Document
	align *Alignment
}

// StageRequest asks to check an import of new texts of a document.
type StageRequest struct {
	Doc   string
	Files []SourceFile
	By    string // who imports: "cli", "tg:123", "watch"
}

// Staged is a checked import: the candidate document, what it changes
// against the active version and the warnings validation left.
type Staged struct {
	ID       string    `json:"id"`
	Doc      *Document `json:"doc"`
	Diff     Diff      `json:"diff"`
	Warnings []Problem `json:"warnings,omitempty"`
	// Langs are the languages the import brought; Base is the version its
	// other languages were taken from ("" if none was active).
	Langs []Lang `json:"langs"`
	Base  string `json:"base,omitempty"`
}

// pointer is the content of active.json.
type pointer struct {
	Active  string   `json:"active"`
	History []string `json:"history,omitempty"` // earlier active versions, oldest first
}

// reID is what version and staged ids look like; anything else is refused
// before it becomes part of a path.
var reID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}(?:\.[0-9]+)?Z-[0-9a-f]{8}$`)

// OpenStore opens (creating if needed) the store in dir and loads the
// active version of each document.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "staged"), 0o755); err != nil {
		return nil, fmt.Errorf("opening corpus store: %w", err)
	}
	s := &Store{dir: dir, now: time.Now, docs: map[string]*Document{}}
	for _, e := range catalog() {
		p, err := s.readPointer(e.ID)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		d, err := s.readVersion(e.ID, p.Active)
		if err != nil {
			return nil, err
		}
		s.docs[e.ID] = d
	}
	if err := s.realign(); err != nil {
		return nil, err
	}
	return s, nil
}

// Dir is the directory the store keeps its files in.
func (s *Store) Dir() string { return s.dir }

// Empty reports whether no document has an active version.
func (s *Store) Empty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.docs) == 0
}

// Documents returns the active version of each document, kz2026 first.
// Documents are shared and must not be modified.
func (s *Store) Documents() []*Document {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Document, 0, len(s.docs))
	for _, d := range s.docs {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *Document) int { return docOrder(a.ID) - docOrder(b.ID) })
	return out
}

// Document returns the active version of a document, or nil.
func (s *Store) Document(id string) *Document {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.docs[id]
}

// Alignment returns the current 1995 ↔ 2026 article alignment; it is empty
// until both documents are imported.
func (s *Store) Alignment() *Alignment {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.align
}

// Stage parses and validates new texts of a document, merged over the
// active version's other languages, and computes what they change. It
// stores the candidate for Activate and changes nothing that is served.
// Invalid texts give a *ValidationError.
func (s *Store) Stage(ctx context.Context, req StageRequest) (*Staged, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(req.Files) == 0 {
		return nil, errors.New("staging: no files given")
	}
	base := s.Document(req.Doc)
	cand, err := Assemble(req.Doc, req.Files, base)
	if err != nil {
		return nil, err
	}
	probs := Check(cand)
	var warnings []Problem
	for _, p := range probs {
		if p.Severity == Error {
			return nil, &ValidationError{Doc: req.Doc, Problems: probs}
		}
		warnings = append(warnings, p)
	}
	now := s.now().UTC()
	cand.Version = Version{ID: versionID(now, cand), ImportedBy: req.By, ImportedAt: now}
	st := &Staged{ID: cand.Version.ID, Doc: cand, Diff: Compare(base, cand), Warnings: warnings}
	for _, f := range req.Files {
		lang := f.Lang
		if lang == "" {
			lang = LangFromName(f.Name)
		}
		st.Langs = append(st.Langs, lang)
	}
	if base != nil {
		st.Base = base.Version.ID
	}
	s.write.Lock()
	defer s.write.Unlock()
	if err := writeJSON(s.stagedPath(st.ID), st); err != nil {
		return nil, fmt.Errorf("staging %s: %w", req.Doc, err)
	}
	return st, nil
}

// StagedImport returns a staged import by id, for a later decision.
func (s *Store) StagedImport(id string) (*Staged, error) {
	if !reID.MatchString(id) {
		return nil, fmt.Errorf("no staged import %q", id)
	}
	var st Staged
	if err := readJSON(s.stagedPath(id), &st); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no staged import %q (already activated or discarded?)", id)
		}
		return nil, err
	}
	return &st, nil
}

// Activate makes a staged import the active version of its document, in
// one atomic switch; the version it replaces can be restored by Rollback.
func (s *Store) Activate(ctx context.Context, stagedID, by string) (*Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.write.Lock()
	defer s.write.Unlock()
	st, err := s.StagedImport(stagedID)
	if err != nil {
		return nil, err
	}
	d, err := s.rebase(st)
	if err != nil {
		return nil, fmt.Errorf("activating %s: %w", stagedID, err)
	}
	if by != "" && by != d.Version.ImportedBy {
		d.Version.Note = strings.TrimSpace(d.Version.Note + " activated by " + by)
	}
	if err := os.MkdirAll(filepath.Join(s.dir, d.ID), 0o755); err != nil {
		return nil, fmt.Errorf("activating %s: %w", stagedID, err)
	}
	if err := writeJSON(s.versionPath(d.ID, d.Version.ID), d); err != nil {
		return nil, fmt.Errorf("activating %s: %w", stagedID, err)
	}
	p, err := s.readPointer(d.ID)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if p.Active != "" {
		p.History = append(p.History, p.Active)
	}
	p.Active = d.Version.ID
	if err := s.switchTo(d, p); err != nil {
		return nil, err
	}
	_ = os.Remove(s.stagedPath(stagedID)) // the version is active; a leftover staged file is harmless
	return d, nil
}

// rebase returns the staged document, merged again over the active
// version when another one was activated since staging (a kk text staged
// by the watch must not bring back the ru text an admin has replaced
// meanwhile), and checked again.
func (s *Store) rebase(st *Staged) (*Document, error) {
	d := st.Doc
	if d == nil {
		return nil, errors.New("staged import holds no document")
	}
	cur := s.Document(d.ID)
	if cur == nil || cur.Version.ID == st.Base {
		return d, nil
	}
	merged := *d
	merged.Texts = map[Lang]*Text{}
	for l, t := range cur.Texts {
		merged.Texts[l] = t
	}
	for _, l := range st.Langs {
		merged.Texts[l] = d.Texts[l]
	}
	if err := Validate(&merged); err != nil {
		return nil, fmt.Errorf("version %s was activated since this import was staged, and together they are not valid: %w", cur.Version.ID, err)
	}
	return &merged, nil
}

// Discard drops a staged import.
func (s *Store) Discard(stagedID string) error {
	if !reID.MatchString(stagedID) {
		return fmt.Errorf("no staged import %q", stagedID)
	}
	s.write.Lock()
	defer s.write.Unlock()
	if err := os.Remove(s.stagedPath(stagedID)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no staged import %q", stagedID)
		}
		return fmt.Errorf("discarding %s: %w", stagedID, err)
	}
	return nil
}

// Rollback restores the version that was active before the current one.
func (s *Store) Rollback(ctx context.Context, doc, by string) (*Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.write.Lock()
	defer s.write.Unlock()
	p, err := s.readPointer(doc)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("rolling back %s: no version imported", doc)
	}
	if err != nil {
		return nil, err
	}
	if len(p.History) == 0 {
		return nil, fmt.Errorf("rolling back %s: no earlier version to restore", doc)
	}
	prev := p.History[len(p.History)-1]
	d, err := s.readVersion(doc, prev)
	if err != nil {
		return nil, fmt.Errorf("rolling back %s: %w", doc, err)
	}
	if by != "" {
		d.Version.Note = strings.TrimSpace(d.Version.Note + " restored by " + by)
	}
	if err := s.switchTo(d, pointer{Active: prev, History: p.History[:len(p.History)-1]}); err != nil {
		return nil, err
	}
	return d, nil
}

// Versions lists the stored versions of a document, oldest first.
func (s *Store) Versions(doc string) ([]Version, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, doc))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing versions of %s: %w", doc, err)
	}
	var out []Version
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !reID.MatchString(id) {
			continue
		}
		var v struct {
			Version Version `json:"version"`
		}
		if err := readJSON(filepath.Join(s.dir, doc, e.Name()), &v); err != nil {
			return nil, err
		}
		out = append(out, v.Version)
	}
	slices.SortFunc(out, func(a, b Version) int { return a.ImportedAt.Compare(b.ImportedAt) })
	return out, nil
}

// ImportDir stages and activates every document found in a source
// directory (see ReadSourceDir) and returns the activated versions.
func (s *Store) ImportDir(ctx context.Context, dir, by string) ([]*Document, error) {
	files, err := ReadSourceDir(dir)
	if err != nil {
		return nil, err
	}
	var out []*Document
	for _, e := range catalog() {
		if len(files[e.ID]) == 0 {
			continue
		}
		st, err := s.Stage(ctx, StageRequest{Doc: e.ID, Files: files[e.ID], By: by})
		if err != nil {
			return out, fmt.Errorf("importing %s from %s: %w", e.ID, dir, err)
		}
		d, err := s.Activate(ctx, st.ID, by)
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}

// switchTo writes the active pointer and then serves d.
func (s *Store) switchTo(d *Document, p pointer) error {
	if err := writeJSON(filepath.Join(s.dir, d.ID, "active.json"), p); err != nil {
		return fmt.Errorf("switching %s to %s: %w", d.ID, d.Version.ID, err)
	}
	s.mu.Lock()
	s.docs[d.ID] = d
	s.mu.Unlock()
	return s.realign()
}

// realign recomputes the alignment from the served documents.
func (s *Store) realign() error {
	over, err := loadOverrides(filepath.Join(s.dir, overridesFile))
	if err != nil {
		return err
	}
	s.mu.RLock()
	a := newAlignment(s.docs["kz2026"], s.docs["kz1995"], over)
	s.mu.RUnlock()
	s.mu.Lock()
	s.align = a
	s.mu.Unlock()
	return nil
}

func (s *Store) readPointer(doc string) (pointer, error) {
	var p pointer
	err := readJSON(filepath.Join(s.dir, doc, "active.json"), &p)
	if err == nil && !reID.MatchString(p.Active) {
		err = fmt.Errorf("%s: bad active version %q", filepath.Join(s.dir, doc, "active.json"), p.Active)
	}
	return p, err
}

func (s *Store) readVersion(doc, id string) (*Document, error) {
	var d Document
	if err := readJSON(s.versionPath(doc, id), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

func (s *Store) versionPath(doc, id string) string {
	return filepath.Join(s.dir, doc, id+".json")
}

func (s *Store) stagedPath(id string) string {
	return filepath.Join(s.dir, "staged", id+".json")
}

// versionID is the import time plus a hash of the texts' sources, so ids
// sort by time and tell different contents apart.
func versionID(t time.Time, d *Document) string {
	h := sha256.New()
	for _, l := range sortedLangs(d.Texts) {
		fmt.Fprintf(h, "%s:%s\n", l, d.Texts[l].Source.SHA256)
	}
	return t.Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(h.Sum(nil))[:8]
}

// writeJSON writes v to path atomically: a temporary file in the same
// directory, synced, then renamed over the target.
func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}
