package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/party"
)

const (
	headerRequestID = "X-Request-Id"
	localRequestID  = "requestId"
	localActor      = "actor"
)

// requestContext gives each request an id (the caller's X-Request-Id when it is sane, else a new
// one), returns it in the response, and hands use cases a context bounded by a timeout (the
// bulk routes, a thousand items at a time, by the longer one).
func requestContext(timeout, bulkTimeout time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Get(headerRequestID)
		if !saneRequestID(id) {
			id = newRequestID()
		} else {
			id = utils.CopyString(id) // fiber reuses the header buffer after the request
		}
		c.Locals(localRequestID, id)
		c.Set(headerRequestID, id)
		limit := timeout
		if bulkPaths[c.Path()] {
			limit = bulkTimeout
		}
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

func routeOf(c *fiber.Ctx) string {
	if r := c.Route(); r != nil && r.Path != "" {
		return r.Path
	}
	return "unmatched"
}

// accessLog writes one structured line per request. Headers are not logged: they carry keys.
func accessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			// Let the error handler write the response now, so the log shows the real status.
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []any{"requestId", requestID(c), "method", c.Method(), "route", routeOf(c),
			"status", status, "durationMs", float64(time.Since(start).Microseconds()) / 1000}
		if a, ok := c.Locals(localActor).(app.Actor); ok {
			attrs = append(attrs, "org", a.OrgID)
		}
		log.Log(c.UserContext(), level, "request", attrs...)
		return nil
	}
}

// metrics counts requests and their latency by route template and status.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "silkgate_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "silkgate_http_request_duration_seconds", Help: "HTTP request latency by method, route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *metrics) handler(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next() // accessLog below has already turned errors into responses
	status := strconv.Itoa(c.Response().StatusCode())
	route, method := routeOf(c), utils.CopyString(c.Method())
	m.requests.WithLabelValues(method, route, status).Inc()
	m.latency.WithLabelValues(method, route, status).Observe(time.Since(start).Seconds())
	return err
}

// authenticate resolves the bearer key to an actor; everything under /v1 needs one but signing
// in (POST /v1/sessions). A session's token (account.TokenPrefix) stands for its user.
func authenticate(parties *app.Parties, accounts *app.Accounts) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() == fiber.MethodPost && c.Path() == "/v1/sessions" {
			return c.Next() // signing in is what gets a bearer
		}
		h := c.Get(fiber.HeaderAuthorization)
		scheme, key, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="silkgate"`)
			return errMissingKey
		}
		key = strings.TrimSpace(key)
		var actor app.Actor
		var err error
		if strings.HasPrefix(key, account.TokenPrefix) && accounts != nil {
			actor, _, err = accounts.Session(c.UserContext(), key)
		} else {
			actor, err = parties.Authenticate(c.UserContext(), key)
		}
		if err != nil {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="silkgate", error="invalid_token"`)
			return err
		}
		if actor.Scope == party.ScopeCustomsGateway && !(c.Method() == fiber.MethodPost && c.Path() == "/v1/singlewindow/receipts") {
			return domain.Errorf(domain.KindForbidden, "scope_limited", "a customs-gateway key may only post receipts")
		}
		c.Locals(localActor, actor)
		return c.Next()
	}
}

func actorOf(c *fiber.Ctx) app.Actor {
	a, _ := c.Locals(localActor).(app.Actor)
	return a
}
