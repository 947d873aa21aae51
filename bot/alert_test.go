package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// failingNotifier cannot deliver, as a logged-out WhatsApp cannot.
type failingNotifier struct{ calls int }

func (f *failingNotifier) Notify(context.Context, string, Reply) error {
	f.calls++
	return errors.New("whatsapp logged_out")
}

func TestAlertReachesAdminsOnAnotherMessenger(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	msg := "WhatsApp: logged_out: run atazan whatsapp link"
	if err := h.core.Alert(ctx, "whatsapp", msg); err == nil {
		t.Error("Alert with no messenger to reach the admin succeeded")
	}
	tg := &notifier{}
	h.core.AddNotifier(Telegram, tg)
	h.core.AddNotifier(WhatsApp, &failingNotifier{})
	if err := h.core.Alert(ctx, "whatsapp", msg); err != nil {
		t.Fatal(err)
	}
	got := tg.sent[admin]
	if len(got) != 1 || !strings.Contains(got[0].Plain(), msg) || !strings.HasPrefix(got[0].Plain(), "⚠️") {
		t.Fatalf("admin got %+v", got)
	}
	log, err := h.store.AdminLog(ctx, 10)
	if err != nil || len(log) == 0 || log[0].Action != "alert" || log[0].By != "whatsapp" || log[0].Detail != msg {
		t.Errorf("admin log = %+v, %v", log, err)
	}
}
