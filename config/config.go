// Package config is atazan's one typed configuration: an optional YAML file
// (ATAZAN_CONFIG) overridden by ATAZAN_* environment variables.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole configuration. Each field's env tag names the variable
// that overrides it; secret fields are masked when printed.
type Config struct {
	DataDir string `yaml:"data_dir" env:"ATAZAN_DATA_DIR"`
	// ModelDir caches what retrieval learns from the question bank (the
	// relevance model, the reranker); empty means DataDir/model. It
	// depends only on the binary, so replicas and images can share one.
	ModelDir  string `yaml:"model_dir" env:"ATAZAN_MODEL_DIR"`
	CorpusSrc string `yaml:"corpus_src" env:"ATAZAN_CORPUS_SRC"`
	LogFormat string `yaml:"log_format" env:"ATAZAN_LOG_FORMAT"` // text, json or "" (auto)
	LogLevel  string `yaml:"log_level" env:"ATAZAN_LOG_LEVEL"`
	HTTPAddr  string `yaml:"http_addr" env:"ATAZAN_HTTP_ADDR"`
	// ShutdownTimeout bounds how long serve waits for answers in flight
	// after SIGTERM.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout" env:"ATAZAN_SHUTDOWN_TIMEOUT"`
	// DatabaseURL selects PostgreSQL; empty means SQLite under DataDir.
	DatabaseURL string `yaml:"database_url" env:"ATAZAN_DATABASE_URL" secret:"true"`
	// Admins are platform-prefixed user ids: "tg:123456", "wa:77011234567".
	Admins []string `yaml:"admins" env:"ATAZAN_ADMINS"`

	Corpus   Corpus   `yaml:"corpus"`
	LLM      LLM      `yaml:"llm"`
	Embed    Embed    `yaml:"embed"`
	Bot      Bot      `yaml:"bot"`
	Telegram Telegram `yaml:"telegram"`
	WhatsApp WhatsApp `yaml:"whatsapp"`
}

// Corpus configures where official texts come from.
type Corpus struct {
	OfficialURL string        `yaml:"official_url" env:"ATAZAN_CORPUS_OFFICIAL_URL"`
	Watch       time.Duration `yaml:"watch" env:"ATAZAN_CORPUS_WATCH"` // 0 turns the watch off
	// FetchTimeout bounds the download of one text, every attempt included;
	// ConnectTimeout bounds the wait for the server's first answer.
	FetchTimeout   time.Duration `yaml:"fetch_timeout" env:"ATAZAN_CORPUS_FETCH_TIMEOUT"`
	ConnectTimeout time.Duration `yaml:"connect_timeout" env:"ATAZAN_CORPUS_CONNECT_TIMEOUT"`
	// KeepVersions is how many imported versions of each document serve
	// keeps, besides the active and the previous one; 0 keeps all.
	KeepVersions int `yaml:"keep_versions" env:"ATAZAN_CORPUS_KEEP_VERSIONS"`
}

// LLM is an OpenAI-compatible chat endpoint; empty BaseURL and APIKey mean offline.
type LLM struct {
	BaseURL string        `yaml:"base_url" env:"ATAZAN_LLM_BASE_URL"`
	APIKey  string        `yaml:"-" env:"ATAZAN_LLM_API_KEY" secret:"true"`
	Model   string        `yaml:"model" env:"ATAZAN_LLM_MODEL"`
	Timeout time.Duration `yaml:"timeout" env:"ATAZAN_LLM_TIMEOUT"`
}

// Enabled reports whether an LLM endpoint is configured.
func (l LLM) Enabled() bool { return l.Model != "" && (l.BaseURL != "" || l.APIKey != "") }

// Embed is an OpenAI-compatible embeddings endpoint; empty means the built-in embedder.
type Embed struct {
	BaseURL string `yaml:"base_url" env:"ATAZAN_EMBED_BASE_URL"`
	APIKey  string `yaml:"-" env:"ATAZAN_EMBED_API_KEY" secret:"true"`
	Model   string `yaml:"model" env:"ATAZAN_EMBED_MODEL"`
}

// Enabled reports whether an embeddings endpoint is configured.
func (e Embed) Enabled() bool { return e.Model != "" }

