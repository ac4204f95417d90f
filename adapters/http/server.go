// Package http is Silkgate's inbound HTTP adapter on fiber v2: routes, API-key authentication,
// strict JSON input, RFC 9457 problem+json errors, request ids, structured access logs,
// Prometheus metrics and the OpenAPI document.
package http

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"log/slog"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

//go:embed openapi.yaml
var openAPIDocument []byte

// Check is a readiness probe of one dependency.
type Check func(ctx context.Context) error

// Options configure the HTTP server.
type Options struct {
	BodyLimit     int              // bytes; larger bodies are refused with 413
	BulkBodyLimit int              // bytes, for the bulk routes (batches and uploads)
	Log           *slog.Logger     // access and error log
	Ready         map[string]Check // dependencies /readyz asks, by name ("mongo", "redis")
	// Metrics are the other adapters' figures /metrics exports beside the HTTP ones (store
	// commands, queue tasks).
	Metrics []prometheus.Collector
	// RequestTimeout bounds a request's work (default 30 s), BulkRequestTimeout that of the bulk
	// routes (default 2 min).
	RequestTimeout, BulkRequestTimeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed for the client's
	// address (the audit log's, and the failed-authentication rate limit's).
	TrustedProxies []netip.Prefix

	// Safe retries and fair use (guard.go); nil switches each off.
	RateLimiter        app.RateLimiter
	Idempotency        app.IdempotencyStore
	IdempotencyTTL     time.Duration // how long an answer is kept for replay (default 24 h)
	IdempotencyWait    time.Duration // how long a duplicate waits for the first request (default 10 s; < 0 not at all)
	IdempotencyMaxBody int           // bytes; a larger answer is not kept (default 4 MiB)

	// Console, when set, adds the web console's routes (outside /v1) before the last handler,
	// which answers every unknown path.
	Console func(f *fiber.App)
}

var errMissingKey = domain.Errorf(domain.KindUnauthorized, "unauthorized", "send Authorization: Bearer <api key>")

