package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"atazan/bot"
	"atazan/bot/telegram"
	"atazan/bot/whatsapp"
	"atazan/bot/whatsappcloud"
	"atazan/config"
	"atazan/corpus"
	"atazan/httpapi"
	"atazan/metrics"
	"atazan/rag"
)

const noMessengerHelp = `No messenger is configured, so only the HTTP server runs.
  Telegram: create a bot with @BotFather and set ATAZAN_TELEGRAM_TOKEN.
  WhatsApp: run "%[1]s whatsapp link", then set ATAZAN_WHATSAPP_ENABLED=true.
To talk to the bot right now, in this terminal: %[1]s chat
`

// runServe runs every configured messenger and the HTTP server until
// SIGTERM or SIGINT, then lets answers in flight finish and closes the
// stores. With --healthcheck it only probes a running server, which is the
// container's HEALTHCHECK.
func runServe(ctx context.Context, e *env) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	healthcheck := fs.Bool("healthcheck", false, "probe the running server's /healthz and exit non-zero unless it answers")
	if err := fs.Parse(e.args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; usage: atazan serve [--healthcheck]", fs.Args())
	}
	if *healthcheck {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return httpapi.Probe(ctx, e.cfg.HTTPAddr, "/healthz")
	}
	if err := checkServeConfig(e); err != nil {
		return err
	}
	return newServer(e).run(ctx)
}

// checkServeConfig logs warnings and refuses to start on errors, listing
// them with their fixes.
func checkServeConfig(e *env) error {
	problems := e.cfg.Validate()
	if n := config.ErrorCount(problems); n > 0 {
		writeProblems(e.stderr, problems)
		return fmt.Errorf("%d configuration error(s); atazan config check shows the effective configuration", n)
	}
	for _, p := range problems {
		e.log.Warn("configuration", "env", p.Env, "problem", p.What, "fix", p.Fix)
	}
	var settings []any
	for _, st := range e.cfg.Settings() {
		settings = append(settings, slog.String(st.Env, st.Value))
	}
	e.log.Debug("effective configuration", settings...)
	return nil
}

// server is one run of atazan serve: long-running parts in a group, where
// the first to fail stops the others, and what to close once all stopped.
type server struct {
	e       *env
	metrics *metrics.Metrics
	web     *httpapi.Server
	group   *errgroup.Group
	ctx     context.Context            // the group's: ends on shutdown or a failure
	closers []func() error             // closed in reverse order
	engine  atomic.Pointer[rag.Engine] // set once the corpus is loaded
	waiting atomic.Pointer[error]      // why there is no corpus yet, while waiting for one
}

func newServer(e *env) *server {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &server{e: e, metrics: metrics.New(reg)}
	s.web = httpapi.New(httpapi.Options{
		Addr: e.cfg.HTTPAddr, Registry: reg, ShutdownTimeout: e.cfg.ShutdownTimeout, Log: e.log,
	})
	return s
}

// run serves until ctx ends or a part fails.
func (s *server) run(ctx context.Context) error {
	groupCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.group, s.ctx = errgroup.WithContext(groupCtx)
	// HTTP first, so that probes answer during a long first start.
	s.group.Go(func() error { return s.web.Run(s.ctx) })
	s.web.AddCheck("corpus", func(context.Context) error {
		if err := s.waiting.Load(); err != nil {
			return *err
		}
		if e := s.engine.Load(); e == nil || !e.Ready() {
			return errors.New("loading the corpus and building the search index")
		}
		return nil
	})

	messengers, err := s.start()
	switch {
	case err != nil && ctx.Err() != nil:
		// Stopped while starting: not a failure.
		s.e.log.Info("stopped while starting", "reason", err)
		err = s.group.Wait()
	case err != nil:
		cancel()
		err = errors.Join(err, s.group.Wait())
	default:
		if len(messengers) == 0 {
			fmt.Fprintf(s.e.stderr, noMessengerHelp, s.e.program())
		}
		s.e.log.Info("serving", "http", s.e.cfg.HTTPAddr, "messengers", messengers,
			"llm", s.e.cfg.LLM.Enabled(), "postgres", s.e.cfg.DatabaseURL != "")
		err = s.wait(ctx)
	}
	for i := len(s.closers) - 1; i >= 0; i-- {
		err = errors.Join(err, s.closers[i]())
	}
	if err == nil {
		s.e.log.Info("stopped")
	}
	return err
}

