package glossary

import (
	"slices"
	"testing"

	"atazan/rag/textkit"
)

func keys(text string, lang textkit.Lang) []string { return textkit.Terms(text, lang) }

func TestExpand(t *testing.T) {
	g, err := Parse([]byte(`
- when: [менты, копы, полиция]
  ru: правоохранительные органы
  kk: құқық қорғау органдары
- when: [выйти замуж, тұрмысқа шығу]
  ru: брак
  kk: неке
- when: [жильё, квартира]
  ru: жилище
  kk: тұрғын үй
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    string
		lang textkit.Lang
		want []string // expected keys among the expansion, nil = no expansion
	}{
		{"если меня менты скрутят", textkit.Russian, keys("правоохранительные органы", textkit.Russian)},
		{"а копы могут", textkit.Russian, keys("құқық қорғау", textkit.Kazakh)},
		{"можно ли выйти замуж в 16", textkit.Russian, keys("брак", textkit.Russian)},
		{"хочу замуж", textkit.Russian, nil}, // only half of the phrase
		{"тұрмысқа шықсам бола ма", textkit.Kazakh, keys("неке", textkit.Kazakh)},
		{"погода завтра", textkit.Russian, nil},
		// Russian "жильё" and Kazakh "жыл" (a year) share a folded key.
		{"prezident neshe jylga sailanady", textkit.Kazakh, nil},
		{"государство даст жильё?", textkit.Russian, keys("жилище", textkit.Russian)},
	}
	for _, tt := range tests {
		exp := g.Expand(textkit.Terms(tt.q, tt.lang), tt.lang)
		if tt.want == nil {
			if len(exp) != 0 {
				t.Errorf("%q: expanded %+v, want nothing", tt.q, exp)
			}
			continue
		}
		if len(exp) != 1 {
			t.Fatalf("%q: %d expansions, want 1", tt.q, len(exp))
		}
		for _, k := range tt.want {
			if !slices.Contains(exp[0].Terms, k) {
				t.Errorf("%q: expansion %v lacks %q", tt.q, exp[0].Terms, k)
			}
		}
		if len(exp[0].Matched) == 0 || exp[0].Text[textkit.Russian] == "" {
			t.Errorf("%q: expansion %+v has no matched words or text", tt.q, exp[0])
		}
	}
}

func TestParseRejectsBadEntries(t *testing.T) {
	for _, bad := range []string{
		"- when: [армия]\n",       // nothing to add
		"- ru: воинская служба\n", // no trigger
		"when: армия\n",           // not a list
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted a bad glossary", bad)
		}
	}
}

func TestDefaultGlossary(t *testing.T) {
	g := Default()
	if len(g.rules) < 50 {
		t.Errorf("built-in glossary has %d rules", len(g.rules))
	}
	for _, q := range []string{"в армию обязательно идти?", "универ бесплатный?", "могут снести хату?", "әскерге бару міндетті ме?"} {
		if lang := textkit.Detect(q).Lang; len(g.Expand(textkit.Terms(q, lang), lang)) == 0 {
			t.Errorf("%q: no expansion from the built-in glossary", q)
		}
	}
}
