package corpus

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// sqlBackend keeps the versions in tables of a database that several
// replicas share. The SQL is common to PostgreSQL and SQLite ($n
// placeholders, ON CONFLICT). Documents are stored as the same JSON the
// file backend writes.
type sqlBackend struct {
	db *sql.DB
}

// sqlSchema creates the tables if they are missing. corpus_lock has one
// row, which every change updates first: that serialises changes across
// replicas on both databases (a row lock in PostgreSQL, the write lock in
// SQLite) without dialect-specific locking.
const sqlSchema = `
CREATE TABLE IF NOT EXISTS corpus_versions (
	doc         TEXT NOT NULL,
	id          TEXT NOT NULL,
	imported_at BIGINT NOT NULL,
	meta        TEXT NOT NULL,
	body        TEXT NOT NULL,
	PRIMARY KEY (doc, id)
);
CREATE TABLE IF NOT EXISTS corpus_active (
	doc     TEXT PRIMARY KEY,
	version TEXT NOT NULL,
	history TEXT NOT NULL,
	changed BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS corpus_staged (
	id      TEXT PRIMARY KEY,
	doc     TEXT NOT NULL,
	body    TEXT NOT NULL,
	created BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS corpus_lock (
	id INTEGER PRIMARY KEY,
	n  BIGINT NOT NULL
);
INSERT INTO corpus_lock (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
`

// schemaTries: replicas that start together may race to create the same
// tables, and in PostgreSQL the loser's CREATE fails; the next try finds
// them.
const schemaTries = 3

func openSQLBackend(ctx context.Context, db *sql.DB) (*sqlBackend, error) {
	if err := db.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	var err error
	for range schemaTries {
		if _, err = db.ExecContext(ctx, sqlSchema); err == nil {
			return &sqlBackend{db: db}, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("creating the corpus tables: %w", err)
}

func (b *sqlBackend) String() string { return "the database" }

func (b *sqlBackend) close() error { return b.db.Close() }

func (b *sqlBackend) active(ctx context.Context) (map[string]string, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT doc, version FROM corpus_active`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[string]string{}
	for rows.Next() {
		var doc, id string
		if err := rows.Scan(&doc, &id); err != nil {
			return nil, err
		}
		ids[doc] = id
	}
	return ids, rows.Err()
}

func (b *sqlBackend) version(ctx context.Context, doc, id string) (*Document, error) {
	var d Document
	err := scanJSON(b.db.QueryRowContext(ctx, `SELECT body FROM corpus_versions WHERE doc = $1 AND id = $2`, doc, id), &d)
	if err != nil {
		return nil, fmt.Errorf("version %s of %s: %w", id, doc, err)
	}
	return &d, nil
}

func (b *sqlBackend) versions(ctx context.Context, doc string) ([]Version, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT meta FROM corpus_versions WHERE doc = $1 ORDER BY imported_at`, doc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := scanJSON(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (b *sqlBackend) putStaged(ctx context.Context, st *Staged) error {
	body, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = b.db.ExecContext(ctx, `INSERT INTO corpus_staged (id, doc, body, created) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, body = excluded.body, created = excluded.created`,
		st.ID, st.Doc.ID, string(body), time.Now().UnixMilli())
	return err
}

func (b *sqlBackend) staged(ctx context.Context, id string) (*Staged, error) {
	var st Staged
	if err := scanJSON(b.db.QueryRowContext(ctx, `SELECT body FROM corpus_staged WHERE id = $1`, id), &st); err != nil {
		return nil, err
	}
	return &st, nil
}

func (b *sqlBackend) dropStaged(ctx context.Context, id string) error {
	res, err := b.db.ExecContext(ctx, `DELETE FROM corpus_staged WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return errNotFound
	}
	return nil
}

func (b *sqlBackend) activate(ctx context.Context, d *Document, base, stagedID string) error {
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	meta, err := json.Marshal(d.Version)
	if err != nil {
		return err
	}
	return b.change(ctx, func(tx *sql.Tx) error {
		p, err := readPointer(ctx, tx, d.ID)
		if err != nil && !errors.Is(err, errNotFound) {
			return err
		}
		if p.Active != base {
			return errConflict
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO corpus_versions (doc, id, imported_at, meta, body) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (doc, id) DO NOTHING`,
			d.ID, d.Version.ID, d.Version.ImportedAt.UnixMilli(), string(meta), string(body)); err != nil {
			return fmt.Errorf("storing the version: %w", err)
		}
		if p.Active != "" {
			p.History = append(p.History, p.Active)
		}
		p.Active = d.Version.ID
		if err := writePointer(ctx, tx, d.ID, p); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM corpus_staged WHERE id = $1`, stagedID)
		return err
	})
}

func (b *sqlBackend) rollback(ctx context.Context, doc string) (string, error) {
	var prev string
	err := b.change(ctx, func(tx *sql.Tx) error {
		p, err := readPointer(ctx, tx, doc)
		if err != nil {
			return err
		}
		if len(p.History) == 0 {
			return errNoHistory
		}
		prev = p.History[len(p.History)-1]
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM corpus_versions WHERE doc = $1 AND id = $2`, doc, prev).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("version %s is not stored", prev)
		}
		return writePointer(ctx, tx, doc, pointer{Active: prev, History: p.History[:len(p.History)-1]})
	})
	return prev, err
}

// change runs fn in a transaction that holds the corpus lock, and commits
// only if fn succeeds: a failed change leaves everything as it was.
func (b *sqlBackend) change(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE corpus_lock SET n = n + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("locking the corpus: %w", err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func readPointer(ctx context.Context, tx *sql.Tx, doc string) (pointer, error) {
	var p pointer
	var history string
	err := tx.QueryRowContext(ctx, `SELECT version, history FROM corpus_active WHERE doc = $1`, doc).Scan(&p.Active, &history)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNotFound
	}
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(history), &p.History); err != nil {
		return p, fmt.Errorf("reading the history of %s: %w", doc, err)
	}
	return p, nil
}

func writePointer(ctx context.Context, tx *sql.Tx, doc string, p pointer) error {
	history, err := json.Marshal(p.History)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO corpus_active (doc, version, history, changed) VALUES ($1, $2, $3, $4)
		ON CONFLICT (doc) DO UPDATE SET version = excluded.version, history = excluded.history, changed = excluded.changed`,
		doc, p.Active, string(history), time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("switching %s to %s: %w", doc, p.Active, err)
	}
	return nil
}

// scanJSON scans one JSON text column into v; no row is errNotFound.
func scanJSON(row interface{ Scan(...any) error }, v any) error {
	var body string
	if err := row.Scan(&body); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		}
		return err
	}
	return json.Unmarshal([]byte(body), v)
}
