package telegram

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"atazan/bot/store"
)

// UpdateQueue keeps webhook updates in a database that replicas share
// (*store.Store). bot names the queue ("tg:<bot id>"), key is the
// update_id.
type UpdateQueue interface {
	// ClaimUpdate records an update as queued; false: claimed before.
	ClaimUpdate(ctx context.Context, bot, key string, payload []byte, now time.Time) (bool, error)
	// TakeQueuedUpdate takes the oldest update that is queued, or was
	// taken before staleBefore and never finished, for one worker; ok is
	// false when there is none or another worker took it first (key is
	// then the one it lost).
	TakeQueuedUpdate(ctx context.Context, bot string, staleBefore, now time.Time) (key string, payload []byte, ok bool, err error)
	FinishUpdate(ctx context.Context, bot, key string, now time.Time) error
	PruneUpdates(ctx context.Context, before time.Time) (int64, error)
}

const (
	// sweepEvery is how often a replica looks for queued updates no worker
	// took: left when every worker was busy, or by a replica that stopped.
	sweepEvery = 5 * time.Second
	// pruneEvery and keepUpdates bound the claims kept: Telegram gives up
	// delivering an update again after 24 hours.
	pruneEvery  = time.Hour
	keepUpdates = 48 * time.Hour
	// staleAfter: an update taken this long ago and not finished was being
	// answered by a replica that died (a live worker gives up after
	// handleTimeout), so another replica answers it.
	staleAfter = handleTimeout + time.Minute
)

// QueuedWebhook receives webhook updates for replicas behind one webhook
// URL that share a database. Each update is claimed there before Telegram
// gets its answer, so an update delivered twice (to two replicas, or again
// after a slow response) is answered once; Telegram gets its answer as
// soon as the update is stored, never while answers are computed; and a
// worker of whichever replica is free takes it. Its workers are the
// adapter's: the adapter's Run waits for them, and its outbox sends what
// they answer.
type QueuedWebhook struct {
	a     *Adapter
	queue UpdateQueue
	bot   string // the queue's name: "tg:<bot id>"
}

// NewQueuedWebhook queues a's webhook updates in queue. Mount it on the
// webhook's path instead of a.WebhookHandler, and run it beside a.
func NewQueuedWebhook(a *Adapter, queue UpdateQueue) *QueuedWebhook {
	// A token is "<bot id>:<secret>"; the id alone is public.
	id, _, _ := strings.Cut(a.token, ":")
	return &QueuedWebhook{
		a:     a,
		queue: queue,
		bot:   "tg:" + id,
	}
}

// ServeHTTP checks an update as a.WebhookHandler does, claims it and
// stores it, then answers: 200 when it is stored or was claimed before,
// 503 while stopping and 500 when the database cannot take it; Telegram
// delivers those two again later, maybe to another replica.
func (h *QueuedWebhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := h.a
	u, body, ok := a.readWebhookUpdate(w, r)
	if !ok {
		return
	}
	if u.UpdateID <= 0 {
		http.Error(w, "update without update_id", http.StatusBadRequest)
		return
	}
	if h.isStopping() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	// PostgreSQL's text refuses invalid UTF-8, which the JSON decoder let through.
	payload := []byte(strings.ToValidUTF8(string(body), "\uFFFD"))
	claimed, err := h.queue.ClaimUpdate(r.Context(), h.bot, strconv.Itoa(u.UpdateID), payload, time.Now())
	if err != nil {
		a.metrics.Error("store")
		a.log.Error("queueing a webhook update; Telegram will deliver it again", "update_id", u.UpdateID, "err", err)
		http.Error(w, "could not queue the update", http.StatusInternalServerError)
		return
	}
	if !claimed {
		a.log.Info("update delivered again; it is answered once", "update_id", u.UpdateID)
		w.WriteHeader(http.StatusOK)
		return
	}
	h.work()
	w.WriteHeader(http.StatusOK)
}

// Run takes what replicas that stopped left in the queue, then every few
// seconds what no worker took, and forgets old claims, until ctx is done.
// Updates still queued then are left to the other replicas, or to the
// next start; those being answered are waited for by the adapter's Run.
func (h *QueuedWebhook) Run(ctx context.Context) error {
	h.work()
	sweep := time.NewTicker(sweepEvery)
	defer sweep.Stop()
	prune := time.NewTicker(pruneEvery)
	defer prune.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sweep.C:
			h.work()
		case <-prune.C:
			n, err := h.queue.PruneUpdates(ctx, time.Now().Add(-keepUpdates))
			switch {
			case err != nil && ctx.Err() == nil:
				h.a.metrics.Error("store")
				h.a.log.Warn("forgetting old webhook updates", "err", err)
			case n > 0:
				h.a.log.Debug("forgot old webhook updates", "n", n)
			}
		}
	}
}

// work starts a worker if a slot is free. The worker takes queued updates
// (the one just claimed, or any replica's leftovers) until none is left or
// the webhook stops. With every slot busy the update waits in the queue
// for the next worker that finishes.
func (h *QueuedWebhook) work() {
	a := h.a
	select {
	case a.slots <- struct{}{}:
	default:
		return
	}
	a.mu.Lock()
	if a.stopping {
		a.mu.Unlock()
		<-a.slots
		return
	}
	a.inFlight.Add(1)
	a.mu.Unlock()
	go func() {
		defer a.inFlight.Done()
		defer func() { <-a.slots }()
		// The first take is unconditional: an update claimed just before
		// a shutdown is one in flight, to be answered.
		for h.takeQueued() && !h.isStopping() {
		}
	}()
}

// takeQueued answers one queued update and reports whether to look for
// another. The work outlives the webhook's Run (up to handleTimeout), so
// an answer in flight at shutdown is finished, not dropped.
func (h *QueuedWebhook) takeQueued() bool {
	ctx, cancel := context.WithTimeout(context.Background(), handleTimeout)
	defer cancel()
	now := time.Now()
	key, payload, ok, err := h.queue.TakeQueuedUpdate(ctx, h.bot, now.Add(-staleAfter), now)
	if err != nil {
		h.a.metrics.Error("store")
		h.a.log.Error("taking a queued update", "err", err)
		return false
	}
	if !ok {
		return key != "" // lost a race for one: there may be more
	}
	// The commit that queues the final reply finishes the update; others
	// are finished once handled, in a commit of their own.
	rec := &receipt{Receipt: store.Receipt{Key: key, Queued: true}}
	if u, err := decodeUpdate(payload); err != nil {
		h.a.log.Error("a queued update does not decode; dropped", "update_id", key, "err", err)
	} else {
		h.a.handle(ctx, u, rec)
	}
	if rec.answered.Load() {
		return true
	}
	if err := h.queue.FinishUpdate(ctx, h.bot, key, time.Now()); err != nil {
		h.a.metrics.Error("store")
		h.a.log.Warn("marking an update answered", "update_id", key, "err", err)
	}
	return true
}

func (h *QueuedWebhook) isStopping() bool {
	h.a.mu.Lock()
	defer h.a.mu.Unlock()
	return h.a.stopping
}
