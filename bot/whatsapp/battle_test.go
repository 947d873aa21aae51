package whatsapp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"atazan/bot"
	"atazan/bot/bottest"
)

func TestBattleInWhatsAppGroup(t *testing.T) {
	timers := &bottest.Timers{}
	bank := bottest.BattleBank(t)
	core, _ := bottest.NewCore(t, "testdata/corpus-src", bottest.Options{
		Now:    func() time.Time { return t0 },
		Battle: bot.BattleOptions{Bank: bank, AfterFunc: timers.AfterFunc, Seed: 5},
	})
	a, c, client := connectedAdapter(t, core)

	aru := types.NewJID("77010000011", types.DefaultUserServer)
	bek := types.NewJID("77010000022", types.DefaultUserServer)
	dana := types.NewJID("77010000033", types.DefaultUserServer)
	names := map[types.JID]string{aru: "Aru", bek: "Bek", dana: "Dana"}
	seq := 0
	say := func(from types.JID, s string) {
		t.Helper()
		seq++
		evt := message(group, from, text(s))
		evt.Info.ID = types.MessageID(fmt.Sprintf("IN%03d", seq))
		evt.Info.PushName = names[from]
		deliver(a, c, evt)
	}
	sentFrom := 0
	next := func() string { // what the bot sent since the last call
		t.Helper()
		var out []string
		for i := sentFrom; i < len(client.sent); i++ {
			out = append(out, client.text(i))
		}
		sentFrom = len(client.sent)
		return strings.Join(out, "\n---\n")
	}
	option := func(sent, label string) string { // the number the bot gave label
		t.Helper()
		for line := range strings.SplitSeq(sent, "\n") {
			if n, rest, ok := strings.Cut(line, "* — "); ok && strings.HasPrefix(rest, label) {
				return strings.TrimPrefix(n, "*")
			}
		}
		t.Fatalf("no option %q in:\n%s", label, sent)
		return ""
	}
	itemIn := func(sent string) (q string, options []string, answer int) {
		t.Helper()
		for _, it := range bank.Items {
			if strings.Contains(sent, it.RU.Q) {
				return it.RU.Q, it.RU.Options, it.Answer
			}
		}
		t.Fatalf("no bank item in:\n%s", sent)
		return
	}

	say(aru, "/battle 3")
	round1 := next()
	if !strings.Contains(round1, "Раунд 1 из 3") {
		t.Fatalf("start:\n%s", round1)
	}
	_, opts, ans := itemIn(round1)
	say(aru, option(round1, opts[ans]))
	say(bek, option(round1, opts[(ans+1)%len(opts)]))
	if acks := next(); !strings.Contains(acks, "Aru: ответ принят") || !strings.Contains(acks, "Bek: ответ принят") {
		t.Errorf("answers by number should be acknowledged:\n%s", acks)
	}
	// Chatter in the group is still not the bot's business.
	say(dana, "кто-нибудь видел мою ручку?")
	if s := next(); s != "" {
		t.Errorf("the bot answered group chatter: %q", s)
	}

	timers.Fire(t)
	reveal := next()
	if !strings.Contains(reveal, "*Правильный ответ: "+opts[ans]+"*") || !strings.Contains(reveal, "Верно ответили: Aru") ||
		!strings.Contains(reveal, "Раунд 2 из 3 · дебаты") {
		t.Fatalf("end of round 1:\n%s", reveal)
	}

	say(aru, "Я за, в четырнадцать уже можно подрабатывать")
	say(bek, "Против: сначала школа")
	next()
	timers.Fire(t)
	verdict := next()
	if !strings.Contains(verdict, "Что говорит Конституция:") || !strings.Contains(verdict, "*ст. ") ||
		!strings.Contains(verdict, "*1* — Aru: Я за") || !strings.Contains(verdict, "*2* — Bek: Против") {
		t.Fatalf("verdict and vote:\n%s", verdict)
	}
	say(dana, "2")
	say(aru, "2")
	next()
	timers.Fire(t)
	if s := next(); !strings.Contains(s, "Лучший аргумент по мнению зала: Bek") || !strings.Contains(s, "Раунд 3 из 3") {
		t.Fatalf("end of the vote:\n%s", s)
	}

	say(bek, "/battle stop")
	if s := next(); !strings.Contains(s, "только тот, кто начал") {
		t.Errorf("Bek stopped a game he did not start:\n%s", s)
	}
	say(aru, "/battle stop")
	final := next()
	for _, want := range []string{"Баттл остановлен", "🥇 Bek — 3 очк.", "🥈 Aru — 2 очк."} {
		if !strings.Contains(final, want) {
			t.Errorf("end of the game lacks %q:\n%s", want, final)
		}
	}
	if timers.Waiting() != 0 {
		t.Errorf("%d timers left", timers.Waiting())
	}
}
