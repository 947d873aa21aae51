package bot

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"atazan/bot/proposals"
	"atazan/bot/store"
	"atazan/corpus"
)

// Citizens' proposals (issue 18). A user writes one in steps — the wording,
// then the justification, each skippable, then a preview to confirm — and
// the draft lives in the database between messages, so any replica can
// take the next step. Admins sort new proposals with /proposals and export
// the accepted ones as the comparative table.
//
// Buttons: "prop:new:<lang>:<article>[:<point>]", "prop:skip", "prop:send",
// "prop:cancel"; for admins "pmod:acc:<id>", "pmod:rej:<id>", "pmod:dup:<id>".

// proposalDoc is the document proposals are made on: the constitution in force.
const proposalDoc = "kz2026"

// moderationPage is how many groups one /proposals shows.
const moderationPage = 10

// proposeAction is the "✍️ Предложить" button under an article or answer.
func proposeAction(lang corpus.Lang, article, point string) Action {
	data := "prop:new:" + string(lang) + ":" + article
	if point != "" {
		data += ":" + point
	}
	return Action{Label: proposals.TextsFor(lang).ProposeButton, Data: data}
}

// draftKey names the user in this chat, pseudonymously like the author.
func (c *Core) draftKey(ctx context.Context, in Incoming) (string, error) {
	return c.store.Author(ctx, string(in.Platform), in.UserID+"@"+in.ChatID)
}

// draft loads the chat's draft; ok is false when there is none, or it was
// left untouched too long (it is then dropped).
func (c *Core) draft(ctx context.Context, in Incoming) (key string, d store.ProposalDraft, ok bool, err error) {
	key, err = c.draftKey(ctx, in)
	if err != nil {
		return "", d, false, err
	}
	d, err = c.store.Draft(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return key, d, false, nil
	}
	if err != nil {
		return "", d, false, err
	}
	if c.now().Sub(d.Updated) > proposals.DefaultLimits().DraftTTL {
		return key, d, false, c.store.DeleteDraft(ctx, key)
	}
	return key, d, true, nil
}

// proposalInput gives a message to the proposal being written in this
// chat, if there is one. Commands and buttons pass through: /cancel and the
// other commands work in the middle of a proposal.
func (c *Core) proposalInput(ctx context.Context, in Incoming, out Responder) (handled bool, err error) {
	text := strings.TrimSpace(in.Text)
	if in.Callback != "" || strings.HasPrefix(text, "/") {
		return false, nil
	}
	key, d, ok, err := c.draft(ctx, in)
	if err != nil {
		// A broken draft store must not silence the bot: the message is
		// answered as a question instead.
		c.metrics.Error("store")
		c.log.Warn("reading a proposal draft", "err", err)
		return false, nil
	}
	if !ok {
		return false, nil
	}
	lang := corpus.Lang(d.Lang)
	pt := proposals.TextsFor(lang)
	if in.File != nil || in.NonText != "" {
		// Files are never downloaded for a proposal.
		r := c.draftPrompt(d)
		r.Paragraphs = append([]Paragraph{{{Text: pt.NoFiles}}}, r.Paragraphs...)
		_, err := out.Send(ctx, r)
		return true, err
	}
	if in.Mentioned {
		for strings.HasPrefix(text, "@") {
			_, rest, _ := strings.Cut(text, " ")
			text = strings.TrimSpace(rest)
		}
	}
	if proposals.Step(d.Step) == proposals.StepPreview {
		_, err := out.Send(ctx, c.draftPrompt(d))
		return true, err
	}
	// Writing a proposal counts against the same per-minute limit as
	// questions, so that a draft cannot be flooded either.
	if ok, notify := c.allow(ctx, in); !ok {
		if !notify {
			return true, nil // told once this window
		}
		return true, c.say(ctx, in, out, textsFor(lang).rateLimited)
	}
	lim := proposals.DefaultLimits()
	if err := proposals.Fill(&d, text, lim); err != nil {
		var long *proposals.TooLongError
		msg := pt.Unreadable
		if errors.As(err, &long) {
			msg = fmt.Sprintf(pt.TooLong, long.Max, long.Got)
		}
		r := c.draftPrompt(d)
		r.Paragraphs = append([]Paragraph{{{Text: msg}}}, r.Paragraphs...)
		_, err := out.Send(ctx, r)
		return true, err
	}
	return true, c.saveDraft(ctx, in, out, key, d)
}

