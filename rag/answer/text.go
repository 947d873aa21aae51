package answer

import "strings"

// Text renders the result as plain text, the way the console and
// "atazan ask" show it: lead, body, each quote with its reference (under
// its document label in comparisons), note, and the sources last.
// Messenger adapters may format the same fields richer.
func (r Result) Text() string {
	var parts []string
	if r.Lead != "" {
		parts = append(parts, r.Lead)
	}
	if r.Body != "" {
		parts = append(parts, r.Body)
	}
	var quotes strings.Builder
	label := ""
	for i, q := range r.Quotes {
		if q.Label != "" && q.Label != label {
			if i > 0 {
				quotes.WriteByte('\n')
			}
			quotes.WriteString(q.Label + ":\n")
			label = q.Label
		}
		quotes.WriteString("«" + q.Text + "» (" + formatRef(q.Ref, r.Lang, r.Latin) + ")\n")
	}
	if quotes.Len() > 0 {
		parts = append(parts, strings.TrimRight(quotes.String(), "\n"))
	}
	if r.Note != "" {
		parts = append(parts, r.Note)
	}
	if len(r.Sources) > 0 {
		refs := make([]string, len(r.Sources))
		for i, s := range r.Sources {
			refs[i] = formatRef(s, r.Lang, r.Latin)
		}
		label := phrasesFor(answerLang(r.Lang)).Sources
		if r.Latin {
			label = toLatin(label)
		}
		parts = append(parts, label+": "+strings.Join(refs, "; ")+".")
	}
	return strings.Join(parts, "\n\n")
}
