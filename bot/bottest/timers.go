package bottest

import (
	"sync"
	"testing"
	"time"
)

// Timers stand in for time.AfterFunc in battle tests (bot.BattleOptions):
// a round ends when the test calls Fire, never by the wall clock.
type Timers struct {
	mu      sync.Mutex
	pending []*timer
}

type timer struct {
	d       time.Duration
	f       func()
	stopped bool
}

// AfterFunc registers f to run when the test fires it.
func (m *Timers) AfterFunc(d time.Duration, f func()) func() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := &timer{d: d, f: f}
	m.pending = append(m.pending, t)
	return func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		was := t.stopped
		t.stopped = true
		return !was
	}
}

// Fire runs the one timer waiting, as if its time had come, and returns
// its duration. It fails the test unless exactly one is waiting.
func (m *Timers) Fire(t testing.TB) time.Duration {
	t.Helper()
	m.mu.Lock()
	var live []*timer
	for _, p := range m.pending {
		if !p.stopped {
			live = append(live, p)
		}
	}
	if len(live) != 1 {
		m.mu.Unlock()
		t.Fatalf("%d round timers waiting, want 1", len(live))
	}
	live[0].stopped = true
	m.mu.Unlock()
	live[0].f()
	return live[0].d
}

// Waiting counts the timers not yet fired or stopped.
func (m *Timers) Waiting() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, p := range m.pending {
		if !p.stopped {
			n++
		}
	}
	return n
}
