package answer

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"atazan/corpus"
	"atazan/rag/textkit"
)

//go:embed phrases.yaml
var phrasesYAML []byte

// phrases are the fixed sentences of answers in one language.
type phrases struct {
	Answer     string    `yaml:"answer"`
	Subject    string    `yaml:"subject"`
	Compare    string    `yaml:"compare"`
	NotNamed   string    `yaml:"not_named"`
	ByLaw      string    `yaml:"by_law"`
	Premise    string    `yaml:"premise"`
	Disclaimer string    `yaml:"disclaimer"`
	LLMNote    string    `yaml:"llm_note"`
	LLMDown    string    `yaml:"llm_down"` // the LLM failed: quotes instead
	LLMBad     string    `yaml:"llm_bad"`  // the LLM's answer failed the citation check
	Abstain    string    `yaml:"abstain"`
	Hint       string    `yaml:"hint"`
	Sources    string    `yaml:"sources"`
	DocLabel   string    `yaml:"doc_label"`
	LawWords   []string  `yaml:"law_words"`
	Shorten    []rewrite `yaml:"shorten"`
	Drop       []string  `yaml:"drop"`
}

// rewrite is one shortening of the answer sentence.
type rewrite struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
	re   *regexp.Regexp
}

// docLabel names a document by its year: "Конституция 1995 г.".
func (p phrases) docLabel(year string) string { return fill(p.DocLabel, "year", year) }

// phraseBook is phrases.yaml: the phrases of both languages and the word
// lists that read a question.
type phraseBook struct {
	RU    phrases `yaml:"ru"`
	KK    phrases `yaml:"kk"`
	Kinds struct {
		Number     []string `yaml:"number"`
		Permission []string `yaml:"permission"`
	} `yaml:"kinds"`
	FollowUp struct {
		Openers []string `yaml:"openers"`
		Endings []string `yaml:"endings"`
	} `yaml:"follow_up"`
	Conditions    []string          `yaml:"conditions"`
	Shares        []string          `yaml:"shares"`
	Comparison    []string          `yaml:"comparison"`
	NotComparison []string          `yaml:"not_comparison"`
	Instructions  []string          `yaml:"instructions"`
	Latin         map[string]string `yaml:"latin"`

	latin map[rune]string
	// folded holds each marker folded to the common key of both scripts.
	folded map[string]string
}

// book is read once from the embedded file; it is never changed after.
var book = mustPhraseBook(phrasesYAML)

func mustPhraseBook(data []byte) *phraseBook {
	v, err := parsePhraseBook(data)
	if err != nil {
		panic(err) // the embedded file is part of the build
	}
	return v
}

// parsePhraseBook reads phrases.yaml and checks that every phrase an
// answer needs is there.
func parsePhraseBook(data []byte) (*phraseBook, error) {
	var v phraseBook
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("reading answer phrases: %w", err)
	}
	for lang, p := range map[string]phrases{"ru": v.RU, "kk": v.KK} {
		for name, s := range map[string]string{
			"answer": p.Answer, "subject": p.Subject, "compare": p.Compare, "not_named": p.NotNamed,
			"by_law": p.ByLaw, "premise": p.Premise, "disclaimer": p.Disclaimer, "llm_note": p.LLMNote,
			"llm_down": p.LLMDown, "llm_bad": p.LLMBad, "abstain": p.Abstain, "hint": p.Hint,
			"sources": p.Sources, "doc_label": p.DocLabel,
		} {
			if strings.TrimSpace(s) == "" {
				return nil, fmt.Errorf("answer phrases: %s.%s is missing", lang, name)
			}
		}
	}
	for _, p := range []*phrases{&v.RU, &v.KK} {
		for i, rw := range p.Shorten {
			re, err := regexp.Compile(rw.From)
			if err != nil {
				return nil, fmt.Errorf("answer phrases: shorten %q: %w", rw.From, err)
			}
			p.Shorten[i].re = re
		}
	}
	v.folded = map[string]string{}
	for _, list := range [][]string{v.Kinds.Number, v.Kinds.Permission,
		v.FollowUp.Openers, v.Comparison, v.Conditions, v.Shares, v.Instructions} {
		for _, m := range list {
			v.folded[m] = foldText(m)
		}
	}
	v.latin = map[rune]string{}
	for k, l := range v.Latin {
		rs := []rune(k)
		if len(rs) != 1 {
			return nil, fmt.Errorf("answer phrases: latin key %q is not one letter", k)
		}
		v.latin[rs[0]] = l
	}
	return &v, nil
}

func phrasesFor(lang corpus.Lang) phrases {
	if lang == corpus.KK {
		return book.KK
	}
	return book.RU
}

// fill puts value in place of {name} in a template.
func fill(template string, pairs ...string) string {
	return strings.NewReplacer(mapPairs(pairs)...).Replace(template)
}

func mapPairs(pairs []string) []string {
	out := make([]string, 0, len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, "{"+pairs[i]+"}", pairs[i+1])
	}
	return out
}

// answerLang is the language answers are written in: Kazakh or Russian,
// the two official texts.
func answerLang(l corpus.Lang) corpus.Lang {
	if l == corpus.KK {
		return corpus.KK
	}
	return corpus.RU
}

// kind is what a question asks for; it picks the sentence that answers.
type kind int

const (
	kindGeneral    kind = iota
	kindNumber          // how many, how long, from what age: a number answers
	kindPermission      // may I, must I: the condition or exception answers
)

func kindOf(question string) kind {
	for _, km := range []struct {
		kind    kind
		markers []string
	}{
		{kindNumber, book.Kinds.Number},
		{kindPermission, book.Kinds.Permission},
	} {
		if hasMarker(question, km.markers) {
			return km.kind
		}
	}
	return kindGeneral
}

// hasMarker reports whether the lower-cased text, or its folded form,
// holds one of the markers; the folded form lets Latin-script Kazakh and
// Kazakh typed without Kazakh letters match.
func hasMarker(text string, markers []string) bool {
	q := " " + strings.ToLower(text) + " "
	folded := " " + foldText(text) + " "
	for _, m := range markers {
		if strings.Contains(q, m) || strings.Contains(folded, foldedMarker(m)) {
			return true
		}
	}
	return false
}

// foldedMarker is a marker folded, from the table made at load.
func foldedMarker(m string) string {
	if f, ok := book.folded[m]; ok {
		return f
	}
	return foldText(m)
}

// foldText folds every word of text to the common key of both scripts,
// keeping spaces and punctuation.
func foldText(text string) string {
	var b strings.Builder
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			b.WriteString(textkit.Fold(word.String()))
			word.Reset()
		}
	}
	for _, r := range strings.ToLower(text) {
		if isWordRune(r) {
			word.WriteRune(r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}
