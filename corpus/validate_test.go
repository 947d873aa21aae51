package corpus

import (
	"errors"
	"strings"
	"testing"
)

// miniDoc assembles the kz2026 test document from the ru fixture and a kk
// text derived from the kk fixture by edit.
func miniDoc(t *testing.T, edit func(kk string) string) *Document {
	t.Helper()
	kk := edit(string(readTestdata(t, "mini2026-kk.txt")))
	d, err := Assemble("kz2026", []SourceFile{
		{Name: "mini2026-ru.txt", Data: readTestdata(t, "mini2026-ru.txt")},
		{Name: "mini2026-kk.txt", Data: []byte(kk)},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestValidateRefuses(t *testing.T) {
	const art4 = "4-бап\n1. Жиналыс жүз депутаттан тұрады.\n2. Депутаттардың өкiлеттiк мерзiмi – бес жыл.\n"
	tests := []struct {
		name    string
		edit    func(string) string
		article string
		msg     string
	}{
		{
			name: "duplicated article",
			edit: func(s string) string { return s + "\u00a0\n" + art4 },
			// The second copy is also the one the ru text lacks.
			article: "4", msg: "appears twice",
		},
		{
			name:    "missing article",
			edit:    func(s string) string { return strings.Replace(s, "2-бап\n", "", 1) },
			article: "", msg: "missing from the numbering: 2",
		},
		{
			name: "kk points do not match ru",
			edit: func(s string) string {
				return strings.Replace(s, "2. Депутаттардың өкiлеттiк мерзiмi – бес жыл.\n", "", 1)
			},
			article: "4", msg: "do not match the 2 points",
		},
		{
			name:    "kk sub-points do not match ru",
			edit:    func(s string) string { return strings.Replace(s, "3) есептердi тыңдайды.\n", "", 1) },
			article: "3", msg: "do not match",
		},
		{
			name:    "truncated file",
			edit:    func(s string) string { return s[:strings.Index(s, "өкiлеттiк")] },
			article: "4", msg: "truncated",
		},
		{
			name:    "empty article",
			edit:    func(s string) string { return s[:strings.Index(s, "4-бап")] + "4-бап\n" },
			article: "4", msg: "empty article",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(miniDoc(t, tt.edit))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			found := false
			for _, p := range ve.Problems {
				if p.Severity == Error && p.Lang == KK && p.Article == tt.article && strings.Contains(p.Msg, tt.msg) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error at kk art. %q saying %q in %v", tt.article, tt.msg, ve.Problems)
			}
			if !strings.Contains(err.Error(), "kz2026 kk") {
				t.Errorf("message does not name the place: %v", err)
			}
		})
	}
}

func TestValidateWarns(t *testing.T) {
	// A point cut mid-sentence inside the text (like kz2026 kk Art. 56 p. 2
	// in one copy of the source) is reported but does not block.
	d := miniDoc(t, func(s string) string {
		return strings.Replace(s, "1. Елорда – Үлгі қаласы.", "1. Елорда – Үлгі", 1)
	})
	if err := Validate(d); err != nil {
		t.Fatalf("Validate = %v, want only warnings", err)
	}
	probs := Check(d)
	want := Problem{Severity: Warning, Doc: "kz2026", Lang: KK, Article: "2", Point: "1", Msg: "ends mid-sentence in the source"}
	found := false
	for _, p := range probs {
		if p == want {
			found = true
		}
		if p.Severity == Error {
			t.Errorf("unexpected error %s", p)
		}
	}
	if !found {
		t.Errorf("Check = %v, want %v", probs, want)
	}
}

func TestValidateWarnsAboutAShortPoint(t *testing.T) {
	// Cut at a full stop, so only the length against ru gives it away.
	d := miniDoc(t, func(s string) string {
		return strings.Replace(s, "1. Жиналыс жүз депутаттан тұрады.", "1. Жиналыс.", 1)
	})
	ru := strings.Replace(string(readTestdata(t, "mini2026-ru.txt")), "1. Собрание состоит из ста депутатов.",
		"1. Собрание состоит из ста депутатов, избираемых по пропорциональной системе.", 1)
	d, err := Assemble("kz2026", []SourceFile{{Name: "x-ru.txt", Data: []byte(ru)}}, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(d); err != nil {
		t.Fatal(err)
	}
	for _, p := range Check(d) {
		if p.Severity == Warning && p.Lang == KK && p.Article == "4" && p.Point == "1" && strings.Contains(p.Msg, "may be missing") {
			return
		}
	}
	t.Errorf("no warning about kk art. 4 p. 1: %v", Check(d))
}

func TestValidateUnofficialDiffersOnlyWarns(t *testing.T) {
	ru, en := readTestdata(t, "mini1995-ru.txt"), readTestdata(t, "mini1995-en.txt")
	en = []byte(strings.Replace(string(en), "2-1. The administrative-territorial structure shall be determined by law.\n", "", 1))
	d, err := Assemble("kz1995", []SourceFile{{Name: "a-ru.txt", Data: ru}, {Name: "a-en.txt", Data: en}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(d); err != nil {
		t.Fatalf("Validate = %v: the unofficial en text must not block", err)
	}
	var warned bool
	for _, p := range Check(d) {
		warned = warned || p.Lang == EN && p.Article == "2" && p.Severity == Warning
	}
	if !warned {
		t.Errorf("no warning about en art. 2: %v", Check(d))
	}
}

func TestValidateNotAConstitution(t *testing.T) {
	d := &Document{ID: "kz2026", Texts: map[Lang]*Text{RU: {Lang: RU, Official: true, Preamble: "Протокол"}}}
	err := Validate(d)
	if err == nil || !strings.Contains(err.Error(), "no articles") {
		t.Errorf("Validate = %v, want a no-articles error", err)
	}
	if err := Validate(&Document{ID: "kz2026"}); err == nil {
		t.Error("a document without texts validated")
	}
}
