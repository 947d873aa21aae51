package seen

import (
	"strconv"
	"sync"
	"testing"
)

func TestSet(t *testing.T) {
	s := New(3)
	steps := []struct {
		id  string
		new bool
	}{
		{"a", true}, {"a", false}, {"b", true}, {"c", true}, {"b", false},
		{"d", true}, // forgets a
		{"a", true}, // forgets b
		{"c", false}, {"b", true}, {"", true}, {"", true},
	}
	for i, st := range steps {
		if got := s.Add(st.id); got != st.new {
			t.Errorf("step %d: Add(%q) = %v, want %v", i, st.id, got, st.new)
		}
	}
	s.Forget("b")
	if !s.Add("b") {
		t.Error("a forgotten id should be new again")
	}
}

func TestSetConcurrentAddsOnce(t *testing.T) {
	s := New(1000)
	var wg sync.WaitGroup
	news := make([]int, 8)
	for g := range news {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				if s.Add(strconv.Itoa(i)) {
					news[g]++
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range news {
		total += n
	}
	if total != 500 {
		t.Errorf("%d ids were new across goroutines, want 500", total)
	}
}
