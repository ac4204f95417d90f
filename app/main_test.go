package app_test

import (
	"os"
	"testing"

	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
)

// TestMain stops the embedded store the tests share once they are done.
func TestMain(m *testing.M) {
	code := m.Run()
	mongotest.Close()
	os.Exit(code)
}
