package whatsapp

import (
	"context"
	"fmt"
	"log/slog"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// slogLogger routes whatsmeow's printf-style logs into slog, tagged with the
// whatsmeow module that wrote them ("Client/Recv").
type slogLogger struct {
	log    *slog.Logger
	module string
}

// newWALogger adapts l for whatsmeow. whatsmeow's info level is chatty
// protocol detail, so it goes to debug; its debug level (raw protocol
// nodes) goes below that; warnings and errors keep their level.
func newWALogger(l *slog.Logger, module string) waLog.Logger {
	return slogLogger{log: l, module: module}
}

func (s slogLogger) Errorf(msg string, args ...any) { s.logf(slog.LevelError, msg, args) }
func (s slogLogger) Warnf(msg string, args ...any)  { s.logf(slog.LevelWarn, msg, args) }
func (s slogLogger) Infof(msg string, args ...any)  { s.logf(slog.LevelDebug, msg, args) }
func (s slogLogger) Debugf(msg string, args ...any) { s.logf(slog.LevelDebug-4, msg, args) }

func (s slogLogger) Sub(module string) waLog.Logger {
	return slogLogger{log: s.log, module: s.module + "/" + module}
}

func (s slogLogger) logf(level slog.Level, msg string, args []any) {
	ctx := context.Background()
	if s.log.Enabled(ctx, level) {
		s.log.Log(ctx, level, fmt.Sprintf(msg, args...), "whatsmeow", s.module)
	}
}
