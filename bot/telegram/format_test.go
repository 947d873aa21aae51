package telegram

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"atazan/bot"
)

func para(spans ...bot.Span) bot.Paragraph { return bot.Paragraph(spans) }

func TestRenderHTML(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
		want  []string
	}{
		{
			name:  "empty",
			reply: bot.Reply{},
			want:  nil,
		},
		{
			name:  "escapes the reserved characters only",
			reply: bot.Reply{Paragraphs: []bot.Paragraph{para(bot.Span{Text: `<b>5 > 3 & "a" 'b'</b>`})}},
			want:  []string{`&lt;b&gt;5 &gt; 3 &amp; "a" 'b'&lt;/b&gt;`},
		},
		{
			name: "styles nest and paragraphs join with a blank line",
			reply: bot.Reply{Paragraphs: []bot.Paragraph{
				para(bot.Span{Text: "Статья 17", Bold: true}, bot.Span{Text: " — "}, bot.Span{Text: "достоинство", Italic: true, Bold: true}),
				para(bot.Span{Text: "17-бап", Code: true}),
				nil,
				para(bot.Span{Text: ""}),
			}},
			want: []string{"<b>Статья 17</b> — <b><i>достоинство</i></b>\n\n<code>17-бап</code>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderHTML(tt.reply, maxText)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("renderHTML =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// tagRE matches the tags renderHTML writes.
var tagRE = regexp.MustCompile(`</?(b|i|code)>`)

// checkChunks asserts every chunk fits, its tags balance, and no entity is cut.
func checkChunks(t *testing.T, chunks []string, limit int) {
	t.Helper()
	for i, c := range chunks {
		if n := utf16Len(c); n > limit {
			t.Errorf("chunk %d is %d UTF-16 units, limit %d", i, n, limit)
		}
		var open []string
		for _, m := range tagRE.FindAllStringSubmatch(c, -1) {
			if !strings.HasPrefix(m[0], "</") {
				open = append(open, m[1])
				continue
			}
			if len(open) == 0 || open[len(open)-1] != m[1] {
				t.Fatalf("chunk %d: unbalanced %s in %q", i, m[0], c)
			}
			open = open[:len(open)-1]
		}
		if len(open) > 0 {
			t.Errorf("chunk %d leaves %v open", i, open)
		}
		rest := tagRE.ReplaceAllString(c, "")
		for _, bad := range []string{"<", ">"} {
			if strings.Contains(rest, bad) {
				t.Errorf("chunk %d has a raw %q outside tags", i, bad)
			}
		}
		if amp := strings.Count(rest, "&"); amp != strings.Count(rest, "&amp;")+strings.Count(rest, "&lt;")+strings.Count(rest, "&gt;") {
			t.Errorf("chunk %d has a cut entity: %q…%q", i, rest[:min(20, len(rest))], rest[max(0, len(rest)-20):])
		}
	}
}

// plainOf undoes renderHTML: it drops tags and unescapes.
func plainOf(chunks []string) string {
	return html.UnescapeString(tagRE.ReplaceAllString(strings.Join(chunks, ""), ""))
}

func TestRenderHTMLSplitsAtParagraphs(t *testing.T) {
	// About 6,000 characters in 12 paragraphs of Cyrillic with markup characters.
	var r bot.Reply
	for i := range 12 {
		r.Paragraphs = append(r.Paragraphs, para(
			bot.Span{Text: "ст. 1" + strings.Repeat("0", i%3), Bold: true},
			bot.Span{Text: " " + strings.Repeat("Граждане <равны> & свободны. ", 17)},
		))
	}
	chunks := renderHTML(r, maxText)
	if len(chunks) != 2 {
		t.Fatalf("got %d chunks, want 2", len(chunks))
	}
	checkChunks(t, chunks, maxText)
	// Every chunk holds whole paragraphs: joined back, nothing is lost.
	if got, want := strings.Join(chunks, "\n\n"), strings.Join(renderHTML(r, 1<<20), ""); got != want {
		t.Errorf("chunks joined differ from the whole reply")
	}
	for i, c := range chunks {
		if !strings.HasPrefix(c, "<b>ст. 1") {
			t.Errorf("chunk %d does not start at a paragraph: %q", i, c[:40])
		}
	}
}

func TestRenderHTMLSplitsLongParagraph(t *testing.T) {
	long := strings.Repeat("Каждый имеет право на жизнь & свободу <везде>. ", 140) // ≈ 6,600 characters
	r := bot.Reply{Paragraphs: []bot.Paragraph{
		para(bot.Span{Text: "Статья 15. ", Bold: true}, bot.Span{Text: long, Italic: true}, bot.Span{Text: " 👍"}),
	}}
	for _, limit := range []int{maxText, 500, 37} {
		chunks := renderHTML(r, limit)
		if len(chunks) < 2 {
			t.Fatalf("limit %d: got %d chunks, want several", limit, len(chunks))
		}
		checkChunks(t, chunks, limit)
		if got, want := plainOf(chunks), r.Plain(); got != want {
			t.Errorf("limit %d: text changed by splitting:\n got %q…\nwant %q…", limit, got[:80], want[:80])
		}
	}
}

func TestWordsCutsLongWords(t *testing.T) {
	w := words("ab "+strings.Repeat("я", 10)+" &&&", 4)
	want := []string{"ab ", "яяяя", "яяяя", "яя ", "&&&"}
	// "&&&" escapes to 15 units, above 4: it must be cut into single "&" (5 units) — impossible,
	// so it is kept whole rather than looping forever.
	if strings.Join(w, "|") != strings.Join(want, "|") {
		t.Errorf("words = %q, want %q", w, want)
	}
}

func TestUTF16Len(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "Қазақ": 5, "👍": 2, "a👎b": 4} {
		if got := utf16Len(s); got != want {
			t.Errorf("utf16Len(%q) = %d, want %d", s, got, want)
		}
	}
}

// BenchmarkRenderHTML renders a 6,000-character, 12-paragraph answer.
func BenchmarkRenderHTML(b *testing.B) {
	var r bot.Reply
	for range 12 {
		r.Paragraphs = append(r.Paragraphs, para(
			bot.Span{Text: "ст. 17, п. 2", Bold: true},
			bot.Span{Text: ": «" + strings.Repeat("Граждане <равны> & свободны. ", 17) + "»"},
		))
	}
	b.ReportAllocs()
	for b.Loop() {
		renderHTML(r, maxText)
	}
}
