package telegram

// End-to-end tests: the real telegram-bot-api client against the fake Bot
// API server, the real conversation core, the real retrieval engine over a
// small invented corpus (testdata/corpus), SQLite and the corpus store in
// a temporary directory.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"atazan/bot/bottest"
	"atazan/bot/telegram/telegramtest"
	"atazan/corpus"
)

// adminID is the Telegram user the e2e core treats as an admin.
const adminID = 1

type e2e struct {
	*harness
	corpus *corpus.Store
}

// startE2E runs the whole bot on the fixture corpus behind the fake server.
func startE2E(t testing.TB, configure ...func(*Options)) *e2e {
	t.Helper()
	return startBot(t, filepath.Join("testdata", "corpus"), configure...)
}

// startBot runs the whole bot on the corpus source in src.
func startBot(t testing.TB, src string, configure ...func(*Options)) *e2e {
	t.Helper()
	core, cs := bottest.NewCore(t, src, bottest.Options{
		Admins:        []string{"tg:" + strconv.Itoa(adminID)},
		RatePerMinute: 1000, // the tests ask fast; rate limits are the core's tests
	})
	return &e2e{harness: start(t, core, configure...), corpus: cs}
}

// sent is one message as the user sees it in the end: sent, then maybe edited.
type sent struct {
	call telegramtest.Call
	text string
}

// messages returns the final text of every message sent to chat, in order:
// edits replace the text of the message they edit.
func (h *harness) messages(chat string) []sent {
	var out []sent
	index := map[string]int{} // message id → position in out
	for _, c := range h.srv.Calls("") {
		if c.Params.Get("chat_id") != chat || c.Err != "" {
			continue
		}
		switch c.Method {
		case "sendMessage", "sendDocument":
			index[strconv.Itoa(c.MessageID)] = len(out)
			out = append(out, sent{call: c, text: c.Params.Get("text") + c.Params.Get("caption")})
		case "editMessageText":
			if i, ok := index[c.Params.Get("message_id")]; ok {
				out[i] = sent{call: c, text: c.Params.Get("text")}
			}
		}
	}
	return out
}

// waitText waits until a message to chat contains every one of subs and
// returns it.
func (h *harness) waitText(t *testing.T, chat string, subs ...string) sent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		seen := len(h.srv.Calls("")) // counted first, so no call slips between check and wait
		for _, m := range h.messages(chat) {
			if containsAll(m.text, subs...) {
				return m
			}
		}
		if _, err := h.srv.WaitCalls(ctx, "", seen+1); err != nil {
			var texts []string
			for _, m := range h.messages(chat) {
				texts = append(texts, m.text)
			}
			t.Fatalf("no message to chat %s contains %q; messages:\n%s", chat, subs, strings.Join(texts, "\n---\n"))
		}
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// buttons lists the callback data of a message's inline keyboard.
func buttons(t *testing.T, c telegramtest.Call) []string {
	t.Helper()
	if c.Params.Get("reply_markup") == "" {
		return nil
	}
	var markup tgbotapi.InlineKeyboardMarkup
	if err := c.Decode("reply_markup", &markup); err != nil {
		t.Fatal(err)
	}
	var data []string
	for _, row := range markup.InlineKeyboard {
		for _, b := range row {
			data = append(data, *b.CallbackData)
		}
	}
	return data
}

func hasPrefix(list []string, prefix string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.HasPrefix(s, prefix) })
}

func TestE2EPrivateQuestionGetsCitedAnswer(t *testing.T) {
	h := startE2E(t)
	h.srv.Push(message(10, 501, "private", 501, "С какого возраста можно голосовать на выборах?"))

	m := h.waitText(t, "501", "ст. 3")
	if !strings.Contains(m.text, "восемнадцати") {
		t.Errorf("the answer does not quote the article:\n%s", m.text)
	}
	if b := buttons(t, m.call); !slices.Contains(b, "art:kz2026:3") || !hasPrefix(b, "fb:up:") || !hasPrefix(b, "fb:down:") {
		t.Errorf("buttons = %v, want the article and feedback", b)
	}
	if len(h.srv.Calls("sendChatAction")) == 0 {
		t.Error("no typing action while answering")
	}
}

