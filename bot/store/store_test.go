package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"atazan/internal/testsupport"
)

// backend opens a fresh, empty store and tells how to reopen the same data.
type backend struct {
	name string
	open func(t *testing.T) (reopen func() (*Store, error))
}

// backends are SQLite always and PostgreSQL when ATAZAN_TEST_DATABASE_URL
// names a server; each PostgreSQL test gets its own schema.
func backends(t *testing.T) []backend {
	list := []backend{{"sqlite", func(t *testing.T) func() (*Store, error) {
		dir := t.TempDir()
		return func() (*Store, error) { return Open(context.Background(), dir, "") }
	}}}
	if testsupport.PostgresURL(t) == "" {
		return list
	}
	return append(list, backend{"postgres", func(t *testing.T) func() (*Store, error) {
		dsn := testsupport.PostgresSchema(t)
		return func() (*Store, error) { return Open(context.Background(), "", dsn) }
	}})
}

// forEachBackend runs test on a fresh store of every backend.
func forEachBackend(t *testing.T, test func(t *testing.T, s *Store, reopen, extra func() *Store)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			open := b.open(t)
			var cur *Store
			reopen := func() *Store {
				t.Helper()
				if cur != nil {
					if err := cur.Close(); err != nil {
						t.Fatalf("close: %v", err)
					}
				}
				s, err := open()
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				cur = s
				return s
			}
			// extra opens another handle on the same database, as a second replica does.
			extra := func() *Store {
				t.Helper()
				s, err := open()
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			s := reopen()
			t.Cleanup(func() { cur.Close() })
			test(t, s, reopen, extra)
		})
	}
}

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func answer(id, user, q string, at time.Time) Answer {
	return Answer{ID: id, Platform: "tg", ChatID: "chat1", UserID: user, Lang: "ru", Mode: "extractive",
		Question: q, Text: "answer to " + q, Sources: []string{"kz2026/17/2", "kz2026/18"}, Created: at}
}

