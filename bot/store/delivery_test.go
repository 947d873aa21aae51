package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestLimitSlidesAndWarnsOnce(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, s *Store, reopen, extra func() *Store) {
		// 20 a minute. Fixed windows let 20 through just before a minute
		// boundary and 20 more just after; a bucket refills evenly.
		base := t0.Truncate(time.Minute).Add(time.Minute - 1500*time.Millisecond)
		allowed, notified := 0, 0
		for i := range 40 {
			v, err := s.Limit(ctx, "tg:spam", 20, time.Minute, base.Add(time.Duration(i)*75*time.Millisecond))
			must(t, err)
			if v.Allowed {
				allowed++
			}
			if v.Notify {
				notified++
			}
			if v.Allowed && v.Notify {
				t.Fatalf("event %d allowed and notified", i)
			}
		}
		// 3 s of refill at 20/min is one more event.
		if allowed > 21 {
			t.Errorf("%d of 40 events in 3 s across a minute boundary allowed, want at most 21", allowed)
		}
		if notified != 1 {
			t.Errorf("over-limit notices = %d, want 1 per window", notified)
		}
		s = reopen()
		// A window later the bucket is full again and a new notice is due.
		later := base.Add(2 * time.Minute)
		for i := range 20 {
			v, err := s.Limit(ctx, "tg:spam", 20, time.Minute, later)
			must(t, err)
			if !v.Allowed {
				t.Fatalf("event %d of a full bucket refused", i)
			}
		}
		v, err := s.Limit(ctx, "tg:spam", 20, time.Minute, later)
		must(t, err)
		if v.Allowed || !v.Notify {
			t.Errorf("21st event = %+v, want refused with a notice", v)
		}
		// Refill is gradual: 3 s later one event (of 20/min) is back.
		v, err = s.Limit(ctx, "tg:spam", 20, time.Minute, later.Add(3*time.Second))
		must(t, err)
		if !v.Allowed {
			t.Errorf("event after 3 s of refill refused")
		}
	})
}

func TestInbox(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, s *Store, reopen, extra func() *Store) {
		isNew, err := s.Receive(ctx, "tg:1", "42:7", 100, []byte(`{"update_id":100}`), t0)
		must(t, err)
		if !isNew {
			t.Fatal("first receive reported as repeated")
		}
		// The same message again (a restart before the offset was confirmed,
		// or another replica) is not new, even under another update id.
		for _, db := range []*Store{s, extra()} {
			again, err := db.Receive(ctx, "tg:1", "42:7", 100, []byte(`{"update_id":100}`), t0)
			must(t, err)
			if again {
				t.Error("repeated message reported as new")
			}
		}
		_, err = s.Receive(ctx, "tg:1", "42:8", 101, []byte(`{"update_id":101}`), t0)
		must(t, err)
		must(t, s.Handled(ctx, "tg:1", "42:7", t0))
		s = reopen()
		left, err := s.Unhandled(ctx, "tg:1", t0.Add(time.Second), 10)
		must(t, err)
		if len(left) != 1 || left[0].Key != "42:8" || left[0].UpdateID != 101 || string(left[0].Payload) != `{"update_id":101}` {
			t.Errorf("unhandled after restart = %+v, want only 42:8", left)
		}
		must(t, s.PruneDelivery(ctx, t0.Add(time.Hour)))
		if again, _ := s.Receive(ctx, "tg:1", "42:8", 101, nil, t0); again {
			t.Error("unhandled update pruned")
		}
	})
}

