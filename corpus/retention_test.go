package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStorePrune(t *testing.T) { forEachStore(t, testStorePrune) }

func testStorePrune(t *testing.T, data *storeData) {
	s := data.open(t)
	clock := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	kk := SourceFile{Name: "mini2026-kk.txt", Lang: KK, Data: readTestdata(t, "mini2026-kk.txt")}
	var ids []string
	for i := range 6 {
		ru := strings.Replace(string(readTestdata(t, "mini2026-ru.txt")), "из ста депутатов", fmt.Sprintf("из ста %d депутатов", i), 1)
		d := stageAndActivate(t, s, "kz2026", []SourceFile{{Name: "ru.txt", Lang: RU, Data: []byte(ru)}, kk})
		ids = append(ids, d.Version.ID)
	}
	// v5 is active again, v4 before it; v6 is the newest import.
	if _, err := s.Rollback(t.Context(), "kz2026", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Prune(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	removed, err := s.Prune(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kz2026@" + ids[0], "kz2026@" + ids[1], "kz2026@" + ids[2]}
	slices.Sort(removed)
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v (keeping the newest, the active and the previous)", removed, want)
	}
	s = data.open(t)
	vs, err := s.Versions("kz2026")
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, v := range vs {
		left = append(left, v.ID)
	}
	if !slices.Equal(left, ids[3:]) {
		t.Errorf("versions left = %v, want %v", left, ids[3:])
	}
	// The previous version is still there to roll back to, and the history
	// names no deleted version.
	back, err := s.Rollback(t.Context(), "kz2026", "admin")
	if err != nil || back.Version.ID != ids[3] {
		t.Fatalf("rollback after pruning = %v, %v; want %s", back, err, ids[3])
	}
	if _, err := s.Rollback(t.Context(), "kz2026", "admin"); err == nil {
		t.Error("rolled back to a pruned version")
	}
	// With a retention set, each activation prunes.
	s.KeepVersions(2)
	ru := strings.Replace(string(readTestdata(t, "mini2026-ru.txt")), "из ста депутатов", "из ста семи депутатов", 1)
	v7 := stageAndActivate(t, s, "kz2026", []SourceFile{{Name: "ru.txt", Lang: RU, Data: []byte(ru)}, kk})
	vs, _ = s.Versions("kz2026")
	left = nil
	for _, v := range vs {
		left = append(left, v.ID)
	}
	// The two newest (v7, v6) and v4, active before v7.
	if want := []string{ids[3], ids[5], v7.Version.ID}; !slices.Equal(left, want) {
		t.Errorf("after an activation keeping 2: %v, want %v", left, want)
	}
}

func TestStoreCleanup(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := stageAndActivate(t, s, "kz2026", miniFiles(t, "mini2026-ru.txt", "mini2026-kk.txt"))
	// A killed import: an old temporary file, a fresh one (a write in
	// progress), a staged import whose activation was killed before the
	// staged file went, a staged file cut short, and a pending import.
	old := time.Now().Add(-time.Hour)
	write := func(path, text string, mod time.Time) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "kz2026", ".tmp-123"), "{", old)
	write(filepath.Join(dir, ".tmp-456"), "{", old)
	write(filepath.Join(dir, "kz2026", ".tmp-789"), "{", time.Now())
	write(filepath.Join(dir, "staged", "20261101T000000Z-0000c0de.json"), `{"id":"20261101T000000Z-0000c0de","doc":{`, old)
	activated := fmt.Sprintf(`{"id":"20261101T000000Z-00000d0e","doc":{"id":"kz2026","version":{"id":%q}}}`, d.Version.ID)
	write(filepath.Join(dir, "staged", "20261101T000000Z-00000d0e.json"), activated, old)
	ru := strings.Replace(string(readTestdata(t, "mini2026-ru.txt")), "из ста депутатов", "из ста двух депутатов", 1)
	pending, err := s.Stage(t.Context(), StageRequest{Doc: "kz2026", Files: []SourceFile{{Name: "ru.txt", Lang: RU, Data: []byte(ru)}}, By: "test"})
	if err != nil {
		t.Fatal(err)
	}

	removed, err := s.Cleanup(t.Context(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range removed {
		rel, _ := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
	}
	slices.Sort(names)
	if want := []string{".tmp-456", "kz2026/.tmp-123", "staged/20261101T000000Z-00000d0e.json", "staged/20261101T000000Z-0000c0de.json"}; !slices.Equal(names, want) {
		t.Errorf("removed %v, want %v", names, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "kz2026", ".tmp-789")); err != nil {
		t.Error("a write in progress was removed")
	}
	if _, err := s.Activate(t.Context(), pending.ID, "admin"); err != nil {
		t.Errorf("the pending import did not survive the cleanup: %v", err)
	}
}