func TestE2EGroupAnswersOnlyWhenMentioned(t *testing.T) {
	h := startE2E(t)
	h.srv.Push(message(20, -900, "supergroup", 601, "С какого возраста можно голосовать на выборах?"))
	mention := message(21, -900, "supergroup", 602, "@atazan_test_bot С какого возраста можно голосовать на выборах?")
	mention["message"].(map[string]any)["entities"] = []map[string]any{{"type": "mention", "offset": 0, "length": 16}}
	h.srv.Push(mention)

	m := h.waitText(t, "-900", "ст. 3")
	if m.call.Params.Get("reply_to_message_id") != "21" {
		t.Errorf("the answer does not reply to the mention: %v", m.call)
	}
	// Both updates are handled concurrently; the core shows "typing…"
	// before it retrieves, so an answer to the first would show by now.
	typing := 0
	for _, c := range h.srv.Calls("sendChatAction") {
		if c.Params.Get("chat_id") == "-900" {
			typing++
		}
	}
	for _, c := range h.srv.Calls("sendMessage") {
		if c.Params.Get("reply_to_message_id") == "20" {
			t.Errorf("answered the message without a mention: %v", c)
		}
	}
	if typing != 1 {
		t.Errorf("worked on %d group messages, want 1", typing)
	}
}

func TestE2EForwardedQuestionIsAnswered(t *testing.T) {
	h := startE2E(t)
	fwd := message(30, 501, "private", 501, "Среднее образование у нас бесплатное?")
	fwd["message"].(map[string]any)["forward_origin"] = map[string]any{"type": "hidden_user", "date": 1, "sender_user_name": "Дана"}
	h.srv.Push(fwd)

	m := h.waitText(t, "501", "ст. 4")
	if !strings.Contains(m.text, "«Среднее образование у нас бесплатное?»") {
		t.Errorf("the answer does not carry the forwarded question:\n%s", m.text)
	}
}

func TestE2EHTMLInQuestionsIsEscaped(t *testing.T) {
	h := startE2E(t)
	q := `<b>Курултай</b> & "парламент": на сколько лет избираются депутаты?`
	fwd := message(31, 501, "private", 501, q)
	fwd["message"].(map[string]any)["forward_origin"] = map[string]any{"type": "hidden_user", "date": 1, "sender_user_name": "Ержан"}
	h.srv.Push(fwd)

	// The fake server refuses HTML Telegram would refuse, so an answer at
	// all means the escaping held; the question is shown as typed.
	m := h.waitText(t, "501", "ст. 5")
	if !strings.Contains(m.text, `&lt;b&gt;Курултай&lt;/b&gt; &amp; "парламент"`) {
		t.Errorf("the question is not shown escaped:\n%s", m.text)
	}
}

func TestE2EInlineQueryReturnsCards(t *testing.T) {
	h := startE2E(t)
	h.srv.Push(map[string]any{"inline_query": map[string]any{
		"id": "iq-1", "from": map[string]any{"id": 501, "first_name": "A", "language_code": "ru"},
		"query": "Какой язык является государственным?", "offset": "",
	}})
	results := h.inlineResults(t)
	if len(results) == 0 {
		t.Fatal("no inline results")
	}
	if !strings.Contains(results[0].Content.Text, "ст. 2") || !strings.Contains(results[0].Content.Text, "казахский") {
		t.Errorf("first card does not answer with a citation:\n%s", results[0].Content.Text)
	}
	for _, r := range results {
		if err := telegramtest.CheckText(r.Content.Text, r.Content.ParseMode); err != nil || r.Title == "" {
			t.Errorf("card %q (%q): %v", r.ID, r.Title, err)
		}
	}
}

func TestE2EButtonShowsFullArticle(t *testing.T) {
	h := startE2E(t)
	h.srv.Push(map[string]any{"callback_query": map[string]any{
		"id": "cb-1", "from": map[string]any{"id": 501, "first_name": "A", "language_code": "ru"},
		"message":       map[string]any{"message_id": 40, "date": 1, "chat": map[string]any{"id": 501, "type": "private"}, "text": "…"},
		"chat_instance": "ci", "data": "art:kz2026:3",
	}})
	m := h.waitText(t, "501", "Статья 3", "восемнадцати лет", "свободное, равное и тайное")
	if strings.Contains(m.text, "Статья 4") {
		t.Errorf("more than the article:\n%s", m.text)
	}
	if len(h.srv.Calls("answerCallbackQuery")) != 1 {
		t.Error("the button press was not acknowledged")
	}
}

