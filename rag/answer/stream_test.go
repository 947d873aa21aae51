package answer

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"atazan/corpus"
)

// What a streamed answer shows must survive the final check: a reader
// never sees text that is then taken back.
func TestStreamShowsNothingTheCheckRejects(t *testing.T) {
	tests := []struct {
		name  string
		reply string
	}{
		{"English", "The Constitution of Kazakhstan prohibits the death penalty [kz2026:17:3]. Everyone has the right to life [kz2026:17:1]. It is protected."},
		{"only invalid citations", "Смертная казнь разрешена за измену [kz2026:99:1]. Так решил Курултай [kz2026:91:2]. Об этом сказано в законе."},
		{"invalid free-text article", "Смертная казнь разрешена по статье 99 [kz2026:17:3]. Так говорит Art. 96 [kz2026:17:1]. Вот и всё."},
		{"raw tokens only", "Смертная казнь разрешена [КЗ2026:99]. Так решил Курултай [kz2026:. Вот и всё."},
		{"uncited", "Смертная казнь в Казахстане запрещена. Это всем известно. Так и есть."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := composer(t, &fakeLLM{reply: tt.reply}, 0)
			var partials []string
			res, err := c.Compose(context.Background(), deathPenalty(t, corpus.RU), func(s string) { partials = append(partials, s) })
			if err != nil {
				t.Fatal(err)
			}
			if len(partials) > 0 {
				t.Errorf("shown while streaming: %q", partials)
			}
			if res.Mode != ModeExtractive {
				t.Errorf("mode = %s, body %q", res.Mode, res.Body)
			}
		})
	}
}

// A sentence that fails the check is skipped in the stream, as in the
// final answer, and the first thing shown is a whole cited sentence.
func TestStreamSkipsWhatTheCheckDrops(t *testing.T) {
	reply := "Нет. The Cons titution says so. Это решает статья 99 [kz2026:17:3]. " +
		"Смертная казнь в Казахстане запрещена [kz2026:17:3]. Пытки тоже [kz2026:99]. " +
		"У каждого есть право на жизнь [kz2026:17:1]. Вот."
	c, _ := composer(t, &fakeLLM{reply: reply}, 0)
	var partials []string
	res, err := c.Compose(context.Background(), deathPenalty(t, corpus.RU), func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	want := "Нет. Смертная казнь в Казахстане запрещена (ст. 17, п. 3). У каждого есть право на жизнь (ст. 17, п. 1). Вот."
	if res.Mode != ModeLLM || res.Body != want {
		t.Fatalf("result = %s %q", res.Mode, res.Body)
	}
	if len(partials) == 0 || partials[0] != "Нет. Смертная казнь в Казахстане запрещена (ст. 17, п. 3)." {
		t.Fatalf("first partial (the notification) = %q", partials)
	}
	for _, p := range partials {
		if !strings.HasPrefix(want, p) {
			t.Errorf("partial %q is not a beginning of the answer", p)
		}
	}
}

// A model that never stops is stopped at the length cap; what was shown
// stays, and the answer ends with a whole sentence.
func TestStreamStopsRunaway(t *testing.T) {
	tests := []struct{ name, reply, end string }{
		{"new sentences", "Смертная казнь запрещена [kz2026:17:3], и это правило номер %d для всех. ", "для всех."},
		{"one sentence again and again", "Смертная казнь в Казахстане запрещена [kz2026:17:3], и никто не может её вернуть. ", "вернуть."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := composer(t, &fakeLLM{reply: tt.reply, endless: true}, 0)
			// The fake streams until the client hangs up: without the cap,
			// only this deadline would end the answer.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var partials []string
			res, err := c.Compose(ctx, deathPenalty(t, corpus.RU), func(s string) { partials = append(partials, s) })
			if err != nil {
				t.Fatalf("the runaway was not stopped: %v", err)
			}
			tail := res.Body[max(0, len(res.Body)-40):]
			if res.Mode != ModeLLM || runeLen(res.Body) > maxBodyRunes || !strings.Contains(tail, tt.end) || !strings.HasSuffix(res.Body, ".") {
				t.Fatalf("result = %s, %d runes, ends %q", res.Mode, runeLen(res.Body), tail)
			}
			if len(partials) == 0 {
				t.Fatal("nothing shown while streaming")
			}
			for _, p := range partials {
				if runeLen(p) > maxBodyRunes || !strings.HasPrefix(res.Body, p) {
					t.Fatalf("partial of %d runes is not a beginning of the %d-rune answer", runeLen(p), runeLen(res.Body))
				}
			}
		})
	}

	// Not streamed, a long reply is cut at the cap too.
	long := strings.Repeat("Право на жизнь есть у каждого человека в стране [kz2026:17:1]. Смертная казнь запрещена [kz2026:17:3]. ", 100)
	for i := 0; strings.Contains(long, "стране ["); i++ {
		long = strings.Replace(long, "стране [", fmt.Sprintf("стране %d [", i), 1) // no two sentences alike
	}
	c, _ := composer(t, &fakeLLM{reply: long}, 0)
	res, _ := c.Compose(context.Background(), deathPenalty(t, corpus.RU), nil)
	if res.Mode != ModeLLM || runeLen(res.Body) > maxBodyRunes || runeLen(res.Body) < maxBodyRunes/2 {
		t.Errorf("not streamed: %s, %d runes", res.Mode, runeLen(res.Body))
	}
}

func TestStreamKazakh(t *testing.T) {
	reply := "Жоқ. Өлім жазасына тыйым салынған [kz2026:17:3]. Бұл туралы 99-бапта да жазылған [kz2026:17:1]. " +
		"Әркімнің өмір сүруге құқығы бар [kz2026:17:1]. Болды."
	c, _ := composer(t, &fakeLLM{reply: reply}, 0)
	var partials []string
	res, err := c.Compose(context.Background(), deathPenalty(t, corpus.KK), func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	want := "Жоқ. Өлім жазасына тыйым салынған (17-бап, 3-тармақ). Әркімнің өмір сүруге құқығы бар (17-бап, 1-тармақ). Болды."
	if res.Mode != ModeLLM || res.Body != want {
		t.Fatalf("result = %s %q", res.Mode, res.Body)
	}
	if len(partials) == 0 || partials[0] != "Жоқ. Өлім жазасына тыйым салынған (17-бап, 3-тармақ)." {
		t.Errorf("first partial = %q", partials)
	}
	for _, p := range partials {
		if strings.Contains(p, "99") || !strings.HasPrefix(want, p) {
			t.Errorf("partial %q", p)
		}
	}
}
