package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"atazan/bot/store"
	"atazan/corpus"
)

// maxUpload caps an admin's corpus file; the official DOCX files are well under 1 MB.
const maxUpload = 20 << 20

// kazakhstanTime is the country's single time zone (UTC+5 since 2024), for /stats days.
var kazakhstanTime = time.FixedZone("UTC+5", 5*60*60)

// upload handles a file. Admins import corpus texts with the caption
// "/import kz2026 kk"; anyone else is told the bot reads text, and the file
// is never downloaded.
func (c *Core) upload(ctx context.Context, in Incoming, out Responder) error {
	name, args, ok := parseCommand(strings.TrimSpace(in.Text))
	if !c.isAdmin(in) {
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).nonText)
	}
	if !ok || name != "import" {
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).importUsage)
	}
	return c.importFile(ctx, in, out, args)
}

// importFile validates an uploaded text and shows the admin what would
// change, with buttons to activate or cancel. Nothing served changes yet.
func (c *Core) importFile(ctx context.Context, in Incoming, out Responder, args []string) error {
	lang := c.preferredLang(ctx, in)
	t := textsFor(lang)
	if len(args) == 0 || len(args) > 2 {
		return c.say(ctx, in, out, t.importUsage)
	}
	doc := strings.ToLower(args[0])
	var textLang corpus.Lang // "" lets the corpus infer it from the file name
	if len(args) == 2 {
		textLang = corpus.Lang(strings.ToLower(args[1]))
		if textLang != corpus.KK && textLang != corpus.RU && textLang != corpus.EN {
			return c.say(ctx, in, out, t.importUsage)
		}
	}
	if in.File.Size > maxUpload {
		return c.say(ctx, in, out, fmt.Sprintf(t.fileTooBig, maxUpload>>20))
	}
	data, err := in.File.Open()
	if err != nil {
		c.log.Warn("downloading an admin's file", "err", err)
		return c.say(ctx, in, out, fmt.Sprintf(t.fileUnreadable, err))
	}
	if len(data) > maxUpload {
		return c.say(ctx, in, out, fmt.Sprintf(t.fileTooBig, maxUpload>>20))
	}
	staged, err := c.corpus.Stage(ctx, corpus.StageRequest{
		Doc:   doc,
		Files: []corpus.SourceFile{{Name: in.File.Name, Lang: textLang, Data: data, FetchedAt: c.now()}},
		By:    userKey(in),
	})
	if err != nil {
		c.adminLog(ctx, userKey(in), "import refused", fmt.Sprintf("%s %s %s: %v", doc, textLang, in.File.Name, err))
		return c.say(ctx, in, out, fmt.Sprintf(t.importRefused, clip(err.Error(), 3000)))
	}
	c.adminLog(ctx, userKey(in), "import staged", fmt.Sprintf("%s %s %s → %s", doc, textLang, in.File.Name, staged.ID))
	head := fmt.Sprintf(t.importStaged, doc, langName(textLang))
	_, err = out.Send(ctx, stagedReply(staged, lang, head))
	return err
}

func langName(l corpus.Lang) string {
	if l == "" {
		return "auto"
	}
	return string(l)
}

// stagedReply is a staged text's summary with the Activate and Cancel buttons.
func stagedReply(staged *corpus.Staged, lang corpus.Lang, head string) Reply {
	t := textsFor(lang)
	r := Reply{Paragraphs: []Paragraph{{{Text: head, Bold: true}}}}
	if staged.Diff.Empty() {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: t.importNoChange}})
	} else {
		for _, p := range strings.Split(staged.Diff.Summary(lang), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: p}})
			}
		}
	}
	r.Actions = []Action{
		{Label: t.actActivate, Data: "adm:activate:" + staged.ID},
		{Label: t.actCancel, Data: "adm:ignore:" + staged.ID},
	}
	return r
}

// adminCommand runs an admin's text command; handled is false for names
// that are not admin commands.
func (c *Core) adminCommand(ctx context.Context, in Incoming, out Responder, name string, args []string) (handled bool, err error) {
	t := textsFor(c.preferredLang(ctx, in))
	if name == "proposals" || name == "export" && len(args) > 0 && strings.ToLower(args[0]) == "proposals" {
		return true, c.proposalsAdmin(ctx, in, out, name, args)
	}
	switch name {
	case "import":
		return true, c.say(ctx, in, out, t.importUsage)
	case "rollback":
		if len(args) != 1 {
			return true, c.say(ctx, in, out, t.rollbackUsage)
		}
		return true, c.rollback(ctx, in, out, strings.ToLower(args[0]))
	case "stats":
		return true, c.stats(ctx, in, out)
	case "export":
		if len(args) != 1 || strings.ToLower(args[0]) != "feedback" {
			return true, c.say(ctx, in, out, t.exportUsage)
		}
		return true, c.exportFeedback(ctx, in, out)
	}
	return false, nil
}

