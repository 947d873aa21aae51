// Package bank is the question bank: questions as young people, parents and
// volunteers write them, each labelled with the article of the Constitution
// that answers it, and off-topic messages labelled with their topic.
// Retrieval indexes the questions and the relevance model learns from them;
// the bank is data, so coverage grows by adding lines, not code.
package bank

import (
	"bufio"
	"embed"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
	"sync"

	"atazan/corpus"
)

//go:embed *.jsonl
var files embed.FS

// Item is one bank line: a question and the articles that answer it, or an
// off-topic message (no Gold) and its topic.
type Item struct {
	Q     string       `json:"q"`
	Lang  string       `json:"lang"` // ru, kk or kk-latn
	Style string       `json:"style,omitempty"`
	Topic string       `json:"topic,omitempty"`
	Gold  []corpus.Ref `json:"gold"`
	// Source is where the line came from ("offtopic.jsonl:12").
	Source string `json:"-"`
}

// OffTopic reports whether the Constitution does not answer the item.
func (it Item) OffTopic() bool { return len(it.Gold) == 0 }

// Label is the item's class: the first gold article ("kz2026/17") or the
// off-topic topic ("off/weather").
func (it Item) Label() string {
	if it.OffTopic() {
		return OffTopicPrefix + it.Topic
	}
	return it.Gold[0].Doc + "/" + it.Gold[0].Article
}

// OffTopicPrefix starts the label of an off-topic class.
const OffTopicPrefix = "off/"

// Bank is a set of items.
type Bank struct {
	Items []Item
}

// Default is the bank shipped with the binary.
func Default() (*Bank, error) {
	return Open(files)
}

// Open reads every *.jsonl file at the top of fsys.
func Open(fsys fs.FS) (*Bank, error) {
	names, err := fs.Glob(fsys, "*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("listing bank files: %w", err)
	}
	slices.Sort(names)
	// The files are parsed side by side: parsing the bank is a tenth of a
	// warm start.
	items := make([][]Item, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			f, err := fsys.Open(name)
			if err != nil {
				errs[i] = fmt.Errorf("opening bank file %s: %w", name, err)
				return
			}
			defer f.Close()
			items[i], errs[i] = Read(f, path.Base(name))
		})
	}
	wg.Wait()
	b := &Bank{}
	for i := range names {
		if errs[i] != nil {
			return nil, errs[i]
		}
		b.Items = append(b.Items, items[i]...)
	}
	return b, nil
}

// Read parses one bank file; name is used in errors and in Item.Source.
// A line without a question, a language or a label is an error with its
// line number: a bad line would teach the model something wrong.
func Read(r io.Reader, name string) ([]Item, error) {
	var out []Item
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		it, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("bank %s:%d: %w", name, n, err)
		}
		it.Source = fmt.Sprintf("%s:%d", name, n)
		out = append(out, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading bank %s: %w", name, err)
	}
	return out, nil
}

var langs = []string{"ru", "kk", "kk-latn"}

// Hash is a fingerprint of the bank's content: a model trained on it is
// cached under this name and retrained when a line changes.
func (b *Bank) Hash() uint64 {
	h := fnv.New64a()
	for _, it := range b.Items {
		io.WriteString(h, it.Label())
		for _, g := range it.Gold {
			io.WriteString(h, "|"+g.String())
		}
		io.WriteString(h, "\x00"+it.Lang+"\x00"+it.Q+"\n")
	}
	return h.Sum64()
}

// Split divides the bank into a training and a validation part with a
// fixed seed, stratified by label: every article keeps share of its
// questions for validation (at least one of every label with five or more),
// chosen by a hash of the seed and the question, so the split does not
// depend on the order of the files and a new line moves no other line.
func (b *Bank) Split(seed uint64, share float64) (train, val *Bank) {
	groups := map[string][]int{}
	for i, it := range b.Items {
		groups[it.Label()] = append(groups[it.Label()], i)
	}
	inVal := make([]bool, len(b.Items))
	for _, idx := range groups {
		if len(idx) < 5 {
			continue
		}
		slices.SortFunc(idx, func(x, y int) int {
			return cmpUint(splitKey(seed, b.Items[x].Q), splitKey(seed, b.Items[y].Q))
		})
		n := max(1, int(math.Round(share*float64(len(idx)))))
		for _, i := range idx[:n] {
			inVal[i] = true
		}
	}
	train, val = &Bank{}, &Bank{}
	for i, it := range b.Items {
		if inVal[i] {
			val.Items = append(val.Items, it)
		} else {
			train.Items = append(train.Items, it)
		}
	}
	return train, val
}

func splitKey(seed uint64, q string) uint64 {
	h := fnv.New64a()
	var s [8]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	h.Write(s[:])
	io.WriteString(h, q)
	return h.Sum64()
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
