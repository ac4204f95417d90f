package http

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/silkgate/silkgate/adapters/internal/clientip"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

// Safe retries and fair use of the /v1 API:
//
//   - Rate limits, per API key and per organisation (across all its keys), counted for every
//     authenticated request, and per client address for failed authentications (an address
//     that spent its failures is refused even with a valid key until it recovers, so that key
//     guessing learns nothing). A refused request is 429 rate_limited with Retry-After; every
//     answer carries RateLimit-Limit, -Remaining, -Reset and -Policy. When the limiter cannot be
//     asked (Redis down) requests pass: limits protect the service, and refusing everything
//     would be the outage they are meant to prevent (logged, and counted in
//     silkgate_rate_limit_errors_total).
//   - Idempotency-Key on POST: the first request with a key (per organisation) runs and its
//     answer is kept (IdempotencyTTL, 24 h); the same key with the same request (method, path
//     and query, Content-Type, body) replays that answer, with Idempotent-Replayed: true; with
//     another request it is 422 idempotency_key_reused. A duplicate arriving while the first
//     still runs waits for it (IdempotencyWait) and replays its answer, or is 409
//     idempotency_in_progress if it is still running then. Answers kept: 2xx, 3xx and 4xx except
//     408, 409 and 429 — none of which changed anything, and all of which may pass on a retry —
//     so a retry of those, or of a 5xx, runs again. An answer over IdempotencyMaxBody is not kept
//     either (the key is released). An answer marked Cache-Control: no-store (a new API key's or
//     webhook's secret) is never kept: its retries get 409 idempotent_answer_withheld, with the
//     resource's Location, and make nothing a second time. When the store cannot be asked, a request with a key is 503
//     idempotency_unavailable: a caller that asked for at-most-once must not get at-least-once
//     silently. A request without the header is untouched.

// headerIdempotencyKey and the other headers of this file.
const (
	headerIdempotencyKey      = "Idempotency-Key"
	headerIdempotentReplayed  = "Idempotent-Replayed"
	headerRateLimitLimit      = "RateLimit-Limit"
	headerRateLimitRemaining  = "RateLimit-Remaining"
	headerRateLimitReset      = "RateLimit-Reset"
	headerRateLimitPolicy     = "RateLimit-Policy"
	defaultIdempotencyTTL     = 24 * time.Hour
	defaultIdempotencyWait    = 10 * time.Second
	defaultIdempotencyMaxBody = 4 << 20
	// limiterTimeout bounds the rate-limit check: a Redis that does not answer lets requests
	// through after this, rather than holding each of them for the client's own timeouts.
	limiterTimeout = time.Second
)

// keptHeaders are the headers of an answer kept with it for replay.
var keptHeaders = []string{fiber.HeaderContentType, fiber.HeaderLocation, fiber.HeaderContentDisposition, fiber.HeaderCacheControl}

// statusProblem is a problem with a status of its own (not a domain error): 429, 409 and 503 of
// the guards, and their 400 and 422 naming the Idempotency-Key header.
type statusProblem struct {
	status         int
	code           domain.Code
	message, field string
}

func (e *statusProblem) Error() string { return e.message }

type guard struct {
	limiter             app.RateLimiter
	store               app.IdempotencyStore
	ttl, wait           time.Duration
	maxBody             int
	trusted             []netip.Prefix // reverse proxies whose X-Forwarded-For is believed
	runFor, bulkRunFor  time.Duration
	log                 *slog.Logger
	limited, idempotent *prometheus.CounterVec
	limiterErrors       prometheus.Counter
}

