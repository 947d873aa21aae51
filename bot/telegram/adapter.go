// Package telegram connects the conversation core to Telegram through the
// Bot API (telegram-bot-api/v5): updates come in by long polling or a
// webhook, and replies go out as HTML messages with buttons, inline answer
// cards and documents. Nothing about a conversation lives here.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"atazan/bot"
	"atazan/bot/store"
	"atazan/metrics"
)

// Core is what the adapter needs from the conversation core (*bot.Core).
type Core interface {
	Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error
	Inline(ctx context.Context, in bot.Incoming) ([]bot.InlineResult, error)
	ShouldAnswer(in bot.Incoming) bool
	CommandMenu(lang string) []bot.Command
	AddNotifier(p bot.Platform, n bot.Notifier)
}

// Options configure an Adapter.
type Options struct {
	Token string
	// Endpoint is the Bot API in telegram-bot-api's format,
	// "http://127.0.0.1:8081/bot%s/%s"; empty means api.telegram.org.
	Endpoint string
	// WebhookURL switches from long polling to a webhook; WebhookSecret is
	// then required, and Telegram sends it with every update.
	WebhookURL    string
	WebhookSecret string
	Core          Core
	// Queue keeps received updates and outgoing messages (*store.Store).
	Queue      Queue
	HTTPClient *http.Client // nil means a new http.Client
	Log        *slog.Logger
	Metrics    *metrics.Metrics
}

const (
	// pollTimeout is how long one getUpdates call waits for updates.
	pollTimeout = 30 * time.Second
	// handleTimeout bounds the work on one update, including answers still
	// in flight when Run is asked to stop.
	handleTimeout = 3 * time.Minute
	// maxInFlight bounds the updates handled at once; further updates wait.
	// Questions wait for the core's answer pool, not here, and a throttled
	// chat's messages wait in the outbox, so commands always find a slot.
	maxInFlight = 256
	// callTimeout bounds one Bot API call (a long poll gets pollTimeout more).
	callTimeout = time.Minute
	// maxRetries and maxRetryWait bound how the adapter honours 429s.
	maxRetries   = 3
	maxRetryWait = 60 * time.Second
	// idleConns is how many connections to the Bot API are kept open.
	idleConns = 32
	// maxDownload is the largest file the Bot API lets bots download.
	maxDownload = 20 << 20
)

// allowedUpdates are the update kinds the adapter asks Telegram for.
var allowedUpdates = []string{"message", "callback_query", "inline_query", "poll_answer"}

// Adapter is a running connection to one Telegram bot.
type Adapter struct {
	api          *tgbotapi.BotAPI // use via bot(ctx), never directly
	self         atomic.Pointer[tgbotapi.User]
	queue        Queue
	source       string // the bot in the delivery tables
	out          *outbox
	client       *http.Client
	token        string
	fileEndpoint string
	webhookURL   string
	secret       string
	core         Core
	log          *slog.Logger
	metrics      *metrics.Metrics
	created      time.Time // claims older than this were left by another process

	ready    atomic.Bool
	problem  atomic.Pointer[string] // why the Bot API cannot be reached, for /readyz
	slots    chan struct{}          // one per update being handled
	mu       sync.Mutex             // guards stopping and adding to inFlight
	stopping bool                   // Run has returned or is returning: no new work
	inFlight sync.WaitGroup
}

