package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atazan/internal/testsupport"
)

// corpusEnv runs atazan with a data dir and a source dir of its own.
type corpusEnv struct {
	t   *testing.T
	env map[string]string
}

func newCorpusEnv(t *testing.T, src string) *corpusEnv {
	return &corpusEnv{t: t, env: map[string]string{
		"ATAZAN_DATA_DIR":   t.TempDir(),
		"ATAZAN_MODEL_DIR":  testsupport.ModelDir(t),
		"ATAZAN_CORPUS_SRC": src,
		"ATAZAN_LOG_FORMAT": "text",
		"ATAZAN_LOG_LEVEL":  "error",
	}}
}

func (c *corpusEnv) run(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"corpus"}, args...), strings.NewReader(""), &out, &errb,
		func(k string) string { return c.env[k] })
	return code, out.String(), errb.String()
}

// miniSource lays the corpus test fixtures out like ../shared/corpus-src.
func miniSource(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for dst, src := range map[string]string{
		"kz2026/kz2026-ru.txt": "mini2026-ru.txt",
		"kz2026/kz2026-kk.txt": "mini2026-kk.txt",
		"kz1995/kz1995-ru.txt": "mini1995-ru.txt",
		"kz1995/kz1995-en.txt": "mini1995-en.txt",
	} {
		data, err := os.ReadFile(filepath.Join("corpus", "testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(dst)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustContain(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

func TestCorpusCommands(t *testing.T) {
	src := miniSource(t)
	c := newCorpusEnv(t, src)

	code, out, errs := c.run("list")
	if code != 0 {
		t.Fatalf("list: code %d\n%s", code, errs)
	}
	mustContain(t, "first-run stderr", errs, "First run: importing", src)
	mustContain(t, "list", out, "kz2026", "[in_force]", "kk: 4 articles, official", "ru: 4 articles, official",
		"kz1995", "[repealed]", "en: 4 articles, unofficial", "1 version(s)")

	code, out, _ = c.run("show", "kz2026", "4", "--lang", "ru", "--point", "1")
	if code != 0 || !strings.Contains(out, "1. Собрание состоит из ста депутатов.") || !strings.Contains(out, "ст. 4, п. 1") {
		t.Errorf("show: code %d\n%s", code, out)
	}
	code, out, _ = c.run("show", "kz2026", "3", "--lang", "kk")
	if code != 0 || !strings.Contains(out, "3-бап\nЖиналыс:\n1) заңдар қабылдайды;") {
		t.Errorf("show kk: code %d\n%s", code, out)
	}
	if code, _, errs := c.run("show", "kz2026", "99"); code == 0 || !strings.Contains(errs, "no article \"99\" (articles 1–4)") {
		t.Errorf("show missing article: code %d %s", code, errs)
	}

	// Import a changed ru text: the summary names the article, then it is served.
	ru, err := os.ReadFile(filepath.Join(src, "kz2026", "kz2026-ru.txt"))
	if err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(t.TempDir(), "new.txt")
	if err := os.WriteFile(changed, bytes.Replace(ru, []byte("из ста депутатов"), []byte("из ста двадцати депутатов"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = c.run("import", changed, "--doc", "kz2026", "--lang", "ru")
	if code != 0 {
		t.Fatalf("import: code %d\n%s", code, errs)
	}
	mustContain(t, "import", out, "Изменено: 1 (4)", "из ста двадцати", "activated version")
	if _, out, _ = c.run("show", "kz2026", "4", "--point", "1"); !strings.Contains(out, "ста двадцати") {
		t.Errorf("import not served:\n%s", out)
	}
	if code, out, _ = c.run("rollback", "kz2026"); code != 0 || !strings.Contains(out, "active again") {
		t.Errorf("rollback: code %d %s", code, out)
	}
	if _, out, _ = c.run("show", "kz2026", "4", "--point", "1"); !strings.Contains(out, "из ста депутатов") {
		t.Errorf("rollback not served:\n%s", out)
	}

	// A kk file whose points do not match ru is refused with its place; nothing changes.
	kk, err := os.ReadFile(filepath.Join(src, "kz2026", "kz2026-kk.txt"))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "kz2026-kk.txt")
	if err := os.WriteFile(bad, bytes.Replace(kk, []byte("2. Депутаттардың"), []byte("Депутаттардың"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = c.run("import", bad)
	if code == 0 {
		t.Fatal("bad import succeeded")
	}
	mustContain(t, "bad import", errs, "error: kz2026 kk, art. 4: points 1 do not match", "nothing changed")
	if code, _, errs = c.run("validate", bad); code == 0 || !strings.Contains(errs, "would be refused") {
		t.Errorf("validate bad: code %d %s", code, errs)
	}
	if code, out, errs = c.run("validate", src); code != 0 || !strings.Contains(out, "kz2026: kk 4 articles, ru 4 articles — 0 error(s)") {
		t.Errorf("validate dir: code %d\n%s\n%s", code, out, errs)
	}
	if _, out, _ = c.run("list"); !strings.Contains(out, "2 version(s)") {
		t.Errorf("list after refused import:\n%s", out)
	}

	code, out, _ = c.run("diff", "kz1995", "kz2026", "--article", "4", "--lang", "ru")
	if code != 0 {
		t.Fatalf("diff: code %d", code)
	}
	mustContain(t, "diff", out, "kz1995", "kz2026", "Статья 3", "Статья 4", "│")
	if code, out, _ = c.run("diff", "kz1995", "kz2026"); code != 0 || !strings.Contains(out, "kz2026 4      ← kz1995 3") {
		t.Errorf("diff table: code %d\n%s", code, out)
	}
}

func TestCorpusOfficialTexts(t *testing.T) {
	c := newCorpusEnv(t, testsupport.CorpusSource(t))
	code, out, errs := c.run("list")
	if code != 0 {
		t.Fatalf("list: code %d\n%s", code, errs)
	}
	mustContain(t, "list", out, "kk: 96 articles", "ru: 96 articles", "kk: 102 articles", "ru: 102 articles", "en: 102 articles")
	code, out, _ = c.run("show", "kz2026", "53", "--lang", "ru")
	if code != 0 || !strings.Contains(out, "Курултай состоит из ста сорока пяти депутатов") {
		t.Errorf("show 53: code %d\n%s", code, out)
	}
	code, out, _ = c.run("diff", "kz1995", "kz2026", "--article", "53")
	if code != 0 || !strings.Contains(out, "Статья 50") {
		t.Errorf("diff 53: code %d\n%s", code, out)
	}
}

func TestCorpusNoTextsAnywhere(t *testing.T) {
	c := newCorpusEnv(t, filepath.Join(t.TempDir(), "nowhere"))
	c.env["ATAZAN_CORPUS_OFFICIAL_URL"] = "http://127.0.0.1:1"
	c.env["ATAZAN_CORPUS_FETCH_TIMEOUT"] = "2s"
	code, _, errs := c.run("list")
	if code == 0 {
		t.Fatal("list succeeded without any texts")
	}
	// The hints are commands as the user ran them ("go run ." here).
	prog := invokedAs(os.Args[0])
	mustContain(t, "stderr", errs, prog+" corpus import", prog+" corpus fetch", "ATAZAN_CORPUS_SRC=/path/to/corpus-src "+prog+" corpus list")
}
