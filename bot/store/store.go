// Package store keeps what the bot remembers between messages and restarts:
// users' language preferences, answers (which double as the recent turns of
// a chat and the question log for /stats), feedback, rate-limit buckets and
// the admin log. It runs on a pure-Go SQLite file under the data dir, or on
// PostgreSQL when a database URL is given so that replicas share it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// FileName is the SQLite database file inside the data dir.
const FileName = "atazan.db"

// Store is the bot's database.
type Store struct {
	db      *sql.DB // every change, and transactions
	rdb     *sql.DB // plain reads: db, or on SQLite a pool of read-only connections
	backend string  // "sqlite" or "postgres"

	writes *writeGate // SQLite's writes in order, delivery marks first; nil on PostgreSQL
	stmts  sync.Map   // stmtKey → *sql.Stmt (SQLite)

	authorKey atomic.Pointer[[]byte] // the pseudonym key once read; it never changes (proposals.go)
}

// Open opens (and migrates) the database: PostgreSQL when databaseURL is
// set, else SQLite in dataDir, created if needed.
func Open(ctx context.Context, dataDir, databaseURL string) (*Store, error) {
	var s *Store
	if databaseURL != "" {
		db, err := sql.Open("pgx", databaseURL)
		if err != nil {
			return nil, fmt.Errorf("opening PostgreSQL: %w", err)
		}
		s = &Store{db: db, rdb: db, backend: "postgres"}
	} else {
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("creating data dir: %w", err)
		}
		path := filepath.Join(dataDir, FileName)
		// WAL lets readers run beside the writer, and with synchronous=NORMAL
		// a commit survives a crash of the process (only a power cut may
		// lose the last ones) without an fsync each; busy_timeout makes a
		// second writer wait instead of failing; immediate transactions take
		// the write lock up front so they cannot deadlock on upgrade.
		dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
			"&_pragma=foreign_keys(1)&_txlock=immediate"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
		// SQLite has one writer at a time. Under a flood, many connections
		// each waiting in busy_timeout fail with SQLITE_BUSY after it; one
		// connection queues the changes in Go instead, each taking well
		// under a millisecond, and waits only as long as ctx allows. Reads
		// go to connections of their own, which WAL lets run beside it.
		db.SetMaxOpenConns(1)
		rdb, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
		rdb.SetMaxOpenConns(4)
		s = &Store{db: db, rdb: rdb, backend: "sqlite", writes: &writeGate{}}
	}
	if err := s.connect(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connecting to the %s database: %w", s.backend, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.migrateDelivery(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.prepareTx(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// busyWait bounds how long connect retries a database that is busy, as
// busy_timeout bounds a wait for SQLite's write lock.
const busyWait = 5 * time.Second

// connect makes the first connection. Processes opening one new SQLite
// file at once can get SQLITE_BUSY while one of them switches it to WAL:
// SQLite returns it without calling the busy handler when waiting could
// deadlock. It clears once the switch is done, so connect tries again.
func (s *Store) connect(ctx context.Context) error {
	deadline := time.Now().Add(busyWait)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		err := s.db.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return err
		}
	}
}

// Close closes the database.
func (s *Store) Close() error {
	s.closeStmts()
	err := s.db.Close()
	if s.rdb != s.db {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// Backend names the database in use: "sqlite" or "postgres".
func (s *Store) Backend() string { return s.backend }

// Ping checks the database is reachable (for /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// q adapts a query written with "?" placeholders to the backend:
// PostgreSQL numbers them ($1, $2, …). Queries hold no literal "?".
func (s *Store) q(query string) string {
	if s.backend != "postgres" {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pool is where a statement runs: a SELECT on the readers, anything that
// changes something (UPDATE … RETURNING too) on the writer.
func (s *Store) pool(query string) *sql.DB {
	if strings.HasPrefix(strings.TrimSpace(query), "SELECT") {
		return s.rdb
	}
	return s.db
}

func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.execAs(ctx, normal, query, args...)
}

// execAs is exec with a priority at SQLite's write gate.
func (s *Store) execAs(ctx context.Context, prio int, query string, args ...any) (res sql.Result, err error) {
	err = s.write(ctx, prio, func() error {
		if s.backend != "sqlite" {
			res, err = s.db.ExecContext(ctx, s.q(query), args...)
			return err
		}
		st, err := s.stmt(ctx, s.db, query)
		if err != nil {
			return err
		}
		res, err = st.ExecContext(ctx, args...)
		return err
	})
	return res, err
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	pool := s.pool(query)
	if s.backend != "sqlite" {
		return pool.QueryContext(ctx, s.q(query), args...)
	}
	st, err := s.stmt(ctx, pool, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) rowScanner {
	pool := s.pool(query)
	if s.backend != "sqlite" {
		return pool.QueryRowContext(ctx, s.q(query), args...)
	}
	st, err := s.stmt(ctx, pool, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// rowScanner is *sql.Row, or the error of preparing it.
type rowScanner interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// Times are stored as Unix milliseconds: the same column type and ordering
// on both backends.
func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
