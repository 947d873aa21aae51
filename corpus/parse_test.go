package corpus

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// outline writes a text's structure compactly: one line per section
// ("S I: title") and per article ("A 2: lead 1 2R 3(1 2R 3)"), R marking
// repealed parts and ")" sub-points standing in the article.
func outline(t *Text) []string {
	var out []string
	for _, s := range t.Sections {
		out = append(out, "S "+s.Number+": "+s.Title)
		for _, a := range s.Articles {
			parts := []string{"A " + a.Number + ":"}
			if a.Repealed {
				parts = append(parts, "repealed")
			}
			if a.Lead != "" {
				parts = append(parts, "lead")
			}
			for _, p := range a.Points {
				parts = append(parts, pointOutline(p))
			}
			out = append(out, strings.Join(parts, " "))
		}
	}
	return out
}

func pointOutline(p Point) string {
	s := p.Number
	if p.Item {
		s += ")"
	}
	if p.Repealed {
		s += "R"
	}
	if len(p.Items) > 0 {
		var items []string
		for _, it := range p.Items {
			items = append(items, pointOutline(it))
		}
		s += "(" + strings.Join(items, " ") + ")"
	}
	return s
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseLayouts(t *testing.T) {
	tests := []struct {
		file     string
		lang     Lang
		outline  []string
		preamble string
	}{
		{
			file: "mini2026-ru.txt", lang: RU,
			outline: []string{
				"S I: Общие положения", "A 1: lead", "A 2: 1 2",
				"S II: Собрание", "A 3: lead 1) 2) 3)", "A 4: 1 2",
			},
			preamble: "Мы, народ образцовой страны,\nпринимаем настоящий Основной Закон.",
		},
		{
			file: "mini2026-kk.txt", lang: KK,
			outline: []string{
				"S I: Жалпы ережелер", "A 1: lead", "A 2: 1 2",
				"S II: Жиналыс", "A 3: lead 1) 2) 3)", "A 4: 1 2",
			},
			preamble: "Біз, үлгілі елдің халқы,\nосы Негізгі Заңды қабылдаймыз.",
		},
		{
			file: "mini1995-ru.txt", lang: RU,
			outline: []string{
				"S I: Общие положения", "A 1: 1 2", "A 2: 1 2R 2-1 3(1 2R 3)", "A 2-1: repealed",
				"S II: Парламент и выборы", "A 3: 1 2",
			},
			preamble: "Мы, народ образцовой страны,\nпринимаем настоящий Основной\nЗакон.",
		},
		{
			file: "mini1995-en.txt", lang: EN,
			outline: []string{
				"S I: General Provisions", "A 1: 1 2", "A 2: 1 2R 2-1 3(1 2R 3)", "A 2-1: repealed",
				"S II: Parliament and Elections", "A 3: 1 2",
			},
			preamble: "We, the people of the model country,\nadopt this Constitution.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			txt, err := Parse(tt.file, readTestdata(t, tt.file), tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if got := outline(txt); !slices.Equal(got, tt.outline) {
				t.Errorf("outline:\n got %q\nwant %q", got, tt.outline)
			}
			if txt.Preamble != tt.preamble {
				t.Errorf("preamble = %q, want %q", txt.Preamble, tt.preamble)
			}
			if txt.Lang != tt.lang || txt.Official != (tt.lang != EN) || len(txt.Source.SHA256) != 64 || txt.Source.File != tt.file {
				t.Errorf("metadata: lang %s official %v source %+v", txt.Lang, txt.Official, txt.Source)
			}
		})
	}
}

func TestParseCleansWhatIsNotLaw(t *testing.T) {
	for _, f := range []struct {
		file string
		lang Lang
	}{{"mini2026-ru.txt", RU}, {"mini2026-kk.txt", KK}, {"mini1995-ru.txt", RU}, {"mini1995-en.txt", EN}} {
		txt, err := Parse(f.file, readTestdata(t, f.file), f.lang)
		if err != nil {
			t.Fatal(err)
		}
		all := allText(txt)
		for _, bad := range []string{"Примечание", "Сноска", "Footnote", "Законом РК", "ПРОЕКТ", "ЖОБА", "©", "Министерства юстиции", "\u00a0", "  ", " .", "Основной Закон принят"} {
			if strings.Contains(all, bad) {
				t.Errorf("%s: served text contains %q", f.file, bad)
			}
		}
		if f.lang == KK {
			if r, ok := latinLookalike(all); ok {
				t.Errorf("%s: Latin look-alike %q left in Kazakh text", f.file, r)
			}
		}
	}
}

