package answer

import (
	_ "embed"
	"fmt"
	"strings"
	"text/template"

	"atazan/corpus"
	"atazan/rag/llm"
)

//go:embed prompts/system.txt
var systemPrompt string

// historyTurns and historyRunes bound how much of the chat goes back to the
// model: enough to resolve "а в старой?" without paying for old answers.
const (
	historyTurns = 3
	historyRunes = 600
)

// prompter builds the messages for one request.
type prompter struct {
	system *template.Template
}

func newPrompter() prompter {
	return prompter{system: template.Must(template.New("system").Parse(systemPrompt))}
}

// messages lays out the request: the rules, earlier turns, then one user
// message where passages and question are fenced as data. The user's words
// are escaped so they cannot close a fence, open a passage or carry a
// ready-made citation.
func (p prompter) messages(req Request) ([]llm.Message, error) {
	var sys strings.Builder
	err := p.system.Execute(&sys, struct {
		Language string
		Compare  bool
	}{languageName(req.Lang), req.Compare})
	if err != nil {
		return nil, fmt.Errorf("rendering system prompt: %w", err)
	}
	msgs := []llm.Message{{Role: llm.RoleSystem, Content: sys.String()}}

	history := req.History
	if len(history) > historyTurns {
		history = history[len(history)-historyTurns:]
	}
	for _, t := range history {
		msgs = append(msgs,
			llm.Message{Role: llm.RoleUser, Content: "<question>\n" + userText(t.Question) + "\n</question>"},
			llm.Message{Role: llm.RoleAssistant, Content: userText(truncate(t.Answer, historyRunes))})
	}

	var b strings.Builder
	b.WriteString("<passages>\n")
	for _, ps := range req.Passages {
		fmt.Fprintf(&b, "<passage id=%q heading=%q>\n%s\n</passage>\n",
			citationID(ps.Ref), fenced(ps.Heading), fenced(ps.Text))
	}
	b.WriteString("</passages>\n\n<question>\n")
	b.WriteString(userText(req.Question))
	b.WriteString("\n</question>")
	msgs = append(msgs, llm.Message{Role: llm.RoleUser, Content: b.String()})
	return msgs, nil
}

// citationID is the form the model cites a passage by: "kz2026:17:3".
func citationID(r corpus.Ref) string {
	if r.Point == "" {
		return r.Doc + ":" + r.Article
	}
	return r.Doc + ":" + r.Article + ":" + r.Point
}

func languageName(lang corpus.Lang) string {
	if lang == corpus.KK {
		return "Kazakh (Cyrillic script)"
	}
	return "Russian"
}

// fenced keeps text from breaking out of its tag.
func fenced(s string) string {
	return strings.NewReplacer("<", "‹", ">", "›").Replace(s)
}

// userText also turns square brackets into round ones, so a citation
// typed by the user is never in the form the model is asked to copy.
func userText(s string) string {
	return strings.NewReplacer("<", "‹", ">", "›", "[", "(", "]", ")").Replace(strings.TrimSpace(s))
}

func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}
