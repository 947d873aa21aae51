package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// writeGate lets one write at a time at the SQLite file, the longest
// waiting first, and marks of delivery before everything else.
//
// database/sql hands its one write connection to a random waiter. Under a
// flood hundreds of handlers wait for it, and a message Telegram accepted
// would wait among them before it is recorded as sent: a crash in that
// wait sends it again. Here it waits at most for the write in progress.
type writeGate struct {
	mu      sync.Mutex
	held    bool
	waiting [2][]chan struct{} // by priority: urgent, then the rest
}

const (
	urgent = 0
	normal = 1
)

// acquire waits for the gate, or for ctx to end. The caller must release it.
func (g *writeGate) acquire(ctx context.Context, prio int) error {
	g.mu.Lock()
	if !g.held {
		g.held = true
		g.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	g.waiting[prio] = append(g.waiting[prio], turn)
	g.mu.Unlock()
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	q := g.waiting[prio]
	for i, t := range q {
		if t == turn {
			g.waiting[prio] = append(q[:i:i], q[i+1:]...)
			g.mu.Unlock()
			return ctx.Err()
		}
	}
	g.mu.Unlock()
	// The gate was handed over as ctx ended: pass it on.
	<-turn
	g.release()
	return ctx.Err()
}

// release hands the gate to the next waiter, if any.
func (g *writeGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for p, q := range g.waiting {
		if len(q) > 0 {
			next := q[0]
			g.waiting[p] = q[1:]
			close(next)
			return
		}
	}
	g.held = false
}

// write runs fn holding the write gate (SQLite); on PostgreSQL, whose
// writes run side by side, it just runs fn.
func (s *Store) write(ctx context.Context, prio int, fn func() error) error {
	if s.writes == nil {
		return fn()
	}
	if err := s.writes.acquire(ctx, prio); err != nil {
		return err
	}
	defer s.writes.release()
	return fn()
}

type stmtKey struct {
	pool  *sql.DB
	query string
}

// stmt is query prepared on pool, once: SQLite spends more time parsing the
// bot's statements than running them. PostgreSQL's driver caches its own.
func (s *Store) stmt(ctx context.Context, pool *sql.DB, query string) (*sql.Stmt, error) {
	k := stmtKey{pool, query}
	if st, ok := s.stmts.Load(k); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(k, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// txQueries are the statements of the transactions each question runs.
// They are prepared when the store opens: inside a transaction, which
// holds SQLite's one write connection, there is none to prepare them on.
var txQueries = []string{qReceive, qWaiting, qEnqueue, qAnswered, qFinished, qNewUser, qSaveAnswer}

// prepareTx prepares txQueries (SQLite).
func (s *Store) prepareTx(ctx context.Context) error {
	if s.backend != "sqlite" {
		return nil
	}
	for _, q := range txQueries {
		if _, err := s.stmt(ctx, s.db, q); err != nil {
			return fmt.Errorf("preparing %q: %w", q, err)
		}
	}
	return nil
}

// txStmt is query bound to tx: prepared once when it is one of txQueries.
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, bool) {
	if s.backend != "sqlite" {
		return nil, false
	}
	st, ok := s.stmts.Load(stmtKey{s.db, query})
	if !ok {
		return nil, false
	}
	return tx.StmtContext(ctx, st.(*sql.Stmt)), true
}

func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st, ok := s.txStmt(ctx, tx, query); ok {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, s.q(query), args...)
}

func (s *Store) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st, ok := s.txStmt(ctx, tx, query); ok {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, s.q(query), args...)
}

// closeStmts closes the prepared statements.
func (s *Store) closeStmts() {
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		s.stmts.Delete(k)
		return true
	})
}
