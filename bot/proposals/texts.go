package proposals

import (
	_ "embed"
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"

	"atazan/corpus"
)

// Texts are the bot's words around proposals and the table in one
// language; they live in texts.yaml so that translators need not read Go.
type Texts struct {
	ProposeButton        string `yaml:"propose_button"`
	Usage                string `yaml:"usage"`
	AskWording           string `yaml:"ask_wording"`
	AskJustification     string `yaml:"ask_justification"`
	PreviewTitle         string `yaml:"preview_title"`
	PreviewTarget        string `yaml:"preview_target"`
	PreviewWording       string `yaml:"preview_wording"`
	PreviewJustification string `yaml:"preview_justification"`
	NotGiven             string `yaml:"not_given"`
	SkipButton           string `yaml:"skip_button"`
	SendButton           string `yaml:"send_button"`
	CancelButton         string `yaml:"cancel_button"`
	Sent                 string `yaml:"sent"`
	Canceled             string `yaml:"canceled"`
	Nothing              string `yaml:"nothing"`
	NoDraft              string `yaml:"no_draft"`
	TooLong              string `yaml:"too_long"`
	Unreadable           string `yaml:"unreadable"`
	NoFiles              string `yaml:"no_files"`
	Limit                string `yaml:"limit"`
	NoArticle            string `yaml:"no_article"`
	NoPoint              string `yaml:"no_point"`
	ModTitle             string `yaml:"mod_title"`
	ModNone              string `yaml:"mod_none"`
	ModMore              string `yaml:"mod_more"`
	ModGroup             string `yaml:"mod_group"`
	AcceptButton         string `yaml:"accept_button"`
	RejectButton         string `yaml:"reject_button"`
	DuplicateButton      string `yaml:"duplicate_button"`
	Accepted             string `yaml:"accepted"`
	Rejected             string `yaml:"rejected"`
	Duplicated           string `yaml:"duplicated"`
	NoAccepted           string `yaml:"no_accepted"`
	ModGone              string `yaml:"mod_gone"`
	NoteUsage            string `yaml:"note_usage"`
	NoteSaved            string `yaml:"note_saved"`
	ExportUsage          string `yaml:"export_usage"`
	ExportEmpty          string `yaml:"export_empty"`
	ExportDone           string `yaml:"export_done"`
	StatsTitle           string `yaml:"stats_title"`
	StatsByArticle       string `yaml:"stats_by_article"`
	StatsByDay           string `yaml:"stats_by_day"`
	StatsPending         string `yaml:"stats_pending"`
	Help                 string `yaml:"help"`
	HelpAdmin            string `yaml:"help_admin"`
	Menu                 string `yaml:"menu"`
	Privacy              string `yaml:"privacy"`
	Forgotten            string `yaml:"forgotten"`
	TableTitle           string `yaml:"table_title"`
	TableSubtitle        string `yaml:"table_subtitle"`
	ColNumber            string `yaml:"col_number"`
	ColElement           string `yaml:"col_element"`
	ColCurrent           string `yaml:"col_current"`
	ColProposed          string `yaml:"col_proposed"`
	ColJustification     string `yaml:"col_justification"`
	ColSupporters        string `yaml:"col_supporters"`
	NoWording            string `yaml:"no_wording"`
	NoJustification      string `yaml:"no_justification"`
}

//go:embed texts.yaml
var textsYAML []byte

// texts is read once from the embedded file and never changed.
var texts = mustTexts(textsYAML)

func mustTexts(data []byte) map[corpus.Lang]*Texts {
	m, err := parseTexts(data)
	if err != nil {
		panic(err)
	}
	return m
}

// parseTexts reads the texts and insists on every one in both languages.
func parseTexts(data []byte) (map[corpus.Lang]*Texts, error) {
	var m map[corpus.Lang]*Texts
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("reading proposal texts: %w", err)
	}
	for _, lang := range []corpus.Lang{corpus.RU, corpus.KK} {
		t := m[lang]
		if t == nil {
			return nil, fmt.Errorf("proposal texts: no %s texts", lang)
		}
		v := reflect.ValueOf(t).Elem()
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				return nil, fmt.Errorf("proposal texts: %s has no %s", lang, v.Type().Field(i).Tag.Get("yaml"))
			}
		}
	}
	return m, nil
}

// TextsFor returns the texts of lang: Kazakh, or Russian for anything else.
func TextsFor(lang corpus.Lang) *Texts {
	if lang == corpus.KK {
		return texts[corpus.KK]
	}
	return texts[corpus.RU]
}
