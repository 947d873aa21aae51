package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Lang returns the user's saved language, "" when none is saved.
func (s *Store) Lang(ctx context.Context, platform, userID string) (string, error) {
	var lang string
	err := s.queryRow(ctx, `SELECT lang FROM users WHERE platform = ? AND user_id = ?`, platform, userID).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the language of %s:%s: %w", platform, userID, err)
	}
	return lang, nil
}

// SetLang saves the user's language.
func (s *Store) SetLang(ctx context.Context, platform, userID, lang string, now time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO users (platform, user_id, lang, created) VALUES (?, ?, ?, ?)
		ON CONFLICT (platform, user_id) DO UPDATE SET lang = excluded.lang`,
		platform, userID, lang, millis(now))
	if err != nil {
		return fmt.Errorf("saving the language of %s:%s: %w", platform, userID, err)
	}
	return nil
}

// Forget deletes everything stored about the user: the preference, their
// questions and answers (with the feedback on them), their votes and their
// rate-limit bucket. The admin log is kept: it records admins' acts.
func (s *Store) Forget(ctx context.Context, platform, userID string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("forgetting %s:%s: %w", platform, userID, err)
	}
	defer tx.Rollback()
	for _, stmt := range []struct {
		query string
		args  []any
	}{
		{`DELETE FROM feedback WHERE platform = ? AND user_id = ?`, []any{platform, userID}},
		{`DELETE FROM feedback WHERE answer_id IN (SELECT id FROM answers WHERE platform = ? AND user_id = ?)`, []any{platform, userID}},
		{`DELETE FROM answers WHERE platform = ? AND user_id = ?`, []any{platform, userID}},
		{`DELETE FROM users WHERE platform = ? AND user_id = ?`, []any{platform, userID}},
		{`DELETE FROM rate_buckets WHERE bucket = ?`, []any{UserKey(platform, userID)}},
		{`DELETE FROM rate_limits WHERE bucket = ?`, []any{UserKey(platform, userID)}},
	} {
		if _, err := tx.ExecContext(ctx, s.q(stmt.query), stmt.args...); err != nil {
			return fmt.Errorf("forgetting %s:%s: %w", platform, userID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("forgetting %s:%s: %w", platform, userID, err)
	}
	return nil
}

// UserKey is the platform-prefixed user id used in config and rate limits: "tg:123".
func UserKey(platform, userID string) string { return platform + ":" + userID }
