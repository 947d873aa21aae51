package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"atazan/corpus"
)

// runCorpus dispatches "atazan corpus SUBCOMMAND".
func runCorpus(ctx context.Context, e *env) error {
	subs := []struct {
		name, usage string
		run         func(ctx context.Context, e *env, args []string) error
	}{
		{"list", "list                                   documents, versions, languages, article counts, status", corpusList},
		{"show", "show DOC ARTICLE [--lang kk|ru|en] [--point N]   print an article", corpusShow},
		{"import", "import FILE...|DIR --doc DOC [--lang kk|ru|en] [--dry-run]   validate, show the changes, activate", corpusImport},
		{"diff", "diff kz1995 kz2026 [--article N] [--width 100]   aligned articles side by side", corpusDiff},
		{"validate", "validate DIR|FILE... [--doc DOC] [--lang L]   check texts without importing", corpusValidate},
		{"rollback", "rollback DOC                           restore the version active before the current one", corpusRollback},
		{"fetch", "fetch [--doc DOC] [--lang kk|ru]       download the official texts from Әділет and import them", runCorpusFetch},
	}
	if len(e.args) == 0 || isHelp(e.args[0]) {
		fmt.Fprintln(e.stdout, "Usage: atazan corpus COMMAND\n\nCommands:")
		for _, s := range subs {
			fmt.Fprintf(e.stdout, "  %s\n", s.usage)
		}
		return nil
	}
	for _, s := range subs {
		if s.name != e.args[0] {
			continue
		}
		// list and rollback take no flags: "--help" must not be read as
		// an argument (rollback would try a document named "--help").
		if rest := e.args[1:]; len(rest) > 0 && isHelp(rest[0]) && (s.name == "list" || s.name == "rollback") {
			fmt.Fprintf(e.stdout, "Usage: %s corpus %s\n", e.program(), s.usage)
			return nil
		}
		return s.run(ctx, e, e.args[1:])
	}
	return fmt.Errorf("unknown corpus command %q (see atazan corpus help)", e.args[0])
}

// openCorpus opens the corpus store under the data dir. On first run, with
// an empty store, it imports the texts from the local source directory
// (ATAZAN_CORPUS_SRC) or, when there is none, fetches the official ones;
// it says on stderr what it did.
func openCorpus(ctx context.Context, e *env) (*corpus.Store, error) {
	store, err := openCorpusStore(ctx, e)
	if err != nil {
		return nil, err
	}
	if !store.Empty() {
		return store, nil
	}
	src := corpus.LocateSource(e.cfg.CorpusSrc)
	if src == "" {
		if err := fetchOfficial(ctx, e, store); err != nil {
			store.Close()
			return nil, err
		}
		return store, nil
	}
	fmt.Fprintf(e.stderr, "First run: importing the constitution texts from %s into %s.\n", src, store.Location())
	docs, err := store.ImportDir(ctx, src, "first run")
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("first-run import: %w", err)
	}
	for _, d := range docs {
		fmt.Fprintf(e.stderr, "  %s: %s\n", d.ID, describeTexts(d))
		e.log.Info("corpus imported", "doc", d.ID, "version", d.Version.ID, "source", src)
	}
	return store, nil
}

// openCorpusStore opens the corpus versions where the bot keeps its data:
// in PostgreSQL when a database URL is set, so that replicas share them,
// else in files under the data dir.
func openCorpusStore(ctx context.Context, e *env) (*corpus.Store, error) {
	if e.cfg.DatabaseURL == "" {
		return corpus.OpenStore(corpusDir(e))
	}
	db, err := sql.Open("pgx", e.cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("opening PostgreSQL for the corpus: %w", err)
	}
	store, err := corpus.OpenSQLStore(ctx, db, corpusDir(e))
	if err != nil {
		db.Close()
		return nil, err
	}
	return store, nil
}