// start opens the corpus, engine and core, then starts each configured
// messenger with its probe, and the official-source watch. It returns the
// names of the messengers started.
func (s *server) start() ([]string, error) {
	app, err := s.openWaiting()
	if err != nil {
		return nil, fmt.Errorf("opening the bot: %w", err)
	}
	s.closers = append(s.closers, func() error {
		if err := app.Close(); err != nil {
			return fmt.Errorf("closing the stores: %w", err)
		}
		return nil
	})
	tidyCorpus(s.ctx, app.corpus, s.e.cfg.Corpus.KeepVersions, s.e.log)
	follow := &corpusFollower{store: app.corpus, engine: app.engine, every: corpusPollEvery, log: s.e.log, metrics: s.metrics}
	s.group.Go(func() error { follow.run(s.ctx); return nil })

	started := []string{}
	if s.e.cfg.Telegram.Enabled() {
		if err := s.startTelegram(app.core, app.store); err != nil {
			return started, err
		}
		started = append(started, "telegram")
	}
	if s.e.cfg.WhatsApp.Enabled {
		if err := s.startWhatsApp(app.core); err != nil {
			return started, err
		}
		started = append(started, "whatsapp")
	}
	if s.e.cfg.Corpus.Watch > 0 {
		w := officialWatcher(s.e, app.corpus, app.core, s.metrics)
		s.group.Go(func() error { return w.Run(s.ctx) })
	}
	// Ready only now: before the messengers' checks are registered,
	// /readyz would say ready for a bot that cannot answer yet.
	s.engine.Store(app.engine)
	return started, nil
}

// tidyCorpus deletes what killed imports left behind and the versions past
// the retention, and makes every later activation keep to it. A failure is
// logged: it costs disk space, not service.
func tidyCorpus(ctx context.Context, cs *corpus.Store, keep int, log *slog.Logger) {
	if removed, err := cs.Cleanup(ctx, time.Now()); err != nil {
		log.Warn("cleaning up the corpus store", "err", err)
	} else if len(removed) > 0 {
		log.Info("removed files left by interrupted imports", "files", removed)
	}
	removed, err := cs.Prune(ctx, keep)
	if err != nil {
		log.Warn("pruning old corpus versions", "err", err)
	}
	if len(removed) > 0 {
		log.Info("pruned old corpus versions", "keep", keep, "removed", removed)
	}
	cs.KeepVersions(keep)
}

// openWaiting opens the bot, and while there are no texts to serve it
// waits and tries again (1 min, doubling to 30 min) with /readyz saying
// why: a server that exited would be restarted into the same failure, over
// and over. Texts imported meanwhile ("atazan corpus import", a mounted
// ATAZAN_CORPUS_SRC) or a reachable official source end the wait.
func (s *server) openWaiting() (*app, error) {
	wait := noTextsRetry
	for {
		a, err := openApp(s.ctx, s.e, s.metrics)
		if !errors.Is(err, errNoTexts) || s.ctx.Err() != nil {
			s.waiting.Store(nil)
			return a, err
		}
		s.waiting.Store(&err)
		s.e.log.Error("waiting for the constitution texts", "retry_in", wait.String(), "err", err)
		t := time.NewTimer(wait)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return nil, s.ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 30*time.Minute)
	}
}

// noTextsRetry is the first wait of a server that has no texts to serve.
const noTextsRetry = time.Minute

func (s *server) startTelegram(core *bot.Core, queue telegram.Queue) error {
	tg := s.e.cfg.Telegram
	a, err := telegram.New(telegram.Options{
		Token: tg.Token, Endpoint: tg.APIEndpoint, WebhookURL: tg.WebhookURL, WebhookSecret: tg.WebhookSecret,
		Core: core, Queue: queue, Log: s.e.log, Metrics: s.metrics,
	})
	if err != nil {
		return err
	}
	if tg.WebhookURL != "" {
		path, err := webhookPath(tg.WebhookURL)
		if err != nil {
			return err
		}
		s.web.Handle(path, a.WebhookHandler())
	}
	s.web.AddCheck("telegram", a.Check) // says why, e.g. the Bot API unreachable
	s.group.Go(func() error { return a.Run(s.ctx) })
	return nil
}

