package store

import (
	"context"
	"fmt"
	"time"
)

// Verdict is the rate limiter's decision on one event.
type Verdict struct {
	Allowed bool
	// Notify is true for the first refusal in a window: the user is told
	// to slow down once, and further messages over the limit get no reply.
	Notify bool
}

// tokenUnit is one event in the bucket's milli-tokens, so that refills of a
// fraction of an event are kept in integer columns on both backends.
const tokenUnit = 1000

// avail is the bucket's tokens after refilling for the time since its last
// update, capped at its size; clock skew between replicas refills nothing.
const avail = `(CASE
	WHEN excluded.updated <= rate_limits.updated THEN
		CASE WHEN rate_limits.tokens > excluded.cap THEN excluded.cap ELSE rate_limits.tokens END
	WHEN excluded.updated - rate_limits.updated >= excluded.per THEN excluded.cap
	WHEN rate_limits.tokens + (excluded.updated - rate_limits.updated) * excluded.cap / excluded.per > excluded.cap THEN excluded.cap
	ELSE rate_limits.tokens + (excluded.updated - rate_limits.updated) * excluded.cap / excluded.per
END)`

// Limit counts one event against key's token bucket: limit events, refilled
// evenly over window. Unlike fixed windows it lets no burst of twice the
// limit through across a window boundary. The bucket lives in the database
// so that replicas share it, and one statement decides, so concurrent
// events cannot both take the last token.
func (s *Store) Limit(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (Verdict, error) {
	if limit <= 0 {
		return Verdict{Allowed: true}, nil
	}
	size, per := int64(limit)*tokenUnit, max(window.Milliseconds(), 1)
	var allowed, notify int
	err := s.write(ctx, normal, func() error {
		return s.queryRow(ctx, `INSERT INTO rate_limits (bucket, tokens, cap, per, updated, allowed, warned, notify) VALUES (?, ?, ?, ?, ?, 1, 0, 0)
		ON CONFLICT (bucket) DO UPDATE SET
			tokens = `+avail+` - CASE WHEN `+avail+` >= `+fmt.Sprint(tokenUnit)+` THEN `+fmt.Sprint(tokenUnit)+` ELSE 0 END,
			allowed = CASE WHEN `+avail+` >= `+fmt.Sprint(tokenUnit)+` THEN 1 ELSE 0 END,
			warned = CASE WHEN `+avail+` < `+fmt.Sprint(tokenUnit)+` AND rate_limits.warned <= excluded.updated - excluded.per
				THEN excluded.updated ELSE rate_limits.warned END,
			notify = CASE WHEN `+avail+` < `+fmt.Sprint(tokenUnit)+` AND rate_limits.warned <= excluded.updated - excluded.per
				THEN 1 ELSE 0 END,
			cap = excluded.cap, per = excluded.per,
			updated = CASE WHEN excluded.updated > rate_limits.updated THEN excluded.updated ELSE rate_limits.updated END
		RETURNING allowed, notify`, key, size-tokenUnit, size, per, millis(now)).Scan(&allowed, &notify)
	})
	if err != nil {
		return Verdict{}, fmt.Errorf("counting rate for %s: %w", key, err)
	}
	return Verdict{Allowed: allowed == 1, Notify: notify == 1}, nil
}

// Allow is Limit reduced to whether the event is within the limit.
func (s *Store) Allow(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (bool, error) {
	v, err := s.Limit(ctx, key, limit, window, now)
	return v.Allowed, err
}
