package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"atazan/bot/proposals"
	"atazan/corpus"
)

// Command is an entry of a messenger's command menu.
type Command struct {
	Name        string
	Description string
}

// CommandMenu lists the public commands with descriptions in lang, for
// Telegram's setMyCommands. Admin commands are left out: no hint of them.
func (c *Core) CommandMenu(lang string) []Command {
	if l, _ := parseLang(lang); l == corpus.KK {
		return []Command{
			{"start", "Бастау және тілді таңдау"},
			{"help", "Не сұрауға болады"},
			{"article", "Бап мәтіні: /article 17 (1995 жылғысы: /article 17 1995)"},
			{"compare", "1995 жылғы Конституциямен салыстыру: /compare 17"},
			{"lang", "Жауап тілі: /lang kk немесе /lang ru"},
			{"battle", "Конституциялық баттл: викторина мен пікірсайыс"},
			{"about", "Дереккөздер мен нұсқалар"},
			{"privacy", "Мен не сақтаймын"},
			{"forget", "Деректерімді жою"},
			{"propose", proposals.TextsFor(corpus.KK).Menu},
		}
	}
	return []Command{
		{"start", "Начать и выбрать язык"},
		{"help", "Что можно спросить"},
		{"article", "Текст статьи: /article 17 (1995 г.: /article 17 1995)"},
		{"compare", "Сравнить с Конституцией 1995 г.: /compare 17"},
		{"lang", "Язык ответов: /lang kk или /lang ru"},
		{"battle", "Конституционный баттл: викторина и дебаты"},
		{"about", "Источники и версии"},
		{"privacy", "Что я храню"},
		{"forget", "Удалить мои данные"},
		{"propose", proposals.TextsFor(corpus.RU).Menu},
	}
}

// parseCommand splits "/article@atazan_bot 17 2" into "article" and its arguments.
func parseCommand(text string) (name string, args []string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", nil, false
	}
	fields := strings.Fields(text[1:])
	if len(fields) == 0 {
		return "", nil, false
	}
	name, _, _ = strings.Cut(fields[0], "@")
	return strings.ToLower(name), fields[1:], name != ""
}

func (c *Core) command(ctx context.Context, in Incoming, out Responder, name string, args []string) error {
	t := textsFor(c.langFor(ctx, in, strings.Join(args, " ")))
	switch name {
	case "start":
		return c.start(ctx, in, out)
	case "help":
		return c.help(ctx, in, out)
	case "lang":
		if len(args) == 0 {
			_, err := out.Send(ctx, Reply{Paragraphs: []Paragraph{{{Text: t.langUsage}}}, Actions: langActions()})
			return err
		}
		return c.setLang(ctx, in, out, args[0])
	case "article":
		doc, article, point := articleArgs(args)
		if article == "" {
			return c.say(ctx, in, out, t.articleUsage)
		}
		return c.article(ctx, in, out, doc, article, point)
	case "compare":
		doc, article, _ := articleArgs(args)
		if article == "" {
			return c.say(ctx, in, out, t.compareUsage)
		}
		if doc == "kz1995" {
			// "/compare 50 1995": the 2026 article that 1995's article 50
			// became, beside it; the 1995 article alone when none did.
			succ := c.successors(article)
			if len(succ) == 0 {
				return c.article(ctx, in, out, doc, article, "")
			}
			article = succ[0]
		}
		return c.compare(ctx, in, out, article)
	case "about":
		return c.about(ctx, in, out)
	case "privacy":
		lang := c.preferredLang(ctx, in)
		return c.say(ctx, in, out, textsFor(lang).privacy+"\n\n"+proposals.TextsFor(lang).Privacy)
	case "forget":
		return c.forget(ctx, in, out)
	case "propose":
		return c.proposeCommand(ctx, in, out)
	case "cancel":
		return c.cancelProposal(ctx, in, out)
	case "battle":
		return c.battleCommand(ctx, in, out, args)
	}
	if c.isAdmin(in) {
		if handled, err := c.adminCommand(ctx, in, out, name, args); handled {
			return err
		}
	}
	// In a group, a command nobody addressed to us ("/shrug lol") is
	// another bot's or a client's: not ours to answer.
	if in.IsGroup && !in.Mentioned && !in.ReplyToBot {
		return nil
	}
	// Everyone else gets the same answer for admin commands as for any
	// unknown one: no hint that they exist.
	return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).unknownCmd)
}

func (c *Core) start(ctx context.Context, in Incoming, out Responder) error {
	t := textsFor(c.preferredLang(ctx, in))
	r := Reply{Paragraphs: []Paragraph{{{Text: t.greeting, Bold: true}}}}
	for _, line := range t.canDo {
		r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: "• " + line}})
	}
	r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: "«" + strings.Join(t.examples, "» · «") + "»", Italic: true}})
	r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: t.notAdvice, Italic: true}}, Paragraph{{Text: t.chooseLang}})
	r.Actions = langActions()
	_, err := out.Send(ctx, r)
	return err
}

