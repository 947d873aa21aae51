package whatsapp

import (
	"context"
	"database/sql"
	"log/slog"
	"testing"
	"time"

	"atazan/internal/testsupport"
)

func openShared(t *testing.T, dsn string) *Session {
	t.Helper()
	s, err := OpenSession(context.Background(), "", dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestReplicaLock(t *testing.T) {
	if testsupport.PostgresURL(t) == "" {
		t.Skip("needs PostgreSQL")
	}
	ctx := context.Background()
	dsn := testsupport.PostgresSchema(t)
	one, two := openShared(t, dsn), openShared(t, dsn)

	held, err := tryLock(ctx, one.db, 20*time.Millisecond)
	if err != nil || held == nil {
		t.Fatalf("first replica: lease %v, %v", held, err)
	}
	if l, err := tryLock(ctx, two.db, time.Second); err != nil || l != nil {
		t.Fatalf("second replica got the lock while the first held it: %v, %v", l, err)
	}
	if err := held.release(); err != nil {
		t.Fatal(err)
	}
	taken, err := tryLock(ctx, two.db, 20*time.Millisecond)
	if err != nil || taken == nil {
		t.Fatalf("after release, second replica: %v, %v", taken, err)
	}

	// The holder's database connection dies: the lock is gone, the holder
	// must hear of it, and the other replica can take over.
	admin, err := sql.Open("pgx", testsupport.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	// A bigint advisory key shows in pg_locks as its high and low halves.
	var killed int
	err = admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid::bigint = $1 AND objid::bigint = $2`,
		replicaLockKey>>32, replicaLockKey&0xffffffff).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminated %d lock holders, %v; want 1", killed, err)
	}
	select {
	case <-taken.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("lost lock not noticed")
	}
	taken.release()
	again, err := tryLock(ctx, one.db, time.Second)
	if err != nil || again == nil {
		t.Fatalf("after the holder died, first replica: %v, %v", again, err)
	}
	again.release()
}

func TestRunStandsByWhileAnotherReplicaConnected(t *testing.T) {
	if testsupport.PostgresURL(t) == "" {
		t.Skip("needs PostgreSQL")
	}
	dsn := testsupport.PostgresSchema(t)
	other := openShared(t, dsn)
	held, err := tryLock(context.Background(), other.db, time.Second)
	if err != nil || held == nil {
		t.Fatal("could not take the lock", err)
	}

	a, err := New(Options{Core: &fakeCore{}, Session: openShared(t, dsn)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	waitFor(t, func() bool { return a.Status().State == StateStandby })
	if !a.Status().Healthy() {
		t.Error("a standby replica is healthy")
	}
	held.release()
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}
