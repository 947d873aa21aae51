package battle

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"atazan/corpus"
)

func fact(id string, answer int) *Item {
	return &Item{ID: id, Kind: Fact, Refs: []string{"1"}, Answer: answer,
		RU: Local{Q: id, Options: []string{"a", "b", "c"}}, KK: Local{Q: id, Options: []string{"a", "b", "c"}}}
}

func debate(id string) *Item {
	return &Item{ID: id, Kind: Debate, Refs: []string{"1"}, RU: Local{Q: id}, KK: Local{Q: id}}
}

func newGame(t *testing.T, rounds int, items ...*Item) *Game {
	t.Helper()
	g, err := New(Settings{ID: "g", Starter: "tg:1", Lang: corpus.RU, Rounds: rounds}, items, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestNewDrawsRounds(t *testing.T) {
	tests := []struct {
		name     string
		rounds   int
		facts    int
		debates  int
		want     []Kind
		wantTime time.Duration
	}{
		{"a debate every third round, from the second", 6, 5, 2, []Kind{Fact, Debate, Fact, Fact, Debate, Fact}, DefaultTimer},
		{"default length", 0, 9, 3, []Kind{Fact, Debate, Fact, Fact, Debate}, DefaultTimer},
		{"no debates left: facts", 4, 4, 1, []Kind{Fact, Debate, Fact, Fact}, DefaultTimer},
		{"no facts: debates only", 2, 0, 3, []Kind{Debate, Debate}, DefaultTimer},
		{"shorter than asked when the bank runs out", 10, 2, 1, []Kind{Fact, Debate, Fact}, DefaultTimer},
		{"at most MaxRounds", 50, 40, 20, nil, DefaultTimer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var items []*Item
			for i := range tt.facts {
				items = append(items, fact(string(rune('A'+i)), 0))
			}
			for i := range tt.debates {
				items = append(items, debate(string(rune('a'+i))))
			}
			g := newGame(t, tt.rounds, items...)
			if tt.want == nil {
				if len(g.Rounds) != MaxRounds {
					t.Errorf("%d rounds, want %d", len(g.Rounds), MaxRounds)
				}
				return
			}
			var got []Kind
			seen := map[string]bool{}
			for i, r := range g.Rounds {
				got = append(got, r.Item.Kind)
				if r.N != i+1 || seen[r.Item.ID] {
					t.Errorf("round %d: N=%d, item %s (repeated: %v)", i, r.N, r.Item.ID, seen[r.Item.ID])
				}
				seen[r.Item.ID] = true
			}
			if len(got) != len(tt.want) {
				t.Fatalf("kinds = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("kinds = %v, want %v", got, tt.want)
				}
			}
			if g.Settings.Rounds != len(g.Rounds) || g.Timer != tt.wantTime {
				t.Errorf("settings = %+v", g.Settings)
			}
		})
	}
	if _, err := New(Settings{}, nil, rand.New(rand.NewPCG(1, 2))); !errors.Is(err, ErrNoItems) {
		t.Errorf("a game without items: %v, want ErrNoItems", err)
	}
}

func TestFactRound(t *testing.T) {
	g := newGame(t, 1, fact("q", 2))
	moves := []struct {
		who     string
		option  int
		correct bool
		err     error
	}{
		{"tg:1", 2, true, nil},
		{"tg:2", 0, false, nil},
		{"tg:1", 0, false, ErrAlready},
		{"tg:3", 3, false, ErrBadOption},
		{"tg:3", -1, false, ErrBadOption},
	}
	for _, m := range moves {
		correct, err := g.Answer(m.who, "", m.option)
		if correct != m.correct || !errors.Is(err, m.err) {
			t.Errorf("Answer(%s, %d) = %v, %v; want %v, %v", m.who, m.option, correct, err, m.correct, m.err)
		}
	}
	if _, err := g.Argue("tg:4", "", "мнение"); !errors.Is(err, ErrNotNow) {
		t.Errorf("an opinion in a fact round: %v, want ErrNotNow", err)
	}
	if err := g.Vote("tg:4", "", 0); !errors.Is(err, ErrNotNow) {
		t.Errorf("a vote in a fact round: %v, want ErrNotNow", err)
	}
	closed := g.Advance()
	if closed == nil || closed.N != 1 || g.Phase() != Over || g.Round() != nil {
		t.Fatalf("after the only round: closed %v, phase %s", closed, g.Phase())
	}
	if got := closed.Correct(); len(got) != 1 || got[0] != "tg:1" {
		t.Errorf("correct = %v, want [tg:1]", got)
	}
	if _, err := g.Answer("tg:5", "", 0); !errors.Is(err, ErrNotNow) {
		t.Errorf("an answer after the game: %v", err)
	}
	if g.Advance() != nil {
		t.Error("Advance after the end should do nothing")
	}
}

func TestDebateRound(t *testing.T) {
	tests := []struct {
		name    string
		argue   map[string]string // player → opinion, in key order
		votes   [][2]int          // voter index (into voters) → opinion
		voters  []string
		wantWin []int
		scores  map[string]int
	}{
		{
			name:  "one opinion: no vote",
			argue: map[string]string{"tg:1": "за"},
			scores: map[string]int{
				"tg:1": PointsOpinion,
			},
		},
		{
			name:    "the room picks the best argument",
			argue:   map[string]string{"tg:1": "за", "tg:2": "против"},
			voters:  []string{"tg:3", "tg:4", "tg:1"},
			votes:   [][2]int{{0, 1}, {1, 1}, {2, 1}},
			wantWin: []int{1},
			scores:  map[string]int{"tg:1": PointsOpinion, "tg:2": PointsOpinion + PointsBest, "tg:3": 0},
		},
		{
			name:    "a tie rewards both",
			argue:   map[string]string{"tg:1": "за", "tg:2": "против"},
			voters:  []string{"tg:1", "tg:2"},
			votes:   [][2]int{{0, 1}, {1, 0}},
			wantWin: []int{0, 1},
			scores:  map[string]int{"tg:1": PointsOpinion + PointsBest, "tg:2": PointsOpinion + PointsBest},
		},
		{
			name:   "no votes, no winner",
			argue:  map[string]string{"tg:1": "за", "tg:2": "против"},
			scores: map[string]int{"tg:1": PointsOpinion, "tg:2": PointsOpinion},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGame(t, 1, debate("d"))
			if g.Phase() != Arguing {
				t.Fatalf("phase = %s, want arguing", g.Phase())
			}
			for _, p := range []string{"tg:1", "tg:2"} {
				if text, ok := tt.argue[p]; ok {
					if _, err := g.Argue(p, "", text); err != nil {
						t.Fatal(err)
					}
				}
			}
			closed := g.Advance()
			if len(tt.argue) < 2 {
				if closed == nil || g.Phase() != Over {
					t.Fatalf("with %d opinion(s) the round should close, phase %s", len(tt.argue), g.Phase())
				}
			} else {
				if closed != nil || g.Phase() != Voting {
					t.Fatalf("with two opinions the room should vote, phase %s", g.Phase())
				}
				for _, v := range tt.votes {
					err := g.Vote(tt.voters[v[0]], "", v[1])
					self := g.Round().Opinions[v[1]].Player == tt.voters[v[0]]
					if self != errors.Is(err, ErrSelfVote) {
						t.Errorf("vote of %s for %d: %v", tt.voters[v[0]], v[1], err)
					}
				}
				closed = g.Advance()
			}
			if len(closed.Winners) != len(tt.wantWin) {
				t.Fatalf("winners = %v, want %v", closed.Winners, tt.wantWin)
			}
			for i := range tt.wantWin {
				if closed.Winners[i] != tt.wantWin[i] {
					t.Fatalf("winners = %v, want %v", closed.Winners, tt.wantWin)
				}
			}
			for _, p := range g.Leaderboard() {
				if want, ok := tt.scores[p.Key]; ok && p.Score != want {
					t.Errorf("%s scored %d, want %d", p.Key, p.Score, want)
				}
			}
		})
	}
}

