package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"atazan/bot/battle"
	"atazan/bot/store"
	"atazan/corpus"
)

// Poll is a native poll, for messengers that have one (Telegram).
type Poll struct {
	Question string
	Options  []string
	// Quiz polls have one Correct option and show Explanation after a vote.
	Quiz        bool
	Correct     int
	Explanation string
}

// PollSender is a Responder that can send native polls. Votes come back as
// Incoming.PollAnswer with the poll id SendPoll returned.
type PollSender interface {
	SendPoll(ctx context.Context, p Poll) (msgID, pollID string, err error)
	// StopPoll closes a poll when its round ends.
	StopPoll(ctx context.Context, msgID string) error
}

// PollAnswer is a vote in a native poll; no options means a retracted vote.
type PollAnswer struct {
	PollID  string
	Options []int
}

// BattleOptions configure /battle.
type BattleOptions struct {
	// Bank is the question bank; nil means the embedded one.
	Bank *battle.Bank
	// AfterFunc runs f after d and returns a function that cancels it, like
	// time.AfterFunc(d, f).Stop; tests pass a clock they move by hand.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// Timer is the default round length (battle.DefaultTimer when zero).
	Timer time.Duration
	// Seed fixes the order of questions (tests); zero means random.
	Seed uint64
}

// battles are the games running on this replica, one per chat.
type battles struct {
	opts BattleOptions
	err  error // why the bank could not be loaded

	mu    sync.Mutex
	games map[string]*liveGame // by chat key
	polls map[string]pollRef   // by the messenger's poll id
	rng   *rand.Rand
}

// maxVoteOptions is Telegram's limit on a poll's options; in a debate with
// more arguments, the first ten are put to the vote.
const maxVoteOptions = 10

type pollRef struct {
	chat  string
	round int
	phase battle.Phase
}

// liveGame is a running game and the chat it talks to. Its mutex orders
// players' moves, organisers' commands and timer ticks.
type liveGame struct {
	mu      sync.Mutex
	chat    string
	g       *battle.Game
	in      Incoming // the message that started it: platform, chat, group
	out     Responder
	tick    int         // bumps on every phase change; stale timers see it
	stop    func() bool // cancels the round timer
	pollMsg string      // the open poll, to close when its phase ends
	t       *battleTexts
}

