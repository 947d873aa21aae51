package main

import (
	"bytes"
	"context"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"atazan/config"
	"atazan/corpus"
	"atazan/corpus/adilet/adilettest"
	"atazan/internal/testsupport"
)

// fetchEnv is the environment of a test run with the official source at
// url, an empty data dir and no local corpus.
func fetchEnv(t *testing.T, url string) map[string]string {
	return map[string]string{
		"ATAZAN_DATA_DIR":             t.TempDir(),
		"ATAZAN_MODEL_DIR":            testsupport.ModelDir(t),
		"ATAZAN_CORPUS_SRC":           filepath.Join(t.TempDir(), "nowhere"),
		"ATAZAN_CORPUS_OFFICIAL_URL":  url,
		"ATAZAN_CORPUS_FETCH_TIMEOUT": "300ms",
		"ATAZAN_CORPUS_WATCH":         "0",
		"ATAZAN_LOG_LEVEL":            "error",
	}
}

// runAtazan runs the binary's main logic and returns its exit code and output.
func runAtazan(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(k string) string { return vars[k] })
	return code, out.String(), errOut.String()
}

// activeVersion opens the corpus of a data dir as the bot would see it.
func activeVersion(t *testing.T, vars map[string]string, doc string) *corpus.Document {
	t.Helper()
	store, err := corpus.OpenStore(filepath.Join(vars["ATAZAN_DATA_DIR"], "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	return store.Document(doc)
}

func TestCorpusFetch(t *testing.T) {
	ru, kk := adilettest.OfficialDOCX(t, corpus.RU), adilettest.OfficialDOCX(t, corpus.KK)
	src := adilettest.NewServer(t)
	src.Set(t, "kz2026", corpus.RU, ru)
	src.Set(t, "kz2026", corpus.KK, kk)
	vars := fetchEnv(t, src.URL)

	code, stdout, stderr := runAtazan(t, vars, "corpus", "fetch", "--doc", "kz2026")
	if code != 0 {
		t.Fatalf("corpus fetch: exit %d\n%s", code, stderr)
	}
	if !regexp.MustCompile(`(?m)^kz2026: \D*96\D*$`).MatchString(stdout) || !strings.Contains(stdout, "kz2026: activated version") {
		t.Errorf("stdout does not show the import:\n%s", stdout)
	}
	if !strings.Contains(stderr, "downloading kz2026 kk: 128 KiB of 128 KiB (100%), done") {
		t.Errorf("stderr has no progress line:\n%s", stderr)
	}
	first := activeVersion(t, vars, "kz2026")
	if first == nil {
		t.Fatal("kz2026 is not served after the fetch")
	}
	for _, lang := range []corpus.Lang{corpus.RU, corpus.KK} {
		text := first.Texts[lang]
		if n := len(text.Articles()); n != 96 {
			t.Errorf("%s: %d articles, want 96", lang, n)
		}
		if text.Source.URL != src.TextURL(t, "kz2026", lang) || text.Source.SHA256 == "" || text.Source.FetchedAt.IsZero() {
			t.Errorf("%s: source %+v does not record the official URL, hash and time", lang, text.Source)
		}
	}

	code, stdout, _ = runAtazan(t, vars, "corpus", "fetch", "--doc", "kz2026")
	if code != 0 || !strings.Contains(stdout, "kz2026 ru: the active text is the official one already.") {
		t.Errorf("second fetch: exit %d\n%s", code, stdout)
	}
	if v := activeVersion(t, vars, "kz2026").Version.ID; v != first.Version.ID {
		t.Errorf("an unchanged source made version %s", v)
	}

	// From here on a good fetch would change Art. 53; a bad one must not.
	changed := adilettest.EditDOCX(t, ru, "Курултая – пять лет.", "Курултая – шесть лет.")
	bad := []struct {
		name    string
		fault   adilettest.Fault
		serve   []byte
		wantErr string
	}{
		{"404", adilettest.NotFound, changed, "the server answered 404 Not Found"},
		{"503", adilettest.Unavailable, changed, "the server answered 503 Service Unavailable"},
		{"HTML page with 200", adilettest.HTMLPage, changed, "not a DOCX file: got an HTML page"},
		{"truncated zip", adilettest.Truncated, changed, "not a DOCX file: zip: not a valid zip file"},
		{"slow", adilettest.Stalled, changed, "no complete answer within 300ms"},
		{"over the size cap", adilettest.Oversized, changed, "response exceeds the size cap"},
		{"not a constitution", adilettest.None, adilettest.BuildDOCX(t, "Правила внутреннего распорядка", "1. Общие положения."), "the official text fails validation, nothing changed"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			src.Set(t, "kz2026", corpus.RU, tt.serve)
			src.Fail(t, "kz2026", corpus.RU, tt.fault)
			// Only the stalled body should meet the 300ms deadline: a
			// loaded machine must not turn the other faults into timeouts.
			run := maps.Clone(vars)
			if tt.fault != adilettest.Stalled {
				run["ATAZAN_CORPUS_FETCH_TIMEOUT"] = "1m"
			}
			code, _, stderr := runAtazan(t, run, "corpus", "fetch", "--doc", "kz2026", "--lang", "ru")
			if code != 1 || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr does not say %q:\n%s", code, tt.wantErr, stderr)
			}
			now := activeVersion(t, vars, "kz2026")
			if now.Version.ID != first.Version.ID || !strings.Contains(now.Texts[corpus.RU].Article("53").Point("2").Text, "пять лет") {
				t.Errorf("a failed fetch changed what is served: version %s", now.Version.ID)
			}
		})
	}

	src.Set(t, "kz2026", corpus.RU, changed)
	code, stdout, stderr = runAtazan(t, vars, "corpus", "fetch", "--lang", "ru")
	if code != 1 || !strings.Contains(stderr, "fetching kz1995 ru from "+src.TextURL(t, "kz1995", corpus.RU)+": the server answered 404") {
		t.Errorf("kz1995 is not on the server: exit %d\n%s", code, stderr)
	}
	if !regexp.MustCompile(`(?m)^kz2026: .*: 0\. .*: 0\. .*: 1 \(53\)\.`).MatchString(stdout) {
		t.Errorf("stdout does not summarise the change:\n%s", stdout)
	}
	now := activeVersion(t, vars, "kz2026")
	if now.Version.ID == first.Version.ID || !strings.Contains(now.Texts[corpus.RU].Article("53").Point("2").Text, "шесть лет") {
		t.Errorf("the changed official text is not served (version %s)", now.Version.ID)
	}
	if now.Texts[corpus.KK].Source.SHA256 != first.Texts[corpus.KK].Source.SHA256 {
		t.Errorf("fetching ru replaced the kk text")
	}
}

