package corpus

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Prune deletes old versions of every document, keeping the keep most
// recently imported ones and, whatever their age, the active version and
// the one before it, so that a rollback always works. Earlier entries of
// the rollback history that are deleted leave the history with them.
// keep <= 0 keeps everything. It returns the versions deleted, as
// "doc@version".
func (s *Store) Prune(ctx context.Context, keep int) ([]string, error) {
	if keep <= 0 {
		return nil, nil
	}
	s.write.Lock()
	defer s.write.Unlock()
	var removed []string
	for _, e := range catalog() {
		gone, err := s.prune(ctx, e.ID, keep)
		removed = append(removed, gone...)
		if err != nil {
			return removed, err
		}
	}
	return removed, nil
}

// prune is Prune for one document; the caller holds s.write.
func (s *Store) prune(ctx context.Context, doc string, keep int) ([]string, error) {
	vs, err := s.b.versions(ctx, doc)
	if err != nil {
		return nil, fmt.Errorf("pruning versions of %s: %w", doc, err)
	}
	if len(vs) <= keep {
		return nil, nil
	}
	slices.SortFunc(vs, func(a, b Version) int { return b.ImportedAt.Compare(a.ImportedAt) }) // newest first
	newest := map[string]bool{}
	for _, v := range vs[:keep] {
		newest[v.ID] = true
	}
	gone, err := s.b.prune(ctx, doc, func(id string) bool { return newest[id] })
	for i, id := range gone {
		gone[i] = doc + "@" + id
	}
	if err != nil {
		return gone, fmt.Errorf("pruning versions of %s: %w", doc, err)
	}
	return gone, nil
}

// KeepVersions makes every activation prune its document's old versions
// as Prune does; 0 (the default) keeps every version.
func (s *Store) KeepVersions(n int) {
	s.write.Lock()
	defer s.write.Unlock()
	s.keep = n
}

// retained is the part of the pruning rule every backend applies under its
// lock: the active version and the previous one stay, and so does any
// version keepID wants.
func retained(p pointer, keepID func(string) bool) func(string) bool {
	prev := ""
	if n := len(p.History); n > 0 {
		prev = p.History[n-1]
	}
	return func(id string) bool { return id == p.Active || id == prev || keepID(id) }
}

func (b *fileBackend) prune(ctx context.Context, doc string, keepID func(string) bool) ([]string, error) {
	p, err := b.pointer(doc)
	if errors.Is(err, errNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	keep := retained(p, keepID)
	vs, err := b.versions(ctx, doc)
	if err != nil {
		return nil, err
	}
	// The history first: a crash between the two steps then leaves unused
	// files, never a history that names a deleted version.
	var history []string
	for _, id := range p.History {
		if keep(id) {
			history = append(history, id)
		}
	}
	if len(history) != len(p.History) {
		if err := writeJSON(b.pointerPath(doc), pointer{Active: p.Active, History: history}); err != nil {
			return nil, err
		}
	}
	var gone []string
	for _, v := range vs {
		if keep(v.ID) {
			continue
		}
		if err := os.Remove(b.versionPath(doc, v.ID)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return gone, err
		}
		gone = append(gone, v.ID)
	}
	return gone, nil
}

func (b *sqlBackend) prune(ctx context.Context, doc string, keepID func(string) bool) ([]string, error) {
	var gone []string
	err := b.change(ctx, func(tx *sql.Tx) error {
		gone = nil
		p, err := readPointer(ctx, tx, doc)
		if errors.Is(err, errNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		keep := retained(p, keepID)
		rows, err := tx.QueryContext(ctx, `SELECT id FROM corpus_versions WHERE doc = $1`, doc)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if keep(id) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM corpus_versions WHERE doc = $1 AND id = $2`, doc, id); err != nil {
				return err
			}
			gone = append(gone, id)
		}
		var history []string
		for _, id := range p.History {
			if keep(id) {
				history = append(history, id)
			}
		}
		if len(history) == len(p.History) {
			return nil
		}
		return writePointer(ctx, tx, doc, pointer{Active: p.Active, History: history})
	})
	return gone, err
}

// tmpAge is how old a temporary file must be before Cleanup takes it for
// the leftover of a killed write rather than a write in progress.
const tmpAge = 10 * time.Minute

// Cleanup deletes what killed imports leave behind in a file store:
// temporary files (.tmp-*) older than a few minutes, and staged imports
// that no longer decode or whose version was activated already. It returns
// the files deleted. A store in a database has nothing to clean: its
// changes are transactions.
func (s *Store) Cleanup(ctx context.Context, now time.Time) ([]string, error) {
	b, ok := s.b.(*fileBackend)
	if !ok {
		return nil, nil
	}
	s.write.Lock()
	defer s.write.Unlock()
	var removed []string
	err := filepath.WalkDir(b.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != b.dir && strings.Count(strings.TrimPrefix(path, b.dir), string(filepath.Separator)) > 1 {
				return filepath.SkipDir // versions live one level down
			}
			return nil
		}
		if !strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		info, err := d.Info()
		if err != nil || now.Sub(info.ModTime()) < tmpAge {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed = append(removed, path)
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("cleaning up %s: %w", b.dir, err)
	}
	entries, err := os.ReadDir(filepath.Join(b.dir, "staged"))
	if err != nil {
		return removed, fmt.Errorf("cleaning up staged imports: %w", err)
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !reID.MatchString(id) {
			continue
		}
		st, err := b.staged(ctx, id)
		orphan := err != nil || st.Doc == nil
		if !orphan {
			_, err := os.Stat(b.versionPath(st.Doc.ID, st.Doc.Version.ID))
			orphan = err == nil // activated, then killed before the staged file went
		}
		if !orphan {
			continue
		}
		path := b.stagedPath(id)
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("cleaning up staged imports: %w", err)
		}
		removed = append(removed, path)
	}
	return removed, nil
}
