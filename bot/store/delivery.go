package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The delivery tables (inbox, outbox, rate_limits) have a schema step of
// their own, run after the numbered migrations, so that they merge with
// changes to the migration runner. Every statement is idempotent.
const deliverySchema = `
CREATE TABLE IF NOT EXISTS inbox (
	source    TEXT NOT NULL,
	msg_key   TEXT NOT NULL,
	update_id BIGINT NOT NULL,
	payload   TEXT NOT NULL,
	received  BIGINT NOT NULL,
	handled   BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (source, msg_key)
);
CREATE INDEX IF NOT EXISTS inbox_unhandled ON inbox (source, handled, update_id);
CREATE TABLE IF NOT EXISTS outbox (
	id           %s,
	source       TEXT NOT NULL,
	chat_id      TEXT NOT NULL,
	msg_group    BIGINT NOT NULL DEFAULT 0,
	method       TEXT NOT NULL,
	params       TEXT NOT NULL,
	state        INTEGER NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt BIGINT NOT NULL,
	message_id   TEXT NOT NULL DEFAULT '',
	last_error   TEXT NOT NULL DEFAULT '',
	created      BIGINT NOT NULL,
	updated      BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_chat ON outbox (source, chat_id, state, id);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (source, state, next_attempt);
CREATE TABLE IF NOT EXISTS rate_limits (
	bucket  TEXT PRIMARY KEY,
	tokens  BIGINT NOT NULL,
	cap     BIGINT NOT NULL,
	per     BIGINT NOT NULL,
	updated BIGINT NOT NULL,
	allowed INTEGER NOT NULL,
	warned  BIGINT NOT NULL,
	notify  INTEGER NOT NULL
);
`

