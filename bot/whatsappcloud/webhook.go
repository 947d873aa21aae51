package whatsappcloud

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"atazan/bot"
)

// WebhookPath is where the webhook is served on the bot's HTTP server;
// its public https URL is what the Meta app's webhook is set to.
const WebhookPath = "/whatsapp/webhook"

// maxWebhookBody caps a webhook request; Meta's are a few kilobytes.
const maxWebhookBody = 1 << 20

// WebhookHandler serves the webhook Meta calls: GET to verify it when it is
// registered, POST with messages, signed with the app secret.
func (a *Adapter) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			a.verifyWebhook(w, r)
		case http.MethodPost:
			a.receive(w, r)
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

// verifyWebhook answers Meta's subscription check by repeating the
// challenge, if the verify token is ours.
func (a *Adapter) verifyWebhook(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" ||
		subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(a.verifyToken)) != 1 {
		a.log.Warn("whatsapp cloud: webhook verification refused: wrong mode or verify token", "remote", r.RemoteAddr)
		http.Error(w, "verification refused", http.StatusForbidden)
		return
	}
	a.log.Info("whatsapp cloud: webhook verified")
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, q.Get("hub.challenge"))
}

// receive checks the signature and starts answering the messages. It
// answers at once: Meta retries deliveries that are slow to be accepted.
func (a *Adapter) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil {
		http.Error(w, "reading the body", http.StatusBadRequest)
		return
	}
	if len(body) > maxWebhookBody {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if !a.signed(r.Header.Get("X-Hub-Signature-256"), body) {
		a.metrics.Error("whatsapp")
		a.log.Warn("whatsapp cloud: webhook refused: missing or wrong X-Hub-Signature-256", "remote", r.RemoteAddr)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var hook payload
	if err := json.Unmarshal(body, &hook); err != nil {
		a.log.Warn("whatsapp cloud: webhook body is not the expected JSON", "err", err)
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	closed := a.closed
	if !closed {
		// Counted under the lock, so Run's Wait cannot miss them.
		a.answers.Add(1)
	}
	a.mu.Unlock()
	if closed {
		// Meta delivers again later, to this replica's successor.
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer a.answers.Done()
	a.dispatch(hook)
	w.WriteHeader(http.StatusOK)
}

// signed checks header ("sha256=<hex>") against the body's HMAC.
func (a *Adapter) signed(header string, body []byte) bool {
	sig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, a.appSecret)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// dispatch starts an answer for every new message to our number and logs
// failed deliveries.
func (a *Adapter) dispatch(hook payload) {
	for _, e := range hook.Entry {
		for _, ch := range e.Changes {
			v := ch.Value
			if ch.Field != "messages" || v.Metadata.PhoneNumberID != a.graph.phoneID {
				continue // another number of the same business account
			}
			for _, st := range v.Statuses {
				if st.Status == "failed" {
					for _, e := range st.Errors {
						a.log.Warn("whatsapp cloud: message not delivered", "tag", st.Tag, "code", e.Code, "title", e.Title)
					}
				}
			}
			names := map[string]string{}
			for _, c := range v.Contacts {
				names[c.WaID] = c.Profile.Name
			}
			for _, m := range v.Messages {
				in, ok := a.incoming(m, names[m.From])
				if !ok {
					a.log.Debug("whatsapp cloud: message ignored", "type", m.Type, "id", m.ID)
					continue
				}
				if !a.seen.Add(m.ID) {
					a.log.Debug("whatsapp cloud: duplicate delivery ignored", "id", m.ID)
					continue
				}
				a.window.touch(m.From, m.time(a.now()))
				a.answers.Add(1)
				go func() {
					defer a.answers.Done()
					a.answer(in)
				}()
			}
		}
	}
}

// answer lets the core answer one message, after the earlier ones in its
// chat; the time limit starts once it is this message's turn.
func (a *Adapter) answer(in bot.Incoming) {
	unlock := a.chats.lock(in.ChatID)
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), a.answerTimeout)
	defer cancel()
	out := &responder{a: a, to: in.ChatID, msgID: in.MessageID}
	if err := a.graph.markRead(ctx, in.MessageID, false); err != nil {
		a.log.Warn("whatsapp cloud: marking read", "err", err)
	}
	if err := a.core.Handle(ctx, in, out); err != nil {
		a.metrics.Error("whatsapp")
		a.log.Error("whatsapp cloud: answering", "id", in.MessageID, "err", err)
	}
}

// incoming translates a Cloud API message into the core's terms. ok is
// false for what no person wrote to the bot: reactions, system notices,
// messages the API cannot show.
func (a *Adapter) incoming(m message, name string) (bot.Incoming, bool) {
	in := bot.Incoming{
		Platform: bot.WhatsApp, ChatID: m.From, UserID: m.From, UserName: name, MessageID: m.ID,
	}
	if m.Context != nil {
		in.IsForwarded = m.Context.Forwarded || m.Context.FrequentlyForwarded
	}
	switch m.Type {
	case "text":
		in.Text = strings.TrimSpace(m.Text.Body)
	case "interactive":
		switch {
		case m.Interactive.ButtonReply != nil:
			in.Callback = m.Interactive.ButtonReply.ID
		case m.Interactive.ListReply != nil:
			in.Callback = m.Interactive.ListReply.ID
		default:
			return bot.Incoming{}, false
		}
	case "button": // a template's quick reply
		in.Callback = m.Button.Payload
		if in.Callback == "" {
			in.Text = m.Button.Text
		}
	case "document":
		doc := m.Document
		if doc == nil {
			return bot.Incoming{}, false
		}
		in.NonText, in.Text = "document", strings.TrimSpace(doc.Caption)
		in.File = &bot.File{Name: doc.Filename, Open: func() ([]byte, error) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			data, err := a.graph.download(ctx, doc.ID, a.maxMedia)
			if err != nil {
				return nil, fmt.Errorf("downloading %s from WhatsApp: %w", doc.Filename, err)
			}
			return data, nil
		}}
	case "image", "video", "audio", "sticker", "location", "contacts":
		in.NonText = map[string]string{"image": "photo", "audio": "voice", "contacts": "contact"}[m.Type]
		if in.NonText == "" {
			in.NonText = m.Type
		}
		if m.Image != nil {
			in.Text = strings.TrimSpace(m.Image.Caption)
		}
		if m.Video != nil {
			in.Text = strings.TrimSpace(m.Video.Caption)
		}
	default: // reaction, unsupported, system, order, …
		return bot.Incoming{}, false
	}
	if in.Text == "" && in.Callback == "" && in.NonText == "" {
		return bot.Incoming{}, false
	}
	return in, true
}