// New checks the token against the Bot API (getMe) and registers the
// adapter with the core as the Telegram notifier. It does not start
// receiving updates; Run does. A Bot API that cannot be reached is not an
// error here: Run keeps trying, and Check says why it is not ready.
func New(opts Options) (*Adapter, error) {
	if opts.Token == "" {
		return nil, errors.New("telegram: no bot token (set ATAZAN_TELEGRAM_TOKEN)")
	}
	if opts.Core == nil {
		return nil, errors.New("telegram: no conversation core")
	}
	if opts.WebhookURL != "" {
		if err := checkWebhook(opts.WebhookURL, opts.WebhookSecret); err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
	}
	endpoint := opts.Endpoint
	if endpoint == "" {
		endpoint = tgbotapi.APIEndpoint
	}
	if strings.Count(endpoint, "%s") != 2 {
		return nil, fmt.Errorf("telegram: API endpoint %q must contain two %%s (token, method), e.g. http://127.0.0.1:8081/bot%%s/%%s", endpoint)
	}
	if opts.Queue == nil {
		return nil, errors.New("telegram: no delivery queue (the bot's database)")
	}
	client := opts.HTTPClient
	if client == nil {
		// Replies go out side by side (the outbox's senders, handlers
		// sending at once); with net/http's two idle connections per host
		// most of them would open a new TLS connection to Telegram.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = idleConns
		client = &http.Client{Transport: t}
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	api := &tgbotapi.BotAPI{Token: opts.Token, Client: client, Buffer: 100}
	api.SetAPIEndpoint(endpoint) // calls go through bot(ctx), which binds a context
	a := &Adapter{
		api:          api,
		queue:        opts.Queue,
		source:       sourceOf(opts.Token),
		client:       client,
		token:        opts.Token,
		fileEndpoint: fileEndpoint(endpoint),
		webhookURL:   opts.WebhookURL,
		secret:       opts.WebhookSecret,
		core:         opts.Core,
		log:          log.With("adapter", "telegram"),
		metrics:      opts.Metrics,
		slots:        make(chan struct{}, maxInFlight),
		created:      time.Now(),
	}
	a.out = &outbox{a: a, wake: make(chan struct{}, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := a.connect(ctx); err != nil {
		if errors.Is(err, errBadToken) {
			return nil, err
		}
		a.log.Warn("the Bot API cannot be reached yet; will keep trying", "err", err)
	}
	opts.Core.AddNotifier(bot.Telegram, a)
	return a, nil
}

// errBadToken is the Bot API refusing the token: retrying cannot help.
var errBadToken = errors.New("telegram: the Bot API rejected the token (check ATAZAN_TELEGRAM_TOKEN)")

// connectTimeout bounds one getMe when connecting.
const connectTimeout = 10 * time.Second

// connect asks the Bot API who the bot is (getMe).
func (a *Adapter) connect(ctx context.Context) error {
	callCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	me, err := a.bot(callCtx).GetMe()
	if err != nil {
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) && (apiErr.Code == http.StatusUnauthorized || apiErr.Code == http.StatusNotFound) {
			return errBadToken
		}
		err = fmt.Errorf("connecting to the Bot API: %w", redact(err, a.token))
		msg := err.Error()
		a.problem.Store(&msg)
		return err
	}
	a.self.Store(&me)
	a.problem.Store(nil)
	return nil
}

// connected waits until getMe succeeds, retrying with a backoff, and
// reports false when ctx ended first or the token was refused (err).
func (a *Adapter) connected(ctx context.Context) (bool, error) {
	for wait := time.Second; a.self.Load() == nil; wait = min(2*wait, time.Minute) {
		err := a.connect(ctx)
		if errors.Is(err, errBadToken) {
			return false, err
		}
		if err == nil {
			break
		}
		a.metrics.Error("telegram")
		a.log.Warn("the Bot API cannot be reached; retrying", "err", err, "retry_in", wait)
		if !sleep(ctx, wait) {
			return false, nil
		}
	}
	return true, nil
}

// me is the bot's own user; empty until the first getMe succeeded.
func (a *Adapter) me() tgbotapi.User {
	if u := a.self.Load(); u != nil {
		return *u
	}
	return tgbotapi.User{}
}

// Username is the bot's @name without the @.
func (a *Adapter) Username() string { return a.me().UserName }

// Check reports why the adapter is not receiving updates, for /readyz.
func (a *Adapter) Check(context.Context) error {
	if p := a.problem.Load(); p != nil {
		return errors.New(*p)
	}
	if !a.ready.Load() {
		return errors.New("not receiving updates from the Bot API yet")
	}
	return nil
}

// Ready reports whether the adapter is receiving updates: polling with the
// last call to the Bot API successful, or the webhook registered.
func (a *Adapter) Ready() bool { return a.ready.Load() }

// Run registers the command menu, then receives updates until ctx is done:
// by long polling, or by registering the webhook (WebhookHandler then
// receives them). On return every update in flight has been answered. An
// Adapter runs once.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.ready.Store(false)
	ok, err := a.connected(ctx)
	if !ok {
		a.stop()
		return err
	}
	if err := a.queue.PruneDelivery(ctx, time.Now().Add(-keepDelivery)); err != nil {
		a.log.Warn("pruning old deliveries", "err", err)
	}
	if a.webhookURL == "" {
		// One poller at a time, as Telegram allows: what was claimed before
		// this adapter existed was left half-sent by a process that stopped.
		// Claims of its own (a notice sent before Run got here) stay.
		if err := a.queue.Release(ctx, a.source, a.created, time.Now()); err != nil {
			a.log.Warn("releasing messages left being sent", "err", err)
		}
	}
	// The outbox outlives ctx until the answers in flight are queued.
	sendCtx, stopSending := context.WithCancel(context.WithoutCancel(ctx))
	sending := make(chan struct{})
	go func() { defer close(sending); a.out.run(sendCtx) }()
	defer func() {
		a.stop()
		stopSending()
		<-sending
	}()

	if err := a.registerCommands(ctx); err != nil {
		// The bot works without a menu; say so and go on.
		a.log.Warn("registering the command menu", "err", err)
	}
	if a.webhookURL != "" {
		if err := a.setWebhook(ctx); err != nil {
			return err
		}
		a.ready.Store(true)
		a.log.Info("receiving updates by webhook", "bot", a.Username())
		// Replicas share the inbox: only updates older than any answer
		// could take were left behind by a process that stopped.
		a.resume(ctx, time.Now().Add(-handleTimeout))
		<-ctx.Done()
		return nil
	}
	return a.poll(ctx)
}

// stop takes no new updates and waits for those in flight.
func (a *Adapter) stop() {
	a.mu.Lock()
	a.stopping = true
	a.mu.Unlock()
	a.inFlight.Wait()
}

// poll receives updates by long polling until ctx is done.
func (a *Adapter) poll(ctx context.Context) error {
	// getUpdates fails while a webhook is set, e.g. by an earlier webhook deployment.
	if _, err := a.request(ctx, "deleteWebhook", tgbotapi.DeleteWebhookConfig{}); err != nil && ctx.Err() == nil {
		return fmt.Errorf("telegram: removing the webhook before polling: %w", err)
	}
	a.ready.Store(true)
	a.log.Info("receiving updates by long polling", "bot", a.Username())
	// Telegram hands updates to one poller at a time, so whatever a stopped
	// process left unanswered is ours to answer now.
	a.resume(ctx, time.Now())
	offset, backoff := 0, time.Second
	for ctx.Err() == nil {
		resp, err := a.request(ctx, "getUpdates", tgbotapi.UpdateConfig{
			Offset: offset, Timeout: int(pollTimeout / time.Second), AllowedUpdates: allowedUpdates,
		})
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			a.ready.Store(false)
			a.metrics.Error("telegram")
			a.log.Warn("getting updates; retrying", "err", err, "retry_in", backoff)
			if !sleep(ctx, backoff) {
				break
			}
			backoff = min(2*backoff, time.Minute)
			continue
		}
		a.ready.Store(true)
		backoff = time.Second
		// The offset confirms updates with the next getUpdates, and only
		// once they are in the inbox: a crash then loses none, and an
		// update Telegram sends again is not answered twice.
		updates, next := decodeUpdates(resp.Result, a.log)
		if err := a.receive(ctx, updates); err != nil {
			if ctx.Err() != nil {
				break
			}
			a.metrics.Error("store")
			a.log.Warn("recording updates; not confirming them", "err", err, "retry_in", backoff)
			if !sleep(ctx, backoff) {
				break
			}
			backoff = min(2*backoff, time.Minute)
			continue
		}
		offset = max(offset, next)
	}
	return nil
}

