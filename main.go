// Command atazan is a chatbot that explains the Constitution of the Republic
// of Kazakhstan in Kazakh and Russian, always with article citations.
//
// One binary, several subcommands; run "atazan help" for the list.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"atazan/config"
)

// env is what every subcommand gets: its arguments, the configuration and
// where to talk.
type env struct {
	args   []string
	cfg    config.Config
	log    *slog.Logger
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e *env) error
}

func commands() map[string]command {
	return map[string]command{
		"chat":     {"talk to the bot in this terminal (offline by default)", runChat},
		"ask":      {"answer one question: atazan ask [--lang kk|ru] [--json] \"question\"", runAsk},
		"eval":     {"measure retrieval on a question set: atazan eval --set FILE [--k 5] [--json]", runEval},
		"serve":    {"run the configured messengers and the HTTP server", runServe},
		"corpus":   {"list, show, import, diff, validate and fetch the constitution texts", runCorpus},
		"whatsapp": {"link a WhatsApp account: atazan whatsapp link [--phone NUMBER]", runWhatsApp},
		"config":   {"print the effective configuration and its problems: atazan config check", runConfig},

		"proposals": {"write the comparative table of citizens' proposals: atazan proposals export --out FILE", runProposals},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "atazan: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "atazan: %v\n", err)
		return 2
	}
	e := &env{args: args[1:], cfg: cfg, log: newLogger(cfg, stderr), stdin: stdin, stdout: stdout, stderr: stderr}
	if err := cmd.run(ctx, e); err != nil {
		fmt.Fprintf(stderr, "atazan %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "atazan explains the Constitution of Kazakhstan, with article citations.")
	fmt.Fprintln(w, "\nUsage: atazan COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from ATAZAN_* environment variables and an optional YAML file (ATAZAN_CONFIG).")
}

// newLogger writes text to a terminal and JSON elsewhere, unless configured.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.LogFormat
	if format == "" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
