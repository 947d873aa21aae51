package answer

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"atazan/corpus"
)

// The model is asked to cite in one fixed form, [doc:article:point] or
// [doc:article], several separated by commas or semicolons:
// [kz2026:17:2; kz2026:18]. What it writes varies: other brackets, letters
// that look alike ("[КЗ2026:99]" in Cyrillic), bare ids, ids cut off at
// the end ("[kz2026:"). The check reads all of them so that none reaches
// a reader raw.
var (
	// bracketRe is one bracketed span on one line.
	bracketRe = regexp.MustCompile(`[\[【〔(]([^\[\]【】〔〕()\n]{0,160})[\]】〕)]`)
	// citeIDRe is one id in folded text (foldID).
	citeIDRe = regexp.MustCompile(`kz\s*[-_]?\s*(\d{4})(?:\s*[:.]\s*(\d{1,3}(?:-\d{1,2})?)(?:\s*[:.]\s*(\d{1,3}))?)?`)
	// bareIDRe is an id outside brackets, look-alike letters included.
	bareIDRe = regexp.MustCompile(`[kKкК][zZзЗ] ?[-_]?\d{4}(?:\s*:\s*\d{1,3}(?:-\d{1,2})?(?:\s*:\s*\d{1,3})?)?:?`)
	// openIDRe is an opened bracket whose id is never closed: "[kz2026:".
	openIDRe = regexp.MustCompile(`[\[【〔(] *[kKкК][zZзЗ][\d :;,.kKкКzZзЗ-]*`)
	// openEndRe is the start of an id cut off by the end of the text: "[", "[k", "[kz20".
	openEndRe = regexp.MustCompile(`^[\[【〔] *(?:[kKкК][zZзЗ]?[\d :;,.kKкКzZзЗ-]*)?$`)
	// kzRe tells a bracket that holds an id from ordinary text in brackets.
	kzRe = regexp.MustCompile(`kz\s*[-_]?\s*\d|^\s*kz\s*$`)
	// joinRe is what may stand between two citations of one group.
	joinRe = regexp.MustCompile(`^(?i)[\s,;]*(?:(?:и|and|or|или|және|мен|бен|пен|немесе|также|а также)[\s,;]*)?$`)
)

// citation is one reference found in the model's text.
type citation struct {
	Ref corpus.Ref
	OK  bool // it points at a supplied passage (Ref may then be widened to the article)
}

// foldID undoes what makes an id look right but read wrong: full-width
// forms, Cyrillic "К", "З" and look-alike colons, upper case.
func foldID(s string) string {
	s = width.Fold.String(s)
	return strings.Map(func(r rune) rune {
		switch r {
		case 'к', 'К', 'κ', 'Κ':
			return 'k'
		case 'з', 'З', 'ʐ':
			return 'z'
		case '∶', '꞉', '˸':
			return ':'
		}
		return unicode.ToLower(r)
	}, s)
}

// parseBracket reads the references in the text between brackets. It
// reports ok=false when the bracket holds no id at all (it is then
// ordinary text, left as written); malformed ids in a bracket that holds
// one are dropped.
func parseBracket(inner string) (refs []corpus.Ref, ok bool) {
	folded := foldID(inner)
	if !kzRe.MatchString(folded) {
		return nil, false
	}
	return parseIDs(folded), true
}

// parseIDs reads every complete id in folded text.
func parseIDs(folded string) []corpus.Ref {
	var refs []corpus.Ref
	for _, m := range citeIDRe.FindAllStringSubmatch(folded, -1) {
		if m[2] != "" {
			refs = append(refs, corpus.Ref{Doc: "kz" + m[1], Article: m[2], Point: m[3]})
		}
	}
	return refs
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
	Body    string       // citations rendered for the reader, unsupported sentences removed
	Sources []corpus.Ref // valid references in order of first use
	Invalid []corpus.Ref // references that matched no passage
	Dropped int          // sentences removed: unsupported, wrong language, repeated
	// Truncated is set when sentences past maxBodyRunes were left out: the
	// model ran away.
	Truncated bool
}

// group is one citation as the model placed it: one or more ids in one
// or more adjacent brackets ("[kz2026:17:3] и [kz2026:18]").
type group struct {
	refs []corpus.Ref
	// raw is set for what cannot be rendered: an id never closed, or a
	// document id with no article ("в kz2026 сказано").
	raw bool
}

// Groups are marked in the text by one rune each from a private-use
// plane, so that sentence splitting and the search for free-text article
// numbers see ordinary text around them.
const markBase = 0xF0000

