package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestChat runs "atazan chat" end to end on the bot's fixture corpus:
// first-run import, the greeting, a cited answer, a button by number, and
// the conversation remembered by the next run.
func TestChat(t *testing.T) {
	env := map[string]string{
		"ATAZAN_DATA_DIR":   t.TempDir(),
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
