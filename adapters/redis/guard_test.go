package redis_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
	"github.com/silkgate/silkgate/app"
)

func allow(t *testing.T, l *redis.Limiter, s app.RateSubject) app.RateDecision {
	t.Helper()
	d, err := l.Allow(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLimiterBurstAndRetryAfter: a key takes its burst at once, the next request is refused by
// the key's limit for at most one emission interval, and nothing refused is counted.
func TestLimiterBurstAndRetryAfter(t *testing.T) {
	l := redis.NewLimiter(redistest.New(t), redistest.Namespace(), redis.LimiterConfig{
		Key: app.Rate{PerSecond: 10, Burst: 3}, Org: app.Rate{PerSecond: 0.01, Burst: 1000}})
	s := app.RateSubject{KeyID: "k1", OrgID: "o1"}
	for i := range 3 {
		d := allow(t, l, s)
		if !d.Allowed || len(d.States) != 2 || d.States[0].Name != "key" || d.States[0].Remaining != 2-i {
			t.Fatalf("request %d: %+v, want allowed with %d left on the key", i, d, 2-i)
		}
		if d.States[1].Name != "org" || d.States[1].Remaining != 999-i {
			t.Fatalf("request %d: org %+v, want %d left", i, d.States[1], 999-i)
		}
	}
	d := allow(t, l, s)
	if d.Allowed || d.Denied != "key" || d.RetryAfter <= 0 || d.RetryAfter > 100*time.Millisecond {
		t.Fatalf("4th request: %+v, want refused by key, retry within 100ms", d)
	}
	if d.States[0].Remaining != 0 || d.States[0].Reset <= 200*time.Millisecond || d.States[0].Reset > 300*time.Millisecond {
		t.Errorf("key state %+v, want 0 left and full again in (200ms, 300ms]", d.States[0])
	}
	// The refused request was not counted against the organisation.
	if d.States[1].Remaining != 997 {
		t.Errorf("org state %+v, want 997 left (refused requests are not counted)", d.States[1])
	}
}

// TestLimiterRefills: after an emission interval a spent key may send again.
func TestLimiterRefills(t *testing.T) {
	l := redis.NewLimiter(redistest.New(t), redistest.Namespace(), redis.LimiterConfig{Key: app.Rate{PerSecond: 100, Burst: 2}})
	s := app.RateSubject{KeyID: "k", OrgID: "o"}
	allow(t, l, s)
	allow(t, l, s)
	d := allow(t, l, s)
	if d.Allowed {
		t.Fatalf("3rd request at once allowed: %+v", d)
	}
	time.Sleep(d.RetryAfter + time.Millisecond)
	if d := allow(t, l, s); !d.Allowed || len(d.States) != 1 {
		t.Fatalf("after Retry-After: %+v, want allowed (and no org limit: it is off)", d)
	}
}

// TestLimiterPerOrgAcrossKeys: two keys of one organisation share its limit; a key of another
// organisation does not.
func TestLimiterPerOrgAcrossKeys(t *testing.T) {
	l := redis.NewLimiter(redistest.New(t), redistest.Namespace(), redis.LimiterConfig{
		Key: app.Rate{PerSecond: 1, Burst: 10}, Org: app.Rate{PerSecond: 1, Burst: 4}})
	a1, a2, b := app.RateSubject{KeyID: "a1", OrgID: "A"}, app.RateSubject{KeyID: "a2", OrgID: "A"}, app.RateSubject{KeyID: "b", OrgID: "B"}
	for range 2 {
		if !allow(t, l, a1).Allowed || !allow(t, l, a2).Allowed {
			t.Fatal("refused within the organisation's burst")
		}
	}
	if d := allow(t, l, a2); d.Allowed || d.Denied != "org" || d.RetryAfter <= 0 || d.RetryAfter > time.Second {
		t.Fatalf("5th request of A: %+v, want refused by org within 1s", d)
	}
	if d := allow(t, l, a1); d.Allowed || d.Denied != "org" {
		t.Fatalf("A's other key: %+v, want refused by org", d)
	}
	// a1's own limit was not charged for the refusal: 8 of 10 left once the org allows again.
	if d := allow(t, l, b); !d.Allowed || d.States[0].Remaining != 9 {
		t.Fatalf("B: %+v, want allowed with 9 left on its key", d)
	}
}

// TestLimiterFailedAuthentications: failures are counted per address; once an address is spent,
// even a valid key's requests from it are refused (so guessing cannot tell a hit from a miss),
// while other addresses go on.
func TestLimiterFailedAuthentications(t *testing.T) {
	ctx := context.Background()
	l := redis.NewLimiter(redistest.New(t), redistest.Namespace(), redis.LimiterConfig{
		Key: app.Rate{PerSecond: 100, Burst: 100}, FailedIPs: app.Rate{PerSecond: 0.5, Burst: 3}})
	for i := range 3 {
		if d, err := l.Failed(ctx, "10.0.0.1"); err != nil || !d.Allowed {
			t.Fatalf("failure %d: %+v %v, want counted and allowed", i, d, err)
		}
	}
	if d, err := l.Failed(ctx, "10.0.0.1"); err != nil || d.Allowed || d.Denied != "ip" || d.RetryAfter > 2*time.Second {
		t.Fatalf("4th failure: %+v %v, want refused by ip within 2s", d, err)
	}
	if d := allow(t, l, app.RateSubject{KeyID: "k", OrgID: "o", IP: "10.0.0.1"}); d.Allowed || d.Denied != "ip" {
		t.Fatalf("valid key from the spent address: %+v, want refused by ip", d)
	}
	if d := allow(t, l, app.RateSubject{KeyID: "k", OrgID: "o", IP: "10.0.0.2"}); !d.Allowed || d.States[0].Remaining != 99 {
		t.Fatalf("valid key from another address: %+v, want allowed, counted once", d)
	}
}

// TestLimiterConcurrent: 50 concurrent requests against a burst of 20 — exactly 20 pass, across
// clients (the script is atomic).
func TestLimiterConcurrent(t *testing.T) {
	l := redis.NewLimiter(redistest.New(t), redistest.Namespace(), redis.LimiterConfig{Key: app.Rate{PerSecond: 0.001, Burst: 20}})
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := l.Allow(context.Background(), app.RateSubject{KeyID: "k", OrgID: "o"})
			if err != nil {
				t.Error(err)
				return
			}
			if d.Allowed {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 20 {
		t.Errorf("%d of 50 allowed, want 20", allowed)
	}
}

// TestIdempotencyStore: a claim holds the key, others see the running record; completing keeps
// the answer; a release frees the key; a stale token changes nothing; keys are per organisation.
func TestIdempotencyStore(t *testing.T) {
	ctx := context.Background()
	s := redis.NewIdempotency(redistest.New(t), redistest.Namespace())
	tok, _, err := s.Claim(ctx, "A", "key-1", "fp1", time.Minute)
	if err != nil || tok == "" {
		t.Fatalf("first claim: %q %v", tok, err)
	}
	tok2, rec, err := s.Claim(ctx, "A", "key-1", "fp2", time.Minute)
	if err != nil || tok2 != "" || rec.Done || rec.Fingerprint != "fp1" || rec.Token != "" {
		t.Fatalf("second claim: %q %+v %v, want the running record of fp1", tok2, rec, err)
	}
	if tokB, _, err := s.Claim(ctx, "B", "key-1", "fp1", time.Minute); err != nil || tokB == "" {
		t.Fatalf("the same key in another organisation: %q %v, want a claim of its own", tokB, err)
	}
	if err := s.Complete(ctx, "A", "key-1", "stale", "fp1", app.IdempotentResponse{Status: 500}, time.Hour); !errors.Is(err, app.ErrClaimLost) {
		t.Fatalf("complete with a wrong token: %v, want ErrClaimLost", err)
	}
	body := []byte(`{"id":"x"}`)
	if err := s.Complete(ctx, "A", "key-1", tok, "fp1", app.IdempotentResponse{Status: 201,
		Headers: map[string]string{"Content-Type": "application/json"}, Body: body}, time.Hour); err != nil {
		t.Fatal(err)
	}
	_, rec, err = s.Claim(ctx, "A", "key-1", "fp1", time.Minute)
	if err != nil || !rec.Done || rec.Fingerprint != "fp1" || rec.Response == nil || rec.Response.Status != 201 ||
		string(rec.Response.Body) != string(body) || rec.Response.Headers["Content-Type"] != "application/json" {
		t.Fatalf("after completion: %+v %v, want the kept answer", rec, err)
	}
	if err := s.Release(ctx, "A", "key-1", tok); !errors.Is(err, app.ErrClaimLost) {
		t.Fatalf("release of a completed key: %v, want ErrClaimLost (kept answers stay)", err)
	}

	tok, _, _ = s.Claim(ctx, "A", "key-2", "fp", time.Minute)
	if err := s.Release(ctx, "A", "key-2", tok); err != nil {
		t.Fatal(err)
	}
	if again, _, err := s.Claim(ctx, "A", "key-2", "fp", time.Minute); err != nil || again == "" {
		t.Fatalf("claim after release: %q %v, want a new claim", again, err)
	}

	// A claim that expires (its process died) frees the key.
	tok, _, _ = s.Claim(ctx, "A", "key-3", "fp", 20*time.Millisecond)
	time.Sleep(40 * time.Millisecond)
	if again, _, err := s.Claim(ctx, "A", "key-3", "fp", time.Minute); err != nil || again == "" || again == tok {
		t.Fatalf("claim after expiry: %q %v, want a new claim", again, err)
	}
	if err := s.Complete(ctx, "A", "key-3", tok, "fp", app.IdempotentResponse{Status: 201}, time.Hour); !errors.Is(err, app.ErrClaimLost) {
		t.Fatalf("complete of an expired claim: %v, want ErrClaimLost", err)
	}
}

// BenchmarkLimiterAllow is one request's rate-limit check: key, organisation and address in one
// script call.
func BenchmarkLimiterAllow(b *testing.B) {
	l := redis.NewLimiter(redistest.New(b), redistest.Namespace(), redis.LimiterConfig{
		Key: app.Rate{PerSecond: 1e6, Burst: 1e6}, Org: app.Rate{PerSecond: 1e6, Burst: 1e6}, FailedIPs: app.Rate{PerSecond: 1, Burst: 30}})
	ctx := context.Background()
	s := app.RateSubject{KeyID: "k", OrgID: "o", IP: "127.0.0.1"}
	for b.Loop() {
		if _, err := l.Allow(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedisPingBaseline is one round trip to the same Redis that does nothing: the floor
// BenchmarkLimiterAllow stands on (the ratio is what holds on a noisy machine).
func BenchmarkRedisPingBaseline(b *testing.B) {
	rdb := redistest.New(b)
	ctx := context.Background()
	for b.Loop() {
		if err := rdb.Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
	}
}
