package proposals

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"atazan/bot/store"
	"atazan/corpus"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		args                 string
		article, point, text string
		ok                   bool
	}{
		{"53", "53", "", "", true},
		{"53.2", "53", "2", "", true},
		{"53:2 Новая редакция", "53", "2", "Новая редакция", true},
		{"83-1 текст\nвторая строка", "83-1", "", "текст\nвторая строка", true},
		{"ст.17 текст", "17", "", "текст", true},
		{"17-бап", "17", "", "", true},
		{"  12,  x ", "12", "", "x", true},
		{"", "", "", "", false},
		{"пятьдесят три", "", "", "", false},
		{"5300", "", "", "", false},
	}
	for _, tc := range tests {
		a, p, text, ok := ParseTarget(tc.args)
		if a != tc.article || p != tc.point || text != tc.text || ok != tc.ok {
			t.Errorf("ParseTarget(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", tc.args, a, p, text, ok, tc.article, tc.point, tc.text, tc.ok)
		}
	}
}

func TestCheckText(t *testing.T) {
	var tooLong *TooLongError
	tests := []struct {
		in   string
		max  int
		want string
		err  any // nil, a sentinel error, or **TooLongError
	}{
		{"  Курултай принимает законы. \n", 100, "Курултай принимает законы.", nil},
		{"строка 1\nстрока 2\tс табом", 100, "строка 1\nстрока 2\tс табом", nil},
		{"   ", 100, "", ErrEmpty},
		{"bad \xff\xfe bytes", 100, "", ErrUnreadable},
		{"PK\x03\x04\x00\x00 binary", 100, "", ErrUnreadable},
		{strings.Repeat("ә", 11), 10, "", &tooLong},
		{strings.Repeat("ә", 10), 10, strings.Repeat("ә", 10), nil},
	}
	for _, tc := range tests {
		got, err := CheckText(tc.in, tc.max)
		switch want := tc.err.(type) {
		case nil:
			if err != nil || got != tc.want {
				t.Errorf("CheckText(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		case error:
			if !errors.Is(err, want) {
				t.Errorf("CheckText(%q) err = %v, want %v", tc.in, err, want)
			}
		case **TooLongError:
			if !errors.As(err, want) || (*want).Max != tc.max || (*want).Got != 11 {
				t.Errorf("CheckText(%q) err = %v, want too long", tc.in, err)
			}
		}
	}
}

func TestFillAndSkip(t *testing.T) {
	lim := Limits{MaxWording: 20, MaxJustification: 10}
	d := store.ProposalDraft{Step: string(StepWording)}
	if err := Fill(&d, strings.Repeat("x", 21), lim); err == nil || d.Step != string(StepWording) || d.Wording != "" {
		t.Fatalf("a too long wording moved the draft: %+v, %v", d, err)
	}
	if err := Fill(&d, " Новая редакция ", lim); err != nil || d.Wording != "Новая редакция" || d.Step != string(StepJustification) {
		t.Fatalf("after the wording: %+v, %v", d, err)
	}
	if err := Fill(&d, strings.Repeat("y", 11), lim); err == nil || d.Step != string(StepJustification) {
		t.Fatalf("a too long justification moved the draft: %+v, %v", d, err)
	}
	Skip(&d)
	if d.Step != string(StepPreview) || d.Justification != "" || Empty(d) {
		t.Fatalf("after skipping the justification: %+v", d)
	}
	if err := Fill(&d, "more", lim); err == nil {
		t.Error("a previewed draft took more text")
	}
	Skip(&d)
	if d.Step != string(StepPreview) {
		t.Errorf("skip past the preview: %+v", d)
	}
	e := store.ProposalDraft{Step: string(StepWording)}
	Skip(&e)
	Skip(&e)
	if !Empty(e) || e.Step != string(StepPreview) {
		t.Errorf("both steps skipped: %+v, want an empty draft at the preview", e)
	}
}

var verb = regexp.MustCompile(`%[a-z]`)

func TestTexts(t *testing.T) {
	if _, err := parseTexts([]byte("ru: {usage: x}\nkk: {usage: y}\n")); err == nil || !strings.Contains(err.Error(), "has no") {
		t.Errorf("texts with gaps: err = %v", err)
	}
	if _, err := parseTexts([]byte("ru: [")); err == nil {
		t.Error("broken YAML accepted")
	}
	// The two languages take the same placeholders, so that one fmt call
	// serves both.
	ru, kk := TextsFor(corpus.RU), TextsFor(corpus.KK)
	if ru == kk || TextsFor("en") != ru {
		t.Fatal("TextsFor does not pick the language")
	}
	rv, kv := reflect.ValueOf(ru).Elem(), reflect.ValueOf(kk).Elem()
	for i := range rv.NumField() {
		a, b := verb.FindAllString(rv.Field(i).String(), -1), verb.FindAllString(kv.Field(i).String(), -1)
		if strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%s: ru takes %v, kk takes %v", rv.Type().Field(i).Name, a, b)
		}
	}
}
