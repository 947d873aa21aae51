// Package whatsapp connects the conversation core to WhatsApp through a
// linked device (whatsmeow), the way WhatsApp Web is linked to a phone.
//
// The adapter turns WhatsApp messages into bot.Incoming values and renders
// bot.Reply values as WhatsApp text: *bold*, _italic_, split when long, with
// numbered follow-ups instead of buttons. It behaves like a careful person
// would: it marks questions read, shows "typing…", spaces its messages out,
// reconnects on its own, and stops (without crashing) when WhatsApp logs the
// device out or bans the number.
package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"atazan/bot"
	"atazan/internal/seen"
	"atazan/metrics"
)

// Core is what the adapter needs of the conversation core; *bot.Core is one.
type Core interface {
	Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error
	ShouldAnswer(in bot.Incoming) bool
	AddNotifier(p bot.Platform, n bot.Notifier)
	// Alert tells the admins, on any messenger, that WhatsApp needs them.
	Alert(ctx context.Context, source, msg string) error
}

// Options configure an Adapter. Core and Session are required.
type Options struct {
	Core    Core
	Session *Session
	Log     *slog.Logger
	Metrics *metrics.Metrics
	// SendInterval is the average least time between two messages sent
	// (default 1s); SendBurst messages may go out at once (default 3).
	SendInterval time.Duration
	SendBurst    int
	// Grace is how much older than the first connection a message may be and
	// still be answered (default 2m); older ones are replayed history.
	Grace time.Duration
	// AnswerTimeout bounds the work on one message, from when the earlier
	// messages of its chat are answered (default 2m).
	AnswerTimeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Adapter is the WhatsApp side of the bot: Run connects and serves, Notify
// sends admins what they did not ask for, Status reports for /healthz.
type Adapter struct {
	core          Core
	session       *Session
	log           *slog.Logger
	metrics       *metrics.Metrics
	grace         time.Duration
	answerTimeout time.Duration
	now           func() time.Time

	pacer     *pacer
	followups *followups
	chats     chatLocks
	status    statusBox
	seen      *seen.Set      // recent message ids, against duplicate deliveries
	answers   sync.WaitGroup // answers in flight, finished before disconnecting
	alerts    sync.WaitGroup // admin alerts being sent

	mu    sync.Mutex
	conn  *conn     // nil while not connected
	since time.Time // messages before this are history; zero until first connected
	// early holds the messages that arrived before the first Connected
	// event of a connection, answered once it comes.
	early []*events.Message
	// connectedAt is when the current connection was made; alerted is the
	// last problem the admins were told of, and replaced how many times in
	// a row another program took the session, both forgotten once a
	// connection has held for stableAfter.
	connectedAt time.Time
	alerted     string
	replaced    int
}

// maxEarly bounds the messages kept while connecting.
const maxEarly = 1000

// stableAfter is how long a connection must hold for its troubles to count
// as over: the next one is news for the admins again.
const stableAfter = time.Hour

// conn is one live connection: the client and who the bot is on it.
type conn struct {
	client Client
	me     identity
	// pnForLID finds a contact's phone number from their hidden id; nil
	// when unknown.
	pnForLID func(ctx context.Context, lid types.JID) (types.JID, error)
	// available is set once "available" presence was sent on it.
	available atomic.Bool
}

// New makes an adapter and registers it with the core for notifications.
// It does not connect: Run does.
func New(opts Options) (*Adapter, error) {
	if opts.Core == nil {
		return nil, errors.New("whatsapp: no core")
	}
	if opts.Session == nil {
		return nil, errors.New("whatsapp: no session store")
	}
	a := &Adapter{
		core:          opts.Core,
		session:       opts.Session,
		log:           opts.Log,
		metrics:       opts.Metrics,
		grace:         opts.Grace,
		answerTimeout: opts.AnswerTimeout,
		now:           opts.Now,
		pacer:         &pacer{interval: opts.SendInterval, burst: opts.SendBurst, retries: 3, backoff: 2 * time.Second},
		seen:          seen.New(10000),
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.log = a.log.With("platform", string(bot.WhatsApp))
	if a.now == nil {
		a.now = time.Now
	}
	if a.grace == 0 {
		a.grace = 2 * time.Minute
	}
	if a.answerTimeout == 0 {
		a.answerTimeout = 2 * time.Minute
	}
	if opts.SendInterval == 0 {
		a.pacer.interval = time.Second
	}
	if opts.SendBurst == 0 {
		a.pacer.burst = 3
	}
	a.pacer.jitter = a.pacer.interval / 2
	a.followups = newFollowups(time.Hour, 10000, a.now)
	a.status.now = a.now
	a.status.version = store.GetWAVersion().String()
	a.status.set(StateStarting, "", time.Time{})
	a.core.AddNotifier(bot.WhatsApp, a)
	return a, nil
}

// Status reports the connection state for /healthz and /readyz.
func (a *Adapter) Status() Status { return a.status.get() }

// Ready reports whether the adapter is connected and answering.
func (a *Adapter) Ready() bool { return a.status.get().State == StateConnected }

// Run connects and serves until ctx ends, then finishes the answers in
// flight and disconnects. Problems that a restart cannot fix (no linked
// device, logged out, banned, another replica connected) are reported in
// the log and by Status, and Run waits for them to pass rather than
// returning, so the process does not crash-loop.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.status.set(StateStopped, "", time.Time{})
	for ctx.Err() == nil {
		retry := a.connectOnce(ctx)
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
	return nil
}

// connectOnce holds one connection until it ends and says how long to wait
// before the next attempt.
func (a *Adapter) connectOnce(ctx context.Context) (retry time.Duration) {
	var lost <-chan struct{}
	if err := a.session.Lock(); err != nil {
		a.setStatus(StateFailed, err.Error(), time.Time{}, slog.LevelError)
		return time.Minute
	}
	if a.session.Shared() {
		l, err := tryLock(ctx, a.session.db, 5*time.Second)
		switch {
		case err != nil:
			a.setStatus(StateDisconnected, err.Error(), time.Time{}, slog.LevelError)
			return 30 * time.Second
		case l == nil:
			a.setStatus(StateStandby, "another replica holds the WhatsApp connection", time.Time{}, slog.LevelInfo)
			return 15 * time.Second
		}
		defer func() {
			if err := l.release(); err != nil {
				a.log.Warn("whatsapp: releasing the replica lock", "err", err)
			}
		}()
		lost = l.Lost()
	}

	dev, err := a.session.Device(ctx)
	if err != nil {
		a.setStatus(StateDisconnected, err.Error(), time.Time{}, slog.LevelError)
		return 30 * time.Second
	}
	if dev.ID == nil {
		a.setStatus(StateNotLinked, `no linked phone in `+a.session.Where()+`: run "atazan whatsapp link"`, time.Time{}, slog.LevelError)
		return time.Minute
	}

	cli := whatsmeow.NewClient(dev, newWALogger(a.log, "Client"))
	cli.InitialAutoReconnect = true // also retry when the network is down at start
	stopped := make(chan time.Duration, 1)
	cli.AddEventHandler(func(evt any) { a.onEvent(ctx, cli, evt, stopped) })
	a.setStatus(StateConnecting, "", time.Time{}, slog.LevelInfo)
	// The connection outlives ctx until the answers in flight are sent.
	if err := cli.ConnectContext(context.WithoutCancel(ctx)); err != nil {
		a.setStatus(StateDisconnected, err.Error(), time.Time{}, slog.LevelError)
		return 30 * time.Second
	}
	defer func() {
		a.setConn(nil)
		cli.Disconnect()
	}()

	select {
	case <-ctx.Done():
		a.setConn(nil) // no new answers from here on
		a.answers.Wait()
		return 0
	case <-lost:
		a.setStatus(StateStandby, "lost the replica lock's database connection", time.Time{}, slog.LevelError)
		return 0
	case retry := <-stopped:
		return retry
	}
}

// onEvent runs on whatsmeow's receive loop: it must return quickly, so
// answers and alerts run in goroutines.
func (a *Adapter) onEvent(ctx context.Context, cli *whatsmeow.Client, evt any, stopped chan<- time.Duration) {
	stop := func(retry time.Duration) {
		select {
		case stopped <- retry:
		default:
		}
	}
	switch e := evt.(type) {
	case *events.Message:
		if c := a.currentConn(); c != nil {
			a.handleMessage(c, e)
		} else {
			a.keepEarly(e)
		}
	case *events.Connected:
		c := &conn{client: cli}
		if cli.Store.ID != nil {
			c.me = identity{PN: cli.Store.ID.ToNonAD(), LID: cli.Store.LID.ToNonAD()}
		}
		if cli.Store.LIDs != nil {
			c.pnForLID = cli.Store.LIDs.GetPNForLID
		}
		a.onConnected(ctx, c, cli.Store.PushName)
	case *events.PushNameSetting:
		if c := a.currentConn(); c != nil {
			go a.sendPresence(ctx, c)
		}
	case *events.Disconnected:
		a.setStatus(StateDisconnected, "reconnecting", time.Time{}, slog.LevelWarn)
	case *events.KeepAliveTimeout:
		a.setStatus(StateDegraded, fmt.Sprintf("WhatsApp has not answered %d keepalives: messages may not arrive", e.ErrorCount),
			time.Time{}, slog.LevelWarn)
	case *events.KeepAliveRestored:
		a.setStatus(StateConnected, "", time.Time{}, slog.LevelInfo)
	case *events.LoggedOut:
		detail := `the account unlinked this device; run "atazan whatsapp link" again`
		if e.OnConnect {
			detail = e.Reason.String() + ": " + detail
		}
		a.problem(ctx, StateLoggedOut, detail, time.Time{})
		stop(time.Minute)
	case *events.TemporaryBan:
		until := time.Time{}
		if e.Expire > 0 {
			until = a.now().Add(e.Expire)
		}
		a.problem(ctx, StateBanned, e.String(), until)
		stop(max(e.Expire, time.Hour))
	case *events.ClientOutdated:
		a.problem(ctx, StateFailed, fmt.Sprintf("client outdated: WhatsApp rejected client version %s; "+
			"update whatsmeow (go get go.mau.fi/whatsmeow@latest) and rebuild atazan", store.GetWAVersion()), time.Time{})
		stop(6 * time.Hour)
	case *events.StreamReplaced:
		// Connecting straight back would knock the other program off, and
		// it us: the two would take turns forever. Each time in a row
		// waits twice as long.
		retry := a.streamReplaced()
		a.problem(ctx, StateFailed, "another program connected with this WhatsApp session; "+
			"stop it (only one atazan may use a linked device)", time.Time{})
		a.log.Warn("whatsapp: will connect again", "in", retry)
		stop(retry)
	case events.PermanentDisconnect:
		a.problem(ctx, StateFailed, e.PermanentDisconnectDescription(), time.Time{})
		stop(10 * time.Minute)
	}
}

// onConnected starts answering on a new connection, first the messages
// that came before it, and shows the bot as available once WhatsApp knows
// its name: presence without a push name is refused.
func (a *Adapter) onConnected(ctx context.Context, c *conn, pushName string) {
	a.setConn(c)
	a.mu.Lock()
	early := a.early
	a.early = nil
	a.connectedAt = a.now()
	a.mu.Unlock()
	a.setStatus(StateConnected, "", time.Time{}, slog.LevelInfo)
	for _, e := range early {
		a.handleMessage(c, e)
	}
	if pushName != "" {
		go a.sendPresence(ctx, c)
	} else {
		a.log.Debug("whatsapp: presence waits until the account's name is known")
	}
}

// sendPresence sends "available" once per connection; it makes typing
// indicators visible.
func (a *Adapter) sendPresence(ctx context.Context, c *conn) {
	if !c.available.CompareAndSwap(false, true) {
		return
	}
	if err := c.client.SendPresence(ctx, types.PresenceAvailable); err != nil {
		c.available.Store(false)
		a.log.Warn("whatsapp: sending presence", "err", err)
	}
}

// keepEarly keeps a message that came before the connection was ready.
func (a *Adapter) keepEarly(e *events.Message) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.early) >= maxEarly {
		a.log.Warn("whatsapp: too many messages before connecting; dropped one", "id", e.Info.ID)
		return
	}
	a.early = append(a.early, e)
}

