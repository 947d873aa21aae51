package store

import (
	"context"
	"fmt"
	"time"
)

// AdminAction is one entry of the admin log.
type AdminAction struct {
	At     time.Time
	By     string // UserKey of the admin, or "watch" for the official-source watch
	Action string // import, activate, cancel, rollback, stats, export, …
	Detail string
}

// LogAdmin appends to the admin log.
func (s *Store) LogAdmin(ctx context.Context, a AdminAction) error {
	_, err := s.exec(ctx, `INSERT INTO admin_log (created, by_user, action, detail) VALUES (?, ?, ?, ?)`,
		millis(a.At), a.By, a.Action, a.Detail)
	if err != nil {
		return fmt.Errorf("logging admin action %s by %s: %w", a.Action, a.By, err)
	}
	return nil
}

// AdminLog returns the latest limit entries, newest first.
func (s *Store) AdminLog(ctx context.Context, limit int) ([]AdminAction, error) {
	rows, err := s.query(ctx, `SELECT created, by_user, action, detail FROM admin_log ORDER BY created DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("reading the admin log: %w", err)
	}
	defer rows.Close()
	var out []AdminAction
	for rows.Next() {
		var a AdminAction
		var at int64
		if err := rows.Scan(&at, &a.By, &a.Action, &a.Detail); err != nil {
			return nil, fmt.Errorf("reading the admin log: %w", err)
		}
		a.At = fromMillis(at)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the admin log: %w", err)
	}
	return out, nil
}
