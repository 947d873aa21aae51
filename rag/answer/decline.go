package answer

import (
	_ "embed"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"atazan/corpus"
	"atazan/rag/textkit"
)

//go:embed declines.yaml
var declinesYAML []byte

type declineText struct {
	Lead string `yaml:"lead"`
	Note string `yaml:"note"`
}

// Declines are the replies to questions the bot does not answer from the
// text, by reason and language.
type Declines map[string]map[corpus.Lang]declineText

// LoadDeclines reads the shipped replies.
func LoadDeclines() (Declines, error) {
	var d Declines
	if err := yaml.Unmarshal(declinesYAML, &d); err != nil {
		return nil, fmt.Errorf("reading declines.yaml: %w", err)
	}
	if _, ok := d["default"]; !ok {
		return nil, fmt.Errorf("declines.yaml: no default reply")
	}
	return d, nil
}

// Decline is the reply to a question declined for reason ("opinion",
// "off-topic: insult"…): an off-topic topic with a reply of its own
// (insult, chatter) gets it, any other the default one. It cites nothing,
// and a Latin-script Kazakh question gets it in Latin script.
func (d Declines) Decline(req Request, reason string) Result {
	lang := answerLang(req.Lang)
	latin := lang == corpus.KK && textkit.Detect(req.Question).Latin
	key := reason
	if _, topic, ok := strings.Cut(reason, ": "); ok {
		key = topic
	}
	t, ok := d[key][lang]
	if !ok {
		t = d["default"][lang]
	}
	res := Result{Lang: lang, Mode: ModeAbstain, Lead: t.Lead, Note: t.Note, Sources: []corpus.Ref{}, Latin: latin}
	if latin {
		res.Lead, res.Note = toLatin(res.Lead), toLatin(res.Note)
	}
	return res
}
