package main

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// buildInfo is what "atazan version" reports: the module version and the
// VCS revision the Go toolchain stamped into the binary.
type buildInfo struct {
	Version  string // module version, "(devel)" for a build from a checkout
	Revision string // VCS revision, empty when the build was not stamped
	Time     string // commit time
	Modified bool   // the checkout had uncommitted changes
	Go       string
}

func readBuildInfo() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return buildInfo{Version: "(unknown)"}
	}
	return buildInfoOf(bi)
}

func buildInfoOf(bi *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: bi.Main.Version, Go: bi.GoVersion}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func (b buildInfo) String() string {
	s := "atazan " + b.Version
	if b.Revision != "" {
		s += " (" + b.Revision
		if b.Time != "" {
			s += ", " + b.Time
		}
		if b.Modified {
			s += ", modified"
		}
		s += ")"
	} else {
		s += " (no VCS revision: built outside a git checkout or with -buildvcs=false)"
	}
	if b.Go != "" {
		s += " " + b.Go
	}
	return s
}

func runVersion(ctx context.Context, e *env) error {
	if len(e.args) == 1 && isHelp(e.args[0]) {
		fmt.Fprintf(e.stdout, "usage: %s version   (or %s --version)\n", e.program(), e.program())
		return nil
	}
	if len(e.args) > 0 {
		return fmt.Errorf("unexpected arguments %q; usage: %s version", e.args, e.prog)
	}
	fmt.Fprintln(e.stdout, readBuildInfo())
	return nil
}

// invokedAs is how the user started this program, for hints they can copy:
// "go run ." when the binary sits in the go command's build cache, else
// what they typed ("atazan", "./atazan").
func invokedAs(arg0 string) string {
	if arg0 == "" {
		return "atazan"
	}
	for _, dir := range strings.Split(filepath.ToSlash(filepath.Dir(arg0)), "/") {
		if strings.HasPrefix(dir, "go-build") {
			return "go run ."
		}
	}
	return arg0
}
