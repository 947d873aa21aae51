package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// proposalsSchema holds citizens' proposals on articles, the drafts of
// proposals being written, and the key that turns user ids into authors'
// pseudonyms.
const proposalsSchema = `
CREATE TABLE proposals (
	id            TEXT PRIMARY KEY,
	author        TEXT NOT NULL,
	doc           TEXT NOT NULL,
	version       TEXT NOT NULL,
	article       TEXT NOT NULL,
	point         TEXT NOT NULL,
	lang          TEXT NOT NULL,
	wording       TEXT NOT NULL,
	justification TEXT NOT NULL,
	status        TEXT NOT NULL,
	duplicate_of  TEXT NOT NULL,
	note          TEXT NOT NULL,
	decided_by    TEXT NOT NULL,
	decided       BIGINT NOT NULL,
	created       BIGINT NOT NULL
);
CREATE INDEX proposals_article ON proposals (doc, article, status);
CREATE INDEX proposals_author ON proposals (author, created);
CREATE INDEX proposals_created ON proposals (created);
CREATE TABLE proposal_drafts (
	chat_key      TEXT PRIMARY KEY,
	author        TEXT NOT NULL,
	doc           TEXT NOT NULL,
	version       TEXT NOT NULL,
	article       TEXT NOT NULL,
	point         TEXT NOT NULL,
	lang          TEXT NOT NULL,
	step          TEXT NOT NULL,
	wording       TEXT NOT NULL,
	justification TEXT NOT NULL,
	updated       BIGINT NOT NULL
);
CREATE INDEX proposal_drafts_author ON proposal_drafts (author);
CREATE TABLE proposal_key (
	id  INTEGER PRIMARY KEY,
	secret TEXT NOT NULL
);
`

// The statuses of a proposal.
const (
	ProposalNew       = "new"
	ProposalAccepted  = "accepted"  // carried into the comparative table
	ProposalRejected  = "rejected"  // kept, never exported
	ProposalDuplicate = "duplicate" // supports the proposal named in DuplicateOf
)

// Proposal is one citizen's proposal on an article (or a point of it) of a
// corpus document. Author is a pseudonym: the same user always gets the
// same one, but it cannot be turned back into a Telegram id or a phone
// number without the database's key.
type Proposal struct {
	ID            string
	Author        string
	Doc           string // "kz2026"
	Version       string // the corpus version the proposal was made against
	Article       string
	Point         string // "" for the whole article
	Lang          string
	Wording       string // the proposed wording, may be empty
	Justification string // may be empty
	Status        string
	DuplicateOf   string // for a duplicate, the proposal it supports
	Note          string // the moderator's note
	DecidedBy     string
	Decided       time.Time
	Created       time.Time
}

// ProposalFilter selects proposals; empty fields match everything.
type ProposalFilter struct {
	Doc     string
	Article string
	Status  []string
}

// ProposalDraft is a proposal being written in one chat: the step the user
// is at and what they have written so far.
type ProposalDraft struct {
	Doc, Version, Article, Point, Lang string
	Step                               string
	Wording, Justification             string
	Updated                            time.Time
}

const proposalColumns = `id, author, doc, version, article, point, lang, wording, justification,
	status, duplicate_of, note, decided_by, decided, created`

// Author is the pseudonym of a user in proposals: an HMAC of the user key
// under a random key kept in the database, so that replicas agree on it.
func (s *Store) Author(ctx context.Context, platform, userID string) (string, error) {
	key, err := s.pseudonymKey(ctx)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(UserKey(platform, userID)))
	return hex.EncodeToString(mac.Sum(nil))[:24], nil
}

// pseudonymKey reads the key once per Store (it is made once and never
// changed), creating it on first use.
func (s *Store) pseudonymKey(ctx context.Context) ([]byte, error) {
	if k := s.authorKey.Load(); k != nil {
		return *k, nil
	}
	var key string
	err := s.queryRow(ctx, `SELECT secret FROM proposal_key WHERE id = 1`).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		// Two replicas may race here: the insert that loses does nothing,
		// and both read the winner's key.
		fresh := make([]byte, 32)
		rand.Read(fresh)
		if _, err := s.exec(ctx, `INSERT INTO proposal_key (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`,
			hex.EncodeToString(fresh)); err != nil {
			return nil, fmt.Errorf("creating the pseudonym key: %w", err)
		}
		err = s.queryRow(ctx, `SELECT secret FROM proposal_key WHERE id = 1`).Scan(&key)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the pseudonym key: %w", err)
	}
	raw, err := hex.DecodeString(key)
	if err != nil {
		return nil, fmt.Errorf("reading the pseudonym key: %w", err)
	}
	s.authorKey.Store(&raw)
	return raw, nil
}

