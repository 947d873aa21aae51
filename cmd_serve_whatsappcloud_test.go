package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"atazan/bot/whatsappcloud/cloudtest"
	"atazan/internal/testsupport"
)

// TestServeWhatsAppCloud runs "atazan serve" with WhatsApp on the Cloud API
// against a fake Graph API: Meta's webhook check, an unsigned webhook
// refused, a signed question answered with citations and buttons, a button
// pressed, and a clean stop.
func TestServeWhatsAppCloud(t *testing.T) {
	const (
		token, phoneID = "EAAG-serve-test-token", "106540352242922"
		secret, verify = "0123456789abcdef0123456789abcdef", "verify-me-please"
		user, admin    = "77011234567", "77015556677"
	)
	api := cloudtest.NewServer(token, phoneID)
	defer api.Close()
	sv := startServe(t, map[string]string{
		"ATAZAN_CORPUS_SRC":                     testsupport.CorpusSource(t),
		"ATAZAN_CORPUS_WATCH":                   "0",
		"ATAZAN_ADMINS":                         "wa:" + admin,
		"ATAZAN_WHATSAPP_ENABLED":               "true",
		"ATAZAN_WHATSAPP_MODE":                  "cloud",
		"ATAZAN_WHATSAPP_CLOUD_TOKEN":           token,
		"ATAZAN_WHATSAPP_CLOUD_PHONE_NUMBER_ID": phoneID,
		"ATAZAN_WHATSAPP_CLOUD_APP_SECRET":      secret,
		"ATAZAN_WHATSAPP_CLOUD_VERIFY_TOKEN":    verify,
		"ATAZAN_WHATSAPP_CLOUD_GRAPH_URL":       api.URL(),
	})
	if code, body := sv.get(t, "/readyz"); code != http.StatusOK || !strings.Contains(body, `"whatsapp": "ok"`) {
		t.Fatalf("/readyz: %d %s", code, body)
	}
	hook := sv.base + "/whatsapp/webhook"
	if code, body := sv.get(t, "/whatsapp/webhook?hub.mode=subscribe&hub.verify_token="+verify+"&hub.challenge=4242"); code != http.StatusOK || body != "4242" {
		t.Errorf("webhook verification: %d %q", code, body)
	}
	post := func(body []byte, signed bool) int {
		req, _ := http.NewRequest(http.MethodPost, hook, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if signed {
			req.Header.Set("X-Hub-Signature-256", cloudtest.Sign(secret, body))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	question := cloudtest.Payload(phoneID, "Aliya", cloudtest.Text(user, "wamid.Q1", "Сколько депутатов в Курултае?"))
	if code := post(question, false); code != http.StatusUnauthorized {
		t.Errorf("unsigned webhook: %d, want 401", code)
	}
	if code := post(question, true); code != http.StatusOK {
		t.Fatalf("signed webhook: %d", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sent, err := api.WaitSent(ctx, 1)
	if err != nil {
		t.Fatalf("%v; calls %v", err, api.Calls(""))
	}
	answer := sent[0]
	text := answer.Str("text.body") + answer.Str("interactive.body.text")
	t.Logf("answer: %.300s", text)
	if answer.Str("to") != user || !strings.Contains(text, "ст.") {
		t.Errorf("answer is not cited or not to the user: %v", answer.Body)
	}
	if len(api.Reads()) == 0 || api.Reads()[0].Str("message_id") != "wamid.Q1" {
		t.Error("the question was not marked read")
	}
	last := api.Sent()[len(api.Sent())-1]
	if last.Str("type") != "interactive" {
		t.Fatalf("the answer offers no buttons: %v", last.Body)
	}

	// The user presses the first choice: an article's full text comes back.
	var id string
	if last.Str("interactive.type") == "button" {
		id = last.Body["interactive"].(map[string]any)["action"].(map[string]any)["buttons"].([]any)[0].(map[string]any)["reply"].(map[string]any)["id"].(string)
	} else {
		id = last.Body["interactive"].(map[string]any)["action"].(map[string]any)["sections"].([]any)[0].(map[string]any)["rows"].([]any)[0].(map[string]any)["id"].(string)
	}
	n := len(api.Sent())
	press := cloudtest.Payload(phoneID, "Aliya", cloudtest.Message{"from": user, "id": "wamid.B1",
		"timestamp": strconv.FormatInt(time.Now().Unix(), 10), "type": "interactive",
		"interactive": map[string]any{"type": "list_reply", "list_reply": map[string]any{"id": id, "title": "x"}}})
	if code := post(press, true); code != http.StatusOK {
		t.Fatalf("button webhook: %d", code)
	}
	if _, err := api.WaitSent(ctx, n+1); err != nil {
		t.Fatalf("no answer to the button %q: %v", id, err)
	}

	// Documents: the admin's import is fetched with the token; anyone
	// else's is never downloaded.
	upload, err := os.ReadFile("bot/testdata/upload/kz2026-ru-new.md")
	if err != nil {
		t.Fatal(err)
	}
	api.AddMedia("media-admin", "text/plain", upload)
	api.AddMedia("media-user", "text/plain", upload)
	doc := func(from, id, media string) []byte {
		return cloudtest.Payload(phoneID, "Someone", cloudtest.Message{"from": from, "id": id,
			"timestamp": strconv.FormatInt(time.Now().Unix(), 10), "type": "document",
			"document": map[string]any{"id": media, "filename": "kz2026-ru.txt", "caption": "/import kz2026 ru", "mime_type": "text/plain"}})
	}
	n = len(api.Sent())
	if code := post(doc(user, "wamid.D1", "media-user"), true); code != http.StatusOK {
		t.Fatalf("user's document: %d", code)
	}
	if code := post(doc(admin, "wamid.D2", "media-admin"), true); code != http.StatusOK {
		t.Fatalf("admin's document: %d", code)
	}
	if _, err := api.WaitSent(ctx, n+2); err != nil {
		t.Fatalf("documents not answered: %v", err)
	}
	if len(api.Calls("/download/media-admin")) != 1 || len(api.Calls("/media-user")) != 0 {
		t.Errorf("downloads: admin's %v, user's %v; want only the admin's", api.Calls("/download/media-admin"), api.Calls("/media-user"))
	}
	toAdmin := 0
	for _, m := range api.Sent()[n:] {
		if m.Str("to") != admin {
			continue
		}
		toAdmin++
		if !strings.Contains(m.Str("text.body")+m.Str("interactive.body.text"), "kz2026") {
			t.Errorf("the admin's import was answered with %v", m.Body)
		}
	}
	if toAdmin == 0 {
		t.Error("the admin's import got no answer")
	}
	sv.stop(t)
	if logs := sv.stderr.String(); strings.Contains(logs, token) || strings.Contains(logs, secret) || strings.Contains(logs, "депутатов") {
		t.Errorf("logs show a secret or the user's message:\n%s", logs)
	}
}
