package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// WindowLimiter counts attempts (the console's sign-ins) in fixed windows: a counter per key that expires with its window (one
// MULTI of SET NX EX and INCR, so a counter never lives on without its expiry).
type WindowLimiter struct {
	rdb    goredis.UniversalClient
	prefix string
}

// NewWindowLimiter returns a limiter whose keys start with prefix ("silkgate:limits:").
func NewWindowLimiter(rdb goredis.UniversalClient, prefix string) *WindowLimiter {
	return &WindowLimiter{rdb: rdb, prefix: prefix}
}

// Allow counts one attempt under key and reports whether it is within limit for the window.
func (l *WindowLimiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	k := l.prefix + key
	var n *goredis.IntCmd
	_, err := l.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.SetNX(ctx, k, 0, window)
		n = p.Incr(ctx, k)
		return nil
	})
	if err != nil {
		return false, err
	}
	return n.Val() <= int64(limit), nil
}
