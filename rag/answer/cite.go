package answer

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"atazan/corpus"
)

// The model cites in one fixed form, [doc:article:point] or [doc:article],
// several separated by commas or semicolons: [kz2026:17:2; kz2026:18].
var (
	bracketRe  = regexp.MustCompile(`\[([^\[\]\n]{1,120})\]`)
	citationRe = regexp.MustCompile(`^\s*(kz\d{4})\s*:\s*(\d{1,3}(?:-\d{1,2})?)\s*(?::\s*(\d{1,3}))?\s*$`)
)

// citation is one reference found in the model's text.
type citation struct {
	Ref corpus.Ref
	OK  bool // it points at a supplied passage (Ref may then be widened to the article)
}

// parseBracket reads the references in the text between [ and ]. It
// reports ok=false when the bracket holds no reference at all (it is then
// ordinary text, left as written); malformed parts of a bracket that does
// hold references are dropped.
func parseBracket(inner string) (refs []corpus.Ref, ok bool) {
	for part := range strings.FieldsFuncSeq(inner, func(r rune) bool { return r == ',' || r == ';' }) {
		m := citationRe.FindStringSubmatch(part)
		if m == nil {
			continue
		}
		refs = append(refs, corpus.Ref{Doc: m[1], Article: m[2], Point: m[3]})
	}
	return refs, len(refs) > 0 || strings.Contains(inner, "kz")
}

// check resolves a reference against the supplied passages. A point that
// is not itself supplied is accepted at article level when the passages
// hold its article: the article is what the reader is sent to.
func check(ref corpus.Ref, passages []Passage) citation {
	found := false
	for _, p := range passages {
		if p.Ref.Doc != ref.Doc || p.Ref.Article != ref.Article {
			continue
		}
		if ref.Point == "" || p.Ref.Point == "" || p.Ref.Point == ref.Point {
			return citation{Ref: ref, OK: true}
		}
		found = true
	}
	if found {
		return citation{Ref: corpus.Ref{Doc: ref.Doc, Article: ref.Article}, OK: true}
	}
	return citation{Ref: ref}
}

// checked is the model's text made safe to show.
type checked struct {
	Body    string       // citations rendered for the reader, invalid ones removed
	Sources []corpus.Ref // valid references in order of first use
	Invalid []corpus.Ref // references that matched no passage
	Dropped int          // sentences removed for naming an unsupplied article
}

// checkText renders the raw model text for lang: each valid citation
// becomes "(ст. 17, п. 2)", each invalid one is removed, and sentences that
// name an article outside the passages in free text are dropped.
func checkText(raw string, passages []Passage, lang corpus.Lang) checked {
	var out checked
	text, dropped := dropUnsupportedSentences(raw, passages)
	out.Dropped = dropped
	seen := map[corpus.Ref]bool{}
	var b strings.Builder
	last := 0
	for _, loc := range bracketRe.FindAllStringSubmatchIndex(text, -1) {
		refs, isCitation := parseBracket(text[loc[2]:loc[3]])
		if !isCitation {
			continue
		}
		b.WriteString(text[last:loc[0]])
		last = loc[1]
		var shown []string
		for _, r := range refs {
			c := check(r, passages)
			if !c.OK {
				out.Invalid = append(out.Invalid, r)
				continue
			}
			if !seen[c.Ref] {
				seen[c.Ref] = true
				out.Sources = append(out.Sources, c.Ref)
			}
			if f := c.Ref.Format(lang); !slices.Contains(shown, f) {
				shown = append(shown, f)
			}
		}
		if len(shown) == 0 {
			trimTrailingSpace(&b)
			continue
		}
		if s := b.String(); s != "" && !unicode.IsSpace(rune(s[len(s)-1])) {
			b.WriteByte(' ')
		}
		b.WriteString("(" + strings.Join(shown, "; ") + ")")
	}
	b.WriteString(text[last:])
	out.Body = tidy(b.String())
	return out
}

// dropUnsupportedSentences removes sentences that mention, in free text,
// an article that is not among the passages.
func dropUnsupportedSentences(text string, passages []Passage) (string, int) {
	if len(freeRefs(text)) == 0 {
		return text, 0
	}
	supplied := map[string]bool{}
	for _, p := range passages {
		supplied[p.Ref.Article] = true
	}
	var b strings.Builder
	dropped := 0
	for _, s := range splitSentences(text) {
		bad := false
		for _, n := range freeRefs(s) {
			if !supplied[n] {
				bad = true
			}
		}
		if bad {
			dropped++
			continue
		}
		b.WriteString(s)
	}
	return b.String(), dropped
}

