package corpus

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Store keeps the versions of each document and serves the active one.
// Where the versions live is its backend: files under a directory (the
// default, see OpenStore) or tables of a SQL database that several
// replicas share (see OpenSQLStore). Either way activation and rollback
// are one atomic switch, and a failed import changes nothing.
//
// The documents served are held in memory; Refresh picks up a switch that
// another process made.
type Store struct {
	dir string // alignment.yaml lives here with either backend
	b   backend
	now func() time.Time

	write sync.Mutex // serialises this Store's changes
	keep  int        // versions an activation leaves of its document; 0 keeps all

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

// backend keeps a Store's versions, active pointers and staged imports.
// A Store serialises its own calls that change something; activate and
// rollback must also be atomic against other processes on the same data.
type backend interface {
	// active returns the active version id of each document that has one.
	active(ctx context.Context) (map[string]string, error)
	version(ctx context.Context, doc, id string) (*Document, error)
	versions(ctx context.Context, doc string) ([]Version, error)
	putStaged(ctx context.Context, st *Staged) error
	staged(ctx context.Context, id string) (*Staged, error)
	dropStaged(ctx context.Context, id string) error
	// activate stores d as a version of its document and, if base ("" for
	// none) is still the active version, makes d active with base pushed
	// on the history and drops the staged import; else it changes nothing
	// and returns errConflict.
	activate(ctx context.Context, d *Document, base, stagedID string) error
	// rollback pops the history: the version active before the current
	// one is active again. It returns that version's id.
	rollback(ctx context.Context, doc string) (string, error)
	// prune deletes the versions of doc that neither keepID wants nor are
	// active or previous, with their entries in the history, atomically
	// against activate and rollback. It returns the versions deleted.
	prune(ctx context.Context, doc string, keepID func(string) bool) ([]string, error)
	close() error
	String() string // where the versions are, for people
}

// Errors a backend reports for the Store to explain.
var (
	errNotFound  = errors.New("not found")
	errNoHistory = errors.New("no earlier version")
	errConflict  = errors.New("the active version changed meanwhile")
)

// reID is what version and staged ids look like; anything else is refused
// before it reaches a backend (and becomes part of a path).
var reID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}(?:\.[0-9]+)?Z-[0-9a-f]{8}$`)

// OpenStore opens (creating if needed) the store of files in dir and loads
// the active version of each document.
func OpenStore(dir string) (*Store, error) {
	b, err := openFileBackend(dir)
	if err != nil {
		return nil, fmt.Errorf("opening corpus store: %w", err)
	}
	return open(context.Background(), dir, b)
}

// OpenSQLStore opens the store kept in db, creating its tables if needed,
// and loads the active version of each document. db is PostgreSQL (the
// pgx driver) or SQLite (modernc); the Store closes it on Close. Admin
// corrections of the alignment are still read from dir/alignment.yaml.
func OpenSQLStore(ctx context.Context, db *sql.DB, dir string) (*Store, error) {
	b, err := openSQLBackend(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("opening corpus store: %w", err)
	}
	s, err := open(ctx, dir, b)
	if err != nil {
		b.close()
		return nil, err
	}
	return s, nil
}

func open(ctx context.Context, dir string, b backend) (*Store, error) {
	s := &Store{dir: dir, b: b, now: time.Now, docs: map[string]*Document{}}
	changed, err := s.refresh(ctx)
	if err == nil && !changed {
		err = s.realign() // nothing imported yet: the alignment is empty
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close releases the backend (the database of OpenSQLStore).
func (s *Store) Close() error { return s.b.close() }

// Dir is the directory of alignment.yaml, and of the versions when they
// are kept in files.
func (s *Store) Dir() string { return s.dir }

// Location says where the versions are kept, for messages to operators:
// a directory or "the database".
func (s *Store) Location() string { return s.b.String() }

// Empty reports whether no document has an active version.
func (s *Store) Empty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.docs) == 0
}

// ActiveVersions returns the id of the active version of each document as
// the backend has it now, which may be newer than what this Store serves
// if another process switched. It is cheap enough to poll.
func (s *Store) ActiveVersions(ctx context.Context) (map[string]string, error) {
	ids, err := s.b.active(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the active corpus versions: %w", err)
	}
	return ids, nil
}

// Refresh serves the versions that another process (a replica, the CLI)
// activated or rolled back to since this Store last looked, and reports
// whether anything changed.
func (s *Store) Refresh(ctx context.Context) (bool, error) {
	s.write.Lock()
	defer s.write.Unlock()
	return s.refresh(ctx)
}

// refresh serves the active versions that differ from the served ones
// and realigns; the caller holds s.write (or owns s alone).
func (s *Store) refresh(ctx context.Context) (bool, error) {
	ids, err := s.ActiveVersions(ctx)
	if err != nil {
		return false, err
	}
	loaded := map[string]*Document{}
	for _, e := range catalog() {
		id, ok := ids[e.ID]
		if !ok {
			continue
		}
		if cur := s.Document(e.ID); cur != nil && cur.Version.ID == id {
			continue
		}
		d, err := s.b.version(ctx, e.ID, id)
		if err != nil {
			return false, fmt.Errorf("loading %s version %s: %w", e.ID, id, err)
		}
		loaded[e.ID] = d
	}
	if len(loaded) == 0 {
		return false, nil
	}
	s.mu.Lock()
	maps.Copy(s.docs, loaded)
	s.mu.Unlock()
	return true, s.realign()
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
	if err := s.b.putStaged(ctx, st); err != nil {
		return nil, fmt.Errorf("staging %s: %w", req.Doc, err)
	}
	return st, nil
}

// StagedImport returns a staged import by id, for a later decision.
func (s *Store) StagedImport(id string) (*Staged, error) {
	return s.staged(context.Background(), id)
}

func (s *Store) staged(ctx context.Context, id string) (*Staged, error) {
	if !reID.MatchString(id) {
		return nil, fmt.Errorf("no staged import %q", id)
	}
	st, err := s.b.staged(ctx, id)
	if errors.Is(err, errNotFound) {
		return nil, fmt.Errorf("no staged import %q (already activated or discarded?)", id)
	}
	if err != nil {
		return nil, fmt.Errorf("reading staged import %s: %w", id, err)
	}
	return st, nil
}

// maxActivateTries bounds how often Activate merges again when another
// process switches the same document in the middle of it.
const maxActivateTries = 3

// Activate makes a staged import the active version of its document, in
// one atomic switch; the version it replaces can be restored by Rollback.
func (s *Store) Activate(ctx context.Context, stagedID, by string) (*Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.write.Lock()
	defer s.write.Unlock()
	st, err := s.staged(ctx, stagedID)
	if err != nil {
		return nil, err
	}
	for range maxActivateTries {
		// Merge over what is active now, wherever it was activated.
		if _, err := s.refresh(ctx); err != nil {
			return nil, fmt.Errorf("activating %s: %w", stagedID, err)
		}
		d, err := s.rebase(st)
		if err != nil {
			return nil, fmt.Errorf("activating %s: %w", stagedID, err)
		}
		if by != "" && by != d.Version.ImportedBy {
			d.Version.Note = strings.TrimSpace(d.Version.Note + " activated by " + by)
		}
		var base string
		if cur := s.Document(d.ID); cur != nil {
			base = cur.Version.ID
		}
		err = s.b.activate(ctx, d, base, stagedID)
		if errors.Is(err, errConflict) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("activating %s: %w", stagedID, err)
		}
		if s.keep > 0 {
			// The activation stands either way; a version left over is
			// pruned by the next activation or start.
			_, _ = s.prune(ctx, d.ID, s.keep)
		}
		return d, s.serve(d)
	}
	return nil, fmt.Errorf("activating %s: %s kept changing in another process; try again", stagedID, st.Doc.ID)
}

// rebase returns the staged document, merged again over the active
// version when another one was activated since staging (a kk text staged
// by the watch must not bring back the ru text an admin has replaced
// meanwhile), and checked again.
func (s *Store) rebase(st *Staged) (*Document, error) {
	if st.Doc == nil {
		return nil, errors.New("staged import holds no document")
	}
	d := *st.Doc // a copy: an activation that conflicts is merged again
	cur := s.Document(d.ID)
	if cur == nil || cur.Version.ID == st.Base {
		return &d, nil
	}
	d.Texts = maps.Clone(cur.Texts)
	for _, l := range st.Langs {
		d.Texts[l] = st.Doc.Texts[l]
	}
	if err := Validate(&d); err != nil {
		return nil, fmt.Errorf("version %s was activated since this import was staged, and together they are not valid: %w", cur.Version.ID, err)
	}
	return &d, nil
}

// Discard drops a staged import.
func (s *Store) Discard(stagedID string) error {
	if !reID.MatchString(stagedID) {
		return fmt.Errorf("no staged import %q", stagedID)
	}
	s.write.Lock()
	defer s.write.Unlock()
	err := s.b.dropStaged(context.Background(), stagedID)
	if errors.Is(err, errNotFound) {
		return fmt.Errorf("no staged import %q", stagedID)
	}
	if err != nil {
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
	prev, err := s.b.rollback(ctx, doc)
	switch {
	case errors.Is(err, errNotFound):
		return nil, fmt.Errorf("rolling back %s: no version imported", doc)
	case errors.Is(err, errNoHistory):
		return nil, fmt.Errorf("rolling back %s: no earlier version to restore", doc)
	case err != nil:
		return nil, fmt.Errorf("rolling back %s: %w", doc, err)
	}
	d, err := s.b.version(ctx, doc, prev)
	if err != nil {
		return nil, fmt.Errorf("rolling back %s: %w", doc, err)
	}
	if by != "" {
		d.Version.Note = strings.TrimSpace(d.Version.Note + " restored by " + by)
	}
	return d, s.serve(d)
}

// Versions lists the stored versions of a document, oldest first.
func (s *Store) Versions(doc string) ([]Version, error) {
	vs, err := s.b.versions(context.Background(), doc)
	if err != nil {
		return nil, fmt.Errorf("listing versions of %s: %w", doc, err)
	}
	slices.SortFunc(vs, func(a, b Version) int { return a.ImportedAt.Compare(b.ImportedAt) })
	return vs, nil
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

// serve makes d, just switched to in the backend, the served version.
func (s *Store) serve(d *Document) error {
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

// versionID is the import time plus a hash of the texts' sources, so ids
// sort by time and tell different contents apart.
func versionID(t time.Time, d *Document) string {
	h := sha256.New()
	for _, l := range sortedLangs(d.Texts) {
		fmt.Fprintf(h, "%s:%s\n", l, d.Texts[l].Source.SHA256)
	}
	return t.Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(h.Sum(nil))[:8]
}