func (s *server) startWhatsApp(core *bot.Core) error {
	if s.e.cfg.WhatsApp.UsesCloud() {
		return s.startWhatsAppCloud(core)
	}
	session, err := whatsapp.OpenSession(s.ctx, s.e.cfg.DataDir, s.e.cfg.WhatsAppDSN(), s.e.log)
	if err != nil {
		return err
	}
	s.closers = append(s.closers, session.Close)
	a, err := whatsapp.New(whatsapp.Options{Core: core, Session: session, Log: s.e.log, Metrics: s.metrics})
	if err != nil {
		return err
	}
	s.web.AddCheck("whatsapp", a.Check)
	s.group.Go(func() error { return a.Run(s.ctx) })
	return nil
}

func (s *server) startWhatsAppCloud(core *bot.Core) error {
	c := s.e.cfg.WhatsApp.Cloud
	a, err := whatsappcloud.New(whatsappcloud.Options{
		Core: core, Token: c.Token, PhoneNumberID: c.PhoneNumberID, AppSecret: c.AppSecret, VerifyToken: c.VerifyToken,
		GraphURL: c.GraphURL, APIVersion: c.APIVersion, Log: s.e.log, Metrics: s.metrics,
	})
	if err != nil {
		return err
	}
	s.web.Handle(whatsappcloud.WebhookPath, a.WebhookHandler())
	s.web.AddCheck("whatsapp", a.Check)
	s.group.Go(func() error { return a.Run(s.ctx) })
	return nil
}

// wait waits for every part; once ctx ends (SIGTERM) it gives them
// ShutdownTimeout to finish the answers in flight, then gives up on them.
func (s *server) wait(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- s.group.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	grace := s.e.cfg.ShutdownTimeout
	select {
	case err := <-done:
		return err
	case <-time.After(grace):
		return fmt.Errorf("answers still in flight %s after the shutdown signal; stopping anyway", grace)
	}
}

// webhookPath is where the Telegram webhook is mounted: the path of its
// public URL, which a TLS-terminating proxy forwards unchanged.
func webhookPath(webhookURL string) (string, error) {
	u, err := url.Parse(webhookURL)
	if err != nil {
		return "", fmt.Errorf("parsing ATAZAN_TELEGRAM_WEBHOOK_URL: %w", err)
	}
	if u.Path == "" || u.Path == "/" {
		return "/{$}", nil
	}
	return u.Path, nil
}

// corpusPollEvery is how often serve looks for a corpus version that
// another replica, or "atazan corpus import" on the same data, activated
// or rolled back to.
const corpusPollEvery = 30 * time.Second

// indexLoader re-indexes the corpus; *rag.Engine is one.
type indexLoader interface {
	Load(ctx context.Context, docs []*corpus.Document, align *corpus.Alignment) error
}

// corpusFollower keeps a replica serving the active corpus versions: it
// polls the store and, when another process switched a version, loads it
// and re-indexes in the background while the old index keeps answering.
// Switches made through this replica's own core are re-indexed by the
// core and found unchanged here.
type corpusFollower struct {
	store   *corpus.Store
	engine  indexLoader
	every   time.Duration
	log     *slog.Logger
	metrics *metrics.Metrics
}

// run polls until ctx ends. A failed poll (the database away for a
// moment) is logged and tried again at the next tick: what is served stays.
func (f *corpusFollower) run(ctx context.Context) {
	tick := time.NewTicker(f.every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := f.poll(ctx); err != nil && ctx.Err() == nil {
			f.metrics.Error("corpus")
			f.log.Warn("following the corpus versions", "err", err)
		}
	}
}

func (f *corpusFollower) poll(ctx context.Context) error {
	changed, err := f.store.Refresh(ctx)
	if err != nil || !changed {
		return err
	}
	docs := f.store.Documents()
	versions := make([]string, len(docs))
	for i, d := range docs {
		versions[i] = d.ID + "@" + d.Version.ID
	}
	f.log.Info("corpus switched by another process; re-indexing", "versions", versions)
	start := time.Now()
	if err := f.engine.Load(ctx, docs, f.store.Alignment()); err != nil {
		return fmt.Errorf("re-indexing after a switch elsewhere: %w", err)
	}
	f.log.Info("re-indexed the corpus", "took", time.Since(start).Round(time.Millisecond))
	return nil
}
