package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Severity tells whether a problem stops the bot from starting.
type Severity int

const (
	// Error means the configuration cannot work as written.
	Error Severity = iota
	// Warning means it works, but probably not as the operator meant.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Problem is one thing wrong with a configuration and how to fix it.
type Problem struct {
	Severity Severity
	Env      string // the variable at fault, e.g. ATAZAN_TELEGRAM_WEBHOOK_URL
	What     string // what is wrong
	Fix      string // what to do about it
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s; %s", p.Severity, p.Env, p.What, p.Fix)
}

// ErrorCount counts the problems that are errors.
func ErrorCount(ps []Problem) int {
	n := 0
	for _, p := range ps {
		if p.Severity == Error {
			n++
		}
	}
	return n
}

// Telegram bot tokens look like "123456789:AA…" (digits, colon, 35 characters).
var (
	tokenPattern         = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]{30,}$`)
	digitsPattern        = regexp.MustCompile(`^[0-9]+$`)
	appSecretPattern     = regexp.MustCompile(`^[0-9a-f]{32}$`)
	graphVersionPattern  = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)
	webhookSecretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	adminPatterns        = map[string]*regexp.Regexp{
		"tg": regexp.MustCompile(`^[0-9]+$`),
		"wa": regexp.MustCompile(`^[0-9]{7,15}$`),
	}
)

// Validate checks the configuration and returns every problem found, errors
// first in field order, then warnings. It looks at the file system once: the
// data directory must be writable (or creatable).
func (c Config) Validate() []Problem {
	var v validator
	v.dataDir(c.DataDir)
	if c.CorpusSrc != "" {
		if st, err := os.Stat(c.CorpusSrc); err != nil || !st.IsDir() {
			v.warn("ATAZAN_CORPUS_SRC", fmt.Sprintf("%q is not a directory", c.CorpusSrc),
				"point it at a directory laid out like shared/corpus-src, or unset it to fetch the texts from Әділет")
		}
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		v.fail("ATAZAN_LOG_FORMAT", fmt.Sprintf("unknown format %q", c.LogFormat), `use "text", "json" or leave it empty to choose by terminal`)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		v.fail("ATAZAN_LOG_LEVEL", fmt.Sprintf("unknown level %q", c.LogLevel), `use debug, info, warn or error`)
	}
	v.listenAddr("ATAZAN_HTTP_ADDR", c.HTTPAddr)
	v.positive("ATAZAN_SHUTDOWN_TIMEOUT", c.ShutdownTimeout, "30s")
	v.databaseURL("ATAZAN_DATABASE_URL", c.DatabaseURL)
	v.databaseURL("ATAZAN_WHATSAPP_DSN", c.WhatsApp.DSN)
	v.admins(c.Admins)

	v.httpURL("ATAZAN_CORPUS_OFFICIAL_URL", c.Corpus.OfficialURL, "https://adilet.zan.kz")
	if c.Corpus.Watch < 0 {
		v.fail("ATAZAN_CORPUS_WATCH", "is negative", "use a period such as 24h, or 0 to turn the watch off")
	} else if c.Corpus.Watch > 0 && c.Corpus.Watch < time.Minute {
		v.warn("ATAZAN_CORPUS_WATCH", fmt.Sprintf("checks Әділет every %s", c.Corpus.Watch), "be kind to the official site: use hours, e.g. 24h")
	}
	v.positive("ATAZAN_CORPUS_FETCH_TIMEOUT", c.Corpus.FetchTimeout, "60s")
	if c.Corpus.KeepVersions < 0 {
		v.fail("ATAZAN_CORPUS_KEEP_VERSIONS", "is negative", "use how many versions of each document to keep, e.g. 10, or 0 to keep all")
	}
	v.positive("ATAZAN_CORPUS_CONNECT_TIMEOUT", c.Corpus.ConnectTimeout, "20s")

	v.llm(c.LLM)
	v.embed(c.Embed, c.LLM.APIKey)
	v.bot(c.Bot)
	v.telegram(c.Telegram)
	v.whatsApp(c.WhatsApp)
	if !c.Telegram.Enabled() && !c.WhatsApp.Enabled {
		v.warn("ATAZAN_TELEGRAM_TOKEN", "no messenger is configured", "set a Telegram token or ATAZAN_WHATSAPP_ENABLED=true for serve; atazan chat works without one")
	} else if len(c.Admins) == 0 {
		v.warn("ATAZAN_ADMINS", "no admins", "list admins (tg:<user id>,wa:<phone>) to import texts and hear about official changes")
	}
	return append(v.errors, v.warnings...)
}

type validator struct{ errors, warnings []Problem }

func (v *validator) fail(env, what, fix string) {
	v.errors = append(v.errors, Problem{Severity: Error, Env: env, What: what, Fix: fix})
}

func (v *validator) warn(env, what, fix string) {
	v.warnings = append(v.warnings, Problem{Severity: Warning, Env: env, What: what, Fix: fix})
}

func (v *validator) positive(env string, d time.Duration, example string) {
	if d <= 0 {
		v.fail(env, fmt.Sprintf("must be positive, is %s", d), "use a duration such as "+example)
	}
}

// dataDir checks that the data directory exists and is writable, or that
// its nearest existing parent is, without creating anything that stays.
func (v *validator) dataDir(dir string) {
	const env = "ATAZAN_DATA_DIR"
	if dir == "" {
		v.fail(env, "is empty", "set it to a writable directory, e.g. ./data or /data")
		return
	}
	existing := dir
	for {
		st, err := os.Stat(existing)
		if err == nil {
			if !st.IsDir() {
				v.fail(env, fmt.Sprintf("%s is not a directory", existing), "point it at a directory")
				return
			}
			break
		}
		if !errors.Is(err, os.ErrNotExist) {
			v.fail(env, err.Error(), "point it at a directory this user can read and write")
			return
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		existing = parent
	}
	f, err := os.CreateTemp(existing, ".atazan-check-*")
	if err != nil {
		v.fail(env, fmt.Sprintf("%s is not writable", existing),
			fmt.Sprintf("give user %d write access to it (in Docker, mount a volume at /data)", os.Getuid()))
		return
	}
	f.Close()
	os.Remove(f.Name())
}

func (v *validator) listenAddr(env, addr string) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		v.fail(env, fmt.Sprintf("%q is not host:port", addr), `use ":8080" for every interface or "127.0.0.1:8080" for local only`)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		v.fail(env, fmt.Sprintf("port %q is not a number from 0 to 65535", port), `use e.g. ":8080"`)
	}
}

// httpURL checks an absolute http(s) URL and returns it, or nil when it is bad.
func (v *validator) httpURL(env, raw, example string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.fail(env, fmt.Sprintf("%q is not an http(s) URL", raw), "use a full URL such as "+example)
		return nil
	}
	return u
}

func (v *validator) databaseURL(env, raw string) {
	if raw == "" {
		return
	}
	fix := "use postgres://user:password@host:5432/dbname (or leave it empty for SQLite in the data dir)"
	if strings.Contains(raw, "://") {
		u, err := url.Parse(raw)
		if err != nil {
			// The parse error repeats the URL, password included.
			v.fail(env, "is not a valid URL", fix)
			return
		}
		if u.Scheme != "postgres" && u.Scheme != "postgresql" {
			v.fail(env, fmt.Sprintf("scheme %q is not postgres", u.Scheme), fix)
		}
		return
	}
	if !strings.Contains(raw, "=") {
		v.fail(env, "is neither a postgres:// URL nor key=value settings", fix)
	}
}

func (v *validator) admins(ids []string) {
	for _, id := range ids {
		platform, user, ok := strings.Cut(id, ":")
		re, known := adminPatterns[platform]
		switch {
		case !ok || !known:
			v.fail("ATAZAN_ADMINS", fmt.Sprintf("%q has no platform prefix", id),
				`prefix every id with its messenger: "tg:123456789" (Telegram user id), "wa:77011234567" (WhatsApp phone, digits only)`)
		case !re.MatchString(user):
			v.fail("ATAZAN_ADMINS", fmt.Sprintf("%q is not a valid %s id", id, platform),
				`a Telegram id is the numeric user id (ask @userinfobot), a WhatsApp id the phone in international format, digits only`)
		}
	}
}

func (v *validator) llm(l LLM) {
	switch {
	case l.BaseURL != "" && l.Model == "":
		v.fail("ATAZAN_LLM_MODEL", "an LLM base URL is set but no model", "name the model, e.g. ATAZAN_LLM_MODEL=qwen2.5:7b for Ollama")
	case l.APIKey != "" && l.Model == "":
		v.fail("ATAZAN_LLM_MODEL", "an LLM API key is set but no model", "name the model, e.g. ATAZAN_LLM_MODEL=gpt-4o-mini")
	case l.Model != "" && !l.Enabled():
		v.fail("ATAZAN_LLM_BASE_URL", fmt.Sprintf("model %q has no endpoint", l.Model),
			"set ATAZAN_LLM_BASE_URL (e.g. http://localhost:11434/v1 for Ollama) or ATAZAN_LLM_API_KEY for OpenAI")
	}
	if l.BaseURL != "" {
		v.httpURL("ATAZAN_LLM_BASE_URL", l.BaseURL, "http://localhost:11434/v1")
	}
	if l.Enabled() {
		v.positive("ATAZAN_LLM_TIMEOUT", l.Timeout, "30s")
	}
}

func (v *validator) embed(e Embed, llmKey string) {
	switch {
	case e.BaseURL != "" && e.Model == "":
		v.fail("ATAZAN_EMBED_MODEL", "an embeddings base URL is set but no model", "name the model, e.g. ATAZAN_EMBED_MODEL=nomic-embed-text, or unset the URL for the built-in embedder")
	case e.Model != "" && e.BaseURL == "" && e.APIKey == "" && llmKey == "":
		v.fail("ATAZAN_EMBED_BASE_URL", fmt.Sprintf("embedding model %q has no endpoint", e.Model),
			"set ATAZAN_EMBED_BASE_URL or an API key, or unset ATAZAN_EMBED_MODEL for the built-in embedder")
	}
	if e.BaseURL != "" {
		v.httpURL("ATAZAN_EMBED_BASE_URL", e.BaseURL, "http://localhost:11434/v1")
	}
}

func (v *validator) bot(b Bot) {
	if b.DefaultLang != "kk" && b.DefaultLang != "ru" {
		v.fail("ATAZAN_DEFAULT_LANG", fmt.Sprintf("unknown language %q", b.DefaultLang), `use "kk" (Kazakh) or "ru" (Russian)`)
	}
	if b.RatePerMinute < 0 {
		v.fail("ATAZAN_RATE_PER_MINUTE", "is negative", "use the number of questions one user may ask a minute, e.g. 10")
	}
	if b.MaxQuestionLen <= 0 {
		v.fail("ATAZAN_MAX_QUESTION_LEN", "must be positive", "use a length in characters, e.g. 1000")
	}
	if b.HistoryTurns < 0 {
		v.fail("ATAZAN_HISTORY_TURNS", "is negative", "use how many earlier turns follow-ups see, e.g. 3, or 0 for none")
	}
	if b.AnswerWorkers <= 0 {
		v.fail("ATAZAN_ANSWER_WORKERS", "must be positive", "use how many answers may be computed at once, e.g. 8 (about the LLM's parallel slots)")
	}
	if b.AnswerQueue < 0 {
		v.fail("ATAZAN_ANSWER_QUEUE", "is negative", "use how many questions may wait for an answer, e.g. 64")
	}
}

func (v *validator) telegram(t Telegram) {
	if t.Token != "" && !tokenPattern.MatchString(t.Token) {
		v.warn("ATAZAN_TELEGRAM_TOKEN", "does not look like a bot token", "copy the token @BotFather gave you (123456789:AA…)")
	}
	if t.APIEndpoint != "" && strings.Count(t.APIEndpoint, "%s") != 2 {
		v.fail("ATAZAN_TELEGRAM_API_ENDPOINT", fmt.Sprintf("%q needs two %%s (token, method)", t.APIEndpoint),
			"use the library's format, e.g. http://127.0.0.1:8081/bot%s/%s")
	}
	if t.WebhookURL == "" {
		return
	}
	if t.Token == "" {
		v.fail("ATAZAN_TELEGRAM_WEBHOOK_URL", "a webhook URL is set but no Telegram token", "set ATAZAN_TELEGRAM_TOKEN or unset the webhook URL")
	}
	if u := v.httpURL("ATAZAN_TELEGRAM_WEBHOOK_URL", t.WebhookURL, "https://bot.example.kz/telegram"); u != nil && u.Scheme != "https" {
		v.fail("ATAZAN_TELEGRAM_WEBHOOK_URL", "Telegram only calls https webhooks", "put the bot behind a TLS-terminating proxy and use its https:// URL")
	}
	switch {
	case t.WebhookSecret == "":
		v.fail("ATAZAN_TELEGRAM_WEBHOOK_SECRET", "a webhook needs a secret, or anyone who finds its URL can send fake updates",
			"set a random secret of letters, digits, _ and - (e.g. openssl rand -hex 32)")
	case !webhookSecretPattern.MatchString(t.WebhookSecret):
		v.fail("ATAZAN_TELEGRAM_WEBHOOK_SECRET", "Telegram accepts only 1–256 letters, digits, _ and -", "generate one with openssl rand -hex 32")
	}
}

func (v *validator) whatsApp(w WhatsApp) {
	switch w.Mode {
	case ModeWeb, ModeCloud:
	default:
		v.fail("ATAZAN_WHATSAPP_MODE", fmt.Sprintf("unknown mode %q", w.Mode),
			`use "web" (a linked phone, see atazan whatsapp link) or "cloud" (the WhatsApp Business Cloud API)`)
		return
	}
	c := w.Cloud
	if w.Mode != ModeCloud {
		if c.Token != "" || c.PhoneNumberID != "" {
			v.warn("ATAZAN_WHATSAPP_MODE", "Cloud API settings are set but the mode is web, so they are not used",
				"set ATAZAN_WHATSAPP_MODE=cloud to use the Cloud API")
		}
		return
	}
	if !w.Enabled {
		v.warn("ATAZAN_WHATSAPP_ENABLED", "the mode is cloud but WhatsApp is off", "set ATAZAN_WHATSAPP_ENABLED=true")
		return
	}
	where := "Meta for Developers → your app → WhatsApp → API Setup"
	if c.Token == "" {
		v.fail("ATAZAN_WHATSAPP_CLOUD_TOKEN", "the Cloud API needs an access token",
			"create a system user token with whatsapp_business_messaging in Business Settings → System users")
	}
	switch {
	case c.PhoneNumberID == "":
		v.fail("ATAZAN_WHATSAPP_CLOUD_PHONE_NUMBER_ID", "is empty", "copy the Phone number ID from "+where)
	case !digitsPattern.MatchString(c.PhoneNumberID):
		v.fail("ATAZAN_WHATSAPP_CLOUD_PHONE_NUMBER_ID", "is not a number",
			"use the Phone number ID (digits) from "+where+", not the phone number itself")
	}
	switch {
	case c.AppSecret == "":
		v.fail("ATAZAN_WHATSAPP_CLOUD_APP_SECRET", "the webhook cannot be checked without the app secret, so anyone could send fake messages",
			"copy the App secret from App settings → Basic")
	case !appSecretPattern.MatchString(c.AppSecret):
		v.warn("ATAZAN_WHATSAPP_CLOUD_APP_SECRET", "does not look like an app secret (32 hex digits)", "copy the App secret from App settings → Basic")
	}
	if c.VerifyToken == "" {
		v.fail("ATAZAN_WHATSAPP_CLOUD_VERIFY_TOKEN", "is empty",
			"choose a random word (e.g. openssl rand -hex 16) and enter the same in the app's WhatsApp → Configuration → Webhook")
	}
	v.httpURL("ATAZAN_WHATSAPP_CLOUD_GRAPH_URL", c.GraphURL, "https://graph.facebook.com")
	if !graphVersionPattern.MatchString(c.APIVersion) {
		v.fail("ATAZAN_WHATSAPP_CLOUD_API_VERSION", fmt.Sprintf("%q is not a Graph API version", c.APIVersion), `use e.g. "v24.0"`)
	}
}
