package http

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	goredis "github.com/redis/go-redis/v9"

	redisadapter "github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
	"github.com/silkgate/silkgate/app"
)

// guardApp serves handler at POST /v1/x behind the guards, as an authenticated actor.
func guardApp(o Options, handler fiber.Handler) (*fiber.App, *guard) {
	o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	o.RequestTimeout, o.BulkRequestTimeout = 30*time.Second, time.Minute
	g := newGuard(o, prometheus.NewRegistry())
	f := fiber.New(fiber.Config{ErrorHandler: errorHandler(o.Log)})
	f.Use(requestContext(o.RequestTimeout, o.BulkRequestTimeout))
	f.Post("/v1/x", func(c *fiber.Ctx) error {
		c.Locals(localActor, app.Actor{OrgID: "org_1", KeyID: "key_1"})
		return c.Next()
	}, g.rateLimit, g.idempotency, handler)
	return f, g
}

type answer struct {
	status int
	header map[string]string
	body   string
}

func call(t *testing.T, f *fiber.App, idempotencyKey, body string) answer {
	t.Helper()
	req := httptest.NewRequest("POST", "/v1/x", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if idempotencyKey != "" {
		req.Header.Set(headerIdempotencyKey, idempotencyKey)
	}
	res, err := f.Test(req, -1)
	if err != nil {
		t.Error(err)
		return answer{}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	h := map[string]string{}
	for k := range res.Header {
		h[k] = res.Header.Get(k)
	}
	return answer{res.StatusCode, h, string(raw)}
}

func problemCode(t *testing.T, a answer) string {
	t.Helper()
	var p struct{ Code string }
	if err := json.Unmarshal([]byte(a.body), &p); err != nil {
		t.Fatalf("not a problem: %s", a.body)
	}
	return p.Code
}

// TestIdempotencyInProgress: a duplicate that outwaits IdempotencyWait while the first request
// still runs is 409 idempotency_in_progress; once the first has answered, it is replayed.
func TestIdempotencyInProgress(t *testing.T) {
	store := redisadapter.NewIdempotency(redistest.New(t), redistest.Namespace())
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	f, _ := guardApp(Options{Idempotency: store, IdempotencyWait: 30 * time.Millisecond}, func(c *fiber.Ctx) error {
		if calls.Add(1) == 1 {
			close(entered)
			<-release
		}
		return c.Status(201).JSON(fiber.Map{"id": "x1"})
	})
	first := make(chan answer)
	go func() { first <- call(t, f, "k1", `{"a":1}`) }()
	<-entered
	dup := call(t, f, "k1", `{"a":1}`)
	if dup.status != 409 || problemCode(t, dup) != "idempotency_in_progress" {
		t.Fatalf("duplicate while running: %+v, want 409 idempotency_in_progress", dup)
	}
	if reused := call(t, f, "k1", `{"a":2}`); reused.status != 422 || problemCode(t, reused) != "idempotency_key_reused" {
		t.Fatalf("another body while running: %+v, want 422 idempotency_key_reused", reused)
	}
	close(release)
	if a := <-first; a.status != 201 || a.header[headerIdempotentReplayed] != "" {
		t.Fatalf("first: %+v", a)
	}
	if a := call(t, f, "k1", `{"a":1}`); a.status != 201 || a.header[headerIdempotentReplayed] != "true" ||
		a.body != `{"id":"x1"}` || !strings.HasPrefix(a.header["Content-Type"], "application/json") {
		t.Fatalf("after the first answered: %+v, want its answer replayed", a)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
}

// TestIdempotencyFailuresAreNotKept: a 5xx (and a 409) releases the key, so the retry runs;
// its 201 is then kept.
func TestIdempotencyFailuresAreNotKept(t *testing.T) {
	store := redisadapter.NewIdempotency(redistest.New(t), redistest.Namespace())
	var calls atomic.Int32
	f, g := guardApp(Options{Idempotency: store}, func(c *fiber.Ctx) error {
		switch calls.Add(1) {
		case 1:
			return c.Status(503).JSON(fiber.Map{"code": "busy"})
		case 2:
			return c.Status(409).JSON(fiber.Map{"code": "concurrent_update"})
		}
		return c.Status(201).JSON(fiber.Map{"id": "x2"})
	})
	for i, want := range []int{503, 409, 201} {
		if a := call(t, f, "k2", `{}`); a.status != want || a.header[headerIdempotentReplayed] != "" {
			t.Fatalf("attempt %d: %+v, want %d, run afresh", i, a, want)
		}
	}
	if a := call(t, f, "k2", `{}`); a.status != 201 || a.header[headerIdempotentReplayed] != "true" {
		t.Fatalf("after the 201: %+v, want it replayed", a)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("handler ran %d times, want 3", n)
	}
	if got := counterValue(t, g.idempotent.WithLabelValues("released")); got != 2 {
		t.Errorf("released %v, want 2", got)
	}
}

// TestGuardsWithoutRedis: with Redis unreachable the rate limit lets requests through (and
// counts that), while a request with an Idempotency-Key is 503 and does nothing.
func TestGuardsWithoutRedis(t *testing.T) {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	var calls atomic.Int32
	f, g := guardApp(Options{
		RateLimiter: redisadapter.NewLimiter(rdb, "t", redisadapter.LimiterConfig{Key: app.Rate{PerSecond: 1, Burst: 1}}),
		Idempotency: redisadapter.NewIdempotency(rdb, "t"),
	}, func(c *fiber.Ctx) error {
		calls.Add(1)
		return c.Status(201).JSON(fiber.Map{"id": "x3"})
	})
	if a := call(t, f, "", `{}`); a.status != 201 || a.header[headerRateLimitLimit] != "" {
		t.Fatalf("without a key: %+v, want 201 unlimited", a)
	}
	if a := call(t, f, "k3", `{}`); a.status != 503 || problemCode(t, a) != "idempotency_unavailable" {
		t.Fatalf("with a key: %+v, want 503 idempotency_unavailable", a)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
	if got := counterValue(t, g.limiterErrors); got != 2 {
		t.Errorf("limiter errors %v, want 2", got)
	}
}

// counterValue reads a counter.
func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
