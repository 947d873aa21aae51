package corpus

import (
	"strings"
	"testing"
)

func TestSourceList(t *testing.T) {
	ref := func(doc, article, point string) Ref {
		return Ref{Doc: doc, Article: article, Point: point}
	}
	tests := []struct {
		name string
		refs []Ref
		lang Lang
		want string
	}{
		{"one point", []Ref{ref("kz2026", "17", "2")}, RU, "ст. 17, п. 2"},
		{"points of one article together, in order",
			[]Ref{ref("kz2026", "73", "6"), ref("kz2026", "15", "3"), ref("kz2026", "73", "2"), ref("kz2026", "15", "5")},
			RU, "ст. 73, пп. 2, 6|ст. 15, пп. 3, 5"},
		{"kazakh plural", []Ref{ref("kz2026", "73", "2"), ref("kz2026", "73", "6")}, KK, "73-бап, 2, 6-тармақтар"},
		{"whole article wins over its points", []Ref{ref("kz2026", "3", "1"), ref("kz2026", "3", "")}, KK, "3-бап"},
		{"the same point once", []Ref{ref("kz2026", "3", "1"), ref("kz2026", "3", "1")}, RU, "ст. 3, п. 1"},
		{"english", []Ref{ref("kz1995", "15", "2"), ref("kz1995", "15", "1")}, EN, "1995 Constitution, Art. 15(1, 2)"},
		{"documents apart", []Ref{ref("kz2026", "3", "1"), ref("kz1995", "3", "1"), ref("kz1995", "3", "2")},
			RU, "ст. 3, п. 1|Конституция 1995 г., ст. 3, пп. 1, 2"},
	}
	for _, tt := range tests {
		if got := strings.Join(SourceList(tt.refs, tt.lang), "|"); got != tt.want {
			t.Errorf("%s: SourceList = %q, want %q", tt.name, got, tt.want)
		}
	}
}