// freeRefs finds article numbers written out instead of cited ("статья 99",
// "ст. 99", "99-бап", "99-бабында"): they cannot be checked against a
// passage id.
func freeRefs(s string) []string {
	var out []string
	for _, m := range numberSpans(s) {
		before := strings.ToLower(strings.TrimRight(s[max(0, m[0]-24):m[0]], " \u00a0"))
		word := before[strings.LastIndexAny(before, " (\n")+1:]
		after := strings.TrimLeft(s[m[1]:min(len(s), m[1]+8)], " -")
		if word == "ст." || strings.HasPrefix(word, "стать") || word == "статей" ||
			strings.HasPrefix(after, "бап") || strings.HasPrefix(after, "баб") {
			out = append(out, s[m[0]:m[1]])
		}
	}
	return out
}

// numberSpans finds the runs of ASCII digits in s, taking "83-1" as one.
func numberSpans(s string) [][2]int {
	var out [][2]int
	isDigit := func(i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for i := 0; i < len(s); i++ {
		if !isDigit(i) {
			continue
		}
		start := i
		for isDigit(i) {
			i++
		}
		if i+1 < len(s) && s[i] == '-' && isDigit(i+1) {
			for i++; isDigit(i); i++ {
			}
		}
		out = append(out, [2]int{start, i})
	}
	return out
}

// splitSentences cuts text after ".", "!", "?" or a line break, keeping
// every character, so that joining the parts gives the text back. A dot
// after a number or an abbreviation ("ст. 17", "1995 ж.") ends nothing.
func splitSentences(text string) []string {
	var out []string
	start := 0
	rs := []rune(text)
	for i, r := range rs {
		end := r == '\n' || ((r == '.' || r == '!' || r == '?') && (i+1 == len(rs) || unicode.IsSpace(rs[i+1])))
		if end && r == '.' && i+1 < len(rs) && abbreviation(rs[start:i]) {
			end = false
		}
		if end {
			j := i + 1
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
			out = append(out, string(rs[start:j]))
			start = j
		}
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out
}

// abbreviations end with a dot inside a sentence.
var abbreviations = map[string]bool{
	"ст": true, "стт": true, "п": true, "пп": true, "ч": true, "г": true, "гг": true,
	"ж": true, "т.е": true, "т.д": true, "т.п": true, "им": true, "см": true, "др": true,
}

// abbreviation reports whether the last word of s is a number or an
// abbreviation, so that a dot after it does not end the sentence.
func abbreviation(s []rune) bool {
	i := len(s)
	for i > 0 && !unicode.IsSpace(s[i-1]) && s[i-1] != '(' {
		i--
	}
	w := strings.ToLower(string(s[i:]))
	if w == "" {
		return false
	}
	if strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
		return true
	}
	return abbreviations[w]
}

// hideOpenCitation cuts a citation still being streamed ("… запрещена [kz20")
// so that partial text never shows raw tokens.
func hideOpenCitation(text string) string {
	i := strings.LastIndexByte(text, '[')
	if i >= 0 && !strings.Contains(text[i:], "]") {
		return strings.TrimRight(text[:i], " ")
	}
	return text
}

func trimTrailingSpace(b *strings.Builder) {
	s := b.String()
	if t := strings.TrimRight(s, " \t"); len(t) != len(s) {
		b.Reset()
		b.WriteString(t)
	}
}

var (
	markdownHeading = regexp.MustCompile(`(?m)^#{1,6} *`)
	blankLines      = regexp.MustCompile(`\n{3,}`)
)

// tidy removes what deleted citations leave behind (spaces before
// punctuation, doubled spaces, blank lines) and the Markdown a model adds
// despite the prompt, which messengers would show as stray characters.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	if strings.Contains(s, "#") {
		s = markdownHeading.ReplaceAllString(s, "")
	}
	if strings.Contains(s, "\n\n\n") {
		s = blankLines.ReplaceAllString(s, "\n\n")
	}
	s = dropSpaceBeforePunct(s)
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return strings.TrimSpace(s)
}

// dropSpaceBeforePunct turns "запрещена ." into "запрещена.".
func dropSpaceBeforePunct(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			j := i
			for j < len(s) && s[j] == ' ' {
				j++
			}
			if j < len(s) && strings.IndexByte(".,;:!?", s[j]) >= 0 {
				i = j - 1
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
