package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
	"github.com/silkgate/silkgate/app"
)

// TestQueueCountsTasksByType enqueues tasks on the real Redis and checks the counts /metrics
// exports: a duplicate of a unique task still pending is not counted.
func TestQueueCountsTasksByType(t *testing.T) {
	ctx := context.Background()
	q := redis.NewQueue(redistest.New(t), redistest.Namespace())
	for _, task := range []app.Task{
		{Type: "a", Payload: []byte("1"), Delay: time.Hour},
		{Type: "a", Payload: []byte("2"), Delay: time.Hour},
		{Type: "b", Payload: []byte("x"), Delay: time.Hour, UniqueFor: time.Hour},
		{Type: "b", Payload: []byte("x"), Delay: time.Hour, UniqueFor: time.Hour},
	} {
		if err := q.Enqueue(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	if got := q.Tasks(); len(got) != 2 || got["a"] != 2 || got["b"] != 1 {
		t.Errorf("task counts %v, want a:2 b:1", got)
	}
}