// New builds the fiber application serving the use cases.
func New(uc UseCases, o Options) *fiber.App {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.BodyLimit <= 0 {
		o.BodyLimit = 1 << 20
	}
	if o.BulkBodyLimit < o.BodyLimit {
		o.BulkBodyLimit = max(o.BodyLimit, 16<<20)
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 30 * time.Second
	}
	if o.BulkRequestTimeout < o.RequestTimeout {
		o.BulkRequestTimeout = max(o.RequestTimeout, 2*time.Minute)
	}
	f := fiber.New(fiber.Config{
		AppName:               "silkgate",
		BodyLimit:             o.BulkBodyLimit, // the largest any route takes; limitBody narrows it
		ErrorHandler:          errorHandler(o.Log),
		JSONEncoder:           marshalJSON,
		DisableStartupMessage: true,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          max(60*time.Second, o.BulkRequestTimeout),
		IdleTimeout:           120 * time.Second,
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(o.Metrics...)
	m := newMetrics(reg)
	g := newGuard(o, reg)

	f.Use(requestContext(o.RequestTimeout, o.BulkRequestTimeout), m.handler, accessLog(o.Log))

	f.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	f.Get("/readyz", readiness(o.Ready))
	metricsHandler := fasthttpadaptor.NewFastHTTPHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	f.Get("/metrics", func(c *fiber.Ctx) error { metricsHandler(c.Context()); return nil })
	f.Get("/openapi.yaml", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "application/yaml")
		return c.Send(openAPIDocument)
	})

	h := &handlers{parties: uc.Parties, parcels: uc.Parcels, customs: uc.Customs, rail: uc.Rail, bonded: uc.Bonded,
		webhooks: uc.Webhooks, accounts: uc.Accounts, trusted: o.TrustedProxies,
		dashboard: uc.Dashboard}
	v1 := f.Group("/v1", limitBody(o.BodyLimit, o.BulkBodyLimit), g.authFailures, authenticate(uc.Parties, uc.Accounts), g.rateLimit, g.idempotency)
	// The audit log (adapters/http/audit.go): every change request, after authentication.
	if uc.Audit != nil {
		h.audit = uc.Audit
		v1.Use(auditChanges(uc.Audit, o.TrustedProxies))
	}
	v1.Get("/audit-log", h.listAuditLog)
	v1.Post("/orgs", h.registerOrg)
	v1.Get("/orgs", h.listOrgs)
	v1.Get("/orgs/:id", h.getOrg)
	v1.Patch("/orgs/:id", h.patchOrg)
	v1.Post("/orgs/:id/api-keys", h.issueAPIKey)
	v1.Get("/orgs/:id/api-keys", h.listAPIKeys)
	v1.Delete("/api-keys/:keyId", h.revokeAPIKey)
	// Bonded accounts (adapters/http/bonded.go).
	v1.Post("/bonded-accounts", h.registerBondedAccount)
	v1.Get("/bonded-accounts", h.listBondedAccounts)
	v1.Get("/bonded-accounts/:emsNo", h.getBondedAccount)
	v1.Put("/bonded-accounts/:emsNo/state", h.setBondedAccountState)
	v1.Post("/bonded-accounts/:emsNo/items", h.addItemRecord)
	v1.Get("/bonded-accounts/:emsNo/items", h.listItemRecords)
	v1.Get("/bonded-accounts/:emsNo/items/:itemRecordNo", h.getItemRecord)
	v1.Post("/bonded-accounts/:emsNo/receipts", h.receiveGoods)
	v1.Get("/bonded-accounts/:emsNo/movements", h.listMovements)
	v1.Post("/authorizations", h.requestAuthorization)
	v1.Get("/authorizations", h.listAuthorizations)
	v1.Get("/authorizations/:id", h.getAuthorization)
	v1.Post("/authorizations/:id/confirm", h.confirmAuthorization)
	v1.Post("/authorizations/:id/revoke", h.revokeAuthorization)
	v1.Post("/parcels", h.registerParcel)
	v1.Post("/parcels/batch", h.registerBatch)
	v1.Post("/parcels/import", h.importParcels)
	v1.Post("/parcels/arrivals", h.receiveAtYard)
	v1.Get("/parcels", h.listParcels)
	v1.Get("/parcels/:id", h.getParcel)
	v1.Patch("/parcels/:id", h.editParcel)
	v1.Post("/parcels/:id/cancel", h.cancelParcel)
	v1.Get("/tracking/:logisticsNo", h.track)
	v1.Post("/declarations", h.createDeclaration)
	v1.Post("/declarations/submit", h.submitDeclarations)
	v1.Get("/declarations", h.listDeclarations)
	v1.Get("/declarations/:id", h.getDeclaration)
	v1.Get("/declarations/:id/message", h.declarationMessage)
	v1.Post("/declarations/:id/submit", h.submitDeclaration)
	v1.Post("/declarations/:id/generated-entry", h.generatedEntry)
	v1.Get("/declarations/:id/pdf", h.declarationPDF)
	v1.Post("/singlewindow/receipts", h.receiveReceipts)
	v1.Get("/stats/clearance", h.clearanceStats)
	v1.Get("/stats/trains", h.trainStats)
	v1.Get("/routes", h.listRoutes)
	v1.Get("/routes/:code", h.getRoute)
	v1.Put("/routes/:code", h.putRoute)
	v1.Post("/routes/:code/timetable", h.planTimetable)
	v1.Post("/departures", h.planDeparture)
	v1.Get("/departures", h.listDepartures)
	v1.Get("/departures/:id", h.getDeparture)
	v1.Post("/departures/:id/events", h.recordDepartureEvent)
	v1.Post("/departures/:id/cancel", h.cancelDeparture)
	v1.Post("/bookings", h.bookSpace)
	v1.Get("/bookings", h.listBookings)
	v1.Get("/bookings/:id", h.getBooking)
	v1.Post("/bookings/:id/cancel", h.cancelBooking)
	v1.Post("/bookings/:id/containers", h.loadContainer)
	v1.Get("/bookings/:id/consignment-note", h.consignmentNote)
	h.registerWebhookRoutes(v1) // adapters/http/webhooks.go
	// Users who sign in to the console (adapters/http/users.go).
	v1.Post("/orgs/:id/users", h.createUser)
	v1.Get("/orgs/:id/users", h.listUsers)
	v1.Post("/users/me/password", h.changePassword)
	v1.Post("/sessions", h.signIn) // the one route without a key (authenticate lets it through)
	v1.Delete("/sessions/current", h.signOut)
	h.registerDashboardRoutes(v1) // adapters/http/dashboard.go

	if o.Console != nil {
		o.Console(f)
	}

	f.Use(func(c *fiber.Ctx) error {
		return domain.Errorf(domain.KindNotFound, "route_not_found", "no route %s %s", c.Method(), c.Path())
	})
	return f
}

