package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"atazan/internal/testsupport"
)

// TestChat runs "atazan chat" end to end on the bot's fixture corpus:
// first-run import, the greeting, a cited answer, a button by number, and
// the conversation remembered by the next run.
func TestChat(t *testing.T) {
	env := map[string]string{
		"ATAZAN_DATA_DIR":   t.TempDir(),
		"ATAZAN_MODEL_DIR":  testsupport.ModelDir(t),
		"ATAZAN_CORPUS_SRC": "bot/testdata/corpus-src",
		"ATAZAN_LOG_FORMAT": "text",
	}
	chat := func(input string, args ...string) (code int, stdout, stderr string) {
		var out, errb bytes.Buffer
		code = run(context.Background(), append([]string{"chat"}, args...), strings.NewReader(input), &out, &errb,
			func(k string) string { return env[k] })
		return code, out.String(), errb.String()
	}

	code, out, errs := chat("Можно ли работать по трудовому договору с шестнадцати лет?\n1\n")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errs)
	}
	for _, want := range []string{
		"atazan chat",
		"Сәлем! Я Atazan",          // the greeting of /start
		"[1] Қазақша  [2] Русский", // its buttons
		"ст. 2, п. 2",              // the cited answer
		"[1] 📖 Статья 2",           // the answer's buttons, numbered
		"Каждый имеет право на свободу", // button 1 pressed: the full article
	} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(errs, "level=INFO") {
		t.Errorf("info logs in the terminal:\n%s", errs)
	}

	// The language chosen with a button survives to the next run.
	if code, _, errs := chat("1\n"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, out, _ = chat("/help\n")
	if !strings.Contains(out, "Сұрағыңызды жаза беріңіз") {
		t.Errorf("language not remembered across runs:\n%s", out)
	}

	if code, _, errs := chat("", "--lang", "fr"); code == 0 || !strings.Contains(errs, "want kk or ru") {
		t.Errorf("bad --lang: exit %d, %s", code, errs)
	}
}

// TestChatHasNoRateLimit pastes more questions than ATAZAN_RATE_PER_MINUTE
// allows, in two runs a moment apart: the terminal has one local user and
// never refuses them.
func TestChatHasNoRateLimit(t *testing.T) {
	env := map[string]string{
		"ATAZAN_DATA_DIR":        t.TempDir(),
		"ATAZAN_MODEL_DIR":       testsupport.ModelDir(t),
		"ATAZAN_CORPUS_SRC":      "bot/testdata/corpus-src",
		"ATAZAN_RATE_PER_MINUTE": "2",
	}
	script := strings.Repeat("Со скольки лет можно работать по трудовому договору?\n", 3)
	for i := range 2 {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"chat"}, strings.NewReader(script), &out, &errb, func(k string) string { return env[k] })
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s", i, code, &errb)
		}
		if strings.Contains(out.String(), "очень быстро") {
			t.Fatalf("run %d: the terminal chat was rate-limited:\n%s", i, &out)
		}
		// Every answer, cited or not, carries the feedback buttons; the
		// over-the-limit reply does not.
		if n := strings.Count(out.String(), "👍"); n < 3 {
			t.Errorf("run %d: %d answers to 3 questions:\n%s", i, n, &out)
		}
	}
}
