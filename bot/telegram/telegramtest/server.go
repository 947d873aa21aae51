// Package telegramtest is a fake Telegram Bot API server for tests, in the
// spirit of net/http/httptest. It answers the methods atazan uses, serves
// queued updates to getUpdates (long polling included), serves uploaded
// files, records every call, and fails methods on request: once with 429,
// or with faults (a proxy's 502 page, 429 for one chat) until healed. Like
// Telegram, it refuses messages whose HTML does not parse or whose text is
// too long.
package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// User is a Telegram user as the Bot API encodes it.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	UserName     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Call is one recorded request.
type Call struct {
	Method string
	Params url.Values        // form fields, multipart fields included
	Files  map[string][]byte // uploaded files by field name
	// MessageID is the id of the message a successful send created.
	MessageID int
	// Err is the error description of a call the server refused.
	Err string
	// At is when the server answered the call.
	At time.Time
}

// Server is a running fake Bot API server.
type Server struct {
	Token string
	Bot   User // what getMe returns
	srv   *httptest.Server

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever calls or updates change
	updates  []queued
	nextUpd  int
	nextMsg  int
	calls    []Call
	files    map[string]stored // by file_id
	failOnce map[string]int    // method → retry_after
	faults   map[string]*Fault // method → the fault in force
	content  map[int]string    // message id → text and markup, for edits
	polls    map[int]*Poll     // message id → poll
	nextPoll int
}

// Poll is a poll the bot sent, as the fake server keeps it.
type Poll struct {
	ID        string
	MessageID int
	ChatID    string
	Question  string
	Options   []string
	Type      string // quiz or regular
	Anonymous bool
	// Correct is the correct option of a quiz, -1 for a regular poll.
	Correct     int
	Explanation string
	Closed      bool
}

type queued struct {
	id  int
	raw json.RawMessage
}

type stored struct {
	path string
	data []byte
}

// NewServer starts a fake server that accepts token.
func NewServer(token string) *Server {
	s := &Server{
		Token:    token,
		Bot:      User{ID: 777000111, IsBot: true, FirstName: "Atazan", UserName: "atazan_test_bot"},
		changed:  make(chan struct{}),
		nextUpd:  1,
		nextMsg:  100,
		files:    map[string]stored{},
		failOnce: map[string]int{},
		faults:   map[string]*Fault{},
		content:  map[int]string{},
		polls:    map[int]*Poll{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/{bot}/{method}", s.serveMethod)
	mux.HandleFunc("/file/{bot}/{path...}", s.serveFile)
	s.srv = httptest.NewServer(mux)
	return s
}

// Endpoint is the server in telegram-bot-api's endpoint format, for
// tgbotapi.NewBotAPIWithClient and ATAZAN_TELEGRAM_API_ENDPOINT.
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// Close shuts the server down, ending long polls in progress as a vanished
// Telegram would.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Push queues an update for getUpdates. update is any JSON-encodable value
// (usually a map); its update_id is assigned here and returned.
func (s *Server) Push(update map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpd
	s.nextUpd++
	update["update_id"] = id
	raw, err := json.Marshal(update)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: encoding update: %v", err))
	}
	s.updates = append(s.updates, queued{id: id, raw: raw})
	s.broadcast()
	return id
}

// AddFile makes a file downloadable through getFile.
func (s *Server) AddFile(fileID, name string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = stored{path: "documents/" + name, data: data}
}

// FailOnce makes the next call of method fail with 429 Too Many Requests
// and the given retry_after.
func (s *Server) FailOnce(method string, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failOnce[method] = retryAfter
}

// Fault is how Fail makes a method fail.
type Fault struct {
	// Status is 502 or 503 for a proxy in front of a Bot API that is down
	// (the body is an HTML page, as nginx sends), or 429.
	Status int
	// RetryAfter is the retry_after of a 429, in seconds.
	RetryAfter int
	// Chat limits the fault to calls for one chat_id ("" for all), as
	// Telegram throttles one chat.
	Chat string
	// Times is how many calls fail; 0 means until Heal.
	Times int
}

// Fail makes calls of method fail as f says, until Heal or f.Times calls.
func (s *Server) Fail(method string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = &f
}

// Heal ends the fault of method.
func (s *Server) Heal(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.faults, method)
}

// fault reports whether call fails under a fault in force, using up one of its times.
func (s *Server) fault(c Call) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults[c.Method]
	if f == nil || (f.Chat != "" && c.Params.Get("chat_id") != f.Chat) {
		return Fault{}, false
	}
	if f.Times > 0 {
		if f.Times--; f.Times == 0 {
			delete(s.faults, c.Method)
		}
	}
	return *f, true
}

