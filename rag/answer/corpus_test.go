package answer

import (
	"strings"
	"testing"

	"atazan/corpus"
	"atazan/internal/testsupport"
)

// TestExtractiveOnRealCorpus answers from every article of the official
// texts and checks that quotes stay short and are the law's own words.
func TestExtractiveOnRealCorpus(t *testing.T) {
	docs, err := corpus.LoadSource(testsupport.CorpusSource(t))
	if err != nil {
		t.Fatal(err)
	}
	answers := 0
	for _, doc := range docs {
		for _, lang := range []corpus.Lang{corpus.RU, corpus.KK} {
			text := doc.Texts[lang]
			if text == nil {
				continue
			}
			for _, a := range text.Articles() {
				passages := articlePassages(doc.ID, lang, a)
				if len(passages) == 0 {
					continue
				}
				// Ask with words of the last passage, so trimming has something to match.
				q := strings.Join(strings.Fields(passages[len(passages)-1].Text)[:min(6, len(strings.Fields(passages[len(passages)-1].Text)))], " ")
				res := Extractive(Request{Question: q, Lang: lang, Passages: passages})
				answers++
				if res.Mode != ModeExtractive || res.Lang != lang || len(res.Quotes) == 0 || len(res.Quotes) > maxQuotes || len(res.Sources) == 0 {
					t.Fatalf("%s %s art. %s: %+v", doc.ID, lang, a.Number, res)
				}
				for _, quote := range res.Quotes {
					src := passageText(passages, quote.Ref)
					// Beyond quoteRunes a quote holds only the units that
					// answer (whole, however long) and a list's intro.
					if n := len(units(strings.ReplaceAll(quote.Text, "… ", ""))); runeLen(quote.Text) > quoteRunes+8 && n > 3 {
						t.Errorf("%s %s: quote of %d runes in %d units", quote.Ref, lang, runeLen(quote.Text), n)
					}
					for _, part := range strings.Split(quote.Text, "…") {
						if part = strings.TrimSpace(part); part != "" && !strings.Contains(src, part) {
							t.Errorf("%s %s: quote part %q is not in the text", quote.Ref, lang, part)
						}
					}
				}
			}
		}
	}
	if answers < 300 {
		t.Errorf("only %d articles answered", answers)
	}
}

// articlePassages splits an article the way retrieval does: one passage
// per point, or the whole article when it has none.
func articlePassages(doc string, lang corpus.Lang, a *corpus.Article) []Passage {
	var out []Passage
	if len(a.Points) == 0 && a.Lead != "" {
		out = append(out, Passage{Ref: corpus.Ref{Doc: doc, Article: a.Number}, Lang: lang, Text: a.Lead, Score: 1})
	}
	for i, p := range a.Points {
		text := p.Text
		for _, it := range p.Items {
			text += "\n" + it.Number + ") " + it.Text
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		out = append(out, Passage{Ref: corpus.Ref{Doc: doc, Article: a.Number, Point: p.Number}, Lang: lang, Text: text, Score: 1 / float64(i+1)})
	}
	return out
}

func passageText(passages []Passage, ref corpus.Ref) string {
	for _, p := range passages {
		if p.Ref == ref {
			return p.Text
		}
	}
	return ""
}