func TestFinalReplyMarksItsUpdateAnswered(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, s *Store, reopen, extra func() *Store) {
		for i, key := range []string{"m:5:1", "m:5:2", "m:6:1"} {
			_, err := s.Receive(ctx, "tg:1", key, int64(200+i), []byte(`{}`), t0)
			must(t, err)
		}
		reply := func(chat string) []Outgoing {
			return []Outgoing{{Source: "tg:1", ChatID: chat, Method: "sendMessage", Params: []byte("a")}}
		}
		// A draft is queued without its update; the final reply marks it.
		_, claimed, err := s.Enqueue(ctx, reply("5"), Receipt{}, t0, time.Minute)
		must(t, err)
		if !claimed {
			t.Fatal("first message of a chat not claimed")
		}
		_, _, err = s.Enqueue(ctx, reply("5"), Receipt{Key: "m:5:1"}, t0, time.Minute)
		must(t, err)
		_, _, err = s.Enqueue(ctx, reply("6"), Receipt{Key: "m:6:1"}, t0, time.Minute)
		must(t, err)
		s = reopen()
		left, err := s.Unhandled(ctx, "tg:1", t0.Add(time.Second), 10)
		must(t, err)
		if len(left) != 1 || left[0].Key != "m:5:2" {
			t.Errorf("unhandled = %+v, want only m:5:2", left)
		}
		// Claimed for sending: the first of chat 5 and the one of chat 6.
		n, err := s.Sending(ctx, "tg:1")
		must(t, err)
		if n != 2 {
			t.Errorf("Sending = %d, want 2", n)
		}

		// The replicas' webhook queue: a taken update whose final reply is
		// queued is finished, so no replica takes it up again as stale.
		for i, key := range []string{"77", "78"} { // 77 is the older: taken first if left
			claimed, err := s.ClaimUpdate(ctx, "tg:1", key, []byte(`{}`), t0.Add(time.Duration(i)*time.Millisecond))
			must(t, err)
			_, took, err := s.TakeUpdate(ctx, "tg:1", key, t0)
			must(t, err)
			if !claimed || !took {
				t.Fatalf("update %s: claimed %v, taken %v", key, claimed, took)
			}
		}
		_, _, err = s.Enqueue(ctx, reply("7"), Receipt{Key: "77", Queued: true}, t0, time.Minute)
		must(t, err)
		key, _, ok, err := s.TakeQueuedUpdate(ctx, "tg:1", t0.Add(time.Hour), t0.Add(time.Hour))
		must(t, err)
		if !ok || key != "78" {
			t.Errorf("stale update taken again = %q (%v), want only 78", key, ok)
		}
	})
}

func TestOutboxOrderAndRetry(t *testing.T) {
	ctx := context.Background()
	lease := time.Minute
	part := func(chat, text string) Outgoing {
		return Outgoing{Source: "tg:1", ChatID: chat, Method: "sendMessage", Params: []byte(text)}
	}
	forEachBackend(t, func(t *testing.T, s *Store, reopen, extra func() *Store) {
		rows, claimed, err := s.Enqueue(ctx, []Outgoing{part("a", "a1"), part("a", "a2")}, Receipt{}, t0, lease)
		must(t, err)
		if !claimed || len(rows) != 2 || rows[1].Group != rows[0].ID || rows[0].Group != rows[0].ID {
			t.Fatalf("first reply = %+v claimed=%v, want two parts of one group, claimed", rows, claimed)
		}
		// Telegram throttles chat a: the first part waits 10 s.
		must(t, s.Retry(ctx, rows[0].ID, t0.Add(10*time.Second), "429", t0))
		must(t, s.Retry(ctx, rows[1].ID, t0, "not sent", t0))
		// A later reply to chat a waits behind them; chat b is not held up.
		_, claimedA, err := s.Enqueue(ctx, []Outgoing{part("a", "a3")}, Receipt{}, t0, lease)
		must(t, err)
		if claimedA {
			t.Error("reply to a throttled chat claimed for sending at once")
		}
		rowsB, claimedB, err := s.Enqueue(ctx, []Outgoing{part("b", "b1")}, Receipt{}, t0, lease)
		must(t, err)
		if !claimedB {
			t.Error("reply to another chat held up")
		}
		must(t, s.Delivered(ctx, rowsB[0].ID, "900", t0))
		if got, _ := s.Claim(ctx, "tg:1", t0.Add(time.Second), lease, 10); len(got) != 0 {
			t.Errorf("claimed %d messages while chat a waits out its 429", len(got))
		}
		s = reopen() // the queue survives a restart
		var order []string
		for step := 0; step < 5; step++ {
			got, err := s.Claim(ctx, "tg:1", t0.Add(time.Duration(11+step)*time.Second), lease, 10)
			must(t, err)
			if len(got) > 1 {
				t.Fatalf("claimed %d messages of one chat at once", len(got))
			}
			for _, o := range got {
				order = append(order, string(o.Params))
				must(t, s.Delivered(ctx, o.ID, fmt.Sprint(step), t0))
			}
		}
		if fmt.Sprint(order) != "[a1 a2 a3]" {
			t.Errorf("delivery order = %v, want [a1 a2 a3]", order)
		}
		if n, _ := s.Pending(ctx, "tg:1"); n != 0 {
			t.Errorf("%d messages still pending", n)
		}
		if id, _ := s.SentID(ctx, rowsB[0].ID); id != "900" {
			t.Errorf("sent id = %q, want 900", id)
		}
	})
}