func TestE2ETooManyRequestsIsRetried(t *testing.T) {
	h := startE2E(t)
	h.srv.FailOnce("sendMessage", 1)
	h.srv.Push(message(50, 501, "private", 501, "Сколько палат в Курултае?"))
	m := h.waitText(t, "501", "ст. 5")
	calls := h.srv.Calls("sendMessage")
	if len(calls) < 2 || calls[0].Err == "" || calls[1].Err != "" || calls[0].Params.Get("text") != calls[1].Params.Get("text") {
		t.Fatalf("want the refused message sent again; calls: %v", calls)
	}
	if m.call.MessageID != calls[1].MessageID {
		t.Errorf("the answer is not the retried message")
	}
}

func TestE2ELongArticleIsSplit(t *testing.T) {
	h := startE2E(t)
	h.srv.Push(message(60, 501, "private", 501, "/article 6"))
	last := h.waitText(t, "501", "30. Курултай")
	parts := h.messages("501")
	if len(parts) < 2 {
		t.Fatalf("article 6 (≈6,700 characters) came in %d message(s)", len(parts))
	}
	var plain []string
	for i, p := range parts {
		if err := telegramtest.CheckText(p.text, "HTML"); err != nil {
			t.Errorf("part %d: %v", i+1, err)
		}
		if i > 0 && !startsWithPoint(p.text) {
			t.Errorf("part %d does not start at a paragraph: %.60q", i+1, p.text)
		}
		if b := buttons(t, p.call); len(b) > 0 && p.call.Params.Get("text") != last.call.Params.Get("text") {
			t.Errorf("part %d has buttons; only the last may", i+1)
		}
		plain = append(plain, p.text)
	}
	all := strings.Join(plain, "\n\n")
	for n := 1; n <= 30; n++ {
		if c := strings.Count(all, "\n\n"+strconv.Itoa(n)+". Курултай"); c != 1 {
			t.Errorf("point %d appears %d times across the parts", n, c)
		}
	}
}

// startsWithPoint reports whether a part begins with a numbered point.
func startsWithPoint(s string) bool {
	num, rest, ok := strings.Cut(s, ". ")
	_, err := strconv.Atoi(num)
	return ok && err == nil && rest != ""
}

func TestE2EWebhookChecksTheSecret(t *testing.T) {
	h := startE2E(t, func(o *Options) {
		o.WebhookURL = "https://atazan.example.kz/telegram"
		o.WebhookSecret = "e2e-secret"
	})
	h.waitReady(t, true)
	update := `{"update_id":70,"message":{"message_id":70,"date":1,"chat":{"id":501,"type":"private"},"from":{"id":501,"first_name":"A","language_code":"ru"},"text":"Какой язык является государственным?"}}`
	post := func(secret string) int {
		req := httptest.NewRequest(http.MethodPost, "/telegram", strings.NewReader(update))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		rec := httptest.NewRecorder()
		h.a.WebhookHandler().ServeHTTP(rec, req)
		return rec.Code
	}
	if code := post("guess"); code != http.StatusForbidden {
		t.Errorf("wrong secret: status %d", code)
	}
	if code := post("e2e-secret"); code != http.StatusOK {
		t.Errorf("right secret: status %d", code)
	}
	h.waitText(t, "501", "ст. 2")
	if n := len(h.srv.Calls("sendMessage")); n != 1 {
		t.Errorf("%d answers, want 1 (the forged update must be dropped)", n)
	}
}

// upload builds a document message with a caption.
func (h *e2e) upload(t *testing.T, id int, from int64, file, caption string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "import", file))
	if err != nil {
		t.Fatal(err)
	}
	fileID := "file-" + strconv.Itoa(id)
	h.srv.AddFile(fileID, file, data)
	m := message(id, from, "private", from, "")
	msg := m["message"].(map[string]any)
	delete(msg, "text")
	msg["caption"] = caption
	msg["document"] = map[string]any{"file_id": fileID, "file_unique_id": "u" + fileID, "file_name": file, "file_size": len(data)}
	return m
}

