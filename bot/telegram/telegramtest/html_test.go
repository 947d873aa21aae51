package telegramtest

import (
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	tests := []struct {
		text, mode string
		ok         bool
	}{
		{"<b>ст. 17</b>, <i>п. 2</i> &lt;&amp;&gt;", "HTML", true},
		{"<b><i>x</i></b>", "HTML", true},
		{`<a href="https://adilet.zan.kz">x</a>`, "HTML", true},
		{"a < b", "HTML", false},
		{"a & b", "HTML", false},
		{"<b>x", "HTML", false},
		{"<b><i>x</b></i>", "HTML", false},
		{"<script>x</script>", "HTML", false},
		{"a < b & c", "", true},
		{"", "", false},
		{strings.Repeat("я", 4096), "", true},
		{strings.Repeat("я", 4097), "", false},
		{"<b>" + strings.Repeat("я", 4096) + "</b>", "HTML", true},
		{strings.Repeat("&amp;", 4097), "HTML", false},
	}
	for _, tt := range tests {
		err := CheckText(tt.text, tt.mode)
		if (err == nil) != tt.ok {
			t.Errorf("CheckText(%.40q, %q) = %v, want ok=%v", tt.text, tt.mode, err, tt.ok)
		}
	}
}
