package corpus

import (
	"slices"
	"strings"
	"testing"
)

func TestCompareAndSummary(t *testing.T) {
	old := miniDoc(t, func(s string) string { return s })
	ru := string(readTestdata(t, "mini2026-ru.txt"))
	ru = strings.Replace(ru, "из ста депутатов", "из ста двадцати депутатов", 1)
	ru = strings.Replace(ru, "Статья 1\nОбразцовая Республика – правовое государство.\n", "", 1)
	ru += "\u00a0\nСтатья 5\nНовая статья о курултае.\n"
	cur, err := Assemble("kz2026", []SourceFile{{Name: "x-ru.txt", Data: []byte(ru)}}, old)
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(old, cur)
	if !slices.Equal(d.Added, []string{"5"}) || !slices.Equal(d.Removed, []string{"1"}) || !slices.Equal(d.Changed, []string{"4"}) {
		t.Fatalf("diff = added %v removed %v changed %v", d.Added, d.Removed, d.Changed)
	}
	if d.Empty() || d.First {
		t.Error("diff is empty or first")
	}
	var changed ArticleChange
	for _, ex := range d.Examples {
		if ex.Article == "4" {
			changed = ex
		}
	}
	if !strings.Contains(changed.Before, "из ста депутатов") || !strings.Contains(changed.After, "из ста двадцати депутатов") || changed.Lang != RU {
		t.Errorf("example of art. 4 = %+v", changed)
	}
	tests := []struct {
		lang Lang
		want []string
	}{
		{RU, []string{"Добавлено статей: 1 (5)", "Удалено: 1 (1)", "Изменено: 1 (4)", "ст. 4 (ru): было «", "стало «"}},
		{KK, []string{"Қосылған баптар: 1 (5)", "4-бап (ru): бұрын «"}},
		{EN, []string{"Articles added: 1 (5)", "Changed: 1 (4)", "Art. 4 (ru): was «"}},
	}
	for _, tt := range tests {
		s := d.Summary(tt.lang)
		for _, w := range tt.want {
			if !strings.Contains(s, w) {
				t.Errorf("Summary(%s) = %q, missing %q", tt.lang, s, w)
			}
		}
	}
	if s := Compare(old, old).Summary(RU); s != "Без изменений." {
		t.Errorf("no change summary = %q", s)
	}
	if s := Compare(nil, old).Summary(EN); s != "First version: 4 articles." {
		t.Errorf("first summary = %q", s)
	}
}

func TestSortedNumbers(t *testing.T) {
	got := sortedNumbers(map[string]bool{"84": true, "83-1": true, "9": true, "83": true, "94-2": true, "94-1": true, "100": true})
	want := []string{"9", "83", "83-1", "84", "94-1", "94-2", "100"}
	if !slices.Equal(got, want) {
		t.Errorf("sortedNumbers = %v, want %v", got, want)
	}
}
