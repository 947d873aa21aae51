package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"atazan/config"
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

// TestServeLogsOneFormat starts serve with JSON logs, no messenger and no
// texts it could find: every line on stderr, its final error included, is
// a JSON record.
func TestServeLogsOneFormat(t *testing.T) {
	vars := map[string]string{
		"ATAZAN_DATA_DIR":            t.TempDir(),
		"ATAZAN_CORPUS_SRC":          t.TempDir() + "/nowhere",
		"ATAZAN_CORPUS_OFFICIAL_URL": "http://127.0.0.1:1",
		"ATAZAN_HTTP_ADDR":           "127.0.0.1:0",
		"ATAZAN_LOG_FORMAT":          "json",
	}
	code, _, stderr := runAtazan(t, vars, "serve")
	if code == 0 {
		t.Fatal("serve started without texts")
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, line := range lines {
		if !json.Valid([]byte(line)) {
			t.Errorf("not a JSON record: %q", line)
		}
	}
	last := lines[len(lines)-1]
	if !strings.Contains(last, `"level":"ERROR"`) || !strings.Contains(last, "no constitution texts to serve") {
		t.Errorf("the final error is not a JSON error record: %s", last)
	}
	if n := strings.Count(stderr, `"level":"ERROR"`); n != 1 {
		t.Errorf("%d error records, want 1:\n%s", n, stderr)
	}
}
