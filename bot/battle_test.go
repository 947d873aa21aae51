package bot

import (
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"atazan/bot/battle"
	"atazan/config"
	"atazan/corpus"
)

// manualTimers stand in for time.AfterFunc: a round ends when the test
// says so, never by the wall clock.
type manualTimers struct {
	mu      sync.Mutex
	pending []*manualTimer
}

type manualTimer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (m *manualTimers) after(d time.Duration, f func()) func() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := &manualTimer{d: d, f: f}
	m.pending = append(m.pending, t)
	return func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		was := t.stopped
		t.stopped = true
		return !was
	}
}

// fire runs the one timer that is waiting, as if its time had come.
func (m *manualTimers) fire(t testing.TB) time.Duration {
	t.Helper()
	m.mu.Lock()
	var live []*manualTimer
	for _, p := range m.pending {
		if !p.stopped {
			live = append(live, p)
		}
	}
	if len(live) != 1 {
		m.mu.Unlock()
		t.Fatalf("%d round timers waiting, want 1", len(live))
	}
	live[0].stopped = true
	m.mu.Unlock()
	live[0].f()
	return live[0].d
}

func (m *manualTimers) waiting() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, p := range m.pending {
		if !p.stopped {
			n++
		}
	}
	return n
}

// newBattleHarness is the core harness with the fixture bank and manual timers.
func newBattleHarness(t *testing.T, tune ...func(*config.Bot)) (*harness, *manualTimers, *battle.Bank) {
	t.Helper()
	h := newHarness(t, tune...)
	bank, err := battle.Load(os.DirFS("bottest/battlebank"))
	if err != nil {
		t.Fatal(err)
	}
	timers := &manualTimers{}
	h.core.Close()
	h.core = New(Options{Engine: h.engine, Corpus: h.corpus, Store: h.store, Admins: []string{"tg:" + admin},
		Bot: h.cfg, Now: h.clock.now, Battle: BattleOptions{Bank: bank, AfterFunc: timers.after, Seed: 7}})
	return h, timers, bank
}

// group is one shared chat where every message's replies are recorded.
type group struct {
	h   *harness
	out *recorder
}

func (g *group) say(user, name, text string) {
	g.h.t.Helper()
	g.do(Incoming{Platform: Telegram, ChatID: "-100", UserID: user, UserName: name, IsGroup: true, Text: text})
}

func (g *group) press(user, name, data string) {
	g.h.t.Helper()
	g.do(Incoming{Platform: Telegram, ChatID: "-100", UserID: user, UserName: name, IsGroup: true, Callback: data})
}

func (g *group) do(in Incoming) {
	g.h.t.Helper()
	if !g.h.core.ShouldAnswer(in) {
		return // the adapter would not pass it on
	}
	if err := g.h.core.Handle(context.Background(), in, g.out); err != nil {
		g.h.t.Fatalf("Handle(%+v): %v", in, err)
	}
}

// since returns the plain text of the replies after the first n.
func (g *group) since(n int) string {
	var parts []string
	for _, e := range g.out.all()[n:] {
		parts = append(parts, e.reply.Plain())
	}
	return strings.Join(parts, "\n---\n")
}

func (g *group) count() int { return len(g.out.all()) }

// itemIn finds the bank item a reply shows.
func itemIn(t *testing.T, bank *battle.Bank, text string) *battle.Item {
	t.Helper()
	for _, it := range bank.Items {
		if strings.Contains(text, it.RU.Q) {
			return it
		}
	}
	t.Fatalf("no bank item in %q", text)
	return nil
}

