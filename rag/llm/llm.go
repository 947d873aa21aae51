// Package llm talks to OpenAI-compatible chat and embedding endpoints
// (OpenAI, Ollama, vLLM, llama.cpp server) through go-openai.
package llm

import (
	"net/url"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// Message roles.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// openaiConfig builds a go-openai configuration. Local servers need no key;
// go-openai then sends no Authorization header at all.
func openaiConfig(baseURL, key string) openai.ClientConfig {
	cfg := openai.DefaultConfig(key)
	if baseURL != "" {
		cfg.BaseURL = apiBase(baseURL)
	}
	return cfg
}

// apiBase accepts what operators paste: "http://localhost:11434" means
// "http://localhost:11434/v1", as every OpenAI-compatible server serves there.
func apiBase(raw string) string {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	if u.Path == "" {
		return raw + "/v1"
	}
	return raw
}

// host names an endpoint in logs and embedder names without its path,
// query or credentials.
func host(baseURL string) string {
	u, err := url.Parse(apiBase(baseURL))
	if err != nil || u.Host == "" {
		return "api.openai.com"
	}
	return u.Host
}
