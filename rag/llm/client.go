package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"atazan/config"
)

// temperature keeps answers close to the supplied text.
const temperature = 0.2

// Client is a chat client for one model.
type Client struct {
	api     *openai.Client
	model   string
	host    string
	timeout time.Duration
}

// NewClient returns a client for cfg. An empty cfg.BaseURL means OpenAI;
// an empty cfg.APIKey suits local servers. cfg.Timeout, when set, bounds
// each Chat call on top of the caller's context.
func NewClient(cfg config.LLM) *Client {
	return &Client{
		api:     openai.NewClientWithConfig(openaiConfig(cfg.BaseURL, cfg.APIKey)),
		model:   cfg.Model,
		host:    host(cfg.BaseURL),
		timeout: cfg.Timeout,
	}
}

// Model is the configured model name.
func (c *Client) Model() string { return c.model }

// Chat sends msgs and returns the assistant's reply. When onDelta is not
// nil the reply is streamed and onDelta receives each new piece of text as
// it arrives; the returned string is the whole reply either way.
func (c *Client) Chat(ctx context.Context, msgs []Message, onDelta func(string)) (string, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req := openai.ChatCompletionRequest{
		Model:       c.model,
		Messages:    make([]openai.ChatCompletionMessage, len(msgs)),
		Temperature: temperature,
	}
	for i, m := range msgs {
		req.Messages[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	text, err := c.chat(ctx, req, onDelta)
	if err != nil && rejectsTemperature(err) {
		// Some models (reasoning ones) accept only their default temperature.
		req.Temperature = 0
		text, err = c.chat(ctx, req, onDelta)
	}
	if err != nil {
		return "", fmt.Errorf("chat with %s at %s: %w", c.model, c.host, err)
	}
	return text, nil
}

func (c *Client) chat(ctx context.Context, req openai.ChatCompletionRequest, onDelta func(string)) (string, error) {
	if onDelta == nil {
		resp, err := c.api.CreateChatCompletion(ctx, req)
		if err != nil {
			return "", err
		}
		if len(resp.Choices) == 0 {
			return "", errors.New("reply has no choices")
		}
		return resp.Choices[0].Message.Content, nil
	}

	req.Stream = true
	stream, err := c.api.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return "", err
	}
	defer stream.Close()
	var text strings.Builder
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return text.String(), nil
		}
		if err != nil {
			return text.String(), fmt.Errorf("reading stream after %d bytes: %w", text.Len(), err)
		}
		if len(resp.Choices) == 0 {
			continue // usage-only chunks
		}
		if d := resp.Choices[0].Delta.Content; d != "" {
			text.WriteString(d)
			onDelta(d)
		}
	}
}

func rejectsTemperature(err error) bool {
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusBadRequest {
		return false
	}
	return (apiErr.Param != nil && *apiErr.Param == "temperature") ||
		strings.Contains(apiErr.Message, "temperature")
}
