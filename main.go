// Command atazan is a chatbot that explains the Constitution of the Republic
// of Kazakhstan in Kazakh and Russian, always with article citations.
//
// One binary, several subcommands; run "atazan help" for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"syscall"

	"atazan/config"
)

// env is what every subcommand gets: its arguments, the configuration and
// where to talk.
type env struct {
	name string // the subcommand: "chat", "serve"
	args []string
	// prog is how the user started atazan ("go run .", "./atazan"), so
	// that hints name a command they can run as it is.
	prog   string
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

// isService tells a long-running command whose stderr is a log stream:
// when the logs are JSON, its messages and its final error are JSON
// records too, so a log collector never gets two formats.
func isService(name string) bool { return name == "serve" }

func commands() map[string]command {
	return map[string]command{
		"chat":     {"talk to the bot in this terminal (offline by default)", runChat},
		"ask":      {"answer one question: atazan ask [--lang kk|ru] [--json] \"question\"", runAsk},
		"eval":     {"measure retrieval on a question set: atazan eval --set FILE [--k 5] [--json]", runEval},
		"serve":    {"run the configured messengers and the HTTP server", runServe},
		"corpus":   {"list, show, import, diff, validate and fetch the constitution texts", runCorpus},
		"whatsapp": {"link a WhatsApp account: atazan whatsapp link [--phone NUMBER]", runWhatsApp},
		"config":   {"print the effective configuration and its problems: atazan config check", runConfig},
		"version":  {"print the version and the VCS revision of this build (also --version)", runVersion},

		"proposals": {"write the comparative table of citizens' proposals: atazan proposals export --out FILE", runProposals},
	}
}

func main() {
	// The long-running server keeps its heap near what is live; one-shot
	// commands (ask, eval) run faster letting it grow.
	if len(os.Args) > 1 && os.Args[1] == "serve" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(config.DefaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmds := commands()
	prog := invokedAs(os.Args[0])
	if len(args) == 0 || isHelp(args[0]) {
		usage(stdout, prog, cmds)
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" {
		fmt.Fprintln(stdout, readBuildInfo())
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "atazan: unknown command %q\n\n", args[0])
		usage(stderr, prog, cmds)
		return 2
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "atazan: %v\n", err)
		return 2
	}
	format := logFormat(cfg, stderr)
	e := &env{name: args[0], args: args[1:], prog: prog, cfg: cfg, log: newLogger(cfg, format, stderr), stdin: stdin, stdout: stdout, stderr: stderr}
	// Usage asked for is for a person, even where the logs are JSON.
	asLog := isService(args[0]) && format == "json" && !slices.ContainsFunc(args[1:], isHelp)
	if asLog {
		e.stderr = newLogLines(e.log)
	}
	err = cmd.run(ctx, e)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		// The flag package has printed the usage the user asked for.
	case asLog:
		e.log.Error("atazan "+args[0]+" failed", "err", err)
		return 1
	default:
		fmt.Fprintf(stderr, "atazan %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer, prog string, cmds map[string]command) {
	fmt.Fprintln(w, "atazan explains the Constitution of Kazakhstan, with article citations.")
	fmt.Fprintf(w, "\nUsage: %s COMMAND [flags]   (COMMAND --help for its flags)\n\nCommands:\n", prog)
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

// logFormat is the configured log format, or text on a terminal and JSON
// elsewhere.
func logFormat(cfg config.Config, w io.Writer) string {
	if cfg.LogFormat != "" {
		return cfg.LogFormat
	}
	if isTerminal(w) {
		return "text"
	}
	return "json"
}

// newLogger writes records in format ("text" or "json") to w. Durations
// are written as Go durations ("24h0m0s"), never as nanoseconds.
func newLogger(cfg config.Config, format string, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationsAsText}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func durationsAsText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// isHelp reports whether arg asks for usage rather than naming a command.
func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "-help" || arg == "--help"
}

// program is how to start atazan in a hint.
func (e *env) program() string {
	if e.prog == "" {
		return "atazan"
	}
	return e.prog
}

// commandLine is the subcommand being run, for hints that repeat it:
// "chat", "corpus list", "ask …".
func (e *env) commandLine() string {
	line := e.name
	if line == "" {
		line = "chat"
	}
	for _, a := range e.args {
		if strings.HasPrefix(a, "-") || strings.ContainsAny(a, " \t'\"") {
			return line + " …"
		}
		line += " " + a
	}
	return line
}
