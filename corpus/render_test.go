package corpus

import "testing"

func TestRender(t *testing.T) {
	a := &Article{Number: "2", Points: []Point{
		{Number: "1", Text: "Республика является унитарным государством."},
		{Number: "2", Repealed: true},
		{Number: "3", Text: "Парламент:", Items: []Point{{Number: "1", Text: "принимает законы;"}, {Number: "2", Repealed: true}}},
	}}
	tests := []struct {
		lang Lang
		want string
	}{
		{RU, "Статья 2\n1. Республика является унитарным государством.\n2. (исключён)\n3. Парламент:\n   1) принимает законы;\n   2) (исключён)"},
		{KK, "2-бап\n1. Республика является унитарным государством.\n2. (алып тасталды)\n3. Парламент:\n   1) принимает законы;\n   2) (алып тасталды)"},
	}
	for _, tt := range tests {
		if got := a.Render(tt.lang); got != tt.want {
			t.Errorf("Render(%s) =\n%s\nwant\n%s", tt.lang, got, tt.want)
		}
	}
	items := &Article{Number: "56", Lead: "Курултай:", Points: []Point{{Number: "1", Item: true, Text: "принимает законы;"}}}
	if got, want := items.Render(RU), "Статья 56\nКурултай:\n1) принимает законы;"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	if got, want := (&Article{Number: "84", Repealed: true}).Render(EN), "Article 84\n(excluded)"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}
