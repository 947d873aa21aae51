package whatsapp

import (
	"context"
	"errors"
	"sync"
	"time"
)

// pacer spaces out everything the adapter sends and retries failed sends
// with doubling delays. WhatsApp bans accounts that send in bursts, so one
// message per interval (across all chats) is the ceiling, whatever the load.
type pacer struct {
	interval time.Duration
	retries  int           // extra attempts after a failure
	backoff  time.Duration // delay before the first retry; doubles after

	mu   sync.Mutex
	next time.Time
}

// do runs send in its turn, retrying failures until ctx ends.
func (p *pacer) do(ctx context.Context, send func() error) error {
	delay := p.backoff
	for attempt := 0; ; attempt++ {
		if err := p.wait(ctx); err != nil {
			return err
		}
		err := send()
		if err == nil || attempt >= p.retries || ctx.Err() != nil || errors.Is(err, context.Canceled) {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		delay *= 2
	}
}

// wait blocks until the next send slot, which it takes.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	slot := p.next
	if slot.Before(now) {
		slot = now
	}
	p.next = slot.Add(p.interval)
	p.mu.Unlock()
	d := time.Until(slot)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