func newGuard(o Options, reg prometheus.Registerer) *guard {
	g := &guard{limiter: o.RateLimiter, store: o.Idempotency, ttl: o.IdempotencyTTL, wait: o.IdempotencyWait,
		maxBody: o.IdempotencyMaxBody, log: o.Log, trusted: o.TrustedProxies,
		// A claim outlives the longest the request may work, so that only a dead process leaves
		// one behind, and not for long.
		runFor: o.RequestTimeout + 30*time.Second, bulkRunFor: o.BulkRequestTimeout + 30*time.Second,
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "silkgate_rate_limited_total", Help: "Requests refused with 429, by the limit that refused them (key, org, ip).",
		}, []string{"limit"}),
		limiterErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "silkgate_rate_limit_errors_total", Help: "Requests let through unlimited because the rate limiter could not be asked.",
		}),
		idempotent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "silkgate_idempotency_requests_total",
			Help: "POST requests with an Idempotency-Key, by outcome: executed (answer kept), released (answer not kept), replayed, reused (422), in_progress (409), unavailable (503).",
		}, []string{"outcome"}),
	}
	if g.ttl <= 0 {
		g.ttl = defaultIdempotencyTTL
	}
	if g.wait == 0 {
		g.wait = defaultIdempotencyWait
	}
	g.wait = max(g.wait, 0)
	if g.maxBody <= 0 {
		g.maxBody = defaultIdempotencyMaxBody
	}
	reg.MustRegister(g.limited, g.limiterErrors, g.idempotent)
	return g
}

// authFailures counts a failed authentication against the client address; over its limit the
// answer is 429 instead of 401. It runs before authenticate.
func (g *guard) authFailures(c *fiber.Ctx) error {
	err := c.Next()
	var de *domain.Error
	if err == nil || g.limiter == nil || c.Locals(localActor) != nil || !errors.As(err, &de) || de.Kind != domain.KindUnauthorized {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), limiterTimeout)
	defer cancel()
	d, lerr := g.limiter.Failed(ctx, clientip.Of(c, g.trusted))
	if lerr != nil {
		g.limiterFailed(c, lerr)
		return err
	}
	if !d.Allowed {
		c.Response().Header.Del(fiber.HeaderWWWAuthenticate)
		return g.refuse(c, d)
	}
	return err
}

// rateLimit counts an authenticated request against its key's and organisation's limits.
func (g *guard) rateLimit(c *fiber.Ctx) error {
	if g.limiter == nil {
		return c.Next()
	}
	a := actorOf(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), limiterTimeout)
	d, err := g.limiter.Allow(ctx, app.RateSubject{KeyID: a.KeyID, UserID: a.UserID, OrgID: a.OrgID, IP: clientip.Of(c, g.trusted)})
	cancel()
	if err != nil {
		g.limiterFailed(c, err)
		return c.Next()
	}
	if !d.Allowed {
		return g.refuse(c, d)
	}
	setRateLimitHeaders(c, d)
	return c.Next()
}

func (g *guard) limiterFailed(c *fiber.Ctx, err error) {
	g.limiterErrors.Inc()
	g.log.Warn("rate limiter unavailable; request let through", "requestId", requestID(c), "err", err)
}

// limitNames say in a refusal whose limit it was.
var limitNames = map[string]string{
	"key":  "this API key / 此 API 密钥",
	"user": "this user / 此用户",
	"org":  "this organisation (all its keys) / 本机构（所有密钥合计）",
	"ip":   "failed authentications from this address / 此地址的认证失败次数",
}

func (g *guard) refuse(c *fiber.Ctx, d app.RateDecision) error {
	g.limited.WithLabelValues(d.Denied).Inc()
	setRateLimitHeaders(c, d)
	retry := max(1, int(math.Ceil(d.RetryAfter.Seconds())))
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retry))
	var r app.Rate
	for _, s := range d.States {
		if s.Name == d.Denied {
			r = s.Rate
		}
	}
	return &statusProblem{status: fiber.StatusTooManyRequests, code: "rate_limited",
		message: fmt.Sprintf("too many requests for %s: the limit is %s a second with bursts of %d (limit %q); retry after %d s / 请求过于频繁，请 %d 秒后重试",
			limitNames[d.Denied], strconv.FormatFloat(r.PerSecond, 'f', -1, 64), r.Burst, d.Denied, retry, retry)}
}

