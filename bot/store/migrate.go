package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// migrations are applied in order, each once; append, never edit. The SQL
// is common to SQLite and PostgreSQL.
var migrations = []string{
	1: `
CREATE TABLE users (
	platform TEXT NOT NULL,
	user_id  TEXT NOT NULL,
	lang     TEXT NOT NULL DEFAULT '',
	created  BIGINT NOT NULL,
	PRIMARY KEY (platform, user_id)
);
CREATE TABLE answers (
	id           TEXT PRIMARY KEY,
	platform     TEXT NOT NULL,
	chat_id      TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	lang         TEXT NOT NULL,
	mode         TEXT NOT NULL,
	question     TEXT NOT NULL,
	question_key TEXT NOT NULL,
	answer       TEXT NOT NULL,
	citations    TEXT NOT NULL,
	created      BIGINT NOT NULL
);
CREATE INDEX answers_chat ON answers (platform, chat_id, user_id, created);
CREATE INDEX answers_user ON answers (platform, user_id);
CREATE INDEX answers_created ON answers (created);
CREATE TABLE feedback (
	answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
	platform  TEXT NOT NULL,
	user_id   TEXT NOT NULL,
	vote      INTEGER NOT NULL,
	created   BIGINT NOT NULL,
	PRIMARY KEY (answer_id, platform, user_id)
);
CREATE INDEX feedback_user ON feedback (platform, user_id);
CREATE TABLE rate_buckets (
	bucket       TEXT PRIMARY KEY,
	window_start BIGINT NOT NULL,
	n            INTEGER NOT NULL
);
CREATE TABLE admin_log (
	created BIGINT NOT NULL,
	by_user TEXT NOT NULL,
	action  TEXT NOT NULL,
	detail  TEXT NOT NULL
);
CREATE INDEX admin_log_created ON admin_log (created);
`,
	2: proposalsSchema,
	3: battleSchema,
	4: updatesSchema,
}

// migrationLock is the PostgreSQL advisory lock that replicas starting
// together queue on. It is taken before the first statement: even CREATE
// TABLE IF NOT EXISTS fails in PostgreSQL when another session creates the
// same table at the same moment.
const migrationLock = 4242001

// migrateTries bounds the attempts when the catalogue races with DDL run
// outside our lock (another component creating its tables in the same
// database at the same moment); each attempt starts from scratch.
const migrateTries = 5

// migrate brings the schema to the latest version.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateTo(ctx, len(migrations)-1)
}

// migrateTo applies the migrations up to target, in one transaction that
// also creates the bookkeeping table; on PostgreSQL all of it runs under
// the advisory lock, so concurrent starts migrate one after the other and
// the later ones find the work done. On SQLite the transaction takes the
// write lock when it begins (_txlock=immediate), which serialises the same way.
func (s *Store) migrateTo(ctx context.Context, target int) error {
	for attempt := 1; ; attempt++ {
		err := s.migrateOnce(ctx, target)
		if err == nil || attempt == migrateTries || !catalogueRace(err) {
			return err
		}
		// Back off a little more each time, so the other session can commit.
		t := time.NewTimer(time.Duration(attempt*attempt) * 20 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (retrying: %w)", err, ctx.Err())
		case <-t.C:
		}
	}
}

func (s *Store) migrateOnce(ctx context.Context, target int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting migrations: %w", err)
	}
	defer tx.Rollback()
	if s.backend == "postgres" {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+fmt.Sprint(migrationLock)+`)`); err != nil {
			return fmt.Errorf("locking migrations: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("creating the migrations table: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	for v := current + 1; v <= target; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("applying migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`), v, millis(time.Now())); err != nil {
			return fmt.Errorf("recording migration %d: %w", v, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing migrations: %w", err)
	}
	return nil
}

// catalogueRace reports whether err is PostgreSQL refusing DDL because a
// concurrent session changed the system catalogue first: a duplicate
// type, relation or object, a deadlock or a serialisation failure. The
// same statements succeed (or find their work done) when tried again.
func catalogueRace(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "42P07", "42710", "40P01", "40001": // duplicate_table, duplicate_object, deadlock_detected, serialization_failure
		return true
	case "23505": // unique_violation: only on the catalogue's own indexes (pg_type_typname_nsp_index …)
		return strings.HasPrefix(pgErr.ConstraintName, "pg_")
	}
	return false
}