// payload is a webhook body. Only what the bot uses is decoded.
type payload struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string `json:"field"`
			Value struct {
				Metadata struct {
					PhoneNumberID string `json:"phone_number_id"`
				} `json:"metadata"`
				Contacts []struct {
					Profile struct {
						Name string `json:"name"`
					} `json:"profile"`
					WaID string `json:"wa_id"`
				} `json:"contacts"`
				Messages []message `json:"messages"`
				Statuses []struct {
					ID     string `json:"id"`
					Status string `json:"status"`
					Tag    string `json:"biz_opaque_callback_data"`
					Errors []struct {
						Code  int    `json:"code"`
						Title string `json:"title"`
					} `json:"errors"`
				} `json:"statuses"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type message struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"` // Unix seconds
	Type      string `json:"type"`
	Text      struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive struct {
		ButtonReply *choice `json:"button_reply"`
		ListReply   *choice `json:"list_reply"`
	} `json:"interactive"`
	Button struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Document *media `json:"document"`
	Image    *media `json:"image"`
	Video    *media `json:"video"`
	Context  *struct {
		Forwarded           bool `json:"forwarded"`
		FrequentlyForwarded bool `json:"frequently_forwarded"`
	} `json:"context"`
}

type choice struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type media struct {
	ID       string `json:"id"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	MimeType string `json:"mime_type"`
}

// time is when the user sent the message, or now if the payload lacks it.
func (m message) time(now time.Time) time.Time {
	s, err := strconv.ParseInt(m.Timestamp, 10, 64)
	if err != nil || s <= 0 {
		return now
	}
	return time.Unix(s, 0)
}
