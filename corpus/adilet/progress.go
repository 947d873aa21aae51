package adilet

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// redrawAfter keeps a fast download from redrawing its line for every
// chunk that arrives.
const redrawAfter = 250 * time.Millisecond

// progress draws one line per attempt, redrawn in place (\r): first while
// waiting for the server's answer, then as bytes arrive. A ticker redraws
// it at least every "every", so a stalled source shows the seconds going
// by instead of looking like a hang. A fast download shows only its final
// state.
type progress struct {
	w     io.Writer
	label string
	host  string
	start time.Time

	mu       sync.Mutex
	answered bool
	total    int64 // -1 when unknown
	n        int64
	drawn    time.Time
	shown    bool // a line is on the screen
	finished bool

	stopTicker chan struct{}
	stopOnce   sync.Once
}

func newProgress(w io.Writer, label, host string, every time.Duration) *progress {
	now := time.Now()
	p := &progress{w: w, label: label, host: host, start: now, drawn: now, stopTicker: make(chan struct{})}
	if w == nil {
		return p
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.stopTicker:
				return
			case <-t.C:
				p.mu.Lock()
				if !p.finished {
					p.draw(time.Now())
				}
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// receiving marks the response headers' arrival.
func (p *progress) receiving(total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.answered, p.total = true, total
}

func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += int64(len(b))
	if now := time.Now(); p.w != nil && now.Sub(p.drawn) >= redrawAfter {
		p.draw(now)
	}
	return len(b), nil
}

// draw must be called with mu held.
func (p *progress) draw(now time.Time) {
	p.drawn, p.shown = now, true
	fmt.Fprintf(p.w, "\r%s", p.line(now))
}

func (p *progress) line(now time.Time) string {
	if !p.answered {
		return fmt.Sprintf("waiting for %s to send %s… %s", p.host, p.label, now.Sub(p.start).Round(time.Second))
	}
	s := fmt.Sprintf("downloading %s: %s", p.label, size(p.n))
	if p.total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", size(p.total), p.n*100/p.total)
	}
	return s
}

// done ends the line with the final count.
func (p *progress) done() { p.finish(", done\n", true) }

// fail ends a line already on the screen, so that the error the caller
// prints starts on a line of its own; it prints nothing if nothing was
// drawn.
func (p *progress) fail() { p.finish(", failed\n", false) }

func (p *progress) finish(suffix string, always bool) {
	p.stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished || p.w == nil {
		return
	}
	p.finished = true
	if always || p.shown {
		fmt.Fprintf(p.w, "\r%s%s", p.line(time.Now()), suffix)
	}
}

// stop ends the ticker; safe to call more than once.
func (p *progress) stop() {
	p.stopOnce.Do(func() { close(p.stopTicker) })
}
