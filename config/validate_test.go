package config

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// valid is a complete production-like configuration with no problem at all.
func valid(t *testing.T) Config {
	c := Default()
	c.DataDir = filepath.Join(t.TempDir(), "data") // does not exist yet: creatable is fine
	c.Admins = []string{"tg:123456789", "wa:77011234567"}
	c.Telegram.Token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_"
	c.Telegram.WebhookURL = "https://bot.example.kz/telegram"
	c.Telegram.WebhookSecret = "s3cret_-value"
	c.LLM = LLM{BaseURL: "http://ollama:11434/v1", Model: "qwen2.5:7b", Timeout: 30 * time.Second}
	c.DatabaseURL = "postgres://atazan:pw@db:5432/atazan?sslmode=disable"
	return c
}

func TestValidateAcceptsGoodConfigs(t *testing.T) {
	for name, c := range map[string]Config{
		"production": valid(t),
		"offline chat defaults": func() Config {
			c := Default()
			c.DataDir = t.TempDir()
			return c
		}(),
	} {
		for _, p := range c.Validate() {
			if p.Severity == Error || name == "production" {
				t.Errorf("%s: unexpected problem: %s", name, p)
			}
		}
	}
}

func TestValidateFindsProblems(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	type problemCase struct {
		name   string
		mutate func(*Config)
		env    string
		sev    Severity
		fixes  string // a word the fix must contain
	}
	tests := []problemCase{
		{"negative watch", func(c *Config) { c.Corpus.Watch = -time.Hour }, "ATAZAN_CORPUS_WATCH", Error, "24h"},
		{"hammering the official site", func(c *Config) { c.Corpus.Watch = time.Second }, "ATAZAN_CORPUS_WATCH", Warning, "hours"},
		{"zero fetch timeout", func(c *Config) { c.Corpus.FetchTimeout = 0 }, "ATAZAN_CORPUS_FETCH_TIMEOUT", Error, "60s"},
		{"zero LLM timeout", func(c *Config) { c.LLM.Timeout = 0 }, "ATAZAN_LLM_TIMEOUT", Error, "30s"},
		{"zero shutdown timeout", func(c *Config) { c.ShutdownTimeout = 0 }, "ATAZAN_SHUTDOWN_TIMEOUT", Error, "30s"},
		{"admin without prefix", func(c *Config) { c.Admins = []string{"123456"} }, "ATAZAN_ADMINS", Error, "tg:"},
		{"admin with unknown prefix", func(c *Config) { c.Admins = []string{"vk:123"} }, "ATAZAN_ADMINS", Error, "wa:"},
		{"admin telegram name instead of id", func(c *Config) { c.Admins = []string{"tg:@aliya"} }, "ATAZAN_ADMINS", Error, "numeric"},
		{"admin phone with plus", func(c *Config) { c.Admins = []string{"wa:+77011234567"} }, "ATAZAN_ADMINS", Error, "digits"},
		{"no admins", func(c *Config) { c.Admins = nil }, "ATAZAN_ADMINS", Warning, "tg:"},
		{"webhook over http", func(c *Config) { c.Telegram.WebhookURL = "http://bot.example.kz/tg" }, "ATAZAN_TELEGRAM_WEBHOOK_URL", Error, "https"},
		{"webhook not a URL", func(c *Config) { c.Telegram.WebhookURL = "bot.example.kz" }, "ATAZAN_TELEGRAM_WEBHOOK_URL", Error, "https://"},
		{"webhook without token", func(c *Config) { c.Telegram.Token = "" }, "ATAZAN_TELEGRAM_WEBHOOK_URL", Error, "ATAZAN_TELEGRAM_TOKEN"},
		{"webhook without secret", func(c *Config) { c.Telegram.WebhookSecret = "" }, "ATAZAN_TELEGRAM_WEBHOOK_SECRET", Error, "openssl"},
		{"webhook secret with spaces", func(c *Config) { c.Telegram.WebhookSecret = "my secret" }, "ATAZAN_TELEGRAM_WEBHOOK_SECRET", Error, "openssl"},
		{"token typo", func(c *Config) { c.Telegram.Token = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" }, "ATAZAN_TELEGRAM_TOKEN", Warning, "BotFather"},
		{"endpoint without verbs", func(c *Config) { c.Telegram.APIEndpoint = "http://127.0.0.1:8081" }, "ATAZAN_TELEGRAM_API_ENDPOINT", Error, "bot%s/%s"},
		{"LLM URL without model", func(c *Config) { c.LLM.Model = "" }, "ATAZAN_LLM_MODEL", Error, "ATAZAN_LLM_MODEL"},
		{"LLM key without model", func(c *Config) { c.LLM = LLM{APIKey: "sk-x", Timeout: time.Second} }, "ATAZAN_LLM_MODEL", Error, "gpt"},
		{"LLM model without endpoint", func(c *Config) { c.LLM = LLM{Model: "gpt-4o", Timeout: time.Second} }, "ATAZAN_LLM_BASE_URL", Error, "Ollama"},
		{"LLM URL without scheme", func(c *Config) { c.LLM.BaseURL = "localhost:11434/v1" }, "ATAZAN_LLM_BASE_URL", Error, "http://"},
		{"embed URL without model", func(c *Config) { c.Embed.BaseURL = "http://ollama:11434/v1" }, "ATAZAN_EMBED_MODEL", Error, "built-in"},
		{"embed model without endpoint", func(c *Config) { c.Embed.Model = "nomic-embed-text" }, "ATAZAN_EMBED_BASE_URL", Error, "built-in"},
		{"unknown default lang", func(c *Config) { c.Bot.DefaultLang = "en" }, "ATAZAN_DEFAULT_LANG", Error, "kk"},
		{"negative rate", func(c *Config) { c.Bot.RatePerMinute = -1 }, "ATAZAN_RATE_PER_MINUTE", Error, "10"},
		{"zero question length", func(c *Config) { c.Bot.MaxQuestionLen = 0 }, "ATAZAN_MAX_QUESTION_LEN", Error, "1000"},
		{"negative history", func(c *Config) { c.Bot.HistoryTurns = -2 }, "ATAZAN_HISTORY_TURNS", Error, "3"},
		{"bad listen address", func(c *Config) { c.HTTPAddr = "8080" }, "ATAZAN_HTTP_ADDR", Error, ":8080"},
		{"bad listen port", func(c *Config) { c.HTTPAddr = ":http-alt" }, "ATAZAN_HTTP_ADDR", Error, ":8080"},
		{"unknown log format", func(c *Config) { c.LogFormat = "logfmt" }, "ATAZAN_LOG_FORMAT", Error, "json"},
		{"unknown log level", func(c *Config) { c.LogLevel = "verbose" }, "ATAZAN_LOG_LEVEL", Error, "debug"},
		{"mysql database", func(c *Config) { c.DatabaseURL = "mysql://u:p@db/atazan" }, "ATAZAN_DATABASE_URL", Error, "postgres://"},
		{"whatsapp session in mysql", func(c *Config) { c.WhatsApp.DSN = "mysql://u:p@db/wa" }, "ATAZAN_WHATSAPP_DSN", Error, "postgres://"},
		{"database garbage", func(c *Config) { c.DatabaseURL = "atazan-db" }, "ATAZAN_DATABASE_URL", Error, "SQLite"},
		{"official URL garbage", func(c *Config) { c.Corpus.OfficialURL = "adilet" }, "ATAZAN_CORPUS_OFFICIAL_URL", Error, "https://adilet.zan.kz"},
		{"corpus source missing", func(c *Config) { c.CorpusSrc = "/nonexistent/corpus-src" }, "ATAZAN_CORPUS_SRC", Warning, "Әділет"},
		{"empty data dir", func(c *Config) { c.DataDir = "" }, "ATAZAN_DATA_DIR", Error, "writable"},
		{"data dir is a file", func(c *Config) { c.DataDir = file }, "ATAZAN_DATA_DIR", Error, "directory"},
		{"data dir under a file", func(c *Config) { c.DataDir = filepath.Join(file, "data") }, "ATAZAN_DATA_DIR", Error, "directory"},
		{"no messenger", func(c *Config) { c.Telegram = Telegram{} }, "ATAZAN_TELEGRAM_TOKEN", Warning, "atazan chat"},
	}
	if runtime.GOOS == "linux" {
		// Not even root may create files in /proc, so this holds in CI too.
		tests = append(tests, problemCase{"data dir not writable", func(c *Config) { c.DataDir = "/proc/atazan-data" }, "ATAZAN_DATA_DIR", Error, "volume"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid(t)
			tt.mutate(&c)
			problems := c.Validate()
			var found bool
			for _, p := range problems {
				if p.Env == tt.env && p.Severity == tt.sev {
					found = true
					if !strings.Contains(p.Fix, tt.fixes) {
						t.Errorf("fix %q does not say %q", p.Fix, tt.fixes)
					}
					if p.What == "" {
						t.Error("problem does not say what is wrong")
					}
				}
			}
			if !found {
				t.Errorf("no %s for %s; got %v", tt.sev, tt.env, problems)
			}
			if got := ErrorCount(problems) > 0; got != (tt.sev == Error) {
				t.Errorf("ErrorCount = %d with %v", ErrorCount(problems), problems)
			}
		})
	}
}

func TestValidateReportsEveryProblemErrorsFirst(t *testing.T) {
	c := valid(t)
	c.Bot.DefaultLang = "de"
	c.Admins = []string{"42"}
	c.Admins = append(c.Admins, "tg:1")
	c.Corpus.Watch = time.Second
	c.HTTPAddr = "nope"
	problems := c.Validate()
	if len(problems) != 4 {
		t.Fatalf("got %d problems, want 4: %v", len(problems), problems)
	}
	if last := problems[len(problems)-1]; last.Severity != Warning {
		t.Errorf("warnings should come after errors: %v", problems)
	}
}

func TestValidateDoesNotLeaveFiles(t *testing.T) {
	dir := t.TempDir()
	c := valid(t)
	c.DataDir = dir
	c.Validate()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("Validate left %v in the data dir", entries)
	}
}

func TestValidateNeverShowsSecrets(t *testing.T) {
	c := valid(t)
	c.DatabaseURL = "postgres://u:hunter2@db:5432/x\x7f"
	c.Telegram.Token = "hunter2-token"
	c.Telegram.WebhookSecret = "hunter2 with space"
	for _, p := range c.Validate() {
		if strings.Contains(p.String(), "hunter2") {
			t.Errorf("problem shows a secret: %s", p)
		}
	}
}

// validCloud is valid with WhatsApp on the Cloud API.
func validCloud(t *testing.T) Config {
	c := valid(t)
	c.WhatsApp.Enabled, c.WhatsApp.Mode = true, ModeCloud
	c.WhatsApp.Cloud.Token = "EAAG-system-user-token"
	c.WhatsApp.Cloud.PhoneNumberID = "106540352242922"
	c.WhatsApp.Cloud.AppSecret = "0123456789abcdef0123456789abcdef"
	c.WhatsApp.Cloud.VerifyToken = "verify-me"
	return c
}

func TestValidateWhatsAppCloud(t *testing.T) {
	for _, p := range validCloud(t).Validate() {
		t.Errorf("valid cloud configuration: unexpected problem: %s", p)
	}
	tests := []struct {
		name   string
		mutate func(*WhatsApp)
		env    string
		sev    Severity
		fixes  string
	}{
		{"unknown mode", func(w *WhatsApp) { w.Mode = "business" }, "ATAZAN_WHATSAPP_MODE", Error, "cloud"},
		{"no token", func(w *WhatsApp) { w.Cloud.Token = "" }, "ATAZAN_WHATSAPP_CLOUD_TOKEN", Error, "system user"},
		{"no phone number id", func(w *WhatsApp) { w.Cloud.PhoneNumberID = "" }, "ATAZAN_WHATSAPP_CLOUD_PHONE_NUMBER_ID", Error, "API Setup"},
		{"phone number instead of its id", func(w *WhatsApp) { w.Cloud.PhoneNumberID = "+77011234567" }, "ATAZAN_WHATSAPP_CLOUD_PHONE_NUMBER_ID", Error, "not the phone number"},
		{"no app secret", func(w *WhatsApp) { w.Cloud.AppSecret = "" }, "ATAZAN_WHATSAPP_CLOUD_APP_SECRET", Error, "App secret"},
		{"app secret typo", func(w *WhatsApp) { w.Cloud.AppSecret = "0123456789abcdef" }, "ATAZAN_WHATSAPP_CLOUD_APP_SECRET", Warning, "App secret"},
		{"no verify token", func(w *WhatsApp) { w.Cloud.VerifyToken = "" }, "ATAZAN_WHATSAPP_CLOUD_VERIFY_TOKEN", Error, "openssl"},
		{"graph URL without scheme", func(w *WhatsApp) { w.Cloud.GraphURL = "graph.facebook.com" }, "ATAZAN_WHATSAPP_CLOUD_GRAPH_URL", Error, "https://graph.facebook.com"},
		{"API version without v", func(w *WhatsApp) { w.Cloud.APIVersion = "24.0" }, "ATAZAN_WHATSAPP_CLOUD_API_VERSION", Error, "v24.0"},
		{"cloud mode while off", func(w *WhatsApp) { w.Enabled = false }, "ATAZAN_WHATSAPP_ENABLED", Warning, "true"},
		{"cloud settings in web mode", func(w *WhatsApp) { w.Mode = ModeWeb }, "ATAZAN_WHATSAPP_MODE", Warning, "cloud"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCloud(t)
			tt.mutate(&c.WhatsApp)
			problems := c.Validate()
			found := false
			for _, p := range problems {
				if p.Env == tt.env && p.Severity == tt.sev && strings.Contains(p.Fix, tt.fixes) {
					found = true
				}
				if strings.Contains(p.String(), "EAAG-system-user-token") || strings.Contains(p.String(), "0123456789abcdef0123") {
					t.Errorf("problem shows a secret: %s", p)
				}
			}
			if !found {
				t.Errorf("no %s for %s with a fix saying %q; got %v", tt.sev, tt.env, tt.fixes, problems)
			}
			if got := ErrorCount(problems) > 0; got != (tt.sev == Error) {
				t.Errorf("ErrorCount = %d with %v", ErrorCount(problems), problems)
			}
		})
	}
}

func TestWhatsAppCloudSecretsMasked(t *testing.T) {
	c := validCloud(t)
	var all strings.Builder
	for _, s := range c.Settings() {
		all.WriteString(s.Env + "=" + s.Value + "\n")
	}
	for _, secret := range []string{c.WhatsApp.Cloud.Token, c.WhatsApp.Cloud.AppSecret, c.WhatsApp.Cloud.VerifyToken} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("Settings shows secret %q", secret)
		}
	}
	for _, line := range []string{"ATAZAN_WHATSAPP_MODE=cloud\n", "ATAZAN_WHATSAPP_CLOUD_PHONE_NUMBER_ID=106540352242922\n",
		"ATAZAN_WHATSAPP_CLOUD_TOKEN=" + masked + "\n", "ATAZAN_WHATSAPP_CLOUD_GRAPH_URL=https://graph.facebook.com\n"} {
		if !strings.Contains(all.String(), line) {
			t.Errorf("Settings lacks %q:\n%s", line, all.String())
		}
	}
}