func newBattles(opts BattleOptions) *battles {
	b := &battles{opts: opts, games: map[string]*liveGame{}, polls: map[string]pollRef{}}
	if b.opts.Bank == nil {
		b.opts.Bank, b.err = battle.Default()
	}
	if b.opts.AfterFunc == nil {
		b.opts.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	if b.opts.Timer == 0 {
		b.opts.Timer = battle.DefaultTimer
	}
	seed := b.opts.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	b.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return b
}

func chatKey(in Incoming) string { return string(in.Platform) + ":" + in.ChatID }

func (b *battles) game(key string) *liveGame {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.games[key]
}

// battleWaits reports whether a message that does not address the bot is
// a move in the chat's battle: an opinion while a debate takes them, or a
// number while a question or a vote is open. ShouldAnswer lets it through.
func (c *Core) battleWaits(in Incoming) bool {
	l := c.battles.game(chatKey(in))
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	text := strings.TrimSpace(in.Text)
	switch l.g.Phase() {
	case battle.Arguing:
		return isOpinion(text)
	case battle.Answering, battle.Voting:
		_, ok := choice(text)
		return ok
	}
	return false
}

// isOpinion tells an argument from a question, a command or small talk
// ("спасибо", "ок", "👍"), which are no argument.
func isOpinion(text string) bool {
	if text == "" || strings.HasPrefix(text, "/") || strings.HasSuffix(text, "?") {
		return false
	}
	kind, _ := smallTalk(text)
	return kind == notChat
}

// choice reads "2", "2." or "2)" as option index 1.
func choice(text string) (int, bool) {
	s := strings.TrimRight(strings.TrimSpace(text), ".)")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 99 {
		return 0, false
	}
	return n - 1, true
}

// battleMove handles a message that is a move in a running battle and
// reports whether it was one; anything else is left to the usual handling,
// so a question during a battle is answered as always. Moves never touch
// the rate limit.
func (c *Core) battleMove(ctx context.Context, in Incoming, out Responder) (bool, error) {
	if pa := in.PollAnswer; pa != nil {
		return true, c.pollAnswer(ctx, in, pa)
	}
	if data, ok := strings.CutPrefix(in.Callback, "bt:"); ok {
		return true, c.battleCallback(ctx, in, out, data)
	}
	if in.Callback != "" || in.File != nil || in.Text == "" {
		return false, nil
	}
	l := c.battles.game(chatKey(in))
	if l == nil {
		return false, nil
	}
	text := strings.TrimSpace(in.Text)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch phase := l.g.Phase(); {
	case phase == battle.Arguing && isOpinion(text):
		return true, c.argue(ctx, l, in, out, text)
	case phase == battle.Answering || phase == battle.Voting:
		if n, ok := choice(text); ok {
			return true, c.pick(ctx, l, in, out, l.g.Round().N, phase, n)
		}
	}
	return false, nil
}

// battleCallback is a button (or, on WhatsApp and in the terminal, a
// number) for an option: "bt:<round>:<phase>:<option>".
func (c *Core) battleCallback(ctx context.Context, in Incoming, out Responder, data string) error {
	parts := strings.Split(data, ":")
	if len(parts) != 3 {
		c.log.Debug("malformed battle button", "data", data)
		return nil
	}
	round, err1 := strconv.Atoi(parts[0])
	opt, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		c.log.Debug("malformed battle button", "data", data)
		return nil
	}
	l := c.battles.game(chatKey(in))
	if l == nil {
		return nil // the game is over: a late press changes nothing
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return c.pick(ctx, l, in, out, round, battle.Phase(parts[1]), opt)
}

// pollAnswer is a vote in a Telegram poll of a round.
func (c *Core) pollAnswer(ctx context.Context, in Incoming, pa *PollAnswer) error {
	key := string(in.Platform) + ":" + pa.PollID
	c.battles.mu.Lock()
	ref, ok := c.battles.polls[key]
	l := c.battles.games[ref.chat]
	c.battles.mu.Unlock()
	if !ok || l == nil {
		return nil // a poll of a game that is over
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	opt := -1
	if len(pa.Options) > 0 {
		opt = pa.Options[0]
	}
	return c.pick(ctx, l, in, nil, ref.round, ref.phase, opt)
}

// pick records an option chosen in round and phase; out, when not nil,
// gets a short acknowledgement (a native poll shows the vote itself).
// l.mu must be held.
func (c *Core) pick(ctx context.Context, l *liveGame, in Incoming, out Responder, round int, phase battle.Phase, opt int) error {
	r := l.g.Round()
	if r == nil || r.N != round || l.g.Phase() != phase {
		return nil // the round moved on
	}
	player := userKey(in)
	var err error
	var ev store.BattleEvent
	switch phase {
	case battle.Answering:
		var correct bool
		correct, err = l.g.Answer(player, displayName(in), opt)
		if err == nil {
			ev = c.battleEvent(l, r, "answer", player, displayName(in), r.Item.In(l.g.Lang).Options[opt], 0)
			if correct {
				ev.Points = battle.PointsCorrect
			}
		}
	case battle.Voting:
		if opt >= maxVoteOptions {
			return nil // not put to the vote
		}
		err = l.g.Vote(player, displayName(in), opt)
	default:
		return nil
	}
	switch {
	case errors.Is(err, battle.ErrAlready), errors.Is(err, battle.ErrSelfVote), errors.Is(err, battle.ErrBadOption):
		c.log.Debug("battle move refused", "err", err)
		return nil
	case err != nil:
		return fmt.Errorf("battle move: %w", err)
	}
	if ev.Kind != "" {
		c.saveEvents(ctx, ev)
	}
	if out == nil {
		return nil
	}
	_, err = out.Send(ctx, plainReply(fmt.Sprintf(l.t.accepted, displayName(in))))
	return err
}

func (c *Core) argue(ctx context.Context, l *liveGame, in Incoming, out Responder, text string) error {
	player := userKey(in)
	replaced, err := l.g.Argue(player, displayName(in), text)
	if err != nil {
		return nil // empty text: nothing to keep
	}
	r := l.g.Round()
	points := battle.PointsOpinion
	msg := l.t.opinionOK
	if replaced {
		points, msg = 0, l.t.opinionNew
	}
	c.saveEvents(ctx, c.battleEvent(l, r, "opinion", player, displayName(in), text, points))
	_, err = out.Send(ctx, plainReply(fmt.Sprintf(msg, displayName(in))))
	return err
}

// displayName is how a player appears on the leaderboard: the messenger's
// name, else the user id (the terminal has no names).
func displayName(in Incoming) string {
	if in.UserName != "" {
		return in.UserName
	}
	return in.UserID
}

func (c *Core) battleEvent(l *liveGame, r *battle.Round, kind, player, name, detail string, points int) store.BattleEvent {
	return store.BattleEvent{GameID: l.g.ID, Round: r.N, Item: r.Item.ID, Kind: kind, UserID: player, UserName: name,
		Detail: detail, Points: points, Created: c.now()}
}

// saveEvents stores moves; a failure is logged, and the game goes on with
// the scores it holds.
func (c *Core) saveEvents(ctx context.Context, events ...store.BattleEvent) {
	if err := c.store.AddBattleEvents(ctx, events...); err != nil {
		c.metrics.Error("store")
		c.log.Error("saving battle moves", "err", err)
	}
}

// battleCommand is /battle and its sub-commands.
func (c *Core) battleCommand(ctx context.Context, in Incoming, out Responder, args []string) error {
	lang := c.preferredLang(ctx, in)
	sub := ""
	if len(args) > 0 {
		sub = strings.ToLower(args[0])
	}
	if l := c.battles.game(chatKey(in)); l != nil {
		lang = l.g.Lang
	}
	t := battleTextsFor(lang)
	switch sub {
	case "stop", "skip":
		return c.battleControl(ctx, in, out, sub, t)
	case "top":
		return c.battleTop(ctx, in, out, t)
	case "export":
		return c.battleExport(ctx, in, out, t)
	case "review":
		if c.isAdmin(in) {
			return c.battleReview(ctx, in, out, t)
		}
	case "approve":
		if c.isAdmin(in) {
			return c.battleApprove(ctx, in, out, args[1:], t)
		}
	case "help":
		return c.say(ctx, in, out, t.usage)
	}
	return c.battleStart(ctx, in, out, args, lang)
}

var timerArg = regexp.MustCompile(`^(\d{1,3})(s|с|сек|sec)?$`)

func (c *Core) battleStart(ctx context.Context, in Incoming, out Responder, args []string, lang corpus.Lang) error {
	b := c.battles
	t := battleTextsFor(lang)
	if b.err != nil {
		c.log.Error("battle bank unavailable", "err", b.err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	s := battle.Settings{ID: newID(), Starter: userKey(in), Timer: b.opts.Timer}
	var words []string
	for _, a := range args {
		m := timerArg.FindStringSubmatch(strings.ToLower(a))
		switch {
		case m != nil && m[2] != "":
			sec, _ := strconv.Atoi(m[1])
			s.Timer = min(max(time.Duration(sec)*time.Second, battle.MinTimer), battle.MaxTimer)
		case m != nil:
			s.Rounds, _ = strconv.Atoi(m[1])
		default:
			if l, ok := parseLang(a); ok && len([]rune(a)) <= 3 {
				lang = l
				continue
			}
			words = append(words, a)
		}
	}
	s.Lang = lang
	t = battleTextsFor(lang)
	doc := c.corpus.Document(battle.Doc)
	if doc == nil {
		return c.say(ctx, in, out, textsFor(lang).noCorpus)
	}
	items, _ := b.opts.Bank.Playable(doc, c.battleApprovals(ctx))
	if len(words) > 0 {
		topic, ok := b.opts.Bank.Topic(strings.Join(words, " "))
		if !ok {
			var names []string
			for _, tp := range b.opts.Bank.Topics {
				names = append(names, tp.Name)
			}
			return c.say(ctx, in, out, fmt.Sprintf(t.unknownOpt, strings.Join(names, ", ")))
		}
		s.Topic = &topic
		items = slices.DeleteFunc(items, func(it *battle.Item) bool { return !it.InTopic(topic, doc.Texts[corpus.RU]) })
	}
	b.mu.Lock()
	if b.games[chatKey(in)] != nil {
		b.mu.Unlock()
		return c.say(ctx, in, out, t.running)
	}
	g, err := battle.New(s, items, b.rng)
	if err != nil {
		b.mu.Unlock()
		return c.say(ctx, in, out, t.noItems)
	}
	l := &liveGame{chat: chatKey(in), g: g, in: in, out: out, t: t}
	b.games[l.chat] = l
	l.mu.Lock()
	b.mu.Unlock()
	defer l.mu.Unlock()

	topicName := ""
	if s.Topic != nil {
		topicName = s.Topic.Name
	}
	if err := c.store.StartBattle(ctx, store.BattleGame{ID: g.ID, Platform: string(in.Platform), ChatID: in.ChatID,
		Starter: g.Starter, Lang: string(lang), Topic: topicName, Rounds: len(g.Rounds), Started: c.now()}); err != nil {
		c.metrics.Error("store")
		c.log.Error("saving a battle", "err", err)
		c.dropGame(l)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	c.log.Info("battle started", "platform", in.Platform, "rounds", len(g.Rounds), "topic", topicName, "lang", lang)
	topicLine := ""
	if s.Topic != nil {
		name := s.Topic.RU
		if lang == corpus.KK {
			name = s.Topic.KK
		}
		topicLine = fmt.Sprintf(t.topicLine, name)
	}
	if _, err := out.Send(ctx, plainReply(fmt.Sprintf(t.started, len(g.Rounds), int(g.Timer/time.Second), topicLine))); err != nil {
		c.dropGame(l)
		return err
	}
	return c.openRound(ctx, l)
}

// openRound shows the current round and starts its timer. l.mu must be held.
func (c *Core) openRound(ctx context.Context, l *liveGame) error {
	r := l.g.Round()
	loc := r.Item.In(l.g.Lang)
	of := len(l.g.Rounds)
	if r.Item.Kind == battle.Debate {
		rep := Reply{Paragraphs: []Paragraph{
			{{Text: fmt.Sprintf(l.t.roundDebate, r.N, of), Bold: true}},
			{{Text: "«" + loc.Q + "»", Italic: true}},
			{{Text: fmt.Sprintf(l.t.debateHint, int(l.g.Timer/time.Second))}},
		}}
		c.arm(l) // first, so that a failed send does not stall the game
		_, err := l.out.Send(ctx, rep)
		return err
	}
	c.arm(l)
	head := fmt.Sprintf(l.t.roundFact, r.N, of)
	if ps, ok := l.out.(PollSender); ok {
		msgID, pollID, err := ps.SendPoll(ctx, Poll{
			Question: clip(head+" — "+loc.Q, battle.MaxQuestion), Options: loc.Options,
			Quiz: true, Correct: r.Item.Answer, Explanation: c.explanation(r.Item, l.g.Lang, battle.MaxExplanation),
		})
		if err != nil {
			return err
		}
		c.openPoll(l, msgID, pollID, r.N, battle.Answering)
	} else {
		rep := Reply{Paragraphs: []Paragraph{{{Text: head, Bold: true}}, {{Text: loc.Q}}, {{Text: l.t.answerHint, Italic: true}}}}
		for i, o := range loc.Options {
			rep.Actions = append(rep.Actions, Action{Label: o, Data: fmt.Sprintf("bt:%d:%s:%d", r.N, battle.Answering, i)})
		}
		if _, err := l.out.Send(ctx, rep); err != nil {
			return err
		}
	}
	return nil
}

func (c *Core) openPoll(l *liveGame, msgID, pollID string, round int, phase battle.Phase) {
	l.pollMsg = msgID
	c.battles.mu.Lock()
	defer c.battles.mu.Unlock()
	c.battles.polls[string(l.in.Platform)+":"+pollID] = pollRef{chat: l.chat, round: round, phase: phase}
}

// arm starts the timer of the current phase. l.mu must be held.
func (c *Core) arm(l *liveGame) {
	if l.stop != nil {
		l.stop()
		l.stop = nil
	}
	if c.bg.Err() != nil {
		return // closing: no new timers for Close to wait for
	}
	l.tick++
	tick := l.tick
	c.running.Add(1)
	stop := c.battles.opts.AfterFunc(l.g.Timer, func() {
		defer c.running.Done()
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.tick != tick || c.bg.Err() != nil {
			return
		}
		if err := c.advance(c.bg, l, ""); err != nil {
			c.log.Error("battle round", "err", err)
		}
	})
	l.stop = func() bool {
		if stop() {
			c.running.Done() // the timer will not run: release it here
			return true
		}
		return false
	}
}

// advance ends the current phase and shows what comes next. note, when
// set, says why ("Раунд пропущен"). l.mu must be held.
func (c *Core) advance(ctx context.Context, l *liveGame, note string) error {
	if l.stop != nil {
		l.stop()
		l.stop = nil
	}
	l.tick++
	c.closePoll(ctx, l)
	r := l.g.Round()
	if r == nil {
		return nil
	}
	was := l.g.Phase()
	closed := l.g.Advance()
	var rep Reply
	if note != "" {
		rep.Paragraphs = append(rep.Paragraphs, Paragraph{{Text: note, Italic: true}})
	}
	switch was {
	case battle.Answering:
		rep.Paragraphs = append(rep.Paragraphs, c.revealFact(l, r)...)
	case battle.Arguing:
		rep.Paragraphs = append(rep.Paragraphs, c.verdict(r, l.g.Lang, l.t)...)
	case battle.Voting:
		rep.Paragraphs = append(rep.Paragraphs, c.voteResult(ctx, l, r)...)
	}
	if len(rep.Paragraphs) > 0 {
		if _, err := l.out.Send(ctx, rep); err != nil {
			return err
		}
	}
	if closed == nil && l.g.Phase() == battle.Voting {
		return c.openVote(ctx, l, r)
	}
	if l.g.Phase() == battle.Over {
		return c.finish(ctx, l, "")
	}
	return c.openRound(ctx, l)
}

func (c *Core) closePoll(ctx context.Context, l *liveGame) {
	if l.pollMsg == "" {
		return
	}
	if ps, ok := l.out.(PollSender); ok {
		if err := ps.StopPoll(ctx, l.pollMsg); err != nil {
			c.log.Warn("closing a battle poll", "err", err)
		}
	}
	l.pollMsg = ""
}

// revealFact says which option was right, why, and who got it.
func (c *Core) revealFact(l *liveGame, r *battle.Round) []Paragraph {
	lang := l.g.Lang
	loc := r.Item.In(lang)
	ps := []Paragraph{{{Text: fmt.Sprintf(l.t.correctIs, loc.Options[r.Item.Answer]), Bold: true}}}
	ps = append(ps, c.quotes(r.Item, lang, 400)...)
	var names []string
	for _, p := range r.Correct() {
		names = append(names, l.g.Name(p))
	}
	if len(names) == 0 {
		ps = append(ps, Paragraph{{Text: l.t.nobodyRight}})
	} else {
		ps = append(ps, Paragraph{{Text: fmt.Sprintf(l.t.rightBy, strings.Join(names, ", "))}})
	}
	return ps
}

// verdict is what the Constitution says on a debate statement: the cited
// points, quoted with their citations, and no judgement of anyone's view.
func (c *Core) verdict(r *battle.Round, lang corpus.Lang, t *battleTexts) []Paragraph {
	ps := []Paragraph{{{Text: t.verdict, Bold: true}}}
	ps = append(ps, c.quotes(r.Item, lang, 700)...)
	return append(ps, Paragraph{{Text: t.neutral, Italic: true}})
}

// quotes are the item's cited points, each with its citation in bold.
func (c *Core) quotes(it *battle.Item, lang corpus.Lang, max int) []Paragraph {
	var ps []Paragraph
	text := c.textOf(battle.Doc, lang)
	if text == nil {
		return nil
	}
	for _, ref := range it.CorpusRefs() {
		s, err := battle.PointText(text, ref)
		if err != nil {
			continue // Check keeps such items out of games
		}
		ps = append(ps, Paragraph{{Text: ref.Format(lang), Bold: true}, {Text: ": «" + clip(s, max) + "»"}})
	}
	return ps
}

// explanation is a quiz poll's explanation: the citation and the start of
// the point, within Telegram's limit.
func (c *Core) explanation(it *battle.Item, lang corpus.Lang, max int) string {
	text := c.textOf(battle.Doc, lang)
	ref := it.CorpusRefs()[0]
	head := ref.Format(lang)
	if text == nil {
		return head
	}
	s, err := battle.PointText(text, ref)
	if err != nil {
		return head
	}
	return head + ": " + clip(s, max-len([]rune(head))-2)
}

// openVote asks the room for the best argument. l.mu must be held.
func (c *Core) openVote(ctx context.Context, l *liveGame, r *battle.Round) error {
	c.arm(l)
	var labels []string
	for _, o := range r.Opinions[:min(len(r.Opinions), maxVoteOptions)] {
		labels = append(labels, clip(l.g.Name(o.Player)+": "+o.Text, battle.MaxOption))
	}
	if ps, ok := l.out.(PollSender); ok {
		msgID, pollID, err := ps.SendPoll(ctx, Poll{Question: l.t.voteQ, Options: labels})
		if err != nil {
			return err
		}
		c.openPoll(l, msgID, pollID, r.N, battle.Voting)
	} else {
		rep := Reply{Paragraphs: []Paragraph{{{Text: l.t.voteQ, Bold: true}}, {{Text: l.t.voteHint, Italic: true}}}}
		for i, lb := range labels {
			rep.Actions = append(rep.Actions, Action{Label: lb, Data: fmt.Sprintf("bt:%d:%s:%d", r.N, battle.Voting, i)})
		}
		if _, err := l.out.Send(ctx, rep); err != nil {
			return err
		}
	}
	return nil
}

// voteResult names the best argument and records the votes and the bonus.
func (c *Core) voteResult(ctx context.Context, l *liveGame, r *battle.Round) []Paragraph {
	var events []store.BattleEvent
	voters := slices.Sorted(maps.Keys(r.Votes))
	for _, v := range voters {
		o := r.Opinions[r.Votes[v]]
		events = append(events, c.battleEvent(l, r, "vote", v, l.g.Name(v), l.g.Name(o.Player), 0))
	}
	var names []string
	for _, w := range r.Winners {
		o := r.Opinions[w]
		names = append(names, l.g.Name(o.Player))
		events = append(events, c.battleEvent(l, r, "best", o.Player, o.Name, o.Text, battle.PointsBest))
	}
	c.saveEvents(ctx, events...)
	if len(names) == 0 {
		return []Paragraph{{{Text: l.t.noVote}}}
	}
	return []Paragraph{{{Text: fmt.Sprintf(l.t.bestIs, strings.Join(names, ", ")), Bold: true}}}
}

// finish shows the leaderboard and forgets the game. l.mu must be held.
func (c *Core) finish(ctx context.Context, l *liveGame, note string) error {
	if l.stop != nil {
		l.stop()
		l.stop = nil
	}
	l.tick++
	c.closePoll(ctx, l)
	l.g.Stop()
	c.dropGame(l)
	if err := c.store.EndBattle(ctx, l.g.ID, c.now()); err != nil {
		c.metrics.Error("store")
		c.log.Error("ending a battle", "err", err)
	}
	c.log.Info("battle over", "platform", l.in.Platform, "players", len(l.g.Leaderboard()))
	var rep Reply
	if note != "" {
		rep.Paragraphs = append(rep.Paragraphs, Paragraph{{Text: note, Italic: true}})
	}
	rep.Paragraphs = append(rep.Paragraphs, Paragraph{{Text: l.t.finalTitle, Bold: true}})
	rep.Paragraphs = append(rep.Paragraphs, leaderboard(l.g.Leaderboard(), l.t)...)
	_, err := l.out.Send(ctx, rep)
	return err
}

func leaderboard(players []battle.Player, t *battleTexts) []Paragraph {
	if len(players) == 0 {
		return []Paragraph{{{Text: t.topEmpty}}}
	}
	var lines []string
	for i, p := range players {
		name := p.Name
		if name == "" {
			name = p.Key
		}
		medal := strconv.Itoa(i+1) + "."
		if i < 3 {
			medal = []string{"🥇", "🥈", "🥉"}[i]
		}
		lines = append(lines, fmt.Sprintf("%s %s — "+t.points, medal, name, p.Score))
	}
	return []Paragraph{{{Text: strings.Join(lines, "\n")}}}
}

// stopBattles cancels the round timers, so that Close need not wait for
// them; the games end with the process.
func (c *Core) stopBattles() {
	c.battles.mu.Lock()
	games := slices.Collect(maps.Values(c.battles.games))
	c.battles.mu.Unlock()
	for _, l := range games {
		l.mu.Lock()
		if l.stop != nil {
			l.stop()
			l.stop = nil
		}
		l.mu.Unlock()
	}
}

func (c *Core) dropGame(l *liveGame) {
	c.battles.mu.Lock()
	defer c.battles.mu.Unlock()
	if c.battles.games[l.chat] == l {
		delete(c.battles.games, l.chat)
	}
	for id, ref := range c.battles.polls {
		if ref.chat == l.chat {
			delete(c.battles.polls, id)
		}
	}
}

// battleControl is /battle stop and /battle skip: the starter's or an admin's.
func (c *Core) battleControl(ctx context.Context, in Incoming, out Responder, verb string, t *battleTexts) error {
	l := c.battles.game(chatKey(in))
	if l == nil {
		return c.say(ctx, in, out, t.none)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.g.Starter != userKey(in) && !c.isAdmin(in) {
		return c.say(ctx, in, out, t.onlyStarter)
	}
	if l.g.Phase() == battle.Over {
		return nil
	}
	c.log.Info("battle "+verb, "platform", in.Platform, "by_starter", l.g.Starter == userKey(in))
	// The game speaks through the organiser's latest message from here on,
	// so the answer to the command threads under it.
	l.out = out
	if verb == "stop" {
		return c.finish(ctx, l, t.stopped)
	}
	return c.advance(ctx, l, t.skipped)
}

// battleTop is /battle top: the chat's best players over all games.
func (c *Core) battleTop(ctx context.Context, in Incoming, out Responder, t *battleTexts) error {
	top, err := c.store.BattleTop(ctx, string(in.Platform), in.ChatID, 10)
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("reading the battle leaderboard", "err", err)
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).failed)
	}
	players := make([]battle.Player, len(top))
	for i, s := range top {
		players[i] = battle.Player{Key: s.UserID, Name: s.UserName, Score: s.Points}
	}
	rep := Reply{Paragraphs: append([]Paragraph{{{Text: t.topTitle, Bold: true}}}, leaderboard(players, t)...)}
	_, err = out.Send(ctx, rep)
	return err
}

// battleExport is /battle export: the chat's latest game as CSV, for its
// starter or an admin.
func (c *Core) battleExport(ctx context.Context, in Incoming, out Responder, t *battleTexts) error {
	g, err := c.store.BattleGameOf(ctx, string(in.Platform), in.ChatID, "")
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c.say(ctx, in, out, t.none)
	case err != nil:
		c.metrics.Error("store")
		c.log.Error("reading a battle", "err", err)
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).failed)
	}
	if g.Starter != userKey(in) && !c.isAdmin(in) {
		return c.say(ctx, in, out, t.onlyStarter)
	}
	events, err := c.store.BattleEvents(ctx, g.ID)
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("reading a battle", "err", err)
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).failed)
	}
	lang, _ := parseLang(g.Lang)
	items := map[string]*battle.Item{}
	for _, it := range c.battles.opts.Bank.Items {
		items[it.ID] = it
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"game", "round", "item", "kind", "question", "cites", "player", "name", "move", "points", "at"})
	totals := map[string]int{}
	names := map[string]string{}
	var order []string
	for _, e := range events {
		question, cites := "", ""
		if it := items[e.Item]; it != nil {
			question = it.In(lang).Q
			cites = strings.Join(it.Refs, " ")
		}
		w.Write([]string{g.ID, strconv.Itoa(e.Round), e.Item, e.Kind, question, cites, e.UserID, csvText(e.UserName), csvText(e.Detail),
			strconv.Itoa(e.Points), e.Created.Format(time.RFC3339)})
		if _, ok := totals[e.UserID]; !ok {
			order = append(order, e.UserID)
		}
		totals[e.UserID] += e.Points
		names[e.UserID] = e.UserName
	}
	for _, u := range order {
		w.Write([]string{g.ID, "", "", "total", "", "", u, csvText(names[u]), "", strconv.Itoa(totals[u]), ""})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("writing battle CSV: %w", err)
	}
	c.adminLog(ctx, userKey(in), "export battle", g.ID)
	rep := plainReply(fmt.Sprintf(t.exportDone, len(events)))
	rep.Document = &OutFile{Name: "battle-" + g.Started.Format("2006-01-02") + "-" + g.ID[:6] + ".csv", Data: buf.Bytes()}
	_, err = out.Send(ctx, rep)
	return err
}

