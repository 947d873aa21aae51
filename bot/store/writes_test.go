package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// waitWaiters waits until n writes queue at g: no sleep decides the order.
func waitWaiters(t *testing.T, g *writeGate, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.mu.Lock()
		got := len(g.waiting[urgent]) + len(g.waiting[normal])
		g.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes waiting, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWriteGateOrder(t *testing.T) {
	tests := []struct {
		name  string
		prios []int // in order of arrival, while the gate is held
		want  []int // indexes of prios, in the order they get the gate
	}{
		{"first come first served", []int{normal, normal, normal}, []int{0, 1, 2}},
		{"delivery marks first", []int{normal, normal, urgent, normal, urgent}, []int{2, 4, 0, 1, 3}},
		{"urgent among themselves in order", []int{urgent, urgent}, []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &writeGate{}
			ctx := context.Background()
			if err := g.acquire(ctx, normal); err != nil {
				t.Fatal(err)
			}
			order := make(chan int, len(tt.prios))
			for i, p := range tt.prios {
				go func() {
					if err := g.acquire(ctx, p); err != nil {
						t.Error(err)
						return
					}
					order <- i
					g.release()
				}()
				waitWaiters(t, g, i+1)
			}
			g.release()
			for _, want := range tt.want {
				if got := <-order; got != want {
					t.Fatalf("write %d got the gate, want %d", got, want)
				}
			}
			// Free again: taken at once.
			if err := g.acquire(ctx, normal); err != nil {
				t.Fatal(err)
			}
			g.release()
		})
	}
}

func TestWriteGateGivesUpWithContext(t *testing.T) {
	g := &writeGate{}
	if err := g.acquire(context.Background(), normal); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.acquire(ctx, normal) }()
	waitWaiters(t, g, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire after cancel = %v", err)
	}
	waitWaiters(t, g, 0)
	// The one that gave up does not hold the gate when it is released.
	g.release()
	quick, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	if err := g.acquire(quick, normal); err != nil {
		t.Fatalf("gate not free after the waiter gave up: %v", err)
	}
}
