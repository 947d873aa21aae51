package rag

import (
	"os"
	"testing"
)

// testModelDir caches the relevance model for every test of the package:
// it depends only on the bank, and training it per test would cost
// seconds each.
var testModelDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "atazan-rag-model-")
	if err != nil {
		panic(err)
	}
	testModelDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
