package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"atazan/bot/telegram/telegramtest"
	"atazan/internal/testsupport"
)

// TestServeWaitsForTheBotAPI starts serve while the Bot API answers with a
// proxy's 502 page: serve keeps running, /readyz says why it is not ready,
// and once the Bot API is back the bot answers.
func TestServeWaitsForTheBotAPI(t *testing.T) {
	src := testsupport.CorpusSource(t)
	const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_"
	tg := telegramtest.NewServer(token)
	defer tg.Close()
	// New tries once, then Run after 1 s, 2 s and 4 s: seven seconds down.
	tg.Fail("getMe", telegramtest.Fault{Status: http.StatusBadGateway, Times: 4})
	addr := freeAddr(t)
	vars := map[string]string{
		"ATAZAN_DATA_DIR": t.TempDir(), "ATAZAN_HTTP_ADDR": addr, "ATAZAN_LOG_FORMAT": "json",
		"ATAZAN_MODEL_DIR":  testsupport.ModelDir(t),
		"ATAZAN_CORPUS_SRC": src, "ATAZAN_CORPUS_WATCH": "0",
		"ATAZAN_TELEGRAM_TOKEN": token, "ATAZAN_TELEGRAM_API_ENDPOINT": tg.Endpoint(),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &testsupport.Buffer{}
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, stderr, func(k string) string { return vars[k] })
	}()

	var sawReason bool
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case code := <-exited:
			t.Fatalf("serve exited with %d while the Bot API was down:\n%s", code, stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 60 s (saw the reason: %v):\n%s", sawReason, stderr)
		}
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		if strings.Contains(string(body), "connecting to the Bot API") {
			sawReason = true
		}
	}
	if !sawReason {
		t.Error("/readyz never said the Bot API could not be reached")
	}
	if strings.Contains(stderr.String(), token) {
		t.Error("the token appears in the logs")
	}
	tg.Push(map[string]any{"message": map[string]any{
		"message_id": 10, "date": time.Now().Unix(), "text": "Сколько депутатов в Курултае?",
		"chat": map[string]any{"id": 501, "type": "private"},
		"from": map[string]any{"id": 501, "is_bot": false, "first_name": "Aliya", "language_code": "ru"},
	}})
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	if _, err := tg.WaitCalls(wctx, "sendMessage", 1); err != nil {
		t.Fatalf("no answer once the Bot API was back: %v\n%s", err, stderr)
	}
	cancel()
	if code := <-exited; code != 0 {
		t.Errorf("serve exited with %d:\n%s", code, stderr)
	}
}
