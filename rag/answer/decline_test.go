package answer

import (
	"strings"
	"testing"

	"atazan/corpus"
)

func TestDecline(t *testing.T) {
	d, err := LoadDeclines()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		reason   string
		lang     corpus.Lang
		contains string
		note     bool
	}{
		{"off-topic: insult", corpus.RU, "досадно", false},
		{"off-topic: chatter", corpus.KK, "ботпын", false},
		{"off-topic: weather", corpus.RU, "не регулирует", true},
		{"opinion", corpus.KK, "үгіттемеймін", true},
		{"current affairs", corpus.RU, "не людей", true},
		{"instructions", corpus.RU, "не меняю", false},
		{"no such number", corpus.KK, "сан көрсетілмеген", false},
		{"something new", corpus.EN, "не регулирует", true}, // answered in Russian, the default
	}
	for _, tt := range tests {
		res := d.Decline(Request{Question: "вопрос", Lang: tt.lang}, tt.reason)
		if res.Mode != ModeAbstain || len(res.Sources) != 0 || len(res.Quotes) != 0 {
			t.Errorf("%s: mode %s, %d sources, %d quotes; want an abstention citing nothing", tt.reason, res.Mode, len(res.Sources), len(res.Quotes))
		}
		if !strings.Contains(res.Lead, tt.contains) || (res.Note != "") != tt.note {
			t.Errorf("%s/%s: lead %q note %q", tt.reason, tt.lang, res.Lead, res.Note)
		}
	}
}

func TestDeclineInLatinScript(t *testing.T) {
	d, err := LoadDeclines()
	if err != nil {
		t.Fatal(err)
	}
	res := d.Decline(Request{Question: "erteñ auа raiy qandai bolady", Lang: corpus.KK}, "off-topic: weather")
	if !res.Latin || strings.ContainsAny(res.Lead+res.Note, "абвгдеёжзийклмнопрстуфхцчшщыэюяәғқңөұүһі") {
		t.Errorf("a Latin-script question declined in Cyrillic: %+v", res)
	}
	if res := d.Decline(Request{Question: "ертең ауа райы қандай", Lang: corpus.KK}, "off-topic: weather"); res.Latin {
		t.Error("a Cyrillic question declined in Latin script")
	}
}
