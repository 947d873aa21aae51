package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Answer is one question and the bot's answer to it. Answers are the recent
// turns of a chat, the question log behind /stats, and what feedback is about.
type Answer struct {
	ID       string
	Platform string
	ChatID   string
	UserID   string
	Lang     string
	Mode     string // llm, extractive, abstain
	Question string
	Text     string   // the answer as plain text
	Sources  []string // citations, machine form ("kz2026/17/2")
	Created  time.Time
}

const answerColumns = `id, platform, chat_id, user_id, lang, mode, question, answer, citations, created`

const (
	qNewUser = `INSERT INTO users (platform, user_id, lang, created) VALUES (?, ?, '', ?)
		ON CONFLICT (platform, user_id) DO NOTHING`
	qSaveAnswer = `INSERT INTO answers (` + answerColumns + `, question_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// SaveAnswer stores an answer, and the user as first seen now if new.
func (s *Store) SaveAnswer(ctx context.Context, a Answer) error {
	return s.write(ctx, normal, func() error { return s.saveAnswer(ctx, a) })
}

func (s *Store) saveAnswer(ctx context.Context, a Answer) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("saving answer %s: %w", a.ID, err)
	}
	defer tx.Rollback()
	if _, err := s.txExec(ctx, tx, qNewUser, a.Platform, a.UserID, millis(a.Created)); err != nil {
		return fmt.Errorf("saving user of answer %s: %w", a.ID, err)
	}
	if _, err := s.txExec(ctx, tx, qSaveAnswer,
		a.ID, a.Platform, a.ChatID, a.UserID, a.Lang, a.Mode, a.Question, a.Text,
		strings.Join(a.Sources, " "), millis(a.Created), questionKey(a.Question)); err != nil {
		return fmt.Errorf("saving answer %s: %w", a.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("saving answer %s: %w", a.ID, err)
	}
	return nil
}

// Answer returns a stored answer, or ErrNotFound.
func (s *Store) Answer(ctx context.Context, id string) (Answer, error) {
	rows, err := s.query(ctx, `SELECT `+answerColumns+` FROM answers WHERE id = ?`, id)
	if err != nil {
		return Answer{}, fmt.Errorf("reading answer %s: %w", id, err)
	}
	list, err := scanAnswers(rows)
	if err != nil {
		return Answer{}, fmt.Errorf("reading answer %s: %w", id, err)
	}
	if len(list) == 0 {
		return Answer{}, fmt.Errorf("answer %s: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// RecentTurns returns up to n of the user's latest answers in the chat made
// after since, oldest first: the context of a follow-up question.
func (s *Store) RecentTurns(ctx context.Context, platform, chatID, userID string, n int, since time.Time) ([]Answer, error) {
	if n <= 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT `+answerColumns+` FROM answers
		WHERE platform = ? AND chat_id = ? AND user_id = ? AND created >= ?
		ORDER BY created DESC LIMIT ?`, platform, chatID, userID, millis(since), n)
	if err != nil {
		return nil, fmt.Errorf("reading recent turns: %w", err)
	}
	list, err := scanAnswers(rows)
	if err != nil {
		return nil, fmt.Errorf("reading recent turns: %w", err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list, nil
}

func scanAnswers(rows *sql.Rows) ([]Answer, error) {
	defer rows.Close()
	var out []Answer
	for rows.Next() {
		var a Answer
		var sources string
		var created int64
		if err := rows.Scan(&a.ID, &a.Platform, &a.ChatID, &a.UserID, &a.Lang, &a.Mode, &a.Question, &a.Text, &sources, &created); err != nil {
			return nil, err
		}
		a.Sources = strings.Fields(sources)
		a.Created = fromMillis(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// questionKey folds a question so that the same question asked twice
// counts once in the top list: lower case, letters and digits only.
func questionKey(q string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(q) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// Vote records a user's 👍 (+1) or 👎 (-1) on an answer; voting again replaces the vote.
func (s *Store) Vote(ctx context.Context, answerID, platform, userID string, vote int, now time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO feedback (answer_id, platform, user_id, vote, created) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (answer_id, platform, user_id) DO UPDATE SET vote = excluded.vote, created = excluded.created`,
		answerID, platform, userID, vote, millis(now))
	if err != nil {
		if _, lookErr := s.Answer(ctx, answerID); errors.Is(lookErr, ErrNotFound) {
			return fmt.Errorf("voting on answer %s: %w", answerID, ErrNotFound)
		}
		return fmt.Errorf("voting on answer %s: %w", answerID, err)
	}
	return nil
}

// Feedback is one vote with the answer it is about.
type Feedback struct {
	Answer Answer
	Vote   int
	Voter  string // UserKey of who voted
	At     time.Time
}

// Feedback lists all votes, newest first, with their questions, answers and citations.
func (s *Store) Feedback(ctx context.Context) ([]Feedback, error) {
	rows, err := s.query(ctx, `SELECT a.id, a.platform, a.chat_id, a.user_id, a.lang, a.mode, a.question, a.answer, a.citations, a.created,
			f.vote, f.platform, f.user_id, f.created
		FROM feedback f JOIN answers a ON a.id = f.answer_id
		ORDER BY f.created DESC`)
	if err != nil {
		return nil, fmt.Errorf("reading feedback: %w", err)
	}
	defer rows.Close()
	var out []Feedback
	for rows.Next() {
		var f Feedback
		var sources, vp, vu string
		var created, at int64
		a := &f.Answer
		if err := rows.Scan(&a.ID, &a.Platform, &a.ChatID, &a.UserID, &a.Lang, &a.Mode, &a.Question, &a.Text, &sources, &created,
			&f.Vote, &vp, &vu, &at); err != nil {
			return nil, fmt.Errorf("reading feedback: %w", err)
		}
		a.Sources = strings.Fields(sources)
		a.Created = fromMillis(created)
		f.Voter = UserKey(vp, vu)
		f.At = fromMillis(at)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading feedback: %w", err)
	}
	return out, nil
}
