package redis_test

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
)

// A value is found under its key until it expires; a key never set is nil, not an error.
func TestScratchExpires(t *testing.T) {
	opts, err := goredis.ParseURL(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	rdb := goredis.NewClient(opts)
	defer rdb.Close()
	s := redisadapter.NewScratch(rdb, redistest.Namespace()+":scratch:")
	ctx := context.Background()
	if err := s.Put(ctx, "a", []byte("problems"), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if b, err := s.Get(ctx, "a"); err != nil || string(b) != "problems" {
		t.Fatalf("get: %q %v", b, err)
	}
	if b, err := s.Get(ctx, "b"); err != nil || b != nil {
		t.Fatalf("a key never set: %q %v", b, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := s.Get(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the value outlived its expiry")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