// Calls returns the recorded calls of method ("" for all), oldest first.
// getUpdates is not recorded; file downloads are, with Method "download"
// and Params "path".
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until method has been called at least n times and
// returns those calls, or fails when ctx is done.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	if err := s.wait(ctx, func() bool { return s.count(method, false) >= n }); err != nil {
		return s.Calls(method), fmt.Errorf("waiting for %d %s calls, got %d: %w", n, method, len(s.Calls(method)), err)
	}
	return s.Calls(method), nil
}

// Accepted counts the calls of method ("" for any) the server did not refuse.
func (s *Server) Accepted(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count(method, true)
}

// WaitAccepted waits until method has been accepted at least n times. Unlike
// WaitCalls it copies no call, so a load test can wait on thousands cheaply.
func (s *Server) WaitAccepted(ctx context.Context, method string, n int) error {
	if err := s.wait(ctx, func() bool { return s.count(method, true) >= n }); err != nil {
		return fmt.Errorf("waiting for %d accepted %s calls, got %d: %w", n, method, s.Accepted(method), err)
	}
	return nil
}

// count counts method's calls, only those accepted when ok; s.mu must be held.
func (s *Server) count(method string, ok bool) int {
	n := 0
	for _, c := range s.calls {
		if (method == "" || c.Method == method) && (!ok || c.Err == "") {
			n++
		}
	}
	return n
}

