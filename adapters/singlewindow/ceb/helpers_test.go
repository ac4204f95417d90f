package ceb_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.xml from the builders")

var (
	sharedOnce sync.Once
	sharedDir  string
)

// sharedCEB returns the shared/ceb folder (official schemas and samples). It searches upward
// from the working directory (the package folder under `go test`) for a folder holding
// shared/ceb, so it works both here (/work/main beside /work/shared) and in CI, wherever the
// clone lives, as long as shared/ is beside it or above it.
func sharedCEB(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			return
		}
		for {
			cand := filepath.Join(dir, "shared", "ceb")
			if st, err := os.Stat(filepath.Join(cand, "xsd-2022-05", "export.xsd")); err == nil && !st.IsDir() {
				sharedDir = cand
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return
			}
			dir = parent
		}
	})
	if sharedDir == "" {
		wd, _ := os.Getwd()
		t.Fatalf("shared/ceb (official CEB schemas and samples) not found in %s or any folder above it; check out shared/ beside the repository", wd)
	}
	return sharedDir
}

func schema2022(t testing.TB) string {
	return filepath.Join(sharedCEB(t), "xsd-2022-05", "export.xsd")
}

func schema2018(t testing.TB) string {
	return filepath.Join(sharedCEB(t), "xsd-2018", "export.xsd")
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedCEB(t), "samples-2018-export", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// xmllint validates file against schema and returns its combined output and whether it passed.
// A missing xmllint fails the test: CI installs libxml2-utils.
func xmllint(t testing.TB, schema, file string) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatalf("xmllint is not installed; schema validation cannot run. Install it with: apt-get install -y libxml2-utils")
	}
	out, err := exec.Command(bin, "--noout", "--schema", schema, file).CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("running xmllint: %v", err)
		}
		return string(out), false
	}
	return string(out), true
}

// validateBytes writes doc to a temporary file and validates it with xmllint.
func validateBytes(t testing.TB, schema string, doc []byte) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "message.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, ok := xmllint(t, schema, f); !ok {
		t.Fatalf("xmllint rejected the document against %s:\n%s\n--- document ---\n%s", schema, strings.TrimSpace(out), doc)
	}
}
