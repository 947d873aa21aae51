package telegram

import (
	"context"
	"log/slog"
	"testing"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func testAdapter() *Adapter {
	a := &Adapter{api: &tgbotapi.BotAPI{}, log: slog.New(slog.DiscardHandler)}
	a.self.Store(&tgbotapi.User{ID: 42, IsBot: true, UserName: "Atazan_Bot"})
	return a
}

// entity makes an entity over the first occurrence of sub in text, with
// offsets in UTF-16 units as Telegram sends them.
func entity(typ, text, sub string) tgbotapi.MessageEntity {
	units := utf16.Encode([]rune(text))
	subUnits := utf16.Encode([]rune(sub))
	for i := 0; i+len(subUnits) <= len(units); i++ {
		if string(utf16.Decode(units[i:i+len(subUnits)])) == sub {
			return tgbotapi.MessageEntity{Type: typ, Offset: i, Length: len(subUnits)}
		}
	}
	panic(sub + " not in " + text)
}

func TestAddressing(t *testing.T) {
	tests := []struct {
		name          string
		text          string
		entities      func(text string) []tgbotapi.MessageEntity
		want          string
		wantMentioned bool
		wantForUs     bool
	}{
		{
			name: "plain text", text: "Что такое Курултай?",
			want: "Что такое Курултай?", wantForUs: true,
		},
		{
			name: "mention after emoji is cut by UTF-16 offsets", text: "👋 @atazan_bot сколько лет президенту?",
			entities: func(s string) []tgbotapi.MessageEntity {
				return []tgbotapi.MessageEntity{entity("mention", s, "@atazan_bot")}
			},
			want: "👋 сколько лет президенту?", wantMentioned: true, wantForUs: true,
		},
		{
			name: "someone else's mention stays", text: "@aigerim спроси у бота",
			entities: func(s string) []tgbotapi.MessageEntity {
				return []tgbotapi.MessageEntity{entity("mention", s, "@aigerim")}
			},
			want: "@aigerim спроси у бота", wantForUs: true,
		},
		{
			name: "command addressed to us", text: "/article@Atazan_Bot 17",
			entities: func(s string) []tgbotapi.MessageEntity {
				return []tgbotapi.MessageEntity{entity("bot_command", s, "/article@Atazan_Bot")}
			},
			want: "/article 17", wantMentioned: true, wantForUs: true,
		},
		{
			name: "command addressed to another bot", text: "/start@other_bot",
			entities: func(s string) []tgbotapi.MessageEntity {
				return []tgbotapi.MessageEntity{entity("bot_command", s, "/start@other_bot")}
			},
			wantForUs: false,
		},
		{
			name: "bare command", text: "/help",
			entities: func(s string) []tgbotapi.MessageEntity {
				return []tgbotapi.MessageEntity{entity("bot_command", s, "/help")}
			},
			want: "/help", wantForUs: true,
		},
		{
			name: "entity out of range is ignored", text: "hi",
			entities: func(string) []tgbotapi.MessageEntity {
				return []tgbotapi.MessageEntity{{Type: "mention", Offset: 1, Length: 40}}
			},
			want: "hi", wantForUs: true,
		},
	}
	a := testAdapter()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ents []tgbotapi.MessageEntity
			if tt.entities != nil {
				ents = tt.entities(tt.text)
			}
			got, mentioned, forUs := a.addressing(tt.text, ents)
			if forUs != tt.wantForUs || (forUs && (got != tt.want || mentioned != tt.wantMentioned)) {
				t.Errorf("addressing(%q) = %q, %v, %v; want %q, %v, %v", tt.text, got, mentioned, forUs, tt.want, tt.wantMentioned, tt.wantForUs)
			}
		})
	}
}

