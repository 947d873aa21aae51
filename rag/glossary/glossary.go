// Package glossary maps the everyday words of young people's questions
// ("менты", "универ", "хата", "әскер") to the terms the Constitution uses
// ("правоохранительные органы", "высшее образование", "жилище", "әскери
// қызмет"), in Russian and Kazakh, to expand a search query.
package glossary

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"atazan/rag/textkit"
)

//go:embed glossary.yaml
var builtin []byte

// entry is one record of the YAML file.
type entry struct {
	When []string `yaml:"when"`
	RU   string   `yaml:"ru"`
	KK   string   `yaml:"kk"`
}

// phrase is a trigger: every word must occur in the question; a word may be
// read as Russian or Kazakh, so it has one key per reading.
type phrase [][]string

type rule struct {
	when []phrase
	text map[textkit.Lang]string
	add  []string
}

// Glossary expands query terms with constitutional vocabulary.
type Glossary struct {
	rules []rule
}

// Default is the glossary shipped with atazan.
func Default() *Glossary {
	g, err := Parse(builtin)
	if err != nil {
		panic(fmt.Sprintf("built-in glossary: %v", err)) // a broken embedded file is a build error
	}
	return g
}

// minTrigger is the shortest key a trigger word may have: shorter stems
// ("ту", "ем") match unrelated words.
const minTrigger = 3

// Parse reads a glossary in the YAML format of glossary.yaml.
func Parse(data []byte) (*Glossary, error) {
	var entries []entry
	if err := yaml.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("parsing glossary: %w", err)
	}
	g := &Glossary{}
	for i, e := range entries {
		if len(e.When) == 0 || (e.RU == "" && e.KK == "") {
			return nil, fmt.Errorf("glossary entry %d: needs `when` and `ru` or `kk`", i+1)
		}
		r := rule{text: map[textkit.Lang]string{textkit.Russian: e.RU, textkit.Kazakh: e.KK}}
		for _, w := range e.When {
			if p := parsePhrase(w); p != nil {
				r.when = append(r.when, p)
			}
		}
		r.add = append(textkit.Terms(e.RU, textkit.Russian), textkit.Terms(e.KK, textkit.Kazakh)...)
		slices.Sort(r.add)
		r.add = slices.Compact(r.add)
		if len(r.when) > 0 {
			g.rules = append(g.rules, r)
		}
	}
	return g, nil
}

func parsePhrase(s string) phrase {
	var p phrase
	for _, w := range textkit.Words(s) {
		var keys []string
		for _, lang := range []textkit.Lang{textkit.Russian, textkit.Kazakh} {
			if k := textkit.Term(w, lang); len(k) >= minTrigger && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		if keys == nil {
			continue // a stop word inside a phrase ("за что") does not have to match
		}
		p = append(p, keys)
	}
	return p
}

// Expansion is what one glossary rule adds to a query.
type Expansion struct {
	Trigger string                  // the matched phrase, for explanations and tests
	Text    map[textkit.Lang]string // the constitutional wording, by language
	Terms   []string                // its search keys
	Matched []string                // the question's keys that triggered it
}

// Expand returns the rules that the query's terms trigger.
func (g *Glossary) Expand(terms []string) []Expansion {
	have := make(map[string]bool, len(terms))
	for _, t := range terms {
		have[t] = true
	}
	var out []Expansion
	for _, r := range g.rules {
		for _, p := range r.when {
			if matched := p.match(have); matched != nil {
				out = append(out, Expansion{Trigger: p.String(), Text: r.text, Terms: r.add, Matched: matched})
				break
			}
		}
	}
	return out
}

// match returns the keys that satisfy every word of the phrase, or nil.
func (p phrase) match(have map[string]bool) []string {
	var out []string
	for _, keys := range p {
		i := slices.IndexFunc(keys, func(k string) bool { return have[k] })
		if i < 0 {
			return nil
		}
		out = append(out, keys[i])
	}
	return out
}

func (p phrase) String() string {
	parts := make([]string, len(p))
	for i, keys := range p {
		parts[i] = keys[0]
	}
	return strings.Join(parts, " ")
}