func corpusList(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("corpus list takes no arguments")
	}
	store, err := openCorpus(ctx, e)
	if err != nil {
		return err
	}
	defer store.Close()
	now := time.Now()
	for _, meta := range corpus.Catalog() {
		d := store.Document(meta.ID)
		if d == nil {
			fmt.Fprintf(e.stdout, "%s  %s  [%s]  not imported\n\n", meta.ID, meta.Title[corpus.RU], meta.StatusAt(now))
			continue
		}
		versions, err := store.Versions(d.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s  %s  [%s]\n", d.ID, d.Title[corpus.RU], d.StatusAt(now))
		fmt.Fprintf(e.stdout, "  dates: %s\n", describeDates(d.Dates))
		fmt.Fprintf(e.stdout, "  active version %s, imported %s by %s; %d version(s) stored\n",
			d.Version.ID, d.Version.ImportedAt.Local().Format("2006-01-02 15:04"), d.Version.ImportedBy, len(versions))
		for _, lang := range d.Langs() {
			t := d.Texts[lang]
			official := "official"
			if !t.Official {
				official = "unofficial"
			}
			src := t.Source.File
			if t.Source.URL != "" {
				src = t.Source.URL
			}
			fmt.Fprintf(e.stdout, "  %s: %d articles, %s, %s (sha256 %.12s)\n", lang, len(t.Articles()), official, src, t.Source.SHA256)
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

func corpusShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "corpus show", "DOC ARTICLE")
	lang := fs.String("lang", e.cfg.Bot.DefaultLang, "language: kk, ru or en")
	point := fs.String("point", "", "show only this point")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("usage: atazan corpus show DOC ARTICLE [--lang kk|ru|en] [--point N]")
	}
	store, err := openCorpus(ctx, e)
	if err != nil {
		return err
	}
	defer store.Close()
	t, err := textOf(store, pos[0], corpus.Lang(*lang))
	if err != nil {
		return err
	}
	a := t.Article(pos[1])
	if a == nil {
		return fmt.Errorf("%s has no article %q (%s)", pos[0], pos[1], articleRange(t))
	}
	ref := corpus.Ref{Doc: pos[0], Article: a.Number, Point: *point}
	if *point == "" {
		fmt.Fprintln(e.stdout, a.Render(t.Lang))
	} else {
		p := a.Point(*point)
		if p == nil {
			return fmt.Errorf("%s has no point %q", ref.Format(t.Lang), *point)
		}
		fmt.Fprintln(e.stdout, p.Render(t.Lang))
	}
	fmt.Fprintf(e.stdout, "— %s\n", ref.Format(t.Lang))
	return nil
}

func corpusImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "corpus import", "FILE...|DIR")
	doc := fs.String("doc", "", "document the files belong to: kz2026 or kz1995")
	lang := fs.String("lang", "", "language of a single file (default: from its name)")
	dry := fs.Bool("dry-run", false, "validate and show the changes, activate nothing")
	by := fs.String("by", "cli", "who imports, recorded with the version")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return errors.New("usage: atazan corpus import FILE...|DIR --doc kz2026|kz1995 [--lang kk|ru|en]")
	}
	store, err := openCorpusStore(ctx, e)
	if err != nil {
		return err
	}
	defer store.Close()
	byDoc, err := sourceFiles(paths, *doc, corpus.Lang(*lang))
	if err != nil {
		return err
	}
	var errs []error
	for _, meta := range corpus.Catalog() {
		files := byDoc[meta.ID]
		if len(files) == 0 {
			continue
		}
		if err := importDoc(ctx, e, store, meta.ID, files, *by, *dry); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// importDoc stages, reports and (unless dry) activates one document.
func importDoc(ctx context.Context, e *env, store *corpus.Store, doc string, files []corpus.SourceFile, by string, dry bool) error {
	st, err := store.Stage(ctx, corpus.StageRequest{Doc: doc, Files: files, By: by})
	var ve *corpus.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Fprintf(e.stderr, "%s: %s\n", p.Severity, p)
		}
		return fmt.Errorf("%s: not imported, nothing changed: the text has the errors listed above", doc)
	}
	if err != nil {
		return fmt.Errorf("%s: not imported, nothing changed: %w", doc, err)
	}
	for _, w := range st.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", doc, st.Diff.Summary(summaryLang(e)))
	if st.Diff.Empty() && sameSources(store.Document(doc), st.Doc) {
		fmt.Fprintf(e.stdout, "%s: these files are the active version already; nothing to do.\n", doc)
		return store.Discard(st.ID)
	}
	if dry {
		fmt.Fprintf(e.stdout, "%s: dry run, nothing activated.\n", doc)
		return store.Discard(st.ID)
	}
	d, err := store.Activate(ctx, st.ID, by)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: activated version %s — %s\n", doc, d.Version.ID, describeTexts(d))
	e.log.Info("corpus imported", "doc", doc, "version", d.Version.ID, "by", by)
	return nil
}