func TestStore(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, s *Store, reopen, extra func() *Store)
	}{
		{"language is saved and survives a restart", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			if got, err := s.Lang(ctx, "tg", "1"); err != nil || got != "" {
				t.Fatalf("unset lang = %q, %v; want empty", got, err)
			}
			must(t, s.SetLang(ctx, "tg", "1", "kk", t0))
			must(t, s.SetLang(ctx, "tg", "1", "ru", t0))
			must(t, s.SetLang(ctx, "wa", "1", "kk", t0))
			s = reopen()
			if got, _ := s.Lang(ctx, "tg", "1"); got != "ru" {
				t.Errorf("tg:1 lang = %q, want ru", got)
			}
			if got, _ := s.Lang(ctx, "wa", "1"); got != "kk" {
				t.Errorf("wa:1 lang = %q, want kk", got)
			}
		}},
		{"recent turns are the user's latest in the chat, oldest first", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			for i := range 5 {
				must(t, s.SaveAnswer(ctx, answer(fmt.Sprint("a", i), "u1", fmt.Sprint("q", i), t0.Add(time.Duration(i)*time.Minute))))
			}
			must(t, s.SaveAnswer(ctx, answer("other", "u2", "other", t0.Add(10*time.Minute))))
			s = reopen()
			got, err := s.RecentTurns(ctx, "tg", "chat1", "u1", 3, t0)
			must(t, err)
			if ids := answerIDs(got); !reflect.DeepEqual(ids, []string{"a2", "a3", "a4"}) {
				t.Errorf("recent = %v, want [a2 a3 a4]", ids)
			}
			got, _ = s.RecentTurns(ctx, "tg", "chat1", "u1", 3, t0.Add(4*time.Minute))
			if ids := answerIDs(got); !reflect.DeepEqual(ids, []string{"a4"}) {
				t.Errorf("recent since 4m = %v, want [a4]", ids)
			}
			a, err := s.Answer(ctx, "a1")
			must(t, err)
			want := answer("a1", "u1", "q1", t0.Add(time.Minute))
			if !reflect.DeepEqual(a, want) {
				t.Errorf("Answer(a1) = %+v\nwant %+v", a, want)
			}
			if _, err := s.Answer(ctx, "nope"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Answer(nope) err = %v, want ErrNotFound", err)
			}
		}},
		{"feedback keeps one vote per user with the answer", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			must(t, s.SaveAnswer(ctx, answer("a1", "u1", "Можно ли работать в 16?", t0)))
			must(t, s.Vote(ctx, "a1", "tg", "u1", 1, t0))
			must(t, s.Vote(ctx, "a1", "tg", "u1", -1, t0.Add(time.Second)))
			must(t, s.Vote(ctx, "a1", "tg", "u9", 1, t0.Add(2*time.Second)))
			if err := s.Vote(ctx, "missing", "tg", "u1", 1, t0); !errors.Is(err, ErrNotFound) {
				t.Errorf("vote on missing answer: err = %v, want ErrNotFound", err)
			}
			fb, err := reopen().Feedback(ctx)
			must(t, err)
			if len(fb) != 2 {
				t.Fatalf("got %d feedback rows, want 2: %+v", len(fb), fb)
			}
			if fb[0].Voter != "tg:u9" || fb[0].Vote != 1 || fb[1].Voter != "tg:u1" || fb[1].Vote != -1 {
				t.Errorf("votes = %+v", fb)
			}
			if fb[1].Answer.Question != "Можно ли работать в 16?" || !reflect.DeepEqual(fb[1].Answer.Sources, []string{"kz2026/17/2", "kz2026/18"}) {
				t.Errorf("feedback lost its answer: %+v", fb[1].Answer)
			}
		}},
		{"stats count by day, week and language", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			day := t0.Truncate(24 * time.Hour)
			week := day.Add(-6 * 24 * time.Hour)
			list := []Answer{
				answer("old", "u1", "Ancient?", week.Add(-time.Hour)),
				answer("w1", "u1", "Что такое Курултай?", week.Add(time.Hour)),
				answer("w2", "u2", "что такое курултай", day.Add(time.Hour)),
				answer("w3", "u3", "Что такое Курултай?!", day.Add(2*time.Hour)),
				answer("w4", "u3", "Сколько статей?", day.Add(3*time.Hour)),
			}
			list[4].Lang = "kk"
			for _, a := range list {
				must(t, s.SaveAnswer(ctx, a))
			}
			must(t, s.Vote(ctx, "w4", "tg", "u3", -1, day.Add(4*time.Hour)))
			must(t, s.Vote(ctx, "w2", "tg", "u2", 1, day.Add(4*time.Hour)))
			st, err := s.Stats(ctx, day, week, 5)
			must(t, err)
			if st.Today != 3 || st.Week != 4 {
				t.Errorf("today, week = %d, %d; want 3, 4", st.Today, st.Week)
			}
			if !reflect.DeepEqual(st.ByLang, map[string]int{"ru": 3, "kk": 1}) {
				t.Errorf("by lang = %v", st.ByLang)
			}
			if len(st.Top) != 2 || st.Top[0].Count != 3 || questionKey(st.Top[0].Question) != "что такое курултай" {
				t.Errorf("top = %+v", st.Top)
			}
			if ids := answerIDs(st.Disliked); !reflect.DeepEqual(ids, []string{"w4"}) {
				t.Errorf("disliked = %v, want [w4]", ids)
			}
		}},
		{"rate limit counts per user in a sliding window", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			for i := range 3 {
				ok, err := s.Allow(ctx, "tg:1", 3, time.Minute, t0.Add(time.Duration(i)*time.Second))
				must(t, err)
				if !ok {
					t.Fatalf("message %d refused within the limit", i+1)
				}
			}
			s = reopen() // replicas and restarts share the bucket
			// The bucket refills one message every 20 s.
			if ok, _ := s.Allow(ctx, "tg:1", 3, time.Minute, t0.Add(10*time.Second)); ok {
				t.Error("4th message in 10 s allowed, want refused")
			}
			if ok, _ := s.Allow(ctx, "tg:2", 3, time.Minute, t0.Add(10*time.Second)); !ok {
				t.Error("another user refused")
			}
			if ok, _ := s.Allow(ctx, "tg:1", 3, time.Minute, t0.Add(61*time.Second)); !ok {
				t.Error("next minute refused, want allowed")
			}
		}},
		{"replicas share the rate limit", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			other := extra()
			var wg sync.WaitGroup
			var mu sync.Mutex
			allowed := 0
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db := s
					if i%2 == 1 {
						db = other
					}
					ok, err := db.Allow(ctx, "tg:busy", 7, time.Minute, t0)
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						allowed++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if allowed != 7 {
				t.Errorf("%d of 20 concurrent messages allowed, want exactly 7", allowed)
			}
		}},
		{"forget deletes the user's data and nobody else's", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			must(t, s.SetLang(ctx, "tg", "u1", "kk", t0))
			must(t, s.SetLang(ctx, "tg", "u2", "ru", t0))
			must(t, s.SaveAnswer(ctx, answer("mine", "u1", "q", t0)))
			must(t, s.SaveAnswer(ctx, answer("theirs", "u2", "q", t0)))
			must(t, s.Vote(ctx, "theirs", "tg", "u1", -1, t0)) // u1's vote on u2's answer
			must(t, s.Vote(ctx, "mine", "tg", "u2", 1, t0))    // u2's vote on u1's answer
			must(t, s.Vote(ctx, "theirs", "tg", "u2", 1, t0))
			if _, err := s.Allow(ctx, UserKey("tg", "u1"), 5, time.Minute, t0); err != nil {
				t.Fatal(err)
			}
			must(t, s.Forget(ctx, "tg", "u1"))
			s = reopen()
			if lang, _ := s.Lang(ctx, "tg", "u1"); lang != "" {
				t.Errorf("lang kept after forget: %q", lang)
			}
			if _, err := s.Answer(ctx, "mine"); !errors.Is(err, ErrNotFound) {
				t.Errorf("answer kept after forget: %v", err)
			}
			fb, _ := s.Feedback(ctx)
			if len(fb) != 1 || fb[0].Voter != "tg:u2" || fb[0].Answer.ID != "theirs" {
				t.Errorf("feedback after forget = %+v, want only u2's vote on theirs", fb)
			}
			if lang, _ := s.Lang(ctx, "tg", "u2"); lang != "ru" {
				t.Errorf("other user's lang = %q, want ru", lang)
			}
			var n int
			must(t, s.queryRow(ctx, `SELECT COUNT(*) FROM rate_limits WHERE bucket = ?`, "tg:u1").Scan(&n))
			if n != 0 {
				t.Errorf("rate bucket kept after forget")
			}
		}},
		{"admin log keeps who did what", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			must(t, s.LogAdmin(ctx, AdminAction{At: t0, By: "tg:1", Action: "import", Detail: "kz2026 kk"}))
			must(t, s.LogAdmin(ctx, AdminAction{At: t0.Add(time.Minute), By: "tg:1", Action: "activate", Detail: "st-1"}))
			log, err := reopen().AdminLog(ctx, 10)
			must(t, err)
			want := []AdminAction{
				{At: t0.Add(time.Minute), By: "tg:1", Action: "activate", Detail: "st-1"},
				{At: t0, By: "tg:1", Action: "import", Detail: "kz2026 kk"},
			}
			if !reflect.DeepEqual(log, want) {
				t.Errorf("admin log = %+v\nwant %+v", log, want)
			}
		}},
		{"migrations run once", func(t *testing.T, s *Store, reopen, extra func() *Store) {
			s = reopen()
			var n, v int
			must(t, s.queryRow(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &v))
			if n != len(migrations)-1 || v != len(migrations)-1 {
				t.Errorf("schema_migrations has %d rows up to %d, want %d", n, v, len(migrations)-1)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { forEachBackend(t, tt.run) })
	}
}

