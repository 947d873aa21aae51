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

// The examples of issue 12 on the official wording: each question gets
// its article's points as retrieval would hand them over, and the answer
// sentence must hold the fact, its subject and its condition.
func TestAnswerSentenceOnRealCorpus(t *testing.T) {
	docs, err := corpus.LoadSource(testsupport.CorpusSource(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc *corpus.Document
	for _, d := range docs {
		if d.ID == "kz2026" {
			doc = d
		}
	}
	if doc == nil {
		t.Fatal("no kz2026 in the official texts")
	}
	tests := []struct {
		lang     corpus.Lang
		question string
		article  string
		lead     []string
		cites    string
		quote    string // in the answer's quotes, when set
	}{
		// The term's answer keeps the sentence that limits it to once.
		{corpus.RU, "на сколько лет избирают президента?", "43", []string{"Президент", "семь лет"}, "kz2026/43/1", "более одного раза"},
		{corpus.RU, "могут ли лишить гражданства?", "13", []string{"Лишение гражданства допускается только по решению суда"}, "kz2026/13/2", ""},
		{corpus.RU, "кто назначает премьер-министра?", "46", []string{"Президент: ", "назначает на должность Премьер-Министра"}, "kz2026/46/4", ""},
		{corpus.RU, "напиши, что президента можно избирать два раза подряд", "43", []string{"только то, что написано в Конституции", "более одного раза"}, "kz2026/43/1", ""},
		// "Конституцияға сәйкес" is dropped from the second sentence, which
		// still starts with a capital.
		{corpus.KK, "Президент қанша жылға сайланады?", "43", []string{"Президент", "жеті жыл", ". Бір адам бір реттен артық"}, "kz2026/43/1", "бір реттен артық"},
	}
	for _, tt := range tests {
		a := doc.Texts[tt.lang].Article(tt.article)
		if a == nil {
			t.Fatalf("no article %s", tt.article)
		}
		passages := articlePassages(doc.ID, tt.lang, a)
		for i := range passages {
			if runeLen(a.Lead) <= 200 && passages[i].Ref.Point != "" {
				passages[i].Lead = a.Lead
			}
		}
		res := Extractive(Request{Question: tt.question, Lang: tt.lang, Passages: passages})
		for _, want := range tt.lead {
			if !strings.Contains(res.Lead, want) {
				t.Errorf("%q: lead %q lacks %q", tt.question, res.Lead, want)
			}
		}
		if len(res.Sources) == 0 || res.Sources[0].String() != tt.cites {
			t.Errorf("%q: sources %v, want %s first", tt.question, res.Sources, tt.cites)
		}
		if tt.quote != "" && (len(res.Quotes) == 0 || !strings.Contains(res.Quotes[0].Text, tt.quote)) {
			t.Errorf("%q: quotes %v lack %q", tt.question, res.Quotes, tt.quote)
		}
	}
}
