package redis_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
	"github.com/silkgate/silkgate/domain"
)

// The consumer hands on every event published after its group joined, in order; a batch its
// subscriber fails is handed on again, and one acknowledged is not — on the real Redis and on
// the embedded one.
func TestConsumerDeliversUntilApplied(t *testing.T) {
	embedded, err := redis.StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	defer embedded.Close()
	for name, rdb := range map[string]*goredis.Client{"redis": redistest.New(t), "embedded": connect(t, embedded.URL())} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			events := redis.NewEvents(rdb, redistest.Namespace()+":events")
			if err := events.Publish(ctx, []domain.Event{{ID: "before", Type: "x"}}); err != nil {
				t.Fatal(err)
			}
			c := events.NewConsumer("g", "c1", slog.New(slog.DiscardHandler))
			if err := c.Join(ctx); err != nil {
				t.Fatal(err)
			}
			if err := c.Join(ctx); err != nil { // joining again is harmless
				t.Fatal(err)
			}
			var mu sync.Mutex
			var seen []string
			failOnce := true
			done := make(chan struct{})
			go func() {
				defer close(done)
				c.Run(ctx, func(_ context.Context, evs []domain.Event) error {
					mu.Lock()
					defer mu.Unlock()
					for _, e := range evs {
						seen = append(seen, e.ID)
					}
					if failOnce {
						failOnce = false
						return errors.New("not now")
					}
					return nil
				})
			}()
			if err := events.Publish(ctx, []domain.Event{{ID: "a", Type: "x"}, {ID: "b", Type: "x"}}); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(20 * time.Second)
			for {
				mu.Lock()
				n := len(seen)
				mu.Unlock()
				if n >= 4 || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(300 * time.Millisecond) // anything more would come now
			cancel()
			<-done
			mu.Lock()
			defer mu.Unlock()
			if len(seen) != 4 || seen[0] != "a" || seen[1] != "b" || seen[2] != "a" || seen[3] != "b" {
				t.Errorf("delivered %v, want [a b a b]: the failed batch once more, nothing before the group", seen)
			}
		})
	}
}

func connect(t *testing.T, url string) *goredis.Client {
	t.Helper()
	c, err := redis.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}