// bulkPaths take bodies up to the bulk limit; every other route the ordinary limit.
var bulkPaths = map[string]bool{"/v1/parcels/batch": true, "/v1/parcels/import": true,
	"/v1/declarations": true, "/v1/declarations/submit": true}

// limitBody refuses a body over the route's limit. The server itself stops at the bulk limit
// before reading; this narrows it for ordinary routes.
func limitBody(limit, bulk int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		n := len(c.Body())
		if n > limit && (!bulkPaths[c.Path()] || n > bulk) {
			return fiber.ErrRequestEntityTooLarge
		}
		return c.Next()
	}
}

// readiness answers 200 when every dependency answers, else 503 naming those that do not.
func readiness(checks map[string]Check) fiber.Handler {
	names := make([]string, 0, len(checks))
	for n := range checks {
		names = append(names, n)
	}
	sort.Strings(names)
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
		defer cancel()
		status := map[string]string{}
		var failing []string
		for _, n := range names {
			if err := checks[n](ctx); err != nil {
				status[n] = "unavailable: " + err.Error()
				failing = append(failing, n)
			} else {
				status[n] = "ok"
			}
		}
		if len(failing) > 0 {
			c.Set(fiber.HeaderContentType, "application/problem+json")
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{
				"type": "/problems/not_ready", "title": "Service Unavailable", "status": 503, "code": "not_ready",
				"detail": strings.Join(failing, ", ") + " not answering", "checks": status,
			}, "application/problem+json")
		}
		return c.JSON(fiber.Map{"status": "ready", "checks": status})
	}
}

// UseCases are the application's use cases the routes call, one value per context.
type UseCases struct {
	Parties *app.Parties
	Parcels *app.Parcels
	Customs *app.Customs
	Rail    *app.Rail
	Bonded  *app.Bonded
	Audit   *app.Audit // nil: no audit log
	// Webhooks are organisations' event subscriptions (adapters/http/webhooks.go).
	Webhooks *app.Webhooks
	// Accounts: the console's users; also lets a session token stand as a bearer.
	Accounts *app.Accounts
	// Dashboard serves GET /v1/dashboard (registerDashboardRoutes).
	Dashboard *app.Dashboard
}

type handlers struct {
	parties *app.Parties
	parcels *app.Parcels
	customs *app.Customs
	rail    *app.Rail
	bonded  *app.Bonded
	audit   *app.Audit
	// webhooks: adapters/http/webhooks.go
	webhooks *app.Webhooks

	accounts *app.Accounts
	trusted  []netip.Prefix // reverse proxies believed for the client's address
	// dashboard serves GET /v1/dashboard (dashboard.go).
	dashboard *app.Dashboard
}

// marshalJSON encodes answers without HTML escaping: "&" in a firm's name stays "&".
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
