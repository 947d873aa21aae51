package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"atazan/internal/testsupport"
)

func TestConfigCheck(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stdout []string
		stderr []string
		hidden string // must appear nowhere
	}{
		{
			name: "good configuration",
			env: map[string]string{
				"ATAZAN_TELEGRAM_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_",
				"ATAZAN_ADMINS":         "tg:42",
			},
			args:   []string{"config", "check"},
			code:   0,
			stdout: []string{"ATAZAN_TELEGRAM_TOKEN", "********", "ATAZAN_ADMINS", "tg:42", "No problems found."},
			hidden: "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_",
		},
		{
			name: "every problem with its fix, and a failing exit",
			env: map[string]string{
				"ATAZAN_ADMINS":               "42",
				"ATAZAN_TELEGRAM_WEBHOOK_URL": "http://bot.example.kz/tg",
				"ATAZAN_DATABASE_URL":         "postgres://atazan:hunter2@db/atazan",
			},
			args:   []string{"config", "check"},
			code:   1,
			stdout: []string{`error   ATAZAN_ADMINS: "42" has no platform prefix`, "fix: prefix", "ATAZAN_TELEGRAM_WEBHOOK_URL", "ATAZAN_TELEGRAM_TOKEN", "cannot open the corpus store"},
			stderr: []string{"5 configuration error(s)"}, // the fifth: the database cannot be reached
			hidden: "hunter2",
		},
		{
			name:   "unparsable value stops before the check",
			env:    map[string]string{"ATAZAN_CORPUS_WATCH": "weekly"},
			args:   []string{"config", "check"},
			code:   2,
			stderr: []string{"ATAZAN_CORPUS_WATCH", "24h"},
		},
		{
			name:   "no texts anywhere",
			env:    map[string]string{"ATAZAN_CORPUS_SRC": "testdata/nowhere", "ATAZAN_TELEGRAM_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_", "ATAZAN_ADMINS": "tg:42"},
			args:   []string{"config", "check"},
			code:   1,
			stdout: []string{"error   ATAZAN_CORPUS_SRC: no constitution texts", "testdata/nowhere is not a directory", "corpus fetch"},
			stderr: []string{"1 configuration error(s)"},
		},
		{
			name:   "usage",
			args:   []string{"config"},
			code:   1,
			stderr: []string{"usage: atazan config check"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"ATAZAN_DATA_DIR": t.TempDir(), "ATAZAN_MODEL_DIR": testsupport.ModelDir(t), "ATAZAN_CORPUS_SRC": "bot/testdata/corpus-src"}
			for k, v := range tt.env {
				env[k] = v
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, &stdout, &stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, &stdout)
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, &stderr)
				}
			}
			if tt.hidden != "" && strings.Contains(stdout.String()+stderr.String(), tt.hidden) {
				t.Errorf("output shows the secret %q", tt.hidden)
			}
		})
	}
}