// setRateLimitHeaders describes the limit nearest to refusing (RateLimit-Limit, -Remaining,
// -Reset: draft-ietf-httpapi-ratelimit-headers) and every limit that applies (RateLimit-Policy:
// the burst, the window in seconds in which a spent burst comes back, and the limit's name).
// The address's failure limit is shown only when it refuses.
func setRateLimitHeaders(c *fiber.Ctx, d app.RateDecision) {
	var tightest *app.RateState
	var policies []string
	for i, s := range d.States {
		if s.Name == "ip" && d.Denied != "ip" {
			continue
		}
		if tightest == nil || s.Name == d.Denied || (d.Denied == "" && s.Remaining < tightest.Remaining) {
			tightest = &d.States[i]
		}
		window := max(1, int(math.Ceil(float64(s.Rate.Burst)/s.Rate.PerSecond)))
		policies = append(policies, fmt.Sprintf("%d;w=%d;name=%q", s.Rate.Burst, window, s.Name))
	}
	if tightest == nil {
		return
	}
	c.Set(headerRateLimitLimit, strconv.Itoa(tightest.Rate.Burst))
	c.Set(headerRateLimitRemaining, strconv.Itoa(tightest.Remaining))
	c.Set(headerRateLimitReset, strconv.Itoa(int(math.Ceil(tightest.Reset.Seconds()))))
	c.Set(headerRateLimitPolicy, strings.Join(policies, ", "))
}