func TestE2EAdminImport(t *testing.T) {
	h := startE2E(t)
	admin := strconv.Itoa(adminID)
	before := h.corpus.Document("kz2026").Version.ID
	versions := func() int {
		v, err := h.corpus.Versions("kz2026")
		if err != nil {
			t.Fatal(err)
		}
		return len(v)
	}
	nVersions := versions()

	t.Run("a non-admin's upload is refused unread", func(t *testing.T) {
		h.srv.Push(h.upload(t, 80, 502, "kz2026-ru-new.md", "/import kz2026 ru"))
		m := h.waitText(t, "502", "")
		if b := buttons(t, m.call); hasPrefix(b, "adm:") {
			t.Errorf("a non-admin got admin buttons: %v", b)
		}
		if n := len(h.srv.Calls("getFile")) + len(h.srv.Calls("download")); n != 0 {
			t.Errorf("the upload was fetched (%d calls)", n)
		}
		if h.corpus.Document("kz2026").Version.ID != before {
			t.Error("the corpus changed")
		}
	})

	t.Run("a bad file is refused with the reason", func(t *testing.T) {
		h.srv.Push(h.upload(t, 81, adminID, "kz2026-ru-broken.md", "/import kz2026 ru"))
		m := h.waitText(t, admin, "missing", "3")
		if b := buttons(t, m.call); hasPrefix(b, "adm:activate:") {
			t.Errorf("a refused file offers activation: %v", b)
		}
		if h.corpus.Document("kz2026").Version.ID != before || versions() != nVersions {
			t.Error("the corpus changed")
		}
	})

	var activate string
	t.Run("a good file is summarised and waits for confirmation", func(t *testing.T) {
		h.srv.Push(h.upload(t, 82, adminID, "kz2026-ru-new.md", "/import kz2026 ru"))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for activate == "" {
			seen := len(h.srv.Calls(""))
			for _, m := range h.messages(admin) {
				for _, b := range buttons(t, m.call) {
					if strings.HasPrefix(b, "adm:activate:") {
						activate = b
						if !containsAll(m.text, "4", "Высшее образование") {
							t.Errorf("the summary does not name the changed article 4:\n%s", m.text)
						}
					}
				}
			}
			if activate != "" {
				break
			}
			if _, err := h.srv.WaitCalls(ctx, "", seen+1); err != nil {
				t.Fatal("no summary with an Activate button")
			}
		}
		if h.corpus.Document("kz2026").Version.ID != before {
			t.Error("the corpus changed before confirmation")
		}
	})
	if activate == "" {
		t.FailNow()
	}

	t.Run("confirming serves the new text", func(t *testing.T) {
		h.srv.Push(map[string]any{"callback_query": map[string]any{
			"id": "cb-adm", "from": map[string]any{"id": adminID, "first_name": "Admin", "language_code": "ru"},
			"message":       map[string]any{"message_id": 83, "date": 1, "chat": map[string]any{"id": adminID, "type": "private"}, "text": "…"},
			"chat_instance": "ci", "data": activate,
		}})
		h.waitText(t, admin, "Индекс готов") // the background re-indexing reports its end
		if h.corpus.Document("kz2026").Version.ID == before {
			t.Fatal("the corpus did not switch")
		}
		h.srv.Push(message(84, adminID, "private", adminID, "/article 4"))
		h.waitText(t, admin, "Статья 4", "Высшее образование доступно каждому")
		h.srv.Push(message(85, 503, "private", 503, "Доступно ли высшее образование каждому?"))
		h.waitText(t, "503", "ст. 4", "Высшее образование доступно каждому")
	})

	t.Run("rollback restores the previous text", func(t *testing.T) {
		h.srv.Push(message(86, adminID, "private", adminID, "/rollback kz2026"))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for {
			seen := len(h.srv.Calls(""))
			if countContaining(h.messages(admin), "Индекс готов") == 2 {
				break
			}
			if _, err := h.srv.WaitCalls(ctx, "", seen+1); err != nil {
				t.Fatal("the rollback did not re-index")
			}
		}
		if got := h.corpus.Document("kz2026").Version.ID; got != before {
			t.Errorf("active version %s, want %s", got, before)
		}
		h.srv.Push(message(87, 504, "private", 504, "/article 4"))
		m := h.waitText(t, "504", "Статья 4", "Среднее образование обязательно и бесплатно")
		if strings.Contains(m.text, "Высшее") {
			t.Errorf("the rolled-back text is still served:\n%s", m.text)
		}
	})
}

func countContaining(ms []sent, sub string) int {
	n := 0
	for _, m := range ms {
		if strings.Contains(m.text, sub) {
			n++
		}
	}
	return n
}

// BenchmarkE2EQuestion measures a question end to end: update in, real
// core and retrieval over the fixture corpus, cited answer out.
func BenchmarkE2EQuestion(b *testing.B) {
	h := startE2E(b)
	n := 0
	for b.Loop() {
		n++
		h.srv.Push(message(n, 501, "private", 501, "С какого возраста можно голосовать на выборах?"))
		h.wait(b, "sendMessage", n)
	}
}