// adminCallback handles the Activate and Cancel buttons of a staged text.
func (c *Core) adminCallback(ctx context.Context, in Incoming, out Responder, verb, stagedID string) error {
	lang := c.preferredLang(ctx, in)
	t := textsFor(lang)
	by := userKey(in)
	switch verb {
	case "activate":
		doc, err := c.corpus.Activate(ctx, stagedID, by)
		if err != nil {
			c.adminLog(ctx, by, "activate failed", fmt.Sprintf("%s: %v", stagedID, err))
			return c.say(ctx, in, out, t.stagedGone+"\n\n"+clip(err.Error(), 500))
		}
		c.adminLog(ctx, by, "activate", fmt.Sprintf("%s → %s %s", stagedID, doc.ID, doc.Version.ID))
		if err := c.say(ctx, in, out, fmt.Sprintf(t.activated, doc.ID, doc.Version.ID)); err != nil {
			return err
		}
		c.reindexInBackground(out, lang)
		return nil
	case "ignore":
		if err := c.corpus.Discard(stagedID); err != nil {
			c.adminLog(ctx, by, "cancel failed", fmt.Sprintf("%s: %v", stagedID, err))
			return c.say(ctx, in, out, t.stagedGone)
		}
		c.adminLog(ctx, by, "cancel", stagedID)
		return c.say(ctx, in, out, t.canceled)
	}
	return nil
}

func (c *Core) rollback(ctx context.Context, in Incoming, out Responder, doc string) error {
	lang := c.preferredLang(ctx, in)
	t := textsFor(lang)
	by := userKey(in)
	d, err := c.corpus.Rollback(ctx, doc, by)
	if err != nil {
		c.adminLog(ctx, by, "rollback failed", fmt.Sprintf("%s: %v", doc, err))
		return c.say(ctx, in, out, t.failed+"\n\n"+clip(err.Error(), 500))
	}
	c.adminLog(ctx, by, "rollback", fmt.Sprintf("%s → %s", doc, d.Version.ID))
	if err := c.say(ctx, in, out, fmt.Sprintf(t.rolledBack, d.ID, d.Version.ID)); err != nil {
		return err
	}
	c.reindexInBackground(out, lang)
	return nil
}

// reindexInBackground rebuilds the engine's index from the active corpus,
// telling the admin how it goes. The engine keeps answering from the old
// index until the new one is swapped in; one re-indexing runs at a time.
func (c *Core) reindexInBackground(out Responder, lang corpus.Lang) {
	t := textsFor(lang)
	c.running.Add(1)
	go func() {
		defer c.running.Done()
		c.reindex.Lock()
		defer c.reindex.Unlock()
		ctx := c.bg
		send := func(text string) {
			if _, err := out.Send(ctx, plainReply(text)); err != nil {
				c.log.Warn("sending re-index progress", "err", err)
			}
		}
		send(t.indexing)
		start := time.Now()
		done := make(chan error, 1)
		go func() { done <- c.engine.Load(ctx, c.corpus.Documents(), c.corpus.Alignment()) }()
		tick := time.NewTicker(c.progressEvery)
		defer tick.Stop()
		for {
			select {
			case err := <-done:
				elapsed := time.Since(start).Round(100 * time.Millisecond)
				if err != nil {
					c.metrics.Error("reindex")
					c.log.Error("re-indexing the corpus", "err", err)
					send(t.indexFailed)
					return
				}
				c.log.Info("re-indexed the corpus", "elapsed", elapsed)
				send(fmt.Sprintf(t.indexed, elapsed))
				return
			case <-tick.C:
				send(fmt.Sprintf(t.indexingStill, time.Since(start).Round(time.Second)))
			}
		}
	}()
}

// stats shows the question log: today, the last 7 days, by language, the
// top questions and the answers people disliked.
func (c *Core) stats(ctx context.Context, in Incoming, out Responder) error {
	t := textsFor(c.preferredLang(ctx, in))
	now := c.now().In(kazakhstanTime)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, kazakhstanTime)
	st, err := c.store.Stats(ctx, day, day.AddDate(0, 0, -6), 5)
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("reading stats", "err", err)
		return c.say(ctx, in, out, t.failed)
	}
	c.adminLog(ctx, userKey(in), "stats", "")
	r := Reply{Paragraphs: []Paragraph{
		{{Text: t.statsTitle, Bold: true}},
		{{Text: fmt.Sprintf(t.statsCounts, st.Today, st.Week)}},
	}}
	langs := make([]string, 0, len(st.ByLang))
	for l := range st.ByLang {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	var byLang []string
	for _, l := range langs {
		byLang = append(byLang, l+": "+strconv.Itoa(st.ByLang[l]))
	}
	if len(byLang) > 0 {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: strings.Join(byLang, ", ")}})
	}
	top := t.statsTop
	for i, q := range st.Top {
		top += fmt.Sprintf("\n%d. %s (%d)", i+1, clip(q.Question, 100), q.Count)
	}
	if len(st.Top) == 0 {
		top += " " + t.statsNone
	}
	r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: top}})
	bad := t.statsDisliked
	for _, a := range st.Disliked {
		bad += fmt.Sprintf("\n• %s → %s [%s]", clip(a.Question, 100), clip(a.Text, 120), strings.Join(a.Sources, ", "))
	}
	if len(st.Disliked) == 0 {
		bad += " " + t.statsNone
	}
	r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: bad}})
	r.Paragraphs = append(r.Paragraphs, c.proposalStats(ctx, c.preferredLang(ctx, in), day.AddDate(0, 0, -6))...)
	_, err = out.Send(ctx, r)
	return err
}

