package rag

import (
	"bufio"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"atazan/rag/bank"
	"atazan/rag/textkit"
)

// bankAnalysis is every bank line analysed once: its search keys (for the
// bank's BM25) and its features (for the model and the bank's vectors).
// Analysing seven thousand lines is most of a warm start, so it is cached
// beside the model, under the bank's hash and the analysis' fingerprint.
type bankAnalysis struct {
	Terms    [][]string
	Features [][]uint32
}

func analyseBank(b *bank.Bank) *bankAnalysis {
	a := &bankAnalysis{Terms: make([][]string, len(b.Items)), Features: make([][]uint32, len(b.Items))}
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(b.Items); i += workers {
				it := b.Items[i]
				a.Terms[i] = textkit.Terms(it.Q, bankLang(it))
				a.Features[i] = textFeatures(it.Q, bankLang(it))
			}
		})
	}
	wg.Wait()
	return a
}

// analysisFingerprint changes whenever textkit's folding, stemming, stop
// words or the features change: caches built by another analysis are
// then rebuilt, not silently mixed.
func analysisFingerprint() uint32 {
	h := fnv.New32a()
	for _, lang := range []textkit.Lang{textkit.Russian, textkit.Kazakh} {
		for _, t := range textkit.Terms(fingerprintText, lang) {
			h.Write([]byte(t + "\x00"))
		}
		for _, f := range textFeatures(fingerprintText, lang) {
			binary.Write(h, binary.LittleEndian, f)
		}
	}
	return h.Sum32()
}

// loadBankAnalysis reads the cached analysis of the bank from dir, or
// analyses it and caches it there (a failure to cache is only logged).
func loadBankAnalysis(dir string, b *bank.Bank, log *slog.Logger) *bankAnalysis {
	path := filepath.Join(dir, fmt.Sprintf("bank-%016x-%08x.gob", b.Hash(), analysisFingerprint()))
	if f, err := os.Open(path); err == nil {
		var a bankAnalysis
		err := gob.NewDecoder(bufio.NewReader(f)).Decode(&a)
		f.Close()
		if err == nil && len(a.Terms) == len(b.Items) && len(a.Features) == len(b.Items) {
			return &a
		}
		log.Warn("cached bank analysis unreadable; analysing again", "path", path, "err", err)
	}
	a := analyseBank(b)
	if err := writeCache(dir, path, "bank-*.gob", func(w *bufio.Writer) error { return gob.NewEncoder(w).Encode(a) }); err != nil {
		log.Warn("caching the bank analysis", "err", err)
	}
	return a
}

// writeCache writes a cache file atomically and removes the older files of
// its kind (pattern), which a changed bank or analysis left behind.
func writeCache(dir, path, pattern string, write func(*bufio.Writer) error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, pattern))
	tmp, err := os.CreateTemp(dir, ".cache-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := write(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	for _, o := range old {
		if o != path {
			os.Remove(o)
		}
	}
	return nil
}

// subset returns the analysis of part, a subset of b's lines (a split),
// without analysing them again.
func (a *bankAnalysis) subset(b, part *bank.Bank) *bankAnalysis {
	key := func(it bank.Item) string { return it.Label() + "\x00" + it.Lang + "\x00" + it.Q }
	at := make(map[string]int, len(b.Items))
	for i, it := range b.Items {
		at[key(it)] = i
	}
	out := &bankAnalysis{Terms: make([][]string, len(part.Items)), Features: make([][]uint32, len(part.Items))}
	for i, it := range part.Items {
		if j, ok := at[key(it)]; ok {
			out.Terms[i], out.Features[i] = a.Terms[j], a.Features[j]
			continue
		}
		out.Terms[i] = textkit.Terms(it.Q, bankLang(it))
		out.Features[i] = textFeatures(it.Q, bankLang(it))
	}
	return out
}