// wait waits until done, called with s.mu held, reports true, or ctx ends.
func (s *Server) wait(ctx context.Context, done func() bool) error {
	for {
		s.mu.Lock()
		ch, ok := s.changed, done()
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// broadcast wakes waiters; s.mu must be held.
func (s *Server) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.At = time.Now()
	s.calls = append(s.calls, c)
	s.broadcast()
}

func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("bot") != "bot"+s.Token {
		reply(w, http.StatusUnauthorized, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	method := r.PathValue("method")
	call, err := readCall(r, method)
	if err != nil {
		reply(w, http.StatusBadRequest, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	retry, fail := s.failOnce[method]
	delete(s.failOnce, method)
	s.mu.Unlock()
	if fail {
		call.Err = fmt.Sprintf("Too Many Requests: retry after %d", retry)
		s.record(call)
		reply(w, http.StatusTooManyRequests, map[string]any{
			"ok": false, "error_code": 429, "description": call.Err,
			"parameters": map[string]any{"retry_after": retry},
		})
		return
	}

	if f, ok := s.fault(call); ok {
		if f.Status == http.StatusTooManyRequests {
			call.Err = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
			s.record(call)
			reply(w, f.Status, map[string]any{
				"ok": false, "error_code": 429, "description": call.Err,
				"parameters": map[string]any{"retry_after": f.RetryAfter},
			})
			return
		}
		call.Err = http.StatusText(f.Status)
		s.record(call)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%[1]d %[2]s</h1></center><hr><center>nginx</center></body></html>\n", f.Status, call.Err)
		return
	}

	result, err := s.result(r.Context(), call)
	if err != nil {
		call.Err = "Bad Request: " + err.Error()
		s.record(call)
		reply(w, http.StatusBadRequest, map[string]any{"ok": false, "error_code": 400, "description": call.Err})
		return
	}
	if msg, ok := result.(map[string]any); ok {
		call.MessageID, _ = msg["message_id"].(int)
	}
	if method != "getUpdates" {
		s.record(call)
	}
	reply(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

func (s *Server) result(ctx context.Context, c Call) (any, error) {
	p := c.Params
	switch c.Method {
	case "getMe":
		return s.Bot, nil
	case "getUpdates":
		return s.poll(ctx, p), nil
	case "sendMessage":
		if err := CheckText(p.Get("text"), p.Get("parse_mode")); err != nil {
			return nil, err
		}
		msg := s.message(p.Get("chat_id"), map[string]any{"text": p.Get("text")})
		s.setContent(msg["message_id"].(int), p)
		return msg, nil
	case "editMessageText":
		if err := CheckText(p.Get("text"), p.Get("parse_mode")); err != nil {
			return nil, err
		}
		if p.Get("inline_message_id") != "" {
			return true, nil
		}
		id, _ := strconv.Atoi(p.Get("message_id"))
		s.mu.Lock()
		old, ok := s.content[id]
		s.mu.Unlock()
		switch {
		case !ok:
			return nil, fmt.Errorf("message to edit not found")
		case old == p.Get("text")+"\x00"+p.Get("reply_markup"):
			return nil, fmt.Errorf("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
		}
		s.setContent(id, p)
		msg := s.message(p.Get("chat_id"), map[string]any{"text": p.Get("text")})
		msg["message_id"] = id
		return msg, nil
	case "sendDocument":
		if p.Get("caption") != "" {
			if _, err := parseHTML(p.Get("caption")); err != nil && strings.EqualFold(p.Get("parse_mode"), "HTML") {
				return nil, fmt.Errorf("can't parse caption entities: %w", err)
			}
		}
		return s.message(p.Get("chat_id"), map[string]any{"document": map[string]any{"file_id": "sent", "file_unique_id": "sent"}}), nil
	case "sendPoll":
		poll, err := s.newPoll(p)
		if err != nil {
			return nil, err
		}
		msg := s.message(p.Get("chat_id"), map[string]any{"poll": poll.json()})
		s.mu.Lock()
		poll.MessageID = msg["message_id"].(int)
		poll.ChatID = p.Get("chat_id")
		s.polls[poll.MessageID] = poll
		s.mu.Unlock()
		return msg, nil
	case "stopPoll":
		id, _ := strconv.Atoi(p.Get("message_id"))
		s.mu.Lock()
		defer s.mu.Unlock()
		poll, ok := s.polls[id]
		switch {
		case !ok || poll.ChatID != p.Get("chat_id"):
			return nil, fmt.Errorf("message with poll to stop not found")
		case poll.Closed:
			return nil, fmt.Errorf("poll has already been closed")
		}
		poll.Closed = true
		return poll.json(), nil
	case "getFile":
		s.mu.Lock()
		f, ok := s.files[p.Get("file_id")]
		s.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("wrong file_id or the file is temporarily unavailable")
		}
		return map[string]any{"file_id": p.Get("file_id"), "file_unique_id": "u" + p.Get("file_id"), "file_size": len(f.data), "file_path": f.path}, nil
	case "sendChatAction", "answerCallbackQuery", "answerInlineQuery", "setMyCommands",
		"setWebhook", "deleteWebhook", "deleteMessage":
		return true, nil
	default:
		return nil, fmt.Errorf("method %s is not faked", c.Method)
	}
}

// newPoll checks a sendPoll call as Telegram does: 1-300 characters of
// question, 2-10 options of 1-100 characters, a correct option for a quiz,
// an explanation of at most 200 characters.
func (s *Server) newPoll(p url.Values) (*Poll, error) {
	var options []string
	if err := json.Unmarshal([]byte(p.Get("options")), &options); err != nil {
		var objs []struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal([]byte(p.Get("options")), &objs); err != nil {
			return nil, fmt.Errorf("can't parse options JSON object")
		}
		for _, o := range objs {
			options = append(options, o.Text)
		}
	}
	q := p.Get("question")
	if n := len([]rune(q)); n == 0 || n > 300 {
		return nil, fmt.Errorf("poll question length must be between 1 and 300")
	}
	if len(options) < 2 || len(options) > 10 {
		return nil, fmt.Errorf("poll must have 2-10 options")
	}
	for _, o := range options {
		if n := len([]rune(o)); n == 0 || n > 100 {
			return nil, fmt.Errorf("poll options length must not exceed 100")
		}
	}
	poll := &Poll{Question: q, Options: options, Type: p.Get("type"), Anonymous: p.Get("is_anonymous") != "false", Correct: -1,
		Explanation: p.Get("explanation")}
	if poll.Type == "" {
		poll.Type = "regular"
	}
	if poll.Type == "quiz" {
		c, err := strconv.Atoi(p.Get("correct_option_id"))
		if err != nil || c < 0 || c >= len(options) {
			return nil, fmt.Errorf("wrong correct option ID specified")
		}
		poll.Correct = c
		if len([]rune(poll.Explanation)) > 200 {
			return nil, fmt.Errorf("explanation is too long")
		}
	} else if p.Get("explanation") != "" {
		return nil, fmt.Errorf("explanation can be specified only in quizzes")
	}
	s.mu.Lock()
	s.nextPoll++
	poll.ID = "poll" + strconv.Itoa(s.nextPoll)
	s.mu.Unlock()
	return poll, nil
}

func (p *Poll) json() map[string]any {
	var opts []map[string]any
	for _, o := range p.Options {
		opts = append(opts, map[string]any{"text": o, "voter_count": 0})
	}
	m := map[string]any{"id": p.ID, "question": p.Question, "options": opts, "total_voter_count": 0,
		"is_closed": p.Closed, "is_anonymous": p.Anonymous, "type": p.Type, "allows_multiple_answers": false}
	if p.Correct >= 0 {
		m["correct_option_id"] = p.Correct
	}
	return m
}

// Polls returns the polls the bot sent to chat ("" for all), oldest first.
func (s *Server) Polls(chat string) []Poll {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Poll
	for _, p := range s.polls {
		if chat == "" || p.ChatID == chat {
			out = append(out, *p)
		}
	}
	slices.SortFunc(out, func(a, b Poll) int { return a.MessageID - b.MessageID })
	return out
}

// AnswerPoll queues the poll_answer update Telegram sends when user votes
// for options of a non-anonymous poll (none: the vote is retracted).
func (s *Server) AnswerPoll(user User, pollID string, options ...int) int {
	if options == nil {
		options = []int{}
	}
	return s.Push(map[string]any{"poll_answer": map[string]any{"poll_id": pollID, "user": user, "option_ids": options}})
}

func (s *Server) setContent(id int, p url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.content[id] = p.Get("text") + "\x00" + p.Get("reply_markup")
}

// message builds a Message result sent by the bot; s.mu must not be held.
func (s *Server) message(chatID string, fields map[string]any) map[string]any {
	s.mu.Lock()
	s.nextMsg++
	id := s.nextMsg
	s.mu.Unlock()
	chat, _ := strconv.ParseInt(chatID, 10, 64)
	msg := map[string]any{
		"message_id": id,
		"date":       time.Now().Unix(),
		"from":       s.Bot,
		"chat":       map[string]any{"id": chat, "type": "private"},
	}
	for k, v := range fields {
		msg[k] = v
	}
	return msg
}

// poll answers getUpdates: queued updates from offset on, waiting up to the
// request's timeout for one to arrive.
func (s *Server) poll(ctx context.Context, p url.Values) []json.RawMessage {
	offset, _ := strconv.Atoi(p.Get("offset"))
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		// Telegram forgets updates below the offset once it is confirmed.
		kept := s.updates[:0]
		var out []json.RawMessage
		for _, u := range s.updates {
			if u.id >= offset {
				kept = append(kept, u)
				out = append(out, u.raw)
			}
		}
		s.updates = kept
		ch := s.changed
		s.mu.Unlock()
		if len(out) > 0 || timeout == 0 {
			return out
		}
		select {
		case <-ch:
		case <-deadline.C:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("bot") != "bot"+s.Token {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	path := r.PathValue("path")
	s.record(Call{Method: "download", Params: url.Values{"path": {path}}})
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		if f.path == path {
			w.Write(f.data)
			return
		}
	}
	http.NotFound(w, r)
}

// readCall reads a request's parameters from the query, a urlencoded form
// or a multipart form, as the Bot API accepts all three.
func readCall(r *http.Request, method string) (Call, error) {
	c := Call{Method: method, Params: url.Values{}, Files: map[string][]byte{}}
	for k, v := range r.URL.Query() {
		c.Params[k] = v
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return c, fmt.Errorf("reading multipart form: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			c.Params[k] = v
		}
		for field, headers := range r.MultipartForm.File {
			f, err := headers[0].Open()
			if err != nil {
				return c, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return c, err
			}
			c.Files[field] = data
			c.Params.Set(field+"_name", headers[0].Filename)
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return c, fmt.Errorf("reading form: %w", err)
		}
		for k, v := range r.PostForm {
			c.Params[k] = v
		}
	case "application/json":
		var fields map[string]any
		if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
			return c, fmt.Errorf("reading JSON: %w", err)
		}
		for k, v := range fields {
			if s, ok := v.(string); ok {
				c.Params.Set(k, s)
				continue
			}
			raw, _ := json.Marshal(v)
			c.Params.Set(k, string(raw))
		}
	}
	return c, nil
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// Decode unmarshals a JSON-valued parameter (reply_markup, results,
// commands) into v.
func (c Call) Decode(param string, v any) error {
	raw := c.Params.Get(param)
	if raw == "" {
		return fmt.Errorf("call %s has no %s", c.Method, param)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("decoding %s of %s: %w", param, c.Method, err)
	}
	return nil
}

// String shows a call compactly in test failures.
func (c Call) String() string {
	var b strings.Builder
	b.WriteString(c.Method)
	for k, v := range c.Params {
		fmt.Fprintf(&b, " %s=%q", k, strings.Join(v, ","))
	}
	return b.String()
}
