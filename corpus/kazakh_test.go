package corpus

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizeKazakh(t *testing.T) {
	tests := []struct{ in, want string }{
		{"мiндеттi", "міндетті"},                         // Latin i inside a Cyrillic word
		{"жəне", "және"},                                 // Latin schwa
		{"Əдiлет", "Әділет"},                             // capital schwa
		{"қаулыcын", "қаулысын"},                         // Latin c
		{"ҚАЗАҚCТАН", "ҚАЗАҚСТАН"},                       // capital C
		{"тeңгe", "теңге"},                               // Latin e
		{"No. 254-III of 2007", "No. 254-III of 2007"},   // Latin words stay
		{"Закон № 51-VI", "Закон № 51-VI"},               // Roman numerals stay
		{"iPhone және", "iPhone және"},                   // a Latin word beside Kazakh ones
		{"Конституция", "Конституция"},                   // nothing to do
		{"e\u0301", norm.NFC.String("e\u0301")},          // NFC
		{"кiлт, жəне «бiрлiк».", "кілт, және «бірлік»."}, // punctuation around
		{"аз\u0307", norm.NFC.String("аз\u0307")},        // combining mark kept in the word
	}
	for _, tt := range tests {
		if got := NormalizeKazakh(tt.in); got != tt.want {
			t.Errorf("NormalizeKazakh(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkNormalizeKazakh(b *testing.B) {
	s := "Қазақстан Республикасының Президентi заңдарды қабылдайды жəне мiндеттi түрде жариялайды."
	for b.Loop() {
		NormalizeKazakh(s)
	}
}
