package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atazan/internal/testsupport"
)

func TestWhatsAppCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no subcommand shows usage", []string{"whatsapp"}, 1, "", "atazan whatsapp link [--phone NUMBER]"},
		{"unknown subcommand", []string{"whatsapp", "pair"}, 1, "", `unknown subcommand "pair"`},
		{"status of a fresh install", []string{"whatsapp", "status"}, 0, "No account linked", ""},
		{"pairing code needs an international number", []string{"whatsapp", "link", "--phone", "8 (701) abc"}, 1, "", "international format"},
		{"stray argument", []string{"whatsapp", "link", "now"}, 1, "", `unexpected arguments ["now"]`},
		{"unlink with nothing linked", []string{"whatsapp", "unlink"}, 0, "No account linked now.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"ATAZAN_DATA_DIR": dir, "ATAZAN_MODEL_DIR": testsupport.ModelDir(t), "ATAZAN_LOG_FORMAT": "text"}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
			if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout.String(), stderr.String())
			}
			if code == 0 {
				if _, err := os.Stat(filepath.Join(dir, "whatsapp.db")); err != nil {
					t.Errorf("session store not created in the data dir: %v", err)
				}
			}
		})
	}
}

func TestWhatsAppLinkInCloudMode(t *testing.T) {
	env := map[string]string{"ATAZAN_DATA_DIR": t.TempDir(), "ATAZAN_MODEL_DIR": testsupport.ModelDir(t), "ATAZAN_WHATSAPP_MODE": "cloud"}
	for _, sub := range []string{"link", "unlink"} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"whatsapp", sub}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
		if code != 1 || !strings.Contains(stderr.String(), "Cloud API needs no linked phone") {
			t.Errorf("whatsapp %s in cloud mode: exit %d, stderr %s", sub, code, &stderr)
		}
	}
}
