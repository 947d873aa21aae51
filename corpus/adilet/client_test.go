package adilet_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"atazan/corpus"
	"atazan/corpus/adilet"
	"atazan/corpus/adilet/adilettest"
)

// zipWithout makes a zip that is not a Word document.
func zipWithout(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("hello"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hits counts requests per path and remembers the last User-Agent.
type hits struct {
	mu sync.Mutex
	n  int
	ua string
}

func (h *hits) get() (int, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n, h.ua
}

func (h *hits) count(r *http.Request) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.n++
	h.ua = r.UserAgent()
	return h.n
}

func TestFetch(t *testing.T) {
	docx := adilettest.BuildDOCX(t, "КОНСТИТУЦИЯ РЕСПУБЛИКИ КАЗАХСТАН", "Статья 1", "1. Казахстан есть государство.")
	const path = "/rus/docs/K2600000000/download/docx"

	tests := []struct {
		name     string
		maxBytes int64
		connect  time.Duration // Options.ConnectTimeout; the default when 0
		handler  func(w http.ResponseWriter, r *http.Request, n int)
		wantErr  error  // errors.Is target
		wantMsg  string // in the error text
		wantHits int
	}{
		{
			name:     "docx",
			handler:  func(w http.ResponseWriter, r *http.Request, n int) { w.Write(docx) },
			wantHits: 1,
		},
		{
			name: "5xx then docx",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					http.Error(w, "maintenance", http.StatusBadGateway)
					return
				}
				w.Write(docx)
			},
			wantHits: 2,
		},
		{
			name: "always 503",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				http.Error(w, "down", http.StatusServiceUnavailable)
			},
			wantMsg:  "(3 attempts): the server answered 503 Service Unavailable",
			wantHits: 3,
		},
		{
			name:     "404 is not retried",
			handler:  func(w http.ResponseWriter, r *http.Request, n int) { http.NotFound(w, r) },
			wantMsg:  "docx: the server answered 404 Not Found",
			wantHits: 1,
		},
		{
			name: "HTML error page with status 200",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Документ не найден</title></head><body>Ошибка</body></html>")
			},
			wantErr:  adilet.ErrNotDOCX,
			wantMsg:  `HTML page titled "Документ не найден"`,
			wantHits: 1,
		},
		{
			name:     "truncated zip",
			handler:  func(w http.ResponseWriter, r *http.Request, n int) { w.Write(docx[:len(docx)*2/3]) },
			wantErr:  adilet.ErrNotDOCX,
			wantMsg:  "truncated or not a Word file",
			wantHits: 1,
		},
		{
			name:     "zip that is not a Word document",
			handler:  func(w http.ResponseWriter, r *http.Request, n int) { w.Write(zipWithout(t)) },
			wantErr:  adilet.ErrNotDOCX,
			wantMsg:  "without word/document.xml",
			wantHits: 1,
		},
		{
			name:     "announced body over the cap",
			maxBytes: 1000,
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Length", "5000")
				w.Write(bytes.Repeat([]byte("x"), 5000))
			},
			wantErr:  adilet.ErrTooLarge,
			wantMsg:  "announced 4 KiB, cap 1000 B",
			wantHits: 1,
		},
		{
			name:     "streamed body over the cap",
			maxBytes: 1000,
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				for range 10 {
					w.Write(bytes.Repeat([]byte("x"), 500))
					w.(http.Flusher).Flush() // chunked: no Content-Length
				}
			},
			wantErr:  adilet.ErrTooLarge,
			wantMsg:  "more than 1000 B",
			wantHits: 1,
		},
		{
			// A black hole: the connection is accepted and nothing comes
			// back. Trying again would only multiply the wait.
			name:    "no answer within the connect timeout",
			connect: 50 * time.Millisecond,
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				<-r.Context().Done()
			},
			wantErr:  adilet.ErrUnreachable,
			wantMsg:  "cannot reach the server: no answer within 50ms",
			wantHits: 1,
		},
		{
			name: "headers past the whole fetch's timeout",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				<-r.Context().Done()
			},
			wantErr:  adilet.ErrUnreachable,
			wantMsg:  "cannot reach the server: no complete answer within 200ms: context deadline exceeded",
			wantHits: 1,
		},
		{
			name: "body stalls past the timeout",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Length", fmt.Sprint(len(docx)))
				w.Write(docx[:100])
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			},
			wantErr:  context.DeadlineExceeded,
			wantMsg:  "no complete answer within 200ms: reading the body after 100 B",
			wantHits: 1, // the timeout bounds the whole fetch, not each attempt

		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h hits
			mux := http.NewServeMux()
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { tt.handler(w, r, h.count(r)) })
			srv := httptest.NewServer(mux)
			defer srv.Close()
			var progress bytes.Buffer
			c := adilet.New(adilet.Options{
				BaseURL:        srv.URL,
				Timeout:        200 * time.Millisecond,
				ConnectTimeout: tt.connect,
				MaxBytes:       tt.maxBytes,
				Attempts:       3,
				Backoff:        time.Millisecond,
				Progress:       &progress,
				Version:        "v1.2.3",
			})

			f, err := c.Fetch(context.Background(), "kz2026", corpus.RU)

			n, ua := h.get()
			if n != tt.wantHits {
				t.Errorf("server got %d requests, want %d", n, tt.wantHits)
			}
			if ua != "atazan/v1.2.3 (+constitution bot)" {
				t.Errorf("User-Agent = %q", ua)
			}
			if tt.wantErr == nil && tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				if !bytes.Equal(f.Data, docx) || f.Lang != corpus.RU || f.URL != srv.URL+path ||
					f.Name != "K2600000000.rus.docx" || time.Since(f.FetchedAt) > time.Minute {
					t.Errorf("got %s %s %s (%d bytes, fetched %v)", f.Name, f.Lang, f.URL, len(f.Data), f.FetchedAt)
				}
				if !strings.Contains(progress.String(), "downloading kz2026 ru: ") || !strings.HasSuffix(progress.String(), ", done\n") {
					t.Errorf("progress = %q", progress.String())
				}
				return
			}
			if err == nil {
				t.Fatalf("Fetch succeeded, want an error")
			}
			t.Logf("error: %v", err)
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v is not %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.HasPrefix(err.Error(), "fetching kz2026 ru from "+srv.URL+path) {
				t.Errorf("error %q does not say %q and where", err, tt.wantMsg)
			}
			if len(f.Data) != 0 {
				t.Errorf("a failed fetch returned %d bytes", len(f.Data))
			}
		})
	}
}

