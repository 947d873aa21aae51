package whatsapp

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" database/sql driver
)

// SessionFile is the SQLite file, under the data dir, that holds the linked
// device's keys when no PostgreSQL DSN is configured.
const SessionFile = "whatsapp.db"

// Session is the store of the linked device: its identity and encryption
// keys, the Signal sessions with contacts, and contact names. It is
// whatsmeow's sqlstore on SQLite in the data dir or on PostgreSQL.
type Session struct {
	container *sqlstore.Container
	db        *sql.DB
	postgres  bool
	where     string
}

// OpenSession opens the session store and brings its schema up to date:
// PostgreSQL when dsn is set, else SQLite in dataDir.
func OpenSession(ctx context.Context, dataDir, dsn string, log *slog.Logger) (*Session, error) {
	s := &Session{postgres: dsn != ""}
	dialect := "sqlite"
	var err error
	if s.postgres {
		dialect, s.where = "postgres", "PostgreSQL"
		s.db, err = sql.Open("pgx", dsn)
	} else {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("creating the data dir for the WhatsApp session: %w", err)
		}
		s.where = filepath.Join(dataDir, SessionFile)
		s.db, err = sql.Open("sqlite", "file:"+s.where+
			"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	}
	if err != nil {
		return nil, fmt.Errorf("opening the WhatsApp session store (%s): %w", s.where, err)
	}
	s.container = sqlstore.NewWithDB(s.db, dialect, newWALogger(log, "Database"))
	if err := s.container.Upgrade(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("upgrading the WhatsApp session store (%s): %w", s.where, err)
	}
	if !s.postgres {
		// The keys in it let anyone act as the account.
		if err := os.Chmod(s.where, 0o600); err != nil {
			s.db.Close()
			return nil, fmt.Errorf("protecting the WhatsApp session store: %w", err)
		}
	}
	return s, nil
}

// Device returns the linked device, or a new unlinked one (ID nil) to link.
func (s *Session) Device(ctx context.Context) (*store.Device, error) {
	dev, err := s.container.GetFirstDevice(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the WhatsApp device from %s: %w", s.where, err)
	}
	return dev, nil
}

// Linked reports whether a device has been linked to a phone.
func (s *Session) Linked(ctx context.Context) (bool, error) {
	dev, err := s.Device(ctx)
	if err != nil {
		return false, err
	}
	return dev.ID != nil, nil
}

// Where names the store for people: the SQLite path or "PostgreSQL",
// never the DSN, which may hold a password.
func (s *Session) Where() string { return s.where }

// Shared reports whether several replicas may see this store, so that only
// the one holding the replica lock may connect.
func (s *Session) Shared() bool { return s.postgres }

// Close closes the database.
func (s *Session) Close() error {
	return s.db.Close()
}
