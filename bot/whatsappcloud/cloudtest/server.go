// Package cloudtest is a fake WhatsApp Business Cloud API (Meta's Graph
// API) for tests: it checks the token and the limits the real API enforces
// on messages, records every call, serves media, and fails on request. It
// also builds and signs webhook payloads as Meta sends them.
package cloudtest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Call is one request the fake received.
type Call struct {
	Method string
	Path   string
	Body   map[string]any // the decoded JSON body, nil for other bodies
	// Status is what the fake answered.
	Status int
}

// Str returns a string at a dotted path in the body, e.g. "text.body".
func (c Call) Str(path string) string {
	var v any = c.Body
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

// Failure is a scripted answer to the next message sent.
type Failure struct {
	Status     int
	Code       int    // the Graph error code
	RetryAfter string // the Retry-After header, if any
}

type media struct {
	mime string
	data []byte
}

// Server is the fake Graph API.
type Server struct {
	srv     *httptest.Server
	token   string
	phoneID string

	mu       sync.Mutex
	calls    []Call
	failures []Failure
	media    map[string]media
	sent     int
	changed  chan struct{} // closed and replaced on every call
}

// NewServer starts a fake for the phone number phoneID that accepts token.
func NewServer(token, phoneID string) *Server {
	s := &Server{token: token, phoneID: phoneID, media: map[string]media{}, changed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the Graph base URL, for ATAZAN_WHATSAPP_CLOUD_GRAPH_URL.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// AddMedia makes an uploaded file downloadable under id.
func (s *Server) AddMedia(id, mime string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media[id] = media{mime, data}
}

// Fail makes the next sends fail, one failure each, in order.
func (s *Server) Fail(f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, f...)
}

// Calls returns the calls so far whose path ends with suffix ("" for all).
func (s *Server) Calls(suffix string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if strings.HasSuffix(c.Path, suffix) {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the messages accepted so far (not read receipts).
func (s *Server) Sent() []Call {
	var out []Call
	for _, c := range s.Calls("/messages") {
		if c.Status == http.StatusOK && c.Body["status"] == nil {
			out = append(out, c)
		}
	}
	return out
}

// Reads returns the accepted read receipts, with or without typing.
func (s *Server) Reads() []Call {
	var out []Call
	for _, c := range s.Calls("/messages") {
		if c.Status == http.StatusOK && c.Body["status"] == "read" {
			out = append(out, c)
		}
	}
	return out
}

// Wait waits until cond holds on the fake's calls or ctx ends.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for the fake Graph API: %w", ctx.Err())
		}
	}
}

// WaitSent waits for n accepted messages and returns them.
func (s *Server) WaitSent(ctx context.Context, n int) ([]Call, error) {
	err := s.Wait(ctx, func() bool { return len(s.Sent()) >= n })
	return s.Sent(), err
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	call := Call{Method: r.Method, Path: r.URL.Path}
	raw, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		json.Unmarshal(raw, &call.Body)
	}
	call.Status = s.handle(w, r, call, raw)
	s.record(call)
}

// handle answers one call and returns the status it answered with.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, call Call, raw []byte) int {
	if r.Header.Get("Authorization") != "Bearer "+s.token {
		return graphError(w, http.StatusUnauthorized, 190, "Invalid OAuth access token")
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "download":
		s.mu.Lock()
		m, ok := s.media[parts[1]]
		s.mu.Unlock()
		if !ok {
			return graphError(w, http.StatusNotFound, 100, "no such media")
		}
		w.Header().Set("Content-Type", m.mime)
		w.Write(m.data)
		return http.StatusOK
	case len(parts) < 2 || !strings.HasPrefix(parts[0], "v"):
		return graphError(w, http.StatusNotFound, 100, "unknown path")
	case len(parts) == 2 && r.Method == http.MethodGet && parts[1] == s.phoneID:
		return reply(w, map[string]any{"id": s.phoneID, "display_phone_number": "+7 701 000 0001", "verified_name": "Atazan"})
	case len(parts) == 2 && r.Method == http.MethodGet:
		s.mu.Lock()
		m, ok := s.media[parts[1]]
		s.mu.Unlock()
		if !ok {
			return graphError(w, http.StatusNotFound, 100, "Unsupported get request")
		}
		sum := sha256.Sum256(m.data)
		return reply(w, map[string]any{"url": s.srv.URL + "/download/" + parts[1], "mime_type": m.mime,
			"sha256": hex.EncodeToString(sum[:]), "file_size": len(m.data), "id": parts[1], "messaging_product": "whatsapp"})
	case len(parts) == 3 && r.Method == http.MethodPost && parts[1] == s.phoneID && parts[2] == "media":
		return s.upload(w, r)
	case len(parts) == 3 && r.Method == http.MethodPost && parts[1] == s.phoneID && parts[2] == "messages":
		return s.message(w, call.Body)
	}
	return graphError(w, http.StatusNotFound, 100, "unknown path")
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) int {
	if err := r.ParseMultipartForm(32 << 20); err != nil || r.FormValue("messaging_product") != "whatsapp" {
		return graphError(w, http.StatusBadRequest, 100, "bad upload")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return graphError(w, http.StatusBadRequest, 100, "no file")
	}
	data, _ := io.ReadAll(f)
	s.mu.Lock()
	id := "upload-" + strconv.Itoa(len(s.media)+1)
	s.media[id] = media{hdr.Header.Get("Content-Type"), data}
	s.mu.Unlock()
	return reply(w, map[string]any{"id": id})
}

