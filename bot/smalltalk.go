package bot

import (
	"context"
	"strings"

	"atazan/corpus"
	"atazan/rag/textkit"
)

// chat is a kind of small talk: a message that is not a question, such as
// "сәлем" or "спасибо", which must get a friendly word and not a search of
// the Constitution (nor a follow-up to the previous answer).
type chat int

const (
	notChat    chat = iota
	chatAck         // "ок", "понятно", "👍"
	chatHello       // "сәлем", "привет"
	chatBye         // "сау бол", "пока"
	chatThanks      // "рақмет", "спасибо"
)

// chatWord is a word of small talk. Words are compared folded (textkit.Fold),
// so "салем", "сәлем" and "sálem" are one word; lang is "" when the word does
// not tell the language ("ок", "салам").
type chatWord struct {
	word string
	kind chat
	lang corpus.Lang
}

// chatWords are the words small talk is made of. Kinds of notChat are
// fillers: they may stand beside small talk ("добрый день", "рақмет сізге")
// but are not small talk alone.
var chatWords = []chatWord{
	{"сәлем", chatHello, corpus.KK}, {"сәлеметсіз", chatHello, corpus.KK}, {"сәлеметсіздер", chatHello, corpus.KK},
	{"армысыз", chatHello, corpus.KK}, {"армысың", chatHello, corpus.KK},
	{"ассалаумағалейкум", chatHello, corpus.KK}, {"ассалаумалейкум", chatHello, corpus.KK},
	{"қайырлы", chatHello, corpus.KK}, {"salemetsizbe", chatHello, corpus.KK},
	{"привет", chatHello, corpus.RU}, {"приветик", chatHello, corpus.RU}, {"здравствуйте", chatHello, corpus.RU},
	{"здравствуй", chatHello, corpus.RU}, {"здрасте", chatHello, corpus.RU}, {"добрый", chatHello, corpus.RU},
	{"доброе", chatHello, corpus.RU}, {"доброго", chatHello, corpus.RU},
	{"салам", chatHello, ""}, {"hi", chatHello, ""}, {"hello", chatHello, ""},

	{"рақмет", chatThanks, corpus.KK}, {"рахмет", chatThanks, corpus.KK},
	{"спасибо", chatThanks, corpus.RU}, {"спс", chatThanks, corpus.RU}, {"благодарю", chatThanks, corpus.RU},
	{"пасиб", chatThanks, corpus.RU}, {"пасибо", chatThanks, corpus.RU}, {"thanks", chatThanks, ""}, {"thx", chatThanks, ""},

	{"сау", chatBye, corpus.KK}, {"көріскенше", chatBye, corpus.KK}, {"кездескенше", chatBye, corpus.KK},
	{"пока", chatBye, corpus.RU}, {"свидания", chatBye, corpus.RU}, {"bye", chatBye, ""},

	{"жақсы", chatAck, corpus.KK}, {"жарайды", chatAck, corpus.KK}, {"түсінікті", chatAck, corpus.KK},
	{"түсіндім", chatAck, corpus.KK}, {"керемет", chatAck, corpus.KK},
	{"понятно", chatAck, corpus.RU}, {"ясно", chatAck, corpus.RU}, {"хорошо", chatAck, corpus.RU},
	{"ладно", chatAck, corpus.RU}, {"отлично", chatAck, corpus.RU}, {"понял", chatAck, corpus.RU},
	{"поняла", chatAck, corpus.RU}, {"класс", chatAck, corpus.RU}, {"супер", chatAck, corpus.RU},
	{"ок", chatAck, ""}, {"окей", chatAck, ""}, {"okay", chatAck, ""},

	{"күн", notChat, corpus.KK}, {"таң", notChat, corpus.KK}, {"кеш", notChat, corpus.KK},
	{"сізге", notChat, corpus.KK}, {"саған", notChat, corpus.KK}, {"көп", notChat, corpus.KK},
	{"үлкен", notChat, corpus.KK}, {"бол", notChat, corpus.KK}, {"болыңыз", notChat, corpus.KK},
	{"болыңыздар", notChat, corpus.KK}, {"бе", notChat, corpus.KK},
	{"день", notChat, corpus.RU}, {"утро", notChat, corpus.RU}, {"вечер", notChat, corpus.RU},
	{"дня", notChat, corpus.RU}, {"большое", notChat, corpus.RU}, {"огромное", notChat, corpus.RU},
	{"вам", notChat, corpus.RU}, {"тебе", notChat, corpus.RU}, {"до", notChat, corpus.RU},
	{"всё", notChat, corpus.RU}, {"все", notChat, corpus.RU}, {"бот", notChat, ""}, {"atazan", notChat, ""},
}

// chatEmoji are messages of one emoji that thank or agree.
const chatEmoji = "👍👌🙏❤🤝🙂😊👏🔥✅💯"

// smallTalk tells whether text is small talk, and which language its words
// are in ("" when they do not say). Only a short message made of small-talk
// words counts: "привет, что такое Курултай?" is a question.
func smallTalk(text string) (kind chat, lang corpus.Lang) {
	if len(text) > 120 { // four words at most, and a long message is read no further
		return notChat, ""
	}
	if isChatEmoji(text) {
		return chatAck, ""
	}
	words := textkit.Words(text)
	if len(words) == 0 || len(words) > 4 {
		return notChat, ""
	}
	for _, w := range words {
		cw, ok := lookupChatWord(w)
		if !ok {
			return notChat, ""
		}
		kind = max(kind, cw.kind)
		if lang == "" {
			lang = cw.lang
		}
	}
	return kind, lang
}

func lookupChatWord(w string) (chatWord, bool) {
	f := textkit.Fold(w)
	for _, cw := range chatWords {
		if textkit.Fold(cw.word) == f {
			return cw, true
		}
	}
	return chatWord{}, false
}

// isChatEmoji reports a message of one to three thanking or agreeing emoji.
func isChatEmoji(text string) bool {
	n := 0
	for _, r := range strings.TrimSpace(text) {
		switch {
		case r == '\uFE0F' || (r >= 0x1F3FB && r <= 0x1F3FF): // emoji presentation, skin tones
		case strings.ContainsRune(chatEmoji, r):
			n++
		default:
			return false
		}
	}
	return n > 0 && n <= 3
}

// replyChat answers small talk in the language of its words, else in the
// language the chat has been going on in.
func (c *Core) replyChat(ctx context.Context, in Incoming, out Responder, kind chat, lang corpus.Lang) error {
	if lang == "" {
		lang = c.chatLang(ctx, in)
	}
	t := textsFor(lang)
	var text string
	switch kind {
	case chatHello:
		text = t.hello
	case chatThanks:
		text = t.welcome
	case chatBye:
		text = t.bye
	default:
		text = t.ack
	}
	c.metrics.Answer("smalltalk")
	return c.say(ctx, in, out, text)
}
