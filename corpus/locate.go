package corpus

import (
	"os"
	"path/filepath"
)

// LocateSource finds the directory of official source texts: the given
// configured path if set, else a "shared/corpus-src" beside the working
// directory or one of its parents (the layout of a checkout with ../shared).
// It returns "" when there is none.
func LocateSource(configured string) string {
	if configured != "" {
		if st, err := os.Stat(configured); err == nil && st.IsDir() {
			return configured
		}
		return ""
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		cand := filepath.Join(dir, "shared", "corpus-src")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
