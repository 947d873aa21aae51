package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"atazan/bot/telegram/telegramtest"
	"atazan/internal/testsupport"
)

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestServeRefusesBadConfig(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{
		"ATAZAN_DATA_DIR":  t.TempDir(),
		"ATAZAN_MODEL_DIR": testsupport.ModelDir(t),
		"ATAZAN_HTTP_ADDR": addr,
		"ATAZAN_ADMINS":    "42",
		"ATAZAN_LLM_MODEL": "qwen2.5:7b",
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for _, want := range []string{"ATAZAN_ADMINS", "ATAZAN_LLM_BASE_URL", "2 configuration error(s)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, &stderr)
		}
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("serve started listening despite configuration errors")
	}
}

func TestServeHealthcheckWithoutServer(t *testing.T) {
	env := map[string]string{"ATAZAN_HTTP_ADDR": freeAddr(t)}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--healthcheck"}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] }); code != 1 {
		t.Errorf("healthcheck with nothing listening: exit code %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "/healthz") {
		t.Errorf("stderr does not say what was probed: %s", &stderr)
	}
}

func TestServeWithoutMessenger(t *testing.T) {
	sv := startServe(t, map[string]string{"ATAZAN_CORPUS_SRC": testsupport.CorpusSource(t), "ATAZAN_CORPUS_WATCH": "0"})
	for path, want := range map[string]string{
		"/healthz": `"corpus": "ok"`,
		"/readyz":  `"status": "ok"`,
		"/metrics": "go_goroutines",
	} {
		if code, body := sv.get(t, path); code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d, body lacks %q:\n%.500s", path, code, want, body)
		}
	}
	prog := invokedAs(os.Args[0]) // the hints are commands as the user ran them
	for _, want := range []string{"No messenger is configured", "ATAZAN_TELEGRAM_TOKEN", prog + " whatsapp link", prog + " chat"} {
		if !strings.Contains(sv.stderr.String(), want) {
			t.Errorf("serve does not say %q:\n%s", want, sv.stderr)
		}
	}
	// The container's HEALTHCHECK, run beside the server.
	env := map[string]string{"ATAZAN_HTTP_ADDR": strings.TrimPrefix(sv.base, "http://")}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--healthcheck"}, strings.NewReader(""), io.Discard, &stderr, func(k string) string { return env[k] }); code != 0 {
		t.Errorf("serve --healthcheck against a running server: exit code %d: %s", code, &stderr)
	}
	sv.stop(t)
}

