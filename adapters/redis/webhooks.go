package redis

import (
	"context"
	"errors"

	goredis "github.com/redis/go-redis/v9"

	"github.com/silkgate/silkgate/app"
)

// WebhookGeneration is a counter in Redis that every change to webhook subscriptions raises, so
// that each process knows when to read them again (app.Webhooks), without asking the store.
type WebhookGeneration struct {
	rdb *goredis.Client
	key string
}

var _ app.WebhookGeneration = (*WebhookGeneration)(nil)

// NewWebhookGeneration returns the counter under key.
func NewWebhookGeneration(rdb *goredis.Client, key string) *WebhookGeneration {
	return &WebhookGeneration{rdb: rdb, key: key}
}

// Current reads the counter (0 before the first change).
func (g *WebhookGeneration) Current(ctx context.Context) (int64, error) {
	n, err := g.rdb.Get(ctx, g.key).Int64()
	if errors.Is(err, goredis.Nil) {
		return 0, nil
	}
	return n, err
}

// Bump raises the counter.
func (g *WebhookGeneration) Bump(ctx context.Context) error { return g.rdb.Incr(ctx, g.key).Err() }
