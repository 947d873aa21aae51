package main

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

// logLines turns what a command writes for people into info records, one
// per line, so that a stream of JSON logs stays JSON. A progress line
// redrawn in place (\r) gives one record per redraw.
type logLines struct {
	log *slog.Logger
	mu  sync.Mutex
	buf []byte
}

func newLogLines(log *slog.Logger) *logLines { return &logLines{log: log} }

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexAny(l.buf, "\r\n")
		if i < 0 {
			return len(p), nil
		}
		if line := strings.TrimSpace(string(l.buf[:i])); line != "" {
			l.log.Info(line)
		}
		l.buf = l.buf[i+1:]
	}
}
