package whatsapp

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// replicaLockKey names the WhatsApp connection among PostgreSQL advisory
// locks: "atazanWA" in ASCII.
const replicaLockKey int64 = 0x6174617a616e5741

// lease is the held replica lock. WhatsApp allows one connection per linked
// device (a second one is kicked with "stream replaced"), so of several
// replicas sharing a PostgreSQL session store only the holder connects.
//
// The lock is a session-level advisory lock, held as long as its database
// connection lives: if the holder dies, PostgreSQL releases it and a
// standby takes over. If the connection drops while the holder lives,
// Lost fires and the holder must disconnect at once.
type lease struct {
	conn *sql.Conn
	lost chan struct{}
	stop context.CancelFunc
	done chan struct{}
}

// tryLock takes the replica lock if it is free. It returns a nil lease and
// no error when another replica holds it. The lease checks its connection
// every check.
func tryLock(ctx context.Context, db *sql.DB, check time.Duration) (*lease, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connecting for the WhatsApp replica lock: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", replicaLockKey).Scan(&got); err != nil {
		conn.Close()
		return nil, fmt.Errorf("taking the WhatsApp replica lock: %w", err)
	}
	if !got {
		conn.Close()
		return nil, nil
	}
	watchCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	l := &lease{conn: conn, lost: make(chan struct{}), stop: stop, done: make(chan struct{})}
	go l.watch(watchCtx, check)
	return l, nil
}

// watch pings the lock's connection until stopped or the connection fails.
func (l *lease) watch(ctx context.Context, every time.Duration) {
	defer close(l.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pingCtx, cancel := context.WithTimeout(ctx, every)
			err := l.conn.PingContext(pingCtx)
			cancel()
			if err != nil && ctx.Err() == nil {
				close(l.lost)
				return
			}
		}
	}
}

// Lost is closed when the lock may have passed to another replica.
func (l *lease) Lost() <-chan struct{} { return l.lost }

// release gives the lock up for a standby to take.
func (l *lease) release() error {
	l.stop()
	<-l.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := l.conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", replicaLockKey)
	if cerr := l.conn.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("releasing the WhatsApp replica lock: %w", err)
	}
	return nil
}
