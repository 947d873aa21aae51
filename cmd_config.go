package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"atazan/config"
)

const configUsage = "usage: atazan config check"

// runConfig prints the effective configuration, secrets masked, and every
// problem with how to fix it; it fails when a problem is an error, so that
// deploy scripts can run it before starting the bot.
func runConfig(ctx context.Context, e *env) error {
	if len(e.args) == 1 && isHelp(e.args[0]) {
		fmt.Fprintln(e.stdout, configUsage)
		return nil
	}
	if len(e.args) != 1 || e.args[0] != "check" {
		return errors.New(configUsage)
	}
	problems := e.cfg.Validate()
	writeSettings(e.stdout, e.cfg)
	fmt.Fprintln(e.stdout)
	writeProblems(e.stdout, problems)
	if n := config.ErrorCount(problems); n > 0 {
		return fmt.Errorf("%d configuration error(s); fix them and run atazan config check again", n)
	}
	return nil
}

func writeSettings(w io.Writer, cfg config.Config) {
	fmt.Fprintln(w, "Effective configuration (YAML file from ATAZAN_CONFIG, overridden by the environment; secrets masked):")
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, s := range cfg.Settings() {
		value := s.Value
		if value == "" {
			value = "(unset)"
		}
		fmt.Fprintf(tw, "  %s\t= %s\n", s.Env, value)
	}
	tw.Flush()
}

// writeProblems prints each problem with its fix, or that there are none.
func writeProblems(w io.Writer, problems []config.Problem) {
	if len(problems) == 0 {
		fmt.Fprintln(w, "No problems found.")
		return
	}
	fmt.Fprintf(w, "Problems (%d):\n", len(problems))
	for _, p := range problems {
		fmt.Fprintf(w, "  %-7s %s: %s\n          fix: %s\n", p.Severity, p.Env, p.What, p.Fix)
	}
}
