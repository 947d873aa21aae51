// Package metrics holds atazan's Prometheus collectors. A nil *Metrics is
// valid and records nothing, so packages can take one without caring
// whether metrics are served.
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the collectors, registered on one registry.
type Metrics struct {
	Questions     *prometheus.CounterVec
	Answers       *prometheus.CounterVec
	Retrieval     prometheus.Histogram
	LLM           prometheus.Histogram
	Errors        *prometheus.CounterVec
	RateLimited   *prometheus.CounterVec
	CorpusChecks  *prometheus.CounterVec
	CorpusChanges prometheus.Counter
}

// New creates the collectors and registers them on reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "atazan_questions_total", Help: "Questions received, by platform and language.",
		}, []string{"platform", "lang"}),
		Answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "atazan_answers_total", Help: "Answers sent, by mode (llm, extractive, abstain, article).",
		}, []string{"mode"}),
		Retrieval: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "atazan_retrieval_seconds", Help: "Retrieval latency.",
			Buckets: []float64{.001, .002, .005, .01, .02, .05, .1, .25, .5, 1},
		}),
		LLM: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "atazan_llm_seconds", Help: "LLM answer latency.",
			Buckets: []float64{.25, .5, 1, 2, 4, 8, 16, 32, 64},
		}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "atazan_errors_total", Help: "Errors, by where they happened.",
		}, []string{"where"}),
		RateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "atazan_rate_limited_total", Help: "Messages refused by the per-user rate limit, by platform.",
		}, []string{"platform"}),
		CorpusChecks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "atazan_corpus_checks_total", Help: "Checks of the official source, by result (same, changed, invalid, unreachable).",
		}, []string{"result"}),
		CorpusChanges: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "atazan_corpus_changes_total", Help: "Changed official texts found by the watch.",
		}),
	}
	reg.MustRegister(m.Questions, m.Answers, m.Retrieval, m.LLM, m.Errors, m.RateLimited, m.CorpusChecks, m.CorpusChanges)
	return m
}

// Question counts an incoming question.
func (m *Metrics) Question(platform, lang string) {
	if m != nil {
		m.Questions.WithLabelValues(platform, lang).Inc()
	}
}

// Answer counts an answer by mode.
func (m *Metrics) Answer(mode string) {
	if m != nil {
		m.Answers.WithLabelValues(mode).Inc()
	}
}

// ObserveRetrieval records how long retrieval took.
func (m *Metrics) ObserveRetrieval(d time.Duration) {
	if m != nil {
		m.Retrieval.Observe(d.Seconds())
	}
}

// ObserveLLM records how long the LLM took.
func (m *Metrics) ObserveLLM(d time.Duration) {
	if m != nil {
		m.LLM.Observe(d.Seconds())
	}
}

// Error counts an error at where ("llm", "telegram", "store", …).
func (m *Metrics) Error(where string) {
	if m != nil {
		m.Errors.WithLabelValues(where).Inc()
	}
}

// Limited counts a rate-limited message.
func (m *Metrics) Limited(platform string) {
	if m != nil {
		m.RateLimited.WithLabelValues(platform).Inc()
	}
}

// CorpusCheck counts a check of the official source.
func (m *Metrics) CorpusCheck(result string) {
	if m != nil {
		m.CorpusChecks.WithLabelValues(result).Inc()
		if result == "changed" {
			m.CorpusChanges.Inc()
		}
	}
}
