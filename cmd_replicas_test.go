package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"atazan/bot/store"
	"atazan/bot/telegram/telegramtest"
	"atazan/internal/testsupport"
)

// Replicas that start together on an empty PostgreSQL database import the
// texts once: one version per document, and a later rollback has nothing
// to roll back to.
func TestReplicasFirstStartImportOnce(t *testing.T) {
	dsn := testsupport.PostgresSchema(t)
	if dsn == "" {
		t.Skip("no PostgreSQL server (ATAZAN_TEST_DATABASE_URL)")
	}
	src := miniSource(t)
	const replicas = 3
	envs := make([]*corpusEnv, replicas)
	for i := range envs {
		envs[i] = newCorpusEnv(t, src) // a data dir of its own, as on another machine
		envs[i].env["ATAZAN_DATABASE_URL"] = dsn
	}
	var wg sync.WaitGroup
	stderrs := make([]string, replicas)
	for i, c := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _, errs := c.run("list")
			if code != 0 {
				t.Errorf("replica %d: list: code %d\n%s", i, code, errs)
			}
			stderrs[i] = errs
		}()
	}
	wg.Wait()
	all := strings.Join(stderrs, "\n")
	if n := strings.Count(all, "First run: importing"); n != 1 {
		t.Errorf("%d replicas imported, want 1:\n%s", n, all)
	}
	code, out, errs := envs[1].run("list")
	if code != 0 || strings.Count(out, "1 version(s) stored") != 2 {
		t.Errorf("list after the start: code %d, want one version of each document:\n%s%s", code, out, errs)
	}
	if code, _, errs := envs[2].run("rollback", "kz2026"); code == 0 || !strings.Contains(errs, "no earlier version") {
		t.Errorf("rollback after a first start: code %d\n%s", code, errs)
	}
}

// Two "atazan serve" replicas behind one webhook, sharing one PostgreSQL
// database and one (fake) Bot API: every update is delivered to both, and
// twice to one of them, as Telegram and a load balancer may do; each is
// answered once. This is the two-replica check of docs/operations.md.
func TestServeTwoReplicasBehindOneWebhook(t *testing.T) {
	dsn := testsupport.PostgresSchema(t)
	if dsn == "" {
		t.Skip("no PostgreSQL server (ATAZAN_TEST_DATABASE_URL)")
	}
	const token, secret = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_", "s3cret-for-replicas"
	tg := telegramtest.NewServer(token)
	defer tg.Close()
	env := map[string]string{
		"ATAZAN_DATABASE_URL":            dsn,
		"ATAZAN_CORPUS_SRC":              filepath.Join("bot", "testdata", "corpus-src"),
		"ATAZAN_CORPUS_WATCH":            "0",
		"ATAZAN_TELEGRAM_TOKEN":          token,
		"ATAZAN_TELEGRAM_API_ENDPOINT":   tg.Endpoint(),
		"ATAZAN_TELEGRAM_WEBHOOK_URL":    "https://bot.example.kz/tg/hook",
		"ATAZAN_TELEGRAM_WEBHOOK_SECRET": secret,
	}
	replicas := []*served{startServe(t, env), startServe(t, env)}

	deliver := func(sv *served, user int) {
		body, _ := json.Marshal(map[string]any{
			"update_id": 5000 + user,
			"message": map[string]any{
				"message_id": 10, "date": time.Now().Unix(), "text": "С какого возраста можно работать по трудовому договору?",
				"chat": map[string]any{"id": user, "type": "private"},
				"from": map[string]any{"id": user, "is_bot": false, "first_name": "Aliya", "language_code": "ru"},
			},
		})
		req, _ := http.NewRequest(http.MethodPost, sv.base+"/tg/hook", bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("update %d: status %d", 5000+user, resp.StatusCode)
		}
	}
	const users = 20
	var wg sync.WaitGroup
	for user := 1; user <= users; user++ {
		for _, sv := range []*served{replicas[0], replicas[1], replicas[user%2]} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				deliver(sv, user)
			}()
		}
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := tg.WaitCalls(ctx, "sendMessage", users); err != nil {
		t.Fatal(err)
	}
	for _, sv := range replicas {
		sv.stop(t) // answers in flight finish first
	}
	// What the answers say is retrieval's business; here, that each is sent once.
	perChat := map[string]int{}
	for _, c := range tg.Calls("sendMessage") {
		perChat[c.Params.Get("chat_id")]++
	}
	for user := 1; user <= users; user++ {
		if n := perChat[fmt.Sprint(user)]; n != 1 {
			t.Errorf("user %d got %d answers, want 1", user, n)
		}
	}
	st, err := store.Open(context.Background(), "", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	day := time.Now().UTC().Truncate(24 * time.Hour)
	stats, err := st.Stats(context.Background(), day, day.Add(-6*24*time.Hour), 5)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Today != users {
		t.Errorf("/stats counts %d questions today, want %d", stats.Today, users)
	}
}
