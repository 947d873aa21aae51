package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"atazan/config"
)

// fakeEmbeddings serves /v1/embeddings: the vector of a text is
// [len(text), position], and the data comes back in reverse order, as the
// API allows, to prove the client orders by index.
type fakeEmbeddings struct {
	mu      sync.Mutex
	batches []int
	auth    string
	drop    bool // answer one vector short
}

func (f *fakeEmbeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Input []string `json:"input"`
		Model string   `json:"model"`
	}
	if r.URL.Path != "/v1/embeddings" || json.NewDecoder(r.Body).Decode(&req) != nil || req.Model != "e5" {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.batches = append(f.batches, len(req.Input))
	f.auth = r.Header.Get("Authorization")
	f.mu.Unlock()
	var data []string
	for i := len(req.Input) - 1; i >= 0; i-- {
		if f.drop && i == 0 {
			continue
		}
		data = append(data, fmt.Sprintf(`{"object":"embedding","index":%d,"embedding":[%d,%d]}`, i, len([]rune(req.Input[i])), i))
	}
	fmt.Fprintf(w, `{"object":"list","model":"e5","data":[%s]}`, strings.Join(data, ","))
}

func TestEmbedBatchesAndOrders(t *testing.T) {
	f := &fakeEmbeddings{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	e := NewEmbedder(config.Embed{BaseURL: srv.URL, Model: "e5"}, "sk-llm")

	texts := make([]string, 150)
	for i := range texts {
		texts[i] = strings.Repeat("я", i+1)
	}
	vecs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(f.batches) != "[64 64 22]" {
		t.Errorf("batches = %v", f.batches)
	}
	for i, v := range vecs {
		if int(v[0]) != i+1 || int(v[1]) != i%embedBatch {
			t.Fatalf("vector %d = %v", i, v)
		}
	}
	if f.auth != "Bearer sk-llm" {
		t.Errorf("fallback key not used: %q", f.auth)
	}
	if want := "openai:" + strings.TrimPrefix(srv.URL, "http://") + "/e5"; e.Name() != want {
		t.Errorf("Name() = %q, want %q", e.Name(), want)
	}
}

func TestEmbedOwnKeyWins(t *testing.T) {
	f := &fakeEmbeddings{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	e := NewEmbedder(config.Embed{BaseURL: srv.URL, Model: "e5", APIKey: "sk-embed"}, "sk-llm")
	if _, err := e.Embed(context.Background(), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if f.auth != "Bearer sk-embed" {
		t.Errorf("Authorization = %q", f.auth)
	}
}

func TestEmbedErrors(t *testing.T) {
	f := &fakeEmbeddings{drop: true}
	srv := httptest.NewServer(f)
	defer srv.Close()
	e := NewEmbedder(config.Embed{BaseURL: srv.URL, Model: "e5"}, "")
	if _, err := e.Embed(context.Background(), []string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "got 1 vectors for 2 texts") {
		t.Errorf("short reply: err = %v", err)
	}

	e = NewEmbedder(config.Embed{BaseURL: srv.URL, Model: "other"}, "sk-secret")
	_, err := e.Embed(context.Background(), []string{"a"})
	if err == nil || !strings.Contains(err.Error(), "embedding texts 1–1 of 1") || strings.Contains(err.Error(), "sk-secret") {
		t.Errorf("HTTP error: err = %v", err)
	}
}