func (s *Server) message(w http.ResponseWriter, body map[string]any) int {
	s.mu.Lock()
	var fail *Failure
	if len(s.failures) > 0 {
		fail = &s.failures[0]
		s.failures = s.failures[1:]
	}
	s.mu.Unlock()
	if fail != nil {
		if fail.RetryAfter != "" {
			w.Header().Set("Retry-After", fail.RetryAfter)
		}
		return graphError(w, fail.Status, fail.Code, "scripted failure")
	}
	if err := checkMessage(body); err != nil {
		return graphError(w, http.StatusBadRequest, 100, "(#100) Invalid parameter: "+err.Error())
	}
	if body["status"] == "read" {
		return reply(w, map[string]any{"success": true})
	}
	s.mu.Lock()
	s.sent++
	id := fmt.Sprintf("wamid.OUT%d", s.sent)
	s.mu.Unlock()
	to, _ := body["to"].(string)
	return reply(w, map[string]any{"messaging_product": "whatsapp",
		"contacts": []any{map[string]any{"input": to, "wa_id": to}}, "messages": []any{map[string]any{"id": id}}})
}

// checkMessage enforces the documented limits of the messages endpoint.
func checkMessage(b map[string]any) error {
	c := Call{Body: b}
	if c.Str("messaging_product") != "whatsapp" {
		return fmt.Errorf("messaging_product must be whatsapp")
	}
	if c.Str("status") == "read" {
		if c.Str("message_id") == "" {
			return fmt.Errorf("message_id is required")
		}
		if t := c.Str("typing_indicator.type"); b["typing_indicator"] != nil && t != "text" {
			return fmt.Errorf("typing_indicator.type must be text")
		}
		return nil
	}
	if c.Str("to") == "" {
		return fmt.Errorf("to is required")
	}
	switch c.Str("type") {
	case "text":
		return length("text.body", c.Str("text.body"), 1, 4096)
	case "document":
		if c.Str("document.id") == "" && c.Str("document.link") == "" {
			return fmt.Errorf("document.id or link is required")
		}
		return nil
	case "interactive":
		return checkInteractive(c)
	}
	return fmt.Errorf("unsupported type %q", c.Str("type"))
}

func checkInteractive(c Call) error {
	if err := length("interactive.body.text", c.Str("interactive.body.text"), 1, 1024); err != nil {
		return err
	}
	action, _ := c.Body["interactive"].(map[string]any)["action"].(map[string]any)
	switch c.Str("interactive.type") {
	case "button":
		buttons, _ := action["buttons"].([]any)
		if len(buttons) < 1 || len(buttons) > 3 {
			return fmt.Errorf("%d buttons, want 1 to 3", len(buttons))
		}
		for _, b := range buttons {
			bc := Call{Body: b.(map[string]any)}
			if err := length("button title", bc.Str("reply.title"), 1, 20); err != nil {
				return err
			}
			if err := length("button id", bc.Str("reply.id"), 1, 256); err != nil {
				return err
			}
		}
		return nil
	case "list":
		label, _ := action["button"].(string)
		if err := length("list button", label, 1, 20); err != nil {
			return err
		}
		sections, _ := action["sections"].([]any)
		rows := 0
		for _, sec := range sections {
			rs, _ := sec.(map[string]any)["rows"].([]any)
			for _, r := range rs {
				rc := Call{Body: r.(map[string]any)}
				rows++
				if err := length("row title", rc.Str("title"), 1, 24); err != nil {
					return err
				}
				if err := length("row description", rc.Str("description"), 0, 72); err != nil {
					return err
				}
				if err := length("row id", rc.Str("id"), 1, 200); err != nil {
					return err
				}
			}
		}
		if rows < 1 || rows > 10 {
			return fmt.Errorf("%d rows, want 1 to 10", rows)
		}
		return nil
	}
	return fmt.Errorf("unsupported interactive type %q", c.Str("interactive.type"))
}

func length(what, s string, min, max int) error {
	if n := utf8.RuneCountInString(s); n < min || n > max {
		return fmt.Errorf("%s has %d characters, want %d to %d", what, n, min, max)
	}
	return nil
}

func reply(w http.ResponseWriter, v any) int {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
	return http.StatusOK
}

func graphError(w http.ResponseWriter, status, code int, msg string) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": msg, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf",
	}})
	return status
}

// Sign is the X-Hub-Signature-256 header Meta sends with body.
func Sign(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Message is one incoming message in a webhook, as Meta writes it.
type Message map[string]any

// Text is a text message from a user.
func Text(from, id, body string) Message {
	return Message{"from": from, "id": id, "timestamp": strconv.FormatInt(time.Now().Unix(), 10),
		"type": "text", "text": map[string]any{"body": body}}
}

// Payload is a webhook body carrying msgs to phoneID from a user called name.
func Payload(phoneID, name string, msgs ...Message) []byte {
	var contacts []any
	for _, m := range msgs {
		contacts = append(contacts, map[string]any{"profile": map[string]any{"name": name}, "wa_id": m["from"]})
	}
	body, _ := json.Marshal(map[string]any{
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"id": "WABA-1", "changes": []any{map[string]any{
			"field": "messages",
			"value": map[string]any{
				"messaging_product": "whatsapp",
				"metadata":          map[string]any{"display_phone_number": "77010000001", "phone_number_id": phoneID},
				"contacts":          contacts,
				"messages":          msgs,
			},
		}}}},
	})
	return body
}
