package store

import (
	"context"
	"fmt"
	"time"
)

// Stats summarises the question log for admins.
type Stats struct {
	Today, Week int
	ByLang      map[string]int // this week
	Top         []QuestionCount
	Disliked    []Answer // answers with a 👎, newest first
}

// QuestionCount is a question asked Count times this week.
type QuestionCount struct {
	Question string
	Count    int
}

// Stats counts questions since dayStart and weekStart and lists the top
// questions of the week and up to limit disliked answers.
func (s *Store) Stats(ctx context.Context, dayStart, weekStart time.Time, limit int) (Stats, error) {
	st := Stats{ByLang: map[string]int{}}
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM answers WHERE created >= ?`, millis(dayStart)).Scan(&st.Today); err != nil {
		return st, fmt.Errorf("counting today's questions: %w", err)
	}
	rows, err := s.query(ctx, `SELECT lang, COUNT(*) FROM answers WHERE created >= ? GROUP BY lang`, millis(weekStart))
	if err != nil {
		return st, fmt.Errorf("counting questions by language: %w", err)
	}
	for rows.Next() {
		var lang string
		var n int
		if err := rows.Scan(&lang, &n); err != nil {
			rows.Close()
			return st, fmt.Errorf("counting questions by language: %w", err)
		}
		st.ByLang[lang] = n
		st.Week += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("counting questions by language: %w", err)
	}

	// MIN(question) shows one spelling of the questions folded together.
	rows, err = s.query(ctx, `SELECT MIN(question), COUNT(*) AS n FROM answers WHERE created >= ?
		GROUP BY question_key ORDER BY n DESC, MIN(question) LIMIT ?`, millis(weekStart), limit)
	if err != nil {
		return st, fmt.Errorf("listing top questions: %w", err)
	}
	for rows.Next() {
		var qc QuestionCount
		if err := rows.Scan(&qc.Question, &qc.Count); err != nil {
			rows.Close()
			return st, fmt.Errorf("listing top questions: %w", err)
		}
		st.Top = append(st.Top, qc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("listing top questions: %w", err)
	}

	rows, err = s.query(ctx, `SELECT `+answerColumns+` FROM answers
		WHERE id IN (SELECT answer_id FROM feedback WHERE vote < 0)
		ORDER BY created DESC LIMIT ?`, limit)
	if err != nil {
		return st, fmt.Errorf("listing disliked answers: %w", err)
	}
	if st.Disliked, err = scanAnswers(rows); err != nil {
		return st, fmt.Errorf("listing disliked answers: %w", err)
	}
	return st, nil
}
