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
		{"kz2026:abc", "[]", true},             // looks like a citation, holds none: removed
		{"КЗ2026:99", "[kz2026/99]", true},     // Cyrillic look-alikes
		{"ＫＺ２０２６：１７：２", "[kz2026/17/2]", true}, // full width
		{"KZ2026 : 17", "[kz2026/17]", true},
		{"kz2026", "[]", true},
		{"Казахстан", "[]", false},
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
			name:    "sentence whose only citation is invalid dropped",
			raw:     "Смертная казнь запрещена [kz2026:17:3]. Пытки тоже [kz2026:99:1].",
			lang:    corpus.RU,
			body:    "Смертная казнь запрещена (ст. 17, п. 3).",
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
			body: "", sources: "[]", invalid: 1,
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

// The forms of issue 13: articles 15, 17, 23, 43 and 91 are supplied.
// Whatever names another article, in brackets or in words, must not reach
// the reader; what names a supplied one stays.
func TestCheckTextForms(t *testing.T) {
	var passages []Passage
	for _, a := range []string{"15", "17", "23", "43", "91"} {
		passages = append(passages, Passage{Ref: corpus.Ref{Doc: "kz2026", Article: a}})
	}
	const lead = "Каждый имеет право на жизнь [kz2026:17]. "
	const leadRU = "Каждый имеет право на жизнь (ст. 17)."
	dropped := []string{
		// free text, Russian
		"Это сказано в статье № 99 [kz2026:43].",
		"Так говорят ст.ст. 97 и 98 [kz2026:43].",
		"Это закреплено в ст.ст. 97 [kz2026:43].",
		"Об этом 93-я статья [kz2026:43].",
		"Об этом сказано в 89 статье [kz2026:43].",
		"Об этом сказано в 89-ой статье [kz2026:43].",
		"Это следует из ст 84 [kz2026:43].",
		"Это следует из ст. 84, п. 2 [kz2026:43].",
		"Это следует из п. 2 ст. 84 [kz2026:43].",
		"Так решает статья 99 [kz2026:43].",
		"Статьи 43 и 99 это решают [kz2026:43].",
		"Девяносто девятая статья это решает [kz2026:43].",
		"Это решает статья девяносто девять [kz2026:43].",
		"Это закреплено в сорок четвёртой статье [kz2026:43].",
		"Это закреплено в статьях 17–19 [kz2026:17].",
		// free text, Kazakh
		"Бұл 88-інші бапта жазылған [kz2026:43].",
		"Бұл 99-бапта жазылған [kz2026:43].",
		"Бұл туралы 99-бабы айтады [kz2026:43].",
		"Бұл 99-баптың 2-тармағында [kz2026:43].",
		"Бұл тоқсан тоғызыншы бапта [kz2026:43].",
		"Бұл 99 бапта жазылған [kz2026:43].",
		// free text, English (also the wrong script)
		"Art. 96 says so [kz2026:43].",
		"See article 85 [kz2026:43].",
		// brackets and tokens
		"Это решает Курултай [kz2026:99].",
		"Это решает Курултай [КЗ2026:99].",
		"Это решает Курултай [kz2026:99:1; kz1995:17].",
		"Это решает Курултай (kz2026:99).",
		"Это решает Курултай kz2026:99.",
		"Это решает Курултай 【kz2026:99】.",
		"Это решает Курултай [kz2026:",
		"Это решает Курултай [kz2026:43",
		"Это решает Курултай [kz20",
		"В kz2026 сказано, что это решает Курултай [kz2026:43].",
		"The Constitution protects life [kz2026:43].",
	}
	for _, form := range dropped {
		t.Run(form, func(t *testing.T) {
			got := checkText(lead+form, passages, corpus.RU)
			if got.Body != leadRU {
				t.Errorf("body = %q, want only %q", got.Body, leadRU)
			}
			if got.Dropped != 1 {
				t.Errorf("dropped = %d, want 1", got.Dropped)
			}
		})
	}

	kept := []struct{ form, body string }{
		{"Это сказано в статье № 43 [kz2026:43].", "Это сказано в статье № 43 (ст. 43)."},
		{"Это сказано в ст.ст. 43 и 91 [kz2026:43].", "Это сказано в ст.ст. 43 и 91 (ст. 43)."},
		{"Об этом сорок третья статья [kz2026:43].", "Об этом сорок третья статья (ст. 43)."},
		{"Бұл 43-бапта жазылған [kz2026:43].", "Бұл 43-бапта жазылған (ст. 43)."},
		{"Это решает Курултай [КЗ2026:43].", "Это решает Курултай (ст. 43)."},
		{"Это решает Курултай [kz2026:43] и [kz2026:99].", "Это решает Курултай (ст. 43)."},
		{"Это решает Курултай [kz2026:99] и [kz2026:43].", "Это решает Курултай (ст. 43)."},
		{"Это решает [kz2026:99] и утверждает Курултай [kz2026:43].", "Это решает и утверждает Курултай (ст. 43)."},
		{"Это решает Курултай. [kz2026:43]", "Это решает Курултай (ст. 43)."},
		{"Это решает Курултай kz2026:43.", "Это решает Курултай (ст. 43)."},
		{"Это решает Курултай [kz2026:43] и и [kz2026:99].", "Это решает Курултай (ст. 43)."},
		{"Это важно.", "Это важно."}, // no citation: nothing to doubt
	}
	for _, tt := range kept {
		t.Run(tt.form, func(t *testing.T) {
			got := checkText(lead+tt.form, passages, corpus.RU)
			if want := leadRU + " " + tt.body; got.Body != want {
				t.Errorf("body\n got %q\nwant %q", got.Body, want)
			}
		})
	}
	if n := len(dropped) + len(kept); n < 40 {
		t.Errorf("%d forms; the issue asks for at least 40", n)
	}
}