func isMark(r rune) bool { return r >= markBase && r <= 0xFFFFD }

// checkText renders the raw model text for lang, sentence by sentence.
// Each valid citation becomes "(ст. 17, п. 2)" and invalid ones vanish. A
// sentence is dropped when all its citations are invalid, when it names
// in free text an article outside the passages ("статья 99", "Art. 96"),
// when it holds a token that cannot be rendered, when it is not written
// in the answer's script, or when it repeats an earlier one. Sentences
// after maxBodyRunes are left out.
func checkText(raw string, passages []Passage, lang corpus.Lang) checked {
	var out checked
	text, groups := markCitations(raw)
	supplied := map[string]bool{}
	for _, p := range passages {
		supplied[p.Ref.Article] = true
	}
	seenRef := map[corpus.Ref]bool{}
	seenSentence := map[string]bool{}
	var b strings.Builder
	shown := 0 // runes in b
	for _, s := range attachCitations(splitSentences(text)) {
		body, refs, invalid, ok := renderSentence(s, groups, passages, supplied, lang)
		out.Invalid = append(out.Invalid, invalid...)
		key := sentenceKey(body)
		if !ok || (key != "" && seenSentence[key]) {
			out.Dropped++
			continue
		}
		if n := runeLen(body); shown+n > maxBodyRunes {
			out.Truncated = true
			break
		}
		seenSentence[key] = key != ""
		b.WriteString(body)
		shown += runeLen(body)
		for _, r := range refs {
			if !seenRef[r] {
				seenRef[r] = true
				out.Sources = append(out.Sources, r)
			}
		}
	}
	out.Body = tidy(b.String())
	return out
}

// markCitations replaces every citation group in raw by a mark rune and
// returns the groups in mark order.
func markCitations(raw string) (string, []group) {
	raw = strings.Map(func(r rune) rune {
		if isMark(r) {
			return -1 // the model's own private-use runes would pose as marks
		}
		return r
	}, raw)
	type span struct {
		start, end int
		g          group
	}
	var spans []span
	covered := func(i int) bool {
		for _, s := range spans {
			if i >= s.start && i < s.end {
				return true
			}
		}
		return false
	}
	for _, loc := range bracketRe.FindAllStringSubmatchIndex(raw, -1) {
		refs, ok := parseBracket(raw[loc[2]:loc[3]])
		if ok {
			spans = append(spans, span{loc[0], loc[1], group{refs: refs, raw: len(refs) == 0}})
		}
	}
	for _, loc := range openIDRe.FindAllStringIndex(raw, -1) {
		if !covered(loc[0]) {
			spans = append(spans, span{loc[0], loc[1], group{raw: true}})
		}
	}
	if i := strings.LastIndexAny(raw, "[【〔"); i >= 0 && !covered(i) && openEndRe.MatchString(raw[i:]) {
		spans = append(spans, span{i, len(raw), group{raw: true}})
	}
	for _, loc := range bareIDRe.FindAllStringIndex(raw, -1) {
		if covered(loc[0]) || (loc[0] > 0 && isWordRune(lastRune(raw[:loc[0]]))) {
			continue
		}
		refs := parseIDs(foldID(raw[loc[0]:loc[1]]))
		spans = append(spans, span{loc[0], loc[1], group{refs: refs, raw: len(refs) == 0}})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })

	// Adjacent citations joined by "," or "и" are one group: removing an
	// invalid one must not leave "и и" or ", ," behind.
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && joinRe.MatchString(raw[merged[n-1].end:s.start]) {
			last := &merged[n-1]
			last.end = s.end
			last.g.refs = append(last.g.refs, s.g.refs...)
			last.g.raw = last.g.raw && s.g.raw
			continue
		}
		merged = append(merged, s)
	}

	var b strings.Builder
	groups := make([]group, 0, len(merged))
	last := 0
	for i, s := range merged {
		if i >= 0xFFFFD-markBase {
			break
		}
		b.WriteString(raw[last:s.start])
		b.WriteRune(rune(markBase + i))
		groups = append(groups, s.g)
		last = s.end
	}
	b.WriteString(raw[last:])
	return b.String(), groups
}

