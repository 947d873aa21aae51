// Package battle is the game behind /battle, the constitutional battle that
// youth centres, teachers and volunteers run in group chats: rounds of fact
// questions and debate statements from a bank kept as data, a round timer
// driven by the caller, and scores. It knows no messenger and sends nothing:
// the conversation core drives a Game and renders what it reports.
package battle

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"atazan/corpus"
)

//go:embed bank/*.yaml bank/reviewed.txt
var bankFS embed.FS

// Telegram's limits on polls: the bank is checked against them so that a
// question never fails to send.
const (
	MaxQuestion    = 300
	MaxOption      = 100
	MaxExplanation = 200
)

// Item is one question of the bank: a fact question or a debate statement.
type Item struct {
	ID   string `yaml:"id"`
	Kind Kind   `yaml:"-"`
	// Refs are the points that settle the item, "46.2" (article 46, point 2)
	// or "38" (an article without points).
	Refs []string `yaml:"refs"`
	// Answer is the index of the correct option of a fact question.
	Answer int   `yaml:"answer"`
	RU     Local `yaml:"ru"`
	KK     Local `yaml:"kk"`
}

// Local is an item in one language.
type Local struct {
	// Q is the question, or the statement of a debate.
	Q       string   `yaml:"q"`
	Options []string `yaml:"options"`
	// Key are the words (or word stems) of the answer that the cited text
	// must contain; for fact questions without Key, the words of the
	// correct option are the key.
	Key []string `yaml:"key"`
}

// Kind tells fact questions from debate statements.
type Kind string

// The two kinds of round.
const (
	Fact   Kind = "fact"
	Debate Kind = "debate"
)

// In returns the item in lang (Russian for anything but Kazakh).
func (it *Item) In(lang corpus.Lang) Local {
	if lang == corpus.KK {
		return it.KK
	}
	return it.RU
}

// CorpusRefs are the item's references to the 2026 Constitution.
func (it *Item) CorpusRefs() []corpus.Ref {
	out := make([]corpus.Ref, len(it.Refs))
	for i, r := range it.Refs {
		a, p, _ := strings.Cut(r, ".")
		out[i] = corpus.Ref{Doc: Doc, Article: a, Point: p}
	}
	return out
}

// Doc is the document the bank is about.
const Doc = "kz2026"

// Topic narrows a game to one section of the Constitution: "/battle kurultai".
type Topic struct {
	Name    string   `yaml:"name"`
	Section string   `yaml:"section"` // the section number as the corpus has it: "IV"
	Aliases []string `yaml:"aliases"`
	RU      string   `yaml:"ru"`
	KK      string   `yaml:"kk"`
}

// Bank is the set of questions games draw from.
type Bank struct {
	Items  []*Item
	Topics []Topic
	// Reviewed are, per item, the fingerprints of the cited text the item
	// was written and checked against (reviewed.txt). When the text
	// changes, the item is set aside until an admin approves it again.
	Reviewed map[string][]string
}

// ReviewedFile lists "<item id> <fingerprint>" lines, one per reviewed text.
const ReviewedFile = "reviewed.txt"

// ErrChanged sets aside an item whose cited text changed since review.
var ErrChanged = errors.New("the cited text changed since the item was reviewed")

// file is one YAML file of the bank.
type file struct {
	Facts   []*Item `yaml:"facts"`
	Debates []*Item `yaml:"debates"`
	Topics  []Topic `yaml:"topics"`
}

// Default is the bank embedded in the binary (bank/*.yaml).
func Default() (*Bank, error) {
	sub, err := fs.Sub(bankFS, "bank")
	if err != nil {
		return nil, fmt.Errorf("opening the embedded battle bank: %w", err)
	}
	return Load(sub)
}