func TestBattleGroupGame(t *testing.T) {
	h, timers, bank := newBattleHarness(t, func(b *config.Bot) { b.RatePerMinute = 1 })
	g := &group{h: h, out: &recorder{}}
	const aru, bek = "11", "22"

	g.say(aru, "Aru", "/battle 3")
	text := g.since(0)
	if !strings.Contains(text, "Раундов: 3") || !strings.Contains(text, "Раунд 1 из 3 · вопрос") {
		t.Fatalf("start of the game:\n%s", text)
	}
	fact := itemIn(t, bank, text)
	q := g.out.last()
	if len(q.Actions) != len(fact.RU.Options) {
		t.Fatalf("round 1 offers %d options, the item has %d", len(q.Actions), len(fact.RU.Options))
	}
	wrong := (fact.Answer + 1) % len(fact.RU.Options)
	g.press(aru, "Aru", q.Actions[fact.Answer].Data)
	g.press(bek, "Bek", q.Actions[wrong].Data)
	g.press(aru, "Aru", q.Actions[wrong].Data) // a second answer does not count
	g.say(bek, "Bek", "2")                     // nor does a number once answered

	// A question during the game is a question, and the moves above have
	// not used up the rate limit of one question a minute.
	asked := len(h.engine.asked())
	g.do(Incoming{Platform: Telegram, ChatID: "-100", UserID: bek, IsGroup: true, Mentioned: true, Text: "можно ли работать с 16 лет?"})
	if got := len(h.engine.asked()); got != asked+1 {
		t.Fatalf("the question in the middle of a battle reached the engine %d times, want 1", got-asked)
	}
	if strings.Contains(g.out.text(), "минут") {
		t.Fatalf("battle answers ate the rate limit: %q", g.out.text())
	}
	// In a group, chatter that is not a move stays unanswered.
	if h.core.ShouldAnswer(Incoming{Platform: Telegram, ChatID: "-100", UserID: bek, IsGroup: true, Text: "ну и вопрос"}) {
		t.Error("an unaddressed message during a fact round should not reach the core")
	}

	n := g.count()
	if d := timers.fire(t); d != battle.DefaultTimer {
		t.Errorf("round timer = %v, want %v", d, battle.DefaultTimer)
	}
	reveal := g.since(n)
	right := fact.RU.Options[fact.Answer]
	cite := fact.CorpusRefs()[0].Format(corpus.RU)
	for _, want := range []string{"Правильный ответ: " + right, cite + ": «", "Верно ответили: Aru", "Раунд 2 из 3 · дебаты"} {
		if !strings.Contains(reveal, want) {
			t.Errorf("end of round 1 lacks %q:\n%s", want, reveal)
		}
	}
	if strings.Contains(reveal, "Bek") {
		t.Errorf("Bek answered wrong but is named:\n%s", reveal)
	}
	debate := itemIn(t, bank, reveal)
	if debate.Kind != battle.Debate {
		t.Fatalf("round 2 is %s, want a debate", debate.Kind)
	}

	// Opinions need no mention: the debate round takes the chat's messages.
	if !h.core.ShouldAnswer(Incoming{Platform: Telegram, ChatID: "-100", UserID: aru, IsGroup: true, Text: "Я за"}) {
		t.Fatal("an opinion in a debate round should reach the core")
	}
	g.say(aru, "Aru", "Я за: в шестнадцать уже можно отвечать за себя")
	g.say(bek, "Bek", "Против, сначала учёба")
	g.say(bek, "Bek", "Против: сначала нужно окончить школу") // replaces Bek's first opinion
	if got := g.out.text(); !strings.Contains(got, "Bek: мнение обновлено") {
		t.Errorf("a second opinion should be acknowledged as an update, got %q", got)
	}

	n = g.count()
	timers.fire(t)
	verdict := g.since(n)
	for _, want := range []string{"Что говорит Конституция:", debate.CorpusRefs()[0].Format(corpus.RU) + ": «", "решает зал", "Чей аргумент лучше?"} {
		if !strings.Contains(verdict, want) {
			t.Errorf("verdict lacks %q:\n%s", want, verdict)
		}
	}
	vote := g.out.last()
	if len(vote.Actions) != 2 || !strings.HasPrefix(vote.Actions[0].Label, "Aru: Я за") ||
		!strings.HasPrefix(vote.Actions[1].Label, "Bek: Против: сначала") {
		t.Fatalf("vote options = %+v", vote.Actions)
	}
	g.press(bek, "Bek", vote.Actions[1].Data) // for oneself: refused
	g.press(aru, "Aru", vote.Actions[1].Data)
	g.press("33", "Dana", vote.Actions[0].Data)
	g.say(bek, "Bek", "1") // a number votes too

	n = g.count()
	timers.fire(t)
	after := g.since(n)
	if !strings.Contains(after, "Лучший аргумент по мнению зала: Aru") || !strings.Contains(after, "Раунд 3 из 3") {
		t.Errorf("end of the vote:\n%s", after)
	}

	// Only the starter (or an admin) skips or stops.
	n = g.count()
	g.say(bek, "Bek", "/battle skip")
	if !strings.Contains(g.since(n), "только тот, кто начал") {
		t.Errorf("Bek skipped a round he did not start: %s", g.since(n))
	}
	n = g.count()
	g.say(aru, "Aru", "/battle skip")
	final := g.since(n)
	for _, want := range []string{"Раунд пропущен", "Итоги баттла", "🥇 Aru — 4 очк.", "🥈 Bek — 1 очк."} {
		if !strings.Contains(final, want) {
			t.Errorf("end of the game lacks %q:\n%s", want, final)
		}
	}
	if timers.waiting() != 0 {
		t.Errorf("%d timers still waiting after the game", timers.waiting())
	}
	if h.core.ShouldAnswer(Incoming{Platform: Telegram, ChatID: "-100", UserID: aru, IsGroup: true, Text: "Я за"}) {
		t.Error("after the game, chatter should no longer reach the core")
	}

	// Scores outlive the game and a restart.
	h.restart()
	n = g.count()
	g.say(bek, "Bek", "/battle top")
	if top := g.since(n); !strings.Contains(top, "🥇 Aru — 4") || !strings.Contains(top, "🥈 Bek — 1") {
		t.Errorf("/battle top:\n%s", top)
	}

	// /forget takes a player's moves out of the scores.
	h.handle(Incoming{Platform: Telegram, ChatID: bek, UserID: bek, Text: "/forget"})
	n = g.count()
	g.say(aru, "Aru", "/battle top")
	if top := g.since(n); !strings.Contains(top, "🥇 Aru — 4") || strings.Contains(top, "Bek") {
		t.Errorf("/battle top after Bek's /forget:\n%s", top)
	}

	// The export is the starter's (or an admin's).
	n = g.count()
	g.say(bek, "Bek", "/battle export")
	if g.out.last().Document != nil {
		t.Fatal("Bek got the export of a game he did not start")
	}
	g.say(aru, "Aru", "/battle export")
	doc := g.out.last().Document
	if doc == nil {
		t.Fatalf("no CSV for the starter: %s", g.since(n))
	}
	rows, err := csv.NewReader(strings.NewReader(string(doc.Data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range rows[1:] {
		kinds[r[3]]++
	}
	want := map[string]int{"answer": 1, "opinion": 1, "vote": 2, "best": 1, "total": 2} // Bek's moves are gone
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("export has %d %q rows, want %d (all: %v)", kinds[k], k, v, kinds)
		}
	}
}

func TestBattleCommands(t *testing.T) {
	h, timers, _ := newBattleHarness(t)
	tests := []struct {
		name, user, text, want string
	}{
		{"no game to stop", "1", "/battle stop", "Сейчас баттла нет"},
		{"unknown topic", "1", "/battle космос", "Не знаю такой темы"},
		{"topic without checked items", "1", "/battle president", "нет проверенных вопросов"},
		{"kazakh game on a topic", "1", "/battle kk 2 rights 15s", "Тақырып: Құқықтар"},
		{"one game per chat", "1", "/battle", "баттл жүріп жатыр"},
		{"stop by an admin", admin, "/battle stop", "Баттл тоқтатылды"},
		{"review for admins", admin, "/battle review", "отложенные до проверки"},
		{"no review for others", "1", "/battle review", "Не знаю такой темы"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := h.handle(Incoming{Platform: Telegram, ChatID: "-5", UserID: tt.user, IsGroup: true, Text: tt.text})
			var all []string
			for _, e := range out.all() {
				all = append(all, e.reply.Plain())
			}
			if got := strings.Join(all, "\n"); !strings.Contains(got, tt.want) {
				t.Errorf("%s: got %q, want %q", tt.text, got, tt.want)
			}
		})
	}
	if timers.waiting() != 0 {
		t.Errorf("%d timers waiting after the stop", timers.waiting())
	}
}

