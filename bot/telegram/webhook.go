package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// secretHeader carries the webhook secret in every update Telegram posts.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds a webhook request body; real updates are a few KB.
const maxUpdateBytes = 1 << 20

// checkWebhook validates the webhook settings before anything is sent.
func checkWebhook(rawURL, secret string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("webhook URL %q must be an absolute https URL (ATAZAN_TELEGRAM_WEBHOOK_URL)", rawURL)
	}
	if secret == "" {
		return errors.New("a webhook needs a secret: set ATAZAN_TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -)")
	}
	if len(secret) > 256 {
		return errors.New("the webhook secret is longer than 256 characters")
	}
	for _, r := range secret {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return errors.New("the webhook secret may only hold A-Z a-z 0-9 _ -")
		}
	}
	return nil
}

// setWebhook registers the webhook with its secret. telegram-bot-api
// v5.5.1 has no secret_token, so the call is made with raw parameters.
func (a *Adapter) setWebhook(ctx context.Context) error {
	params := tgbotapi.Params{"url": a.webhookURL, "secret_token": a.secret}
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return fmt.Errorf("telegram: encoding allowed updates: %w", err)
	}
	if _, err := a.call(ctx, "setWebhook", params); err != nil {
		return fmt.Errorf("telegram: registering the webhook: %w", err)
	}
	return nil
}

// WebhookHandler receives updates Telegram posts to the webhook URL. It
// refuses requests without the secret, so nobody else can speak for
// Telegram, and answers once the update is recorded: it is handled in the
// background.
func (a *Adapter) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _, ok := a.readWebhookUpdate(w, r)
		if !ok {
			return
		}
		// Once the update is in the inbox it is safe to acknowledge: the
		// same update posted again is not answered twice, and one this
		// process has no time for is answered after the next start.
		if err := a.receive(r.Context(), []update{u}); err != nil {
			a.metrics.Error("store")
			a.log.Warn("recording a webhook update", "update_id", u.UpdateID, "err", err)
			http.Error(w, "cannot record the update", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// readWebhookUpdate checks a webhook request — POST, the secret header —
// and reads its update and raw body. On any failure it has answered the
// request itself and reports false.
func (a *Adapter) readWebhookUpdate(w http.ResponseWriter, r *http.Request) (update, []byte, bool) {
	if a.secret == "" {
		http.NotFound(w, r)
		return update{}, nil, false
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return update{}, nil, false
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(secretHeader)), []byte(a.secret)) != 1 {
		a.log.Warn("webhook request without the right secret", "remote", r.RemoteAddr)
		http.Error(w, "forbidden", http.StatusForbidden)
		return update{}, nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
	if err != nil {
		http.Error(w, "reading update: "+err.Error(), http.StatusBadRequest)
		return update{}, nil, false
	}
	u, err := decodeUpdate(body)
	if err != nil {
		a.log.Warn("webhook update does not decode", "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return update{}, nil, false
	}
	return u, body, true
}
