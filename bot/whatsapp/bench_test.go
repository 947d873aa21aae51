package whatsapp

import (
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"atazan/bot"
)

// BenchmarkRender formats a long cited answer (≈ 9,000 runes, split into
// three messages): the adapter's only CPU work per answer.
func BenchmarkRender(b *testing.B) {
	p := bot.Paragraph{{Text: strings.Repeat("Әркімнің өз құқықтарын қорғауға құқығы бар ", 60)}, {Text: "(13-бап, 1-тармақ)", Bold: true}, {Text: "."}}
	r := bot.Reply{Paragraphs: []bot.Paragraph{p, p, p, p}}
	for b.Loop() {
		if len(render(r, maxMessageRunes)) < 2 {
			b.Fatal("not split")
		}
	}
}

// BenchmarkIncoming translates a group message that mentions the bot: the
// work done on whatsmeow's receive loop before an answer is handed off.
func BenchmarkIncoming(b *testing.B) {
	evt := message(group, alice, &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
		Text:        proto.String("@77010000001 с какого возраста можно голосовать?"),
		ContextInfo: &waE2E.ContextInfo{MentionedJID: []string{botPN.String()}},
	}})
	for b.Loop() {
		if ignoreReason(evt, t0.Add(-1)) != "" {
			b.Fatal("ignored")
		}
		if in, ok := incoming(evt, me); !ok || !in.Mentioned {
			b.Fatal("not mentioned")
		}
	}
}
