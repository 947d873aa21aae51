// Package proposals collects citizens' proposals on articles of the
// Constitution and carries the accepted ones into the comparative table
// ("сравнительная таблица": current wording | proposed wording |
// justification) that Kazakh law-making uses. It holds the steps of writing
// a proposal, the grouping of near-duplicates for moderators, and the table
// with its DOCX, CSV and HTML writers. Messengers and storage stay outside:
// the conversation core drives the steps and bot/store keeps the rows.
package proposals

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"atazan/bot/store"
)

// Step is where a draft is: waiting for the wording, for the justification,
// or for the author's confirmation of the preview.
type Step string

// The steps of writing a proposal, in order.
const (
	StepWording       Step = "wording"
	StepJustification Step = "justification"
	StepPreview       Step = "preview"
)

// Limits bound what one user may send.
type Limits struct {
	MaxWording       int           // runes
	MaxJustification int           // runes
	PerDay           int           // proposals per user in 24 hours
	DraftTTL         time.Duration // a draft untouched this long is dropped
}

// DefaultLimits are generous for a real proposal (the longest article point
// of the 2026 text is about 900 characters) and tight for a flood.
func DefaultLimits() Limits {
	return Limits{MaxWording: 2000, MaxJustification: 1000, PerDay: 5, DraftTTL: time.Hour}
}

// Errors of text a user sent for a step.
var (
	ErrEmpty      = errors.New("empty text")
	ErrUnreadable = errors.New("unreadable text")
)

// TooLongError says a text is over its limit.
type TooLongError struct{ Max, Got int }

func (e *TooLongError) Error() string {
	return fmt.Sprintf("text of %d characters, more than %d", e.Got, e.Max)
}

// CheckText cleans what a user wrote for a step: trimmed, not empty, valid
// UTF-8 without control characters (a pasted binary), within max runes.
func CheckText(text string, max int) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", ErrEmpty
	}
	if !utf8.ValidString(text) {
		return "", ErrUnreadable
	}
	for _, r := range text {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return "", ErrUnreadable
		}
	}
	if n := utf8.RuneCountInString(text); max > 0 && n > max {
		return "", &TooLongError{Max: max, Got: n}
	}
	return text, nil
}

// Fill takes what the user wrote for the draft's current step and moves the
// draft on; a text that fails CheckText leaves the draft as it was.
func Fill(d *store.ProposalDraft, text string, lim Limits) error {
	switch Step(d.Step) {
	case StepWording:
		clean, err := CheckText(text, lim.MaxWording)
		if err != nil {
			return err
		}
		d.Wording, d.Step = clean, string(StepJustification)
	case StepJustification:
		clean, err := CheckText(text, lim.MaxJustification)
		if err != nil {
			return err
		}
		d.Justification, d.Step = clean, string(StepPreview)
	default:
		return fmt.Errorf("a draft at step %q takes no text", d.Step)
	}
	return nil
}

// Skip leaves the current step empty and moves on.
func Skip(d *store.ProposalDraft) {
	switch Step(d.Step) {
	case StepWording:
		d.Wording, d.Step = "", string(StepJustification)
	case StepJustification:
		d.Justification, d.Step = "", string(StepPreview)
	}
}

// Empty reports a draft with nothing to propose.
func Empty(d store.ProposalDraft) bool { return d.Wording == "" && d.Justification == "" }

// target is "53", "53.2", "53-1", "53-1.2", "ст.53" or "53-бап".
var target = regexp.MustCompile(`^(?:ст\.?|статья|art\.?)?(\d{1,3}(?:-\d{1,2})?)(?:-бап|-bap)?(?:[.:](\d{1,2}))?$`)

// ParseTarget reads what follows "/propose": "53.2 text…" gives the
// article, the point if any, and the text after them with its line breaks,
// which may be empty. ok is false when the first word names no article.
func ParseTarget(args string) (article, point, text string, ok bool) {
	args = strings.TrimSpace(args)
	first, rest := args, ""
	if i := strings.IndexFunc(args, unicode.IsSpace); i >= 0 {
		first, rest = args[:i], strings.TrimSpace(args[i:])
	}
	m := target.FindStringSubmatch(strings.ToLower(strings.TrimRight(first, ",;")))
	if m == nil {
		return "", "", "", false
	}
	return m[1], m[2], rest, true
}