// Load reads every *.yaml file at the top of fsys and checks that the
// items are well formed (not yet against the corpus: see Check).
func Load(fsys fs.FS) (*Bank, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("listing the battle bank: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("the battle bank has no .yaml files")
	}
	b := &Bank{}
	seen := map[string]bool{}
	var problems []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("reading the battle bank: %w", err)
		}
		var f file
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("battle bank %s: %w", path.Base(name), err)
		}
		for _, it := range f.Facts {
			it.Kind = Fact
		}
		for _, it := range f.Debates {
			it.Kind = Debate
		}
		for _, it := range slices.Concat(f.Facts, f.Debates) {
			if seen[it.ID] {
				problems = append(problems, fmt.Errorf("%s: item %q appears twice", name, it.ID))
				continue
			}
			seen[it.ID] = true
			if err := it.wellFormed(); err != nil {
				problems = append(problems, fmt.Errorf("%s: %w", name, err))
				continue
			}
			b.Items = append(b.Items, it)
		}
		b.Topics = append(b.Topics, f.Topics...)
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	b.Reviewed = map[string][]string{}
	data, err := fs.ReadFile(fsys, ReviewedFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the battle bank: %w", err)
	}
	for n, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, fp, ok := strings.Cut(line, " ")
		if !ok || !seen[id] {
			return nil, fmt.Errorf("%s:%d: want \"<item id> <fingerprint>\" of a known item, got %q", ReviewedFile, n+1, line)
		}
		b.Reviewed[id] = append(b.Reviewed[id], strings.TrimSpace(fp))
	}
	return b, nil
}

// wellFormed checks what can be checked without the corpus.
func (it *Item) wellFormed() error {
	if it.ID == "" {
		return fmt.Errorf("an item has no id")
	}
	if len(it.Refs) == 0 {
		return fmt.Errorf("%s: no refs", it.ID)
	}
	for _, lang := range []corpus.Lang{corpus.RU, corpus.KK} {
		l := it.In(lang)
		switch {
		case strings.TrimSpace(l.Q) == "":
			return fmt.Errorf("%s (%s): no question", it.ID, lang)
		case utf8.RuneCountInString(l.Q) > MaxQuestion:
			return fmt.Errorf("%s (%s): question longer than %d characters", it.ID, lang, MaxQuestion)
		}
		if it.Kind == Debate {
			if len(l.Options) > 0 {
				return fmt.Errorf("%s (%s): a debate statement has no options", it.ID, lang)
			}
			if len(l.Key) == 0 {
				return fmt.Errorf("%s (%s): a debate statement needs key words from the cited text", it.ID, lang)
			}
			continue
		}
		if n := len(l.Options); n < 3 || n > 4 {
			return fmt.Errorf("%s (%s): %d options, want 3 or 4", it.ID, lang, n)
		}
		if it.Answer < 0 || it.Answer >= len(l.Options) {
			return fmt.Errorf("%s (%s): answer %d is not an option", it.ID, lang, it.Answer)
		}
		for _, o := range l.Options {
			if o == "" || utf8.RuneCountInString(o) > MaxOption {
				return fmt.Errorf("%s (%s): option %q is empty or longer than %d characters", it.ID, lang, o, MaxOption)
			}
		}
	}
	if it.Kind == Fact && len(it.RU.Options) != len(it.KK.Options) {
		return fmt.Errorf("%s: ru and kk have different numbers of options", it.ID)
	}
	return nil
}

// Check compares an item with the text of the Constitution: every cited
// article and point must exist in both languages, and the key words of the
// answer must appear in the cited text. A nil error means the item may be
// played on this text.
func (it *Item) Check(doc *corpus.Document) error {
	if doc == nil {
		return errors.New("no corpus")
	}
	for _, lang := range []corpus.Lang{corpus.RU, corpus.KK} {
		text := doc.Texts[lang]
		if text == nil {
			return fmt.Errorf("the corpus has no %s text", lang)
		}
		var cited strings.Builder
		for _, ref := range it.CorpusRefs() {
			s, err := PointText(text, ref)
			if err != nil {
				return fmt.Errorf("%s (%s): %w", it.ID, lang, err)
			}
			cited.WriteString(s)
			cited.WriteByte('\n')
		}
		hay := fold(cited.String())
		for _, k := range it.keys(lang) {
			if !strings.Contains(hay, fold(k)) {
				return fmt.Errorf("%s (%s): %q is not in %s", it.ID, lang, k, refList(it.CorpusRefs(), lang))
			}
		}
	}
	return nil
}

