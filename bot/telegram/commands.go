package telegram

import (
	"context"
	"errors"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// menuLangs are the interface languages the command menu is registered
// for; "" is everyone else.
var menuLangs = []string{"kk", "ru", ""}

// registerCommands sets the command menu Telegram shows next to the input
// field, in each language, from the core's command list.
func (a *Adapter) registerCommands(ctx context.Context) error {
	var errs []error
	for _, lang := range menuLangs {
		var cmds []tgbotapi.BotCommand
		for _, c := range a.core.CommandMenu(lang) {
			cmds = append(cmds, tgbotapi.BotCommand{
				Command:     strings.TrimPrefix(c.Name, "/"),
				Description: c.Description,
			})
		}
		if len(cmds) == 0 {
			continue
		}
		cfg := tgbotapi.SetMyCommandsConfig{Commands: cmds, LanguageCode: lang}
		if _, err := a.request(ctx, "setMyCommands", cfg); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
