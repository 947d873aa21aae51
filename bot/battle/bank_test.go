package battle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"atazan/corpus"
	"atazan/internal/testsupport"
)

// TestBankAgainstCorpus checks every item of the embedded bank against the
// official 2026 text: the cited points exist in both languages, and the
// answer's key words are in them.
func TestBankAgainstCorpus(t *testing.T) {
	bank, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := corpus.LoadSource(testsupport.CorpusSource(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc *corpus.Document
	for _, d := range docs {
		if d.ID == Doc {
			doc = d
		}
	}
	if doc == nil {
		t.Fatal("no kz2026 in the corpus source")
	}
	counts := map[Kind]int{}
	var reviewed strings.Builder
	reviewed.WriteString("# Fingerprints of the cited text each battle item was reviewed against.\n" +
		"# Written by: ATAZAN_BATTLE_REVIEWED=write go test ./bot/battle -run TestBankAgainstCorpus\n")
	for _, it := range bank.Items {
		counts[it.Kind]++
		if err := it.Check(doc); err != nil {
			t.Error(err)
			continue
		}
		fp := it.Fingerprint(doc)
		fmt.Fprintf(&reviewed, "%s %s\n", it.ID, fp)
		if os.Getenv("ATAZAN_BATTLE_REVIEWED") == "" && !slices.Contains(bank.Reviewed[it.ID], fp) {
			t.Errorf("%s: the cited text is not the one reviewed; review the item, then rewrite %s (see its header)", it.ID, ReviewedFile)
		}
	}
	if os.Getenv("ATAZAN_BATTLE_REVIEWED") == "write" {
		if err := os.WriteFile(filepath.Join("bank", ReviewedFile), []byte(reviewed.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if ok, aside := bank.Playable(doc, nil); os.Getenv("ATAZAN_BATTLE_REVIEWED") == "" && len(ok) != len(bank.Items) {
		t.Errorf("%d items set aside on the official text: %v", len(aside), aside)
	}
	if counts[Fact] < 150 || counts[Debate] < 40 {
		t.Errorf("the bank has %d fact questions and %d debate statements, want at least 150 and 40", counts[Fact], counts[Debate])
	}
	for _, tp := range bank.Topics {
		n := 0
		for _, it := range bank.Items {
			if it.InTopic(tp, doc.Texts[corpus.RU]) {
				n++
			}
		}
		if n < 3 {
			t.Errorf("topic %s has %d items, too few for a game", tp.Name, n)
		}
	}
	t.Logf("%d fact questions, %d debate statements, %d topics", counts[Fact], counts[Debate], len(bank.Topics))
}

// TestBankCheckFindsChanges: an item whose article changed is set aside.
func TestBankCheckFindsChanges(t *testing.T) {
	text := func(lang corpus.Lang, point string) *corpus.Text {
		return &corpus.Text{Lang: lang, Sections: []corpus.Section{{Number: "I", Articles: []corpus.Article{
			{Number: "53", Points: []corpus.Point{{Number: "2", Text: point}}},
		}}}}
	}
	doc := func(ru, kk string) *corpus.Document {
		return &corpus.Document{ID: Doc, Texts: map[corpus.Lang]*corpus.Text{corpus.RU: text(corpus.RU, ru), corpus.KK: text(corpus.KK, kk)}}
	}
	it := &Item{ID: "term", Kind: Fact, Refs: []string{"53.2"}, Answer: 1,
		RU: Local{Q: "Срок?", Options: []string{"4 года", "5 лет", "7 лет"}, Key: []string{"пять лет"}},
		KK: Local{Q: "Мерзімі?", Options: []string{"4 жыл", "5 жыл", "7 жыл"}, Key: []string{"бес жыл"}}}
	tests := []struct {
		name    string
		doc     *corpus.Document
		refs    []string
		wantErr string
	}{
		{"matches", doc("Срок полномочий депутатов – пять лет.", "Өкілеттік мерзімі – бес жыл."), nil, ""},
		{"case and dashes do not matter", doc("СРОК — ПЯТЬ ЛЕТ", "мерзімі – БЕС ЖЫЛ"), nil, ""},
		{"the number changed", doc("Срок полномочий депутатов – шесть лет.", "Өкілеттік мерзімі – алты жыл."), nil, `"пять лет" is not in ст. 53, п. 2`},
		{"only kk changed", doc("пять лет", "алты жыл"), nil, `term (kk): "бес жыл" is not in 53-бап, 2-тармақ`},
		{"the point is gone", doc("пять лет", "бес жыл"), []string{"53.3"}, "article 53 has no point 3"},
		{"the article is gone", doc("пять лет", "бес жыл"), []string{"54.2"}, "article 54 does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item := *it
			if tt.refs != nil {
				item.Refs = tt.refs
			}
			err := item.Check(tt.doc)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Check = %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}

// TestChangedTextWaitsForReview: an item whose cited text changed but
// still bears the answer out is set aside until an admin approves it.
func TestChangedTextWaitsForReview(t *testing.T) {
	doc := func(ru string) *corpus.Document {
		text := func(lang corpus.Lang, s string) *corpus.Text {
			return &corpus.Text{Lang: lang, Sections: []corpus.Section{{Number: "I", Articles: []corpus.Article{
				{Number: "53", Points: []corpus.Point{{Number: "2", Text: s}}},
			}}}}
		}
		return &corpus.Document{ID: Doc, Texts: map[corpus.Lang]*corpus.Text{corpus.RU: text(corpus.RU, ru), corpus.KK: text(corpus.KK, "бес жыл")}}
	}
	it := &Item{ID: "term", Kind: Fact, Refs: []string{"53.2"}, Answer: 0,
		RU: Local{Q: "Срок?", Options: []string{"5 лет", "4 года", "7 лет"}, Key: []string{"пять лет"}},
		KK: Local{Q: "Мерзімі?", Options: []string{"5 жыл", "4 жыл", "7 жыл"}, Key: []string{"бес жыл"}}}
	old, changed := doc("Срок полномочий – пять лет."), doc("Срок полномочий депутатов – пять лет, и не более двух сроков подряд.")
	bank := &Bank{Items: []*Item{it}, Reviewed: map[string][]string{"term": {it.Fingerprint(old)}}}

	if ok, aside := bank.Playable(old, nil); len(ok) != 1 || len(aside) != 0 {
		t.Fatalf("on the reviewed text: playable %d, aside %v", len(ok), aside)
	}
	ok, aside := bank.Playable(changed, nil)
	if len(ok) != 0 || !errors.Is(aside["term"], ErrChanged) {
		t.Fatalf("on a changed text: playable %d, aside %v; want it set aside as changed", len(ok), aside)
	}
	if ok, _ := bank.Playable(changed, map[string]string{"term": it.Fingerprint(changed)}); len(ok) != 1 {
		t.Error("an admin's approval of the new text should bring the item back")
	}
	if ok, _ := bank.Playable(changed, map[string]string{"term": it.Fingerprint(old)}); len(ok) != 0 {
		t.Error("an approval of another text should not")
	}
}

func TestLoadRefusesMalformedItems(t *testing.T) {
	const good = `
facts:
  - id: a
    refs: ["2.4"]
    answer: 1
    ru: {q: "Столица?", options: ["Алматы", "Астана", "Шымкент"]}
    kk: {q: "Елорда?", options: ["Алматы", "Астана", "Шымкент"]}
`
	tests := []struct {
		name, yaml, want string
	}{
		{"good", good, ""},
		{"duplicate id", good + `
debates:
  - id: a
    refs: ["2.4"]
    ru: {q: "Перенести столицу", key: ["Астана"]}
    kk: {q: "Елорданы көшіру", key: ["Астана"]}
`, `item "a" appears twice`},
		{"answer out of range", strings.Replace(good, "answer: 1", "answer: 3", 1), "answer 3 is not an option"},
		{"two options", strings.Replace(good, `"Алматы", "Астана", "Шымкент"]}
    kk`, `"Алматы", "Астана"]}
    kk`, 1), "2 options, want 3 or 4"},
		{"no refs", strings.Replace(good, `refs: ["2.4"]`, "refs: []", 1), "no refs"},
		{"unknown field", strings.Replace(good, "answer: 1", "answer: 1\n    anwser: 2", 1), "anwser"},
		{"debate without key", `
debates:
  - id: d
    refs: ["2.4"]
    ru: {q: "Перенести столицу"}
    kk: {q: "Елорданы көшіру"}
`, "needs key words"},
		{"option too long", strings.Replace(good, `"Шымкент"]}
    kk`, `"`+strings.Repeat("я", MaxOption+1)+`"]}
    kk`, 1), "longer than 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"bank.yaml": {Data: []byte(tt.yaml)}})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Load: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Load = %v, want an error with %q", err, tt.want)
			}
		})
	}
}
