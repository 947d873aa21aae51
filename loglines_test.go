package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"atazan/config"
	"atazan/internal/testsupport"
)

func TestLogLines(t *testing.T) {
	var out bytes.Buffer
	w := newLogLines(slog.New(slog.NewJSONHandler(&out, nil)))
	for _, chunk := range []string{
		"First run: importing the texts.\n  kz2026: kk 96 articles",
		"\n\rwaiting for adilet.zan.kz… 2s\rwaiting for adilet.zan.kz… 4s",
		", failed\nunfinished",
	} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var rec struct{ Level, Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not one JSON record per line: %q: %v", line, err)
		}
		if rec.Level != "INFO" {
			t.Errorf("level %s, want INFO", rec.Level)
		}
		got = append(got, rec.Msg)
	}
	want := []string{
		"First run: importing the texts.",
		"kz2026: kk 96 articles",
		"waiting for adilet.zan.kz… 2s",
		"waiting for adilet.zan.kz… 4s, failed",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("records %q, want %q", got, want)
	}
}

func TestLoggerDurations(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		var out bytes.Buffer
		newLogger(config.Default(), format, &out).Info("watching", "every", 24*time.Hour)
		if !strings.Contains(out.String(), "24h0m0s") || strings.Contains(out.String(), "86400000000000") {
			t.Errorf("%s: %s", format, &out)
		}
	}
}

// TestServeWaitsForTexts starts serve with JSON logs, no messenger and no
// texts anywhere. It must not exit (a container would be restarted into
// the same failure): it keeps HTTP up, /readyz says why it is not ready,
// and every line on stderr is a JSON record.
func TestServeWaitsForTexts(t *testing.T) {
	addr := freeAddr(t)
	vars := map[string]string{
		"ATAZAN_DATA_DIR":               t.TempDir(),
		"ATAZAN_CORPUS_SRC":             t.TempDir() + "/nowhere",
		"ATAZAN_CORPUS_OFFICIAL_URL":    "http://127.0.0.1:1",
		"ATAZAN_CORPUS_CONNECT_TIMEOUT": "1s",
		"ATAZAN_HTTP_ADDR":              addr,
		"ATAZAN_LOG_FORMAT":             "json",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &testsupport.Buffer{}
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, stderr, func(k string) string { return vars[k] })
	}()

	var body string
	for !strings.Contains(body, "no constitution texts to serve") {
		select {
		case code := <-exited:
			t.Fatalf("serve exited with %d instead of waiting for texts:\n%s", code, stderr)
		case <-time.After(50 * time.Millisecond):
		}
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatalf("/readyz is 200 with no texts: %s", b)
		}
		body = string(b)
	}
	cancel()
	if code := <-exited; code != 0 {
		t.Errorf("serve stopped while waiting: exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	for _, line := range lines {
		if !json.Valid([]byte(line)) {
			t.Errorf("not a JSON record: %q", line)
		}
	}
	if n := strings.Count(stderr.String(), `"msg":"waiting for the constitution texts"`); n != 1 {
		t.Errorf("%d waiting records, want 1 before the first retry:\n%s", n, stderr)
	}
}