// TestBattleReviewAfterTextChange: an item whose cited text changed since
// review stays out of games until an admin approves it.
func TestBattleReviewAfterTextChange(t *testing.T) {
	h, _, bank := newBattleHarness(t)
	bank.Reviewed["t-work-age"] = []string{"0000000000000000"} // reviewed against another text
	say := func(user, text string) string {
		t.Helper()
		out := h.handle(Incoming{Platform: Telegram, ChatID: user, UserID: user, Text: text})
		var all []string
		for _, e := range out.all() {
			all = append(all, e.reply.Plain())
		}
		return strings.Join(all, "\n")
	}
	review := say(admin, "/battle review")
	if !strings.Contains(review, "t-work-age (ст. 2, п. 2): the cited text changed") || !strings.Contains(review, "/battle approve") {
		t.Fatalf("review:\n%s", review)
	}
	if !strings.Contains(review, "t-state-lang") {
		t.Errorf("an item the text no longer bears out should be listed too:\n%s", review)
	}
	if got := say("5", "/battle approve all"); !strings.Contains(got, "Не знаю такой темы") {
		t.Errorf("a non-admin's approve: %q", got)
	}
	if got := say(admin, "/battle approve t-work-age t-state-lang"); !strings.Contains(got, "Одобрено вопросов: 1") ||
		!strings.Contains(got, "Не одобрены") || !strings.Contains(got, "t-state-lang") {
		t.Errorf("approve: %q", got)
	}
	if review := say(admin, "/battle review"); strings.Contains(review, "t-work-age") {
		t.Errorf("the approved item is still set aside:\n%s", review)
	}
	log, err := h.store.AdminLog(context.Background(), 5)
	if err != nil || len(log) == 0 || log[0].Action != "approve battle items" || log[0].Detail != "t-work-age" {
		t.Errorf("admin log = %+v, %v", log, err)
	}
}

