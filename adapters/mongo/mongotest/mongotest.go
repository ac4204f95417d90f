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
	dir      string
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
		d, err := os.MkdirTemp("", "silkgate-mongotest-")
		if err != nil {
			startErr = err
			return
		}
		// The server lives as long as the test binary; Close (from TestMain) removes its folder.
		e, err := mongo.StartEmbedded(d, "127.0.0.1:0", nil)
		if err != nil {
			startErr = err
			_ = os.RemoveAll(d)
			return
		}
		server, dir, uri, embedded = e, d, e.URI(), true
	})
	if startErr != nil {
		t.Fatalf("mongotest: cannot start the embedded server: %v", startErr)
	}
	return uri, embedded
}

// Close stops the embedded server, if one was started, and removes its folder. Call it from
// TestMain after m.Run; without it the folder stays in the system temp dir.
func Close() {
	if server != nil {
		server.Close()
		_ = os.RemoveAll(dir)
	}
}

// DatabaseName returns a new unique database name.
func DatabaseName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "test_" + hex.EncodeToString(b)
}

// Database names a new database on the test server for a service under test to create, and
// drops it when the test ends (after the cleanups registered later, such as the service's
// stop). It returns the server's address and whether it is the embedded one, which the service
// must use through a single connection (SILKGATE_MONGO_SINGLE_CONNECTION).
func Database(t testing.TB) (uri string, embedded bool, name string) {
	t.Helper()
	uri, embedded = URI(t)
	name = DatabaseName()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := mongo.Connect(ctx, uri, name, embedded)
		if err != nil {
			t.Errorf("mongotest: dropping %s: %v", name, err)
			return
		}
		if err := s.Drop(ctx); err != nil {
			t.Errorf("mongotest: dropping %s: %v", name, err)
		}
		_ = s.Close(ctx)
	})
	return uri, embedded, name
}

// IndexIDs gives the collections of database on the embedded server the _id index its writes
// need (mongo.Embedded.IndexIDs); a service does that itself only for a server it started. Call
// it once the collections exist. On MONGO_URI it does nothing.
func IndexIDs(t testing.TB, database string) {
	t.Helper()
	if server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := server.IndexDatabaseIDs(ctx, database); err != nil {
		t.Fatalf("mongotest: %v", err)
	}
}

// New connects to a fresh database with indexes in place, dropped when the test ends. On the
// embedded server it guards writes as the service does there, with in-process locks.
func New(t testing.TB) *mongo.Store {
	t.Helper()
	_, embedded := URI(t)
	return NewWith(t, Options{Conditional: !embedded})
}

// Options choose how the store guards its writes.
type Options struct {
	// Conditional: every write carries its condition in the update filter (versions, capacity
	// guards), the path the service takes on MongoDB; otherwise the store checks conditions in
	// Go under in-process locks, the path it takes on the embedded server (mongo.Options).
	Conditional bool
}

// Mode is one way of guarding writes, named for subtests.
type Mode struct {
	Name    string
	Options Options
}

// Modes are the two write paths of the store: "locked" (the embedded server's) and
// "conditional" (MongoDB's). Repository contract tests run under both.
func Modes() []Mode {
	return []Mode{{Name: "locked"}, {Name: "conditional", Options: Options{Conditional: true}}}
}

// Run runs test once per mode of Modes, each as a subtest with a fresh database.
func Run(t *testing.T, test func(t *testing.T, s *mongo.Store)) {
	t.Helper()
	for _, m := range Modes() {
		t.Run(m.Name, func(t *testing.T) { test(t, NewWith(t, m.Options)) })
	}
}

// NewWith is New with the given options.
func NewWith(t testing.TB, o Options) *mongo.Store {
	t.Helper()
	u, single := URI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := DatabaseName()
	s, err := mongo.Open(ctx, u, name, mongo.Options{SingleConnection: single, LocalLocks: !o.Conditional})
	if err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	IndexIDs(t, name)
	if err := s.Backfill(ctx); err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Drop(ctx)
		_ = s.Close(ctx)
	})
	return s
}
