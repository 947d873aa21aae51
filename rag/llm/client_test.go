package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"atazan/config"
)

// fakeChat is a minimal OpenAI-compatible /v1/chat/completions server.
type fakeChat struct {
	mu       sync.Mutex
	requests []map[string]any
	auth     []string
	// reply writes the response for one decoded request.
	reply func(w http.ResponseWriter, req map[string]any)
}

func (f *fakeChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	var req map[string]any
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	f.reply(w, req)
}

func completion(content string) func(http.ResponseWriter, map[string]any) {
	return func(w http.ResponseWriter, _ map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}]}`, content)
	}
}

func streamed(lines ...string) func(http.ResponseWriter, map[string]any) {
	return func(w http.ResponseWriter, _ map[string]any) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, l := range lines {
			fmt.Fprintf(w, "%s\n\n", l)
			w.(http.Flusher).Flush()
		}
	}
}

func delta(s string) string {
	return fmt.Sprintf(`data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":%q}}]}`, s)
}

func newClient(t *testing.T, f *fakeChat, key string, timeout time.Duration) *Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return NewClient(config.LLM{BaseURL: srv.URL, APIKey: key, Model: "tiny", Timeout: timeout})
}

func testMessages() []Message {
	return []Message{{Role: RoleSystem, Content: "rules"}, {Role: RoleUser, Content: "вопрос"}}
}

func TestChatNonStreamed(t *testing.T) {
	f := &fakeChat{reply: completion("Смертная казнь запрещена [kz2026:17:3].")}
	c := newClient(t, f, "sk-secret", 0)
	got, err := c.Chat(context.Background(), testMessages(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got != "Смертная казнь запрещена [kz2026:17:3]." {
		t.Errorf("reply = %q", got)
	}
	req := f.requests[0]
	if req["model"] != "tiny" || req["stream"] != false {
		t.Errorf("request model/stream = %v/%v", req["model"], req["stream"])
	}
	sent := req["messages"].([]any)
	if len(sent) != 2 || sent[1].(map[string]any)["content"] != "вопрос" || sent[0].(map[string]any)["role"] != "system" {
		t.Errorf("messages = %v", sent)
	}
	if f.auth[0] != "Bearer sk-secret" {
		t.Errorf("Authorization = %q", f.auth[0])
	}
}

func TestChatWithoutKeySendsNoAuthorization(t *testing.T) {
	f := &fakeChat{reply: completion("ok")}
	c := newClient(t, f, "", 0)
	if _, err := c.Chat(context.Background(), testMessages(), nil); err != nil {
		t.Fatal(err)
	}
	if f.auth[0] != "" {
		t.Errorf("Authorization = %q, want none for a local server", f.auth[0])
	}
}

func TestChatStreamed(t *testing.T) {
	f := &fakeChat{reply: streamed(
		`data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant"}}]}`,
		delta("Смертная "), delta("казнь "), delta("запрещена [kz2026:17:3]."),
		`data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"total_tokens":9}}`,
		"data: [DONE]",
	)}
	c := newClient(t, f, "", 0)
	var pieces []string
	got, err := c.Chat(context.Background(), testMessages(), func(d string) { pieces = append(pieces, d) })
	if err != nil {
		t.Fatal(err)
	}
	if want := "Смертная казнь запрещена [kz2026:17:3]."; got != want {
		t.Errorf("reply = %q, want %q", got, want)
	}
	if len(pieces) != 3 || pieces[0] != "Смертная " {
		t.Errorf("deltas = %q", pieces)
	}
	if f.requests[0]["stream"] != true {
		t.Errorf("stream flag not sent")
	}
}

func TestChatErrors(t *testing.T) {
	tests := []struct {
		name    string
		reply   func(http.ResponseWriter, map[string]any)
		stream  bool
		timeout time.Duration
		check   func(error) bool
	}{
		{
			name: "HTTP 500",
			reply: func(w http.ResponseWriter, _ map[string]any) {
				http.Error(w, `{"error":{"message":"boom","type":"server_error"}}`, http.StatusInternalServerError)
			},
			check: func(err error) bool { return strings.Contains(err.Error(), "500") },
		},
		{
			name: "HTTP 500 streamed",
			reply: func(w http.ResponseWriter, _ map[string]any) {
				http.Error(w, `{"error":{"message":"boom","type":"server_error"}}`, http.StatusInternalServerError)
			},
			stream: true,
			check:  func(err error) bool { return strings.Contains(err.Error(), "500") },
		},
		{
			name:   "malformed stream",
			reply:  streamed(delta("Начало "), `data: {"choices":[{"delta":{"content":`, "data: [DONE]"),
			stream: true,
			check:  func(err error) bool { return strings.Contains(err.Error(), "reading stream") },
		},
		{
			name:    "timeout",
			reply:   func(http.ResponseWriter, map[string]any) { time.Sleep(500 * time.Millisecond) },
			timeout: 50 * time.Millisecond,
			check:   func(err error) bool { return errors.Is(err, context.DeadlineExceeded) },
		},
		{
			name: "no choices",
			reply: func(w http.ResponseWriter, _ map[string]any) {
				fmt.Fprint(w, `{"id":"c1","choices":[]}`)
			},
			check: func(err error) bool { return strings.Contains(err.Error(), "no choices") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, &fakeChat{reply: tt.reply}, "sk-secret", tt.timeout)
			var onDelta func(string)
			if tt.stream {
				onDelta = func(string) {}
			}
			_, err := c.Chat(context.Background(), testMessages(), onDelta)
			if err == nil {
				t.Fatal("no error")
			}
			if !tt.check(err) {
				t.Errorf("unexpected error: %v", err)
			}
			if !strings.Contains(err.Error(), "chat with tiny") {
				t.Errorf("error does not say what was being done: %v", err)
			}
			if strings.Contains(err.Error(), "sk-secret") {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

func TestChatRetriesWithoutTemperature(t *testing.T) {
	f := &fakeChat{}
	f.reply = func(w http.ResponseWriter, req map[string]any) {
		if _, ok := req["temperature"]; ok {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"message":"Unsupported value: 'temperature' does not support 0.2","type":"invalid_request_error","param":"temperature"}}`)
			return
		}
		completion("ok")(w, req)
	}
	c := newClient(t, f, "", 0)
	got, err := c.Chat(context.Background(), testMessages(), nil)
	if err != nil || got != "ok" {
		t.Fatalf("Chat = %q, %v", got, err)
	}
	if len(f.requests) != 2 {
		t.Errorf("%d requests, want 2", len(f.requests))
	}
}

func TestAPIBase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://localhost:11434", "http://localhost:11434/v1"},
		{"http://localhost:11434/", "http://localhost:11434/v1"},
		{"http://localhost:8000/v1", "http://localhost:8000/v1"},
		{" https://api.example.com/openai/v1/ ", "https://api.example.com/openai/v1"},
	}
	for _, tt := range tests {
		if got := apiBase(tt.in); got != tt.want {
			t.Errorf("apiBase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
