package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func proposal(id, author, article, wording string, at time.Time) Proposal {
	return Proposal{ID: id, Author: author, Doc: "kz2026", Version: "v1", Article: article, Point: "2", Lang: "ru",
		Wording: wording, Justification: "because " + id, Created: at}
}

func TestProposals(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, s *Store, reopen, extra func() *Store) {
		// Pseudonyms are stable, distinct per user, shared by replicas and
		// never the raw id.
		a1, err := s.Author(ctx, "wa", "77011234567")
		must(t, err)
		a2, err := extra().Author(ctx, "wa", "77011234567")
		must(t, err)
		b, err := s.Author(ctx, "tg", "77011234567")
		must(t, err)
		if a1 != a2 || a1 == b || len(a1) != 24 || a1 == "wa:77011234567" {
			t.Fatalf("authors = %q, %q (other replica), %q (other platform)", a1, a2, b)
		}

		must(t, s.AddProposal(ctx, proposal("p1", a1, "3", "Курултай принимает законы.", t0)))
		must(t, s.AddProposal(ctx, proposal("p2", b, "3", "Курултай принимает законы!", t0.Add(time.Minute))))
		must(t, s.AddProposal(ctx, proposal("p3", b, "2", "Труд свободен.", t0.Add(2*time.Minute))))
		if err := s.AddProposal(ctx, proposal("p3", b, "2", "again", t0)); err == nil {
			t.Error("a second proposal with the same id was stored")
		}
		s = reopen()

		got, err := s.Proposal(ctx, "p1")
		must(t, err)
		want := proposal("p1", a1, "3", "Курултай принимает законы.", t0)
		want.Status = ProposalNew
		if !reflect.DeepEqual(got, want) {
			t.Errorf("proposal = %+v\nwant %+v", got, want)
		}
		if _, err := s.Proposal(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing proposal: err = %v, want ErrNotFound", err)
		}
		if n, _ := s.CountProposals(ctx, b, t0.Add(time.Minute)); n != 2 {
			t.Errorf("count since 1m = %d, want 2", n)
		}

		n, err := s.DecideProposals(ctx, []Decision{
			{ID: "p1", Status: ProposalAccepted, By: "tg:admin", At: t0.Add(time.Hour)},
			{ID: "p2", Status: ProposalDuplicate, DuplicateOf: "p1", By: "tg:admin", At: t0.Add(time.Hour)},
			{ID: "gone", Status: ProposalRejected, By: "tg:admin", At: t0.Add(time.Hour)},
		})
		must(t, err)
		if n != 2 {
			t.Errorf("decided = %d, want 2 (the missing one skipped)", n)
		}
		// A second moderator's late decision changes nothing.
		if n, err := s.DecideProposals(ctx, []Decision{{ID: "p1", Status: ProposalRejected, By: "tg:other", At: t0}}); err != nil || n != 0 {
			t.Errorf("deciding a decided proposal: %d, %v", n, err)
		}
		must(t, s.NoteProposal(ctx, "p1", "в таблицу"))
		if err := s.NoteProposal(ctx, "gone", "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("note on a missing proposal: err = %v", err)
		}
		list, err := s.Proposals(ctx, ProposalFilter{Doc: "kz2026", Article: "3", Status: []string{ProposalAccepted, ProposalDuplicate}})
		must(t, err)
		if len(list) != 2 || list[0].ID != "p1" || list[0].Note != "в таблицу" || !list[0].Decided.Equal(t0.Add(time.Hour)) ||
			list[1].DuplicateOf != "p1" || list[1].DecidedBy != "tg:admin" {
			t.Errorf("decided proposals = %+v", list)
		}
		if list, _ := s.Proposals(ctx, ProposalFilter{Status: []string{ProposalNew}}); len(list) != 1 || list[0].ID != "p3" {
			t.Errorf("new proposals = %+v, want p3", list)
		}
		times, err := s.ProposalTimes(ctx, "kz2026", t0.Add(time.Minute))
		must(t, err)
		if len(times) != 2 || times[0].Article != "3" || times[1].Article != "2" || !times[1].Created.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("times = %+v", times)
		}

		// Drafts: one per chat key, replaced, deleted, found by author on /forget.
		d := ProposalDraft{Doc: "kz2026", Version: "v1", Article: "3", Lang: "kk", Step: "wording", Updated: t0}
		must(t, s.SaveDraft(ctx, "chat-a1", a1, d))
		d.Step, d.Wording = "justification", "Жаңа редакция"
		must(t, s.SaveDraft(ctx, "chat-a1", a1, d))
		must(t, s.SaveDraft(ctx, "chat-b", b, d))
		s = reopen()
		if got, err := s.Draft(ctx, "chat-a1"); err != nil || !reflect.DeepEqual(got, d) {
			t.Errorf("draft = %+v, %v; want %+v", got, err, d)
		}
		must(t, s.DeleteDraft(ctx, "chat-b"))
		must(t, s.DeleteDraft(ctx, "chat-b"))
		if _, err := s.Draft(ctx, "chat-b"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted draft: err = %v", err)
		}

		// Forgetting a1 drops their proposal and draft; the duplicate that
		// supported it is new again, and b's own proposals stay.
		must(t, s.ForgetProposals(ctx, a1))
		if _, err := s.Proposal(ctx, "p1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("p1 after forget: err = %v", err)
		}
		if _, err := s.Draft(ctx, "chat-a1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("draft after forget: err = %v", err)
		}
		if p, _ := s.Proposal(ctx, "p2"); p.Status != ProposalNew || p.DuplicateOf != "" {
			t.Errorf("p2 after forget = %+v, want new again", p)
		}
		if n, _ := s.CountProposals(ctx, b, t0); n != 2 {
			t.Errorf("b's proposals after a1 forgot = %d, want 2", n)
		}
	})
}
