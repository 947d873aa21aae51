package bank

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"atazan/internal/testsupport"
	"atazan/rag/textkit"
)

func TestDefaultBankCoversEveryArticle(t *testing.T) {
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	ru, kk, latn := map[string]int{}, map[string]int{}, map[string]int{}
	off := 0
	for _, it := range b.Items {
		if it.OffTopic() {
			off++
			continue
		}
		g := it.Gold[0]
		if g.Doc != "kz2026" {
			continue
		}
		switch it.Lang {
		case "ru":
			ru[g.Article]++
		case "kk":
			kk[g.Article]++
		case "kk-latn":
			kk[g.Article]++
			latn[g.Article]++
		}
	}
	for a := 1; a <= 96; a++ {
		n := strconv.Itoa(a)
		if ru[n] < 20 || kk[n] < 20 || latn[n] < 3 {
			t.Errorf("article %d: %d Russian, %d Kazakh (%d Latin) questions; want ≥ 20, ≥ 20 (≥ 3)", a, ru[n], kk[n], latn[n])
		}
	}
	if off < 1000 {
		t.Errorf("%d off-topic lines, want ≥ 1000", off)
	}
}

// wordSet is a question's folded words, the measure of near-duplicates:
// "сколько лет президенту?" and "сколько лет президенту" are one question.
func wordSet(q string) []string {
	var ws []string
	for _, w := range textkit.Words(q) {
		ws = append(ws, textkit.Fold(w))
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// jaccard of two sorted sets.
func jaccard(a, b []string) float64 {
	i, j, both := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch strings.Compare(a[i], b[j]) {
		case 0:
			both++
			i++
			j++
		case -1:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - both
	if union == 0 {
		return 1
	}
	return float64(both) / float64(union)
}

// nearDuplicates finds, for each question of qs, the questions of the
// indexed sets sharing at least limit of their words, through an inverted
// index so that thousands of lines compare in milliseconds.
type nearIndex struct {
	sets     [][]string
	postings map[string][]int
}

func newNearIndex(qs []string) *nearIndex {
	x := &nearIndex{postings: map[string][]int{}}
	for i, q := range qs {
		s := wordSet(q)
		x.sets = append(x.sets, s)
		for _, w := range s {
			x.postings[w] = append(x.postings[w], i)
		}
	}
	return x
}

// near returns the indexed questions at least limit alike to q.
func (x *nearIndex) near(q string, limit float64) []int {
	s := wordSet(q)
	shared := map[int]int{}
	for _, w := range s {
		for _, i := range x.postings[w] {
			shared[i]++
		}
	}
	var out []int
	for i, n := range shared {
		if float64(n) < limit*float64(len(s)) {
			continue // cannot reach the limit
		}
		if jaccard(s, x.sets[i]) >= limit {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

// nearLimit is the share of words two lines may share before one is a
// near-copy of the other.
const nearLimit = 0.8

func TestBankHasNoNearDuplicates(t *testing.T) {
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	qs := make([]string, len(b.Items))
	for i, it := range b.Items {
		qs[i] = it.Q
	}
	x := newNearIndex(qs)
	bad := 0
	for i, q := range qs {
		for _, j := range x.near(q, nearLimit) {
			if j > i {
				bad++
				if bad <= 20 {
					t.Errorf("near-duplicates: %s %q ~ %s %q", b.Items[i].Source, q, b.Items[j].Source, qs[j])
				}
			}
		}
	}
	if bad > 20 {
		t.Errorf("… %d near-duplicate pairs in all", bad)
	}
}

// TestBankCopiesNoEvalLine keeps the development sets out of the bank: a
// bank line that is a near-copy of one of their questions would make their
// figures say nothing about new users.
func TestBankCopiesNoEvalLine(t *testing.T) {
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	qs := make([]string, len(b.Items))
	for i, it := range b.Items {
		qs[i] = it.Q
	}
	x := newNearIndex(qs)
	for _, name := range []string{"dev.jsonl", "dev2.jsonl"} {
		f, err := os.Open(testsupport.EvalSet(t, name))
		if err != nil {
			t.Fatal(err)
		}
		evalItems, err := readEvalQuestions(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range evalItems {
			for _, j := range x.near(q, nearLimit) {
				t.Errorf("%s copies a line of %s: %q ~ %q", b.Items[j].Source, name, qs[j], q)
			}
		}
	}
}

func TestReadRejectsBadLines(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"q":"","lang":"ru","gold":[{"doc":"kz2026","article":"1"}]}`, "no question"},
		{`{"q":"кто?","lang":"en","gold":[{"doc":"kz2026","article":"1"}]}`, "lang"},
		{`{"q":"погода","lang":"ru","gold":[]}`, "topic"},
		{`{"q":"кто?","lang":"ru","gold":[{"doc":"kz2026"}]}`, "doc and article"},
		{`{"q":"кто?","lang":"ru","gold":[],"topic":"x","extra":1}`, "unknown field"},
		{`not json`, "not a bank line"},
	}
	for _, tt := range tests {
		_, err := Open(fstest.MapFS{"a.jsonl": {Data: []byte(`{"q":"ok","lang":"ru","topic":"chatter","gold":[]}` + "\n" + tt.line + "\n")}})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "a.jsonl:2") {
			t.Errorf("%s: error %v, want one about %q at a.jsonl:2", tt.line, err, tt.want)
		}
	}
}

func TestSplitIsStratifiedAndStable(t *testing.T) {
	var b Bank
	for a := 1; a <= 3; a++ {
		for i := 0; i < 10; i++ {
			b.Items = append(b.Items, Item{Q: "вопрос " + strconv.Itoa(a) + " " + strconv.Itoa(i), Lang: "ru",
				Gold: []corpusRef{{Doc: "kz2026", Article: strconv.Itoa(a)}}})
		}
	}
	b.Items = append(b.Items, Item{Q: "одинокий", Lang: "ru", Gold: []corpusRef{{Doc: "kz2026", Article: "9"}}})
	train, val := b.Split(7, 0.2)
	if len(train.Items)+len(val.Items) != len(b.Items) {
		t.Fatalf("split lost lines: %d + %d of %d", len(train.Items), len(val.Items), len(b.Items))
	}
	per := map[string]int{}
	for _, it := range val.Items {
		per[it.Label()]++
	}
	for a := 1; a <= 3; a++ {
		if n := per["kz2026/"+strconv.Itoa(a)]; n != 2 {
			t.Errorf("article %d: %d validation questions, want 2", a, n)
		}
	}
	if per["kz2026/9"] != 0 {
		t.Error("a label with one question went to validation: training would never see it")
	}
	// A new line moves no other line between the parts.
	b2 := b
	b2.Items = append(slices.Clone(b.Items), Item{Q: "новый", Lang: "ru", Gold: []corpusRef{{Doc: "kz2026", Article: "1"}}})
	_, val2 := b2.Split(7, 0.2)
	again, _ := b.Split(7, 0.2)
	if !slices.EqualFunc(again.Items, train.Items, func(x, y Item) bool { return x.Q == y.Q }) {
		t.Error("the same bank and seed split differently")
	}
	moved := 0
	for _, it := range val.Items {
		if !slices.ContainsFunc(val2.Items, func(o Item) bool { return o.Q == it.Q }) {
			moved++
		}
	}
	if moved > 1 {
		t.Errorf("adding one line moved %d validation lines", moved)
	}
}