// saveDraft stores the draft and asks for its next step.
func (c *Core) saveDraft(ctx context.Context, in Incoming, out Responder, key string, d store.ProposalDraft) error {
	author, err := c.store.Author(ctx, string(in.Platform), in.UserID)
	if err == nil {
		d.Updated = c.now()
		err = c.store.SaveDraft(ctx, key, author, d)
	}
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("saving a proposal draft", "err", err)
		return c.say(ctx, in, out, textsFor(corpus.Lang(d.Lang)).failed)
	}
	_, err = out.Send(ctx, c.draftPrompt(d))
	return err
}

// draftPrompt asks for the draft's current step, or shows its preview.
func (c *Core) draftPrompt(d store.ProposalDraft) Reply {
	lang := corpus.Lang(d.Lang)
	pt := proposals.TextsFor(lang)
	ref := corpus.Ref{Doc: d.Doc, Article: d.Article, Point: d.Point}.Format(lang)
	lim := proposals.DefaultLimits()
	skip := []Action{{Label: pt.SkipButton, Data: "prop:skip"}, {Label: pt.CancelButton, Data: "prop:cancel"}}
	switch proposals.Step(d.Step) {
	case proposals.StepWording:
		return Reply{Paragraphs: []Paragraph{{{Text: fmt.Sprintf(pt.AskWording, ref, lim.MaxWording)}}}, Actions: skip}
	case proposals.StepJustification:
		return Reply{Paragraphs: []Paragraph{{{Text: fmt.Sprintf(pt.AskJustification, lim.MaxJustification)}}}, Actions: skip}
	}
	given := func(s string) Span {
		if s == "" {
			return Span{Text: pt.NotGiven, Italic: true}
		}
		return Span{Text: s}
	}
	return Reply{
		Paragraphs: []Paragraph{
			{{Text: pt.PreviewTitle, Bold: true}},
			{{Text: fmt.Sprintf(pt.PreviewTarget, ref)}},
			{{Text: pt.PreviewWording + " ", Bold: true}, given(d.Wording)},
			{{Text: pt.PreviewJustification + " ", Bold: true}, given(d.Justification)},
		},
		Actions: []Action{{Label: pt.SendButton, Data: "prop:send"}, {Label: pt.CancelButton, Data: "prop:cancel"}},
	}
}

// propose starts a proposal on an article or point: from /propose (text
// may already hold the wording) or from the button.
func (c *Core) propose(ctx context.Context, in Incoming, out Responder, lang corpus.Lang, article, point, text string) error {
	pt := proposals.TextsFor(lang)
	doc := (*corpus.Document)(nil)
	if c.corpus != nil {
		doc = c.corpus.Document(proposalDoc)
	}
	if doc == nil || pickText(doc, lang) == nil {
		return c.say(ctx, in, out, textsFor(lang).noCorpus)
	}
	a := pickText(doc, lang).Article(article)
	switch {
	case a == nil:
		return c.say(ctx, in, out, fmt.Sprintf(pt.NoArticle, article))
	case point != "" && a.Point(point) == nil:
		return c.say(ctx, in, out, fmt.Sprintf(pt.NoPoint, article, point))
	}
	key, err := c.draftKey(ctx, in)
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("starting a proposal", "err", err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	d := store.ProposalDraft{Doc: proposalDoc, Version: doc.Version.ID, Article: article, Point: point,
		Lang: string(lang), Step: string(proposals.StepWording)}
	if text != "" {
		if err := proposals.Fill(&d, text, proposals.DefaultLimits()); err != nil {
			var long *proposals.TooLongError
			if errors.As(err, &long) {
				return c.say(ctx, in, out, fmt.Sprintf(pt.TooLong, long.Max, long.Got))
			}
			return c.say(ctx, in, out, pt.Unreadable)
		}
	}
	c.log.Info("proposal started", "platform", in.Platform, "article", article, "point", point)
	return c.saveDraft(ctx, in, out, key, d)
}

// proposeCommand handles "/propose 53.2 [text]".
func (c *Core) proposeCommand(ctx context.Context, in Incoming, out Responder) error {
	rest := strings.TrimSpace(in.Text)
	if i := strings.IndexFunc(rest, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }); i >= 0 {
		rest = rest[i:]
	} else {
		rest = ""
	}
	article, point, text, ok := proposals.ParseTarget(rest)
	lang := c.langFor(ctx, in, text)
	if !ok {
		return c.say(ctx, in, out, proposals.TextsFor(lang).Usage)
	}
	return c.propose(ctx, in, out, lang, article, point, text)
}

