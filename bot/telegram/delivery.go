package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"atazan/bot/store"
)

// Queue keeps updates and replies in the database, so that neither a
// crash nor a Bot API outage loses an answer; *store.Store is one.
type Queue interface {
	ReceiveAll(ctx context.Context, source string, batch []store.Received, now time.Time) ([]bool, error)
	Handled(ctx context.Context, source, key string, now time.Time) error
	Unhandled(ctx context.Context, source string, before time.Time, limit int) ([]store.Received, error)
	Enqueue(ctx context.Context, parts []store.Outgoing, answers store.Receipt, now time.Time, lease time.Duration) ([]store.Outgoing, bool, error)
	Claim(ctx context.Context, source string, now time.Time, lease time.Duration, limit int) ([]store.Outgoing, error)
	Release(ctx context.Context, source string, before, now time.Time) error
	Delivered(ctx context.Context, id int64, messageID string, now time.Time) error
	Retry(ctx context.Context, id int64, at time.Time, why string, now time.Time) error
	Failed(ctx context.Context, id int64, why string, now time.Time) error
	Replace(ctx context.Context, id int64, params []byte, now time.Time) (bool, error)
	SentID(ctx context.Context, id int64) (string, error)
	PruneDelivery(ctx context.Context, before time.Time) error
}

const (
	// sendLease is how long a claimed message is left to its sender before
	// another may take it: longer than one call can last.
	sendLease = callTimeout + 30*time.Second
	// sendWorkers bounds the sends of the outbox loop at once.
	sendWorkers = 8
	// sendEvery is how often the outbox loop looks for due messages when
	// nothing woke it.
	sendEvery = 250 * time.Millisecond
	// maxAttempts bounds how often a message is tried; with the backoff
	// capped at maxBackoff that is about half an hour of outage.
	maxAttempts = 40
	maxBackoff  = time.Minute
	// keepDelivery is how long sent messages and answered updates are
	// kept; Telegram redelivers an update for at most a day.
	keepDelivery = 48 * time.Hour
	// maxRecover bounds the unanswered updates taken up again at start.
	maxRecover = 10000
)

// errQueued is not an error: the message waits in the outbox.
var errQueued = errors.New("queued")

// queuedPrefix marks a message id that is an outbox row, not yet a
// Telegram message: "q:42".
const queuedPrefix = "q:"

// outbox sends the messages waiting in the queue.
type outbox struct {
	a    *Adapter
	wake chan struct{}
}

// kick wakes the outbox loop: something was queued or rescheduled.
func (o *outbox) kick() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// run sends due messages until ctx is done. Each message of a chat waits
// for the one before it, so a chat that Telegram throttles holds back its
// own messages only.
func (o *outbox) run(ctx context.Context) {
	tick := time.NewTicker(sendEvery)
	defer tick.Stop()
	sem := make(chan struct{}, sendWorkers)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-o.wake:
		}
		for ctx.Err() == nil {
			due, err := o.a.queue.Claim(ctx, o.a.source, time.Now(), sendLease, sendWorkers)
			if err != nil {
				if ctx.Err() == nil {
					o.a.metrics.Error("store")
					o.a.log.Warn("reading the outbox", "err", err)
				}
				break
			}
			for _, m := range due {
				sem <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					// A send begun is finished even at shutdown, so that its
					// outcome is recorded.
					sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
					defer cancel()
					o.a.deliver(sendCtx, m)
				}()
			}
			if len(due) < sendWorkers {
				break
			}
		}
	}
}

// deliver makes one attempt to send m and records the outcome: delivered,
// to be retried (429 after retry_after, 5xx and network errors with a
// growing backoff) or, for a request Telegram refuses, failed. It returns
// Telegram's message id, or errQueued when m waits for another attempt.
func (a *Adapter) deliver(ctx context.Context, m store.Outgoing) (int, error) {
	var params tgbotapi.Params
	if err := json.Unmarshal(m.Params, &params); err != nil {
		a.recordFailed(ctx, m, fmt.Errorf("decoding the queued message: %w", err))
		return 0, fmt.Errorf("decoding queued message %d: %w", m.ID, err)
	}
	resp, err := a.bot(ctx).MakeRequest(m.Method, params)
	if err == nil {
		var msg tgbotapi.Message
		if err := json.Unmarshal(resp.Result, &msg); err != nil {
			// Telegram took it: never send it again.
			a.log.Warn("decoding a sent message", "err", err)
		}
		if err := a.queue.Delivered(context.WithoutCancel(ctx), m.ID, strconv.Itoa(msg.MessageID), time.Now()); err != nil {
			a.metrics.Error("store")
			a.log.Error("recording a delivered message", "err", err)
		}
		a.out.kick() // the chat's next message may go now
		return msg.MessageID, nil
	}
	err = redact(err, a.token)
	wait, retry := retryAfter(err, m.Attempts)
	if !retry || m.Attempts >= maxAttempts {
		a.recordFailed(ctx, m, err)
		return 0, fmt.Errorf("%s: %w", m.Method, err)
	}
	a.log.Warn("sending failed; will retry", "method", m.Method, "attempt", m.Attempts, "retry_in", wait, "err", err)
	if err := a.queue.Retry(context.WithoutCancel(ctx), m.ID, time.Now().Add(wait), err.Error(), time.Now()); err != nil {
		a.metrics.Error("store")
		a.log.Error("rescheduling a message", "err", err)
	}
	return 0, errQueued
}

