package corpus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// fileBackend keeps the versions in a directory, one process at a time:
//
//	<dir>/<doc>/<version>.json   one imported version, normalised
//	<dir>/<doc>/active.json      which version is active, and the ones before it
//	<dir>/staged/<id>.json       a checked import waiting for Activate or Discard
//
// Files are written to a temporary name and renamed, so a crash or a failed
// import never leaves a half-written version active: the rename of
// active.json is the switch.
type fileBackend struct {
	dir string
}

// pointer is the content of active.json.
type pointer struct {
	Active  string   `json:"active"`
	History []string `json:"history,omitempty"` // earlier active versions, oldest first
}

func openFileBackend(dir string) (*fileBackend, error) {
	if err := os.MkdirAll(filepath.Join(dir, "staged"), 0o755); err != nil {
		return nil, err
	}
	return &fileBackend{dir: dir}, nil
}

func (b *fileBackend) String() string { return b.dir }

func (b *fileBackend) close() error { return nil }

// lockFirstImport locks nothing: files belong to one process at a time.
func (b *fileBackend) lockFirstImport(ctx context.Context) (func(), error) { return func() {}, nil }

func (b *fileBackend) active(ctx context.Context) (map[string]string, error) {
	ids := map[string]string{}
	for _, e := range catalog() {
		p, err := b.pointer(e.ID)
		if errors.Is(err, errNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ids[e.ID] = p.Active
	}
	return ids, nil
}

func (b *fileBackend) version(ctx context.Context, doc, id string) (*Document, error) {
	var d Document
	if err := readJSON(b.versionPath(doc, id), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

func (b *fileBackend) versions(ctx context.Context, doc string) ([]Version, error) {
	entries, err := os.ReadDir(filepath.Join(b.dir, doc))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
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
		if err := readJSON(filepath.Join(b.dir, doc, e.Name()), &v); err != nil {
			return nil, err
		}
		out = append(out, v.Version)
	}
	return out, nil
}

func (b *fileBackend) putStaged(ctx context.Context, st *Staged) error {
	return writeJSON(b.stagedPath(st.ID), st)
}

func (b *fileBackend) staged(ctx context.Context, id string) (*Staged, error) {
	var st Staged
	if err := readJSON(b.stagedPath(id), &st); err != nil {
		return nil, err
	}
	return &st, nil
}

func (b *fileBackend) dropStaged(ctx context.Context, id string) error {
	err := os.Remove(b.stagedPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return errNotFound
	}
	return err
}

func (b *fileBackend) activate(ctx context.Context, d *Document, base, stagedID string) error {
	p, err := b.pointer(d.ID)
	if err != nil && !errors.Is(err, errNotFound) {
		return err
	}
	if p.Active != base {
		return errConflict
	}
	if err := os.MkdirAll(filepath.Join(b.dir, d.ID), 0o755); err != nil {
		return err
	}
	if err := writeJSON(b.versionPath(d.ID, d.Version.ID), d); err != nil {
		return err
	}
	if p.Active != "" {
		p.History = append(p.History, p.Active)
	}
	p.Active = d.Version.ID
	if err := writeJSON(b.pointerPath(d.ID), p); err != nil {
		return err
	}
	_ = os.Remove(b.stagedPath(stagedID)) // the version is active; a leftover staged file is harmless
	return nil
}

func (b *fileBackend) rollback(ctx context.Context, doc string) (string, error) {
	p, err := b.pointer(doc)
	if err != nil {
		return "", err
	}
	if len(p.History) == 0 {
		return "", errNoHistory
	}
	prev := p.History[len(p.History)-1]
	if _, err := os.Stat(b.versionPath(doc, prev)); err != nil {
		return "", err
	}
	if err := writeJSON(b.pointerPath(doc), pointer{Active: prev, History: p.History[:len(p.History)-1]}); err != nil {
		return "", err
	}
	return prev, nil
}

func (b *fileBackend) pointer(doc string) (pointer, error) {
	var p pointer
	err := readJSON(b.pointerPath(doc), &p)
	if err == nil && !reID.MatchString(p.Active) {
		err = fmt.Errorf("%s: bad active version %q", b.pointerPath(doc), p.Active)
	}
	return p, err
}

func (b *fileBackend) pointerPath(doc string) string {
	return filepath.Join(b.dir, doc, "active.json")
}

func (b *fileBackend) versionPath(doc, id string) string {
	return filepath.Join(b.dir, doc, id+".json")
}

func (b *fileBackend) stagedPath(id string) string {
	return filepath.Join(b.dir, "staged", id+".json")
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

// readJSON reads path into v; a missing file is errNotFound.
func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", path, errNotFound)
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}
