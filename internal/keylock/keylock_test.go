package keylock

import (
	"sync"
	"testing"
)

func TestLockSerialisesOneKeyAndForgetsIt(t *testing.T) {
	var l Locks
	var wg sync.WaitGroup
	inside := map[string]int{}
	var mu sync.Mutex
	for i := 0; i < 50; i++ {
		for _, key := range []string{"a", "b"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				unlock := l.Lock(key)
				mu.Lock()
				inside[key]++
				if inside[key] > 1 {
					t.Errorf("two holders of %s", key)
				}
				mu.Unlock()
				mu.Lock()
				inside[key]--
				mu.Unlock()
				unlock()
			}()
		}
	}
	wg.Wait()
	if n := l.Len(); n != 0 {
		t.Errorf("%d keys remembered after every unlock", n)
	}
}
