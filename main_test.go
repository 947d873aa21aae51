package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestHelpExitsZero checks that asking for help is not an error: usage on
// the output, exit 0, no "flag: help requested".
func TestHelpExitsZero(t *testing.T) {
	tests := []struct {
		args []string
		want string // in stdout or stderr
	}{
		{[]string{"--help"}, "Commands:"},
		{[]string{"help"}, "Commands:"},
		{[]string{"chat", "--help"}, "-lang"},
		{[]string{"ask", "-h"}, "-json"},
		{[]string{"serve", "--help"}, "-healthcheck"},
		{[]string{"eval", "--help"}, "-set"},
		{[]string{"whatsapp", "link", "--help"}, "-phone"},
		{[]string{"whatsapp", "--help"}, "whatsapp unlink"},
		{[]string{"corpus", "--help"}, "fetch"},
		{[]string{"corpus", "fetch", "--help"}, "-doc"},
		{[]string{"corpus", "show", "--help"}, "-point"},
		{[]string{"config", "--help"}, "config check"},
		{[]string{"config", "check", "--help"}, "config check"},
		{[]string{"version", "--help"}, "version"},
		{[]string{"corpus", "list", "--help"}, "corpus list"},
		{[]string{"corpus", "rollback", "--help"}, "corpus rollback DOC"},
		{[]string{"whatsapp", "unlink", "--help"}, "whatsapp unlink"},
		{[]string{"whatsapp", "status", "-h"}, "whatsapp status"},
		{[]string{"proposals", "--help"}, "proposals"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			vars := map[string]string{"ATAZAN_DATA_DIR": t.TempDir()}
			code, stdout, stderr := runAtazan(t, vars, tt.args...)
			if code != 0 {
				t.Errorf("exit %d, want 0\nstderr:\n%s", code, stderr)
			}
			if !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("usage lacks %q:\n%s%s", tt.want, stdout, stderr)
			}
			if strings.Contains(stderr, "help requested") {
				t.Errorf("help reported as an error:\n%s", stderr)
			}
		})
	}
	// A wrong flag is still an error.
	if code, _, _ := runAtazan(t, map[string]string{"ATAZAN_DATA_DIR": t.TempDir()}, "chat", "--no-such-flag"); code == 0 {
		t.Error("an unknown flag exits 0")
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, stdout, stderr := runAtazan(t, map[string]string{}, args...)
		if code != 0 || !strings.HasPrefix(stdout, "atazan ") || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	if code, _, stderr := runAtazan(t, map[string]string{}, "version", "extra"); code == 0 || !strings.Contains(stderr, "unexpected arguments") {
		t.Errorf("version with an argument: exit %d, %s", code, stderr)
	}
}

func TestBuildInfoString(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want []string
	}{
		{
			name: "stamped release",
			bi: debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}, Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: "0123abc"}, {Key: "vcs.time", Value: "2026-11-30T10:00:00Z"}, {Key: "vcs.modified", Value: "false"},
			}},
			want: []string{"atazan v1.2.0 (0123abc, 2026-11-30T10:00:00Z) go1.26.0"},
		},
		{
			name: "checkout with changes",
			bi: debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: "0123abc"}, {Key: "vcs.modified", Value: "true"},
			}},
			want: []string{"atazan (devel) (0123abc, modified)"},
		},
		{
			name: "not stamped",
			bi:   debug.BuildInfo{},
			want: []string{"atazan (devel)", "no VCS revision"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := buildInfoOf(&tt.bi).String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
		})
	}
}

func TestInvokedAs(t *testing.T) {
	tests := []struct{ arg0, want string }{
		{"/tmp/go-build3530521540/b001/exe/atazan", "go run ."},
		{"/root/.cache/go-build/79/791fefde-d/atazan", "go run ."},
		{"atazan", "atazan"},
		{"./atazan", "./atazan"},
		{"/usr/local/bin/atazan", "/usr/local/bin/atazan"},
		{"", "atazan"},
	}
	for _, tt := range tests {
		if got := invokedAs(tt.arg0); got != tt.want {
			t.Errorf("invokedAs(%q) = %q, want %q", tt.arg0, got, tt.want)
		}
	}
}
