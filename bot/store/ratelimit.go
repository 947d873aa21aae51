package store

import (
	"context"
	"fmt"
	"time"
)

// Allow counts one event in key's fixed window of the given length and
// reports whether it is within limit. The bucket lives in the database so
// that replicas behind a load balancer share it.
func (s *Store) Allow(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (bool, error) {
	if limit <= 0 {
		return true, nil
	}
	start := millis(now.Truncate(window))
	var n int
	err := s.queryRow(ctx, `INSERT INTO rate_buckets (bucket, window_start, n) VALUES (?, ?, 1)
		ON CONFLICT (bucket) DO UPDATE SET
			n = CASE WHEN rate_buckets.window_start = excluded.window_start THEN rate_buckets.n + 1 ELSE 1 END,
			window_start = excluded.window_start
		RETURNING n`, key, start).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("counting rate for %s: %w", key, err)
	}
	return n <= limit, nil
}