func TestIncomingForwarded(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{"forward_origin user", `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":9,"type":"private"},"from":{"id":9,"first_name":"Vol"},
			"text":"Можно ли мне голосовать в 17?","forward_origin":{"type":"user","date":1,"sender_user":{"id":3,"first_name":"Айгерим","last_name":"К"}}}}`, "Айгерим К"},
		{"forward_origin hidden user", `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":9,"type":"private"},"from":{"id":9,"first_name":"Vol"},
			"text":"вопрос","forward_origin":{"type":"hidden_user","date":1,"sender_user_name":"Dana"}}}`, "Dana"},
		{"forward_origin channel", `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":9,"type":"private"},"from":{"id":9,"first_name":"Vol"},
			"text":"вопрос","forward_origin":{"type":"channel","date":1,"chat":{"id":-100,"type":"channel","title":"Новости"},"message_id":3}}}`, "Новости"},
		{"legacy forward_from", `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":9,"type":"private"},"from":{"id":9,"first_name":"Vol"},
			"text":"вопрос","forward_from":{"id":3,"first_name":"Ержан"},"forward_date":1}}`, "Ержан"},
	}
	a := testAdapter()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := decodeUpdate([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			in, ok := a.incoming(context.Background(), u)
			if !ok || !in.IsForwarded || in.ForwardedFrom != tt.want || in.Text == "" {
				t.Errorf("incoming = %+v, %v; want forwarded from %q", in, ok, tt.want)
			}
		})
	}
}

func TestIncomingSkips(t *testing.T) {
	tests := map[string]string{
		"service message": `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":-9,"type":"group"},"from":{"id":9,"first_name":"A"},"new_chat_title":"x"}}`,
		"another bot":     `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":-9,"type":"group"},"from":{"id":8,"is_bot":true,"first_name":"B"},"text":"hi"}}`,
		"our inline card": `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":-9,"type":"group"},"from":{"id":9,"first_name":"A"},"via_bot":{"id":42,"is_bot":true,"first_name":"Atazan"},"text":"ст. 17"}}`,
		"channel post":    `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":-9,"type":"channel"},"text":"hi"}}`,
	}
	a := testAdapter()
	for name, raw := range tests {
		t.Run(name, func(t *testing.T) {
			u, err := decodeUpdate([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			if in, ok := a.incoming(context.Background(), u); ok {
				t.Errorf("incoming = %+v, want skipped", in)
			}
		})
	}
}

func TestIncomingNonText(t *testing.T) {
	const head = `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":-9,"type":"supergroup"},"from":{"id":9,"first_name":"A","language_code":"kk"},
		"reply_to_message":{"message_id":4,"date":1,"chat":{"id":-9,"type":"supergroup"},"from":{"id":42,"is_bot":true,"first_name":"Atazan"},"text":"17-бап"},`
	tests := []struct {
		body     string
		nonText  string
		withFile bool
	}{
		{`"voice":{"file_id":"v","file_unique_id":"v","duration":3}}}`, "voice", false},
		{`"sticker":{"file_id":"s","file_unique_id":"s","width":1,"height":1}}}`, "sticker", false},
		{`"animation":{"file_id":"g","file_unique_id":"g","width":1,"height":1,"duration":1},"document":{"file_id":"g","file_unique_id":"g"}}}`, "animation", false},
		{`"document":{"file_id":"d","file_unique_id":"d","file_name":"kz2026-kk.docx","file_size":900}}}`, "document", true},
	}
	a := testAdapter()
	for _, tt := range tests {
		t.Run(tt.nonText, func(t *testing.T) {
			u, err := decodeUpdate([]byte(head + tt.body))
			if err != nil {
				t.Fatal(err)
			}
			in, ok := a.incoming(context.Background(), u)
			if !ok || in.NonText != tt.nonText || (in.File != nil) != tt.withFile {
				t.Fatalf("incoming = %+v, %v; want %s", in, ok, tt.nonText)
			}
			if !in.IsGroup || !in.ReplyToBot || in.ReplyTo != "17-бап" || in.LangHint != "kk" || in.UserID != "9" || in.ChatID != "-9" {
				t.Errorf("incoming = %+v", in)
			}
		})
	}
}

func TestDecodeUpdatesSkipsBadOnes(t *testing.T) {
	result := []byte(`[{"update_id":7,"message":{"message_id":"not a number"}},{"update_id":8,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"text":"ok"}}]`)
	updates, next := decodeUpdates(result, slog.New(slog.DiscardHandler))
	if next != 9 || len(updates) != 1 || updates[0].UpdateID != 8 {
		t.Errorf("decodeUpdates = %d updates, next %d; want the good one and next 9", len(updates), next)
	}
}