// AddProposal stores a new proposal.
func (s *Store) AddProposal(ctx context.Context, p Proposal) error {
	if p.Status == "" {
		p.Status = ProposalNew
	}
	_, err := s.exec(ctx, `INSERT INTO proposals (`+proposalColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Author, p.Doc, p.Version, p.Article, p.Point, p.Lang, p.Wording, p.Justification,
		p.Status, p.DuplicateOf, p.Note, p.DecidedBy, timeOrZero(p.Decided), millis(p.Created))
	if err != nil {
		return fmt.Errorf("saving proposal %s: %w", p.ID, err)
	}
	return nil
}

// Proposal returns one proposal, or ErrNotFound.
func (s *Store) Proposal(ctx context.Context, id string) (Proposal, error) {
	rows, err := s.query(ctx, `SELECT `+proposalColumns+` FROM proposals WHERE id = ?`, id)
	if err != nil {
		return Proposal{}, fmt.Errorf("reading proposal %s: %w", id, err)
	}
	list, err := scanProposals(rows)
	if err != nil {
		return Proposal{}, fmt.Errorf("reading proposal %s: %w", id, err)
	}
	if len(list) == 0 {
		return Proposal{}, fmt.Errorf("proposal %s: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// Proposals lists the proposals f selects, oldest first.
func (s *Store) Proposals(ctx context.Context, f ProposalFilter) ([]Proposal, error) {
	query := `SELECT ` + proposalColumns + ` FROM proposals WHERE 1 = 1`
	var args []any
	if f.Doc != "" {
		query += ` AND doc = ?`
		args = append(args, f.Doc)
	}
	if f.Article != "" {
		query += ` AND article = ?`
		args = append(args, f.Article)
	}
	if len(f.Status) > 0 {
		query += ` AND status IN (?` + strings.Repeat(`, ?`, len(f.Status)-1) + `)`
		for _, st := range f.Status {
			args = append(args, st)
		}
	}
	rows, err := s.query(ctx, query+` ORDER BY created, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing proposals: %w", err)
	}
	list, err := scanProposals(rows)
	if err != nil {
		return nil, fmt.Errorf("listing proposals: %w", err)
	}
	return list, nil
}

// Decision is a moderator's verdict on one proposal.
type Decision struct {
	ID          string
	Status      string
	DuplicateOf string
	By          string
	At          time.Time
}

// DecideProposals applies a moderator's decisions on new proposals in one
// transaction. A proposal that is gone (its author used /forget) or was
// decided meanwhile (by another admin) is skipped; decided counts the ones
// changed.
func (s *Store) DecideProposals(ctx context.Context, ds []Decision) (decided int, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("deciding proposals: %w", err)
	}
	defer tx.Rollback()
	for _, d := range ds {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE proposals SET status = ?, duplicate_of = ?, decided_by = ?, decided = ? WHERE id = ? AND status = 'new'`),
			d.Status, d.DuplicateOf, d.By, millis(d.At), d.ID)
		if err != nil {
			return 0, fmt.Errorf("deciding proposal %s: %w", d.ID, err)
		}
		if n, err := res.RowsAffected(); err == nil {
			decided += int(n)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("deciding proposals: %w", err)
	}
	return decided, nil
}

// NoteProposal sets the moderator's note on a proposal.
func (s *Store) NoteProposal(ctx context.Context, id, note string) error {
	res, err := s.exec(ctx, `UPDATE proposals SET note = ? WHERE id = ?`, note, id)
	if err != nil {
		return fmt.Errorf("noting proposal %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("proposal %s: %w", id, ErrNotFound)
	}
	return nil
}

// CountProposals counts an author's proposals made since the given time:
// the per-user limit.
func (s *Store) CountProposals(ctx context.Context, author string, since time.Time) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM proposals WHERE author = ? AND created >= ?`, author, millis(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting proposals: %w", err)
	}
	return n, nil
}

// ProposalTimes lists, for every proposal made since the given time, its
// article and when it was made: what /stats counts by article and by day.
func (s *Store) ProposalTimes(ctx context.Context, doc string, since time.Time) ([]Proposal, error) {
	rows, err := s.query(ctx, `SELECT article, status, created FROM proposals WHERE doc = ? AND created >= ? ORDER BY created`, doc, millis(since))
	if err != nil {
		return nil, fmt.Errorf("counting proposals: %w", err)
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		p := Proposal{Doc: doc}
		var at int64
		if err := rows.Scan(&p.Article, &p.Status, &at); err != nil {
			return nil, fmt.Errorf("counting proposals: %w", err)
		}
		p.Created = fromMillis(at)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting proposals: %w", err)
	}
	return out, nil
}

// SaveDraft keeps the proposal being written in a chat, replacing any
// earlier one there. chatKey names the user in the chat; author is the
// user's pseudonym, by which ForgetProposals finds the draft.
func (s *Store) SaveDraft(ctx context.Context, chatKey, author string, d ProposalDraft) error {
	_, err := s.exec(ctx, `INSERT INTO proposal_drafts (chat_key, author, doc, version, article, point, lang, step, wording, justification, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (chat_key) DO UPDATE SET author = excluded.author, doc = excluded.doc, version = excluded.version,
			article = excluded.article, point = excluded.point, lang = excluded.lang, step = excluded.step,
			wording = excluded.wording, justification = excluded.justification, updated = excluded.updated`,
		chatKey, author, d.Doc, d.Version, d.Article, d.Point, d.Lang, d.Step, d.Wording, d.Justification, millis(d.Updated))
	if err != nil {
		return fmt.Errorf("saving a proposal draft: %w", err)
	}
	return nil
}

// Draft returns the chat's proposal draft, or ErrNotFound.
func (s *Store) Draft(ctx context.Context, chatKey string) (ProposalDraft, error) {
	var d ProposalDraft
	var at int64
	err := s.queryRow(ctx, `SELECT doc, version, article, point, lang, step, wording, justification, updated
		FROM proposal_drafts WHERE chat_key = ?`, chatKey).
		Scan(&d.Doc, &d.Version, &d.Article, &d.Point, &d.Lang, &d.Step, &d.Wording, &d.Justification, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("proposal draft: %w", ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("reading a proposal draft: %w", err)
	}
	d.Updated = fromMillis(at)
	return d, nil
}

// DeleteDraft drops the chat's proposal draft; deleting none is no error.
func (s *Store) DeleteDraft(ctx context.Context, chatKey string) error {
	if _, err := s.exec(ctx, `DELETE FROM proposal_drafts WHERE chat_key = ?`, chatKey); err != nil {
		return fmt.Errorf("deleting a proposal draft: %w", err)
	}
	return nil
}

// ForgetProposals deletes an author's proposals and drafts. Proposals that
// supported one of theirs as duplicates become new again, so a moderator
// looks at them afresh.
func (s *Store) ForgetProposals(ctx context.Context, author string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("forgetting proposals: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		`UPDATE proposals SET status = 'new', duplicate_of = '' WHERE duplicate_of IN (SELECT id FROM proposals WHERE author = ?)`,
		`DELETE FROM proposals WHERE author = ?`,
		`DELETE FROM proposal_drafts WHERE author = ?`,
	} {
		if _, err := tx.ExecContext(ctx, s.q(q), author); err != nil {
			return fmt.Errorf("forgetting proposals: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("forgetting proposals: %w", err)
	}
	return nil
}

func scanProposals(rows *sql.Rows) ([]Proposal, error) {
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		var p Proposal
		var decided, created int64
		if err := rows.Scan(&p.ID, &p.Author, &p.Doc, &p.Version, &p.Article, &p.Point, &p.Lang, &p.Wording, &p.Justification,
			&p.Status, &p.DuplicateOf, &p.Note, &p.DecidedBy, &decided, &created); err != nil {
			return nil, err
		}
		if decided != 0 {
			p.Decided = fromMillis(decided)
		}
		p.Created = fromMillis(created)
		out = append(out, p)
	}
	return out, rows.Err()
}

func timeOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return millis(t)
}