// attachCitations moves a citation that opens a sentence to the end of
// the sentence before it ("Казнь запрещена. [kz2026:17:3] Пытки…"): it
// supports what precedes it.
func attachCitations(sentences []string) []string {
	var out []string
	for _, s := range sentences {
		lead := 0
		for i, r := range s {
			if !isMark(r) && !unicode.IsSpace(r) {
				break
			}
			lead = i + len(string(r))
		}
		marks := strings.TrimSpace(s[:lead])
		if len(out) == 0 || marks == "" {
			out = append(out, s)
			continue
		}
		prev := out[len(out)-1]
		body := strings.TrimRightFunc(prev, unicode.IsSpace)
		tail := prev[len(body):]
		end := len(body)
		if r := lastRune(body); r == '.' || r == '!' || r == '?' {
			end -= len(string(r))
		}
		out[len(out)-1] = body[:end] + " " + marks + body[end:] + tail
		if rest := s[lead:]; rest != "" {
			out = append(out, rest)
		}
	}
	return out
}

// renderSentence renders one sentence and says whether it may be shown.
func renderSentence(s string, groups []group, passages []Passage, supplied map[string]bool, lang corpus.Lang) (body string, refs, invalid []corpus.Ref, ok bool) {
	var b, plain strings.Builder
	cited, valid, raw := false, 0, false
	for _, r := range s {
		if !isMark(r) {
			b.WriteRune(r)
			plain.WriteRune(r)
			continue
		}
		plain.WriteByte(' ')
		g := groups[r-markBase]
		cited = true
		raw = raw || g.raw
		var shown []string
		for _, ref := range g.refs {
			c := check(ref, passages)
			if !c.OK {
				invalid = append(invalid, ref)
				continue
			}
			valid++
			refs = append(refs, c.Ref)
			if f := c.Ref.Format(lang); !slices.Contains(shown, f) {
				shown = append(shown, f)
			}
		}
		if len(shown) > 0 {
			if t := b.String(); t != "" && !unicode.IsSpace(lastRune(t)) {
				b.WriteByte(' ')
			}
			b.WriteString("(" + strings.Join(shown, "; ") + ")")
		}
	}
	switch {
	case raw, cited && valid == 0:
		return "", nil, invalid, false
	case !scriptFits(plain.String()):
		return "", nil, invalid, false
	}
	for _, n := range articleMentions(plain.String()) {
		if !supplied[n] {
			return "", nil, invalid, false
		}
	}
	return b.String(), refs, invalid, true
}

// sentenceLetters is how many letters a sentence needs before its script
// is judged: "OK." or "Курултай (Kurultai)" say nothing about the language.
const sentenceLetters = 12

// scriptFits reports whether a sentence is written in Cyrillic, as both
// Kazakh and Russian answers are.
func scriptFits(s string) bool {
	letters, cyr := letterCounts(s)
	return letters < sentenceLetters || float64(cyr) >= minCyrillic*float64(letters)
}

// sentenceKey is what two sentences share when one repeats the other.
func sentenceKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func lastRune(s string) rune {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0
	}
	return rs[len(rs)-1]
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
	"ст": true, "стт": true, "ст.ст": true, "п": true, "пп": true, "п.п": true, "ч": true, "г": true, "гг": true,
	"ж": true, "т.е": true, "т.д": true, "т.п": true, "им": true, "см": true, "др": true,
	"art": true, "arts": true, "no": true, "nr": true,
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

var (
	markdownHeading = regexp.MustCompile(`(?m)^#{1,6} *`)
	blankLines      = regexp.MustCompile(`\n{3,}`)
	// doubledWord is "и и", "and and", "және және" left where a citation
	// between two conjunctions was removed.
	doubledWord = regexp.MustCompile(`(?i)(^|[\s(])(и|and|or|или|және|мен|немесе)(\s+(?:и|and|or|или|және|мен|немесе))+([\s.,;:!?)]|$)`)
	// danglingWord is a conjunction or preposition left before punctuation
	// or the end of the text: "запрещена и ." from "запрещена и [kz2026:99].".
	danglingWord = regexp.MustCompile(`(?i)\s+(?:и|and|or|или|және|мен|немесе|согласно|см\.|according to)(\s*[.,;:!?)]|\s*$)`)
	emptyParens  = regexp.MustCompile(`\(\s*[,;]?\s*\)`)
	doubledPunct = regexp.MustCompile(`([,;])(\s*[,;])+`)
)

// tidy removes what deleted citations leave behind (spaces before
// punctuation, doubled spaces and conjunctions, blank lines) and the
// Markdown a model adds despite the prompt, which messengers would show
// as stray characters.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	if strings.Contains(s, "#") {
		s = markdownHeading.ReplaceAllString(s, "")
	}
	s = emptyParens.ReplaceAllString(s, "")
	s = doubledWord.ReplaceAllString(s, "$1$2$4")
	s = danglingWord.ReplaceAllString(s, "$1")
	s = doubledPunct.ReplaceAllString(s, "$1")
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
