package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/types"

	"atazan/internal/testsupport"
)

// sessionBackend opens a fresh session store; reopen opens it again.
type sessionBackend struct {
	name string
	open func(t *testing.T) (reopen func() (*Session, error))
}

// sessionBackends are SQLite always and PostgreSQL when
// ATAZAN_TEST_DATABASE_URL names a server; each PostgreSQL test gets its
// own schema.
func sessionBackends(t *testing.T) []sessionBackend {
	list := []sessionBackend{{"sqlite", func(t *testing.T) func() (*Session, error) {
		dir := t.TempDir()
		return func() (*Session, error) {
			return OpenSession(context.Background(), dir, "", slog.New(slog.DiscardHandler))
		}
	}}}
	if testsupport.PostgresURL(t) == "" {
		return list
	}
	return append(list, sessionBackend{"postgres", func(t *testing.T) func() (*Session, error) {
		dsn := testsupport.PostgresSchema(t)
		return func() (*Session, error) {
			return OpenSession(context.Background(), "", dsn, slog.New(slog.DiscardHandler))
		}
	}})
}

func TestSessionUpgradeAndLinkSurvivesReopen(t *testing.T) {
	for _, b := range sessionBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			reopen := b.open(t)
			s, err := reopen()
			if err != nil {
				t.Fatal(err)
			}
			var version int
			if err := s.db.QueryRow("SELECT version FROM whatsmeow_version").Scan(&version); err != nil || version < 1 {
				t.Fatalf("schema version = %d, %v; want upgraded", version, err)
			}
			if linked, err := s.Linked(ctx); err != nil || linked {
				t.Fatalf("fresh store: linked = %v, %v", linked, err)
			}
			if s.Shared() != (b.name == "postgres") {
				t.Errorf("Shared = %v for %s", s.Shared(), b.name)
			}

			jid := putLinkedDevice(t, s, "77010000001")
			s.Close()

			s, err = reopen() // upgrading again is a no-op
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			dev, err := s.Device(ctx)
			if err != nil || dev.ID == nil || *dev.ID != jid {
				t.Fatalf("after reopening, device = %v, %v; want %v", dev.ID, err, jid)
			}
		})
	}
}

// putLinkedDevice stores what "atazan whatsapp link" leaves behind: a
// device with an id (and placeholder keys).
func putLinkedDevice(t *testing.T, s *Session, user string) types.JID {
	t.Helper()
	dev, err := s.Device(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	jid := types.NewADJID(user, 0, 12)
	dev.ID, dev.PushName = &jid, "atazan"
	dev.Account = &waAdv.ADVSignedDeviceIdentity{
		Details:             []byte{1},
		AccountSignature:    make([]byte, 64),
		AccountSignatureKey: make([]byte, 32),
		DeviceSignature:     make([]byte, 64),
	}
	if err := s.container.PutDevice(context.Background(), dev); err != nil {
		t.Fatal(err)
	}
	return jid
}

func TestSessionSQLiteFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := OpenSession(context.Background(), dir, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Where() != filepath.Join(dir, SessionFile) {
		t.Errorf("Where = %q", s.Where())
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("data dir %v, %v: want created private", st, err)
	}
	if st, err := os.Stat(filepath.Join(dir, SessionFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("session file %v, %v: want readable by the owner only", st, err)
	}
}

func TestSessionBadStoreIsAClearError(t *testing.T) {
	t.Run("unreachable postgres, password not shown", func(t *testing.T) {
		_, err := OpenSession(context.Background(), "", "postgres://atazan:s3cret@127.0.0.1:1/atazan?connect_timeout=2", slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), "WhatsApp session store (PostgreSQL)") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("data dir is a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		os.WriteFile(file, nil, 0o600)
		_, err := OpenSession(context.Background(), file, "", slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), "data dir") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestInternationalNumber(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"+7 701 123 45 67", "77011234567", true},
		{"7(701)123-45-67", "77011234567", true},
		{"87011234567", "87011234567", true},
		{"0701123456", "", false},
		{"12345", "", false},
		{"+7 701 abc", "", false},
	}
	for _, tt := range tests {
		got, err := internationalNumber(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("internationalNumber(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestLinkRefusesLinkedSession(t *testing.T) {
	ctx := context.Background()
	s, err := OpenSession(ctx, t.TempDir(), "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	putLinkedDevice(t, s, "77010000001")
	got, err := Link(ctx, s, LinkOptions{ShowQR: func(string, time.Duration) { t.Error("QR shown for a linked session") }})
	if !errors.Is(err, ErrAlreadyLinked) || got.User != "77010000001" {
		t.Errorf("Link = %v, %v; want ErrAlreadyLinked for 77010000001", got, err)
	}
	if _, err := Link(ctx, s, LinkOptions{Phone: "not a number"}); err == nil || !strings.Contains(err.Error(), "international") {
		t.Errorf("bad phone: %v", err)
	}
}
