package redis

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/silkgate/silkgate/app"
)

// Idempotency keeps the idempotency records of POST requests: one Redis string per
// organisation and key, holding the request's fingerprint and, once it has finished, its answer.
// A request claims its key with SET NX (a running record that expires, so that a process dying
// mid-request cannot hold the key for ever); completing or releasing checks the claim's token,
// so that a request whose claim expired cannot overwrite another's.
type Idempotency struct {
	rdb    *goredis.Client
	prefix string
}

var _ app.IdempotencyStore = (*Idempotency)(nil)

// NewIdempotency returns the store under namespace (the queue's name).
func NewIdempotency(rdb *goredis.Client, namespace string) *Idempotency {
	return &Idempotency{rdb: rdb, prefix: namespace + ":idem:"}
}

// redisKey names the record; the client's key is hashed, so that any printable key of up to
// 255 characters makes a short, safe name.
func (s *Idempotency) redisKey(org, key string) string {
	sum := sha256.Sum256([]byte(key))
	return s.prefix + org + ":" + hex.EncodeToString(sum[:])
}

// claimScript sets KEYS[1] to ARGV[1] for ARGV[2] ms unless it exists, and answers nil when it
// did, else the record there.
var claimScript = goredis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return false
end
return redis.call('GET', KEYS[1])
`)

// settleScript replaces (ARGV[2] ms, ARGV[3] the record) or deletes (ARGV[2] = 0) KEYS[1] when
// it still holds the claim with token ARGV[1]; it answers 1 when it did.
var settleScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, rec = pcall(cjson.decode, v)
if not ok or rec.done or rec.token ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
end
return 1
`)

// Claim takes the key, or returns the record holding it.
func (s *Idempotency) Claim(ctx context.Context, org, key, fingerprint string, runFor time.Duration) (string, app.IdempotencyRecord, error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	running, err := json.Marshal(app.IdempotencyRecord{Fingerprint: fingerprint, Token: token})
	if err != nil {
		return "", app.IdempotencyRecord{}, err
	}
	v, err := claimScript.Run(ctx, s.rdb, []string{s.redisKey(org, key)}, running, max(runFor.Milliseconds(), 1)).Text()
	if err == goredis.Nil {
		return token, app.IdempotencyRecord{}, nil
	}
	if err != nil {
		return "", app.IdempotencyRecord{}, fmt.Errorf("idempotency claim: %w", err)
	}
	var rec app.IdempotencyRecord
	if err := json.Unmarshal([]byte(v), &rec); err != nil {
		return "", app.IdempotencyRecord{}, fmt.Errorf("idempotency record: %w", err)
	}
	rec.Token = "" // another request's claim is not the caller's to use
	return "", rec, nil
}

// Complete keeps the answer for keepFor in place of the claim.
func (s *Idempotency) Complete(ctx context.Context, org, key, token, fingerprint string, r app.IdempotentResponse, keepFor time.Duration) error {
	rec, err := json.Marshal(app.IdempotencyRecord{Fingerprint: fingerprint, Done: true, Response: &r})
	if err != nil {
		return err
	}
	return s.settle(ctx, org, key, token, rec, max(keepFor.Milliseconds(), 1))
}

// Release deletes the claim: the next request with the key runs afresh.
func (s *Idempotency) Release(ctx context.Context, org, key, token string) error {
	return s.settle(ctx, org, key, token, nil, 0)
}

func (s *Idempotency) settle(ctx context.Context, org, key, token string, rec []byte, ms int64) error {
	n, err := settleScript.Run(ctx, s.rdb, []string{s.redisKey(org, key)}, token, ms, rec).Int()
	if err != nil {
		return fmt.Errorf("idempotency: %w", err)
	}
	if n == 0 {
		return app.ErrClaimLost
	}
	return nil
}
