// Package keylock serialises work per key: the answers in one chat run one
// after another while other chats go on, and a key's lock is forgotten
// once nobody holds or waits for it.
package keylock

import "sync"

// Locks is a set of per-key mutexes; the zero value is ready to use.
type Locks struct {
	mu    sync.Mutex
	locks map[string]*lock
}

type lock struct {
	mu    sync.Mutex
	users int
}

// Lock waits for the key's lock and returns its unlock.
func (c *Locks) Lock(key string) (unlock func()) {
	c.mu.Lock()
	if c.locks == nil {
		c.locks = make(map[string]*lock)
	}
	l := c.locks[key]
	if l == nil {
		l = &lock{}
		c.locks[key] = l
	}
	l.users++
	c.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		c.mu.Lock()
		if l.users--; l.users == 0 {
			delete(c.locks, key)
		}
		c.mu.Unlock()
	}
}

// Len is how many keys are held or waited for.
func (c *Locks) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.locks)
}
