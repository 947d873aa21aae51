// Package testsupport is what the tests of several packages need from the
// machine they run on: the official constitution texts beside the checkout,
// a PostgreSQL schema of their own, and a buffer a running server can log
// into while the test reads it.
//
// Tests that need something the machine lacks are skipped, except under CI
// (CI set), where everything must be there and they fail instead.
package testsupport

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, as in production

	"atazan/corpus"
)

// CorpusSource is the directory of the official texts: ATAZAN_CORPUS_SRC or
// ../shared/corpus-src. They are never copied into the repository, so
// without them the test is skipped (and fails under CI).
func CorpusSource(t testing.TB) string {
	t.Helper()
	src := corpus.LocateSource(os.Getenv("ATAZAN_CORPUS_SRC"))
	if src == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no official corpus source in CI: set ATAZAN_CORPUS_SRC or provide ../shared/corpus-src")
		}
		t.Skip("no official corpus source: set ATAZAN_CORPUS_SRC")
	}
	return src
}

// PostgresURL is the server tests may use, ATAZAN_TEST_DATABASE_URL; ""
// when none is set, which the test's log says.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("ATAZAN_TEST_DATABASE_URL")
	if base == "" {
		t.Log("ATAZAN_TEST_DATABASE_URL not set: PostgreSQL skipped")
	}
	return base
}

// PostgresSchema creates a schema for this test alone, dropped when the
// test ends, and returns a DSN whose search_path is that schema; "" when
// there is no PostgreSQL server to test against (see PostgresURL).
func PostgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	if base == "" {
		return ""
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("ATAZAN_TEST_DATABASE_URL: %v", err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Buffer is a bytes.Buffer that a running server may write to while the
// test reads it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// EvalSet is the path of a shared evaluation set (dev.jsonl, dev2.jsonl),
// which lies beside the corpus source. Without it the test is skipped, and
// fails under CI: the quality gate must not pass by not running.
func EvalSet(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(CorpusSource(t), "..", "eval", name)
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("evaluation set %s missing in CI: %v", name, err)
		}
		t.Skipf("no evaluation set %s: %v", name, err)
	}
	return path
}

// ModelDir is where tests cache what retrieval learns from the question
// bank: it depends only on the bank and the code, and learning it costs
// seconds, so every test of every package (and every run) shares one
// directory. Cache files are written atomically and named by their
// inputs, so concurrent test binaries cannot see a half-written or stale one.
func ModelDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "atazan-test-models")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating the shared model cache: %v", err)
	}
	return dir
}