func (a *Adapter) recordFailed(ctx context.Context, m store.Outgoing, cause error) {
	a.metrics.Error("telegram")
	a.log.Error("Telegram refused a message; giving up on it", "method", m.Method, "chat", m.ChatID, "attempts", m.Attempts, "err", cause)
	if err := a.queue.Failed(context.WithoutCancel(ctx), m.ID, cause.Error(), time.Now()); err != nil {
		a.metrics.Error("store")
		a.log.Error("recording a refused message", "err", err)
	}
}

// retryAfter tells whether a failed call is worth trying again and when:
// as Telegram asks after a 429, with a backoff after a server error or no
// answer at all, never after a request Telegram refused (400, 403).
func retryAfter(err error, attempts int) (time.Duration, bool) {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.RetryAfter > 0:
			return time.Duration(apiErr.RetryAfter) * time.Second, true
		case apiErr.Code >= 500 || apiErr.Code == http.StatusTooManyRequests:
		default:
			return 0, false
		}
	}
	// A 502 from a proxy comes as an HTML page the library cannot decode,
	// so anything else is a server or network fault.
	return backoff(attempts), true
}

// backoff is 1 s, 2 s, 4 s… up to maxBackoff.
func backoff(attempts int) time.Duration {
	d := time.Second
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// receipt is an update's entry in the inbox, or in the replicas' webhook
// queue, as its handler sees it.
type receipt struct {
	store.Receipt
	answered atomic.Bool // its final reply is queued and the update marked answered
}

// send queues the parts of one reply and, when the chat has nothing
// waiting before them, sends them at once. With rec, the same commit marks
// rec's update answered. It returns the Telegram ids of the parts sent; ids
// is shorter than parts when the rest wait in the outbox, and first is the
// outbox row of the first part.
func (a *Adapter) send(ctx context.Context, chatID int64, parts []tgbotapi.Params, rec *receipt) (ids []int, first int64, err error) {
	rows := make([]store.Outgoing, len(parts))
	for i, p := range parts {
		raw, err := json.Marshal(p)
		if err != nil {
			return nil, 0, fmt.Errorf("encoding a message: %w", err)
		}
		rows[i] = store.Outgoing{Source: a.source, ChatID: strconv.FormatInt(chatID, 10), Method: "sendMessage", Params: raw}
	}
	var answers store.Receipt
	if rec != nil {
		answers = rec.Receipt
	}
	rows, claimed, err := a.queue.Enqueue(ctx, rows, answers, time.Now(), sendLease)
	if err != nil {
		// Without the database the reply cannot wait for a retry, but it
		// can still go out now.
		a.metrics.Error("store")
		a.log.Error("queueing a reply; sending it without the outbox", "err", err)
		for _, p := range parts {
			id, err := a.once(ctx, "sendMessage", p)
			if err != nil {
				return ids, 0, err
			}
			ids = append(ids, id)
		}
		return ids, 0, nil
	}
	if rec != nil {
		rec.answered.Store(true)
	}
	first = rows[0].ID
	if !claimed {
		a.out.kick()
		return nil, first, nil
	}
	for i, row := range rows {
		id, err := a.deliver(ctx, row)
		if err != nil {
			// The rest go after this one, from the outbox.
			for _, rest := range rows[i+1:] {
				if err := a.queue.Retry(context.WithoutCancel(ctx), rest.ID, time.Now(), "", time.Now()); err != nil {
					a.log.Error("rescheduling a message", "err", err)
				}
			}
			a.out.kick()
			if errors.Is(err, errQueued) {
				err = nil
			}
			return ids, first, err
		}
		ids = append(ids, id)
	}
	return ids, first, nil
}

// updateKey names the message an update carries, so that the same message
// is answered once: chat and message id, or the button press's id.
func updateKey(u update) (string, bool) {
	switch {
	case u.Message != nil:
		return "m:" + strconv.FormatInt(u.Message.Chat.ID, 10) + ":" + strconv.Itoa(u.Message.MessageID), true
	case u.CallbackQuery != nil:
		return "cb:" + u.CallbackQuery.ID, true
	}
	return "", false // inline queries: answered now or never
}

// sourceOf names the bot in the delivery tables: its id, the part of the
// token before the colon, which is not secret.
func sourceOf(token string) string {
	id, _, _ := strings.Cut(token, ":")
	return "tg:" + id
}

// once calls a Bot API method one time, without waiting out a 429: for
// calls that are worth nothing late (typing, streaming edits) or whose
// caller falls back to the outbox. It returns the id of a sent message.
func (a *Adapter) once(ctx context.Context, method string, p tgbotapi.Params) (int, error) {
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := a.bot(callCtx).MakeRequest(method, p)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", method, redact(err, a.token))
	}
	var m struct {
		MessageID int `json:"message_id"`
	}
	_ = json.Unmarshal(resp.Result, &m) // true, not a message, for most methods
	return m.MessageID, nil
}