// Bot configures the conversation core.
type Bot struct {
	// RatePerMinute is how many questions one user may ask a minute.
	RatePerMinute  int    `yaml:"rate_per_minute" env:"ATAZAN_RATE_PER_MINUTE"`
	MaxQuestionLen int    `yaml:"max_question_len" env:"ATAZAN_MAX_QUESTION_LEN"`
	HistoryTurns   int    `yaml:"history_turns" env:"ATAZAN_HISTORY_TURNS"`
	DefaultLang    string `yaml:"default_lang" env:"ATAZAN_DEFAULT_LANG"`
	// AnswerWorkers bounds the answers (retrieval and LLM) computed at once;
	// AnswerQueue how many more questions may wait for one.
	AnswerWorkers int `yaml:"answer_workers" env:"ATAZAN_ANSWER_WORKERS"`
	AnswerQueue   int `yaml:"answer_queue" env:"ATAZAN_ANSWER_QUEUE"`
}

// Telegram configures the Telegram adapter; an empty Token turns it off.
type Telegram struct {
	Token         string `yaml:"-" env:"ATAZAN_TELEGRAM_TOKEN" secret:"true"`
	APIEndpoint   string `yaml:"api_endpoint" env:"ATAZAN_TELEGRAM_API_ENDPOINT"`
	WebhookURL    string `yaml:"webhook_url" env:"ATAZAN_TELEGRAM_WEBHOOK_URL"`
	WebhookSecret string `yaml:"-" env:"ATAZAN_TELEGRAM_WEBHOOK_SECRET" secret:"true"`
}

// Enabled reports whether the Telegram adapter is configured.
func (t Telegram) Enabled() bool { return t.Token != "" }

// WhatsApp configures the WhatsApp adapter.
type WhatsApp struct {
	Enabled bool `yaml:"enabled" env:"ATAZAN_WHATSAPP_ENABLED"`
	// Mode picks the route to WhatsApp: ModeWeb (a linked device, as
	// WhatsApp Web) or ModeCloud (Meta's WhatsApp Business Cloud API).
	Mode string `yaml:"mode" env:"ATAZAN_WHATSAPP_MODE"`
	// DSN is where the linked device's session is kept; see WhatsAppDSN.
	DSN   string        `yaml:"dsn" env:"ATAZAN_WHATSAPP_DSN" secret:"true"`
	Cloud WhatsAppCloud `yaml:"cloud"`
}

// The WhatsApp modes.
const (
	ModeWeb   = "web"
	ModeCloud = "cloud"
)

// WhatsAppCloud configures the WhatsApp Business Cloud API adapter. Its
// webhook is served at /whatsapp/webhook on the HTTP address.
type WhatsAppCloud struct {
	// Token is a system user's access token with whatsapp_business_messaging.
	Token         string `yaml:"-" env:"ATAZAN_WHATSAPP_CLOUD_TOKEN" secret:"true"`
	PhoneNumberID string `yaml:"phone_number_id" env:"ATAZAN_WHATSAPP_CLOUD_PHONE_NUMBER_ID"`
	// AppSecret signs the webhook requests (X-Hub-Signature-256).
	AppSecret string `yaml:"-" env:"ATAZAN_WHATSAPP_CLOUD_APP_SECRET" secret:"true"`
	// VerifyToken is the word Meta repeats when the webhook is registered.
	VerifyToken string `yaml:"-" env:"ATAZAN_WHATSAPP_CLOUD_VERIFY_TOKEN" secret:"true"`
	GraphURL    string `yaml:"graph_url" env:"ATAZAN_WHATSAPP_CLOUD_GRAPH_URL"`
	APIVersion  string `yaml:"api_version" env:"ATAZAN_WHATSAPP_CLOUD_API_VERSION"`
}

// UsesCloud reports whether WhatsApp runs over the Cloud API.
func (w WhatsApp) UsesCloud() bool { return w.Enabled && w.Mode == ModeCloud }

// WhatsAppDSN is the PostgreSQL DSN of the WhatsApp session store: the
// WhatsApp DSN if set, else the shared database, so that replicas share one
// session and its lock; empty means SQLite in the data dir.
func (c Config) WhatsAppDSN() string {
	if c.WhatsApp.DSN != "" {
		return c.WhatsApp.DSN
	}
	return c.DatabaseURL
}