// migrateDelivery creates the delivery tables. On PostgreSQL a lock of its
// own keeps replicas starting together from racing on the catalogue.
func (s *Store) migrateDelivery(ctx context.Context) error {
	id := "INTEGER PRIMARY KEY"
	if s.backend == "postgres" {
		id = "BIGSERIAL PRIMARY KEY"
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("creating the delivery tables: %w", err)
	}
	defer tx.Rollback()
	if s.backend == "postgres" {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(4242013)`); err != nil {
			return fmt.Errorf("locking the delivery tables: %w", err)
		}
	}
	for _, stmt := range strings.Split(fmt.Sprintf(deliverySchema, id), ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("creating the delivery tables: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("creating the delivery tables: %w", err)
	}
	return nil
}

// Receive records an incoming update before it is confirmed to the
// messenger, so that a crash cannot lose it. key names the message (chat
// and message id, or the callback's id): the same message received again,
// after a restart or through another replica, reports false and is not
// handled twice.
func (s *Store) Receive(ctx context.Context, source, key string, updateID int64, payload []byte, now time.Time) (bool, error) {
	isNew, err := s.ReceiveAll(ctx, source, []Received{{Key: key, UpdateID: updateID, Payload: payload}}, now)
	if err != nil {
		return false, err
	}
	return isNew[0], nil
}

const qReceive = `INSERT INTO inbox (source, msg_key, update_id, payload, received) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (source, msg_key) DO NOTHING`

// ReceiveAll is Receive for a batch of updates, in one transaction: a
// getUpdates result costs one commit, not one per update.
func (s *Store) ReceiveAll(ctx context.Context, source string, batch []Received, now time.Time) (isNew []bool, err error) {
	if len(batch) == 0 {
		return make([]bool, 0), nil
	}
	err = s.write(ctx, normal, func() error {
		isNew, err = s.receiveAll(ctx, source, batch, now)
		return err
	})
	return isNew, err
}

func (s *Store) receiveAll(ctx context.Context, source string, batch []Received, now time.Time) ([]bool, error) {
	isNew := make([]bool, len(batch))
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("recording updates: %w", err)
	}
	defer tx.Rollback()
	for i, r := range batch {
		res, err := s.txExec(ctx, tx, qReceive, source, r.Key, r.UpdateID, string(r.Payload), millis(now))
		if err != nil {
			return nil, fmt.Errorf("recording update %d: %w", r.UpdateID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("recording update %d: %w", r.UpdateID, err)
		}
		isNew[i] = n == 1
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("recording updates: %w", err)
	}
	return isNew, nil
}

// Handled marks a received message as answered: its replies are in the outbox.
func (s *Store) Handled(ctx context.Context, source, key string, now time.Time) error {
	if _, err := s.exec(ctx, `UPDATE inbox SET handled = ? WHERE source = ? AND msg_key = ?`, millis(now), source, key); err != nil {
		return fmt.Errorf("marking %s handled: %w", key, err)
	}
	return nil
}

// Received is an update recorded by Receive.
type Received struct {
	Key      string
	UpdateID int64
	Payload  []byte
}

// Unhandled returns the messages received before the given time and not
// yet answered, oldest first: what a process that stopped mid-answer left
// behind.
func (s *Store) Unhandled(ctx context.Context, source string, before time.Time, limit int) ([]Received, error) {
	rows, err := s.query(ctx, `SELECT msg_key, update_id, payload FROM inbox WHERE source = ? AND handled = 0
		AND received < ? ORDER BY update_id LIMIT ?`, source, millis(before), limit)
	if err != nil {
		return nil, fmt.Errorf("reading unanswered updates: %w", err)
	}
	defer rows.Close()
	var out []Received
	for rows.Next() {
		var r Received
		var payload string
		if err := rows.Scan(&r.Key, &r.UpdateID, &payload); err != nil {
			return nil, fmt.Errorf("reading unanswered updates: %w", err)
		}
		r.Payload = []byte(payload)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading unanswered updates: %w", err)
	}
	return out, nil
}

// Outbox states.
const (
	outPending = 0 // waiting for next_attempt
	outSending = 1 // claimed until next_attempt by whoever sends it
	outSent    = 2
	outFailed  = 3 // refused for good (a bad request); kept for the log
)

// Outgoing is one message waiting in the outbox.
type Outgoing struct {
	ID       int64
	Source   string // the bot: "tg:<bot id>"
	ChatID   string
	Group    int64  // the first row of the reply this one belongs to
	Method   string // e.g. "sendMessage"
	Params   []byte // the method's parameters, as the sender encodes them
	Attempts int
}

// Enqueue stores the parts of one reply, in order, before anything is
// sent. When no earlier message to the chat is still waiting, the parts
// come back claimed for lease, for the caller to send at once; otherwise
// claimed is false and the sender loop sends them after the ones before.
//
// answers, unless empty, is the received update that this reply
// completes: the same commit marks it answered, so that after a crash the
// update is either answered with its reply waiting here, or neither, and
// never answered twice.
func (s *Store) Enqueue(ctx context.Context, parts []Outgoing, answers Receipt, now time.Time, lease time.Duration) (rows []Outgoing, claimed bool, err error) {
	if len(parts) == 0 {
		return nil, false, nil
	}
	err = s.write(ctx, normal, func() error {
		rows, claimed, err = s.enqueue(ctx, parts, answers, now, lease)
		return err
	})
	return rows, claimed, err
}

const (
	qWaiting = `SELECT COUNT(*) FROM outbox WHERE source = ? AND chat_id = ? AND state IN (0, 1)`
	qEnqueue = `INSERT INTO outbox (source, chat_id, msg_group, method, params, state, next_attempt, created, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
	qAnswered = `UPDATE inbox SET handled = ? WHERE source = ? AND msg_key = ?`
	qFinished = `UPDATE processed_updates SET state = 'done', payload = '', changed = ? WHERE bot = ? AND update_key = ?`
)

// Receipt names a received update of the same source as the reply: its key
// in the inbox, or with Queued in the replicas' webhook queue
// (processed_updates, FinishUpdate).
type Receipt struct {
	Key    string
	Queued bool
}

func (s *Store) enqueue(ctx context.Context, parts []Outgoing, answers Receipt, now time.Time, lease time.Duration) (rows []Outgoing, claimed bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("queueing a reply: %w", err)
	}
	defer tx.Rollback()
	first := parts[0]
	var waiting int
	if err := s.txQueryRow(ctx, tx, qWaiting, first.Source, first.ChatID).Scan(&waiting); err != nil {
		return nil, false, fmt.Errorf("queueing a reply: %w", err)
	}
	claimed = waiting == 0
	state, next := outPending, millis(now)
	if claimed {
		state, next = outSending, millis(now.Add(lease))
	}
	// The first part's msg_group is 0, which stands for itself.
	var group int64
	for _, p := range parts {
		err := s.txQueryRow(ctx, tx, qEnqueue,
			p.Source, p.ChatID, group, p.Method, string(p.Params), state, next, millis(now), millis(now)).Scan(&p.ID)
		if err != nil {
			return nil, false, fmt.Errorf("queueing a reply: %w", err)
		}
		if group == 0 {
			group = p.ID
		}
		p.Group = group
		rows = append(rows, p)
	}
	if answers.Key != "" {
		mark := qAnswered
		if answers.Queued {
			mark = qFinished
		}
		if _, err := s.txExec(ctx, tx, mark, millis(now), first.Source, answers.Key); err != nil {
			return nil, false, fmt.Errorf("marking %s answered: %w", answers.Key, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("queueing a reply: %w", err)
	}
	return rows, claimed, nil
}

// Claim takes up to limit messages that are due, at most one per chat and
// only the oldest waiting in it, so that a chat's messages keep their
// order and a chat Telegram throttles holds back no other. They stay
// claimed for lease; a sender that dies leaves them to be claimed again.
func (s *Store) Claim(ctx context.Context, source string, now time.Time, lease time.Duration, limit int) (out []Outgoing, err error) {
	err = s.write(ctx, normal, func() error {
		out, err = s.claim(ctx, source, now, lease, limit)
		return err
	})
	return out, err
}

func (s *Store) claim(ctx context.Context, source string, now time.Time, lease time.Duration, limit int) ([]Outgoing, error) {
	rows, err := s.query(ctx, `UPDATE outbox SET state = 1, next_attempt = ?, attempts = attempts + 1, updated = ?
		WHERE id IN (
			SELECT o.id FROM outbox o WHERE o.source = ? AND o.state IN (0, 1) AND o.next_attempt <= ?
			AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.source = o.source AND p.chat_id = o.chat_id
				AND p.state IN (0, 1) AND p.id < o.id)
			ORDER BY o.id LIMIT ?)
		AND state IN (0, 1) AND next_attempt <= ?
		RETURNING id, source, chat_id, msg_group, method, params, attempts`,
		millis(now.Add(lease)), millis(now), source, millis(now), limit, millis(now))
	if err != nil {
		return nil, fmt.Errorf("claiming due messages: %w", err)
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		var params string
		if err := rows.Scan(&o.ID, &o.Source, &o.ChatID, &o.Group, &o.Method, &params, &o.Attempts); err != nil {
			return nil, fmt.Errorf("claiming due messages: %w", err)
		}
		if o.Group == 0 {
			o.Group = o.ID
		}
		o.Params = []byte(params)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claiming due messages: %w", err)
	}
	return out, nil
}

// Release gives up the claims on source's messages made before before:
// when one process alone sends them, those claimed before it started were
// left by a process that stopped mid-send. Its own claims stay.
func (s *Store) Release(ctx context.Context, source string, before, now time.Time) error {
	if _, err := s.exec(ctx, `UPDATE outbox SET state = 0, next_attempt = ?, updated = ? WHERE source = ? AND state = 1 AND updated < ?`,
		millis(now), millis(now), source, millis(before)); err != nil {
		return fmt.Errorf("releasing claimed messages: %w", err)
	}
	return nil
}

// Delivered marks a message accepted by the messenger, under its id there.
func (s *Store) Delivered(ctx context.Context, id int64, messageID string, now time.Time) error {
	if _, err := s.execAs(ctx, urgent, `UPDATE outbox SET state = 2, message_id = ?, last_error = '', updated = ? WHERE id = ?`,
		messageID, millis(now), id); err != nil {
		return fmt.Errorf("marking message %d delivered: %w", id, err)
	}
	return nil
}

// Retry puts a message back to be sent again at the given time.
func (s *Store) Retry(ctx context.Context, id int64, at time.Time, why string, now time.Time) error {
	if _, err := s.execAs(ctx, urgent, `UPDATE outbox SET state = 0, next_attempt = ?, last_error = ?, updated = ? WHERE id = ?`,
		millis(at), why, millis(now), id); err != nil {
		return fmt.Errorf("rescheduling message %d: %w", id, err)
	}
	return nil
}

// Failed gives up on a message the messenger refuses for good.
func (s *Store) Failed(ctx context.Context, id int64, why string, now time.Time) error {
	if _, err := s.execAs(ctx, urgent, `UPDATE outbox SET state = 3, last_error = ?, updated = ? WHERE id = ?`, why, millis(now), id); err != nil {
		return fmt.Errorf("marking message %d failed: %w", id, err)
	}
	return nil
}

// Replace changes what a message not yet sent will say (a streamed answer
// edited before its first part went out). It reports false when the message
// is no longer waiting: sent, being sent or given up.
func (s *Store) Replace(ctx context.Context, id int64, params []byte, now time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE outbox SET params = ?, updated = ? WHERE id = ? AND state = 0`, string(params), millis(now), id)
	if err != nil {
		return false, fmt.Errorf("replacing queued message %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("replacing queued message %d: %w", id, err)
	}
	return n == 1, nil
}

// SentID returns the messenger's id of a delivered message, "" while it waits.
func (s *Store) SentID(ctx context.Context, id int64) (string, error) {
	var msgID string
	var state int
	if err := s.queryRow(ctx, `SELECT message_id, state FROM outbox WHERE id = ?`, id).Scan(&msgID, &state); err != nil {
		return "", fmt.Errorf("looking up queued message %d: %w", id, err)
	}
	if state != outSent {
		return "", nil
	}
	return msgID, nil
}

// Pending counts the messages of source still waiting to be sent.
func (s *Store) Pending(ctx context.Context, source string) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE source = ? AND state IN (0, 1)`, source).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting waiting messages: %w", err)
	}
	return n, nil
}

// Sending counts the messages of source claimed by a sender and not yet
// recorded as sent or refused. After a crash these are sent again, so
// those of them Telegram had accepted reach their chat twice: the count
// bounds the duplicates a crash can cause.
func (s *Store) Sending(ctx context.Context, source string) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE source = ? AND state = 1`, source).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting messages being sent: %w", err)
	}
	return n, nil
}

// PruneDelivery deletes what delivery no longer needs: sent or refused
// messages and answered updates older than before. Telegram redelivers an
// update for at most a day, so a few days of history are enough.
func (s *Store) PruneDelivery(ctx context.Context, before time.Time) error {
	if _, err := s.exec(ctx, `DELETE FROM outbox WHERE state IN (2, 3) AND updated < ?`, millis(before)); err != nil {
		return fmt.Errorf("pruning the outbox: %w", err)
	}
	if _, err := s.exec(ctx, `DELETE FROM inbox WHERE handled > 0 AND handled < ?`, millis(before)); err != nil {
		return fmt.Errorf("pruning the inbox: %w", err)
	}
	return nil
}
