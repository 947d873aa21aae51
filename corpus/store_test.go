package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func miniFiles(t *testing.T, names ...string) []SourceFile {
	t.Helper()
	var out []SourceFile
	for _, n := range names {
		out = append(out, SourceFile{Name: n, Data: readTestdata(t, n)})
	}
	return out
}

func stageAndActivate(t *testing.T, s *Store, doc string, files []SourceFile) *Document {
	t.Helper()
	st, err := s.Stage(t.Context(), StageRequest{Doc: doc, Files: files, By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Activate(t.Context(), st.ID, "admin")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func point(d *Document, lang Lang, art, pt string) string {
	if d == nil {
		return "<no document>"
	}
	return d.Texts[lang].Article(art).Point(pt).Text
}

func TestStoreVersionSwitchAndRestore(t *testing.T) {
	forEachStore(t, testStoreVersionSwitchAndRestore)
}

func testStoreVersionSwitchAndRestore(t *testing.T, data *storeData) {
	s := data.open(t)
	if !s.Empty() {
		t.Fatal("new store not empty")
	}
	st, err := s.Stage(t.Context(), StageRequest{Doc: "kz2026", Files: miniFiles(t, "mini2026-ru.txt", "mini2026-kk.txt"), By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Diff.First || len(st.Diff.Added) != 4 {
		t.Errorf("first diff = %+v, want 4 articles added", st.Diff)
	}
	if s.Document("kz2026") != nil {
		t.Fatal("Stage changed what is served")
	}
	v1, err := s.Activate(t.Context(), st.ID, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if got := point(s.Document("kz2026"), RU, "4", "1"); got != "Собрание состоит из ста депутатов." {
		t.Fatalf("served after activate: %q", got)
	}

	// A second version changes one article of the ru text; kk is kept.
	ru := strings.Replace(string(readTestdata(t, "mini2026-ru.txt")), "из ста депутатов", "из ста двадцати депутатов", 1)
	st2, err := s.Stage(t.Context(), StageRequest{Doc: "kz2026", Files: []SourceFile{{Name: "new.txt", Lang: RU, Data: []byte(ru)}}, By: "tg:1"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st2.Diff.Changed, []string{"4"}) || len(st2.Diff.Added)+len(st2.Diff.Removed) != 0 {
		t.Errorf("diff = %+v, want art. 4 changed", st2.Diff)
	}
	if got := point(s.Document("kz2026"), RU, "4", "1"); got != "Собрание состоит из ста депутатов." {
		t.Fatalf("Stage changed what is served: %q", got)
	}
	v2, err := s.Activate(t.Context(), st2.ID, "tg:1")
	if err != nil {
		t.Fatal(err)
	}
	if v2.Texts[KK] == nil || v2.Texts[KK].Source.SHA256 != v1.Texts[KK].Source.SHA256 {
		t.Error("the kk text of the active version was not carried over")
	}

	// The switch survives a restart.
	s = data.open(t)
	if got := point(s.Document("kz2026"), RU, "4", "1"); got != "Собрание состоит из ста двадцати депутатов." {
		t.Fatalf("after reopen: %q", got)
	}
	vs, err := s.Versions("kz2026")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].ID != v1.Version.ID || vs[1].ID != v2.Version.ID || vs[1].ImportedBy != "tg:1" {
		t.Errorf("versions = %+v", vs)
	}

	// Rollback restores the first version, also after a restart.
	back, err := s.Rollback(t.Context(), "kz2026", "admin")
	if err != nil {
		t.Fatal(err)
	}
	if back.Version.ID != v1.Version.ID {
		t.Errorf("rolled back to %s, want %s", back.Version.ID, v1.Version.ID)
	}
	s = data.open(t)
	if got := point(s.Document("kz2026"), RU, "4", "1"); got != "Собрание состоит из ста депутатов." {
		t.Fatalf("after rollback and reopen: %q", got)
	}
	if _, err := s.Rollback(t.Context(), "kz2026", "admin"); err == nil {
		t.Error("rollback past the first version succeeded")
	}
}

func TestStoreFailedImportChangesNothing(t *testing.T) {
	forEachStore(t, testStoreFailedImportChangesNothing)
}

func testStoreFailedImportChangesNothing(t *testing.T, data *storeData) {
	s := data.open(t)
	active := stageAndActivate(t, s, "kz2026", miniFiles(t, "mini2026-ru.txt", "mini2026-kk.txt"))
	before := data.snapshot(t)

	kk := strings.Replace(string(readTestdata(t, "mini2026-kk.txt")), "2. Депутаттардың", "Депутаттардың", 1)
	bad := []StageRequest{
		{Doc: "kz2026", Files: []SourceFile{{Name: "kk.txt", Lang: KK, Data: []byte(kk)}}},
		{Doc: "kz2026", Files: []SourceFile{{Name: "kk.docx", Lang: KK, Data: []byte("<html>error</html>")}}},
		{Doc: "kz2026", Files: []SourceFile{{Name: "noise.txt", Lang: KK, Data: []byte("hello")}}},
		{Doc: "kz2026", Files: []SourceFile{{Name: "nolang.txt", Data: readTestdata(t, "mini2026-kk.txt")}}},
		{Doc: "kz1999", Files: miniFiles(t, "mini2026-ru.txt")},
		{Doc: "kz2026"},
	}
	for _, req := range bad {
		if _, err := s.Stage(t.Context(), req); err == nil {
			t.Errorf("Stage(%s %v) succeeded", req.Doc, req.Files)
		}
	}
	var ve *ValidationError
	if _, err := s.Stage(t.Context(), bad[0]); !errors.As(err, &ve) {
		t.Errorf("point mismatch: error %v, want *ValidationError", err)
	}
	if got := s.Document("kz2026"); got.Version.ID != active.Version.ID {
		t.Errorf("active version changed to %s", got.Version.ID)
	}
	if _, err := s.Rollback(t.Context(), "kz2026", "admin"); err == nil {
		t.Error("rolled back past the first version")
	}
	if after := data.snapshot(t); !slices.Equal(before, after) {
		t.Errorf("stored data changed:\n%.2000v\n%.2000v", before, after)
	}
}

func TestStoreStagedImports(t *testing.T) { forEachStore(t, testStoreStagedImports) }

func testStoreStagedImports(t *testing.T, data *storeData) {
	s := data.open(t)
	st, err := s.Stage(t.Context(), StageRequest{Doc: "kz2026", Files: miniFiles(t, "mini2026-ru.txt"), By: "watch"})
	if err != nil {
		t.Fatal(err)
	}
	// A staged import waits for the admin across a restart.
	s = data.open(t)
	if got, err := s.StagedImport(st.ID); err != nil || got.Doc.ID != "kz2026" {
		t.Fatalf("StagedImport after reopen = %v, %v", got, err)
	}
	if err := s.Discard(st.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Activate(t.Context(), st.ID, "admin"); err == nil {
		t.Error("activated a discarded import")
	}
	if err := s.Discard(st.ID); err == nil {
		t.Error("discarded twice")
	}
	for _, id := range []string{"../../etc/passwd", "", "x"} {
		if _, err := s.Activate(t.Context(), id, "admin"); err == nil {
			t.Errorf("Activate(%q) succeeded", id)
		}
	}
	if !s.Empty() {
		t.Error("something is served")
	}
}

func TestStoreRecordsSource(t *testing.T) { forEachStore(t, testStoreRecordsSource) }

func testStoreRecordsSource(t *testing.T, stored *storeData) {
	s := stored.open(t)
	data := readTestdata(t, "mini2026-ru.txt")
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	d := stageAndActivate(t, s, "kz2026", []SourceFile{{Name: "K2600000000-rus.txt", Data: data, URL: "https://adilet.zan.kz/rus/docs/K2600000000/download/docx", FetchedAt: at}})
	src := d.Texts[RU].Source
	sum := sha256.Sum256(data)
	if src.SHA256 != hex.EncodeToString(sum[:]) || src.URL == "" || !src.FetchedAt.Equal(at) || src.File != "K2600000000-rus.txt" {
		t.Errorf("source = %+v", src)
	}
	if d.Version.ImportedBy != "test" || d.Version.ImportedAt.IsZero() || !strings.Contains(d.Version.Note, "admin") {
		t.Errorf("version = %+v", d.Version)
	}
	if d.Title[KK] == "" || d.Dates.InForce != "2026-07-01" {
		t.Errorf("catalog metadata missing: %+v %+v", d.Title, d.Dates)
	}
}

func TestStoreAlignmentOverrides(t *testing.T) { forEachStore(t, testStoreAlignmentOverrides) }

func testStoreAlignmentOverrides(t *testing.T, data *storeData) {
	dir := data.dir
	s := data.open(t)
	stageAndActivate(t, s, "kz2026", miniFiles(t, "mini2026-ru.txt", "mini2026-kk.txt"))
	stageAndActivate(t, s, "kz1995", miniFiles(t, "mini1995-ru.txt", "mini1995-en.txt"))
	// Computed: the Assembly's term (2026 Art. 4) follows the Parliament (1995 Art. 3).
	if got := s.Alignment().Predecessors("4"); !slices.Equal(got, []string{"3"}) {
		t.Errorf("computed predecessors of 4 = %v, want [3]", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "alignment.yaml"), []byte("# admin\n\"4\": [\"2\", \"3\"]\n\"1\": []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = data.open(t)
	a := s.Alignment()
	if got := a.Predecessors("4"); !slices.Equal(got, []string{"2", "3"}) {
		t.Errorf("overridden predecessors of 4 = %v", got)
	}
	if got := a.Predecessors("1"); len(got) != 0 {
		t.Errorf("override to none: %v", got)
	}
	if got := a.Successors("2"); !slices.Contains(got, "4") {
		t.Errorf("successors of 1995 art. 2 = %v", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "alignment.yaml"), []byte("\"4\": [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := data.connect(t); err == nil || !strings.Contains(err.Error(), "alignment.yaml") {
		t.Errorf("broken overrides: %v", err)
	}
}

func listFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, path+" "+info.ModTime().String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Readers keep being served while versions switch (run with -race).
func TestStoreServesDuringSwitch(t *testing.T) { forEachStore(t, testStoreServesDuringSwitch) }

func testStoreServesDuringSwitch(t *testing.T, data *storeData) {
	s := data.open(t)
	stageAndActivate(t, s, "kz2026", miniFiles(t, "mini2026-ru.txt", "mini2026-kk.txt"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 200 {
			d := s.Document("kz2026")
			if d == nil || len(d.Texts[RU].Articles()) != 4 {
				t.Error("a reader saw no document or a partial one")
				return
			}
			_ = s.Alignment().Predecessors("4")
			_ = s.Documents()
		}
	}()
	for range 3 {
		stageAndActivate(t, s, "kz2026", miniFiles(t, "mini2026-ru.txt"))
	}
	<-done
}

// A staged kk text activated after a newer ru version keeps that ru text.
func TestStoreActivateRebasesStaleImport(t *testing.T) {
	forEachStore(t, testStoreActivateRebasesStaleImport)
}

func testStoreActivateRebasesStaleImport(t *testing.T, data *storeData) {
	s := data.open(t)
	stageAndActivate(t, s, "kz2026", miniFiles(t, "mini2026-ru.txt", "mini2026-kk.txt"))
	kk := strings.Replace(string(readTestdata(t, "mini2026-kk.txt")), "жүз депутаттан", "жүз жиырма депутаттан", 1)
	staleKK, err := s.Stage(t.Context(), StageRequest{Doc: "kz2026", Files: []SourceFile{{Name: "kk.txt", Lang: KK, Data: []byte(kk)}}, By: "watch"})
	if err != nil {
		t.Fatal(err)
	}
	ru := strings.Replace(string(readTestdata(t, "mini2026-ru.txt")), "из ста депутатов", "из ста двадцати депутатов", 1)
	stageAndActivate(t, s, "kz2026", []SourceFile{{Name: "ru.txt", Lang: RU, Data: []byte(ru)}})
	d, err := s.Activate(t.Context(), staleKK.ID, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if got := point(d, RU, "4", "1"); !strings.Contains(got, "ста двадцати") {
		t.Errorf("ru text went back to %q", got)
	}
	if got := point(d, KK, "4", "1"); !strings.Contains(got, "жүз жиырма") {
		t.Errorf("kk text = %q", got)
	}
}

// Two Stores on the same data are two replicas: what one switches, the
// other serves once it refreshes.
func TestStoreReplicas(t *testing.T) { forEachStore(t, testStoreReplicas) }

func testStoreReplicas(t *testing.T, data *storeData) {
	a, b := data.open(t), data.open(t)
	v1 := stageAndActivate(t, a, "kz2026", miniFiles(t, "mini2026-ru.txt", "mini2026-kk.txt"))
	if b.Document("kz2026") != nil {
		t.Fatal("b serves a version it has not refreshed to")
	}
	ids, err := b.ActiveVersions(t.Context())
	if err != nil || ids["kz2026"] != v1.Version.ID || len(ids) != 1 {
		t.Fatalf("ActiveVersions = %v, %v; want kz2026 %s", ids, err, v1.Version.ID)
	}
	refresh := func(s *Store, want bool) {
		t.Helper()
		changed, err := s.Refresh(t.Context())
		if err != nil || changed != want {
			t.Fatalf("Refresh = %v, %v; want %v", changed, err, want)
		}
	}
	refresh(b, true)
	if got := b.Document("kz2026"); got == nil || got.Version.ID != v1.Version.ID {
		t.Fatalf("b serves %v after refresh", got)
	}
	refresh(b, false)

	// An import staged on a is confirmed on b: the admin's button reached
	// another replica.
	ru := strings.Replace(string(readTestdata(t, "mini2026-ru.txt")), "из ста депутатов", "из ста двадцати депутатов", 1)
	st, err := a.Stage(t.Context(), StageRequest{Doc: "kz2026", Files: []SourceFile{{Name: "ru.txt", Lang: RU, Data: []byte(ru)}}, By: "tg:1"})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := b.Activate(t.Context(), st.ID, "tg:1")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Document("kz2026").Version.ID; got != v1.Version.ID {
		t.Fatalf("a switched to %s before refreshing", got)
	}
	refresh(a, true)
	if got := point(a.Document("kz2026"), RU, "4", "1"); !strings.Contains(got, "ста двадцати") {
		t.Fatalf("a serves %q after refresh", got)
	}

	// A rollback on a reaches b.
	back, err := a.Rollback(t.Context(), "kz2026", "admin")
	if err != nil || back.Version.ID != v1.Version.ID {
		t.Fatalf("Rollback = %v, %v", back, err)
	}
	refresh(b, true)
	if got := b.Document("kz2026").Version.ID; got != v1.Version.ID {
		t.Fatalf("b serves %s after the rollback on a", got)
	}

	// b stages a kk text, then a activates a new ru text. b's activation,
	// with no refresh in between, merges over a's ru and does not undo it.
	kk := strings.Replace(string(readTestdata(t, "mini2026-kk.txt")), "жүз депутаттан", "жүз жиырма депутаттан", 1)
	stKK, err := b.Stage(t.Context(), StageRequest{Doc: "kz2026", Files: []SourceFile{{Name: "kk.txt", Lang: KK, Data: []byte(kk)}}, By: "watch"})
	if err != nil {
		t.Fatal(err)
	}
	stageAndActivate(t, a, "kz2026", []SourceFile{{Name: "ru.txt", Lang: RU, Data: []byte(ru)}})
	v4, err := b.Activate(t.Context(), stKK.ID, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if got := point(v4, RU, "4", "1"); !strings.Contains(got, "ста двадцати") {
		t.Errorf("b's activation took the ru text back to %q", got)
	}
	if got := point(v4, KK, "4", "1"); !strings.Contains(got, "жүз жиырма") {
		t.Errorf("kk text = %q", got)
	}
	refresh(a, true)
	if got := a.Document("kz2026").Version.ID; got != v4.Version.ID || v4.Version.ID == v2.Version.ID {
		t.Errorf("a serves %s, want %s", got, v4.Version.ID)
	}
	vs, err := a.Versions("kz2026")
	if err != nil || len(vs) != 4 {
		t.Errorf("Versions = %d, %v; want 4", len(vs), err)
	}
}

// A backend refuses to switch from a version that is no longer active,
// and changes nothing then.
func TestStoreActivateConflict(t *testing.T) { forEachStore(t, testStoreActivateConflict) }

func testStoreActivateConflict(t *testing.T, data *storeData) {
	s := data.open(t)
	stageAndActivate(t, s, "kz2026", miniFiles(t, "mini2026-ru.txt", "mini2026-kk.txt"))
	st, err := s.Stage(t.Context(), StageRequest{Doc: "kz2026", Files: miniFiles(t, "mini2026-ru.txt"), By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	before := data.snapshot(t)
	for _, base := range []string{"", "20260101T000000Z-00000000"} {
		if err := s.b.activate(t.Context(), st.Doc, base, st.ID); !errors.Is(err, errConflict) {
			t.Errorf("activate over %q: %v, want errConflict", base, err)
		}
	}
	if after := data.snapshot(t); !slices.Equal(before, after) {
		t.Errorf("a refused switch changed the stored data:\n%.2000v\n%.2000v", before, after)
	}
}

// Replicas that start together all open the store (on PostgreSQL, their
// table creations race).
func TestStoreOpenTogether(t *testing.T) { forEachStore(t, testStoreOpenTogether) }

func testStoreOpenTogether(t *testing.T, data *storeData) {
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			_, err := data.connect(t)
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
