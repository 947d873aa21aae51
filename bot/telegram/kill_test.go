package telegram

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"atazan/bot/store"
	"atazan/bot/telegram/telegramtest"
)

// The kill test runs the adapter in a child process (this test binary
// again, with ATAZAN_KILL_CHILD set), so that it can be killed with
// SIGKILL mid-flood as a crash or an OOM kill would.
func TestMain(m *testing.M) {
	if dir := os.Getenv("ATAZAN_KILL_CHILD"); dir != "" {
		os.Exit(runChild(dir, os.Getenv("ATAZAN_KILL_ENDPOINT")))
	}
	os.Exit(m.Run())
}

// runChild serves until SIGTERM (or SIGKILL, which it never sees).
func runChild(dir, endpoint string) int {
	q, err := store.Open(context.Background(), dir, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer q.Close()
	a, err := New(Options{Token: testToken, Endpoint: endpoint, Core: &slowCore{pause: 20 * time.Millisecond}, Queue: q})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := a.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestKillUnderLoadLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "ATAZAN_KILL_CHILD="+dir, "ATAZAN_KILL_ENDPOINT="+srv.Endpoint())
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	const n = 300
	pushed := make(chan struct{})
	go func() {
		defer close(pushed)
		for i := range n {
			srv.Push(message(i+1, int64(3000+i%60), "private", int64(3000+i%60), fmt.Sprint("вопрос ", i)))
			time.Sleep(time.Millisecond)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// kill -9 twice while answers are in flight, then let a third run
	// finish. What each kill left claimed and unrecorded in the outbox is
	// all that can be sent twice: Telegram may have accepted it.
	inFlight := 0
	for _, after := range []int{n / 4, n / 2} {
		cmd := start()
		if _, err := srv.WaitCalls(ctx, "sendMessage", after); err != nil {
			cmd.Process.Kill()
			t.Fatal(err)
		}
		cmd.Process.Kill()
		cmd.Wait()
		q, err := store.Open(ctx, dir, "")
		if err != nil {
			t.Fatal(err)
		}
		sending, err := q.Sending(ctx, sourceOf(testToken))
		q.Close()
		if err != nil {
			t.Fatal(err)
		}
		inFlight += sending
	}
	<-pushed
	cmd := start()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	for {
		calls := len(srv.Calls("sendMessage")) // before counting, so no call slips between
		if len(delivered(srv)) >= n {
			break
		}
		if _, err := srv.WaitCalls(ctx, "sendMessage", calls+1); err != nil {
			t.Fatalf("%d of %d questions answered after two kill -9: %v", len(delivered(srv)), n, err)
		}
	}
	// Delivery is at least once: a kill between Telegram accepting a
	// message and the commit recording it sends that one again. Nothing
	// else may repeat: an update is recorded answered in the commit that
	// queues its reply, so no question is answered twice.
	dup := 0
	for _, k := range delivered(srv) {
		dup += k - 1
	}
	t.Logf("%d questions, 2 × kill -9: none lost, %d sent twice; %d sends were in flight at the kills", n, dup, inFlight)
	if dup > inFlight {
		t.Errorf("%d answers sent twice, more than the %d sends in flight at the kills", dup, inFlight)
	}
}