func TestOpenBadDatabaseURL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Open(ctx, "", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err == nil {
		t.Fatal("Open with an unreachable PostgreSQL succeeded")
	}
}

func TestQuestionKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Что такое Курултай?", "что такое курултай"},
		{"  что   такое курултай!!", "что такое курултай"},
		{"Құрылтай деген не?", "құрылтай деген не"},
		{"17-бап", "17 бап"},
		{"???", ""},
	} {
		if got := questionKey(tt.in); got != tt.want {
			t.Errorf("questionKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	pg := &Store{backend: "postgres"}
	if got := pg.q(`SELECT a FROM t WHERE b = ? AND c IN (?, ?)`); got != `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)` {
		t.Errorf("postgres placeholders: %s", got)
	}
	lite := &Store{backend: "sqlite"}
	if got := lite.q(`x = ?`); got != `x = ?` {
		t.Errorf("sqlite placeholders changed: %s", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func answerIDs(list []Answer) []string {
	ids := []string{}
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	return ids
}

// BenchmarkAllow is the rate-limit check every question pays (SQLite).
func BenchmarkAllow(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir(), "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	now := t0
	for b.Loop() {
		now = now.Add(time.Millisecond)
		if _, err := s.Allow(context.Background(), "tg:1", 10, time.Minute, now); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSQLitePragmas(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "synchronous": "1"} {
		var got string
		if err := s.db.QueryRow(`PRAGMA ` + pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", pragma, got, err, want)
		}
	}
}
