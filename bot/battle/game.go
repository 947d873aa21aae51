package battle

import (
	"cmp"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"atazan/corpus"
)

// Points a player earns.
const (
	PointsCorrect = 1 // a right answer to a fact question
	PointsOpinion = 1 // an opinion given in a debate round
	PointsBest    = 2 // the argument the room voted best (each, on a tie)
)

// Limits of a game.
const (
	DefaultRounds = 5
	MaxRounds     = 20
	DefaultTimer  = 30 * time.Second
	MinTimer      = 10 * time.Second
	MaxTimer      = 10 * time.Minute
	// MaxOpinion is the longest opinion kept, in characters.
	MaxOpinion = 1000
)

// Phase is what a round waits for.
type Phase string

// The phases of a round: a fact round only answers; a debate round takes
// opinions, then votes for the best one.
const (
	Answering Phase = "answering"
	Arguing   Phase = "arguing"
	Voting    Phase = "voting"
	Over      Phase = "over"
)

// Player is someone who answered, argued or voted.
type Player struct {
	Key   string // platform-prefixed user id, "tg:123"
	Name  string // as the messenger shows it; may be empty
	Score int
}

// Opinion is one player's argument in a debate round.
type Opinion struct {
	Player string
	Name   string
	Text   string
}

// Round is one question of a game and what players did in it.
type Round struct {
	N       int // from 1
	Item    *Item
	Answers map[string]int // player → option index (fact rounds)
	// Opinions in the order given, one per player (a later one replaces).
	Opinions []Opinion
	Votes    map[string]int // voter → opinion index
	// Winners are the opinion indexes the room voted best, once voting ends.
	Winners []int
}

