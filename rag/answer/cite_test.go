package answer

import (
	"fmt"
	"strings"
	"testing"

	"atazan/corpus"
)

func TestParseBracket(t *testing.T) {
	tests := []struct {
		inner string
		want  string // fmt of refs
		ok    bool
	}{
		{"kz2026:17:2", "[kz2026/17/2]", true},
		{"kz2026:17", "[kz2026/17]", true},
		{" kz1995 : 83-1 : 2 ", "[kz1995/83-1/2]", true},
		{"kz2026:17:2; kz2026:18, kz1995:15:1", "[kz2026/17/2 kz2026/18 kz1995/15/1]", true},
		{"kz2026:17:2, мусор", "[kz2026/17/2]", true},
		{"kz2026:abc", "[]", true}, // looks like a citation, holds none: removed
		{"1", "[]", false},
		{"примечание", "[]", false},
	}
	for _, tt := range tests {
		refs, ok := parseBracket(tt.inner)
		var got []string
		for _, r := range refs {
			got = append(got, r.String())
		}
		if s := fmt.Sprint(got); s != tt.want || ok != tt.ok {
			t.Errorf("parseBracket(%q) = %v, %v; want %s, %v", tt.inner, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCheck(t *testing.T) {
	passages := []Passage{
		{Ref: corpus.Ref{Doc: "kz2026", Article: "17", Point: "3"}},
		{Ref: corpus.Ref{Doc: "kz2026", Article: "43"}}, // whole article
		{Ref: corpus.Ref{Doc: "kz1995", Article: "15", Point: "2"}},
	}
	tests := []struct {
		ref  corpus.Ref
		want string // "" = invalid
	}{
		{corpus.Ref{Doc: "kz2026", Article: "17", Point: "3"}, "kz2026/17/3"},
		{corpus.Ref{Doc: "kz2026", Article: "17"}, "kz2026/17"},
		{corpus.Ref{Doc: "kz2026", Article: "17", Point: "1"}, "kz2026/17"}, // widened to the supplied article
		{corpus.Ref{Doc: "kz2026", Article: "43", Point: "2"}, "kz2026/43/2"},
		{corpus.Ref{Doc: "kz1995", Article: "17", Point: "3"}, ""}, // right article, wrong document
		{corpus.Ref{Doc: "kz2026", Article: "15", Point: "2"}, ""},
		{corpus.Ref{Doc: "kz2026", Article: "99"}, ""},
	}
	for _, tt := range tests {
		c := check(tt.ref, passages)
		got := ""
		if c.OK {
			got = c.Ref.String()
		}
		if got != tt.want {
			t.Errorf("check(%s) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

func TestCheckText(t *testing.T) {
	passages := []Passage{
		{Ref: corpus.Ref{Doc: "kz2026", Article: "17", Point: "3"}},
		{Ref: corpus.Ref{Doc: "kz2026", Article: "17", Point: "1"}},
		{Ref: corpus.Ref{Doc: "kz1995", Article: "15", Point: "2"}},
	}
	tests := []struct {
		name    string
		raw     string
		lang    corpus.Lang
		body    string
		sources string
		invalid int
	}{
		{
			name:    "valid ru",
			raw:     "Смертная казнь запрещена [kz2026:17:3].",
			lang:    corpus.RU,
			body:    "Смертная казнь запрещена (ст. 17, п. 3).",
			sources: "[kz2026/17/3]",
		},
		{
			name:    "valid kk",
			raw:     "Өлім жазасына тыйым салынады [kz2026:17:3].",
			lang:    corpus.KK,
			body:    "Өлім жазасына тыйым салынады (17-бап, 3-тармақ).",
			sources: "[kz2026/17/3]",
		},
		{
			name:    "several in one bracket, one repeated",
			raw:     "Раньше казнь допускалась, теперь запрещена [kz1995:15:2; kz2026:17:3]. Это право каждого [kz2026:17:3].",
			lang:    corpus.RU,
			body:    "Раньше казнь допускалась, теперь запрещена (Конституция 1995 г., ст. 15, п. 2; ст. 17, п. 3). Это право каждого (ст. 17, п. 3).",
			sources: "[kz1995/15/2 kz2026/17/3]",
		},
		{
			name:    "invalid removed without a stray space",
			raw:     "Смертная казнь запрещена [kz2026:17:3]. Пытки тоже [kz2026:99:1].",
			lang:    corpus.RU,
			body:    "Смертная казнь запрещена (ст. 17, п. 3). Пытки тоже.",
			sources: "[kz2026/17/3]",
			invalid: 1,
		},
		{
			name:    "invalid part of a bracket",
			raw:     "Жизнь охраняется [kz2026:17:1, kz2026:5:1].",
			lang:    corpus.RU,
			body:    "Жизнь охраняется (ст. 17, п. 1).",
			sources: "[kz2026/17/1]",
			invalid: 1,
		},
		{
			name:    "point outside the passages widened to its article",
			raw:     "Никто не может лишить жизни [kz2026:17:2].",
			lang:    corpus.RU,
			body:    "Никто не может лишить жизни (ст. 17).",
			sources: "[kz2026/17]",
		},
		{
			name:    "ordinary brackets kept",
			raw:     "Смертная казнь [высшая мера] запрещена [kz2026:17:3].",
			lang:    corpus.RU,
			body:    "Смертная казнь [высшая мера] запрещена (ст. 17, п. 3).",
			sources: "[kz2026/17/3]",
		},
		{
			name:    "free-text article outside the passages drops its sentence",
			raw:     "Смертная казнь запрещена [kz2026:17:3]. А ст. 99 разрешает всё остальное. По 12-бап тоже.",
			lang:    corpus.RU,
			body:    "Смертная казнь запрещена (ст. 17, п. 3).",
			sources: "[kz2026/17/3]",
		},
		{
			name:    "free-text supplied article kept",
			raw:     "Статья 17 защищает жизнь [kz2026:17:1].",
			lang:    corpus.RU,
			body:    "Статья 17 защищает жизнь (ст. 17, п. 1).",
			sources: "[kz2026/17/1]",
		},
		{
			name:    "markdown removed",
			raw:     "## Ответ\n\n\n\n**Нет**: казнь запрещена [kz2026:17:3].",
			lang:    corpus.RU,
			body:    "Ответ\n\nНет: казнь запрещена (ст. 17, п. 3).",
			sources: "[kz2026/17/3]",
		},
		{
			name: "nothing valid",
			raw:  "Всё разрешено [kz2026:99:1].",
			lang: corpus.RU,
			body: "Всё разрешено.", sources: "[]", invalid: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkText(tt.raw, passages, tt.lang)
			if got.Body != tt.body {
				t.Errorf("body\n got %q\nwant %q", got.Body, tt.body)
			}
			var src []string
			for _, r := range got.Sources {
				src = append(src, r.String())
			}
			if s := fmt.Sprint(src); s != tt.sources {
				t.Errorf("sources = %s, want %s", s, tt.sources)
			}
			if len(got.Invalid) != tt.invalid {
				t.Errorf("invalid = %v, want %d", got.Invalid, tt.invalid)
			}
		})
	}
}

func TestHideOpenCitation(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Смертная казнь запрещена [kz20", "Смертная казнь запрещена"},
		{"Смертная казнь запрещена [kz2026:17:3]", "Смертная казнь запрещена [kz2026:17:3]"},
		{"Смертная казнь", "Смертная казнь"},
	}
	for _, tt := range tests {
		if got := hideOpenCitation(tt.in); got != tt.want {
			t.Errorf("hideOpenCitation(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitSentencesKeepsText(t *testing.T) {
	for _, s := range []string{
		"Один. Два! Три? Четыре",
		"ст. 17 и ст.18 рядом.\nНовая строка. ",
		"",
		"1) пункт;\n2) пункт.",
	} {
		parts := splitSentences(s)
		if strings.Join(parts, "") != s {
			t.Errorf("splitSentences(%q) = %q loses text", s, parts)
		}
	}
	tests := []struct {
		in   string
		want int
	}{
		{"Один. Два! Три", 3},
		{"По ст. 17, п. 3 казнь запрещена. Это важно.", 2},
		{"1995 ж. Конституция бойынша. Жаңасы 2026 жылы.", 2},
		{"1. Каждый имеет право. 2. Никто не вправе.", 2},
	}
	for _, tt := range tests {
		if got := splitSentences(tt.in); len(got) != tt.want {
			t.Errorf("splitSentences(%q) = %q, want %d parts", tt.in, got, tt.want)
		}
	}
}

func TestFreeRefs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Статья 99 разрешает", "[99]"},
		{"по ст. 17, п. 3 и статье 83-1", "[17 83-1]"},
		{"(ст. 5)", "[5]"},
		{"99-бабында айтылған, 12 бап та", "[99 12]"},
		{"2026 жылы, 145 депутат, [kz2026:17:3]", "[]"},
		{"пункт 3 статей", "[]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(freeRefs(tt.in)); got != tt.want {
			t.Errorf("freeRefs(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
