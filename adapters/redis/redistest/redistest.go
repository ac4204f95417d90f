// Package redistest gives tests a real Redis: the server REDIS_URL names (`bash .ci/run` starts
// one). A test that needs Redis fails with a clear message when REDIS_URL is unset; it does not
// skip, so a CI run without Redis cannot pass by testing less.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/silkgate/silkgate/adapters/redis"
)

// URL returns REDIS_URL or fails the test.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("REDIS_URL")
	if u == "" {
		t.Fatal("redistest: REDIS_URL is not set; run the tests with `bash .ci/run`, or start redis-server and export REDIS_URL=redis://127.0.0.1:6379/0")
	}
	return u
}

// New returns a client on the test Redis, closed when the test ends.
func New(t testing.TB) *goredis.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := redis.Connect(ctx, URL(t))
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Namespace returns a name unique to this test, for queue and stream names, so that tests
// sharing one Redis never take each other's tasks.
func Namespace() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "t" + hex.EncodeToString(b)
}