// Correct lists the players who answered a fact round right, in the order
// of the Answers map sorted by key (stable for tests and exports).
func (r *Round) Correct() []string {
	var out []string
	for p, a := range r.Answers {
		if a == r.Item.Answer {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// Settings describe a game to start.
type Settings struct {
	ID      string
	Starter string // platform-prefixed user id of who started it
	Lang    corpus.Lang
	Rounds  int
	Timer   time.Duration
	Topic   *Topic
}

// Errors a player's move can meet.
var (
	ErrNotNow       = errors.New("the round does not take this now")
	ErrBadOption    = errors.New("no such option")
	ErrAlready      = errors.New("already answered")
	ErrSelfVote     = errors.New("cannot vote for one's own argument")
	ErrEmptyOpinion = errors.New("empty opinion")
	ErrNoItems      = errors.New("no questions to play")
)

// Game is one battle in one chat. It is not safe for concurrent use: the
// caller serialises moves and timer ticks.
type Game struct {
	Settings
	Rounds  []*Round
	cur     int // index into Rounds
	phase   Phase
	players map[string]*Player
	order   []string // players in the order they first played
}

// New draws the rounds from items: fact questions with a debate statement
// about every third round, shuffled by rng.
func New(s Settings, items []*Item, rng *rand.Rand) (*Game, error) {
	if s.Rounds <= 0 {
		s.Rounds = DefaultRounds
	}
	s.Rounds = min(s.Rounds, MaxRounds)
	if s.Timer == 0 {
		s.Timer = DefaultTimer
	}
	var facts, debates []*Item
	for _, it := range items {
		if it.Kind == Debate {
			debates = append(debates, it)
		} else {
			facts = append(facts, it)
		}
	}
	rng.Shuffle(len(facts), func(i, j int) { facts[i], facts[j] = facts[j], facts[i] })
	rng.Shuffle(len(debates), func(i, j int) { debates[i], debates[j] = debates[j], debates[i] })
	g := &Game{Settings: s, players: map[string]*Player{}}
	for n := 1; n <= s.Rounds; n++ {
		var it *Item
		switch {
		case n%3 == 2 && len(debates) > 0, len(facts) == 0 && len(debates) > 0:
			it, debates = debates[0], debates[1:]
		case len(facts) > 0:
			it, facts = facts[0], facts[1:]
		}
		if it == nil {
			break
		}
		g.Rounds = append(g.Rounds, &Round{N: n, Item: it, Answers: map[string]int{}, Votes: map[string]int{}})
	}
	if len(g.Rounds) == 0 {
		return nil, ErrNoItems
	}
	g.Settings.Rounds = len(g.Rounds)
	g.phase = firstPhase(g.Rounds[0])
	return g, nil
}

func firstPhase(r *Round) Phase {
	if r.Item.Kind == Debate {
		return Arguing
	}
	return Answering
}

// Round is the round being played; nil once the game is over.
func (g *Game) Round() *Round {
	if g.phase == Over {
		return nil
	}
	return g.Rounds[g.cur]
}

// Phase is what the current round waits for.
func (g *Game) Phase() Phase { return g.phase }

func (g *Game) player(key, name string) *Player {
	p := g.players[key]
	if p == nil {
		p = &Player{Key: key}
		g.players[key] = p
		g.order = append(g.order, key)
	}
	if name != "" {
		p.Name = name
	}
	return p
}

// Answer takes a player's option in a fact round; the first answer counts.
// It reports whether the answer is right, for the record (players learn it
// when the round ends).
func (g *Game) Answer(key, name string, option int) (correct bool, err error) {
	if g.phase != Answering {
		return false, ErrNotNow
	}
	r := g.Rounds[g.cur]
	if option < 0 || option >= len(r.Item.RU.Options) {
		return false, ErrBadOption
	}
	if _, ok := r.Answers[key]; ok {
		return false, ErrAlready
	}
	r.Answers[key] = option
	p := g.player(key, name)
	if option == r.Item.Answer {
		p.Score += PointsCorrect
		return true, nil
	}
	return false, nil
}

// Argue takes a player's opinion in a debate round. A second opinion
// replaces the first, and the opinion point is given once.
func (g *Game) Argue(key, name, text string) (replaced bool, err error) {
	if g.phase != Arguing {
		return false, ErrNotNow
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return false, ErrEmptyOpinion
	}
	if utf8.RuneCountInString(text) > MaxOpinion {
		text = string([]rune(text)[:MaxOpinion]) + "…"
	}
	r := g.Rounds[g.cur]
	p := g.player(key, name)
	for i := range r.Opinions {
		if r.Opinions[i].Player == key {
			r.Opinions[i].Text = text
			return true, nil
		}
	}
	r.Opinions = append(r.Opinions, Opinion{Player: key, Name: p.Name, Text: text})
	p.Score += PointsOpinion
	return false, nil
}

// Vote takes a vote for the best argument; a later vote replaces an
// earlier one, and option -1 takes it back (Telegram lets voters retract).
func (g *Game) Vote(key, name string, option int) error {
	if g.phase != Voting {
		return ErrNotNow
	}
	r := g.Rounds[g.cur]
	if option == -1 {
		delete(r.Votes, key)
		return nil
	}
	if option < 0 || option >= len(r.Opinions) {
		return ErrBadOption
	}
	if r.Opinions[option].Player == key {
		return ErrSelfVote
	}
	g.player(key, name)
	r.Votes[key] = option
	return nil
}

// Advance ends the current phase, on the timer or an organiser's skip: a
// fact round or a vote closes and the next round starts; a debate goes from
// arguing to voting when there are two arguments to choose from. It returns
// the round that closed (nil when only the phase changed).
func (g *Game) Advance() (closed *Round) {
	r := g.Rounds[g.cur]
	switch g.phase {
	case Over:
		return nil
	case Arguing:
		if len(r.Opinions) >= 2 {
			g.phase = Voting
			return nil
		}
	case Voting:
		r.Winners = winners(r)
		for _, w := range r.Winners {
			g.players[r.Opinions[w].Player].Score += PointsBest
		}
	}
	g.next()
	return r
}

// Stop ends the game at once.
func (g *Game) Stop() { g.phase = Over }

func (g *Game) next() {
	g.cur++
	if g.cur >= len(g.Rounds) {
		g.cur = len(g.Rounds) - 1
		g.phase = Over
		return
	}
	g.phase = firstPhase(g.Rounds[g.cur])
}

// winners are the opinions with the most votes, if any got one.
func winners(r *Round) []int {
	counts := make([]int, len(r.Opinions))
	for _, v := range r.Votes {
		counts[v]++
	}
	top := slices.Max(append(counts, 0))
	if top == 0 {
		return nil
	}
	var out []int
	for i, c := range counts {
		if c == top {
			out = append(out, i)
		}
	}
	return out
}

// Leaderboard lists the players by score, ties in the order they joined.
func (g *Game) Leaderboard() []Player {
	out := make([]Player, 0, len(g.order))
	for _, k := range g.order {
		out = append(out, *g.players[k])
	}
	slices.SortStableFunc(out, func(a, b Player) int { return cmp.Compare(b.Score, a.Score) })
	return out
}

// Name is how a player appears in this game.
func (g *Game) Name(key string) string {
	if p := g.players[key]; p != nil && p.Name != "" {
		return p.Name
	}
	return key
}
