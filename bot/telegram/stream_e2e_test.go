package telegram

// Streamed LLM answers end to end: a fake OpenAI-compatible server streams
// through the real go-openai client, composer, engine and core, and the
// fake Bot API records every message and edit a user would have seen.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atazan/bot/bottest"
	"atazan/config"
	"atazan/rag/answer"
	"atazan/rag/llm"
)

// streamingLLM streams reply, with every "%s" replaced by the id of the
// first passage it was given, in pieces of a few runes. endless repeats
// it until the client hangs up.
type streamingLLM struct {
	reply   string
	endless bool
}

var passageID = regexp.MustCompile(`<passage id="([^"]+)"`)

func (f streamingLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Messages []llm.Message `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := "none"
	if m := passageID.FindStringSubmatch(req.Messages[len(req.Messages)-1].Content); m != nil {
		id = m[1]
	}
	rs := []rune(strings.ReplaceAll(f.reply, "%s", id))
	w.Header().Set("Content-Type", "text/event-stream")
	for r.Context().Err() == nil {
		for i := 0; i < len(rs) && r.Context().Err() == nil; i += 5 {
			b, _ := json.Marshal(string(rs[i:min(i+5, len(rs))]))
			fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%s}}]}\n\n", b)
			w.(http.Flusher).Flush()
		}
		if !f.endless {
			fmt.Fprint(w, "data: [DONE]\n\n")
			return
		}
	}
}

// startWithLLM runs the whole bot on the fixture corpus with an LLM.
func startWithLLM(t *testing.T, f streamingLLM) *harness {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	composer := answer.NewComposer(llm.NewClient(config.LLM{BaseURL: srv.URL, Model: "fake"}), answer.ComposerOptions{})
	core, _ := bottest.NewCore(t, filepath.Join("testdata", "corpus"), bottest.Options{RatePerMinute: 1000, Composer: composer})
	return start(t, core)
}

// shown lists every text chat was shown, in order: each send and each edit.
func (h *harness) shown(chat string) []string {
	var out []string
	for _, c := range h.srv.Calls("") {
		if c.Params.Get("chat_id") == chat && c.Err == "" && (c.Method == "sendMessage" || c.Method == "editMessageText") {
			out = append(out, c.Params.Get("text"))
		}
	}
	return out
}

func TestE2EStreamShowsOnlyCheckedSentences(t *testing.T) {
	const q = "С какого возраста можно голосовать на выборах?"
	tests := []struct {
		name   string
		llm    streamingLLM
		first  string // the first message, the push notification; "" = the final answer is the only one
		hidden []string
	}{
		{
			name: "good answer",
			llm: streamingLLM{reply: "Голосовать можно с восемнадцати лет [%s]. Так сказано в Конституции [%s]. " +
				"Это право есть у каждого гражданина [%s]. Вот и всё."},
			first:  "Голосовать можно с восемнадцати лет (ст. 3",
			hidden: []string{"[kz", "kz2026"},
		},
		{
			name:   "English",
			llm:    streamingLLM{reply: "The Constitution says you can vote at eighteen [%s]. Everyone has this right [%s]. That is all."},
			hidden: []string{"The Cons", "eighteen"},
		},
		{
			name:   "only invalid citations",
			llm:    streamingLLM{reply: "Голосовать можно с шестнадцати лет [kz2026:99]. Так решил Курултай [КЗ2026:98]. Об этом сказано в статье 97 [%s]. Вот и всё."},
			hidden: []string{"шестнадцати", "Курултай", "статье 97", "КЗ2026"},
		},
		{
			name: "runaway",
			llm: streamingLLM{endless: true, reply: "Голосовать можно с восемнадцати лет [%s], и это правило повторяется без конца, " +
				"потому что модель не умеет остановиться и пишет снова и снова. "},
			first:  "Голосовать можно с восемнадцати лет (ст. 3",
			hidden: []string{"[kz"},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startWithLLM(t, tt.llm)
			chat := int64(700 + i)
			h.srv.Push(message(40, chat, "private", chat, q))
			id := strconv.FormatInt(chat, 10)
			final := h.waitText(t, id, "Источники")

			all := h.shown(id)
			if tt.first == "" && len(all) != 1 {
				t.Errorf("shown %d texts, want only the final answer:\n%s", len(all), strings.Join(all, "\n---\n"))
			}
			if tt.first != "" && (len(all) < 2 || !strings.HasPrefix(all[0], tt.first) || !strings.HasSuffix(all[0], ".")) {
				t.Errorf("first message (the notification) = %q, want a whole cited sentence %q…", all, tt.first)
			}
			for _, text := range all {
				for _, bad := range tt.hidden {
					if strings.Contains(text, bad) {
						t.Errorf("shown %q:\n%s", bad, text)
					}
				}
			}
			if n := len(h.srv.Calls("sendMessage")); n != 1 {
				t.Errorf("%d messages sent, want one answer, edited", n)
			}
			if len([]rune(final.text)) > 4096 {
				t.Errorf("final answer is %d characters", len([]rune(final.text)))
			}
		})
	}
}