func TestCorpusFetchFlags(t *testing.T) {
	vars := fetchEnv(t, "http://127.0.0.1:1")
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--doc", "kz2000"}, `--doc "kz2000": want one of kz2026, kz1995`},
		{[]string{"--lang", "en"}, `--lang "en": the official texts are in kk and ru`},
		{[]string{"kz2026"}, `unexpected arguments ["kz2026"]`},
	}
	for _, tt := range tests {
		code, _, stderr := runAtazan(t, vars, append([]string{"corpus", "fetch"}, tt.args...)...)
		if code == 0 || !strings.Contains(stderr, tt.wantErr) {
			t.Errorf("corpus fetch %v: exit %d, stderr %q, want %q", tt.args, code, stderr, tt.wantErr)
		}
	}
}

// fetchEnvOf builds the env a subcommand gets, for calling fetchOfficial
// as openCorpus does.
func fetchEnvOf(t *testing.T, vars map[string]string) (*env, *bytes.Buffer) {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	return &env{cfg: cfg, log: newLogger(cfg, "text", &out), stdin: strings.NewReader(""), stdout: &out, stderr: &out}, &out
}

func TestFetchOfficial(t *testing.T) {
	ru, kk := adilettest.OfficialDOCX(t, corpus.RU), adilettest.OfficialDOCX(t, corpus.KK)
	src := adilettest.NewServer(t)
	src.Set(t, "kz2026", corpus.RU, ru)
	src.Set(t, "kz2026", corpus.KK, kk)
	// There is no 1995 DOCX in the shared corpus: a short one stands in
	// for the Russian text, and the Kazakh one is an error page.
	src.Set(t, "kz1995", corpus.RU, adilettest.BuildDOCX(t,
		"КОНСТИТУЦИЯ РЕСПУБЛИКИ КАЗАХСТАН",
		"Раздел I. Общие положения",
		"Статья 1",
		"1. Республика Казахстан утверждает себя демократическим, светским, правовым и социальным государством.",
		"Статья 2",
		"1. Республика Казахстан является унитарным государством с президентской формой правления.",
	))
	src.Fail(t, "kz1995", corpus.KK, adilettest.HTMLPage)

	vars := fetchEnv(t, src.URL)
	e, out := fetchEnvOf(t, vars)
	store, err := corpus.OpenStore(corpusDir(e))
	if err != nil {
		t.Fatal(err)
	}
	if err := fetchOfficial(context.Background(), e, store); err != nil {
		t.Fatalf("fetchOfficial: %v\n%s", err, out)
	}
	if d := store.Document("kz2026"); d == nil || len(d.Texts[corpus.KK].Articles()) != 96 {
		t.Errorf("kz2026 is not served after the first run:\n%s", out)
	}
	d := store.Document("kz1995")
	if d == nil || d.Texts[corpus.RU] == nil || len(d.Texts[corpus.RU].Articles()) != 2 || d.Texts[corpus.KK] != nil {
		t.Errorf("kz1995 should be served in Russian only:\n%s", out)
	}
	for _, want := range []string{
		"No local corpus found (ATAZAN_CORPUS_SRC); fetching the official texts from " + src.URL,
		"kz2026: activated version",
		"kz1995 kk from " + src.TextURL(t, "kz1995", corpus.KK) + ": not a DOCX file: got an HTML page",
		"kz1995: activated version",
		"Try the rest later with: atazan corpus fetch",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("first run output does not say %q:\n%s", want, out)
		}
	}
}

