package corpus

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, as in production
	_ "modernc.org/sqlite"             // the "sqlite" driver
)

// storeData is one fresh, empty set of stored data: open gives a Store on
// it each time it is called (a restart, or another replica), snapshot
// lists everything stored, to show that something did not change.
type storeData struct {
	dir      string
	connect  func(t testing.TB) (*Store, error)
	snapshot func(t testing.TB) []string
}

func (d *storeData) open(t testing.TB) *Store {
	t.Helper()
	s, err := d.connect(t)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// storeBackends are files and SQLite always, and PostgreSQL when
// ATAZAN_TEST_DATABASE_URL names a server (each test in a schema of its
// own, dropped after). internal/testsupport does the same for other
// packages, but it imports corpus, so corpus's own tests cannot use it.
func storeBackends(t testing.TB) map[string]func(t testing.TB) *storeData {
	list := map[string]func(t testing.TB) *storeData{
		"files": func(t testing.TB) *storeData {
			dir := t.TempDir()
			return &storeData{
				dir:      dir,
				connect:  func(t testing.TB) (*Store, error) { return OpenStore(dir) },
				snapshot: func(t testing.TB) []string { return listFiles(t, dir) },
			}
		},
		"sqlite": func(t testing.TB) *storeData {
			dir := t.TempDir()
			dsn := "file:" + filepath.Join(dir, "atazan.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate"
			return sqlStoreData(t, dir, "sqlite", dsn)
		},
	}
	base := os.Getenv("ATAZAN_TEST_DATABASE_URL")
	if base == "" {
		t.Log("ATAZAN_TEST_DATABASE_URL not set: PostgreSQL skipped")
		return list
	}
	list["postgres"] = func(t testing.TB) *storeData {
		schema := "corpus_test_" + strings.ToLower(rand.Text()[:12])
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Close() })
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			t.Fatalf("creating schema: %v", err)
		}
		t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return sqlStoreData(t, t.TempDir(), "pgx", u.String())
	}
	return list
}

func sqlStoreData(t testing.TB, dir, driver, dsn string) *storeData {
	return &storeData{
		dir: dir,
		connect: func(t testing.TB) (*Store, error) {
			db, err := sql.Open(driver, dsn)
			if err != nil {
				return nil, err
			}
			s, err := OpenSQLStore(t.Context(), db, dir)
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { s.Close() })
			return s, nil
		},
		snapshot: func(t testing.TB) []string {
			t.Helper()
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var out []string
			for _, q := range []string{
				`SELECT doc, id, meta, body FROM corpus_versions ORDER BY doc, id`,
				`SELECT doc, version, history, changed FROM corpus_active ORDER BY doc`,
				`SELECT id, doc, body, created FROM corpus_staged ORDER BY id`,
				`SELECT id, n FROM corpus_lock`,
			} {
				out = append(out, dumpRows(t, db, q)...)
			}
			return out
		},
	}
}

// dumpRows returns each row of a query as text.
func dumpRows(t testing.TB, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// forEachStore runs test on fresh data of every backend.
func forEachStore(t *testing.T, test func(t *testing.T, data *storeData)) {
	backends := storeBackends(t)
	for _, name := range []string{"files", "sqlite", "postgres"} {
		fresh, ok := backends[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) { test(t, fresh(t)) })
	}
}

// Replicas poll Refresh; when nothing switched it is one small read.
func BenchmarkStoreRefreshUnchanged(b *testing.B) {
	for name, fresh := range storeBackends(b) {
		b.Run(name, func(b *testing.B) {
			s := fresh(b).open(b)
			var files []SourceFile
			for _, name := range []string{"mini2026-ru.txt", "mini2026-kk.txt"} {
				data, err := os.ReadFile(filepath.Join("testdata", name))
				if err != nil {
					b.Fatal(err)
				}
				files = append(files, SourceFile{Name: name, Data: data})
			}
			st, err := s.Stage(b.Context(), StageRequest{Doc: "kz2026", Files: files})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Activate(b.Context(), st.ID, "bench"); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if changed, err := s.Refresh(b.Context()); err != nil || changed {
					b.Fatalf("Refresh = %v, %v", changed, err)
				}
			}
		})
	}
}
