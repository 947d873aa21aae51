package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"atazan/metrics"
)

func ok(context.Context) error { return nil }

func failing(msg string) Check {
	return func(context.Context) error { return errors.New(msg) }
}

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func TestProbes(t *testing.T) {
	hang := func(ctx context.Context) error { select {} } // ignores its context
	tests := []struct {
		name        string
		checks      map[string]Check
		healthCode  int
		healthState string
		readyCode   int
		readyState  string
		reasons     map[string]string
	}{
		{
			name:       "nothing to check yet",
			healthCode: 200, healthState: "ok", readyCode: 200, readyState: "ok",
			reasons: map[string]string{},
		},
		{
			name:       "all ready",
			checks:     map[string]Check{"corpus": ok, "telegram": ok},
			healthCode: 200, healthState: "ok", readyCode: 200, readyState: "ok",
			reasons: map[string]string{"corpus": "ok", "telegram": "ok"},
		},
		{
			name: "index still loading",
			checks: map[string]Check{
				"corpus":   failing("loading the corpus and building the index"),
				"telegram": ok,
			},
			healthCode: 200, healthState: "degraded", readyCode: 503, readyState: "unavailable",
			reasons: map[string]string{"corpus": "loading the corpus and building the index", "telegram": "ok"},
		},
		{
			name:       "whatsapp logged out is alive but not ready",
			checks:     map[string]Check{"whatsapp": failing("logged out: run atazan whatsapp link")},
			healthCode: 200, healthState: "degraded", readyCode: 503, readyState: "unavailable",
			reasons: map[string]string{"whatsapp": "logged out: run atazan whatsapp link"},
		},
		{
			name:       "a hanging check cannot hang the probe",
			checks:     map[string]Check{"stuck": hang},
			healthCode: 200, healthState: "degraded", readyCode: 503, readyState: "unavailable",
			reasons: map[string]string{"stuck": "no answer within 20ms"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{CheckTimeout: 20 * time.Millisecond})
			for name, c := range tt.checks {
				s.AddCheck(name, c)
			}
			for _, probe := range []struct {
				path  string
				code  int
				state string
			}{{"/healthz", tt.healthCode, tt.healthState}, {"/readyz", tt.readyCode, tt.readyState}} {
				code, body := get(t, s.Handler(), probe.path)
				if code != probe.code {
					t.Errorf("%s: status %d, want %d", probe.path, code, probe.code)
				}
				var rep Report
				if err := json.Unmarshal([]byte(body), &rep); err != nil {
					t.Fatalf("%s: body %q is not a report: %v", probe.path, body, err)
				}
				if rep.Status != probe.state {
					t.Errorf("%s: status %q, want %q", probe.path, rep.Status, probe.state)
				}
				if len(rep.Checks) != len(tt.reasons) {
					t.Errorf("%s: checks %v, want %v", probe.path, rep.Checks, tt.reasons)
				}
				for name, want := range tt.reasons {
					if rep.Checks[name] != want {
						t.Errorf("%s: check %s = %q, want %q", probe.path, name, rep.Checks[name], want)
					}
				}
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	m.Question("tg", "kk")
	m.Question("tg", "kk")
	m.Answer("extractive")
	m.ObserveRetrieval(3 * time.Millisecond)
	m.Limited("wa")
	// Something on the global registry must not leak into ours.
	global := prometheus.NewCounter(prometheus.CounterOpts{Name: "atazan_test_global_total", Help: "x"})
	if err := prometheus.DefaultRegisterer.Register(global); err == nil {
		defer prometheus.DefaultRegisterer.Unregister(global)
	}

	s := New(Options{Registry: reg})
	code, body := get(t, s.Handler(), "/metrics")
	if code != 200 {
		t.Fatalf("/metrics status %d", code)
	}
	for _, want := range []string{
		`atazan_questions_total{lang="kk",platform="tg"} 2`,
		`atazan_answers_total{mode="extractive"} 1`,
		`atazan_retrieval_seconds_bucket{le="0.005"} 1`,
		`atazan_rate_limited_total{platform="wa"} 1`,
		`promhttp_metric_handler_requests_total{code="200"} 0`, // counted after this scrape is written
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "atazan_test_global_total") || strings.Contains(body, "go_goroutines") {
		t.Error("/metrics serves the global default registry")
	}
	if _, body := get(t, s.Handler(), "/metrics"); !strings.Contains(body, `promhttp_metric_handler_requests_total{code="200"} 1`) {
		t.Error("scrapes are not counted")
	}
}

func TestNoRegistryNoMetrics(t *testing.T) {
	if code, _ := get(t, New(Options{}).Handler(), "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics without a registry: status %d, want 404", code)
	}
}

func TestProbesAreGetOnly(t *testing.T) {
	rec := httptest.NewRecorder()
	New(Options{}).Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/readyz", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /readyz: status %d, want 405", rec.Code)
	}
}

