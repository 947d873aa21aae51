package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// opener returns a bot.File's Open: nothing is fetched until the core asks,
// so the uploads of users it refuses are never downloaded.
func (a *Adapter) opener(ctx context.Context, fileID string) func() ([]byte, error) {
	return func() ([]byte, error) {
		resp, err := a.request(ctx, "getFile", tgbotapi.FileConfig{FileID: fileID})
		if err != nil {
			return nil, fmt.Errorf("telegram: locating the uploaded file: %w", err)
		}
		var f tgbotapi.File
		if err := json.Unmarshal(resp.Result, &f); err != nil {
			return nil, fmt.Errorf("telegram: decoding getFile: %w", err)
		}
		if f.FileSize > maxDownload {
			return nil, fmt.Errorf("telegram: the file is %d bytes; bots can download at most %d", f.FileSize, maxDownload)
		}
		data, err := a.download(ctx, f.FilePath)
		if err != nil {
			return nil, fmt.Errorf("telegram: downloading the uploaded file: %w", err)
		}
		return data, nil
	}
}

func (a *Adapter) download(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(a.fileEndpoint, a.token, path), nil)
	if err != nil {
		return nil, redact(err, a.token)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, redact(err, a.token)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("file server answered %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, redact(err, a.token)
	}
	if len(data) > maxDownload {
		return nil, fmt.Errorf("the file is larger than %d bytes", maxDownload)
	}
	return data, nil
}