// proposalCallback handles the buttons of a proposal being written.
func (c *Core) proposalCallback(ctx context.Context, in Incoming, out Responder, parts []string) error {
	if parts[1] == "new" && len(parts) >= 4 {
		lang, ok := parseLang(parts[2])
		if !ok {
			lang = c.chatLang(ctx, in)
		}
		point := ""
		if len(parts) > 4 {
			point = parts[4]
		}
		return c.propose(ctx, in, out, lang, parts[3], point, "")
	}
	key, d, ok, err := c.draft(ctx, in)
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("reading a proposal draft", "err", err)
		return c.say(ctx, in, out, textsFor(c.chatLang(ctx, in)).failed)
	}
	if !ok {
		return c.say(ctx, in, out, proposals.TextsFor(c.chatLang(ctx, in)).NoDraft)
	}
	lang := corpus.Lang(d.Lang)
	pt := proposals.TextsFor(lang)
	switch parts[1] {
	case "skip":
		proposals.Skip(&d)
		return c.saveDraft(ctx, in, out, key, d)
	case "cancel":
		return c.dropDraft(ctx, in, out, key, lang, pt.Canceled)
	case "send":
		if proposals.Step(d.Step) != proposals.StepPreview {
			_, err := out.Send(ctx, c.draftPrompt(d))
			return err
		}
		if proposals.Empty(d) {
			return c.dropDraft(ctx, in, out, key, lang, pt.Nothing)
		}
		return c.sendProposal(ctx, in, out, key, d)
	}
	c.log.Debug("unknown proposal button", "data", in.Callback)
	return nil
}

