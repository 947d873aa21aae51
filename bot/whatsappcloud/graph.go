package whatsappcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// APIError is an error answer of the Graph API.
type APIError struct {
	Status     int    // the HTTP status
	Code       int    // Graph's error code, e.g. 131047 (outside the 24-hour window)
	Message    string // Graph's message
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	return fmt.Sprintf("graph API: %d (code %d): %s", e.Status, e.Code, e.Message)
}

// Graph error codes the adapter acts on.
const (
	codeAppRateLimit  = 4      // the app made too many calls
	codeThroughput    = 130429 // the number's messages-per-second limit
	codeSpamRateLimit = 131048 // too many messages judged as spam
	codeOutsideWindow = 131047 // more than 24 hours since the user's last message
	codeTokenInvalid  = 190
)

// retryable reports whether a failed call surely did not deliver and may
// be tried again: the API said "too many" or failed inside (5xx), or the
// connection was never made. A timeout after the request went out is not
// retried: the message may have been accepted, and a retry would send it
// twice.
func retryable(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.Status == http.StatusTooManyRequests, apiErr.Status >= 500:
			return true
		case apiErr.Code == codeAppRateLimit, apiErr.Code == codeThroughput:
			return true
		}
		return false
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// graph calls the WhatsApp Business Cloud API of one phone number.
type graph struct {
	base    string // https://graph.facebook.com/v24.0
	phoneID string
	token   string
	http    *http.Client
	// retries is how many times a retryable failure is tried again;
	// backoff is the first delay, doubled each time, with jitter.
	retries int
	backoff time.Duration
	// maxWait is the longest Retry-After honoured; a longer one fails at once.
	maxWait time.Duration
}

// call makes one request and decodes the JSON answer into out (if not nil).
func (g *graph) call(ctx context.Context, method, url, contentType string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := g.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return apiError(resp, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decoding the answer: %w", err)
	}
	return nil
}

func apiError(resp *http.Response, data []byte) error {
	var body struct {
		Error struct {
			Message string `json:"message"`
			Code    int    `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal(data, &body)
	e := &APIError{Status: resp.StatusCode, Code: body.Error.Code, Message: body.Error.Message}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

// withRetries runs call until it succeeds, fails for good, or ctx ends.
func (g *graph) withRetries(ctx context.Context, call func() error) error {
	delay := g.backoff
	for attempt := 0; ; attempt++ {
		err := call()
		if err == nil || attempt >= g.retries || !retryable(err) || ctx.Err() != nil {
			return err
		}
		wait := delay/2 + rand.N(delay) // jitter: 0.5–1.5 × delay
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			if apiErr.RetryAfter > g.maxWait {
				return fmt.Errorf("%w (asked to wait %s)", err, apiErr.RetryAfter)
			}
			wait = max(wait, apiErr.RetryAfter)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (gave up retrying: %w)", err, ctx.Err())
		}
		delay *= 2
	}
}

// send posts one message and returns the id WhatsApp gave it.
func (g *graph) send(ctx context.Context, m *outMessage) (string, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	var resp struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	err = g.withRetries(ctx, func() error {
		return g.call(ctx, http.MethodPost, g.base+"/"+g.phoneID+"/messages", "application/json", body, &resp)
	})
	if err != nil {
		return "", err
	}
	if len(resp.Messages) == 0 {
		return "", errors.New("graph API: the answer names no message")
	}
	return resp.Messages[0].ID, nil
}

// markRead marks an incoming message read, showing "typing…" too if asked;
// WhatsApp clears the indicator at the reply or after 25 seconds.
func (g *graph) markRead(ctx context.Context, msgID string, typing bool) error {
	m := map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": msgID}
	if typing {
		m["typing_indicator"] = map[string]string{"type": "text"}
	}
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return g.call(ctx, http.MethodPost, g.base+"/"+g.phoneID+"/messages", "application/json", body, nil)
}

// phone fetches the phone number's name, which proves the token and id.
func (g *graph) phone(ctx context.Context) (string, error) {
	var resp struct {
		Display string `json:"display_phone_number"`
		Name    string `json:"verified_name"`
	}
	if err := g.call(ctx, http.MethodGet, g.base+"/"+g.phoneID+"?fields=display_phone_number,verified_name", "", nil, &resp); err != nil {
		return "", err
	}
	return strings.TrimSpace(resp.Name + " " + resp.Display), nil
}

// download fetches a user's media: its URL first, then the bytes, both
// with the token, refusing anything over limit bytes.
func (g *graph) download(ctx context.Context, mediaID string, limit int64) ([]byte, error) {
	var info struct {
		URL  string `json:"url"`
		Size int64  `json:"file_size"`
	}
	if err := g.call(ctx, http.MethodGet, g.base+"/"+mediaID, "", nil, &info); err != nil {
		return nil, fmt.Errorf("looking up the media: %w", err)
	}
	if info.Size > limit {
		return nil, fmt.Errorf("the file has %d bytes, more than the %d allowed", info.Size, limit)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, info.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("the media URL: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	resp, err := g.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("downloading the media: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("downloading the media: %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("downloading the media: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the file has more than the %d bytes allowed", limit)
	}
	return data, nil
}

// upload stores a file with WhatsApp for sending and returns its media id.
func (g *graph) upload(ctx context.Context, name, mime string, data []byte) (string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("messaging_product", "whatsapp")
	w.WriteField("type", mime)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", mime)
	part, err := w.CreatePart(h)
	if err != nil {
		return "", err
	}
	part.Write(data)
	if err := w.Close(); err != nil {
		return "", err
	}
	var resp struct {
		ID string `json:"id"`
	}
	err = g.withRetries(ctx, func() error {
		return g.call(ctx, http.MethodPost, g.base+"/"+g.phoneID+"/media", w.FormDataContentType(), buf.Bytes(), &resp)
	})
	if err != nil {
		return "", fmt.Errorf("uploading %s: %w", name, err)
	}
	return resp.ID, nil
}
