package console

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"atazan/bot"
	"atazan/bot/bottest"
	"atazan/internal/testsupport"
)

// TestBattleInTerminal plays a short battle the way `atazan chat` does:
// options are numbered buttons, an opinion is a typed line.
func TestBattleInTerminal(t *testing.T) {
	timers := &bottest.Timers{}
	bank := bottest.BattleBank(t)
	core, _ := bottest.NewCore(t, "../testdata/corpus-src", bottest.Options{
		Battle: bot.BattleOptions{Bank: bank, AfterFunc: timers.AfterFunc, Seed: 1},
	})
	in, typing := io.Pipe()
	out := &testsupport.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(core, in, out, Options{}).Run(ctx) }()
	defer func() {
		typing.Close()
		cancel()
		<-done
	}()
	seen := 0
	// wait returns the output after what was already read, once it holds want.
	wait := func(want string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			s := out.String()[seen:]
			if i := strings.Index(s, want); i >= 0 {
				seen += i + len(want)
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("the terminal never showed %q; it shows:\n%s", want, s)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	line := func(s string) {
		t.Helper()
		if _, err := io.WriteString(typing, s+"\n"); err != nil {
			t.Fatal(err)
		}
	}

	line("/battle 2")
	round := wait("Ответьте номером варианта.")
	var number string
	for _, it := range bank.Items {
		if strings.Contains(round, it.RU.Q) {
			m := regexp.MustCompile(`\[(\d+)\] ` + regexp.QuoteMeta(it.RU.Options[it.Answer])).FindStringSubmatch(round)
			if m == nil {
				t.Fatalf("the right option is not offered:\n%s", round)
			}
			number = m[1]
		}
	}
	if number == "" {
		t.Fatalf("round 1 shows no bank question:\n%s", round)
	}
	line(number)
	wait("local: ответ принят")
	timers.Fire(t)
	wait("Верно ответили: local")
	wait("Раунд 2 из 2 · дебаты")
	line("По-моему, это правильно")
	wait("мнение записано")
	timers.Fire(t)
	wait("Что говорит Конституция:")
	final := wait("Итоги баттла")
	final += wait("очк.")
	if !strings.Contains(final, "🥇 local — 2 очк.") {
		t.Errorf("leaderboard:\n%s", final)
	}
}
