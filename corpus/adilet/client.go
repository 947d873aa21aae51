// Package adilet gets the official texts of the Constitution from Әділет
// (adilet.zan.kz), the legal information system of the Ministry of Justice,
// and watches them for changes so the bot never quotes an outdated text.
//
// A Client downloads one document in one language as a DOCX; a Watcher
// checks the source periodically and proposes a changed text to the admins,
// never activating it itself.
package adilet

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"atazan/corpus"
)

// Defaults of Options.
const (
	DefaultTimeout        = 60 * time.Second
	DefaultConnectTimeout = 20 * time.Second
	DefaultMaxBytes       = 20 << 20
	DefaultAttempts       = 3
	DefaultBackoff        = time.Second
	DefaultProgressEvery  = 2 * time.Second
)

// Errors a fetch can end with besides *StatusError.
var (
	// ErrUnreachable means no answer came: DNS, connection or TLS
	// failure, or no response headers within the timeout.
	ErrUnreachable = errors.New("cannot reach the server")
	// ErrNotDOCX means the body was not a Word document: an HTML error or
	// captcha page served with status 200, a truncated download, a zip
	// without word/document.xml.
	ErrNotDOCX = errors.New("not a DOCX file")
	// ErrTooLarge means the body exceeded Options.MaxBytes.
	ErrTooLarge = errors.New("response exceeds the size cap")
)

// StatusError is a response other than 200 OK.
type StatusError struct {
	URL    string
	Status string
	Code   int
}

func (e *StatusError) Error() string { return "the server answered " + e.Status }

// temporary reports whether trying again later may help.
func (e *StatusError) temporary() bool {
	return e.Code >= 500 || e.Code == http.StatusTooManyRequests || e.Code == http.StatusRequestTimeout
}

// Options configure a Client. Zero values mean the defaults.
type Options struct {
	BaseURL string // DefaultBaseURL when empty
	// Timeout bounds a whole Fetch, every attempt and wait included, so a
	// body that stalls cannot hold a first start for minutes.
	Timeout time.Duration
	// ConnectTimeout bounds the wait for the response headers of one
	// attempt. A server that accepts connections but never answers is
	// unreachable, and trying it again would only triple the wait.
	ConnectTimeout time.Duration
	MaxBytes       int64
	// Attempts is how many times a fetch is tried on 5xx and network
	// errors, waiting Backoff, then twice that, and so on, in between.
	Attempts   int
	Backoff    time.Duration
	HTTPClient *http.Client
	// Progress, if set, gets a progress line while waiting and downloading,
	// redrawn at least every ProgressEvery, so a slow source never looks
	// like a hang.
	Progress      io.Writer
	ProgressEvery time.Duration
	Log           *slog.Logger
	// Version names the build in the User-Agent; the module version when empty.
	Version string
}

// Client downloads official texts. It is safe for concurrent use.
type Client struct {
	base           string
	timeout        time.Duration
	connectTimeout time.Duration
	maxBytes       int64
	attempts       int
	backoff        time.Duration
	http           *http.Client
	progress       io.Writer
	progressEvery  time.Duration
	log            *slog.Logger
	userAgent      string
}