// serve starts s on a loopback port and returns its base URL and a stop
// function that cancels the serve context and returns Serve's error.
func serve(t *testing.T, s *Server) (string, func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	var once bool
	stop := func() error {
		if once {
			return nil
		}
		once = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("Serve did not return after its context ended")
			return nil
		}
	}
	t.Cleanup(func() { stop() })
	return "http://" + ln.Addr().String(), stop
}

func TestMountWhileServing(t *testing.T) {
	s := New(Options{})
	base, stop := serve(t, s)

	resp, err := http.Post(base+"/telegram", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("before mounting: status %d, want 404", resp.StatusCode)
	}

	s.Handle("POST /telegram", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Write(append([]byte("got "), body...))
	}))
	s.AddCheck("telegram", ok)
	resp, err = http.Post(base+"/telegram", "application/json", strings.NewReader(`{"update_id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `got {"update_id":1}` {
		t.Errorf("mounted handler: %d %q", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Errorf("clean shutdown returned %v", err)
	}
}

func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	s := New(Options{ShutdownTimeout: 5 * time.Second})
	started, release := make(chan struct{}), make(chan struct{})
	s.Handle("POST /telegram", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		if r.Context().Err() != nil {
			http.Error(w, "cancelled", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "answered")
	}))
	base, stop := serve(t, s)

	type result struct {
		body string
		err  error
	}
	inFlight := make(chan result, 1)
	go func() {
		resp, err := http.Post(base+"/telegram", "application/json", strings.NewReader("{}"))
		if err != nil {
			inFlight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inFlight <- result{string(b), err}
	}()
	<-started

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	// Shutdown closes the listener first: wait until new connections fail.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("server still accepts connections during shutdown")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-stopped:
		t.Fatalf("Serve returned (%v) before the request in flight finished", err)
	default:
	}

	close(release)
	if r := <-inFlight; r.err != nil || r.body != "answered" {
		t.Errorf("request in flight: %q, %v; want it answered", r.body, r.err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("graceful shutdown returned %v", err)
	}
}

func TestShutdownGivesUpAfterTimeout(t *testing.T) {
	s := New(Options{ShutdownTimeout: 50 * time.Millisecond})
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	s.Handle("GET /slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	}))
	base, stop := serve(t, s)
	go func() {
		if resp, err := http.Get(base + "/slow"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	err := stop()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Serve with a stuck request returned %v, want a deadline error", err)
	}
}

func TestRunReportsBadAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = New(Options{Addr: ln.Addr().String()}).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("Run on a busy port: %v, want an error naming the address", err)
	}
}

func TestProbe(t *testing.T) {
	s := New(Options{})
	base, _ := serve(t, s)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	ctx := context.Background()

	for _, addr := range []string{":" + port, "0.0.0.0:" + port, "127.0.0.1:" + port} {
		if err := Probe(ctx, addr, "/healthz"); err != nil {
			t.Errorf("Probe(%q, /healthz): %v", addr, err)
		}
	}
	s.AddCheck("corpus", failing("loading"))
	if err := Probe(ctx, ":"+port, "/healthz"); err != nil {
		t.Errorf("liveness must not fail on a degraded check: %v", err)
	}
	err := Probe(ctx, ":"+port, "/readyz")
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "loading") {
		t.Errorf("Probe /readyz while loading: %v, want 503 with the reason", err)
	}
	if err := Probe(ctx, "no-port", "/healthz"); err == nil {
		t.Error("Probe of a bad address succeeded")
	}
}