func TestFetchOfficialOffline(t *testing.T) {
	vars := fetchEnv(t, "http://127.0.0.1:1") // nothing listens there
	e, out := fetchEnvOf(t, vars)
	defer func() {
		if t.Failed() {
			t.Logf("output:\n%s", out)
		}
	}()
	store, err := corpus.OpenStore(corpusDir(e))
	if err != nil {
		t.Fatal(err)
	}
	err = fetchOfficial(context.Background(), e, store)
	if err == nil {
		t.Fatal("fetchOfficial succeeded with no source")
	}
	for _, want := range []string{
		"no constitution texts to serve",
		"cannot reach the server",
		"atazan corpus fetch",
		"http://127.0.0.1:1/rus/docs/K2600000000/download/docx   then: atazan corpus import FILE --doc kz2026 --lang ru",
		"http://127.0.0.1:1/kaz/docs/K950001000_/download/docx   then: atazan corpus import FILE --doc kz1995 --lang kk",
		"ATAZAN_CORPUS_SRC",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the offline message does not say %q:\n%v", want, err)
		}
	}
	if !store.Empty() {
		t.Error("the store is not empty")
	}
}

// blackHole accepts connections and never answers, like an official source
// behind a broken proxy; it counts the connections.
func blackHole(t *testing.T) (url string, accepted func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(conns)
	}
}

// TestFirstRunBlackHole is a fresh clone with no texts and an official
// source that never answers: one attempt at one text, then one clear
// message with what to do, in commands as the user ran them.
func TestFirstRunBlackHole(t *testing.T) {
	url, accepted := blackHole(t)
	vars := fetchEnv(t, url)
	vars["ATAZAN_CORPUS_CONNECT_TIMEOUT"] = "200ms"
	vars["ATAZAN_CORPUS_FETCH_TIMEOUT"] = "1h" // the connect timeout must end it, not this

	code, stdout, stderr := runAtazan(t, vars, "chat")
	if code == 0 {
		t.Fatalf("chat started with no texts:\n%s", stdout)
	}
	if n := accepted(); n != 1 {
		t.Errorf("%d connections to the black hole, want 1 (no retries, no other texts)", n)
	}
	if n := strings.Count(stderr, "no answer within 200ms"); n != 1 {
		t.Errorf("the error is printed %d times, want once:\n%s", n, stderr)
	}
	prog := invokedAs(os.Args[0])
	for _, want := range []string{
		"no constitution texts to serve",
		"ATAZAN_CORPUS_SRC=/path/to/corpus-src " + prog + " chat",
		prog + " corpus fetch",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
