// Package mongotest gives each test a fresh, empty database: on the server MONGO_URI names when
// it is set, else on one embedded MongoDB-compatible server shared by the test binary.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
)

var (
	once     sync.Once
	server   *mongo.Embedded
	uri      string
	embedded bool
	startErr error
)

// URI returns the address of the test server, starting the embedded one on first use, and
// whether it is the embedded one (which must be used through a single connection).
func URI(t testing.TB) (string, bool) {
	t.Helper()
	once.Do(func() {
		if uri = os.Getenv("MONGO_URI"); uri != "" {
			return
		}
		dir, err := os.MkdirTemp("", "silkgate-mongotest-")
		if err != nil {
			startErr = err
			return
		}
		// The server lives as long as the test binary; its folder is in the system temp dir.
		e, err := mongo.StartEmbedded(dir, "127.0.0.1:0", nil)
		if err != nil {
			startErr = err
			return
		}
		server, uri, embedded = e, e.URI(), true
	})
	if startErr != nil {
		t.Fatalf("mongotest: cannot start the embedded server: %v", startErr)
	}
	return uri, embedded
}

// DatabaseName returns a new unique database name.
func DatabaseName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "test_" + hex.EncodeToString(b)
}

// New connects to a fresh database with indexes in place, dropped when the test ends.
func New(t testing.TB) *mongo.Store {
	t.Helper()
	u, single := URI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := mongo.Connect(ctx, u, DatabaseName(), single)
	if err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	if server != nil {
		if err := server.IndexIDs(ctx); err != nil {
			t.Fatalf("mongotest: %v", err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Drop(ctx)
		_ = s.Close(ctx)
	})
	return s
}
