package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"atazan/bot/store"
	"atazan/corpus"
	"atazan/internal/testsupport"
)

// TestProposalsExport runs "atazan proposals export" over proposals stored
// as the bot stores them, on the invented texts of bot/testdata.
func TestProposalsExport(t *testing.T) {
	dataDir := t.TempDir()
	env := map[string]string{
		"ATAZAN_DATA_DIR":   dataDir,
		"ATAZAN_MODEL_DIR":  testsupport.ModelDir(t),
		"ATAZAN_CORPUS_SRC": filepath.Join("bot", "testdata", "corpus-src"),
		"ATAZAN_LOG_LEVEL":  "error",
	}
	atazan := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
		return code, out.String(), errb.String()
	}

	ctx := context.Background()
	st, err := store.Open(ctx, dataDir, "")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, p := range []store.Proposal{
		{ID: "a1", Article: "3", Point: "2", Status: store.ProposalAccepted, Wording: "Курултай принимает законы и бюджет.", Justification: "Короче."},
		{ID: "d1", Article: "3", Point: "2", Status: store.ProposalDuplicate, DuplicateOf: "a1", Wording: "Курултай принимает законы и бюджет!"},
		{ID: "a2", Article: "1", Status: store.ProposalAccepted, Wording: "Республика – правовое государство.", Justification: "Яснее."},
		{ID: "n1", Article: "2", Status: store.ProposalNew, Wording: "Не рассмотрено."},
	} {
		p.Author, p.Doc, p.Version, p.Lang, p.Created = "x", "kz2026", "v", "ru", at
		if err := st.AddProposal(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	code, out, errs := atazan("proposals", "export", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 3 || recs[1][1] != "ст. 1" || recs[2][1] != "ст. 3, п. 2" || recs[2][5] != "2" {
		t.Errorf("CSV = %q, %v", recs, err)
	}
	if !strings.Contains(errs, "2 rows, 2 accepted proposals") {
		t.Errorf("stderr = %q", errs)
	}

	path := filepath.Join(t.TempDir(), "table.docx")
	if code, _, errs := atazan("proposals", "export", "--doc", "kz2026", "--article", "3", "--format", "docx", "--lang", "kk", "--out", path); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := corpus.DocxParagraphs(data)
	if err != nil || !slices.Contains(lines, "3-бап, 2-тармақ") || slices.Contains(lines, "1-бап") || !slices.Contains(lines, "Курултай принимает законы и бюджет.") {
		t.Errorf("DOCX paragraphs = %q, %v", lines, err)
	}

	if code, out, _ := atazan("proposals", "export", "--format", "html", "--article", "1"); code != 0 || strings.Count(out, "<tr>") != 2 {
		t.Errorf("HTML: exit %d, %d rows", code, strings.Count(out, "<tr>"))
	}

	// Bad input: a clear error, and an existing file is left as it was.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"proposals", "export", "--format", "pdf", "--out", path}, `unknown table format "pdf"`},
		{[]string{"proposals", "export", "--lang", "en", "--out", path}, `--lang "en"`},
		{[]string{"proposals", "export", "--article", "3.2", "--out", path}, `--article "3.2"`},
		{[]string{"proposals", "export", "--doc", "kz1812", "--out", path}, `no such document`},
		{[]string{"proposals", "export", "extra"}, `unexpected arguments`},
		{[]string{"proposals", "import"}, `unknown proposals command`},
	} {
		code, _, errs := atazan(tc.args...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error with %q", tc.args, code, errs, tc.want)
		}
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, data) {
		t.Error("a refused export changed the file")
	}
	if code, out, _ := atazan("proposals", "help"); code != 0 || !strings.Contains(out, "usage: atazan proposals export") {
		t.Errorf("help: exit %d, %q", code, out)
	}
}
