package main

import (
	"strings"
	"sync"
	"testing"

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
	if n := strings.Count(all, "another process imported"); n != replicas-1 {
		t.Errorf("%d replicas said another imported, want %d:\n%s", n, replicas-1, all)
	}
	code, out, errs := envs[1].run("list")
	if code != 0 || strings.Count(out, "1 version(s) stored") != 2 {
		t.Errorf("list after the start: code %d, want one version of each document:\n%s%s", code, out, errs)
	}
	if code, _, errs := envs[2].run("rollback", "kz2026"); code == 0 || !strings.Contains(errs, "no earlier version") {
		t.Errorf("rollback after a first start: code %d\n%s", code, errs)
	}
}