// csvText keeps what players wrote from being read as a formula when the
// organiser opens the export in a spreadsheet.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// battleApprovals are the admins' approvals of items whose cited text
// changed; without them, such items stay set aside.
func (c *Core) battleApprovals(ctx context.Context) map[string]string {
	approved, err := c.store.BattleApprovals(ctx)
	if err != nil {
		c.metrics.Error("store")
		c.log.Warn("reading battle approvals", "err", err)
	}
	return approved
}

// battleReview is /battle review for admins: the bank items the active
// text no longer bears out, or whose cited text changed since they were
// reviewed, set aside until an admin approves or someone rewrites them.
func (c *Core) battleReview(ctx context.Context, in Incoming, out Responder, t *battleTexts) error {
	doc := c.corpus.Document(battle.Doc)
	if doc == nil || c.battles.opts.Bank == nil {
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).noCorpus)
	}
	_, aside := c.battles.opts.Bank.Playable(doc, c.battleApprovals(ctx))
	if len(aside) == 0 {
		return c.say(ctx, in, out, t.reviewNone)
	}
	lines := []string{fmt.Sprintf(t.reviewTitle, len(aside))}
	changed := 0
	for _, id := range slices.Sorted(maps.Keys(aside)) {
		lines = append(lines, "• "+aside[id].Error())
		if errors.Is(aside[id], battle.ErrChanged) {
			changed++
		}
	}
	if changed > 0 {
		lines = append(lines, t.approveHint)
	}
	return c.say(ctx, in, out, strings.Join(lines, "\n"))
}

