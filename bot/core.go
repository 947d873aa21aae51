package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"atazan/bot/store"
	"atazan/config"
	"atazan/corpus"
	"atazan/metrics"
	"atazan/rag"
)

// Engine answers questions and re-indexes the corpus; *rag.Engine is one.
type Engine interface {
	Answer(ctx context.Context, q rag.Question, partial func(text string)) (*rag.Answer, error)
	Load(ctx context.Context, docs []*corpus.Document, align *corpus.Alignment) error
}

// Corpus is the versioned constitution store; *corpus.Store is one.
type Corpus interface {
	Documents() []*corpus.Document
	Document(id string) *corpus.Document
	Alignment() *corpus.Alignment
	Stage(ctx context.Context, req corpus.StageRequest) (*corpus.Staged, error)
	Activate(ctx context.Context, stagedID, by string) (*corpus.Document, error)
	Discard(stagedID string) error
	Rollback(ctx context.Context, doc, by string) (*corpus.Document, error)
}

// Responder answers one incoming message. Adapters make one per message.
// It may be used after Handle returns: an admin's activation reports the
// background re-indexing through it.
type Responder interface {
	Typing(ctx context.Context) error
	Send(ctx context.Context, r Reply) (msgID string, err error)
	// Edit replaces a sent message; used for streaming only when CanEdit.
	Edit(ctx context.Context, msgID string, r Reply) error
	CanEdit() bool
}

// Notifier sends a message the user did not ask for (to admins).
type Notifier interface {
	Notify(ctx context.Context, userID string, r Reply) error
}

// Options configure a Core.
type Options struct {
	Engine  Engine
	Corpus  Corpus
	Store   *store.Store
	Admins  []string // platform-prefixed: "tg:123", "wa:77011234567"
	Bot     config.Bot
	Log     *slog.Logger
	Metrics *metrics.Metrics
	Now     func() time.Time // nil = time.Now
	Battle  BattleOptions
}

// Core is the conversation service shared by every messenger.
type Core struct {
	engine  Engine
	corpus  Corpus
	store   *store.Store
	admins  map[string]bool
	cfg     config.Bot
	log     *slog.Logger
	metrics *metrics.Metrics
	now     func() time.Time

	// editEvery is the least time between two streaming edits; progressEvery
	// between two "still indexing" messages.
	editEvery     time.Duration
	progressEvery time.Duration

	// answering bounds the engine's work apart from commands and small talk.
	answering *answering

	mu        sync.Mutex
	notifiers map[Platform]Notifier
	battles   *battles // the /battle games running here

	// Background work (re-indexing) runs under bg and is waited for by Close;
	// reindex lets one re-indexing run at a time.
	bg      context.Context
	stop    context.CancelFunc
	running sync.WaitGroup
	reindex sync.Mutex
}

// New makes a Core.
func New(opts Options) *Core {
	c := &Core{
		engine:        opts.Engine,
		corpus:        opts.Corpus,
		store:         opts.Store,
		admins:        map[string]bool{},
		cfg:           opts.Bot,
		log:           opts.Log,
		metrics:       opts.Metrics,
		now:           opts.Now,
		editEvery:     time.Second,
		progressEvery: 30 * time.Second,
		notifiers:     map[Platform]Notifier{},
		answering:     newAnswering(opts.Bot.AnswerWorkers, opts.Bot.AnswerQueue),
		battles:       newBattles(opts.Battle),
	}
	for _, a := range opts.Admins {
		c.admins[strings.TrimSpace(a)] = true
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.cfg.DefaultLang == "" {
		c.cfg.DefaultLang = string(corpus.RU)
	}
	c.bg, c.stop = context.WithCancel(context.Background())
	return c
}

// Close stops background work and waits for it.
func (c *Core) Close() error {
	c.stop()
	c.stopBattles()
	c.running.Wait()
	return nil
}

// AddNotifier registers the adapter that delivers proactive messages on p.
func (c *Core) AddNotifier(p Platform, n Notifier) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.notifiers[p] = n
}

func (c *Core) notifier(p Platform) Notifier {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.notifiers[p]
}

// Handle answers one incoming message: a command, a button, a file or a
// question. A move in the chat's battle (an answer, an opinion, a vote)
// takes the message first, then a proposal being written in the chat.
func (c *Core) Handle(ctx context.Context, in Incoming, out Responder) error {
	if done, err := c.battleMove(ctx, in, out); done {
		return err
	}
	if handled, err := c.proposalInput(ctx, in, out); handled {
		return err
	}
	switch {
	case in.Callback != "":
		return c.callback(ctx, in, out)
	case in.File != nil:
		return c.upload(ctx, in, out)
	case in.NonText != "" && strings.TrimSpace(in.Text) == "":
		return c.say(ctx, in, out, c.textsOf(ctx, in).nonText)
	}
	text := strings.TrimSpace(in.Text)
	if name, args, ok := parseCommand(text); ok {
		return c.command(ctx, in, out, name, args)
	}
	return c.question(ctx, in, out)
}

// say sends a one-paragraph reply.
func (c *Core) say(ctx context.Context, in Incoming, out Responder, text string) error {
	_, err := out.Send(ctx, plainReply(text))
	return err
}

func plainReply(text string) Reply {
	var r Reply
	for _, p := range strings.Split(text, "\n\n") {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: p}})
	}
	return r
}

// userKey is the user's id as written in config: "tg:123".
func userKey(in Incoming) string { return store.UserKey(string(in.Platform), in.UserID) }

func (c *Core) isAdmin(in Incoming) bool { return c.admins[userKey(in)] }