func corpusValidate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "corpus validate", "DIR|FILE...")
	doc := fs.String("doc", "", "document the files belong to: kz2026 or kz1995")
	lang := fs.String("lang", "", "language of a single file (default: from its name)")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return errors.New("usage: atazan corpus validate DIR|FILE... [--doc kz2026|kz1995] [--lang kk|ru|en]")
	}
	byDoc, err := sourceFiles(paths, *doc, corpus.Lang(*lang))
	if err != nil {
		return err
	}
	// Single files are checked against the other languages of the active
	// version when there is one, as an import would.
	var store *corpus.Store
	if st, err := openCorpusStore(ctx, e); err == nil {
		defer st.Close()
		store = st
	}
	failed := 0
	for _, meta := range corpus.Catalog() {
		files := byDoc[meta.ID]
		if len(files) == 0 {
			continue
		}
		var base *corpus.Document
		if store != nil {
			base = store.Document(meta.ID)
		}
		d, err := corpus.Assemble(meta.ID, files, base)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: %v\n", meta.ID, err)
			failed++
			continue
		}
		probs := corpus.Check(d)
		errs := 0
		for _, p := range probs {
			fmt.Fprintf(e.stdout, "%s: %s\n", p.Severity, p)
			if p.Severity == corpus.Error {
				errs++
			}
		}
		if errs > 0 {
			failed++
		}
		fmt.Fprintf(e.stdout, "%s: %s — %d error(s), %d warning(s)\n", meta.ID, describeTexts(d), errs, len(probs)-errs)
	}
	if failed > 0 {
		return fmt.Errorf("%d document(s) would be refused", failed)
	}
	return nil
}

func corpusRollback(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: atazan corpus rollback DOC")
	}
	store, err := openCorpusStore(ctx, e)
	if err != nil {
		return err
	}
	defer store.Close()
	d, err := store.Rollback(ctx, args[0], "cli")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: version %s (imported %s) is active again.\n", d.ID, d.Version.ID, d.Version.ImportedAt.Local().Format("2006-01-02 15:04"))
	return nil
}

func corpusDiff(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "corpus diff", "kz1995 kz2026")
	article := fs.String("article", "", "article of the second document to compare (default: the whole alignment table)")
	lang := fs.String("lang", e.cfg.Bot.DefaultLang, "language: kk or ru")
	width := fs.Int("width", 100, "line width of the side-by-side view")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] == pos[1] {
		return errors.New("usage: atazan corpus diff kz1995 kz2026 [--article N] [--lang kk|ru]")
	}
	store, err := openCorpus(ctx, e)
	if err != nil {
		return err
	}
	defer store.Close()
	left, err := textOf(store, pos[0], corpus.Lang(*lang))
	if err != nil {
		return err
	}
	right, err := textOf(store, pos[1], corpus.Lang(*lang))
	if err != nil {
		return err
	}
	counterparts := store.Alignment().Predecessors
	if pos[1] == "kz1995" {
		counterparts = store.Alignment().Successors
	}
	if *article == "" {
		for _, a := range right.Articles() {
			fmt.Fprintf(e.stdout, "%s %-6s ← %s %s\n", pos[1], a.Number, pos[0], listOr(counterparts(a.Number), "—"))
		}
		return nil
	}
	a := right.Article(*article)
	if a == nil {
		return fmt.Errorf("%s has no article %q (%s)", pos[1], *article, articleRange(right))
	}
	var olds []string
	for _, n := range counterparts(a.Number) {
		if o := left.Article(n); o != nil {
			olds = append(olds, o.Render(left.Lang))
		}
	}
	if len(olds) == 0 {
		olds = []string{"(no corresponding article)"}
	}
	sideBySide(e.stdout, pos[0], strings.Join(olds, "\n\n"), pos[1], a.Render(right.Lang), *width)
	return nil
}

// sideBySide prints two texts in two columns.
func sideBySide(w io.Writer, leftTitle, left, rightTitle, right string, width int) {
	col := max(20, (width-3)/2)
	l := append([]string{leftTitle, strings.Repeat("─", col)}, wrap(left, col)...)
	r := append([]string{rightTitle, strings.Repeat("─", col)}, wrap(right, col)...)
	for i := 0; i < max(len(l), len(r)); i++ {
		var a, b string
		if i < len(l) {
			a = l[i]
		}
		if i < len(r) {
			b = r[i]
		}
		fmt.Fprintf(w, "%s%s │ %s\n", a, strings.Repeat(" ", col-len([]rune(a))), b)
	}
}

