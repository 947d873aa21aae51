package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBattleScores(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store, reopen, _ func() *Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
		if _, err := s.BattleGameOf(ctx, "tg", "-100", ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("no game yet: got %v, want ErrNotFound", err)
		}
		for i, g := range []BattleGame{
			{ID: "g1", Platform: "tg", ChatID: "-100", Starter: "tg:1", Lang: "ru", Rounds: 3, Started: t0},
			{ID: "g2", Platform: "tg", ChatID: "-100", Starter: "tg:2", Lang: "kk", Topic: "kurultai", Rounds: 2, Started: t0.Add(time.Hour)},
			{ID: "g3", Platform: "tg", ChatID: "-200", Starter: "tg:1", Lang: "ru", Rounds: 1, Started: t0},
		} {
			if err := s.StartBattle(ctx, g); err != nil {
				t.Fatalf("game %d: %v", i, err)
			}
		}
		ev := func(game, user, name, kind string, points int, min int) BattleEvent {
			return BattleEvent{GameID: game, Round: 1, Item: "f1", Kind: kind, UserID: user, UserName: name,
				Detail: "x", Points: points, Created: t0.Add(time.Duration(min) * time.Minute)}
		}
		if err := s.AddBattleEvents(ctx,
			ev("g1", "tg:1", "Aru", "answer", 1, 1),
			ev("g1", "tg:2", "Daniyar", "answer", 0, 2),
			ev("g1", "tg:2", "Daniyar", "opinion", 1, 3),
			ev("g2", "tg:2", "Dani", "best", 2, 70),
			ev("g2", "tg:3", "Nobody", "vote", 0, 71),
			ev("g3", "tg:1", "Aru", "answer", 1, 5),
		); err != nil {
			t.Fatal(err)
		}
		if err := s.EndBattle(ctx, "g1", t0.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		s = reopen()

		top, err := s.BattleTop(ctx, "tg", "-100", 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []BattleScore{{"tg:2", "Dani", 3}, {"tg:1", "Aru", 1}}
		if len(top) != len(want) {
			t.Fatalf("leaderboard = %+v, want %+v", top, want)
		}
		for i := range want {
			if top[i] != want[i] {
				t.Errorf("place %d = %+v, want %+v", i+1, top[i], want[i])
			}
		}

		last, err := s.BattleGameOf(ctx, "tg", "-100", "")
		if err != nil || last.ID != "g2" || last.Topic != "kurultai" || !last.Ended.IsZero() {
			t.Errorf("latest game = %+v, %v; want g2, running", last, err)
		}
		g1, err := s.BattleGameOf(ctx, "tg", "-100", "g1")
		if err != nil || !g1.Ended.Equal(t0.Add(10*time.Minute)) {
			t.Errorf("g1 = %+v, %v; want ended at %v", g1, err, t0.Add(10*time.Minute))
		}
		if _, err := s.BattleGameOf(ctx, "tg", "-200", "g1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a game of another chat: got %v, want ErrNotFound", err)
		}
		events, err := s.BattleEvents(ctx, "g1")
		if err != nil || len(events) != 3 || events[2].Kind != "opinion" || events[0].UserName != "Aru" {
			t.Errorf("events of g1 = %+v, %v", events, err)
		}

		if err := s.ApproveBattleItems(ctx, map[string]string{"f-1": "aa", "f-2": "bb"}, "tg:9", t0); err != nil {
			t.Fatal(err)
		}
		if err := s.ApproveBattleItems(ctx, map[string]string{"f-1": "cc"}, "tg:9", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.BattleApprovals(ctx); err != nil || len(got) != 2 || got["f-1"] != "cc" || got["f-2"] != "bb" {
			t.Errorf("approvals = %v, %v; want f-1 cc (approved again), f-2 bb", got, err)
		}

		if err := s.ForgetBattle(ctx, "tg", "2"); err != nil {
			t.Fatal(err)
		}
		top, err = s.BattleTop(ctx, "tg", "-100", 10)
		if err != nil || len(top) != 1 || top[0].UserID != "tg:1" {
			t.Errorf("after forgetting tg:2 the leaderboard = %+v, %v", top, err)
		}
	})
}
