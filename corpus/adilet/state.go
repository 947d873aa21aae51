package adilet

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// state is what the watch remembers between checks and restarts.
type state struct {
	path      string
	CheckedAt time.Time          `json:"checked_at"`
	Sources   map[string]*source `json:"sources"` // by "doc/lang"
}

// source is the watch's memory of one text.
type source struct {
	// Seen is the SHA-256 of the last file that was the active text, had
	// the same articles, or was proposed: it is not staged again.
	Seen string `json:"seen,omitempty"`
	// Proposed is the staged id of the pending proposal of Seen.
	Proposed string `json:"proposed,omitempty"`
	// Problem is the kind of problem last reported to admins, "" when fine.
	Problem string `json:"problem,omitempty"`
}

// loadState reads the state file; a missing or unreadable one starts
// afresh, which at worst repeats one report.
func loadState(path string, log *slog.Logger) *state {
	st := &state{path: path, Sources: map[string]*source{}}
	if path == "" {
		return st
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !os.IsNotExist(err) {
			log.Warn("reading the watch state, starting afresh", "path", path, "err", err)
		}
		return st
	}
	if err := json.Unmarshal(data, st); err != nil {
		log.Warn("parsing the watch state, starting afresh", "path", path, "err", err)
		return &state{path: path, Sources: map[string]*source{}}
	}
	if st.Sources == nil {
		st.Sources = map[string]*source{}
	}
	return st
}

func (st *state) source(key string) *source {
	s, ok := st.Sources[key]
	if !ok {
		s = &source{}
		st.Sources[key] = s
	}
	return s
}

// save writes the state atomically: a crash leaves the old file or the new.
func (st *state) save() error {
	if st.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("saving the watch state: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(st.path), 0o755); err != nil {
		return fmt.Errorf("saving the watch state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(st.path), ".watch-*.tmp")
	if err != nil {
		return fmt.Errorf("saving the watch state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the watch state %s: %w", st.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the watch state %s: %w", st.path, err)
	}
	if err := os.Rename(tmp.Name(), st.path); err != nil {
		return fmt.Errorf("saving the watch state %s: %w", st.path, err)
	}
	return nil
}