func (c *Core) dropDraft(ctx context.Context, in Incoming, out Responder, key string, lang corpus.Lang, msg string) error {
	if err := c.store.DeleteDraft(ctx, key); err != nil {
		c.metrics.Error("store")
		c.log.Error("deleting a proposal draft", "err", err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	return c.say(ctx, in, out, msg)
}

// sendProposal stores a confirmed draft as a new proposal, within the
// per-user daily limit.
func (c *Core) sendProposal(ctx context.Context, in Incoming, out Responder, key string, d store.ProposalDraft) error {
	lang := corpus.Lang(d.Lang)
	pt := proposals.TextsFor(lang)
	lim := proposals.DefaultLimits()
	fail := func(what string, err error) error {
		c.metrics.Error("store")
		c.log.Error(what, "err", err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	author, err := c.store.Author(ctx, string(in.Platform), in.UserID)
	if err != nil {
		return fail("saving a proposal", err)
	}
	n, err := c.store.CountProposals(ctx, author, c.now().Add(-24*time.Hour))
	if err != nil {
		return fail("counting proposals", err)
	}
	if n >= lim.PerDay {
		c.log.Info("proposal refused: daily limit", "platform", in.Platform)
		return c.dropDraft(ctx, in, out, key, lang, fmt.Sprintf(pt.Limit, lim.PerDay))
	}
	p := store.Proposal{ID: newID()[:8], Author: author, Doc: d.Doc, Version: d.Version, Article: d.Article, Point: d.Point,
		Lang: d.Lang, Wording: d.Wording, Justification: d.Justification, Status: store.ProposalNew, Created: c.now()}
	if err := c.store.AddProposal(ctx, p); err != nil {
		return fail("saving a proposal", err)
	}
	c.log.Info("proposal received", "platform", in.Platform, "id", p.ID, "article", p.Article, "point", p.Point, "lang", p.Lang)
	return c.dropDraft(ctx, in, out, key, lang, fmt.Sprintf(pt.Sent, p.ID))
}

// cancelProposal is /cancel.
func (c *Core) cancelProposal(ctx context.Context, in Incoming, out Responder) error {
	key, d, ok, err := c.draft(ctx, in)
	if err != nil || !ok {
		return c.say(ctx, in, out, proposals.TextsFor(c.preferredLang(ctx, in)).NoDraft)
	}
	return c.dropDraft(ctx, in, out, key, corpus.Lang(d.Lang), proposals.TextsFor(corpus.Lang(d.Lang)).Canceled)
}

// forgetProposals deletes the user's proposals and drafts, for /forget.
func (c *Core) forgetProposals(ctx context.Context, in Incoming) error {
	author, err := c.store.Author(ctx, string(in.Platform), in.UserID)
	if err != nil {
		return err
	}
	return c.store.ForgetProposals(ctx, author)
}

// proposalsAdmin runs "/proposals [article]", "/proposals note <id> <text>"
// and "/export proposals [article] [docx|csv|html] [kk|ru]".
func (c *Core) proposalsAdmin(ctx context.Context, in Incoming, out Responder, name string, args []string) error {
	lang := c.preferredLang(ctx, in)
	pt := proposals.TextsFor(lang)
	if name == "export" {
		return c.exportProposals(ctx, in, out, lang, args[1:])
	}
	if len(args) > 0 && strings.ToLower(args[0]) == "note" {
		if len(args) < 3 {
			return c.say(ctx, in, out, pt.NoteUsage)
		}
		note, err := proposals.CheckText(strings.Join(args[2:], " "), proposals.DefaultLimits().MaxJustification)
		if err != nil {
			return c.say(ctx, in, out, pt.NoteUsage)
		}
		switch err := c.store.NoteProposal(ctx, args[1], note); {
		case errors.Is(err, store.ErrNotFound):
			return c.say(ctx, in, out, pt.ModGone)
		case err != nil:
			c.metrics.Error("store")
			c.log.Error("noting a proposal", "err", err)
			return c.say(ctx, in, out, textsFor(lang).failed)
		}
		c.adminLog(ctx, userKey(in), "proposal note", args[1])
		return c.say(ctx, in, out, pt.NoteSaved)
	}
	article := ""
	if len(args) > 0 {
		if a, _, _, ok := proposals.ParseTarget(args[0]); ok {
			article = a
		}
	}
	return c.moderation(ctx, in, out, lang, article)
}

// moderation lists new proposals, near-duplicates grouped, one message per
// group with the buttons that decide the whole group.
func (c *Core) moderation(ctx context.Context, in Incoming, out Responder, lang corpus.Lang, article string) error {
	pt := proposals.TextsFor(lang)
	ps, err := c.store.Proposals(ctx, store.ProposalFilter{Doc: proposalDoc, Article: article,
		Status: []string{store.ProposalNew, store.ProposalAccepted}})
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("listing proposals", "err", err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	var fresh []store.Proposal
	accepted := map[corpus.Ref]bool{}
	for _, p := range ps {
		if p.Status == store.ProposalNew {
			fresh = append(fresh, p)
		} else {
			accepted[corpus.Ref{Doc: p.Doc, Article: p.Article, Point: p.Point}] = true
		}
	}
	c.adminLog(ctx, userKey(in), "proposals", fmt.Sprintf("%d new", len(fresh)))
	if len(fresh) == 0 {
		return c.say(ctx, in, out, pt.ModNone)
	}
	groups := proposals.Cluster(fresh)
	if err := c.say(ctx, in, out, fmt.Sprintf(pt.ModTitle, len(fresh), len(groups))); err != nil {
		return err
	}
	for i, g := range groups {
		if i == moderationPage {
			return c.say(ctx, in, out, fmt.Sprintf(pt.ModMore, len(groups)-moderationPage))
		}
		if _, err := out.Send(ctx, groupReply(g, lang, accepted[g.Ref()])); err != nil {
			return err
		}
	}
	return nil
}

// groupReply shows a group of near-duplicates: the lead's wording and
// justification, and how the others put it.
func groupReply(g proposals.Group, lang corpus.Lang, canDuplicate bool) Reply {
	pt := proposals.TextsFor(lang)
	given := func(s string) string { return cmp.Or(s, pt.NotGiven) }
	r := Reply{Paragraphs: []Paragraph{
		{{Text: fmt.Sprintf(pt.ModGroup, g.Ref().Format(lang), len(g.Members), strings.Join(g.IDs(), ", ")), Bold: true}},
		{{Text: pt.PreviewWording + " ", Bold: true}, {Text: clip(given(g.Lead.Wording), 1500)}},
		{{Text: pt.PreviewJustification + " ", Bold: true}, {Text: clip(given(g.Lead.Justification), 800)}},
	}}
	for _, p := range g.Members[1:min(len(g.Members), 4)] {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: "• " + clip(cmp.Or(p.Wording, p.Justification), 200), Italic: true}})
	}
	r.Actions = []Action{
		{Label: pt.AcceptButton, Data: "pmod:acc:" + g.Lead.ID},
		{Label: pt.RejectButton, Data: "pmod:rej:" + g.Lead.ID},
	}
	if canDuplicate {
		r.Actions = append(r.Actions, Action{Label: pt.DuplicateButton, Data: "pmod:dup:" + g.Lead.ID})
	}
	return r
}

// moderate applies a moderator's button to the group led by id, as the
// group stands now: near-duplicates sent since the list was shown join it.
func (c *Core) moderate(ctx context.Context, in Incoming, out Responder, verb, id string) error {
	lang := c.preferredLang(ctx, in)
	pt := proposals.TextsFor(lang)
	by := userKey(in)
	fail := func(err error) error {
		c.metrics.Error("store")
		c.log.Error("moderating proposals", "err", err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	lead, err := c.store.Proposal(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c.say(ctx, in, out, pt.ModGone)
	}
	if err != nil {
		return fail(err)
	}
	if lead.Status != store.ProposalNew {
		return c.say(ctx, in, out, pt.ModGone)
	}
	fresh, err := c.store.Proposals(ctx, store.ProposalFilter{Doc: lead.Doc, Article: lead.Article, Status: []string{store.ProposalNew}})
	if err != nil {
		return fail(err)
	}
	var group proposals.Group
	for _, g := range proposals.Cluster(fresh) {
		if slices.Contains(g.IDs(), id) {
			group = g
		}
	}
	if len(group.Members) == 0 {
		return c.say(ctx, in, out, pt.ModGone)
	}
	now := c.now()
	var ds []store.Decision
	var msg string
	switch verb {
	case "acc":
		for _, p := range group.Members {
			d := store.Decision{ID: p.ID, Status: store.ProposalDuplicate, DuplicateOf: group.Lead.ID, By: by, At: now}
			if p.ID == group.Lead.ID {
				d.Status, d.DuplicateOf = store.ProposalAccepted, ""
			}
			ds = append(ds, d)
		}
		msg = fmt.Sprintf(pt.Accepted, group.Lead.ID, len(group.Members))
	case "rej":
		for _, p := range group.Members {
			ds = append(ds, store.Decision{ID: p.ID, Status: store.ProposalRejected, By: by, At: now})
		}
		msg = fmt.Sprintf(pt.Rejected, len(group.Members))
	case "dup":
		accepted, err := c.store.Proposals(ctx, store.ProposalFilter{Doc: lead.Doc, Article: lead.Article, Status: []string{store.ProposalAccepted}})
		if err != nil {
			return fail(err)
		}
		accepted = slices.DeleteFunc(accepted, func(p store.Proposal) bool { return p.Point != lead.Point })
		target, _, ok := proposals.Closest(group.Lead, accepted)
		if !ok {
			return c.say(ctx, in, out, pt.NoAccepted)
		}
		for _, p := range group.Members {
			ds = append(ds, store.Decision{ID: p.ID, Status: store.ProposalDuplicate, DuplicateOf: target.ID, By: by, At: now})
		}
		msg = fmt.Sprintf(pt.Duplicated, target.ID, len(group.Members))
	default:
		return nil
	}
	n, err := c.store.DecideProposals(ctx, ds)
	if err != nil {
		return fail(err)
	}
	if n == 0 {
		return c.say(ctx, in, out, pt.ModGone)
	}
	c.adminLog(ctx, by, "proposals "+verb, strings.Join(group.IDs(), " "))
	return c.say(ctx, in, out, msg)
}

// exportProposals sends the comparative table as a file.
func (c *Core) exportProposals(ctx context.Context, in Incoming, out Responder, lang corpus.Lang, args []string) error {
	pt := proposals.TextsFor(lang)
	format, article := proposals.DOCX, ""
	for _, a := range args {
		if f, err := proposals.ParseFormat(a); err == nil {
			format = f
			continue
		}
		if l, ok := parseLang(a); ok {
			lang = l
			continue
		}
		if n, _, _, ok := proposals.ParseTarget(a); ok && article == "" {
			article = n
			continue
		}
		return c.say(ctx, in, out, pt.ExportUsage)
	}
	pt = proposals.TextsFor(lang)
	doc := (*corpus.Document)(nil)
	if c.corpus != nil {
		doc = c.corpus.Document(proposalDoc)
	}
	if doc == nil {
		return c.say(ctx, in, out, textsFor(lang).noCorpus)
	}
	ps, err := c.store.Proposals(ctx, store.ProposalFilter{Doc: proposalDoc, Article: article,
		Status: []string{store.ProposalAccepted, store.ProposalDuplicate}})
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("reading proposals", "err", err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	tb, err := proposals.Build(doc, lang, ps, c.now().In(kazakhstanTime))
	if err != nil {
		c.log.Error("exporting proposals", "err", err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	if len(tb.Rows) == 0 {
		return c.say(ctx, in, out, pt.ExportEmpty)
	}
	var buf bytes.Buffer
	if err := tb.Write(&buf, format); err != nil {
		c.log.Error("exporting proposals", "err", err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	c.adminLog(ctx, userKey(in), "export proposals", fmt.Sprintf("%s %s %s: %d rows", format, lang, cmp.Or(article, "all"), len(tb.Rows)))
	r := plainReply(fmt.Sprintf(pt.ExportDone, len(tb.Rows), tb.Proposals()))
	r.Document = &OutFile{Name: tb.FileName(format, article), Data: buf.Bytes()}
	_, err = out.Send(ctx, r)
	return err
}

// proposalStats are /stats' lines on proposals: the last 7 days by article
// and by day, and how many wait for a moderator.
func (c *Core) proposalStats(ctx context.Context, lang corpus.Lang, weekStart time.Time) []Paragraph {
	pt := proposals.TextsFor(lang)
	ps, err := c.store.ProposalTimes(ctx, proposalDoc, weekStart)
	if err == nil {
		var fresh []store.Proposal
		if fresh, err = c.store.Proposals(ctx, store.ProposalFilter{Doc: proposalDoc, Status: []string{store.ProposalNew}}); err == nil {
			return proposalStatsParagraphs(pt, lang, ps, len(fresh))
		}
	}
	c.metrics.Error("store")
	c.log.Error("counting proposals", "err", err)
	return nil
}

func proposalStatsParagraphs(pt *proposals.Texts, lang corpus.Lang, ps []store.Proposal, pending int) []Paragraph {
	out := []Paragraph{{{Text: fmt.Sprintf(pt.StatsTitle, len(ps)), Bold: true}}}
	if len(ps) > 0 {
		byArticle, byDay := map[string]int{}, map[string]int{}
		for _, p := range ps {
			byArticle[p.Article]++
			byDay[p.Created.In(kazakhstanTime).Format("2006-01-02")]++
		}
		arts := slices.SortedFunc(maps.Keys(byArticle), func(a, b string) int {
			return cmp.Or(cmp.Compare(byArticle[b], byArticle[a]), cmp.Compare(len(a), len(b)), strings.Compare(a, b))
		})
		var lines []string
		for _, a := range arts[:min(len(arts), 10)] {
			lines = append(lines, corpus.Ref{Doc: proposalDoc, Article: a}.Format(lang)+": "+strconv.Itoa(byArticle[a]))
		}
		out = append(out, Paragraph{{Text: pt.StatsByArticle + " " + strings.Join(lines, ", ")}})
		lines = nil
		for _, d := range slices.Sorted(maps.Keys(byDay)) {
			day, _ := time.Parse("2006-01-02", d)
			lines = append(lines, day.Format("02.01")+": "+strconv.Itoa(byDay[d]))
		}
		out = append(out, Paragraph{{Text: pt.StatsByDay + " " + strings.Join(lines, ", ")}})
	}
	return append(out, Paragraph{{Text: fmt.Sprintf(pt.StatsPending, pending)}})
}