// battleApprove is /battle approve <id>… or /battle approve all: an admin
// has read the changed text and the items still hold.
func (c *Core) battleApprove(ctx context.Context, in Incoming, out Responder, ids []string, t *battleTexts) error {
	doc := c.corpus.Document(battle.Doc)
	if doc == nil || c.battles.opts.Bank == nil {
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).noCorpus)
	}
	if len(ids) == 0 {
		return c.say(ctx, in, out, t.approveHint)
	}
	_, aside := c.battles.opts.Bank.Playable(doc, c.battleApprovals(ctx))
	all := len(ids) == 1 && strings.EqualFold(ids[0], "all")
	approvals := map[string]string{}
	var refused []string
	for _, it := range c.battles.opts.Bank.Items {
		err, setAside := aside[it.ID]
		wanted := all || slices.Contains(ids, it.ID)
		switch {
		case !wanted || !setAside:
		case errors.Is(err, battle.ErrChanged):
			approvals[it.ID] = it.Fingerprint(doc)
		default:
			refused = append(refused, it.ID) // the text no longer bears it out: rewrite, not approve
		}
	}
	if err := c.store.ApproveBattleItems(ctx, approvals, userKey(in), c.now()); err != nil {
		c.metrics.Error("store")
		c.log.Error("approving battle items", "err", err)
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).failed)
	}
	c.adminLog(ctx, userKey(in), "approve battle items", strings.Join(slices.Sorted(maps.Keys(approvals)), " "))
	msg := fmt.Sprintf(t.approved, len(approvals))
	if len(refused) > 0 {
		msg += "\n" + fmt.Sprintf(t.notApproved, strings.Join(refused, ", "))
	}
	return c.say(ctx, in, out, msg)
}
