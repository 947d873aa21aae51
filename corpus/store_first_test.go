package corpus

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// miniSourceDir lays the mini texts out as a source directory (see ReadSourceDir).
func miniSourceDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for dst, src := range map[string]string{
		"kz2026/kz2026-ru.txt": "mini2026-ru.txt",
		"kz2026/kz2026-kk.txt": "mini2026-kk.txt",
		"kz1995/kz1995-ru.txt": "mini1995-ru.txt",
	} {
		data, err := os.ReadFile(filepath.Join("testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(dst)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Replicas that start together on an empty database import once: one
// version per document, served by all of them.
func TestFirstImportOnceAcrossReplicas(t *testing.T) {
	src := miniSourceDir(t)
	backends := storeBackends(t)
	for _, name := range []string{"sqlite", "postgres"} {
		fresh, ok := backends[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			data := fresh(t)
			const replicas = 4
			stores := make([]*Store, replicas)
			for i := range stores {
				stores[i] = data.open(t)
			}
			var fills atomic.Int32
			var wg sync.WaitGroup
			start := make(chan struct{})
			for _, s := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, err := s.FirstImport(t.Context(), func(ctx context.Context) error {
						fills.Add(1)
						_, err := s.ImportDir(ctx, src, "first run")
						return err
					})
					if err != nil {
						t.Error(err)
					}
				}()
			}
			close(start)
			wg.Wait()
			if n := fills.Load(); n != 1 {
				t.Errorf("%d replicas imported, want 1", n)
			}
			for _, doc := range []string{"kz2026", "kz1995"} {
				vs, err := stores[0].Versions(doc)
				if err != nil {
					t.Fatal(err)
				}
				if len(vs) != 1 {
					t.Errorf("%s has %d versions, want 1", doc, len(vs))
					continue
				}
				for i, s := range stores {
					if d := s.Document(doc); d == nil || d.Version.ID != vs[0].ID {
						t.Errorf("replica %d does not serve %s version %s", i, doc, vs[0].ID)
					}
				}
			}
			// A later start finds the texts and does not import.
			filled, err := data.open(t).FirstImport(t.Context(), func(ctx context.Context) error {
				t.Error("imported into a filled store")
				return nil
			})
			if err != nil || filled {
				t.Errorf("FirstImport on a filled store = %v, %v", filled, err)
			}
		})
	}
}

// A first import that fails leaves the lock free for the next try.
func TestFirstImportFailureReleasesTheLock(t *testing.T) {
	src := miniSourceDir(t)
	forEachStore(t, func(t *testing.T, data *storeData) {
		s := data.open(t)
		if _, err := s.FirstImport(t.Context(), func(ctx context.Context) error {
			_, err := s.ImportDir(ctx, filepath.Join(src, "missing"), "first run")
			return err
		}); err == nil {
			t.Fatal("a failed first import reported no error")
		}
		other := data.open(t)
		filled, err := other.FirstImport(t.Context(), func(ctx context.Context) error {
			_, err := other.ImportDir(ctx, src, "first run")
			return err
		})
		if err != nil || !filled || other.Document("kz2026") == nil {
			t.Errorf("second try = %v, %v; kz2026 served: %v", filled, err, other.Document("kz2026") != nil)
		}
	})
}
