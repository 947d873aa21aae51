package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// battleSchema is migration 3: the games of /battle and what happened in
// them. Scores are the sum of the points of a player's events, so a game
// stopped half-way still counts what was played.
const battleSchema = `
CREATE TABLE battle_games (
	id       TEXT PRIMARY KEY,
	platform TEXT NOT NULL,
	chat_id  TEXT NOT NULL,
	starter  TEXT NOT NULL,
	lang     TEXT NOT NULL,
	topic    TEXT NOT NULL,
	rounds   INTEGER NOT NULL,
	started  BIGINT NOT NULL,
	ended    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX battle_games_chat ON battle_games (platform, chat_id, started);
CREATE TABLE battle_events (
	game_id   TEXT NOT NULL REFERENCES battle_games (id) ON DELETE CASCADE,
	round     INTEGER NOT NULL,
	item      TEXT NOT NULL,
	kind      TEXT NOT NULL,
	user_id   TEXT NOT NULL,
	user_name TEXT NOT NULL,
	detail    TEXT NOT NULL,
	points    INTEGER NOT NULL,
	created   BIGINT NOT NULL
);
CREATE INDEX battle_events_game ON battle_events (game_id, created);
CREATE INDEX battle_events_user ON battle_events (user_id);
CREATE TABLE battle_reviews (
	item        TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	by_user     TEXT NOT NULL,
	created     BIGINT NOT NULL
);
`

// BattleGame is one /battle game.
type BattleGame struct {
	ID       string
	Platform string
	ChatID   string
	Starter  string // platform-prefixed user id
	Lang     string
	Topic    string
	Rounds   int
	Started  time.Time
	Ended    time.Time // zero while it runs
}

// BattleEvent is one move in a game: an answer, an opinion, a vote, or the
// bonus for the best argument.
type BattleEvent struct {
	GameID   string
	Round    int
	Item     string // the bank item's id
	Kind     string // answer, opinion, vote, best
	UserID   string // platform-prefixed: "tg:123"
	UserName string // as the messenger shows it, for the leaderboard
	Detail   string // the option chosen, the opinion, the argument voted for
	Points   int
	Created  time.Time
}

// BattleScore is a player's total in a chat.
type BattleScore struct {
	UserID   string
	UserName string
	Points   int
}

