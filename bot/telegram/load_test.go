package telegram

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"atazan/bot/bottest"
	"atazan/config"
)

// loadQuestions are asked in turn; the answers are the offline (extractive)
// ones on the fixture corpus.
var loadQuestions = []string{
	"С какого возраста можно голосовать на выборах?",
	"Что такое Курултай?",
	"Құрылтай деген не?",
	"Какие права есть у человека?",
	"Со скольки лет можно работать?",
}

// BenchmarkLoad runs the whole bot (real core and retrieval, offline
// answers, SQLite, outbox) behind the fake Bot API on loopback:
//
//	flood:    2,000 questions from 400 users pushed at once; reports q/s
//	          and the CPU time per question (fake server included)
//	paced50:  50 questions a second for 10 s, each from its own chat;
//	          reports the p50/p95 time from push to Telegram accepting the answer
//
// Both report the peak RSS of the test process (fake server included):
// startRSS while the bot starts (importing the texts, building the index
// and the relevance model), peakRSS from the first question to the last
// answer. Run it with -benchtime 1x: one round is the measurement.
func BenchmarkLoad(b *testing.B) {
	// The binary's soft memory limit, unless GOMEMLIMIT sets another.
	if os.Getenv("GOMEMLIMIT") == "" {
		prev := debug.SetMemoryLimit(config.DefaultMemoryLimit)
		b.Cleanup(func() { debug.SetMemoryLimit(prev) })
	}
	b.Run("flood", func(b *testing.B) {
		for b.Loop() {
			h := startLoad(b)
			startRSS(b)
			const users, n = 400, 2000
			start, cpu := time.Now(), cpuTime()
			for i := range n {
				u := int64(10_000 + i%users)
				h.srv.Push(message(i+1, u, "private", u, loadQuestions[i%len(loadQuestions)]))
			}
			h.waitAnswers(b, n)
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "q/s")
			// CPU per question varies less than q/s with what else runs on
			// the machine: 2 cores give at most 2000/(cpu-ms/q) q/s.
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/n, "cpu-ms/q")
			reportRSS(b)
			h.checkAnswered(b, n)
			h.stop()
		}
	})
	b.Run("paced50", func(b *testing.B) {
		for b.Loop() {
			h := startLoad(b)
			startRSS(b)
			const rate, n = 50, 500
			pushed := map[string]time.Time{}
			tick := time.NewTicker(time.Second / rate)
			for i := range n {
				<-tick.C
				u := int64(20_000 + i)
				pushed[strconv.FormatInt(u, 10)] = time.Now()
				h.srv.Push(message(1, u, "private", u, loadQuestions[i%len(loadQuestions)]))
			}
			tick.Stop()
			h.waitAnswers(b, n)
			h.checkAnswered(b, n)
			var lat []time.Duration
			for _, c := range h.srv.Calls("sendMessage") {
				if t, ok := pushed[c.Params.Get("chat_id")]; ok && c.Err == "" {
					lat = append(lat, c.At.Sub(t))
					delete(pushed, c.Params.Get("chat_id"))
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			reportRSS(b)
			h.stop()
		}
	})
}

// startLoad runs the whole bot on the fixture corpus, without rate limits.
// Every question of a flood may wait for an answer: with the default queue
// most would be told "too many questions", and the benchmark would measure
// how fast the bot says so.
func startLoad(b *testing.B) *harness {
	b.Helper()
	core, _ := bottest.NewCore(b, filepath.Join("testdata", "corpus"), bottest.Options{RatePerMinute: 1_000_000, AnswerQueue: 2000})
	return start(b, core)
}

// checkAnswered fails unless n of the messages sent are answers: those have
// feedback buttons, which "too many questions" and errors have not.
func (h *harness) checkAnswered(b *testing.B, n int) {
	b.Helper()
	answers := 0
	for _, c := range h.srv.Calls("sendMessage") {
		if c.Err == "" && strings.Contains(c.Params.Get("reply_markup"), "fb:up:") {
			answers++
		}
	}
	if answers != n {
		b.Fatalf("%d of %d replies are answers", answers, n)
	}
}

// waitAnswers waits until n answers were accepted.
func (h *harness) waitAnswers(b *testing.B, n int) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := h.srv.WaitAccepted(ctx, "sendMessage", n); err != nil {
		b.Fatal(err)
	}
}

// reportRSS reports the process's peak resident set since startRSS (Linux).
func reportRSS(b *testing.B) {
	if mb, ok := peakRSS(); ok {
		b.ReportMetric(mb, "peakRSS-MB")
	}
}

// startRSS reports the peak resident set so far, the start of the bot's,
// and resets it, so that reportRSS measures the load alone and a second
// round does not report the first (Linux: clear_refs 5 resets VmHWM).
func startRSS(b *testing.B) {
	mb, ok := peakRSS()
	if !ok {
		return
	}
	b.ReportMetric(mb, "startRSS-MB")
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS; peakRSS includes the start: %v", err)
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is the process's VmHWM in MB.
func peakRSS() (float64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			var kb float64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return kb / 1024, true
		}
	}
	return 0, false
}
