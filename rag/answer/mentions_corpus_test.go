package answer

import (
	"strings"
	"testing"

	"atazan/corpus"
	"atazan/internal/testsupport"
)

// TestArticleMentionsOnRealCorpus reads the official texts, which cite
// each other in every legal form ("подпунктом 3) статьи 44", "44-бабының
// 3) тармақшасы"): every number found must be an article of the same
// document, and a sentence naming an article with digits is found unless
// it points inside its own article ("пункта 1 настоящей статьи").
func TestArticleMentionsOnRealCorpus(t *testing.T) {
	docs, err := corpus.LoadSource(testsupport.CorpusSource(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range docs {
		for _, lang := range []corpus.Lang{corpus.RU, corpus.KK} {
			text := doc.Texts[lang]
			if text == nil {
				continue
			}
			articles := map[string]bool{}
			for _, a := range text.Articles() {
				articles[a.Number] = true
			}
			found := 0
			for _, a := range text.Articles() {
				parts := []string{a.Lead}
				for _, p := range a.Points {
					parts = append(parts, p.Text)
				}
				for _, s := range splitSentences(strings.Join(parts, "\n")) {
					mentions := articleMentions(s)
					found += len(mentions)
					for _, n := range mentions {
						if !articles[n] {
							t.Errorf("%s %s art. %s: %q is no article, in %q", doc.ID, lang, a.Number, n, s)
						}
					}
					low := strings.ToLower(s)
					named := strings.ContainsAny(s, "0123456789") && (strings.Contains(low, "стать") || strings.Contains(low, "бап") || strings.Contains(low, "баб"))
					own := strings.Contains(low, "настоящей статьи") || strings.Contains(low, "осы бап")
					if len(mentions) == 0 && named && !own {
						t.Errorf("%s %s art. %s: no article found in %q", doc.ID, lang, a.Number, s)
					}
				}
			}
			if found < 15 {
				t.Errorf("%s %s: only %d article references found in the whole text", doc.ID, lang, found)
			}
			t.Logf("%s %s: %d article references", doc.ID, lang, found)
		}
	}
}