// streamReplaced counts a replacement in a row and says how long to wait:
// 5 minutes, then twice as long each time, at most 6 hours.
func (a *Adapter) streamReplaced() time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.forgetPastTroubles()
	retry := 5 * time.Minute << min(a.replaced, 10)
	a.replaced++
	return min(retry, 6*time.Hour)
}

// forgetPastTroubles starts afresh after a connection that held.
func (a *Adapter) forgetPastTroubles() {
	if !a.connectedAt.IsZero() && a.now().Sub(a.connectedAt) >= stableAfter {
		a.alerted, a.replaced = "", 0
	}
}

// problem records a state that needs a person and tells the admins once:
// not again for the same problem until a connection has held.
func (a *Adapter) problem(ctx context.Context, state State, detail string, until time.Time) {
	a.setStatus(state, detail, until, slog.LevelError)
	msg := fmt.Sprintf("WhatsApp %s: %s (client version %s)", state, detail, store.GetWAVersion())
	a.mu.Lock()
	a.forgetPastTroubles()
	repeat := a.alerted == msg
	a.alerted = msg
	a.mu.Unlock()
	if repeat {
		return
	}
	a.alerts.Add(1)
	go func() {
		defer a.alerts.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := a.core.Alert(ctx, "whatsapp", msg); err != nil {
			a.log.Warn("whatsapp: could not alert the admins", "err", err)
		}
	}()
}

func (a *Adapter) setStatus(state State, detail string, until time.Time, level slog.Level) {
	if a.status.set(state, detail, until) {
		a.log.Log(context.Background(), level, "whatsapp: "+string(state), "detail", detail)
	}
}

func (a *Adapter) setConn(c *conn) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.conn = c
	if c != nil && a.since.IsZero() {
		a.since = a.now().Add(-a.grace)
	}
}

func (a *Adapter) currentConn() *conn {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.conn
}

// startAnswer counts an answer in flight, unless the adapter is shutting
// down (no connection), when the message is left unanswered.
func (a *Adapter) startAnswer() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.conn == nil {
		return false
	}
	a.answers.Add(1)
	return true
}

func (a *Adapter) historyBefore() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.since
}
