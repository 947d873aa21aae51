package corpus

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// sqlBackend keeps the versions in tables of a database that several
// replicas share. The SQL is common to PostgreSQL and SQLite ($n
// placeholders, ON CONFLICT). Documents are stored as the same JSON the
// file backend writes.
type sqlBackend struct {
	db       *sql.DB
	postgres bool // else SQLite
}

// sqlSchema creates the tables if they are missing. corpus_lock row 1 is
// updated first by every change: that serialises changes across replicas
// on both databases (a row lock in PostgreSQL, the write lock in SQLite)
// without dialect-specific locking. Row 2 is the first import's lease on
// SQLite (see lockFirstImport).
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
INSERT INTO corpus_lock (id, n) VALUES (2, 0) ON CONFLICT (id) DO NOTHING;
`

// PostgreSQL advisory locks (database-wide keys). The bot's store uses
// 4242001 for its migrations.
const (
	schemaLock      = 4242101 // creating the tables
	firstImportLock = 4242102 // held while a first import runs
)

// schemaTries: DDL run outside our lock by another component may still
// race with ours in PostgreSQL's catalogue, and the loser's CREATE fails;
// the next try finds the tables.
const schemaTries = 3

func openSQLBackend(ctx context.Context, db *sql.DB) (*sqlBackend, error) {
	if err := db.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	b := &sqlBackend{db: db}
	// SQLite has no version(); PostgreSQL's starts with its name.
	var version string
	if err := db.QueryRowContext(ctx, `SELECT version()`).Scan(&version); err == nil {
		b.postgres = strings.HasPrefix(version, "PostgreSQL")
	}
	var err error
	for range schemaTries {
		if err = b.createTables(ctx); err == nil {
			return b, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("creating the corpus tables: %w", err)
}

// createTables runs sqlSchema in one transaction, on PostgreSQL under an
// advisory lock: replicas starting together create the tables one after
// the other instead of racing in the catalogue.
func (b *sqlBackend) createTables(ctx context.Context) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if b.postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, schemaLock); err != nil {
			return fmt.Errorf("locking: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, sqlSchema); err != nil {
		return err
	}
	return tx.Commit()
}

// firstImportLease bounds how long a first import on SQLite keeps others
// waiting when the process doing it died. PostgreSQL releases its lock
// with the connection, at once.
const firstImportLease = 5 * time.Minute

// leasePoll is how often a process waiting for SQLite's lease looks again.
const leasePoll = 50 * time.Millisecond

// lockFirstImport waits until no other process sharing the database runs
// a first import, and keeps them waiting until unlock. PostgreSQL: a
// session advisory lock on a connection of its own. SQLite: a lease in
// corpus_lock row 2 (a transaction cannot hold it: the import writes
// through other connections, which the open transaction would block).
func (b *sqlBackend) lockFirstImport(ctx context.Context) (unlock func(), err error) {
	if !b.postgres {
		return b.leaseFirstImport(ctx)
	}
	conn, err := b.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, firstImportLock); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, firstImportLock); err != nil {
			// The lock lives as long as the session: end it rather than
			// return a locked connection to the pool.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

func (b *sqlBackend) leaseFirstImport(ctx context.Context) (unlock func(), err error) {
	tick := time.NewTicker(leasePoll)
	defer tick.Stop()
	for {
		now := time.Now()
		res, err := b.db.ExecContext(ctx, `UPDATE corpus_lock SET n = $1 WHERE id = 2 AND n < $2`,
			now.Add(firstImportLease).UnixMilli(), now.UnixMilli())
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		// Failing here leaves the lease to run out by itself.
		b.db.ExecContext(ctx, `UPDATE corpus_lock SET n = 0 WHERE id = 2`)
	}, nil
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
