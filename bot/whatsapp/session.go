package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

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

	mu   sync.Mutex
	lock *os.File // the held lock on the SQLite file; nil until Lock
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
		// The keys in it let anyone act as the account. SQLite gives the
		// -wal and -shm files it creates the database's mode, so the
		// database must be private before SQLite first opens it.
		if err := createPrivate(s.where); err != nil {
			return nil, fmt.Errorf("creating the WhatsApp session store: %w", err)
		}
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
		// Stores made before the database was created private, and the
		// -wal and -shm files SQLite made beside them then.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Chmod(s.where+suffix, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
				s.db.Close()
				return nil, fmt.Errorf("protecting the WhatsApp session store: %w", err)
			}
		}
	}
	return s, nil
}

// createPrivate creates path readable by its owner only, if it is missing.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// Lock makes this process the only user of a SQLite session, until Close:
// two processes on one linked device knock each other off WhatsApp
// ("stream replaced") and can corrupt its keys. A PostgreSQL session is
// shared by replicas, and the replica lock decides which one connects.
func (s *Session) Lock() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.postgres || s.lock != nil {
		return nil
	}
	f, err := os.OpenFile(s.where+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("locking the WhatsApp session: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return fmt.Errorf("another atazan process (serve, or whatsapp link/unlink) uses the WhatsApp session %s: stop it first: %w", s.where, err)
	}
	s.lock = f
	return nil
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

// Close closes the database and gives up the lock.
func (s *Session) Close() error {
	err := s.db.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock != nil {
		// Closing the file releases the lock.
		err = errors.Join(err, s.lock.Close())
		s.lock = nil
	}
	return err
}
