package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// updatesSchema is migration 4: the updates the replicas behind one
// webhook have received. The primary key is the claim: whichever replica
// inserts the row first owns the update, and a repeated delivery (Telegram
// retrying a slow response, a load balancer sending it to another replica)
// finds the row and is dropped.
//
//   - bot names the receiving account: "tg:<bot id>", "wa:<own JID>";
//     key is the update_id (Telegram) or the message id (WhatsApp).
//   - state is queued (received, waiting for a worker), taken (a worker
//     of some replica is answering it) or done.
//   - payload is the update as received, for the worker; it is emptied
//     once the update is answered, so what users wrote does not stay here.
const updatesSchema = `
CREATE TABLE processed_updates (
	bot        TEXT NOT NULL,
	update_key TEXT NOT NULL,
	state      TEXT NOT NULL,
	payload    TEXT NOT NULL,
	received   BIGINT NOT NULL,
	changed    BIGINT NOT NULL,
	PRIMARY KEY (bot, update_key)
);
CREATE INDEX processed_updates_queue ON processed_updates (bot, state, received);
CREATE INDEX processed_updates_received ON processed_updates (received);
`

// ClaimUpdate records an update of bot as received and queued, with the
// payload a worker will handle. It reports false when the update was
// claimed before, by this replica or another: then it must not be handled
// again. The claim is durable once this returns, so the sender can be told
// at once that the update arrived.
func (s *Store) ClaimUpdate(ctx context.Context, bot, key string, payload []byte, now time.Time) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO processed_updates (bot, update_key, state, payload, received, changed)
		VALUES (?, ?, 'queued', ?, ?, ?) ON CONFLICT (bot, update_key) DO NOTHING`,
		bot, key, string(payload), millis(now), millis(now))
	if err != nil {
		return false, fmt.Errorf("claiming update %s of %s: %w", key, bot, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claiming update %s of %s: %w", key, bot, err)
	}
	return n == 1, nil
}

// TakeUpdate moves a queued update to taken and returns its payload; ok
// is false when it is not queued (another worker took it, or it was never
// claimed). Exactly one of any number of concurrent callers gets it.
func (s *Store) TakeUpdate(ctx context.Context, bot, key string, now time.Time) (payload []byte, ok bool, err error) {
	var body string
	err = s.queryRow(ctx, `UPDATE processed_updates SET state = 'taken', changed = ?
		WHERE bot = ? AND update_key = ? AND state = 'queued' RETURNING payload`,
		millis(now), bot, key).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("taking update %s of %s: %w", key, bot, err)
	}
	return []byte(body), true, nil
}

// TakeQueuedUpdate takes the oldest update of bot that is queued, or was
// taken before staleBefore and never finished (its worker's replica died
// mid-answer), as TakeUpdate does: how a worker with time to spare picks
// up what a busy or stopped replica acknowledged but did not answer. ok is
// false when there is none, or when another worker took the one found
// first (key is then that one; the next call looks again).
func (s *Store) TakeQueuedUpdate(ctx context.Context, bot string, staleBefore, now time.Time) (key string, payload []byte, ok bool, err error) {
	const takeable = `(state = 'queued' OR (state = 'taken' AND changed < ?))`
	err = s.queryRow(ctx, `SELECT update_key FROM processed_updates
		WHERE bot = ? AND `+takeable+` ORDER BY received LIMIT 1`, bot, millis(staleBefore)).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, fmt.Errorf("looking for queued updates of %s: %w", bot, err)
	}
	var body string
	err = s.queryRow(ctx, `UPDATE processed_updates SET state = 'taken', changed = ?
		WHERE bot = ? AND update_key = ? AND `+takeable+` RETURNING payload`,
		millis(now), bot, key, millis(staleBefore)).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return key, nil, false, nil
	}
	if err != nil {
		return key, nil, false, fmt.Errorf("taking update %s of %s: %w", key, bot, err)
	}
	return key, []byte(body), true, nil
}

// FinishUpdate marks a taken update as answered.
func (s *Store) FinishUpdate(ctx context.Context, bot, key string, now time.Time) error {
	if _, err := s.exec(ctx, qFinished, millis(now), bot, key); err != nil {
		return fmt.Errorf("finishing update %s of %s: %w", key, bot, err)
	}
	return nil
}

// PruneUpdates forgets the updates received before before, of every bot,
// and returns how many. It bounds the table: a repeated delivery older
// than that is no longer recognised, so before should lie well beyond the
// time a messenger retries (Telegram: 24 hours).
func (s *Store) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM processed_updates WHERE received < ?`, millis(before))
	if err != nil {
		return 0, fmt.Errorf("pruning processed updates: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("pruning processed updates: %w", err)
	}
	return n, nil
}
