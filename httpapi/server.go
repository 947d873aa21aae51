// Package httpapi is atazan's HTTP server: liveness and readiness probes for
// orchestrators and load balancers, Prometheus metrics, and the mount point
// for messenger webhooks.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check reports the state of one part of the service: nil when it works,
// else an error saying why not, in words an operator can act on
// ("logged out: run atazan whatsapp link").
type Check func(ctx context.Context) error

// Options configure a Server.
type Options struct {
	Addr string // listen address, e.g. ":8080"
	// Registry is served at /metrics; nil serves no metrics. It is our own
	// registry, never the global default one.
	Registry *prometheus.Registry
	// ShutdownTimeout bounds how long Serve waits for requests in flight
	// (webhook updates being answered) once its context ends.
	ShutdownTimeout time.Duration
	// CheckTimeout bounds each check while answering a probe.
	CheckTimeout time.Duration
	Log          *slog.Logger
}

// Server serves /healthz, /readyz, /metrics and whatever is mounted with
// Handle. Checks and handlers may be added while it serves, so that probes
// answer during a long first start (fetching and indexing the corpus).
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu     sync.Mutex
	checks []namedCheck
}

type namedCheck struct {
	name  string
	check Check
}

// New returns a server that is not yet listening.
func New(opts Options) *Server {
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 30 * time.Second
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 2 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if reg := opts.Registry; reg != nil {
		s.mux.Handle("GET /metrics", promhttp.InstrumentMetricHandler(reg,
			promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, ErrorLog: slog.NewLogLogger(opts.Log.Handler(), slog.LevelError)})))
	}
	return s
}

// AddCheck adds a part of the service that the probes report on under name.
func (s *Server) AddCheck(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checks = append(s.checks, namedCheck{name, c})
}

// Handle mounts h at pattern (http.ServeMux syntax), e.g. the Telegram
// webhook at "POST /telegram".
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
}

// Handler returns the server's routes, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.mux }

// Run listens on the configured address and serves until ctx ends.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("listening for HTTP on %s: %w", s.opts.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then stops accepting connections and
// waits up to ShutdownTimeout for requests in flight. It returns nil after a
// clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.opts.Log.Handler(), slog.LevelWarn),
		// Requests in flight outlive ctx: a webhook update being answered
		// should finish during a graceful shutdown.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.opts.Log.Info("http server listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("serving HTTP on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	if err != nil {
		srv.Close()
		return fmt.Errorf("shutting down HTTP server: %w", err)
	}
	s.opts.Log.Info("http server stopped")
	return nil
}