// validIdempotencyKey: 1 to 255 printable ASCII characters.
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// fingerprint identifies a request: the same key may only be sent again with the same one.
func fingerprint(c *fiber.Ctx) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(c.Method()), []byte(c.OriginalURL()), c.Request().Header.ContentType(), c.Body()} {
		h.Write([]byte(strconv.Itoa(len(part)) + ":"))
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// idempotency runs a POST with an Idempotency-Key at most once per organisation and key.
func (g *guard) idempotency(c *fiber.Ctx) error {
	if g.store == nil || c.Method() != fiber.MethodPost || actorOf(c).OrgID == "" {
		return c.Next() // keys are per organisation: signing in (no one yet) runs as sent
	}
	raw := c.Request().Header.Peek(headerIdempotencyKey)
	if raw == nil {
		return c.Next()
	}
	key := string(raw) // a copy: fasthttp reuses its buffers
	if !validIdempotencyKey(key) {
		return &statusProblem{status: fiber.StatusBadRequest, code: "invalid_idempotency_key", field: headerIdempotencyKey,
			message: "Idempotency-Key must be 1 to 255 printable ASCII characters / Idempotency-Key 须为 1 至 255 个可打印 ASCII 字符"}
	}
	org, fp := actorOf(c).OrgID, fingerprint(c)
	runFor := g.runFor
	if bulkPaths[c.Path()] {
		runFor = g.bulkRunFor
	}
	ctx := c.UserContext()
	deadline := time.Now().Add(g.wait)
	pause := 10 * time.Millisecond
	for {
		token, rec, err := g.store.Claim(ctx, org, key, fp, runFor)
		switch {
		case err != nil:
			g.idempotent.WithLabelValues("unavailable").Inc()
			g.log.Error("idempotency store unavailable", "requestId", requestID(c), "err", err)
			return &statusProblem{status: fiber.StatusServiceUnavailable, code: "idempotency_unavailable",
				message: "idempotency keys cannot be checked just now; try again later (with the same key) / 暂时无法校验幂等键，请稍后用同一键重试"}
		case token != "":
			return g.runOnce(c, org, key, token, fp)
		case rec.Fingerprint != fp:
			g.idempotent.WithLabelValues("reused").Inc()
			return &statusProblem{status: fiber.StatusUnprocessableEntity, code: "idempotency_key_reused", field: headerIdempotencyKey,
				message: "this Idempotency-Key was used for a different request (method, path, or body); use a new key for a new request / 此幂等键已用于另一请求，新请求请使用新键"}
		case rec.Done && rec.Response != nil:
			g.idempotent.WithLabelValues("replayed").Inc()
			for k, v := range rec.Response.Headers {
				c.Set(k, v)
			}
			c.Set(headerIdempotentReplayed, "true")
			return c.Status(rec.Response.Status).Send(rec.Response.Body)
		}
		// The first request with this key is still running: wait for its answer.
		if time.Now().Add(pause).After(deadline) {
			g.idempotent.WithLabelValues("in_progress").Inc()
			return &statusProblem{status: fiber.StatusConflict, code: "idempotency_in_progress", field: headerIdempotencyKey,
				message: "a request with this Idempotency-Key is still running; retry later for its answer / 使用此幂等键的请求仍在处理中，请稍后重试"}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// runOnce runs the request that claimed the key and keeps its answer, or releases the key.
func (g *guard) runOnce(c *fiber.Ctx, org, key, token, fp string) error {
	if err := c.Next(); err != nil {
		// The answer is written here, not by the access log, so that it can be kept.
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	res := c.Response()
	status, body := res.StatusCode(), res.Body()
	// The request's own context may be spent (a timeout): settling gets a few seconds of its own.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// A secret is never kept: an answer marked no-store (a new API key or webhook secret) is kept
	// as a 409 saying the request succeeded, where, and that its answer was shown once — a retry
	// then makes no second key or subscription, and the secret stays only in its hash.
	noStore := strings.Contains(string(res.Header.Peek(fiber.HeaderCacheControl)), "no-store")
	if keepable(status) && (len(body) <= g.maxBody || noStore) {
		kept := app.IdempotentResponse{Status: status, Body: append([]byte(nil), body...), Headers: map[string]string{}}
		for _, h := range keptHeaders {
			if v := res.Header.Peek(h); len(v) > 0 {
				kept.Headers[h] = string(v)
			}
		}
		if noStore {
			kept = withheldAnswer(status, kept.Headers[fiber.HeaderLocation], requestID(c))
		}
		if err := g.store.Complete(ctx, org, key, token, fp, kept, g.ttl); err != nil {
			g.log.Warn("idempotent answer not kept", "requestId", requestID(c), "status", status, "err", err)
		}
		g.idempotent.WithLabelValues("executed").Inc()
		return nil
	}
	if err := g.store.Release(ctx, org, key, token); err != nil && !errors.Is(err, app.ErrClaimLost) {
		g.log.Warn("idempotency key not released; it frees itself when its claim expires", "requestId", requestID(c), "err", err)
	}
	if keepable(status) {
		g.log.Warn("idempotent answer too large to keep; the key is released", "requestId", requestID(c), "bytes", len(body))
	}
	g.idempotent.WithLabelValues("released").Inc()
	return nil
}

// withheldAnswer is what a retry of a request whose answer carried a secret gets instead of
// that answer: 409 idempotent_answer_withheld, naming the first answer's status, its request and
// where the resource is (Location).
func withheldAnswer(status int, location, firstRequestID string) app.IdempotentResponse {
	p := problem{Status: fiber.StatusConflict, Code: "idempotent_answer_withheld", RequestID: firstRequestID,
		Title: utils.StatusMessage(fiber.StatusConflict), Type: "/problems/idempotent_answer_withheld",
		Detail: fmt.Sprintf("the request with this Idempotency-Key succeeded (%d, request %s) but its answer carried a secret shown only once and is not kept; "+
			"read the resource at its Location, or rotate or reissue the secret / 此幂等键的请求已成功（%d，请求 %s），但其应答含仅显示一次的密钥，未予保存；请按 Location 读取资源，或轮换、重新签发密钥",
			status, firstRequestID, status, firstRequestID)}
	p.Errors = []domain.FieldError{{Field: headerIdempotencyKey, Code: p.Code, Message: p.Detail}}
	body, _ := marshalJSON(p)
	headers := map[string]string{fiber.HeaderContentType: "application/problem+json"}
	if location != "" {
		headers[fiber.HeaderLocation] = location
	}
	return app.IdempotentResponse{Status: fiber.StatusConflict, Body: body, Headers: headers}
}

// keepable says which answers are kept for replay (see the top of this file).
func keepable(status int) bool {
	return status < 500 && status != fiber.StatusRequestTimeout && status != fiber.StatusConflict && status != fiber.StatusTooManyRequests
}

// problem fills in the problem document of a statusProblem.
func (e *statusProblem) problem(p *problem) {
	p.Status, p.Code, p.Detail = e.status, e.code, e.message
	if e.field != "" {
		p.Errors = []domain.FieldError{{Field: e.field, Code: e.code, Message: e.message}}
	}
}
