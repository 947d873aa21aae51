package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestConcurrentOpens starts 20 replicas on one database at once, fresh
// and half-migrated (an older version left by a previous release): every
// one must open, and each migration must be applied once.
func TestConcurrentOpens(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends(t) {
		for _, from := range []int{0, len(migrations) - 2} {
			t.Run(fmt.Sprintf("%s/from version %d", b.name, from), func(t *testing.T) {
				open := b.open(t)
				if from > 0 {
					s, err := open()
					if err != nil {
						t.Fatal(err)
					}
					// Back to an older schema: drop what came later.
					must(t, s.dropAfter(ctx, from))
					s.Close()
				}
				var wg sync.WaitGroup
				errs := make(chan error, 20)
				for range 20 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						s, err := open()
						if err != nil {
							errs <- err
							return
						}
						s.Close()
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Errorf("open: %v", err)
				}
				s, err := open()
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				rows, err := s.query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
				must(t, err)
				defer rows.Close()
				var got []int
				for rows.Next() {
					var v int
					must(t, rows.Scan(&v))
					got = append(got, v)
				}
				must(t, rows.Err())
				if len(got) != len(migrations)-1 || got[len(got)-1] != len(migrations)-1 {
					t.Errorf("schema_migrations = %v, want 1…%d once each", got, len(migrations)-1)
				}
				// The newest migration's table is usable.
				if _, err := s.ClaimUpdate(ctx, "tg:1", "1", nil, t0); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// dropAfter undoes the migrations after version, as if the database had
// been left by a release that knew only those.
func (s *Store) dropAfter(ctx context.Context, version int) error {
	undo := map[int]string{4: `DROP TABLE processed_updates`}
	for v := len(migrations) - 1; v > version; v-- {
		stmt, ok := undo[v]
		if !ok {
			return fmt.Errorf("the test does not know how to undo migration %d", v)
		}
		if _, err := s.exec(ctx, stmt); err != nil {
			return err
		}
		if _, err := s.exec(ctx, `DELETE FROM schema_migrations WHERE version = ?`, v); err != nil {
			return err
		}
	}
	return nil
}

func TestCatalogueRace(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"duplicate type in the catalogue", &pgconn.PgError{Code: "23505", ConstraintName: "pg_type_typname_nsp_index"}, true},
		{"duplicate relation", fmt.Errorf("applying migration 2: %w", &pgconn.PgError{Code: "42P07"}), true},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, true},
		{"duplicate key in our own table", &pgconn.PgError{Code: "23505", ConstraintName: "schema_migrations_pkey"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"not PostgreSQL", errors.New("database is locked"), false},
	} {
		if got := catalogueRace(tt.err); got != tt.want {
			t.Errorf("%s: catalogueRace = %v, want %v", tt.name, got, tt.want)
		}
	}
}
