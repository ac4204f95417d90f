package app

import (
	"sync"
	"time"

	"github.com/silkgate/silkgate/domain/party"
)

// Defaults of the API key cache.
const (
	DefaultKeyCacheTTL = 5 * time.Second // how stale a key another process revoked may be
	maxKeyCacheEntries = 10_000
)

// keyCache remembers, for a few seconds, which actor a key stands for, so that a request does
// not read the key and its organisation from the store every time. It is keyed by the digest
// of the whole key, so a hit proves the secret as a read would. A revocation in this process
// removes the key at once; another process's revocation is seen within the TTL.
type keyCache struct {
	ttl   time.Duration // 0: no cache
	clock Clock
	mu    sync.Mutex
	byKey map[string]cachedActor // party.HashKey(key) → actor
	// revocations counts forget calls: a read that began before one is not cached, since the
	// key it read may be the one just revoked.
	revocations uint64
}

type cachedActor struct {
	actor   Actor
	expires time.Time
}

func newKeyCache(ttl time.Duration, clock Clock) *keyCache {
	return &keyCache{ttl: max(ttl, 0), clock: clock, byKey: map[string]cachedActor{}}
}

// get answers a key seen lately; on a miss, generation is what put needs.
func (c *keyCache) get(key string) (a Actor, ok bool, generation uint64) {
	if c.ttl == 0 {
		return Actor{}, false, 0
	}
	h := party.HashKey(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[h]
	if !ok || !c.clock.Now().Before(e.expires) {
		delete(c.byKey, h)
		return Actor{}, false, c.revocations
	}
	return e.actor, true, c.revocations
}

// put remembers what key stands for, read since get returned generation.
func (c *keyCache) put(key string, a Actor, generation uint64) {
	if c.ttl == 0 {
		return
	}
	now := c.clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if generation != c.revocations {
		return // a key was revoked while this one was read
	}
	if len(c.byKey) >= maxKeyCacheEntries {
		for h, e := range c.byKey { // make room: the expired first, else any (map order)
			if !now.Before(e.expires) || len(c.byKey) >= maxKeyCacheEntries {
				delete(c.byKey, h)
			}
		}
	}
	c.byKey[party.HashKey(key)] = cachedActor{actor: a, expires: now.Add(c.ttl)}
}

// forget drops every cached key of keyID (revoked in this process).
func (c *keyCache) forget(keyID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.revocations++
	for h, e := range c.byKey {
		if e.actor.KeyID == keyID {
			delete(c.byKey, h)
		}
	}
}
