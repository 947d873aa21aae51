package answer

import (
	"strings"

	"atazan/corpus"
	"atazan/rag/textkit"
)

// reading is a request read for answering: what is asked, in which
// language and script, and how it stands to the conversation.
type reading struct {
	lang  corpus.Lang
	latin bool // a Latin-script Kazakh question: the bot's words go in Latin too
	kind  kind
	// terms are the question's own search keys; for an instruction, the
	// keys of the claim it wants stated.
	terms []string
	// context are the keys of the question a follow-up continues.
	context     []string
	followUp    bool
	instruction bool
	compare     bool
}

// followUpTerms: a question with fewer keys of its own continues the
// previous one even without "а…" or "…ше?".
const followUpTerms = 3

func read(req Request) reading {
	lang := answerLang(req.Lang)
	det := textkit.Detect(req.Question)
	rd := reading{lang: lang, latin: lang == corpus.KK && det.Latin, kind: kindOf(req.Question)}

	text := req.Question
	if claim, ok := instructionClaim(text); ok {
		rd.instruction = true
		text = claim
	}
	rd.terms = textkit.Terms(text, textLang(lang))

	if n := len(req.History); n > 0 && !rd.instruction {
		prev := req.History[n-1].Question
		rd.followUp = len(rd.terms) < followUpTerms || continues(req.Question)
		if rd.followUp {
			rd.context = textkit.Terms(prev, textLang(lang))
			if rd.kind == kindGeneral {
				rd.kind = kindOf(prev)
			}
		}
	}
	rd.compare = req.Compare && (comparesDocs(req.Question) ||
		rd.followUp && comparesDocs(req.History[len(req.History)-1].Question))
	return rd
}

// comparesDocs reports whether a question asks about the two
// constitutions side by side ("что изменилось", "1995 жылғы…").
func comparesDocs(question string) bool {
	q := strings.ToLower(question)
	for _, n := range book.NotComparison {
		q = strings.ReplaceAll(q, n, " ")
	}
	return hasMarker(q, book.Comparison)
}

func textLang(lang corpus.Lang) textkit.Lang {
	if lang == corpus.KK {
		return textkit.Kazakh
	}
	return textkit.Russian
}

// continues reports whether a question opens like a follow-up ("а если…",
// "ал…") or ends with the Kazakh "…ше?".
func continues(question string) bool {
	ws := textkit.Words(question)
	if len(ws) == 0 {
		return false
	}
	first, last := textkit.Fold(ws[0]), textkit.Fold(ws[len(ws)-1])
	for _, o := range book.FollowUp.Openers {
		if f := foldedMarker(o); f == first || (strings.Contains(f, " ") && strings.HasPrefix(foldText(question), f+" ")) {
			return true
		}
	}
	for _, e := range book.FollowUp.Endings {
		if textkit.Fold(e) == last {
			return true
		}
	}
	return false
}

// instructionClaim finds a request to write or confirm something ("напиши,
// что президента можно избирать два раза") and returns the claim.
func instructionClaim(text string) (string, bool) {
	lower := strings.ToLower(text)
	for _, m := range book.Instructions {
		i := strings.Index(lower, m)
		if i < 0 {
			continue
		}
		claim := strings.TrimSpace(lower[:i] + " " + lower[i+len(m):])
		return strings.TrimFunc(claim, func(r rune) bool { return !isWordRune(r) }), true
	}
	// Latin-script Kazakh: the marker is matched on the folded text.
	folded := foldText(text)
	for _, m := range book.Instructions {
		if f := foldedMarker(m); f != "" {
			if i := strings.Index(folded, f); i >= 0 {
				return strings.TrimSpace(folded[:i] + " " + folded[i+len(f):]), true
			}
		}
	}
	return "", false
}
