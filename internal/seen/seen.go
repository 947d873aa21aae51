// Package seen remembers the most recent ids, so that a message delivered
// twice (a webhook retried, a reconnect replaying) is answered once.
package seen

import "sync"

// Set holds the last n ids added; older ones are forgotten in order. The
// zero Set is not usable: call New.
type Set struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string
	next int
}

// New returns a Set remembering up to n ids.
func New(n int) *Set {
	return &Set{ids: make(map[string]struct{}, n), ring: make([]string, max(n, 1))}
}

// Add records id and reports whether it is new. An empty id is always new:
// it cannot be told apart.
func (s *Set) Add(id string) bool {
	if id == "" {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return false
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.ids, old)
	}
	s.ring[s.next] = id
	s.ids[id] = struct{}{}
	s.next = (s.next + 1) % len(s.ring)
	return true
}

// Forget removes id, so that a message that could not be handled is
// handled when it comes again.
func (s *Set) Forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, id)
}
