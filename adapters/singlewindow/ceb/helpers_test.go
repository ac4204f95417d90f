package ceb_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.xml from the builders")

// official is the folder of the official CEB schemas and sample messages, kept in the
// repository byte for byte (see its README.md). go test runs in the package folder, so the path
// is relative to it.
var official = filepath.Join("testdata", "official")

// officialFile returns the path of a file under testdata/official and fails the test if it is
// missing.
func officialFile(t testing.TB, elem ...string) string {
	t.Helper()
	path := filepath.Join(append([]string{official}, elem...)...)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("official CEB file missing from the repository: %v", err)
	}
	return path
}

func schema2022(t testing.TB) string {
	t.Helper()
	return officialFile(t, "xsd-2022-05", "export.xsd")
}

func schema2018(t testing.TB) string {
	t.Helper()
	return officialFile(t, "xsd-2018", "export.xsd")
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(officialFile(t, "samples-2018-export", name))
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
