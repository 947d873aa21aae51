// Package whatsappcloud connects the conversation core to WhatsApp through
// Meta's official WhatsApp Business Cloud API: WhatsApp calls the bot's
// webhook with each message, and the bot answers through the Graph API.
//
// Unlike a linked device (package whatsapp), nothing here can be outdated
// or banned for using an unofficial client. In exchange WhatsApp's rules
// for businesses apply: the bot may send free-form messages only within 24
// hours of the user's last message, so it never starts a conversation, and
// it says in the log when a message was not sent for that reason.
package whatsappcloud

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"atazan/bot"
	"atazan/internal/seen"
	"atazan/metrics"
)

// ErrWindowClosed is returned for a message to a user who has not written
// in the last 24 hours: WhatsApp accepts only approved templates then.
var ErrWindowClosed = errors.New("whatsapp cloud: outside the 24-hour customer service window")

// Core is what the adapter needs of the conversation core; *bot.Core is one.
type Core interface {
	Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error
	AddNotifier(p bot.Platform, n bot.Notifier)
}

// Options configure an Adapter. Core, Token, PhoneNumberID, AppSecret and
// VerifyToken are required.
type Options struct {
	Core          Core
	Token         string // access token with whatsapp_business_messaging
	PhoneNumberID string
	AppSecret     string // signs webhook requests
	VerifyToken   string // repeated by Meta when the webhook is registered
	// GraphURL is the Graph API's base (default https://graph.facebook.com)
	// and APIVersion its version (default v24.0).
	GraphURL   string
	APIVersion string
	HTTPClient *http.Client // default: 30s timeout
	Log        *slog.Logger
	Metrics    *metrics.Metrics
	// AnswerTimeout bounds the work on one message, from when its chat's
	// earlier messages are answered (default 2m).
	AnswerTimeout time.Duration
	// Backoff is the first delay before retrying a send (default 1s).
	Backoff time.Duration
	// MaxMedia caps a downloaded file (default 20 MB).
	MaxMedia int64
	Now      func() time.Time
}

// Adapter is the Cloud API side of the bot: WebhookHandler receives,
// Run checks the credentials and waits for shutdown, Notify sends admins
// what they did not ask for, Check reports for /readyz.
type Adapter struct {
	core          Core
	graph         *graph
	appSecret     []byte
	verifyToken   string
	log           *slog.Logger
	metrics       *metrics.Metrics
	answerTimeout time.Duration
	maxMedia      int64
	now           func() time.Time

	seen    *seen.Set
	window  *window
	chats   chatLocks
	answers sync.WaitGroup

	mu      sync.Mutex
	closed  bool   // shutting down: webhooks are turned away
	problem string // why the credentials do not work; "" once they do
	checked bool
}