// TestFetchShowsProgressWhileWaiting holds the answer back until the
// progress line has been redrawn twice: a slow source must never look like
// a hang.
func TestFetchShowsProgressWhileWaiting(t *testing.T) {
	docx := adilettest.BuildDOCX(t, "КОНСТИТУЦИЯ РЕСПУБЛИКИ КАЗАХСТАН", "Статья 1", "1. Казахстан есть государство.")
	progress := &lineCounter{redrawn: make(chan struct{}, 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 2 {
			select {
			case <-progress.redrawn:
			case <-r.Context().Done():
				return
			}
		}
		w.Write(docx)
	}))
	defer srv.Close()
	c := adilet.New(adilet.Options{BaseURL: srv.URL, Progress: progress, ProgressEvery: time.Millisecond})
	if _, err := c.Fetch(context.Background(), "kz2026", corpus.RU); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	out := progress.String()
	host := strings.TrimPrefix(srv.URL, "http://")
	if !strings.Contains(out, "\rwaiting for "+host+" to send kz2026 ru… ") || !strings.HasSuffix(out, ", done\n") {
		t.Errorf("progress = %q", out)
	}
}

// lineCounter is a progress writer that signals each redraw.
type lineCounter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	redrawn chan struct{}
}

func (l *lineCounter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case l.redrawn <- struct{}{}:
	default:
	}
	return l.buf.Write(b)
}

func (l *lineCounter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func TestFetchStopsWhenCancelled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c := adilet.New(adilet.Options{BaseURL: srv.URL, Attempts: 10, Backoff: time.Hour, Timeout: 24 * time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Fetch(ctx, "kz1995", corpus.KK)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "503") {
			t.Errorf("error = %v, want the deadline and the last failure", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Fetch kept waiting to retry after its context ended")
	}
}

func TestSourceURL(t *testing.T) {
	tests := []struct {
		base, doc string
		lang      corpus.Lang
		want      string
		wantErr   string
	}{
		{"", "kz2026", corpus.RU, "https://adilet.zan.kz/rus/docs/K2600000000/download/docx", ""},
		{"https://adilet.zan.kz", "kz2026", corpus.KK, "https://adilet.zan.kz/kaz/docs/K2600000000/download/docx", ""},
		{"http://mirror.local/adilet/", "kz1995", corpus.RU, "http://mirror.local/adilet/rus/docs/K950001000_/download/docx", ""},
		{"", "kz1995", corpus.EN, "", `no official "en" text`},
		{"", "kz2000", corpus.RU, "", `unknown document "kz2000"`},
		{"adilet.zan.kz", "kz2026", corpus.RU, "", "want http(s)://host"},
	}
	for _, tt := range tests {
		got, err := adilet.SourceURL(tt.base, tt.doc, tt.lang)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("adilet.SourceURL(%q, %s, %s) error = %v, want %q", tt.base, tt.doc, tt.lang, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("adilet.SourceURL(%q, %s, %s) = %q, %v; want %q", tt.base, tt.doc, tt.lang, got, err, tt.want)
		}
	}
}

func TestFetchUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there any more
	c := adilet.New(adilet.Options{BaseURL: srv.URL, Attempts: 2, Backoff: time.Millisecond})
	_, err := c.Fetch(context.Background(), "kz2026", corpus.KK)
	if !errors.Is(err, adilet.ErrUnreachable) || !strings.Contains(err.Error(), "(2 attempts): cannot reach the server: ") {
		t.Errorf("error = %v, want ErrUnreachable after 2 attempts", err)
	}
}

// BenchmarkFetch downloads and checks the 131 KB Kazakh DOCX from a local
// server: the client's own cost, without the network.
func BenchmarkFetch(b *testing.B) {
	src := adilettest.NewServer(b)
	src.Set(b, "kz2026", corpus.KK, adilettest.OfficialDOCX(b, corpus.KK))
	c := adilet.New(adilet.Options{BaseURL: src.URL})
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.Fetch(ctx, "kz2026", corpus.KK); err != nil {
			b.Fatal(err)
		}
	}
}