// TestBattleVoteOnManyArguments: a Telegram poll takes ten options, so
// only the first ten arguments are put to the vote.
func TestBattleVoteOnManyArguments(t *testing.T) {
	h, timers, _ := newBattleHarness(t)
	g := &group{h: h, out: &recorder{}}
	g.say("1", "Host", "/battle 2")
	timers.fire(t) // round 1, a fact, ends; round 2 is a debate
	for i := range 12 {
		id := strconv.Itoa(100 + i)
		g.say(id, "P"+id, "Мнение номер "+id)
	}
	timers.fire(t)
	vote := g.out.last()
	if len(vote.Actions) != 10 || vote.Actions[9].Label != "P109: Мнение номер 109" {
		t.Fatalf("vote options = %d, last %+v", len(vote.Actions), vote.Actions[len(vote.Actions)-1])
	}
	g.say("100", "P100", "11") // the eleventh argument was not put to the vote
	g.say("101", "P101", "1")
	n := g.count()
	timers.fire(t)
	if s := g.since(n); !strings.Contains(s, "Лучший аргумент по мнению зала: P100") {
		t.Errorf("end of the vote: %q", s)
	}
}

func TestIsOpinion(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Против: сначала школа", true},
		{"Я за", true},
		{"Менімше, бұл дұрыс", true},
		{"а со скольки лет можно голосовать?", false},
		{"/battle stop", false},
		{"спасибо", false},
		{"👍", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isOpinion(tt.text); got != tt.want {
			t.Errorf("isOpinion(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	for in, want := range map[string]string{"=HYPERLINK(1)": "'=HYPERLINK(1)", "-1": "'-1", "мнение": "мнение", "": ""} {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}
