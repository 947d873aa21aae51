package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// env makes a getenv from pairs.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.CorpusSrc = cfg.CorpusSrc // depends on the checkout's surroundings
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Load with nothing set = %+v, want the defaults %+v", cfg, want)
	}
}

func TestLoadFileThenEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "atazan.yaml")
	yaml := `
data_dir: /srv/atazan
http_addr: ":9090"
admins: [tg:1, wa:77011234567]
corpus:
  watch: 12h
bot:
  default_lang: kk
  rate_per_minute: 5
telegram:
  webhook_url: https://bot.example.kz/tg
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(env(map[string]string{
		"ATAZAN_CONFIG":           path,
		"ATAZAN_HTTP_ADDR":        " :7070 ",
		"ATAZAN_TELEGRAM_TOKEN":   "123:secret",
		"ATAZAN_RATE_PER_MINUTE":  "7",
		"ATAZAN_CORPUS_WATCH":     "0",
		"ATAZAN_WHATSAPP_ENABLED": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"data dir from file", cfg.DataDir, "/srv/atazan"},
		{"env wins, trimmed", cfg.HTTPAddr, ":7070"},
		{"admins from file", cfg.Admins, []string{"tg:1", "wa:77011234567"}},
		{"env 0 turns the watch off", cfg.Corpus.Watch, time.Duration(0)},
		{"lang from file", cfg.Bot.DefaultLang, "kk"},
		{"env int wins", cfg.Bot.RatePerMinute, 7},
		{"untouched default", cfg.Bot.MaxQuestionLen, 1000},
		{"secret from env", cfg.Telegram.Token, "123:secret"},
		{"webhook from file", cfg.Telegram.WebhookURL, "https://bot.example.kz/tg"},
		{"bool from env", cfg.WhatsApp.Enabled, true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	unknown := filepath.Join(dir, "unknown.yaml")
	os.WriteFile(unknown, []byte("telegram:\n  tokn: x\n"), 0o600)
	badDuration := filepath.Join(dir, "duration.yaml")
	os.WriteFile(badDuration, []byte("corpus:\n  watch: soon\n"), 0o600)

	tests := []struct {
		name string
		env  map[string]string
		want []string // substrings of the error
	}{
		{"missing file", map[string]string{"ATAZAN_CONFIG": filepath.Join(dir, "nope.yaml")}, []string{"ATAZAN_CONFIG"}},
		{"unknown YAML key", map[string]string{"ATAZAN_CONFIG": unknown}, []string{"tokn", unknown}},
		{"bad YAML duration", map[string]string{"ATAZAN_CONFIG": badDuration}, []string{"soon"}},
		{
			"every bad variable at once",
			map[string]string{
				"ATAZAN_CORPUS_WATCH":     "daily",
				"ATAZAN_RATE_PER_MINUTE":  "ten",
				"ATAZAN_WHATSAPP_ENABLED": "yes please",
			},
			[]string{`ATAZAN_CORPUS_WATCH="daily"`, "24h", "ATAZAN_RATE_PER_MINUTE", "whole number", "ATAZAN_WHATSAPP_ENABLED", "true or false"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestMasked(t *testing.T) {
	cfg := Default()
	cfg.Telegram.Token = "123456:very-secret-token"
	cfg.LLM.APIKey = "sk-secret"
	cfg.DatabaseURL = "postgres://u:hunter2@db/atazan"
	cfg.Telegram.WebhookURL = "https://bot.example.kz/tg"

	m := cfg.Masked()
	if cfg.Telegram.Token != "123456:very-secret-token" {
		t.Error("Masked changed the original config")
	}
	if m.Telegram.WebhookURL != cfg.Telegram.WebhookURL {
		t.Error("Masked changed a field that is not secret")
	}
	if m.Embed.APIKey != "" {
		t.Error("an unset secret should stay empty, so an operator sees it is unset")
	}

	var all strings.Builder
	seen := map[string]bool{}
	for _, s := range cfg.Settings() {
		all.WriteString(s.Env + "=" + s.Value + "\n")
		seen[s.Env] = true
	}
	for _, secret := range []string{"very-secret-token", "sk-secret", "hunter2"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("Settings shows secret %q:\n%s", secret, all.String())
		}
	}
	for _, line := range []string{"ATAZAN_TELEGRAM_TOKEN=" + masked, "ATAZAN_CORPUS_WATCH=24h\n", "ATAZAN_HTTP_ADDR=:8080", "ATAZAN_EMBED_API_KEY=\n"} {
		if !strings.Contains(all.String(), line) {
			t.Errorf("Settings lacks %q:\n%s", line, all.String())
		}
	}
	if !seen["ATAZAN_WHATSAPP_DSN"] || !seen["ATAZAN_ADMINS"] {
		t.Error("Settings misses variables of nested sections")
	}
}

// TestSettingsRoundTrip checks that what config check prints, fed back as
// the environment, gives the same configuration.
func TestSettingsRoundTrip(t *testing.T) {
	cfg := Default()
	cfg.Admins = []string{"tg:1", "wa:77011234567"}
	cfg.Corpus.Watch = 90 * time.Minute
	cfg.Corpus.FetchTimeout = 10 * time.Second
	cfg.LLM.Timeout = 2*time.Hour + 500*time.Millisecond
	cfg.WhatsApp.Enabled = true
	cfg.CorpusSrc = "/srv/src"
	vars := map[string]string{}
	for _, s := range cfg.Settings() {
		vars[s.Env] = s.Value
	}
	got, err := Load(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cfg) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, cfg)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0", 10 * time.Second: "10s", time.Minute: "1m", 90 * time.Second: "1m30s",
		24 * time.Hour: "24h", 90 * time.Minute: "1h30m", time.Hour + 10*time.Second: "1h0m10s", 1500 * time.Millisecond: "1.5s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(want); err != nil || back != d {
			t.Errorf("%q does not parse back to %v", want, d)
		}
	}
}

func TestWhatsAppDSN(t *testing.T) {
	tests := []struct{ dsn, database, want string }{
		{"", "", ""},
		{"", "postgres://db/atazan", "postgres://db/atazan"},
		{"postgres://wa/session", "postgres://db/atazan", "postgres://wa/session"},
	}
	for _, tt := range tests {
		c := Default()
		c.WhatsApp.DSN, c.DatabaseURL = tt.dsn, tt.database
		if got := c.WhatsAppDSN(); got != tt.want {
			t.Errorf("WhatsAppDSN with dsn %q and database %q = %q, want %q", tt.dsn, tt.database, got, tt.want)
		}
	}
}
