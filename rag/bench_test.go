package rag

import (
	"context"
	"testing"
)

// BenchmarkRetrieve is the latency of one retrieval on the full corpus
// (both constitutions, kk and ru), the bank and the model, cycling
// through the dev2 questions. Target: p95 under 5 ms on 2 cores; see the
// p95-ms metric.
func BenchmarkRetrieve(b *testing.B) {
	e, _ := loadShared(b, b.TempDir())
	items := evalSet(b, "dev2.jsonl")
	ctx := context.Background()
	lat := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := b.Elapsed()
		if _, err := e.Retrieve(ctx, Question{Text: items[i%len(items)].Q}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, float64(b.Elapsed()-start)/1e6)
	}
	b.ReportMetric(percentile(lat, 95), "p95-ms")
}

// BenchmarkLoadUnchanged is a restart: opening the persisted index and
// loading a corpus that has not changed. Target: under 1 s.
func BenchmarkLoadUnchanged(b *testing.B) {
	dir := b.TempDir()
	_, store := loadShared(b, dir)
	docs, align := store.Documents(), store.Alignment()
	ctx := context.Background()
	for b.Loop() {
		e, err := New(ctx, Options{DataDir: dir, ModelDir: testModelDir})
		if err != nil {
			b.Fatal(err)
		}
		if err := e.Load(ctx, docs, align); err != nil {
			b.Fatal(err)
		}
	}
}
