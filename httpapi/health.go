package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Report is the body of /healthz and /readyz.
type Report struct {
	// Status is "ok" when every check passes; otherwise "degraded" on
	// /healthz and "unavailable" on /readyz.
	Status string `json:"status"`
	// Checks maps each check's name to "ok" or the reason it fails.
	Checks map[string]string `json:"checks"`
}

// healthz is liveness: the process serves HTTP, so it answers 200 whatever
// the checks say; it reports them so that an operator sees, e.g., a logged
// out WhatsApp session. Restarting would not fix that, and an orchestrator
// restarting on it would only loop.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.report(r.Context())
	if !ok {
		rep.Status = "degraded"
	}
	writeReport(w, http.StatusOK, rep)
}

// readyz is readiness: 200 when the corpus and index are loaded and every
// messenger is connected, else 503 with the reasons, so that a load balancer
// sends webhook updates only to replicas that can answer them.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.report(r.Context())
	code := http.StatusOK
	if !ok {
		rep.Status = "unavailable"
		code = http.StatusServiceUnavailable
	}
	writeReport(w, code, rep)
}

// report runs every check, each under CheckTimeout.
func (s *Server) report(ctx context.Context) (Report, bool) {
	s.mu.Lock()
	checks := append([]namedCheck(nil), s.checks...)
	s.mu.Unlock()

	rep := Report{Status: "ok", Checks: make(map[string]string, len(checks))}
	ok := true
	for _, c := range checks {
		if err := s.run(ctx, c.check); err != nil {
			ok = false
			rep.Checks[c.name] = err.Error()
			continue
		}
		rep.Checks[c.name] = "ok"
	}
	return rep, ok
}

// run runs one check under CheckTimeout; a check that ignores its context
// still cannot hang the probe.
func (s *Server) run(ctx context.Context, c Check) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.CheckTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("no answer within %s", s.opts.CheckTimeout)
	}
}

func writeReport(w http.ResponseWriter, code int, rep Report) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(rep)
}
