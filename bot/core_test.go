package bot

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"atazan/bot/store"
	"atazan/config"
	"atazan/corpus"
	"atazan/rag"
	"atazan/rag/answer"
)

// The core is tested with the real corpus store on the fixture texts in
// testdata/corpus-src (short invented articles), the real SQLite store, and
// a scripted engine that records what the core asks it.

type fakeEngine struct {
	mu        sync.Mutex
	questions []rag.Question
	stream    []string // partial texts to report before answering
	onPartial func()   // called after each partial, e.g. to move the clock
	loads     int
	loaded    []*corpus.Document
	loadGate  chan struct{} // when set, Load waits for it
	fail      bool
	hang      chan struct{} // when set, Answer waits for it, as for a hung LLM
	arrived   chan string   // when set, gets each question as Answer starts on it
}

func (e *fakeEngine) Answer(ctx context.Context, q rag.Question, partial func(string)) (*rag.Answer, error) {
	e.mu.Lock()
	e.questions = append(e.questions, q)
	stream, onPartial, fail, hang, arrived := e.stream, e.onPartial, e.fail, e.hang, e.arrived
	e.mu.Unlock()
	if arrived != nil {
		arrived <- q.Text
	}
	if hang != nil {
		select {
		case <-hang:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if fail {
		return nil, context.DeadlineExceeded
	}
	for _, s := range stream {
		if partial != nil {
			partial(s)
		}
		if onPartial != nil {
			onPartial()
		}
	}
	if strings.Contains(q.Text, "погод") {
		return &rag.Answer{Result: answer.Abstain(q.Lang)}, nil
	}
	ref := corpus.Ref{Doc: "kz2026", Article: "2", Point: "2"}
	return &rag.Answer{Result: answer.Result{
		Lang:    q.Lang,
		Mode:    answer.ModeExtractive,
		Lead:    "Коротко: с шестнадцати лет (" + ref.Format(q.Lang) + ").",
		Quotes:  []answer.Quote{{Ref: ref, Text: "Трудиться по трудовому договору можно с шестнадцати лет."}},
		Sources: []corpus.Ref{ref},
		Note:    "Это не юридическая консультация.",
	}}, nil
}

func (e *fakeEngine) Load(ctx context.Context, docs []*corpus.Document, align *corpus.Alignment) error {
	e.mu.Lock()
	gate := e.loadGate
	e.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.loads++
	e.loaded = docs
	return nil
}

func (e *fakeEngine) asked() []rag.Question {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]rag.Question(nil), e.questions...)
}

// recorder is a Responder that keeps what the core sent.
type recorder struct {
	mu      sync.Mutex
	canEdit bool
	events  []event
	typing  int
	next    int
}

type event struct {
	edit  bool
	id    string
	reply Reply
}

func (r *recorder) Typing(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.typing++
	return nil
}

func (r *recorder) Send(_ context.Context, rep Reply) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next++
	id := strconv.Itoa(r.next)
	r.events = append(r.events, event{id: id, reply: rep})
	return id, nil
}

func (r *recorder) Edit(_ context.Context, id string, rep Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{edit: true, id: id, reply: rep})
	return nil
}

func (r *recorder) CanEdit() bool { return r.canEdit }

func (r *recorder) all() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.events...)
}

// last is the latest reply sent or edited in.
func (r *recorder) last() Reply {
	ev := r.all()
	if len(ev) == 0 {
		return Reply{}
	}
	return ev[len(ev)-1].reply
}

func (r *recorder) text() string { return r.last().Plain() }

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type harness struct {
	t      testing.TB
	dir    string
	cfg    config.Bot
	engine *fakeEngine
	corpus *corpus.Store
	store  *store.Store
	clock  *clock
	core   *Core
}

const admin = "admin"

func newHarness(t testing.TB, tune ...func(*config.Bot)) *harness {
	t.Helper()
	cfg := config.Default().Bot
	cfg.RatePerMinute = 100
	for _, f := range tune {
		f(&cfg)
	}
	h := &harness{t: t, dir: t.TempDir(), cfg: cfg, engine: &fakeEngine{},
		clock: &clock{t: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}}
	cs, err := corpus.OpenStore(h.dir + "/corpus")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.ImportDir(context.Background(), "testdata/corpus-src", "test"); err != nil {
		t.Fatal(err)
	}
	h.corpus = cs
	h.open()
	t.Cleanup(func() {
		h.core.Close()
		h.store.Close()
	})
	return h
}

// open (re)creates the store and the core over the same data dir, as a restart does.
func (h *harness) open() {
	h.t.Helper()
	st, err := store.Open(context.Background(), h.dir, "")
	if err != nil {
		h.t.Fatal(err)
	}
	h.store = st
	h.core = New(Options{Engine: h.engine, Corpus: h.corpus, Store: st, Admins: []string{"tg:" + admin},
		Bot: h.cfg, Now: h.clock.now})
}

func (h *harness) restart() {
	h.t.Helper()
	h.core.Close()
	if err := h.store.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

// send delivers a private Telegram message from user and returns what came back.
func (h *harness) send(user, text string) *recorder {
	h.t.Helper()
	return h.handle(Incoming{Platform: Telegram, ChatID: user, UserID: user, Text: text})
}

func (h *harness) press(user, data string) *recorder {
	h.t.Helper()
	return h.handle(Incoming{Platform: Telegram, ChatID: user, UserID: user, Callback: data})
}

func (h *harness) handle(in Incoming) *recorder {
	h.t.Helper()
	out := &recorder{}
	if err := h.core.Handle(context.Background(), in, out); err != nil {
		h.t.Fatalf("Handle(%+v): %v", in, err)
	}
	return out
}

// action finds a button of the reply by the start of its data.
func action(r Reply, prefix string) (Action, bool) {
	for _, a := range r.Actions {
		if strings.HasPrefix(a.Data, prefix) {
			return a, true
		}
	}
	return Action{}, false
}