// New returns a client for the official source described by opts.
func New(opts Options) *Client {
	c := &Client{
		base:           opts.BaseURL,
		timeout:        opts.Timeout,
		connectTimeout: opts.ConnectTimeout,
		maxBytes:       opts.MaxBytes,
		attempts:       opts.Attempts,
		backoff:        opts.Backoff,
		http:           opts.HTTPClient,
		progress:       opts.Progress,
		progressEvery:  opts.ProgressEvery,
		log:            opts.Log,
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.connectTimeout <= 0 {
		c.connectTimeout = DefaultConnectTimeout
	}
	if c.progressEvery <= 0 {
		c.progressEvery = DefaultProgressEvery
	}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxBytes
	}
	if c.attempts <= 0 {
		c.attempts = DefaultAttempts
	}
	if c.backoff <= 0 {
		c.backoff = DefaultBackoff
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.userAgent = "atazan/" + version(opts.Version) + " (+constitution bot)"
	return c
}

func version(v string) string {
	if v != "" {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// BaseURL is the official source the client fetches from.
func (c *Client) BaseURL() string { return c.base }

// Fetch downloads the official DOCX of doc ("kz2026", "kz1995") in lang
// (kk or ru) and checks that it is a Word document. It retries 5xx and
// refused connections with backoff, within the client's Timeout; 4xx
// answers, HTML pages, oversized bodies and a server that gives no answer
// within ConnectTimeout fail at once.
func (c *Client) Fetch(ctx context.Context, doc string, lang corpus.Lang) (corpus.SourceFile, error) {
	u, err := SourceURL(c.base, doc, lang)
	if err != nil {
		return corpus.SourceFile{}, err
	}
	parent, deadline := ctx, time.Now().Add(c.timeout)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	label := doc + " " + string(lang)
	wait := c.backoff
	for attempt := 1; ; attempt++ {
		data, err := c.download(ctx, u, label)
		if err == nil {
			err = checkDOCX(data)
		}
		if err == nil {
			c.log.Debug("fetched official text", "doc", doc, "lang", lang, "url", u, "bytes", len(data))
			return corpus.SourceFile{
				Name:      fileName(doc, lang),
				Lang:      lang,
				Data:      data,
				URL:       u,
				FetchedAt: time.Now().UTC(),
			}, nil
		}
		if attempt >= c.attempts || !retryable(ctx, err) {
			return corpus.SourceFile{}, fmt.Errorf("fetching %s from %s%s: %w", label, u, attempts(attempt), err)
		}
		if time.Until(deadline) < wait {
			// No time left for another attempt: say what went wrong now
			// rather than wait for the deadline.
			return corpus.SourceFile{}, fmt.Errorf("fetching %s from %s%s: %w", label, u, attempts(attempt), err)
		}
		// Info, not Warn: the caller reports the outcome, once.
		c.log.Info("official source failed, retrying", "doc", doc, "lang", lang, "attempt", attempt, "wait", wait.String(), "err", err)
		if c.progress != nil {
			fmt.Fprintf(c.progress, "%s: %v; trying again in %s\n", label, err, wait)
		}
		select {
		case <-ctx.Done():
			if parent.Err() == nil {
				return corpus.SourceFile{}, fmt.Errorf("fetching %s from %s%s: no complete answer within %s: %w", label, u, attempts(attempt), c.timeout, err)
			}
			return corpus.SourceFile{}, fmt.Errorf("fetching %s from %s: %w (after: %v)", label, u, ctx.Err(), err)
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// attempts says how many attempts an error comes after, when more than one.
func attempts(n int) string {
	if n > 1 {
		return fmt.Sprintf(" (%d attempts)", n)
	}
	return ""
}

func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, ErrNotDOCX) || errors.Is(err, ErrTooLarge) || errors.Is(err, errNoAnswer) {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.temporary()
	}
	return true // network errors, timeouts, bodies cut short
}

// errNoAnswer is an attempt that got no response headers within the
// connect timeout.
var errNoAnswer = errors.New("no answer")

// download makes one attempt: response headers within the connect
// timeout, the body within what is left of the fetch's deadline.
func (c *Client) download(ctx context.Context, u, label string) ([]byte, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	headers := time.AfterFunc(c.connectTimeout, func() {
		cancel(fmt.Errorf("%w within %s", errNoAnswer, c.connectTimeout))
	})
	defer headers.Stop()
	p := newProgress(c.progress, label, hostOf(u), c.progressEvery)
	defer p.stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/octet-stream;q=0.5")
	resp, err := c.http.Do(req)
	if err != nil {
		p.fail()
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err // the URL is in the caller's message already
		}
		if cause := context.Cause(ctx); errors.Is(cause, errNoAnswer) {
			return nil, fmt.Errorf("%w: %w", ErrUnreachable, cause)
		}
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, c.timeoutError(ctx, err))
	}
	headers.Stop()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.fail()
		return nil, &StatusError{URL: u, Status: resp.Status, Code: resp.StatusCode}
	}
	if resp.ContentLength > c.maxBytes {
		p.fail()
		return nil, fmt.Errorf("%w: announced %s, cap %s", ErrTooLarge, size(resp.ContentLength), size(c.maxBytes))
	}
	p.receiving(resp.ContentLength)
	data, err := io.ReadAll(io.TeeReader(io.LimitReader(resp.Body, c.maxBytes+1), p))
	if err != nil {
		p.fail()
		return nil, c.timeoutError(ctx, fmt.Errorf("reading the body after %s: %w", size(int64(len(data))), err))
	}
	if int64(len(data)) > c.maxBytes {
		p.fail()
		return nil, fmt.Errorf("%w: more than %s", ErrTooLarge, size(c.maxBytes))
	}
	p.done()
	return data, nil
}

func hostOf(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.Host != "" {
		return pu.Host
	}
	return u
}

// timeoutError says plainly that the attempt ran out of time, rather than
// leaving "context deadline exceeded" to the reader.
func (c *Client) timeoutError(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no complete answer within %s: %w", c.timeout, err)
	}
	return err
}

// checkDOCX accepts a zip holding word/document.xml whose contents pass
// the zip checksum.
func checkDOCX(data []byte) error {
	if looksLikeHTML(data) {
		return fmt.Errorf("%w: got an HTML page%s, probably an error or captcha page", ErrNotDOCX, htmlTitle(data))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: %v (%s, truncated or not a Word file)", ErrNotDOCX, err, size(int64(len(data))))
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%w: word/document.xml: %v", ErrNotDOCX, err)
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("%w: word/document.xml: %v", ErrNotDOCX, err)
		}
		return nil
	}
	return fmt.Errorf("%w: a zip without word/document.xml", ErrNotDOCX)
}

func looksLikeHTML(data []byte) bool {
	head := bytes.TrimLeft(data[:min(len(data), 512)], "\xef\xbb\xbf \t\r\n")
	lower := strings.ToLower(string(head))
	return strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") ||
		(strings.HasPrefix(lower, "<") && strings.Contains(lower, "<html"))
}

func htmlTitle(data []byte) string {
	s := string(data[:min(len(data), 4096)])
	i := strings.Index(strings.ToLower(s), "<title>")
	if i < 0 {
		return ""
	}
	s = s[i+len("<title>"):]
	if j := strings.Index(strings.ToLower(s), "</title>"); j >= 0 {
		s = s[:j]
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return fmt.Sprintf(" titled %q", s)
}

// size prints a byte count the way people read it.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
