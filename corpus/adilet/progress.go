package adilet

import (
	"fmt"
	"io"
	"time"
)

// progressEvery is how often the progress line is redrawn.
const progressEvery = 250 * time.Millisecond

// progress draws one line per download, redrawn in place (\r) as bytes
// arrive; a fast download shows only its final state.
type progress struct {
	w     io.Writer
	label string
	total int64 // -1 when unknown
	n     int64
	start time.Time
	drawn time.Time
}

func (p *progress) Write(b []byte) (int, error) {
	if p.w == nil {
		return len(b), nil
	}
	now := time.Now()
	if p.start.IsZero() {
		p.start = now
		p.drawn = now
	}
	p.n += int64(len(b))
	if now.Sub(p.drawn) >= progressEvery {
		p.drawn = now
		fmt.Fprintf(p.w, "\r%s", p.line())
	}
	return len(b), nil
}

func (p *progress) line() string {
	s := fmt.Sprintf("downloading %s: %s", p.label, size(p.n))
	if p.total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", size(p.total), p.n*100/p.total)
	}
	return s
}

func (p *progress) done() {
	if p.w != nil {
		fmt.Fprintf(p.w, "\r%s, done\n", p.line())
	}
}

func (p *progress) fail() {
	if p.w != nil {
		fmt.Fprintf(p.w, "\r%s, failed\n", p.line())
	}
}