func TestParseJoinsWrappedLines(t *testing.T) {
	txt, err := Parse("mini1995-ru.txt", readTestdata(t, "mini1995-ru.txt"), RU)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ article, point, want string }{
		{"1", "1", "Образцовая Республика утверждает себя правовым государством."},
		// The stray "." on its own line at a page break closes the sentence.
		{"1", "2", "Основополагающими принципами являются согласие и стабильность, развитие на благо всего народа."},
		{"3", "1", "Парламент состоит из двух Палат: Сената и Мажилиса, действующих на постоянной основе."},
	}
	for _, tt := range tests {
		if got := txt.Article(tt.article).Point(tt.point).Text; got != tt.want {
			t.Errorf("art. %s p. %s = %q, want %q", tt.article, tt.point, got, tt.want)
		}
	}
	// An unnumbered paragraph after a point belongs to it, on its own line.
	ru26, err := Parse("mini2026-ru.txt", readTestdata(t, "mini2026-ru.txt"), RU)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ru26.Article("2").Point("2").Text, "Государственная валюта – монета.\nЭмиссия монеты принадлежит Национальному банку."; got != want {
		t.Errorf("continued point = %q, want %q", got, want)
	}
}

func TestParseRefusesWhatIsNotAConstitution(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"notes.txt", "Список покупок:\n1. Хлеб.\n2. Молоко.\n", "no articles"},
		{"empty.txt", "", "no articles"},
		{"latin1.txt", "Статья 1\n\xc0\xe1\xe2\xe3 \xe4\xe5\n", "not UTF-8"},
		{"cut.txt", "Статья 1\nРеспублика Казахстан \xd0", "truncated"},
		{"law.pdf", "%PDF-1.4", "unsupported format"},
		{"bad.docx", "<html>404</html>", "not a DOCX"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.name, []byte(tt.data), RU)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s) error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestParseDropsAdiletNoise(t *testing.T) {
	text := "Статья 1\n" +
		"Примечание ИЗПИ!\n" +
		"1. Текст первого пункта.\n" +
		"12\n" +
		"Страница 3 из 40\n" +
		"2. Текст второго пункта.\n" +
		"Статья 2. Исключена Законом РК от 21.05.2007 № 254-III\n" +
		"3-бап\n" +
		"ЗҚАИ-ның ескертпесі!\n" +
		"Мәтін.\n"
	txt, err := Parse("a.txt", []byte(text), RU)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(outline(txt), " | "), "S :  | A 1: 1 2 | A 2: repealed | A 3: lead"; got != want {
		t.Errorf("outline = %q, want %q", got, want)
	}
	if got := txt.Article("1").Point("1").Text; got != "Текст первого пункта." {
		t.Errorf("point 1 = %q", got)
	}
	if got := txt.Article("3").Lead; got != "Мәтін." {
		t.Errorf("art. 3 = %q", got)
	}
}

func TestLangFromName(t *testing.T) {
	tests := map[string]Lang{
		"kz2026-kk.txt":          KK,
		"kz2026-ru.txt":          RU,
		"KRK-12.02.26-kaz.docx":  KK,
		"KRK-12.02.26-rus.docx":  RU,
		"КРК 12.02.26 каз.docx":  KK,
		"constitution_en.txt":    EN,
		"kz2026.txt":             "",
		"/tmp/new/kz1995-en.txt": EN,
	}
	for name, want := range tests {
		if got := LangFromName(name); got != want {
			t.Errorf("LangFromName(%q) = %q, want %q", name, got, want)
		}
	}
}

// allText is every served string of a text.
func allText(t *Text) string {
	var b strings.Builder
	b.WriteString(t.Preamble + "\n")
	for _, s := range t.Sections {
		b.WriteString(s.Title + "\n")
		for _, a := range s.Articles {
			b.WriteString(a.Title + "\n" + a.Lead + "\n")
			for _, p := range a.Points {
				b.WriteString(p.PlainText() + "\n")
			}
		}
	}
	return b.String()
}

// latinLookalike finds a Latin look-alike letter inside a Cyrillic word.
func latinLookalike(s string) (string, bool) {
	for _, w := range strings.Fields(s) {
		if NormalizeKazakh(w) != w {
			return w, true
		}
	}
	return "", false
}