// receive records each update in the inbox and hands the new ones to
// dispatch. It stops at the first update it cannot record.
func (a *Adapter) receive(ctx context.Context, updates []update) error {
	var batch []store.Received
	keys := make([]string, len(updates))
	for i, u := range updates {
		if key, durable := updateKey(u); durable {
			keys[i] = key
			batch = append(batch, store.Received{Key: key, UpdateID: int64(u.UpdateID), Payload: u.raw})
		}
	}
	isNew, err := a.queue.ReceiveAll(ctx, a.source, batch, time.Now())
	if err != nil {
		return err
	}
	for i, u := range updates {
		if keys[i] != "" {
			if !isNew[0] {
				a.log.Debug("update already received; skipping", "update_id", u.UpdateID)
				isNew = isNew[1:]
				continue
			}
			isNew = isNew[1:]
		}
		// Not taken (shutting down): the inbox keeps it for the next start.
		a.dispatch(ctx, u, keys[i])
	}
	return nil
}

// resume dispatches the updates received before now but never answered:
// those a killed process had in flight.
func (a *Adapter) resume(ctx context.Context, before time.Time) {
	left, err := a.queue.Unhandled(ctx, a.source, before, maxRecover)
	if err != nil {
		a.metrics.Error("store")
		a.log.Warn("reading unanswered updates", "err", err)
		return
	}
	if len(left) > 0 {
		a.log.Info("answering updates left unanswered by the last run", "count", len(left))
	}
	for _, r := range left {
		u, err := decodeUpdate(r.Payload)
		if err != nil {
			a.log.Warn("skipping an unanswered update", "update_id", r.UpdateID, "err", err)
			if err := a.queue.Handled(ctx, a.source, r.Key, time.Now()); err != nil {
				a.log.Warn("marking an update handled", "err", err)
			}
			continue
		}
		if !a.dispatch(ctx, u, r.Key) {
			return
		}
	}
}

