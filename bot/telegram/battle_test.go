package telegram

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"atazan/bot"
	"atazan/bot/battle"
	"atazan/bot/bottest"
	"atazan/bot/telegram/telegramtest"
)

// countingCore tells the test when the core has handled an update: poll
// votes get no reply to wait for, and updates are handled concurrently.
type countingCore struct {
	*bot.Core
	handled chan struct{}
}

func (c countingCore) Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error {
	defer func() { c.handled <- struct{}{} }()
	return c.Core.Handle(ctx, in, out)
}

func (c countingCore) wait(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-c.handled:
		case <-time.After(20 * time.Second):
			t.Fatal("the core did not handle the updates")
		}
	}
}

// groupMessage is a message from a named user in the test group.
func groupMessage(id int, from telegramtest.User, text string) map[string]any {
	return map[string]any{"message": map[string]any{
		"message_id": id, "date": time.Now().Unix(),
		"chat": map[string]any{"id": -100, "type": "supergroup", "title": "Клуб"},
		"from": from, "text": text,
	}}
}

func TestBattleInTelegramGroup(t *testing.T) {
	timers := &bottest.Timers{}
	bank := bottest.BattleBank(t)
	core, _ := bottest.NewCore(t, "testdata/corpus", bottest.Options{
		Battle: bot.BattleOptions{Bank: bank, AfterFunc: timers.AfterFunc, Seed: 3},
	})
	cc := countingCore{Core: core, handled: make(chan struct{}, 64)}
	h := start(t, cc)
	aru := telegramtest.User{ID: 11, FirstName: "Aru", LanguageCode: "ru"}
	bek := telegramtest.User{ID: 22, FirstName: "Bek", LanguageCode: "ru"}
	dana := telegramtest.User{ID: 33, FirstName: "Dana", LanguageCode: "ru"}
	item := func(question string) *battle.Item {
		t.Helper()
		for _, it := range bank.Items {
			if strings.Contains(question, it.RU.Q) {
				return it
			}
		}
		t.Fatalf("no bank item in %q", question)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// Round 1: a quiz poll, not anonymous, with the bank's options and answer.
	h.srv.Push(groupMessage(1, aru, "/battle 3"))
	cc.wait(t, 1)
	h.waitText(t, "-100", "Конституционный баттл", "Раундов: 3")
	if _, err := h.srv.WaitCalls(ctx, "sendPoll", 1); err != nil {
		t.Fatal(err)
	}
	quiz := h.srv.Polls("-100")[0]
	fact := item(quiz.Question)
	if quiz.Type != "quiz" || quiz.Anonymous || quiz.Correct != fact.Answer ||
		strings.Join(quiz.Options, "|") != strings.Join(fact.RU.Options, "|") {
		t.Fatalf("round 1 poll = %+v, want a named quiz of %v with answer %d", quiz, fact.RU.Options, fact.Answer)
	}
	if cite := fact.CorpusRefs()[0].Format("ru"); !strings.HasPrefix(quiz.Explanation, cite+": ") {
		t.Errorf("explanation %q should start with the citation %q", quiz.Explanation, cite)
	}
	h.srv.AnswerPoll(aru, quiz.ID, fact.Answer)
	h.srv.AnswerPoll(bek, quiz.ID, (fact.Answer+1)%len(fact.RU.Options))
	cc.wait(t, 2)

	timers.Fire(t)
	h.waitText(t, "-100", "Правильный ответ: "+fact.RU.Options[fact.Answer], "Верно ответили: Aru")
	if stops := h.srv.Calls("stopPoll"); len(stops) != 1 || stops[0].Err != "" {
		t.Errorf("the quiz should be closed when the round ends: %v", stops)
	}

	// Round 2: a debate. Opinions come without a mention.
	statement := h.waitText(t, "-100", "Раунд 2 из 3 · дебаты")
	debate := item(statement.text)
	// One after the other: updates are handled concurrently, and the
	// order of the arguments is the order of the vote's options.
	h.srv.Push(groupMessage(2, aru, "Пусть голосуют с шестнадцати: они уже платят налоги"))
	cc.wait(t, 1)
	h.srv.Push(groupMessage(3, bek, "Нет, в восемнадцать решения взвешеннее"))
	cc.wait(t, 1)
	h.waitText(t, "-100", "Aru: мнение записано")
	h.waitText(t, "-100", "Bek: мнение записано")

	timers.Fire(t)
	cite := debate.CorpusRefs()[0].Format("ru")
	verdict := h.waitText(t, "-100", "Что говорит Конституция:")
	if !strings.Contains(verdict.text, "<b>"+cite+"</b>: «") || !strings.Contains(verdict.text, "решает зал") {
		t.Errorf("the verdict should quote %s and leave the choice to the room:\n%s", cite, verdict.text)
	}
	if _, err := h.srv.WaitCalls(ctx, "sendPoll", 2); err != nil {
		t.Fatal(err)
	}
	vote := h.srv.Polls("-100")[1]
	if vote.Type != "regular" || vote.Anonymous || len(vote.Options) != 2 ||
		!strings.HasPrefix(vote.Options[0], "Aru: Пусть") || !strings.HasPrefix(vote.Options[1], "Bek: Нет") {
		t.Fatalf("vote poll = %+v", vote)
	}
	h.srv.AnswerPoll(dana, vote.ID, 0)
	h.srv.AnswerPoll(bek, vote.ID, 0)
	h.srv.AnswerPoll(aru, vote.ID, 0) // for oneself: not counted
	cc.wait(t, 3)

	timers.Fire(t)
	h.waitText(t, "-100", "Лучший аргумент по мнению зала: Aru")

	// Round 3: another quiz; a late vote in the closed round-1 poll is ignored.
	if _, err := h.srv.WaitCalls(ctx, "sendPoll", 3); err != nil {
		t.Fatal(err)
	}
	last := h.srv.Polls("-100")[2]
	fact3 := item(last.Question)
	h.srv.AnswerPoll(bek, last.ID, fact3.Answer)
	h.srv.AnswerPoll(bek, quiz.ID, fact.Answer)
	cc.wait(t, 2)

	timers.Fire(t)
	board := h.waitText(t, "-100", "Итоги баттла")
	for _, want := range []string{"🥇 Aru — 4 очк.", "🥈 Bek — 2 очк.", "🥉 Dana — 0 очк."} {
		if !strings.Contains(board.text, want) {
			t.Errorf("leaderboard lacks %q:\n%s", want, board.text)
		}
	}
	if n := timers.Waiting(); n != 0 {
		t.Errorf("%d timers left after the game", n)
	}

	// The starter exports the game as CSV.
	h.srv.Push(groupMessage(4, aru, "/battle export"))
	cc.wait(t, 1)
	docs, err := h.srv.WaitCalls(ctx, "sendDocument", 1)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(docs[0].Files["document"]))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var opinions []string
	for _, r := range rows {
		if r[3] == "opinion" {
			opinions = append(opinions, r[7]+": "+r[8])
		}
	}
	if len(rows) < 8 || len(opinions) != 2 || !strings.Contains(opinions[0], "налоги") {
		t.Errorf("export rows = %q", rows)
	}
}