// TestServeTelegramWebhook runs the whole bot as "atazan serve" would in
// production behind a TLS proxy: the real corpus, engine, core and Telegram
// adapter against a fake Bot API server, updates coming in by webhook on
// the bot's own HTTP server; then it stops the way SIGTERM does.
func TestServeTelegramWebhook(t *testing.T) {
	src := testsupport.CorpusSource(t)
	const token, secret = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_", "s3cret-for-tests"
	tg := telegramtest.NewServer(token)
	defer tg.Close()
	// Әділет is down: the watch, checking at once on a first start, must
	// tell the admin.
	var officialHits atomic.Int32
	official := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		officialHits.Add(1)
		http.NotFound(w, r)
	}))
	defer official.Close()
	env := map[string]string{
		"ATAZAN_CORPUS_SRC":              src,
		"ATAZAN_CORPUS_WATCH":            "24h",
		"ATAZAN_CORPUS_OFFICIAL_URL":     official.URL,
		"ATAZAN_ADMINS":                  "tg:1",
		"ATAZAN_TELEGRAM_TOKEN":          token,
		"ATAZAN_TELEGRAM_API_ENDPOINT":   tg.Endpoint(),
		"ATAZAN_TELEGRAM_WEBHOOK_URL":    "https://bot.example.kz/tg/hook",
		"ATAZAN_TELEGRAM_WEBHOOK_SECRET": secret,
	}
	sv := startServe(t, env)
	hooks := tg.Calls("setWebhook")
	if len(hooks) != 1 || hooks[0].Params.Get("url") != env["ATAZAN_TELEGRAM_WEBHOOK_URL"] || hooks[0].Params.Get("secret_token") != secret {
		t.Fatalf("setWebhook calls: %v", hooks)
	}

	update := func(secretHeader string, user int) *http.Response {
		body, _ := json.Marshal(map[string]any{
			"update_id": user,
			"message": map[string]any{
				"message_id": 10, "date": time.Now().Unix(), "text": "Сколько депутатов в Курултае?",
				"chat": map[string]any{"id": user, "type": "private"},
				"from": map[string]any{"id": user, "is_bot": false, "first_name": "Aliya", "language_code": "ru"},
			},
		})
		req, _ := http.NewRequest(http.MethodPost, sv.base+"/tg/hook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secretHeader != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secretHeader)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if resp := update("wrong", 555); resp.StatusCode != http.StatusForbidden {
		t.Errorf("update with a wrong secret: status %d, want 403", resp.StatusCode)
	}
	if resp := update(secret, 555); resp.StatusCode != http.StatusOK {
		t.Fatalf("update with the secret: status %d", resp.StatusCode)
	}
	wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	answer := waitMessage(wctx, t, tg, "555")
	t.Logf("answer: %.300s", answer)
	if !strings.Contains(answer, "ст.") {
		t.Errorf("answer is not cited: %q", answer)
	}
	if report := waitMessage(wctx, t, tg, "1"); !strings.Contains(report, official.URL) {
		t.Errorf("admin's report of the unreachable source does not name it: %q", report)
	}
	if officialHits.Load() == 0 {
		t.Error("the watch never asked the official source")
	}

	_, metrics := sv.get(t, "/metrics")
	for _, want := range []string{`atazan_questions_total{lang="ru",platform="tg"} 1`, "atazan_retrieval_seconds_count 1", "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// A question arrives, then SIGTERM before it is answered: the answer
	// still goes out before serve exits.
	if resp := update(secret, 556); resp.StatusCode != http.StatusOK {
		t.Fatalf("last update: status %d", resp.StatusCode)
	}
	sv.stop(t) // as SIGTERM does
	if _, ok := messageTo(tg, "556"); !ok {
		t.Error("the question in flight at shutdown was not answered")
	}
	if logs := sv.stderr.String(); strings.Contains(logs, token) || strings.Contains(logs, secret) || strings.Contains(logs, "депутатов") {
		t.Errorf("logs show a secret or the user's message:\n%s", logs)
	}
}

func TestWebhookPath(t *testing.T) {
	for url, want := range map[string]string{
		"https://bot.example.kz/tg/hook":     "/tg/hook",
		"https://bot.example.kz/tg/hook?x=1": "/tg/hook",
		"https://bot.example.kz":             "/{$}",
		"https://bot.example.kz/":            "/{$}",
	} {
		got, err := webhookPath(url)
		if err != nil || got != want {
			t.Errorf("webhookPath(%q) = %q, %v; want %q", url, got, err, want)
		}
	}
	if _, err := webhookPath("https://bot.example.kz/%zz"); err == nil {
		t.Error("webhookPath accepted a malformed URL")
	}
}

// waitMessage waits for the bot's first message to chatID and returns its text.
func waitMessage(ctx context.Context, t *testing.T, tg *telegramtest.Server, chatID string) string {
	t.Helper()
	for n := 1; ; n++ {
		if _, err := tg.WaitCalls(ctx, "sendMessage", n); err != nil {
			t.Fatalf("no message to chat %s: %v", chatID, err)
		}
		if text, ok := messageTo(tg, chatID); ok {
			return text
		}
	}
}

// messageTo returns the text of the bot's first message to chatID.
func messageTo(tg *telegramtest.Server, chatID string) (string, bool) {
	for _, c := range tg.Calls("sendMessage") {
		if c.Params.Get("chat_id") == chatID {
			return c.Params.Get("text"), true
		}
	}
	return "", false
}

// served is an "atazan serve" running in the test.
type served struct {
	base   string // http://127.0.0.1:port
	stderr *testsupport.Buffer
	cancel context.CancelFunc
	exited chan int
}

// startServe runs "atazan serve" with env (plus a fresh data dir, a free
// port and JSON logs) and waits until /readyz says it is ready.
func startServe(t *testing.T, env map[string]string) *served {
	t.Helper()
	addr := freeAddr(t)
	vars := map[string]string{"ATAZAN_DATA_DIR": t.TempDir(), "ATAZAN_MODEL_DIR": testsupport.ModelDir(t), "ATAZAN_HTTP_ADDR": addr, "ATAZAN_LOG_FORMAT": "json"}
	for k, v := range env {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	sv := &served{base: "http://" + addr, stderr: &testsupport.Buffer{}, cancel: cancel, exited: make(chan int, 1)}
	go func() {
		sv.exited <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, sv.stderr, func(k string) string { return vars[k] })
	}()
	t.Cleanup(cancel)

	deadline := time.Now().Add(50 * time.Second)
	for {
		if resp, err := http.Get(sv.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return sv
			}
		}
		select {
		case code := <-sv.exited:
			t.Fatalf("serve exited with %d before it was ready:\n%s", code, sv.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 50s:\n%s", sv.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// get fetches path and returns the status and body.
func (sv *served) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(sv.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// stop ends serve as SIGTERM does and checks that it exits cleanly and
// stops serving HTTP.
func (sv *served) stop(t *testing.T) {
	t.Helper()
	sv.cancel()
	select {
	case code := <-sv.exited:
		if code != 0 {
			t.Errorf("serve exited with %d after the shutdown signal:\n%s", code, sv.stderr)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop after the shutdown signal")
	}
	if resp, err := http.Get(sv.base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("HTTP server still serving after serve returned")
	}
}
