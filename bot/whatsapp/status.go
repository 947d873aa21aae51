package whatsapp

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// State is where the adapter stands with WhatsApp.
type State string

// The states /healthz reports. Logged out, banned and failed are final for
// the session at hand: the adapter says so and waits instead of crashing,
// so a restart loop cannot make a ban worse.
const (
	StateStarting     State = "starting"
	StateStandby      State = "standby"    // another replica holds the connection
	StateNotLinked    State = "not_linked" // no session: run "atazan whatsapp link"
	StateConnecting   State = "connecting"
	StateConnected    State = "connected"
	StateDegraded     State = "degraded"     // connected, but WhatsApp stopped answering keepalives
	StateDisconnected State = "disconnected" // reconnecting on its own
	StateLoggedOut    State = "logged_out"   // unlinked from the phone: link again
	StateBanned       State = "banned"
	StateFailed       State = "failed" // client outdated, session used elsewhere, …
	StateStopped      State = "stopped"
)

// Status is the adapter's state, why, and since when.
type Status struct {
	State  State     `json:"state"`
	Detail string    `json:"detail,omitempty"`
	Since  time.Time `json:"since"`
	// Until is when a temporary ban ends, if WhatsApp said.
	Until time.Time `json:"until,omitzero"`
	// ClientVersion is the WhatsApp Web version this build presents; when
	// WhatsApp calls it outdated, whatsmeow needs an update.
	ClientVersion string `json:"client_version"`
}

// Healthy reports whether the adapter is doing its job: connected, on its
// way there, or correctly standing by for another replica.
func (s Status) Healthy() bool {
	switch s.State {
	case StateConnected, StateDegraded, StateStandby, StateStarting, StateConnecting, StateDisconnected:
		return true
	}
	return false
}

// statusBox holds the current status for concurrent readers.
type statusBox struct {
	now     func() time.Time
	version string

	mu sync.Mutex
	st Status
}

func (b *statusBox) get() Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.st
}

// set changes the state; it reports whether the state changed, so callers
// log transitions rather than repeats.
func (b *statusBox) set(state State, detail string, until time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	changed := b.st.State != state || b.st.Detail != detail
	if changed {
		b.st = Status{State: state, Detail: detail, Since: b.now(), Until: until, ClientVersion: b.version}
	}
	return changed
}

// Check is a readiness probe: nil when connected or standing by for
// another replica, else what is wrong.
func (a *Adapter) Check(context.Context) error {
	st := a.status.get()
	switch st.State {
	case StateConnected, StateStandby:
		return nil
	}
	if st.Detail != "" {
		return fmt.Errorf("whatsapp %s: %s", st.State, st.Detail)
	}
	return fmt.Errorf("whatsapp %s", st.State)
}
