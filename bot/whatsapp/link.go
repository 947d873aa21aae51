package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// ErrAlreadyLinked is returned by Link when the session has a device.
var ErrAlreadyLinked = errors.New("a phone is already linked")

// LinkOptions say how to show the phone what to confirm.
type LinkOptions struct {
	// Phone, if set, links by an 8-character pairing code typed on that
	// phone instead of a scanned QR code.
	Phone string
	// ShowQR shows a QR code to scan; each is valid for timeout.
	ShowQR func(code string, timeout time.Duration)
	// ShowCode shows the pairing code for Phone.
	ShowCode func(code string)
	Log      *slog.Logger
}

// Link links a new device to a phone, as WhatsApp Web does, and stores it
// in the session, where Run finds it. It returns the linked number.
func Link(ctx context.Context, s *Session, opts LinkOptions) (types.JID, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if err := s.Lock(); err != nil {
		return types.JID{}, err
	}
	if opts.Phone != "" {
		phone, err := internationalNumber(opts.Phone)
		if err != nil {
			return types.JID{}, err
		}
		opts.Phone = phone
	}
	dev, err := s.Device(ctx)
	if err != nil {
		return types.JID{}, err
	}
	if dev.ID != nil {
		return dev.ID.ToNonAD(), ErrAlreadyLinked
	}
	// The name the phone lists under "Linked devices".
	store.SetOSInfo("atazan", [3]uint32{1, 0, 0})
	cli := whatsmeow.NewClient(dev, newWALogger(opts.Log, "Client"))
	connected := make(chan struct{}, 1)
	cli.AddEventHandler(func(evt any) {
		if _, ok := evt.(*events.Connected); ok {
			select {
			case connected <- struct{}{}:
			default:
			}
		}
	})
	qrs, err := cli.GetQRChannel(ctx)
	if err != nil {
		return types.JID{}, fmt.Errorf("preparing to link: %w", err)
	}
	if err := cli.ConnectContext(ctx); err != nil {
		return types.JID{}, fmt.Errorf("connecting to WhatsApp to link: %w", err)
	}
	defer cli.Disconnect()

	asked := false
	for item := range qrs {
		switch {
		case item.Event == whatsmeow.QRChannelEventCode && opts.Phone == "":
			opts.ShowQR(item.Code, item.Timeout)
		case item.Event == whatsmeow.QRChannelEventCode && !asked:
			code, err := cli.PairPhone(ctx, opts.Phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
			if err != nil {
				return types.JID{}, fmt.Errorf("asking WhatsApp for a pairing code: %w", err)
			}
			opts.ShowCode(code)
			asked = true
		case item == whatsmeow.QRChannelSuccess:
			// WhatsApp reconnects after pairing; the first login finishes the link.
			select {
			case <-connected:
			case <-time.After(30 * time.Second):
				opts.Log.Warn("whatsapp: linked, but the first login did not finish in 30s")
			case <-ctx.Done():
			}
			return cli.Store.ID.ToNonAD(), nil
		case item == whatsmeow.QRChannelTimeout:
			return types.JID{}, errors.New("no phone confirmed the link in time: run the command again")
		case item == whatsmeow.QRChannelScannedWithoutMultidevice:
			opts.Log.Warn("whatsapp: the phone needs multi-device enabled; scan again after enabling it")
		case item.Event == whatsmeow.QRChannelEventError:
			return types.JID{}, fmt.Errorf("linking failed: %w", item.Error)
		case item.Event != whatsmeow.QRChannelEventCode:
			return types.JID{}, fmt.Errorf("linking failed: %s", item.Event)
		}
	}
	if err := ctx.Err(); err != nil {
		return types.JID{}, fmt.Errorf("linking interrupted: %w", err)
	}
	return types.JID{}, errors.New("linking ended without a result")
}

// internationalNumber turns "+7 701 123-45-67" into "77011234567".
func internationalNumber(phone string) (string, error) {
	var b strings.Builder
	for _, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("+ -()", r):
		default:
			return "", fmt.Errorf("phone number %q: want digits in international format, like +7 701 123 45 67", phone)
		}
	}
	n := b.String()
	if len(n) < 8 || len(n) > 15 || n[0] == '0' {
		return "", fmt.Errorf("phone number %q: want the full international number with country code, like +7 701 123 45 67", phone)
	}
	return n, nil
}

// Unlink logs the device out: the phone drops it from "Linked devices" and
// the session store forgets its keys. Stop "atazan serve" first, or it
// reports the session as used elsewhere.
func Unlink(ctx context.Context, s *Session, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := s.Lock(); err != nil {
		return err
	}
	dev, err := s.Device(ctx)
	if err != nil {
		return err
	}
	if dev.ID == nil {
		return nil
	}
	cli := whatsmeow.NewClient(dev, newWALogger(log, "Client"))
	connected := make(chan struct{}, 1)
	cli.AddEventHandler(func(evt any) {
		switch evt.(type) {
		case *events.Connected, *events.LoggedOut:
			select {
			case connected <- struct{}{}:
			default:
			}
		}
	})
	if err := cli.ConnectContext(ctx); err != nil {
		return fmt.Errorf("connecting to WhatsApp to unlink: %w", err)
	}
	defer cli.Disconnect()
	select {
	case <-connected:
	case <-time.After(30 * time.Second):
		return errors.New("WhatsApp did not accept the session in 30s; unlink the device on the phone (Linked devices) instead")
	case <-ctx.Done():
		return ctx.Err()
	}
	if cli.Store.ID == nil {
		return nil // the phone had unlinked it already; whatsmeow forgot it
	}
	if err := cli.Logout(ctx); err != nil {
		return fmt.Errorf("unlinking: %w", err)
	}
	return nil
}
