package redis_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
)

// Attempts from many goroutines at once: exactly the limit is allowed in a window, the counter
// expires with its window, and another key counts apart.
func TestLimiterFixedWindow(t *testing.T) {
	opts, err := goredis.ParseURL(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	rdb := goredis.NewClient(opts)
	defer rdb.Close()
	prefix := redistest.Namespace() + ":limits:"
	l := redisadapter.NewWindowLimiter(rdb, prefix)
	ctx := context.Background()
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := l.Allow(ctx, "email:a@b.example", 10, time.Second)
			if err != nil {
				t.Error(err)
			}
			if ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := allowed.Load(); n != 10 {
		t.Errorf("%d of 50 allowed, want 10", n)
	}
	if ok, _ := l.Allow(ctx, "email:c@d.example", 10, time.Second); !ok {
		t.Error("another key was refused")
	}
	ttl, err := rdb.PTTL(ctx, prefix+"email:a@b.example").Result()
	if err != nil || ttl <= 0 || ttl > time.Second {
		t.Errorf("the counter lives %v (%v), want its window", ttl, err)
	}
}
