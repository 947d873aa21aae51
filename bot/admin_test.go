package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"atazan/corpus"
)

// upload sends a file from user with a caption, as an adapter does.
func (h *harness) upload(user, path, caption string) (*recorder, *bool) {
	h.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatal(err)
	}
	opened := new(bool)
	out := h.handle(Incoming{Platform: Telegram, ChatID: user, UserID: user, Text: caption, NonText: "document",
		File: &File{Name: path[strings.LastIndex(path, "/")+1:], Size: int64(len(data)), Open: func() ([]byte, error) {
			*opened = true
			return data, nil
		}}})
	return out, opened
}

// waitFor polls until the recorder has a message containing want.
func waitFor(t *testing.T, out *recorder, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range out.all() {
			if strings.Contains(e.reply.Plain(), want) {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	var got []string
	for _, e := range out.all() {
		got = append(got, e.reply.Plain())
	}
	t.Fatalf("no message containing %q; got %q", want, got)
}

func point32(h *harness) string {
	return h.corpus.Document("kz2026").Texts[corpus.RU].Article("3").Point("2").Text
}

func TestAdminImportActivateRollback(t *testing.T) {
	h := newHarness(t)
	before := point32(h)

	// A non-admin's upload is refused like any file, and never downloaded.
	out, opened := h.upload("u1", "testdata/upload/kz2026-ru-new.md", "/import kz2026 ru")
	if *opened || !strings.Contains(out.text(), "понимаю только текст") {
		t.Errorf("non-admin upload: opened=%v reply=%q", *opened, out.text())
	}

	// A bad file is refused with the reason, and nothing changes.
	out, _ = h.upload(admin, "testdata/upload/bad.txt", "/import kz2026 ru")
	if got := out.text(); !strings.Contains(got, "Файл не принят") || !strings.Contains(got, "does not look like a constitution") {
		t.Errorf("bad file reply: %s", got)
	}
	if len(out.last().Actions) != 0 || point32(h) != before {
		t.Errorf("bad file changed something")
	}

	// A caption without a document is explained.
	out, _ = h.upload(admin, "testdata/upload/kz2026-ru-new.md", "вот файл")
	if got := out.text(); !strings.Contains(got, "/import kz2026 kk") {
		t.Errorf("upload without caption: %s", got)
	}

	// A good file: summary and buttons; still nothing served changes.
	out, _ = h.upload(admin, "testdata/upload/kz2026-ru-new.md", "/import kz2026 ru")
	summary := out.last()
	if got := summary.Plain(); !strings.Contains(got, "Проверка пройдена") || !strings.Contains(got, "3") {
		t.Errorf("summary: %s", got)
	}
	activate, ok := action(summary, "adm:activate:")
	if _, cancel := action(summary, "adm:ignore:"); !ok || !cancel {
		t.Fatalf("summary buttons: %+v", summary.Actions)
	}
	if point32(h) != before {
		t.Errorf("staging changed the served text")
	}

	// A non-admin pressing the button does nothing.
	if ev := h.press("u1", activate.Data).all(); len(ev) != 0 || point32(h) != before {
		t.Errorf("non-admin activated: %+v", ev)
	}

	// The admin activates: the new text is served and re-indexed in the background.
	out = h.press(admin, activate.Data)
	waitFor(t, out, "Индекс готов")
	if got := out.all()[0].reply.Plain(); !strings.Contains(got, "Применено: kz2026") {
		t.Errorf("activation reply: %s", got)
	}
	if !strings.Contains(point32(h), "назначает выборы") {
		t.Errorf("new text not served: %q", point32(h))
	}
	if got := h.send("u1", "/article 3 2").text(); !strings.Contains(got, "назначает выборы") {
		t.Errorf("/article after activation: %s", got)
	}
	h.engine.mu.Lock()
	loads, loaded := h.engine.loads, h.engine.loaded
	h.engine.mu.Unlock()
	if loads != 1 || len(loaded) != 2 || !strings.Contains(loaded[0].Texts[corpus.RU].Article("3").Point("2").Text, "назначает выборы") {
		t.Errorf("engine loads = %d with %d docs", loads, len(loaded))
	}
	if got := h.press(admin, activate.Data).text(); !strings.Contains(got, "уже применена или отменена") {
		t.Errorf("second activation: %s", got)
	}

	// Rollback restores the previous version and re-indexes again.
	out = h.send(admin, "/rollback kz2026")
	waitFor(t, out, "Индекс готов")
	if point32(h) != before {
		t.Errorf("rollback did not restore the text: %q", point32(h))
	}
	if got := h.send(admin, "/rollback").text(); !strings.Contains(got, "/rollback kz2026") {
		t.Errorf("rollback usage: %s", got)
	}

	// Cancel discards a staged text.
	out, _ = h.upload(admin, "testdata/upload/kz2026-ru-new.md", "/import kz2026 ru")
	cancel, _ := action(out.last(), "adm:ignore:")
	if got := h.press(admin, cancel.Data).text(); !strings.Contains(got, "Отменено") {
		t.Errorf("cancel: %s", got)
	}
	activate, _ = action(out.last(), "adm:activate:")
	if got := h.press(admin, activate.Data).text(); !strings.Contains(got, "уже применена или отменена") || point32(h) != before {
		t.Errorf("activating a cancelled import: %s", got)
	}

	// Every admin action is in the admin log with who did it.
	log, err := h.store.AdminLog(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].By != "tg:"+admin {
			t.Errorf("admin log entry by %q", log[i].By)
		}
		acts = append(acts, log[i].Action)
	}
	want := "import refused,import staged,activate,activate failed,rollback,import staged,cancel,activate failed"
	if got := strings.Join(acts, ","); got != want {
		t.Errorf("admin log = %s\nwant        %s", got, want)
	}
}

func TestReindexKeepsAnsweringAndReportsProgress(t *testing.T) {
	h := newHarness(t)
	h.core.progressEvery = 10 * time.Millisecond
	gate := make(chan struct{})
	h.engine.loadGate = gate
	out, _ := h.upload(admin, "testdata/upload/kz2026-ru-new.md", "/import kz2026 ru")
	activate, _ := action(out.last(), "adm:activate:")
	progress := h.press(admin, activate.Data)
	waitFor(t, progress, "Всё ещё индексирую")
	// Questions are answered while the index is rebuilt.
	if got := h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?").text(); !strings.Contains(got, "шестнадцати") {
		t.Errorf("question during re-indexing: %s", got)
	}
	close(gate)
	waitFor(t, progress, "Индекс готов")
}