func TestCheckTextStopsRunaway(t *testing.T) {
	passages := []Passage{{Ref: corpus.Ref{Doc: "kz2026", Article: "17"}}}
	var raw strings.Builder
	for i := 0; raw.Len() < 30000; i++ {
		fmt.Fprintf(&raw, "Право на жизнь есть у каждого человека, номер %d [kz2026:17]. ", i)
	}
	got := checkText(raw.String(), passages, corpus.RU)
	if !got.Truncated || runeLen(got.Body) > maxBodyRunes || runeLen(got.Body) < maxBodyRunes-100 {
		t.Errorf("truncated %v at %d runes, want cut at a sentence near %d", got.Truncated, runeLen(got.Body), maxBodyRunes)
	}
	if !strings.HasSuffix(got.Body, "(ст. 17).") {
		t.Errorf("cut inside a sentence: …%q", got.Body[len(got.Body)-40:])
	}

	repeated := strings.Repeat("Смертная казнь запрещена [kz2026:17]. ", 50)
	if got := checkText(repeated, passages, corpus.RU); got.Body != "Смертная казнь запрещена (ст. 17)." || got.Dropped != 49 {
		t.Errorf("repetition: %q, dropped %d", got.Body, got.Dropped)
	}
}

func TestSettled(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Смертная казнь запре", ""},
		{"Смертная казнь запрещена [kz2026:17:3].", ""},
		{"Смертная казнь запрещена [kz2026:17:3]. ", ""},
		{"Смертная казнь запрещена [kz2026:17:3]. Это", "Смертная казнь запрещена [kz2026:17:3]. "},
		{"Смертная казнь запрещена. [kz20", ""},
		{"Смертная казнь запрещена. kz2026:1", ""},
		{"Смертная казнь запрещена. Каждый", "Смертная казнь запрещена. "},
		{"Один. Два [kz2026:17]. Три", "Один. Два [kz2026:17]. "},
		{"The Cons", ""},
	}
	for _, tt := range tests {
		if got := settled(tt.in); got != tt.want {
			t.Errorf("settled(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
