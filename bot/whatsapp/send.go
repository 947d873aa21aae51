package whatsapp

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
)

// pacer spaces out everything the adapter sends, across all chats: a token
// bucket that holds burst sends and refills one every interval, each send
// delayed by a random jitter so that the rhythm does not look automated.
// WhatsApp bans numbers that send in bursts. A send whose context ends
// while it waits takes no token, so a burst of abandoned answers does not
// delay the ones after it.
type pacer struct {
	interval time.Duration
	burst    int
	jitter   time.Duration // up to this much extra wait before each send
	retries  int           // extra attempts after a failure that surely did not deliver
	backoff  time.Duration // delay before the first retry; doubles after

	mu     sync.Mutex
	tokens float64
	at     time.Time // when tokens was counted
}

// take takes a token if one is there, or says how long until one is.
func (p *pacer) take(now time.Time) (wait time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.at.IsZero() {
		p.tokens, p.at = float64(p.burst), now
	}
	p.tokens = min(float64(p.burst), p.tokens+float64(now.Sub(p.at))/float64(p.interval))
	p.at = now
	if p.tokens >= 1 {
		p.tokens--
		return 0
	}
	return time.Duration((1 - p.tokens) * float64(p.interval))
}

// wait blocks until a token is taken, or ctx ends, taking none.
func (p *pacer) wait(ctx context.Context) error {
	if p.jitter > 0 {
		if err := sleep(ctx, rand.N(p.jitter)); err != nil {
			return err
		}
	}
	for {
		d := p.take(time.Now())
		if d == 0 {
			return nil
		}
		// Several waiters may wake for one token; the others wait again.
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// do runs send in its turn, retrying the failures that surely did not
// deliver, until ctx ends.
func (p *pacer) do(ctx context.Context, send func() error) error {
	delay := p.backoff
	for attempt := 0; ; attempt++ {
		if err := p.wait(ctx); err != nil {
			return err
		}
		err := send()
		if err == nil || attempt >= p.retries || !retryable(err) || ctx.Err() != nil {
			return err
		}
		if err := sleep(ctx, delay); err != nil {
			return err
		}
		delay *= 2
	}
}

// retryable reports whether a failed send surely did not reach WhatsApp
// (not connected; a lookup before sending timed out) or WhatsApp failed
// inside (5xx). A send that timed out waiting for the server's answer may
// have been accepted, and a 4xx will not change: neither is retried.
func retryable(err error) bool {
	var iq *whatsmeow.IQError
	switch {
	case errors.Is(err, whatsmeow.ErrNotConnected), errors.Is(err, whatsmeow.ErrIQTimedOut):
		return true
	case errors.As(err, &iq):
		return iq.Code == 429 || iq.Code >= 500
	case errors.Is(err, whatsmeow.ErrServerReturnedError):
		return serverErrorCode(err) >= 500
	}
	return false
}

// serverErrorCode reads the code of whatsmeow's "server returned error
// <code>", or 0.
func serverErrorCode(err error) int {
	s := err.Error()
	i := strings.LastIndex(s, whatsmeow.ErrServerReturnedError.Error()+" ")
	if i < 0 {
		return 0
	}
	digits := s[i+len(whatsmeow.ErrServerReturnedError.Error())+1:]
	if j := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }); j >= 0 {
		digits = digits[:j]
	}
	n, _ := strconv.Atoi(digits)
	return n
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
