package main

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"atazan/corpus"
	"atazan/internal/testsupport"
	"atazan/rag"
)

// replicaStores opens two corpus stores on one database, as two replicas
// do, with the small texts of rag/testdata imported.
func replicaStores(t *testing.T, dir, driver, dsn string) (this, other *corpus.Store) {
	t.Helper()
	open := func() *corpus.Store {
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		s, err := corpus.OpenSQLStore(t.Context(), db, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	this, other = open(), open()
	if _, err := this.ImportDir(t.Context(), filepath.Join("rag", "testdata", "corpus-src"), "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	return this, other
}

// followFor runs f until the test ends.
func followFor(t *testing.T, f *corpusFollower) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// waitRetrieved waits until the engine retrieves a passage containing want.
func waitRetrieved(t *testing.T, eng *rag.Engine, question, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		hits, err := eng.Retrieve(t.Context(), rag.Question{Text: question, Lang: corpus.RU})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if strings.Contains(h.Text, want) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the engine still retrieves no passage with %q for %q", want, question)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A switch made by another replica is served and re-indexed here, on
// SQLite and (with ATAZAN_TEST_DATABASE_URL) PostgreSQL.
func TestCorpusFollowerReindexesSwitchesElsewhere(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		dsn := "file:" + filepath.Join(dir, "atazan.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate"
		testCorpusFollower(t, dir, "sqlite", dsn)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := testsupport.PostgresSchema(t)
		if dsn == "" {
			t.Skip("no PostgreSQL server (ATAZAN_TEST_DATABASE_URL)")
		}
		testCorpusFollower(t, t.TempDir(), "pgx", dsn)
	})
}

func testCorpusFollower(t *testing.T, dir, driver, dsn string) {
	this, other := replicaStores(t, dir, driver, dsn)
	eng, err := rag.New(t.Context(), rag.Options{DataDir: dir, ModelDir: testsupport.ModelDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Load(t.Context(), this.Documents(), this.Alignment()); err != nil {
		t.Fatal(err)
	}
	const question = "Сколько депутатов в Курултае?"
	waitRetrieved(t, eng, question, "ста сорока пяти")
	logs := &testsupport.Buffer{}
	followFor(t, &corpusFollower{
		store: this, engine: eng, every: 10 * time.Millisecond,
		log: slog.New(slog.NewTextHandler(logs, nil)),
	})

	// Another replica activates a new Russian text.
	ru, err := os.ReadFile(filepath.Join("rag", "testdata", "corpus-src", "kz2026", "kz2026-ru.md"))
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(ru), "из ста сорока пяти депутатов", "из ста пятидесяти депутатов", 1)
	st, err := other.Stage(t.Context(), corpus.StageRequest{Doc: "kz2026", Files: []corpus.SourceFile{{Name: "ru.txt", Lang: corpus.RU, Data: []byte(changed)}}, By: "tg:1"})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := other.Activate(t.Context(), st.ID, "tg:1")
	if err != nil {
		t.Fatal(err)
	}
	waitRetrieved(t, eng, question, "ста пятидесяти")
	if got := this.Document("kz2026").Version.ID; got != v2.Version.ID {
		t.Errorf("this replica serves %s, want %s", got, v2.Version.ID)
	}

	// And a rollback there.
	if _, err := other.Rollback(t.Context(), "kz2026", "tg:1"); err != nil {
		t.Fatal(err)
	}
	waitRetrieved(t, eng, question, "ста сорока пяти")
	if n := strings.Count(logs.String(), "re-indexed the corpus"); n != 2 {
		t.Errorf("re-indexed %d times for two switches:\n%s", n, logs)
	}
}

// A poll that fails leaves what is served and tries again.
func TestCorpusFollowerSurvivesFailedPoll(t *testing.T) {
	dir := t.TempDir()
	this, err := corpus.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := this.ImportDir(t.Context(), filepath.Join("rag", "testdata", "corpus-src"), "test"); err != nil {
		t.Fatal(err)
	}
	served := this.Document("kz2026")
	pointer := filepath.Join(dir, "kz2026", "active.json")
	good, err := os.ReadFile(pointer)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pointer, []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	var loads loadCounter
	logs := &testsupport.Buffer{}
	followFor(t, &corpusFollower{store: this, engine: &loads, every: 10 * time.Millisecond, log: slog.New(slog.NewTextHandler(logs, nil))})
	waitFor(t, func() bool { return strings.Count(logs.String(), "following the corpus versions") >= 2 })
	if this.Document("kz2026") != served || loads.n.Load() != 0 {
		t.Fatal("a failed poll changed what is served")
	}
	// Repaired, and nothing switched: nothing to re-index.
	if err := os.WriteFile(pointer, good, 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if this.Document("kz2026") != served || loads.n.Load() != 0 {
		t.Error("re-indexed without a switch")
	}
}

// loadCounter is an engine that only counts its loads.
type loadCounter struct{ n atomic.Int32 }

func (l *loadCounter) Load(context.Context, []*corpus.Document, *corpus.Alignment) error {
	l.n.Add(1)
	return nil
}

// waitFor waits up to 10 s for cond.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met after 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
