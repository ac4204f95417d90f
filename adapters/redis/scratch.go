package redis

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Scratch keeps short-lived values by key, each with its own expiry (SET EX, GET): what a page
// must find again for a while, such as the problems of an upload behind its download link, on
// whichever instance the next request reaches.
type Scratch struct {
	rdb    goredis.UniversalClient
	prefix string
}

// NewScratch returns a scratch store whose keys start with prefix ("silkgate:console:").
func NewScratch(rdb goredis.UniversalClient, prefix string) *Scratch {
	return &Scratch{rdb: rdb, prefix: prefix}
}

// Put stores value under key for ttl.
func (s *Scratch) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return s.rdb.Set(ctx, s.prefix+key, value, ttl).Err()
}

// Get returns the value under key, or nil once it has expired or when there was none.
func (s *Scratch) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.prefix+key).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	return b, err
}

// Claim sets key for ttl only if it is not set (SET NX EX) and reports whether this call set it:
// a one-time token is spent by the first request that claims it.
func (s *Scratch) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return s.rdb.SetNX(ctx, s.prefix+key, 1, ttl).Result()
}

// Drop removes key, so that it may be claimed again.
func (s *Scratch) Drop(ctx context.Context, key string) error {
	return s.rdb.Del(ctx, s.prefix+key).Err()
}
