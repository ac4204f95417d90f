// Package cebtest validates built CEB messages against the official 2022-05 export schema kept
// in the repository, with xmllint, for the tests of any package. A missing xmllint fails the
// test: CI installs libxml2-utils.
package cebtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Schema is the path of the official 2022-05 export schema (ceb/testdata/official), found from
// this file's own place so that tests in any folder can use it.
func Schema(t testing.TB) string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cebtest: cannot tell where the schema is")
	}
	path := filepath.Join(filepath.Dir(self), "..", "testdata", "official", "xsd-2022-05", "export.xsd")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("official CEB schema missing from the repository: %v", err)
	}
	return path
}

// Validate fails the test unless doc validates against the official 2022-05 export schema.
func Validate(t testing.TB, doc []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint is not installed; schema validation cannot run. Install it with: apt-get install -y libxml2-utils")
	}
	f := filepath.Join(t.TempDir(), "message.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	schema := Schema(t)
	if out, err := exec.Command(bin, "--noout", "--schema", schema, f).CombinedOutput(); err != nil {
		t.Fatalf("xmllint rejected the message against %s: %v\n%s\n--- message ---\n%s", schema, err, out, doc)
	}
}