func langActions() []Action {
	return []Action{{Label: "Қазақша", Data: "lang:kk"}, {Label: "Русский", Data: "lang:ru"}}
}

func (c *Core) help(ctx context.Context, in Incoming, out Responder) error {
	lang := c.preferredLang(ctx, in)
	t := textsFor(lang)
	text := t.help + "\n\n" + t.helpCommands + "\n" + proposals.TextsFor(lang).Help
	if c.isAdmin(in) {
		text += "\n\n" + t.helpAdmin + "\n" + proposals.TextsFor(lang).HelpAdmin
	}
	return c.say(ctx, in, out, text)
}

func (c *Core) setLang(ctx context.Context, in Incoming, out Responder, arg string) error {
	lang, ok := parseLang(arg)
	if !ok {
		return c.say(ctx, in, out, textsFor(c.preferredLang(ctx, in)).langUsage)
	}
	if err := c.store.SetLang(ctx, string(in.Platform), in.UserID, string(lang), c.now()); err != nil {
		c.metrics.Error("store")
		c.log.Error("saving language", "err", err)
		return c.say(ctx, in, out, textsFor(lang).failed)
	}
	return c.say(ctx, in, out, textsFor(lang).langSet)
}

var (
	articleNumber = regexp.MustCompile(`\b\d{1,3}(?:-\d{1,2})?\b`)
	// docYear names a constitution by its year: "1995", "kz1995", "1995ж.", "1995 г.".
	docYear = regexp.MustCompile(`^(?:kz)?(1995|2026)(?:ж|г|жылғы|года|год)?$`)
)

// articleArgs reads "17", "17 2", "17.2", "83-1", "ст. 17 п. 2" or
// "17-бап 2-тармақ", with the year of the constitution anywhere among them
// ("50 1995", "kz1995 50"); doc is "kz2026" when no year is given.
func articleArgs(args []string) (doc, article, point string) {
	doc = "kz2026"
	var rest []string
	for _, a := range args {
		if m := docYear.FindStringSubmatch(strings.Trim(strings.ToLower(a), ".,;:()«»\"")); m != nil {
			doc = "kz" + m[1]
			continue
		}
		rest = append(rest, a)
	}
	s := strings.Join(rest, " ")
	s = strings.NewReplacer("-бап", " ", "-тармақ", " ", "-bap", " ", ".", " ").Replace(strings.ToLower(s))
	nums := articleNumber.FindAllString(s, 2)
	switch len(nums) {
	case 0:
		return doc, "", ""
	case 1:
		return doc, nums[0], ""
	}
	return doc, nums[0], nums[1]
}

func (c *Core) about(ctx context.Context, in Incoming, out Responder) error {
	lang := c.preferredLang(ctx, in)
	t := textsFor(lang)
	r := Reply{Paragraphs: []Paragraph{{{Text: t.about}}}}
	if c.corpus != nil {
		for _, d := range c.corpus.Documents() {
			r.Paragraphs = append(r.Paragraphs, Paragraph{
				{Text: docTitle(d, lang), Bold: true},
				{Text: " — " + docStatus(d, lang, c.now())},
				{Text: fmt.Sprintf("; %s %s, %s", t.version, shortVersion(d.Version.ID), d.Version.ImportedAt.Format("02.01.2006"))},
				{Text: sourceLine(d, lang)},
			})
		}
	}
	r.Paragraphs = append(r.Paragraphs, Paragraph{{Text: t.notAdvice, Italic: true}})
	_, err := out.Send(ctx, r)
	return err
}

func (c *Core) forget(ctx context.Context, in Incoming, out Responder) error {
	lang := c.preferredLang(ctx, in)
	t := textsFor(lang)
	err := c.forgetProposals(ctx, in)
	if err == nil {
		err = c.store.Forget(ctx, string(in.Platform), in.UserID)
	}
	if err == nil {
		err = c.store.ForgetBattle(ctx, string(in.Platform), in.UserID)
	}
	if err != nil {
		c.metrics.Error("store")
		c.log.Error("forgetting a user", "err", err)
		return c.say(ctx, in, out, t.failed)
	}
	c.log.Info("user data deleted on request", "platform", in.Platform)
	return c.say(ctx, in, out, t.forgotten+" "+proposals.TextsFor(lang).Forgotten)
}

// shortVersion is the hash part of a version id ("20261124T174647.7Z-5e07e490"
// → "5e07e490"): enough to tell versions apart in a chat.
func shortVersion(id string) string {
	if i := strings.LastIndex(id, "-"); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}
