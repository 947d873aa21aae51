package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/mdp/qrterminal/v3"
	"go.mau.fi/whatsmeow/store"

	"atazan/bot/whatsapp"
	"atazan/config"
)

const whatsappUsage = `usage:
  atazan whatsapp link [--phone NUMBER]   link this bot to a WhatsApp account (QR code, or a pairing code for NUMBER)
  atazan whatsapp status                  show whether an account is linked and where the session is stored
  atazan whatsapp unlink                  log the linked device out and forget its keys (stop "atazan serve" first)`

// runWhatsApp manages the linked WhatsApp device that "atazan serve" uses.
func runWhatsApp(ctx context.Context, e *env) error {
	if len(e.args) == 0 {
		return errors.New(whatsappUsage)
	}
	// status and unlink take no flags: "unlink --help" must print the
	// usage, never unlink.
	if isHelp(e.args[0]) || (len(e.args) > 1 && isHelp(e.args[1]) && e.args[0] != "link") {
		fmt.Fprintln(e.stdout, whatsappUsage)
		return nil
	}
	switch e.args[0] {
	case "link":
		return runWhatsAppLink(ctx, e, e.args[1:])
	case "status":
		return runWhatsAppStatus(ctx, e)
	case "unlink":
		return runWhatsAppUnlink(ctx, e)
	}
	return fmt.Errorf("unknown subcommand %q\n%s", e.args[0], whatsappUsage)
}

func runWhatsAppLink(ctx context.Context, e *env, args []string) error {
	if err := webModeOnly(e, "link"); err != nil {
		return err
	}
	fs := flag.NewFlagSet("whatsapp link", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	phone := fs.String("phone", "", "link with an 8-character pairing code for this number (+77011234567) instead of a QR code")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q\n%s", fs.Args(), whatsappUsage)
	}
	sess, err := openWhatsAppSession(ctx, e)
	if err != nil {
		return err
	}
	defer sess.Close()

	fmt.Fprintf(e.stdout, "Linking a WhatsApp account; the session is stored in %s.\n", sess.Where())
	jid, err := whatsapp.Link(ctx, sess, whatsapp.LinkOptions{
		Phone: *phone,
		Log:   e.log,
		ShowQR: func(code string, valid time.Duration) {
			fmt.Fprintf(e.stdout, "\nOn the phone: WhatsApp → Settings → Linked devices → Link a device, then scan this code (valid %s):\n\n", valid)
			qrterminal.GenerateHalfBlock(code, qrterminal.L, e.stdout)
		},
		ShowCode: func(code string) {
			fmt.Fprintf(e.stdout, "\nOn the phone %s: WhatsApp → Settings → Linked devices → Link a device → "+
				"Link with phone number instead, then enter:\n\n    %s\n\n", *phone, code)
		},
	})
	if errors.Is(err, whatsapp.ErrAlreadyLinked) {
		return fmt.Errorf("+%s is already linked; to link another account run \"atazan whatsapp unlink\" first", jid.User)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Linked to +%s. Set ATAZAN_WHATSAPP_ENABLED=true and run \"atazan serve\".\n", jid.User)
	return nil
}

func runWhatsAppStatus(ctx context.Context, e *env) error {
	sess, err := openWhatsAppSession(ctx, e)
	if err != nil {
		return err
	}
	defer sess.Close()
	dev, err := sess.Device(ctx)
	if err != nil {
		return err
	}
	if dev.ID == nil {
		fmt.Fprintf(e.stdout, "No account linked (session store: %s). Run: atazan whatsapp link\n", sess.Where())
		return nil
	}
	fmt.Fprintf(e.stdout, "Linked to +%s as %q (session store: %s); enabled in serve: %v\n",
		dev.ID.User, dev.PushName, sess.Where(), e.cfg.WhatsApp.Enabled)
	fmt.Fprintf(e.stdout, "WhatsApp Web version this build presents: %s (if WhatsApp calls it outdated: go get go.mau.fi/whatsmeow@latest)\n",
		store.GetWAVersion())
	return nil
}

func runWhatsAppUnlink(ctx context.Context, e *env) error {
	if err := webModeOnly(e, "unlink"); err != nil {
		return err
	}
	sess, err := openWhatsAppSession(ctx, e)
	if err != nil {
		return err
	}
	defer sess.Close()
	if err := whatsapp.Unlink(ctx, sess, e.log); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "No account linked now.")
	return nil
}

// openWhatsAppSession opens the device session where "atazan serve" looks
// for it (config.WhatsAppDSN: PostgreSQL, else SQLite in the data dir).
func openWhatsAppSession(ctx context.Context, e *env) (*whatsapp.Session, error) {
	return whatsapp.OpenSession(ctx, e.cfg.DataDir, e.cfg.WhatsAppDSN(), e.log)
}

// webModeOnly refuses linking commands when WhatsApp runs on the Cloud API.
func webModeOnly(e *env, sub string) error {
	if e.cfg.WhatsApp.Mode != config.ModeCloud {
		return nil
	}
	return fmt.Errorf("ATAZAN_WHATSAPP_MODE=cloud: the Cloud API needs no linked phone, its number is set up "+
		"in Meta's WhatsApp Manager (docs/whatsapp.md); \"whatsapp %s\" is for ATAZAN_WHATSAPP_MODE=web", sub)
}