// exportFeedback sends every vote with its question, answer and citations as CSV.
func (c *Core) exportFeedback(ctx context.Context, in Incoming, out Responder) error {
	t := textsFor(c.preferredLang(ctx, in))
	rows, err := c.store.Feedback(ctx)
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("reading feedback", "err", err)
		return c.say(ctx, in, out, t.failed)
	}
	c.adminLog(ctx, userKey(in), "export feedback", strconv.Itoa(len(rows))+" rows")
	if len(rows) == 0 {
		return c.say(ctx, in, out, t.exportEmpty)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"voted_at", "vote", "answer_id", "asked_at", "platform", "lang", "mode", "question", "answer", "citations"})
	for _, f := range rows {
		a := f.Answer
		w.Write([]string{
			f.At.Format(time.RFC3339), strconv.Itoa(f.Vote), a.ID, a.Created.Format(time.RFC3339),
			a.Platform, a.Lang, a.Mode, a.Question, a.Text, strings.Join(a.Sources, " "),
		})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("writing feedback CSV: %w", err)
	}
	r := plainReply(fmt.Sprintf(t.exportDone, len(rows)))
	r.Document = &OutFile{Name: "feedback-" + c.now().Format("2006-01-02") + ".csv", Data: buf.Bytes()}
	_, err = out.Send(ctx, r)
	return err
}

// ProposeUpdate tells every admin that the official source changed, with
// the summary of the staged text and buttons to activate or ignore it. It
// never activates anything itself.
func (c *Core) ProposeUpdate(ctx context.Context, staged *corpus.Staged, source string) error {
	doc := ""
	if staged.Doc != nil {
		doc = staged.Doc.ID
	}
	c.adminLog(ctx, "watch", "propose", fmt.Sprintf("%s %s from %s", doc, staged.ID, source))
	return c.notifyAdmins(ctx, func(lang corpus.Lang) Reply {
		return stagedReply(staged, lang, fmt.Sprintf(textsFor(lang).proposal, doc, source))
	})
}

// ReportProblem tells every admin about a problem with the official source.
func (c *Core) ReportProblem(ctx context.Context, msg string) error {
	c.adminLog(ctx, "watch", "problem", msg)
	return c.notifyAdmins(ctx, func(lang corpus.Lang) Reply {
		return plainReply(textsFor(lang).problem + msg)
	})
}

// notifyAdmins sends each admin a reply in their language through their
// messenger. It fails only when no admin could be reached.
func (c *Core) notifyAdmins(ctx context.Context, reply func(corpus.Lang) Reply) error {
	var errs []error
	delivered := 0
	for _, key := range slices.Sorted(maps.Keys(c.admins)) {
		platform, id, _ := strings.Cut(key, ":")
		n := c.notifier(Platform(platform))
		if n == nil {
			errs = append(errs, fmt.Errorf("notifying admin %s: no %s adapter running", key, platform))
			continue
		}
		lang := c.preferredLang(ctx, Incoming{Platform: Platform(platform), UserID: id})
		if err := n.Notify(ctx, id, reply(lang)); err != nil {
			errs = append(errs, fmt.Errorf("notifying admin %s: %w", key, err))
			continue
		}
		delivered++
	}
	if delivered == 0 {
		if len(errs) == 0 {
			return errors.New("notifying admins: no admins configured (ATAZAN_ADMINS)")
		}
		return errors.Join(errs...)
	}
	for _, err := range errs {
		c.log.Warn("admin not notified", "err", err)
	}
	return nil
}

// adminLog records who did what, in the log and in the database.
func (c *Core) adminLog(ctx context.Context, by, action, detail string) {
	c.log.Info("admin action", "by", by, "action", action, "detail", detail)
	if err := c.store.LogAdmin(ctx, store.AdminAction{At: c.now(), By: by, Action: action, Detail: detail}); err != nil {
		c.metrics.Error("store")
		c.log.Error("writing the admin log", "err", err)
	}
}