// wrap breaks text into lines of at most width runes, at spaces.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case len([]rune(line))+1+len([]rune(word)) <= width:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
			for len([]rune(line)) > width {
				r := []rune(line)
				out = append(out, string(r[:width]))
				line = string(r[width:])
			}
		}
		out = append(out, line)
	}
	return out
}

// textOf returns a document's text in lang, or a clear error.
func textOf(store *corpus.Store, doc string, lang corpus.Lang) (*corpus.Text, error) {
	d := store.Document(doc)
	if d == nil {
		var ids []string
		for _, m := range corpus.Catalog() {
			ids = append(ids, m.ID)
		}
		return nil, fmt.Errorf("no document %q imported (known: %s)", doc, strings.Join(ids, ", "))
	}
	t := d.Texts[lang]
	if t == nil {
		return nil, fmt.Errorf("%s has no %q text (it has %s)", doc, lang, listOr(langStrings(d.Langs()), "none"))
	}
	return t, nil
}

// sourceFiles reads the files or directories named on the command line,
// grouped by document.
func sourceFiles(paths []string, doc string, lang corpus.Lang) (map[string][]corpus.SourceFile, error) {
	if lang != "" && len(paths) > 1 {
		return nil, errors.New("--lang names the language of a single file; with several files each name must say its language (…-kk.txt, …-ru.docx)")
	}
	out := map[string][]corpus.SourceFile{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			dirFiles, err := corpus.ReadSourceDir(p)
			if err != nil {
				return nil, err
			}
			for id, fs := range dirFiles {
				if doc == "" || doc == id {
					out[id] = append(out[id], fs...)
				}
			}
			continue
		}
		id := doc
		if id == "" {
			id = docFromName(p)
		}
		if id == "" {
			return nil, fmt.Errorf("%s: say which document it is with --doc kz2026 or --doc kz1995", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out[id] = append(out[id], corpus.SourceFile{Name: p, Lang: lang, Data: data})
	}
	return out, nil
}

// docFromName recognises "kz2026-kk.txt"-style names.
func docFromName(path string) string {
	base := strings.ToLower(filepath.Base(path))
	for _, m := range corpus.Catalog() {
		if strings.Contains(base, m.ID) {
			return m.ID
		}
	}
	return ""
}

// sameSources reports whether two versions come from byte-identical files.
func sameSources(a, b *corpus.Document) bool {
	if a == nil || b == nil || len(a.Texts) != len(b.Texts) {
		return false
	}
	for l, t := range a.Texts {
		if u := b.Texts[l]; u == nil || u.Source.SHA256 != t.Source.SHA256 {
			return false
		}
	}
	return true
}

func describeTexts(d *corpus.Document) string {
	var parts []string
	for _, l := range d.Langs() {
		parts = append(parts, fmt.Sprintf("%s %d articles", l, len(d.Texts[l].Articles())))
	}
	return strings.Join(parts, ", ")
}

func describeDates(d corpus.Dates) string {
	var parts []string
	for _, f := range []struct{ name, v string }{
		{"published", d.Published}, {"adopted", d.Adopted}, {"in force", d.InForce},
		{"last amended", d.LastAmended}, {"ceases", d.Ceases},
	} {
		if f.v != "" {
			parts = append(parts, f.name+" "+f.v)
		}
	}
	return strings.Join(parts, ", ")
}

func articleRange(t *corpus.Text) string {
	arts := t.Articles()
	if len(arts) == 0 {
		return "it has no articles"
	}
	return fmt.Sprintf("articles %s–%s", arts[0].Number, arts[len(arts)-1].Number)
}

func summaryLang(e *env) corpus.Lang {
	if l := corpus.Lang(e.cfg.Bot.DefaultLang); l == corpus.KK || l == corpus.EN {
		return l
	}
	return corpus.RU
}

func langStrings(ls []corpus.Lang) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l)
	}
	return out
}

func listOr(s []string, none string) string {
	if len(s) == 0 {
		return none
	}
	return strings.Join(s, ", ")
}

// newFlags makes a flag set that reports to stderr with a usage line.
func newFlags(e *env, name, positional string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: atazan %s %s [flags]\n", name, positional)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments ("show kz2026 17 --lang kk") and returns the latter.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