// keys are the words the cited text must contain in lang.
func (it *Item) keys(lang corpus.Lang) []string {
	l := it.In(lang)
	if len(l.Key) > 0 || it.Kind == Debate {
		return l.Key
	}
	var out []string
	for _, w := range strings.FieldsFunc(l.Options[it.Answer], func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}) {
		r := []rune(w)
		switch {
		case len(r) < 4:
			continue
		case len(r) > 5:
			r = r[:len(r)-2] // a stem: "Астана" → "Аста", so "Астаны" matches too
		}
		out = append(out, string(r))
	}
	return out
}

// PointText is the text of an article (its lead and points) or of one point
// with its sub-points.
func PointText(text *corpus.Text, ref corpus.Ref) (string, error) {
	art := text.Article(ref.Article)
	if art == nil {
		return "", fmt.Errorf("article %s does not exist", ref.Article)
	}
	if art.Repealed {
		return "", fmt.Errorf("article %s is repealed", ref.Article)
	}
	var b strings.Builder
	write := func(p corpus.Point) {
		b.WriteString(p.Text)
		for _, it := range p.Items {
			b.WriteString("\n" + it.Number + ") " + it.Text)
		}
	}
	if ref.Point == "" {
		b.WriteString(art.Lead)
		for _, p := range art.Points {
			b.WriteByte('\n')
			write(p)
		}
		return strings.TrimSpace(b.String()), nil
	}
	p := art.Point(ref.Point)
	if p == nil {
		return "", fmt.Errorf("article %s has no point %s", ref.Article, ref.Point)
	}
	if p.Repealed {
		return "", fmt.Errorf("article %s, point %s is repealed", ref.Article, ref.Point)
	}
	write(*p)
	return b.String(), nil
}

// fold makes text comparable: lower case, Kazakh look-alike letters fixed,
// ё as е, and every dash a hyphen.
func fold(s string) string {
	s = strings.ToLower(corpus.NormalizeKazakh(s))
	return strings.NewReplacer("ё", "е", "–", "-", "—", "-", "\u00a0", " ").Replace(s)
}

func refList(refs []corpus.Ref, lang corpus.Lang) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = r.Format(lang)
	}
	return strings.Join(parts, "; ")
}

// Fingerprint identifies the cited text of the item in doc, both
// languages: it changes when any cited point does.
func (it *Item) Fingerprint(doc *corpus.Document) string {
	h := sha256.New()
	for _, lang := range []corpus.Lang{corpus.RU, corpus.KK} {
		text := doc.Texts[lang]
		if text == nil {
			continue
		}
		for _, ref := range it.CorpusRefs() {
			s, _ := PointText(text, ref)
			h.Write([]byte(ref.String() + "\x00" + fold(s) + "\x00"))
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Playable returns the items that may be played on doc: they pass Check,
// and their cited text is the one they were reviewed against (in the bank,
// or as approved by an admin since: approved maps item ids to
// fingerprints). The others come back with the reason each is set aside.
func (b *Bank) Playable(doc *corpus.Document, approved map[string]string) (ok []*Item, aside map[string]error) {
	aside = map[string]error{}
	for _, it := range b.Items {
		if err := it.Check(doc); err != nil {
			aside[it.ID] = err
			continue
		}
		fp := it.Fingerprint(doc)
		if !slices.Contains(b.Reviewed[it.ID], fp) && approved[it.ID] != fp {
			aside[it.ID] = fmt.Errorf("%s (%s): %w", it.ID, refList(it.CorpusRefs(), corpus.RU), ErrChanged)
			continue
		}
		ok = append(ok, it)
	}
	return ok, aside
}

// Topic finds a topic by name or alias, case-insensitively.
func (b *Bank) Topic(name string) (Topic, bool) {
	name = fold(strings.TrimSpace(name))
	for _, t := range b.Topics {
		if fold(t.Name) == name || slices.ContainsFunc(t.Aliases, func(a string) bool { return fold(a) == name }) {
			return t, true
		}
	}
	return Topic{}, false
}

// InTopic reports whether the item's first reference lies in the topic's
// section of text.
func (it *Item) InTopic(t Topic, text *corpus.Text) bool {
	if t.Section == "" {
		return true
	}
	sec := text.SectionOf(it.CorpusRefs()[0].Article)
	return sec != nil && sec.Number == t.Section
}