func TestOutboxClaimOnce(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, s *Store, reopen, extra func() *Store) {
		other := extra()
		for i := range 30 {
			rows, _, err := s.Enqueue(ctx, []Outgoing{{Source: "tg:1", ChatID: fmt.Sprint(i), Method: "sendMessage", Params: []byte("x")}}, Receipt{}, t0, time.Minute)
			must(t, err)
			must(t, s.Retry(ctx, rows[0].ID, t0, "", t0))
		}
		// Two replicas claim together: each message is claimed once.
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for _, db := range []*Store{s, other, s, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := db.Claim(ctx, "tg:1", t0, time.Minute, 4)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, o := range got {
						seen[o.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 30 {
			t.Errorf("claimed %d of 30 messages", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("message %d claimed %d times", id, n)
			}
		}
		// An expired claim (a sender that died) is claimed again.
		got, err := s.Claim(ctx, "tg:1", t0.Add(2*time.Minute), time.Minute, 100)
		must(t, err)
		if len(got) != 30 {
			t.Errorf("reclaimed %d of 30 messages after the lease ran out", len(got))
		}
		// A queued message can be replaced until it is sent.
		ok, err := s.Replace(ctx, got[0].ID, []byte("y"), t0)
		must(t, err)
		if ok {
			t.Error("replaced a message being sent")
		}
		must(t, s.Retry(ctx, got[0].ID, t0, "", t0))
		if ok, _ := s.Replace(ctx, got[0].ID, []byte("y"), t0); !ok {
			t.Error("could not replace a waiting message")
		}
	})
}

func TestReleaseLeavesNewerClaims(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, s *Store, reopen, extra func() *Store) {
		enqueue := func(chat string, at time.Time) int64 {
			rows, claimed, err := s.Enqueue(ctx, []Outgoing{{Source: "tg:1", ChatID: chat, Method: "sendMessage", Params: []byte(chat)}}, Receipt{}, at, time.Hour)
			must(t, err)
			if !claimed {
				t.Fatalf("message to %s not claimed", chat)
			}
			return rows[0].ID
		}
		// A process stopped while sending "old"; the new one starts at
		// t0+1m and has already claimed "own" when it releases.
		enqueue("old", t0)
		enqueue("own", t0.Add(2*time.Minute))
		must(t, s.Release(ctx, "tg:1", t0.Add(time.Minute), t0.Add(3*time.Minute)))
		got, err := s.Claim(ctx, "tg:1", t0.Add(3*time.Minute), time.Hour, 10)
		must(t, err)
		if len(got) != 1 || string(got[0].Params) != "old" {
			t.Errorf("claimable after release: %v, want only the message left by the stopped process", got)
		}
	})
}