func TestOpinionsAndVotesChange(t *testing.T) {
	g := newGame(t, 1, debate("d"))
	if _, err := g.Argue("tg:1", "Aru", "  "); !errors.Is(err, ErrEmptyOpinion) {
		t.Errorf("a blank opinion: %v", err)
	}
	g.Argue("tg:1", "Aru", "первое")
	if replaced, _ := g.Argue("tg:1", "Aru", "второе"); !replaced {
		t.Error("a second opinion should replace the first")
	}
	long := make([]rune, MaxOpinion+10)
	for i := range long {
		long[i] = 'я'
	}
	g.Argue("tg:2", "Bek", string(long))
	r := g.Round()
	if len(r.Opinions) != 2 || r.Opinions[0].Text != "второе" || len([]rune(r.Opinions[1].Text)) != MaxOpinion+1 {
		t.Fatalf("opinions = %+v", r.Opinions)
	}
	g.Advance()
	g.Vote("tg:3", "", 0)
	g.Vote("tg:3", "", 1) // changes the vote
	g.Vote("tg:4", "", 0)
	g.Vote("tg:4", "", -1) // takes it back
	g.Advance()
	if len(r.Winners) != 1 || r.Winners[0] != 1 {
		t.Errorf("winners = %v, want [1]", r.Winners)
	}
	board := g.Leaderboard()
	if board[0].Key != "tg:2" || board[0].Name != "Bek" || board[0].Score != PointsOpinion+PointsBest {
		t.Errorf("leaderboard = %+v", board)
	}
	if g.Name("tg:1") != "Aru" || g.Name("tg:9") != "tg:9" {
		t.Errorf("names: %q, %q", g.Name("tg:1"), g.Name("tg:9"))
	}
}