// dispatch handles an update in its own goroutine, so a slow answer does
// not hold up other chats. The work outlives ctx (up to handleTimeout) so
// that answers in flight at shutdown are finished, not dropped. It reports
// false when the update was not taken: ctx ended first or Run has stopped.
func (a *Adapter) dispatch(ctx context.Context, u update, key string) bool {
	if ctx.Err() != nil {
		return false // stopping: the inbox keeps it for the next start
	}
	select {
	case a.slots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	a.mu.Lock()
	if a.stopping {
		a.mu.Unlock()
		<-a.slots
		return false
	}
	a.inFlight.Add(1)
	a.mu.Unlock()
	go func() {
		defer a.inFlight.Done()
		defer func() { <-a.slots }()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
		defer cancel()
		if key == "" {
			a.handle(ctx, u, nil)
			return
		}
		rec := &receipt{Receipt: store.Receipt{Key: key}}
		a.handle(ctx, u, rec)
		if rec.answered.Load() {
			return // recorded with its final reply
		}
		if err := a.queue.Handled(ctx, a.source, key, time.Now()); err != nil {
			a.metrics.Error("store")
			a.log.Warn("marking an update handled", "update_id", u.UpdateID, "err", err)
		}
	}()
	return true
}

// Notify sends a message the user did not ask for (admins: proposed corpus
// updates, problems). userID is a Telegram user id, with or without the
// "tg:" prefix of the admin list.
func (a *Adapter) Notify(ctx context.Context, userID string, r bot.Reply) error {
	chatID, err := parseID(strings.TrimPrefix(userID, string(bot.Telegram)+":"))
	if err != nil {
		return fmt.Errorf("telegram: notifying %q: %w", userID, err)
	}
	if _, err := a.newResponder(chatID, 0).Send(ctx, r); err != nil {
		return fmt.Errorf("telegram: notifying %s: %w", userID, err)
	}
	return nil
}

// bot returns the Bot API client bound to ctx. telegram-bot-api predates
// contexts, so the context travels in a per-call copy of its HTTP client.
func (a *Adapter) bot(ctx context.Context) *tgbotapi.BotAPI {
	b := *a.api
	b.Client = boundClient{ctx: ctx, next: a.client, token: a.token}
	return &b
}

// request calls a Bot API method, waiting out 429 Too Many Requests as
// Telegram asks (retry_after), a few times at most.
func (a *Adapter) request(ctx context.Context, method string, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	return a.retry(ctx, method, func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.Request(c) })
}

// call is request for methods telegram-bot-api v5.5.1 does not know the
// parameters of (setWebhook's secret_token).
func (a *Adapter) call(ctx context.Context, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	return a.retry(ctx, method, func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.MakeRequest(method, params) })
}

func (a *Adapter) retry(ctx context.Context, method string, do func(*tgbotapi.BotAPI) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	timeout := callTimeout
	if method == "getUpdates" {
		timeout += pollTimeout
	}
	for attempt := 1; ; attempt++ {
		callCtx, cancel := context.WithTimeout(ctx, timeout)
		resp, err := do(a.bot(callCtx))
		cancel()
		if err == nil {
			return resp, nil
		}
		var apiErr *tgbotapi.Error
		// Uploads report 429 without the code, so retry_after is the signal.
		if !errors.As(err, &apiErr) || apiErr.RetryAfter <= 0 || attempt > maxRetries {
			return resp, fmt.Errorf("%s: %w", method, err)
		}
		wait := time.Duration(apiErr.RetryAfter) * time.Second
		if wait > maxRetryWait {
			return resp, fmt.Errorf("%s: Telegram asks to wait %s, longer than we wait: %w", method, wait, err)
		}
		a.log.Warn("Telegram rate limit; waiting", "method", method, "retry_after", wait, "attempt", attempt)
		if !sleep(ctx, wait) {
			return resp, fmt.Errorf("%s: %w", method, ctx.Err())
		}
	}
}

// boundClient carries a context into telegram-bot-api and keeps the token,
// which the library puts in every URL, out of the errors it returns.
type boundClient struct {
	ctx   context.Context
	next  tgbotapi.HTTPClient
	token string
}

func (c boundClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.next.Do(req.WithContext(c.ctx))
	if err != nil {
		return nil, redact(err, c.token)
	}
	return resp, nil
}

// redact removes the token from an error's text.
func redact(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = strings.ReplaceAll(ue.URL, token, "<token>")
	}
	if msg := err.Error(); strings.Contains(msg, token) {
		return errors.New(strings.ReplaceAll(msg, token, "<token>"))
	}
	return err
}

// fileEndpoint derives the file download URL format from the API endpoint:
// a self-hosted Bot API server serves files under /file/bot<token>/.
func fileEndpoint(api string) string {
	if base, ok := strings.CutSuffix(api, "/bot%s/%s"); ok {
		return base + "/file/bot%s/%s"
	}
	return tgbotapi.FileEndpoint
}

// sleep waits for d or until ctx is done, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
