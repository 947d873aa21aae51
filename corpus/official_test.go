package corpus

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Integration tests on the official texts in ../shared/corpus-src (never
// copied into the repository). They skip where the texts are absent,
// except in CI.

func officialSource(t *testing.T) string {
	t.Helper()
	dir := LocateSource(os.Getenv("ATAZAN_CORPUS_SRC"))
	if dir == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("official texts not found: set ATAZAN_CORPUS_SRC")
		}
		t.Skip("official texts not found (ATAZAN_CORPUS_SRC)")
	}
	return dir
}

func officialDocs(t *testing.T) map[string]*Document {
	t.Helper()
	docs, err := LoadSource(officialSource(t))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Document{}
	for _, d := range docs {
		out[d.ID] = d
	}
	return out
}

func TestOfficialTexts(t *testing.T) {
	docs := officialDocs(t)
	want := map[string]map[Lang]int{
		"kz2026": {RU: 96, KK: 96},
		"kz1995": {RU: 102, KK: 102, EN: 102},
	}
	for id, langs := range want {
		d := docs[id]
		if d == nil {
			t.Fatalf("%s not loaded", id)
		}
		if got := d.Langs(); len(got) != len(langs) {
			t.Errorf("%s languages = %v, want %d", id, got, len(langs))
		}
		for lang, n := range langs {
			txt := d.Texts[lang]
			if got := len(txt.Articles()); got != n {
				t.Errorf("%s %s: %d articles, want %d", id, lang, got, n)
			}
			if txt.Preamble == "" {
				t.Errorf("%s %s: no preamble", id, lang)
			}
			all := allText(txt)
			for _, note := range []string{"Примечание.", "Сноска.", "Ескертпе.", "Ескерту.", "Footnote", "ПРОЕКТ", "ЖОБА", "©", "РГП на ПХВ", "Исключен", "алып тасталды -"} {
				if strings.Contains(all, note) {
					t.Errorf("%s %s: served text contains %q", id, lang, note)
				}
			}
			if lang == KK {
				if w, ok := latinLookalike(all); ok {
					t.Errorf("%s kk: Latin look-alike left in %q", id, w)
				}
			}
		}
		if err := Validate(d); err != nil {
			t.Errorf("official %s does not validate: %v", id, err)
		}
	}

	k26, k95 := docs["kz2026"], docs["kz1995"]
	if p := k26.Texts[RU].Article("53").Point("1"); p == nil || !strings.Contains(p.Text, "ста сорока пяти депутатов") {
		t.Errorf("kz2026 ru art. 53 p. 1 = %+v, want the 145 deputies", p)
	}
	if p := k26.Texts[KK].Article("53").Point("1"); p == nil || !strings.Contains(p.Text, "бір жүз қырық бес") {
		t.Errorf("kz2026 kk art. 53 p. 1 = %+v", p)
	}
	if n := len(k26.Texts[RU].Sections); n != 11 {
		t.Errorf("kz2026 has %d sections, want 11", n)
	}
	for _, n := range []string{"83-1", "94-1", "94-2"} {
		if k95.Texts[KK].Article(n) == nil {
			t.Errorf("kz1995 kk has no article %s", n)
		}
	}
	if a := k95.Texts[RU].Article("84"); a == nil || !a.Repealed {
		t.Errorf("kz1995 art. 84 should be kept as repealed: %+v", a)
	}
	if p := k95.Texts[RU].Article("41").Point("4"); p == nil || !p.Repealed || p.Text != "" {
		t.Errorf("kz1995 art. 41 p. 4 should be a bare repealed point: %+v", p)
	}
	if p := k26.Texts[RU].Article("56").Point("2"); p == nil || !p.Item {
		t.Errorf("kz2026 art. 56 sub-point 2) should be found as point 2: %+v", p)
	}
}

// The DOCX originals parse to the same articles as their text conversions.
func TestOfficialDOCXMatchesText(t *testing.T) {
	dir := officialSource(t)
	for _, f := range []struct {
		docx, txt string
		lang      Lang
	}{
		{"KRK-12.02.26-rus.docx", "kz2026-ru.txt", RU},
		{"KRK-12.02.26-kaz.docx", "kz2026-kk.txt", KK},
	} {
		data, err := os.ReadFile(filepath.Join(dir, "kz2026", "orig", f.docx))
		if err != nil {
			t.Fatal(err)
		}
		fromDOCX, err := Parse(f.docx, data, f.lang)
		if err != nil {
			t.Fatal(err)
		}
		data, err = os.ReadFile(filepath.Join(dir, "kz2026", f.txt))
		if err != nil {
			t.Fatal(err)
		}
		fromTxt, err := Parse(f.txt, data, f.lang)
		if err != nil {
			t.Fatal(err)
		}
		a, b := fromDOCX.Articles(), fromTxt.Articles()
		if len(a) != 96 || len(a) != len(b) {
			t.Fatalf("%s: %d articles, text has %d", f.docx, len(a), len(b))
		}
		for i := range a {
			if x, y := a[i].Render(f.lang), b[i].Render(f.lang); x != y {
				t.Errorf("%s art. %s differs from the text:\n%s\n---\n%s", f.docx, a[i].Number, x, y)
			}
		}
		if fromDOCX.Preamble != fromTxt.Preamble {
			t.Errorf("%s: preamble differs", f.docx)
		}
	}
}

func TestOfficialAlignment(t *testing.T) {
	docs := officialDocs(t)
	a := newAlignment(docs["kz2026"], docs["kz1995"], overrides{})
	known := []struct{ new, old string }{
		{"53", "50"}, {"51", "48"}, {"21", "18"}, {"13", "10"}, {"33", "30"},
		{"30", "27"}, {"18", "16"}, {"27", "24"}, {"92", "91"},
	}
	for _, k := range known {
		if got := a.Predecessors(k.new); !slices.Contains(got, k.old) {
			t.Errorf("computed: 2026 art. %s ← %v, want 1995 art. %s", k.new, got, k.old)
		}
		if got := a.Successors(k.old); !slices.Contains(got, k.new) {
			t.Errorf("computed: 1995 art. %s → %v, want 2026 art. %s", k.old, got, k.new)
		}
	}
	// The shipped overrides must keep every known pair.
	over, err := loadOverrides(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a = newAlignment(docs["kz2026"], docs["kz1995"], over)
	for _, k := range known {
		if got := a.Predecessors(k.new); !slices.Contains(got, k.old) {
			t.Errorf("with overrides: 2026 art. %s ← %v, want 1995 art. %s", k.new, got, k.old)
		}
	}
}

func BenchmarkLoadSource(b *testing.B) {
	dir := LocateSource(os.Getenv("ATAZAN_CORPUS_SRC"))
	if dir == "" {
		b.Skip("official texts not found")
	}
	for b.Loop() {
		if _, err := LoadSource(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAlignment(b *testing.B) {
	dir := LocateSource(os.Getenv("ATAZAN_CORPUS_SRC"))
	if dir == "" {
		b.Skip("official texts not found")
	}
	docs, err := LoadSource(dir)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		newAlignment(docs[0], docs[1], overrides{})
	}
}