// New makes an adapter and registers it with the core for notifications.
func New(opts Options) (*Adapter, error) {
	var missing []string
	for name, v := range map[string]string{"token": opts.Token, "phone number id": opts.PhoneNumberID,
		"app secret": opts.AppSecret, "verify token": opts.VerifyToken} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if opts.Core == nil {
		missing = append(missing, "core")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("whatsapp cloud: missing %s", strings.Join(missing, ", "))
	}
	if opts.GraphURL == "" {
		opts.GraphURL = "https://graph.facebook.com"
	}
	if opts.APIVersion == "" {
		opts.APIVersion = "v24.0"
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.AnswerTimeout == 0 {
		opts.AnswerTimeout = 2 * time.Minute
	}
	if opts.Backoff == 0 {
		opts.Backoff = time.Second
	}
	if opts.MaxMedia == 0 {
		opts.MaxMedia = 20 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &Adapter{
		core: opts.Core,
		graph: &graph{
			base:    strings.TrimRight(opts.GraphURL, "/") + "/" + opts.APIVersion,
			phoneID: opts.PhoneNumberID, token: opts.Token, http: opts.HTTPClient,
			retries: 4, backoff: opts.Backoff, maxWait: time.Minute,
		},
		appSecret:     []byte(opts.AppSecret),
		verifyToken:   opts.VerifyToken,
		log:           opts.Log.With("platform", string(bot.WhatsApp), "via", "cloud"),
		metrics:       opts.Metrics,
		answerTimeout: opts.AnswerTimeout,
		maxMedia:      opts.MaxMedia,
		now:           opts.Now,
		seen:          seen.New(10000),
		window:        newWindow(24*time.Hour, opts.Now),
		problem:       "checking the access token",
	}
	a.core.AddNotifier(bot.WhatsApp, a)
	return a, nil
}

// Run checks the token and phone number id against the Graph API, again
// every minute while they fail, then waits until ctx ends, turns new
// webhooks away and finishes the answers in flight.
func (a *Adapter) Run(ctx context.Context) error {
	for ctx.Err() == nil && !a.verify(ctx) {
		t := time.NewTimer(time.Minute)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	<-ctx.Done()
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.answers.Wait()
	return nil
}

// verify asks for the phone number and records whether that worked.
func (a *Adapter) verify(ctx context.Context) bool {
	callCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	name, err := a.graph.phone(callCtx)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.problem = "checking the phone number with the Graph API: " + err.Error()
		var apiErr *APIError
		if errors.As(err, &apiErr) && (apiErr.Code == codeTokenInvalid || apiErr.Status == http.StatusUnauthorized) {
			a.problem = "the access token was refused (ATAZAN_WHATSAPP_CLOUD_TOKEN): " + apiErr.Message
		}
		if ctx.Err() == nil {
			a.log.Error("whatsapp cloud: not ready", "problem", a.problem)
		}
		return false
	}
	a.problem = ""
	a.log.Info("whatsapp cloud: ready", "number", name)
	return true
}

// Check is a readiness probe: nil once the credentials worked.
func (a *Adapter) Check(context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.problem != "" {
		return errors.New(a.problem)
	}
	return nil
}

// Notify sends a message the user did not ask for, such as an admin's
// corpus update proposal. Outside the user's 24-hour window it is not sent.
func (a *Adapter) Notify(ctx context.Context, userID string, r bot.Reply) error {
	_, err := a.send(ctx, userID, r)
	return err
}

// send delivers a reply: its messages in order, then its document. It
// returns the id of the first message.
func (a *Adapter) send(ctx context.Context, to string, r bot.Reply) (string, error) {
	if !a.window.open(to) {
		a.log.Warn("whatsapp cloud: message not sent: the user has not written in the last 24 hours, "+
			"and outside that window WhatsApp accepts only approved templates", "to", to)
		return "", ErrWindowClosed
	}
	msgs := render(r)
	if r.Document != nil {
		id, err := a.graph.upload(ctx, r.Document.Name, mimeType(r.Document.Name), r.Document.Data)
		if err != nil {
			a.metrics.Error("whatsapp")
			return "", fmt.Errorf("whatsapp cloud: %w", err)
		}
		msgs = append(msgs, &outMessage{Type: "document", Document: &document{ID: id, Filename: r.Document.Name}})
	}
	first := ""
	for i, m := range msgs {
		m.Product, m.Recipient, m.To, m.Tag = "whatsapp", "individual", to, newTag()
		id, err := a.graph.send(ctx, m)
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.Code == codeOutsideWindow {
			a.window.close(to)
			a.log.Warn("whatsapp cloud: message not sent: WhatsApp says the 24-hour window is closed", "to", to)
			return first, ErrWindowClosed
		}
		if err != nil {
			a.metrics.Error("whatsapp")
			return first, fmt.Errorf("whatsapp cloud: sending message %d of %d (%s): %w", i+1, len(msgs), m.Tag, err)
		}
		if first == "" {
			first = id
		}
	}
	return first, nil
}

// newTag names one logical message for the delivery statuses and the log.
func newTag() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "atazan-" + hex.EncodeToString(b)
}

// mimeType names the few kinds of file the bot sends.
func mimeType(name string) string {
	switch {
	case strings.HasSuffix(name, ".csv"):
		return "text/csv"
	case strings.HasSuffix(name, ".json"):
		return "application/json"
	}
	return "text/plain"
}

// responder answers one incoming message for the core.
type responder struct {
	a     *Adapter
	to    string
	msgID string
}

// Typing marks the question read and shows "typing…" until the answer.
func (r *responder) Typing(ctx context.Context) error {
	return r.a.graph.markRead(ctx, r.msgID, true)
}

func (r *responder) Send(ctx context.Context, reply bot.Reply) (string, error) {
	return r.a.send(ctx, r.to, reply)
}

// Edit is not offered: the Cloud API cannot edit a sent message.
func (r *responder) Edit(context.Context, string, bot.Reply) error {
	return errors.New("whatsapp cloud: messages are not edited")
}

func (r *responder) CanEdit() bool { return false }

// window remembers when each user last wrote, for the 24-hour rule. It is
// memory only: after a restart the bot waits for the user's next message,
// which is the safe side of the rule.
type window struct {
	span time.Duration
	now  func() time.Time

	mu   sync.Mutex
	last map[string]time.Time
}

func newWindow(span time.Duration, now func() time.Time) *window {
	return &window{span: span, now: now, last: make(map[string]time.Time)}
}

// touch records a message from user at t.
func (w *window) touch(user string, t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t.After(w.last[user]) {
		w.last[user] = t
	}
	if len(w.last) > 100000 {
		for u, at := range w.last {
			if w.now().Sub(at) > w.span {
				delete(w.last, u)
			}
		}
	}
}

// open reports whether user wrote within the window.
func (w *window) open(user string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	at, ok := w.last[user]
	return ok && w.now().Sub(at) < w.span
}

func (w *window) close(user string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.last, user)
}

// chatLocks serialises the answers in each chat, so that a quick second
// question is answered after the first.
type chatLocks struct {
	mu    sync.Mutex
	locks map[string]*chatLock
}

type chatLock struct {
	mu    sync.Mutex
	users int
}

func (c *chatLocks) lock(chat string) (unlock func()) {
	c.mu.Lock()
	if c.locks == nil {
		c.locks = make(map[string]*chatLock)
	}
	l := c.locks[chat]
	if l == nil {
		l = &chatLock{}
		c.locks[chat] = l
	}
	l.users++
	c.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		c.mu.Lock()
		if l.users--; l.users == 0 {
			delete(c.locks, chat)
		}
		c.mu.Unlock()
	}
}
