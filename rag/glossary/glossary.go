// Package glossary maps the everyday words of young people's questions
// ("менты", "универ", "хата", "әскер") to the terms the Constitution uses
// ("правоохранительные органы", "высшее образование", "жилище", "әскери
// қызмет"), in Russian and Kazakh, to expand a search query.
package glossary

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"atazan/rag/textkit"
)

// builtin holds the shipped glossary files; each is a YAML list of entries,
// kept by topic so that vocabulary can grow without one huge file.
//
//go:embed *.yaml
var builtin embed.FS

// entry is one record of the YAML file.
type entry struct {
	When []string `yaml:"when"`
	RU   string   `yaml:"ru"`
	KK   string   `yaml:"kk"`
}

// phrase is a trigger: every word must occur in the question; a word may be
// read as Russian or Kazakh, so it has one key per reading.
type phrase [][]reading

// reading is the search key of a trigger word read in one language. A
// question's keys are matched only against readings in its own language:
// Russian "жильё" and Kazakh "жыл" (a year) fold to the same key.
type reading struct {
	lang textkit.Lang
	key  string
}

type rule struct {
	when []phrase
	text map[textkit.Lang]string
	add  []string
}

// Glossary expands query terms with constitutional vocabulary.
type Glossary struct {
	rules []rule
	// byFirst lists, for a reading of a phrase's first word, the rules
	// with such a phrase: a query is checked only against the rules it
	// can trigger, not all of them.
	byFirst map[reading][]int
}

// Default is the glossary shipped with atazan.
func Default() *Glossary {
	names, err := fs.Glob(builtin, "*.yaml")
	if err != nil {
		panic(fmt.Sprintf("built-in glossary: %v", err))
	}
	var all []byte
	for _, name := range names {
		data, err := builtin.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("built-in glossary %s: %v", name, err))
		}
		// Each file is a top-level YAML list, so the files concatenate into one list.
		all = append(append(all, data...), '\n')
	}
	g, err := Parse(all)
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
			if g.byFirst == nil {
				g.byFirst = map[reading][]int{}
			}
			for _, p := range r.when {
				for _, k := range p[0] {
					g.byFirst[k] = append(g.byFirst[k], len(g.rules))
				}
			}
			g.rules = append(g.rules, r)
		}
	}
	return g, nil
}

func parsePhrase(s string) phrase {
	var p phrase
	for _, w := range textkit.Words(s) {
		var keys []reading
		for _, lang := range []textkit.Lang{textkit.Russian, textkit.Kazakh} {
			if k := textkit.Term(w, lang); len(k) >= minTrigger {
				keys = append(keys, reading{lang, k})
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

// Expand returns the rules that the query's terms, made by textkit.Terms in
// language lang, trigger.
func (g *Glossary) Expand(terms []string, lang textkit.Lang) []Expansion {
	have := make(map[string]bool, len(terms))
	for _, t := range terms {
		have[t] = true
	}
	var candidates []int
	for t := range have {
		candidates = append(candidates, g.byFirst[reading{lang, t}]...)
	}
	slices.Sort(candidates)
	var out []Expansion
	for _, ri := range slices.Compact(candidates) {
		r := &g.rules[ri]
		for _, p := range r.when {
			if matched := p.match(have, lang); matched != nil {
				out = append(out, Expansion{Trigger: p.String(), Text: r.text, Terms: r.add, Matched: matched})
				break
			}
		}
	}
	return out
}

// match returns the keys that satisfy every word of the phrase, or nil.
func (p phrase) match(have map[string]bool, lang textkit.Lang) []string {
	var out []string
	for _, keys := range p {
		i := slices.IndexFunc(keys, func(r reading) bool { return r.lang == lang && have[r.key] })
		if i < 0 {
			return nil
		}
		out = append(out, keys[i].key)
	}
	return out
}

func (p phrase) String() string {
	parts := make([]string, len(p))
	for i, keys := range p {
		parts[i] = keys[0].key
	}
	return strings.Join(parts, " ")
}
