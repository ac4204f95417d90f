// Package redis implements Silkgate's queues and event stream on Redis through go-redis v9:
// background tasks with asynq (retries with backoff, scheduled and unique tasks, archived dead
// tasks), the outbox relay's event stream, and an embedded in-memory Redis (miniredis) for
// `go run .` on a machine with nothing installed. MongoDB is the record: whatever the embedded
// Redis forgets on restart, the reconciler re-enqueues from what the records say is owed.
package redis

import (
	"context"
	"fmt"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
)

// Embedded is an in-memory Redis in this process.
type Embedded struct{ mr *miniredis.Miniredis }

// StartEmbedded starts an in-memory Redis on a free loopback port.
func StartEmbedded() (*Embedded, error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	return &Embedded{mr: mr}, nil
}

// URL is the redis:// address of the embedded server.
func (e *Embedded) URL() string { return "redis://" + e.mr.Addr() }

// Close stops it; everything it held is gone.
func (e *Embedded) Close() { e.mr.Close() }

// Connect opens a client for url ("redis://host:port/db") and checks that it answers.
func Connect(ctx context.Context, url string) (*goredis.Client, error) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	c := goredis.NewClient(opts)
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis ping %s: %w", opts.Addr, err)
	}
	return c, nil
}