func TestStatsAndExport(t *testing.T) {
	h := newHarness(t)
	h.send("u1", "Можно ли работать по трудовому договору с шестнадцати лет?")
	r := h.send("u2", "можно ли работать по трудовому договору с шестнадцати лет").last()
	h.send("u3", "Неше жастан жұмыс істеуге болады?")
	down, _ := action(r, "fb:down:")
	h.press("u2", down.Data)

	got := h.send(admin, "/stats").text()
	for _, want := range []string{"Вопросов сегодня: 3, за 7 дней: 3", "kk: 1, ru: 2", "1. Можно ли работать по трудовому договору с шестнадцати лет? (2)", "Ответы с 👎", "можно ли работать по трудовому договору с шестнадцати лет →"} {
		if !strings.Contains(got, want) {
			t.Errorf("/stats lacks %q:\n%s", want, got)
		}
	}

	out := h.send(admin, "/export feedback")
	doc := out.last().Document
	if doc == nil || !strings.HasSuffix(doc.Name, ".csv") {
		t.Fatalf("export sent no CSV: %+v", out.last())
	}
	rows, err := csv.NewReader(bytes.NewReader(doc.Data)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v", err)
	}
	if len(rows) != 2 || rows[0][1] != "vote" || rows[1][1] != "-1" || rows[1][7] != "можно ли работать по трудовому договору с шестнадцати лет" ||
		!strings.Contains(rows[1][8], "шестнадцати") || rows[1][9] != "kz2026/2/2" {
		t.Errorf("CSV rows = %q", rows)
	}
	if got := h.send(admin, "/export users").text(); !strings.Contains(got, "/export feedback") {
		t.Errorf("export usage: %s", got)
	}
}

// notifier records proactive messages.
type notifier struct {
	mu   sync.Mutex
	sent map[string][]Reply
}

func (n *notifier) Notify(_ context.Context, userID string, r Reply) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.sent == nil {
		n.sent = map[string][]Reply{}
	}
	n.sent[userID] = append(n.sent[userID], r)
	return nil
}

func TestWatchProposalReachesAdmins(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	data, _ := os.ReadFile("testdata/upload/kz2026-ru-new.md")
	staged, err := h.corpus.Stage(ctx, corpus.StageRequest{Doc: "kz2026", By: "watch",
		Files: []corpus.SourceFile{{Name: "kz2026-ru.txt", Lang: corpus.RU, Data: data, URL: "https://adilet.zan.kz/rus/docs/K2600000000"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.core.ProposeUpdate(ctx, staged, "https://adilet.zan.kz/rus/docs/K2600000000"); err == nil {
		t.Error("ProposeUpdate with no adapter registered succeeded")
	}
	tg := &notifier{}
	h.core.AddNotifier(Telegram, tg)
	if err := h.core.ProposeUpdate(ctx, staged, "https://adilet.zan.kz/rus/docs/K2600000000"); err != nil {
		t.Fatal(err)
	}
	got := tg.sent[admin]
	if len(got) != 1 || !strings.Contains(got[0].Plain(), "На официальном источнике изменился текст: kz2026") {
		t.Fatalf("admin got %+v", got)
	}
	activate, ok := action(got[0], "adm:activate:"+staged.ID)
	if !ok {
		t.Fatalf("no activate button: %+v", got[0].Actions)
	}
	if point32(h) == "" || strings.Contains(point32(h), "назначает выборы") {
		t.Fatal("the watch activated by itself")
	}
	out := h.press(admin, activate.Data)
	waitFor(t, out, "Индекс готов")
	if !strings.Contains(point32(h), "назначает выборы") {
		t.Errorf("activation from the proposal did not serve the new text")
	}

	if err := h.core.ReportProblem(ctx, "adilet.zan.kz: HTTP 503"); err != nil {
		t.Fatal(err)
	}
	if got := tg.sent[admin]; len(got) != 2 || !strings.Contains(got[1].Plain(), "HTTP 503") {
		t.Errorf("problem report: %+v", got)
	}
}
