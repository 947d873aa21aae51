package main

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"atazan/config"
)

// TestComposeFile checks docker-compose.yml without a Docker engine: .env
// reaches the bot, data and local texts can be mounted, images are pinned.
func TestComposeFile(t *testing.T) {
	data, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Build       any               `yaml:"build"`
			Image       string            `yaml:"image"`
			Restart     string            `yaml:"restart"`
			EnvFile     []map[string]any  `yaml:"env_file"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	bot, ok := compose.Services["atazan"]
	if !ok {
		t.Fatal("no atazan service")
	}
	if len(bot.EnvFile) != 1 || bot.EnvFile[0]["path"] != ".env" || bot.EnvFile[0]["required"] != false {
		t.Errorf("env_file = %v, want an optional .env", bot.EnvFile)
	}
	if !slices.Contains(bot.Volumes, "atazan-data:/data") {
		t.Errorf("volumes %v lack the data volume", bot.Volumes)
	}
	if !slices.ContainsFunc(bot.Volumes, func(v string) bool { return strings.HasSuffix(v, ":/corpus:ro") }) {
		t.Errorf("volumes %v lack a read-only mount for local texts", bot.Volumes)
	}
	for name, s := range compose.Services {
		if s.Build != nil {
			continue // built here
		}
		_, tag, _ := strings.Cut(s.Image, ":")
		if tag == "" || tag == "latest" {
			t.Errorf("service %s: image %q is not pinned to a version", name, s.Image)
		}
	}
	for name := range compose.Services {
		for _, v := range compose.Services[name].Volumes {
			if vol, _, _ := strings.Cut(v, ":"); !strings.ContainsAny(vol, "/.$") {
				if _, ok := compose.Volumes[vol]; !ok {
					t.Errorf("service %s uses volume %q that is not declared", name, vol)
				}
			}
		}
	}
}

// TestDockerfile checks the image recipe against the module: the Go image
// is the go.mod version, base images carry tags, and the build is the
// static one .ci/run repeats.
func TestDockerfile(t *testing.T) {
	lines := fileLines(t, "Dockerfile")
	goVersion := ""
	for _, l := range fileLines(t, "go.mod") {
		if v, ok := strings.CutPrefix(l, "go "); ok {
			goVersion = strings.Join(strings.Split(v, ".")[:2], ".")
		}
	}
	from := regexp.MustCompile(`^FROM (\S+?)(?::(\S+))?(?: AS \w+)?$`)
	var images, builds []string
	for _, l := range lines {
		if m := from.FindStringSubmatch(l); m != nil {
			images = append(images, m[1])
			if m[2] == "" || m[2] == "latest" {
				t.Errorf("%q: base image not pinned", l)
			}
			if m[1] == "golang" && !strings.HasPrefix(m[2], goVersion+"-") && m[2] != goVersion {
				t.Errorf("%q: Go %s, but go.mod says %s", l, m[2], goVersion)
			}
		}
		if strings.HasPrefix(l, "RUN CGO_ENABLED=0 go build ") {
			builds = append(builds, l)
		}
	}
	if !slices.Contains(images, "golang") || len(builds) != 1 || strings.HasSuffix(builds[0], `\`) {
		t.Errorf("want a golang stage with one single-line static build (.ci/run runs it); got images %v, builds %q", images, builds)
	}
	ignore := fileLines(t, ".dockerignore")
	for _, want := range []string{".env", "/data"} {
		if !slices.Contains(ignore, want) {
			t.Errorf(".dockerignore lacks %s: it would go into the image", want)
		}
	}
}

// TestEnvExample checks that every setting the sample .env names is one
// the bot reads, so the sample cannot drift from the configuration.
func TestEnvExample(t *testing.T) {
	known := map[string]bool{"ATAZAN_CORPUS_HOST_DIR": true} // docker compose's, not the bot's
	for _, s := range config.Default().Settings() {
		known[s.Env] = true
	}
	for _, l := range fileLines(t, ".env.example") {
		l = strings.TrimSpace(strings.TrimPrefix(l, "# "))
		name, _, ok := strings.Cut(l, "=")
		if !ok || !strings.HasPrefix(name, "ATAZAN_") || strings.Contains(name, " ") {
			continue
		}
		if !known[name] {
			t.Errorf(".env.example sets %s, which the bot does not read", name)
		}
	}
}

func fileLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}
