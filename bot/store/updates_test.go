package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestProcessedUpdates(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, s *Store, reopen, extra func() *Store)
	}{
		{"an update is claimed once, by one replica", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			other := extra()
			var claimed atomic.Int32
			var wg sync.WaitGroup
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db := s
					if i%2 == 1 {
						db = other
					}
					ok, err := db.ClaimUpdate(ctx, "tg:42", "1001", []byte(`{"update_id":1001}`), t0)
					if err != nil {
						t.Error(err)
					}
					if ok {
						claimed.Add(1)
					}
				}()
			}
			wg.Wait()
			if n := claimed.Load(); n != 1 {
				t.Errorf("%d of 20 deliveries claimed the update, want 1", n)
			}
			// The same update_id of another bot, and a WhatsApp message id, are other updates.
			for _, c := range []struct{ bot, key string }{{"tg:43", "1001"}, {"wa:77011234567", "3EB0C4D1F2A9"}} {
				if ok, err := other.ClaimUpdate(ctx, c.bot, c.key, nil, t0); err != nil || !ok {
					t.Errorf("claim %s/%s = %v, %v; want true", c.bot, c.key, ok, err)
				}
			}
			if ok, err := reopen().ClaimUpdate(ctx, "wa:77011234567", "3EB0C4D1F2A9", nil, t0); err != nil || ok {
				t.Errorf("WhatsApp message claimed again after a restart: %v, %v", ok, err)
			}
		}},
		{"a queued update is taken by one worker, with its payload", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			other := extra()
			payload := `{"update_id":7,"message":{"text":"Сколько лет президенту?"}}`
			must(t, claim(ctx, s, "tg:42", "7", payload, t0))
			var taken atomic.Int32
			var wg sync.WaitGroup
			for i := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db := s
					if i%2 == 1 {
						db = other
					}
					got, ok, err := db.TakeUpdate(ctx, "tg:42", "7", t0.Add(time.Second))
					if err != nil {
						t.Error(err)
					}
					if ok {
						taken.Add(1)
						if string(got) != payload {
							t.Errorf("payload = %q, want %q", got, payload)
						}
					}
				}()
			}
			wg.Wait()
			if n := taken.Load(); n != 1 {
				t.Errorf("%d workers took the update, want 1", n)
			}
			if _, ok, err := s.TakeUpdate(ctx, "tg:42", "never-claimed", t0); err != nil || ok {
				t.Errorf("took an unclaimed update: %v, %v", ok, err)
			}
		}},
		{"queued updates are taken oldest first, each once", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			for i, key := range []string{"12", "10", "11"} {
				must(t, claim(ctx, s, "tg:42", key, "p"+key, t0.Add(time.Duration(i)*time.Second)))
			}
			must(t, claim(ctx, s, "tg:99", "1", "other bot", t0))
			if _, ok, err := s.TakeUpdate(ctx, "tg:42", "10", t0); err != nil || !ok {
				t.Fatalf("take 10: %v, %v", ok, err)
			}
			s = reopen() // what a stopped replica left is there for the next
			var got []string
			for {
				key, payload, ok, err := s.TakeQueuedUpdate(ctx, "tg:42", t0, t0.Add(time.Minute))
				must(t, err)
				if !ok {
					break
				}
				if string(payload) != "p"+key {
					t.Errorf("update %s has payload %q", key, payload)
				}
				got = append(got, key)
			}
			if fmt.Sprint(got) != "[12 11]" {
				t.Errorf("taken %v, want [12 11]", got)
			}
		}},
		{"an update whose worker died is taken again, a finished one never", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			must(t, claim(ctx, s, "tg:42", "1", "died", t0))
			must(t, claim(ctx, s, "tg:42", "2", "done", t0))
			for _, key := range []string{"1", "2"} {
				if _, ok, err := s.TakeUpdate(ctx, "tg:42", key, t0); err != nil || !ok {
					t.Fatalf("take %s: %v, %v", key, ok, err)
				}
			}
			must(t, s.FinishUpdate(ctx, "tg:42", "2", t0.Add(time.Second)))
			other := extra()
			if _, _, ok, err := other.TakeQueuedUpdate(ctx, "tg:42", t0, t0.Add(time.Minute)); err != nil || ok {
				t.Errorf("an update being answered was taken again: %v, %v", ok, err)
			}
			key, payload, ok, err := other.TakeQueuedUpdate(ctx, "tg:42", t0.Add(4*time.Minute), t0.Add(5*time.Minute))
			if err != nil || !ok || key != "1" || string(payload) != "died" {
				t.Errorf("stale update: %q %q %v %v; want 1, died", key, payload, ok, err)
			}
			if _, _, ok, err := s.TakeQueuedUpdate(ctx, "tg:42", t0.Add(4*time.Minute), t0.Add(5*time.Minute)); err != nil || ok {
				t.Errorf("taken twice, or a finished update taken: %v, %v", ok, err)
			}
		}},
		{"a finished update keeps its claim but not its text", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			must(t, claim(ctx, s, "tg:42", "5", "secret question", t0))
			if _, ok, err := s.TakeUpdate(ctx, "tg:42", "5", t0); err != nil || !ok {
				t.Fatalf("take: %v, %v", ok, err)
			}
			must(t, s.FinishUpdate(ctx, "tg:42", "5", t0.Add(time.Second)))
			var state, payload string
			must(t, s.queryRow(ctx, `SELECT state, payload FROM processed_updates WHERE bot = ? AND update_key = ?`, "tg:42", "5").Scan(&state, &payload))
			if state != "done" || payload != "" {
				t.Errorf("finished update: state %q, payload %q; want done and empty", state, payload)
			}
			if ok, err := extra().ClaimUpdate(ctx, "tg:42", "5", []byte("again"), t0.Add(time.Hour)); err != nil || ok {
				t.Errorf("finished update claimed again: %v, %v", ok, err)
			}
		}},
		{"pruning forgets old updates only", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			must(t, claim(ctx, s, "tg:42", "old", "", t0))
			must(t, claim(ctx, s, "wa:1", "old", "", t0.Add(time.Minute)))
			must(t, claim(ctx, s, "tg:42", "new", "", t0.Add(48*time.Hour)))
			n, err := s.PruneUpdates(ctx, t0.Add(47*time.Hour))
			must(t, err)
			if n != 2 {
				t.Errorf("pruned %d, want 2", n)
			}
			if ok, _ := s.ClaimUpdate(ctx, "tg:42", "new", nil, t0.Add(48*time.Hour)); ok {
				t.Error("a recent update was pruned")
			}
			if ok, _ := s.ClaimUpdate(ctx, "tg:42", "old", nil, t0.Add(48*time.Hour)); !ok {
				t.Error("a pruned update is still claimed")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { forEachBackend(t, tt.run) })
	}
}

// claim claims an update that must be new.
func claim(ctx context.Context, s *Store, bot, key, payload string, at time.Time) error {
	ok, err := s.ClaimUpdate(ctx, bot, key, []byte(payload), at)
	if err == nil && !ok {
		err = fmt.Errorf("update %s of %s was claimed already", key, bot)
	}
	return err
}

// BenchmarkUpdateLifecycle is what each webhook update costs the database:
// claim (before Telegram is answered), take and finish.
func BenchmarkUpdateLifecycle(b *testing.B) {
	ctx := context.Background()
	payload := []byte(`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"text":"Сколько депутатов в Курултае?"}}`)
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			s, err := be.open(b)()
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			i := 0
			for b.Loop() {
				i++
				key := fmt.Sprint(i)
				if _, err := s.ClaimUpdate(ctx, "tg:1", key, payload, t0); err != nil {
					b.Fatal(err)
				}
				if _, ok, err := s.TakeUpdate(ctx, "tg:1", key, t0); err != nil || !ok {
					b.Fatal(ok, err)
				}
				if err := s.FinishUpdate(ctx, "tg:1", key, t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
