package store

import (
	"context"
	"fmt"
	"time"
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
}

// migrate brings the schema to the latest version in one transaction. On
// PostgreSQL an advisory lock keeps replicas that start together from
// migrating twice.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("creating the migrations table: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting migrations: %w", err)
	}
	defer tx.Rollback()
	if s.backend == "postgres" {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(4242001)`); err != nil {
			return fmt.Errorf("locking migrations: %w", err)
		}
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if current >= len(migrations)-1 {
		return nil
	}
	for v := current + 1; v < len(migrations); v++ {
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