// DefaultMemoryLimit is the Go runtime's soft memory limit for serve when
// GOMEMLIMIT is not set. The runtime otherwise lets the heap grow to twice what is
// live: a flood of 2,000 questions peaked at 161 MB, with this limit at
// 112-113 MB and 390-475 questions a second instead of 570; 80 MiB cost
// more (307-408), 100 MiB peaked at 126 MB (docs/operations.md). It is a
// target, not a cap: a bot that needs more still gets it.
const DefaultMemoryLimit = 85 << 20

// Default is the configuration with nothing set: offline, SQLite under ./data.
func Default() Config {
	return Config{
		DataDir:         "./data",
		LogLevel:        "info",
		HTTPAddr:        ":8080",
		WhatsApp:        WhatsApp{Mode: ModeWeb, Cloud: WhatsAppCloud{GraphURL: "https://graph.facebook.com", APIVersion: "v24.0"}},
		ShutdownTimeout: 30 * time.Second,
		Corpus:          Corpus{OfficialURL: "https://adilet.zan.kz", Watch: 24 * time.Hour, FetchTimeout: 60 * time.Second, ConnectTimeout: 20 * time.Second, KeepVersions: 10},
		LLM:             LLM{Timeout: 30 * time.Second},
		Bot:             Bot{RatePerMinute: 10, MaxQuestionLen: 1000, HistoryTurns: 3, DefaultLang: "ru", AnswerWorkers: 8, AnswerQueue: 64},
	}
}

// Load reads the YAML file named by ATAZAN_CONFIG (if any), then applies the
// environment. getenv is os.Getenv in production and a map in tests.
func Load(getenv func(string) string) (Config, error) {
	cfg := Default()
	if path := getenv("ATAZAN_CONFIG"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("reading config file (ATAZAN_CONFIG): %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return cfg, fmt.Errorf("parsing config file %s: %w", path, err)
		}
	}
	if err := applyEnv(reflect.ValueOf(&cfg).Elem(), getenv); err != nil {
		return cfg, err
	}
	if cfg.CorpusSrc == "" {
		if st, err := os.Stat(filepath.Join("..", "shared", "corpus-src")); err == nil && st.IsDir() {
			cfg.CorpusSrc = filepath.Join("..", "shared", "corpus-src")
		}
	}
	return cfg, nil
}

// applyEnv sets every field whose variable is set and reports every bad
// value at once, so that one run of "atazan config check" shows them all.
func applyEnv(v reflect.Value, getenv func(string) string) error {
	var errs []error
	eachField(v, func(f reflect.StructField, fv reflect.Value) {
		name := f.Tag.Get("env")
		if name == "" {
			return
		}
		raw, ok := lookup(getenv, name)
		if !ok {
			return
		}
		if err := setField(fv, raw); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", name, raw, err))
		}
	})
	return errors.Join(errs...)
}

// eachField calls fn for every leaf field of the struct v, depth first in
// declaration order; nested config sections are walked, durations are leaves.
func eachField(v reflect.Value, fn func(f reflect.StructField, fv reflect.Value)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), v.Field(i)
		if f.Type.Kind() == reflect.Struct {
			eachField(fv, fn)
			continue
		}
		fn(f, fv)
	}
}

func lookup(getenv func(string) string, name string) (string, bool) {
	s := getenv(name)
	return strings.TrimSpace(s), s != ""
}

func setField(fv reflect.Value, raw string) error {
	switch {
	case fv.Type() == reflect.TypeOf(time.Duration(0)):
		if raw == "0" {
			fv.SetInt(0)
			return nil
		}
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("want a duration such as 30s, 24h or 0: %w", err)
		}
		fv.SetInt(int64(d))
	case fv.Kind() == reflect.String:
		fv.SetString(raw)
	case fv.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		fv.SetBool(b)
	case fv.Kind() == reflect.Int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("want a whole number")
		}
		fv.SetInt(int64(n))
	case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.String:
		var items []string
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		fv.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported field kind %s", fv.Kind())
	}
	return nil
}
