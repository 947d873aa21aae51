package rag

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"atazan/corpus"
	"atazan/rag/textkit"
)

// Reasons to decline a question. A question is declined only on evidence
// that the Constitution does not answer it — an explicit cue, the relevance
// model's off-topic classes, a number no article states — never because it
// uses words the texts lack: that is how young people ask.
const (
	ReasonInstructions   = "instructions"
	ReasonOpinion        = "opinion"
	ReasonCurrentAffairs = "current affairs"
	ReasonOffTopic       = "off-topic"
	ReasonNoNumber       = "no such number"
	ReasonEmpty          = "no words in common"
)

// offTopicThreshold is the relevance model's off-topic probability from
// which a question is declined. Chosen on dev.jsonl: 0.5 to 0.7 declined 3
// of its 76 answerable questions, 0.8 one, and every off-topic one still.
const offTopicThreshold = 0.8

// decide says why the question is not one the Constitution answers ("" if
// it is): the reason, and for the model's verdict its topic
// ("off-topic: weather").
func (idx *index) decide(an *query, sc *scores, order []articleKey, refs []corpus.Ref) string {
	switch {
	case an.cue == ReasonInstructions:
		return an.cue
	case len(refs) > 0:
		return "" // an article asked for by number
	case an.cue != "":
		return an.cue
	case len(an.terms) == 0 || len(order) == 0:
		return ReasonEmpty
	case sc.model.offTopic >= offTopicThreshold && !an.compare:
		return ReasonOffTopic + ": " + sc.model.topic
	case idx.missingNumber(an, order):
		return ReasonNoNumber
	}
	return ""
}

//go:embed cues.yaml
var cuesYAML []byte

// cues are the explicit decline phrases, by reason and language, as
// folded word sequences.
type cues map[string]map[string][][]string

func loadCues() (cues, error) {
	var raw map[string]map[string][]string
	if err := yaml.Unmarshal(cuesYAML, &raw); err != nil {
		return nil, fmt.Errorf("reading cues.yaml: %w", err)
	}
	out := cues{}
	for reason, byLang := range raw {
		out[reason] = map[string][][]string{}
		for lang, phrases := range byLang {
			for _, p := range phrases {
				var words []string
				for _, w := range textkit.Words(p) {
					words = append(words, textkit.Fold(w))
				}
				if strings.HasSuffix(strings.TrimSpace(p), "*") {
					words[len(words)-1] += "*"
				}
				out[reason][lang] = append(out[reason][lang], words)
			}
		}
	}
	return out, nil
}

// match returns the reason to decline whose phrase occurs in the folded
// words of a question in lang; injections first.
func (c cues) match(words []string, lang textkit.Lang) string {
	for _, reason := range []string{ReasonInstructions, ReasonOpinion, ReasonCurrentAffairs} {
		if c.has(reason, words, lang) {
			return reason
		}
	}
	return ""
}

// cuePast names the phrases that mean the 1995 Constitution.
const cuePast = "past"

// has reports whether a phrase of the group occurs in the words, in lang
// or in English (which any message may use).
func (c cues) has(group string, words []string, lang textkit.Lang) bool {
	for _, l := range []string{string(lang), "en"} {
		if slices.ContainsFunc(c[group][l], func(p []string) bool { return containsPhrase(words, p) }) {
			return true
		}
	}
	return false
}

// containsPhrase reports whether phrase occurs as consecutive words.
func containsPhrase(words, phrase []string) bool {
	if len(phrase) == 0 {
		return false
	}
	for i := 0; i+len(phrase) <= len(words); i++ {
		ok := true
		for j, p := range phrase {
			w := words[i+j]
			if prefix, wild := strings.CutSuffix(p, "*"); wild {
				ok = strings.HasPrefix(w, prefix)
			} else {
				ok = w == p
			}
			if !ok {
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
