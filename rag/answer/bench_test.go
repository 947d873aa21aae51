package answer

import (
	"strings"
	"testing"

	"atazan/corpus"
)

// BenchmarkCheckText is the citation check of one long LLM answer; the
// streamer runs it once per delta on the text so far.
func BenchmarkCheckText(b *testing.B) {
	passages := []Passage{
		{Ref: corpus.Ref{Doc: "kz2026", Article: "17", Point: "3"}},
		{Ref: corpus.Ref{Doc: "kz2026", Article: "17", Point: "1"}},
		{Ref: corpus.Ref{Doc: "kz1995", Article: "15", Point: "2"}},
	}
	raw := strings.Repeat("Смертная казнь запрещена [kz2026:17:3], а раньше допускалась [kz1995:15:2; kz2026:99]. ", 20)
	for b.Loop() {
		checkText(raw, passages, corpus.RU)
	}
}

func BenchmarkExtractive(b *testing.B) {
	t := &testing.T{}
	ru := ru2026()
	req := Request{Question: "Частные школы и бесплатное образование?", Lang: corpus.RU, Passages: []Passage{
		passage(t, ru, "kz2026", "30", "1", 1),
		passage(t, ru, "kz2026", "17", "3", 0.9),
		passage(t, ru, "kz2026", "9", "1", 0.8),
		passage(t, ru, "kz2026", "43", "", 0.7),
	}}
	for b.Loop() {
		Extractive(req)
	}
}