// StartBattle records a new game.
func (s *Store) StartBattle(ctx context.Context, g BattleGame) error {
	_, err := s.exec(ctx, `INSERT INTO battle_games (id, platform, chat_id, starter, lang, topic, rounds, started)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, g.ID, g.Platform, g.ChatID, g.Starter, g.Lang, g.Topic, g.Rounds, millis(g.Started))
	if err != nil {
		return fmt.Errorf("saving battle %s: %w", g.ID, err)
	}
	return nil
}

// EndBattle marks a game finished (or stopped).
func (s *Store) EndBattle(ctx context.Context, id string, at time.Time) error {
	if _, err := s.exec(ctx, `UPDATE battle_games SET ended = ? WHERE id = ?`, millis(at), id); err != nil {
		return fmt.Errorf("ending battle %s: %w", id, err)
	}
	return nil
}

// AddBattleEvents records moves of a game, all or none.
func (s *Store) AddBattleEvents(ctx context.Context, events ...BattleEvent) error {
	if len(events) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("saving battle events: %w", err)
	}
	defer tx.Rollback()
	for _, e := range events {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO battle_events (game_id, round, item, kind, user_id, user_name, detail, points, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), e.GameID, e.Round, e.Item, e.Kind, e.UserID, e.UserName, e.Detail, e.Points, millis(e.Created)); err != nil {
			return fmt.Errorf("saving a battle %s of game %s: %w", e.Kind, e.GameID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("saving battle events: %w", err)
	}
	return nil
}

// BattleGameOf returns a game by id, or the latest game in a chat when id
// is empty; ErrNotFound when there is none.
func (s *Store) BattleGameOf(ctx context.Context, platform, chatID, id string) (BattleGame, error) {
	query := `SELECT id, platform, chat_id, starter, lang, topic, rounds, started, ended FROM battle_games
		WHERE platform = ? AND chat_id = ? ORDER BY started DESC LIMIT 1`
	args := []any{platform, chatID}
	if id != "" {
		query = `SELECT id, platform, chat_id, starter, lang, topic, rounds, started, ended FROM battle_games
			WHERE platform = ? AND chat_id = ? AND id = ?`
		args = append(args, id)
	}
	var g BattleGame
	var started, ended int64
	err := s.queryRow(ctx, query, args...).Scan(&g.ID, &g.Platform, &g.ChatID, &g.Starter, &g.Lang, &g.Topic, &g.Rounds, &started, &ended)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return g, ErrNotFound
		}
		return g, fmt.Errorf("reading the battle of chat %s: %w", chatID, err)
	}
	g.Started = fromMillis(started)
	if ended != 0 {
		g.Ended = fromMillis(ended)
	}
	return g, nil
}

// BattleEvents returns a game's events in the order they happened.
func (s *Store) BattleEvents(ctx context.Context, gameID string) ([]BattleEvent, error) {
	rows, err := s.query(ctx, `SELECT round, item, kind, user_id, user_name, detail, points, created FROM battle_events
		WHERE game_id = ? ORDER BY created, round`, gameID)
	if err != nil {
		return nil, fmt.Errorf("reading battle %s: %w", gameID, err)
	}
	defer rows.Close()
	var out []BattleEvent
	for rows.Next() {
		e := BattleEvent{GameID: gameID}
		var at int64
		if err := rows.Scan(&e.Round, &e.Item, &e.Kind, &e.UserID, &e.UserName, &e.Detail, &e.Points, &at); err != nil {
			return nil, fmt.Errorf("reading battle %s: %w", gameID, err)
		}
		e.Created = fromMillis(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading battle %s: %w", gameID, err)
	}
	return out, nil
}

// BattleTop returns the best players of a chat over all its games, highest
// first, with the name each used last.
func (s *Store) BattleTop(ctx context.Context, platform, chatID string, limit int) ([]BattleScore, error) {
	rows, err := s.query(ctx, `SELECT e.user_id, SUM(e.points),
			(SELECT l.user_name FROM battle_events l WHERE l.user_id = e.user_id ORDER BY l.created DESC LIMIT 1)
		FROM battle_events e JOIN battle_games g ON g.id = e.game_id
		WHERE g.platform = ? AND g.chat_id = ?
		GROUP BY e.user_id
		HAVING SUM(e.points) > 0
		ORDER BY SUM(e.points) DESC, e.user_id
		LIMIT ?`, platform, chatID, limit)
	if err != nil {
		return nil, fmt.Errorf("reading the battle leaderboard of chat %s: %w", chatID, err)
	}
	defer rows.Close()
	var out []BattleScore
	for rows.Next() {
		var sc BattleScore
		if err := rows.Scan(&sc.UserID, &sc.Points, &sc.UserName); err != nil {
			return nil, fmt.Errorf("reading the battle leaderboard: %w", err)
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the battle leaderboard: %w", err)
	}
	return out, nil
}

// ForgetBattle deletes a user's moves in every game (part of /forget).
func (s *Store) ForgetBattle(ctx context.Context, platform, userID string) error {
	if _, err := s.exec(ctx, `DELETE FROM battle_events WHERE user_id = ?`, UserKey(platform, userID)); err != nil {
		return fmt.Errorf("forgetting the battle moves of %s:%s: %w", platform, userID, err)
	}
	return nil
}

// BattleApprovals returns, per bank item, the fingerprint of the cited text
// an admin approved it for after the text changed.
func (s *Store) BattleApprovals(ctx context.Context) (map[string]string, error) {
	rows, err := s.query(ctx, `SELECT item, fingerprint FROM battle_reviews`)
	if err != nil {
		return nil, fmt.Errorf("reading battle item approvals: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var item, fp string
		if err := rows.Scan(&item, &fp); err != nil {
			return nil, fmt.Errorf("reading battle item approvals: %w", err)
		}
		out[item] = fp
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading battle item approvals: %w", err)
	}
	return out, nil
}

// ApproveBattleItems records that an admin reviewed items against the
// cited text with the given fingerprints (item → fingerprint).
func (s *Store) ApproveBattleItems(ctx context.Context, approvals map[string]string, by string, at time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("approving battle items: %w", err)
	}
	defer tx.Rollback()
	for item, fp := range approvals {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO battle_reviews (item, fingerprint, by_user, created) VALUES (?, ?, ?, ?)
			ON CONFLICT (item) DO UPDATE SET fingerprint = excluded.fingerprint, by_user = excluded.by_user, created = excluded.created`),
			item, fp, by, millis(at)); err != nil {
			return fmt.Errorf("approving battle item %s: %w", item, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("approving battle items: %w", err)
	}
	return nil
}
