package proposals

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"atazan/bot/store"
)

func TestSimilarity(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"punctuation and case", "Курултай принимает законы.", "курултай принимает законы!", true},
		{"inflected rewording",
			"Снизить возраст кандидата в депутаты Курултая до 21 года",
			"Предлагаю снизить возраст кандидатов в депутаты Курултая до 21 лет", true},
		{"word order", "Право на чистую воду и воздух", "право на чистый воздух и воду", true},
		{"Kazakh with Latin look-alikes", "Әркімнің білім алуға құқығы бар", "Әркімнің бiлiм алуға құқығы бар", true},
		{"Kazakh inflection", "Жастар кеңесінің құқықтарын кеңейту", "жастар кеңесі құқығын кеңейту керек", true},
		{"different ideas on one article", "Снизить возраст кандидата до 21 года", "Добавить право граждан на чистую питьевую воду", false},
		{"shared words only", "Курултай принимает законы", "Президент подписывает законы в течение месяца", false},
		{"Kazakh and Russian", "Жастар кеңесінің құқықтарын кеңейту", "Расширить права молодёжных советов", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Similarity(tc.a, tc.b)
			if got := s >= SameThreshold; got != tc.same {
				t.Errorf("Similarity(%q, %q) = %.2f; same = %v, want %v", tc.a, tc.b, s, got, tc.same)
			}
			if r := Similarity(tc.b, tc.a); r != s {
				t.Errorf("not symmetric: %.3f vs %.3f", s, r)
			}
		})
	}
}

func TestCluster(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	n := 0
	p := func(article, point, wording, justification string) store.Proposal {
		n++
		return store.Proposal{ID: fmt.Sprint("p", n), Doc: "kz2026", Article: article, Point: point,
			Wording: wording, Justification: justification, Created: t0.Add(time.Duration(n) * time.Minute)}
	}
	ps := []store.Proposal{
		p("3", "2", "Курултай принимает законы и утверждает бюджет страны.", ""),
		p("3", "2", "Курултай утверждает бюджет и принимает законы", "так понятнее"),
		p("3", "1", "Курултай принимает законы и утверждает бюджет страны.", ""), // same words, other point
		p("3", "2", "Отменить утверждение бюджета Курултаем совсем", ""),
		p("3", "2", "", "Нужно прописать сроки рассмотрения бюджета"), // a remark: its justification is its gist
		p("3", "2", "", "нужно прописать сроки рассмотрения бюджета!"),
		p("2", "2", "Курултай принимает законы и утверждает бюджет страны.", ""), // other article
	}
	var got [][]string
	for _, g := range Cluster(ps) {
		got = append(got, g.IDs())
	}
	want := [][]string{{"p1", "p2"}, {"p3"}, {"p4"}, {"p5", "p6"}, {"p7"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups = %v, want %v", got, want)
	}
	if len(Cluster(nil)) != 0 {
		t.Error("groups of nothing")
	}

	best, score, ok := Closest(ps[1], []store.Proposal{ps[3], ps[0]})
	if !ok || best.ID != "p1" || score < SameThreshold {
		t.Errorf("Closest = %s %.2f %v, want p1", best.ID, score, ok)
	}
	if _, _, ok := Closest(ps[1], nil); ok {
		t.Error("Closest of no candidates is ok")
	}
}
