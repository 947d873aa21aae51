package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestNilRecordsNothing: packages take a *Metrics that may be nil.
func TestNilRecordsNothing(t *testing.T) {
	var m *Metrics
	m.Question("tg", "kk")
	m.Answer("llm")
	m.ObserveRetrieval(time.Millisecond)
	m.ObserveLLM(time.Second)
	m.Error("store")
	m.Limited("wa")
	m.CorpusCheck("changed")
}

func TestRecords(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.Question("tg", "kk")
	m.Question("tg", "kk")
	m.Question("wa", "ru")
	m.Answer("abstain")
	m.Error("llm")
	m.Limited("tg")
	m.ObserveLLM(3 * time.Second)
	for _, r := range []string{"same", "changed", "same", "unreachable"} {
		m.CorpusCheck(r)
	}
	tests := []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"kk questions on telegram", m.Questions.WithLabelValues("tg", "kk"), 2},
		{"ru questions on whatsapp", m.Questions.WithLabelValues("wa", "ru"), 1},
		{"abstentions", m.Answers.WithLabelValues("abstain"), 1},
		{"llm errors", m.Errors.WithLabelValues("llm"), 1},
		{"rate limited", m.RateLimited.WithLabelValues("tg"), 1},
		{"unchanged checks", m.CorpusChecks.WithLabelValues("same"), 2},
		{"changes found", m.CorpusChanges, 1},
	}
	for _, tt := range tests {
		if got := testutil.ToFloat64(tt.c); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, got, tt.want)
		}
	}
	if n := testutil.CollectAndCount(m.LLM); n != 1 {
		t.Errorf("LLM histogram has %d series, want 1", n)
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("metric %s: %s", p.Metric, p.Text)
	}
}

func TestTwoRegistriesDoNotClash(t *testing.T) {
	// Tests and replicas in one process each get their own registry.
	New(prometheus.NewRegistry())
	New(prometheus.NewRegistry())
}
