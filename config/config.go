// Package config loads Silkgate's configuration once, from the environment, into one typed
// struct. The defaults run with nothing installed: embedded MongoDB-compatible store, in-memory
// Redis, demo data.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caarlos0/env/v11"

	"github.com/silkgate/silkgate/domain/rail"
)

// Role is which parts of the service this process runs.
type Role string

// Roles: everything in one process, or the HTTP API and the background worker apart.
const (
	RoleAll    Role = "all"
	RoleAPI    Role = "api"
	RoleWorker Role = "worker"
)

// Config is the whole configuration.
type Config struct {
	HTTPAddr           string        `env:"SILKGATE_HTTP_ADDR" envDefault:":8080"`
	DataDir            string        `env:"SILKGATE_DATA_DIR" envDefault:"./data"`
	MongoURI           string        `env:"MONGO_URI"`
	MongoDB            string        `env:"MONGO_DB" envDefault:"silkgate"`
	EmbeddedMongoAddr  string        `env:"SILKGATE_EMBEDDED_MONGO_ADDR" envDefault:"127.0.0.1:27117"`
	RedisURL           string        `env:"REDIS_URL"`
	Queue              string        `env:"SILKGATE_QUEUE" envDefault:"silkgate"`
	Role               Role          `env:"SILKGATE_ROLE" envDefault:"all"`
	OperatorKey        string        `env:"SILKGATE_OPERATOR_KEY"`
	OperatorName       string        `env:"SILKGATE_OPERATOR_NAME" envDefault:"襄阳高新区综合保税区运营中心"`
	Demo               *bool         `env:"SILKGATE_DEMO"` // nil: on in embedded mode, off otherwise
	BodyLimitBytes     int           `env:"SILKGATE_BODY_LIMIT" envDefault:"1048576"`
	BulkBodyLimitBytes int           `env:"SILKGATE_BULK_BODY_LIMIT" envDefault:"16777216"`
	WorkerConcurrency  int           `env:"SILKGATE_WORKER_CONCURRENCY" envDefault:"16"`
	ReconcileInterval  time.Duration `env:"SILKGATE_RECONCILE_INTERVAL" envDefault:"1m"`
	// AgendaRemovalDelay is how long finished work's agenda entries are held before they are
	// taken off in one write with the others finished meanwhile.
	AgendaRemovalDelay time.Duration `env:"SILKGATE_AGENDA_REMOVAL_DELAY" envDefault:"250ms"`
	ShutdownTimeout    time.Duration `env:"SILKGATE_SHUTDOWN_TIMEOUT" envDefault:"25s"`
	RequestTimeout     time.Duration `env:"SILKGATE_REQUEST_TIMEOUT" envDefault:"30s"`
	BulkRequestTimeout time.Duration `env:"SILKGATE_BULK_REQUEST_TIMEOUT" envDefault:"2m"`
	LogLevel           string        `env:"SILKGATE_LOG_LEVEL" envDefault:"info"`

	// MongoSingleConnection says that MONGO_URI names an embedded MongoDB-compatible server this
	// process did not start (the test suites share one): its conditional updates are atomic only
	// through one connection, so the service uses it as it uses its own embedded server — one
	// connection, with the in-process lock per document. One process only, so role all only.
	MongoSingleConnection bool `env:"SILKGATE_MONGO_SINGLE_CONNECTION"`

	// Customs: the Single Window gateway and the zone's customs facts.
	CustomsGateway  string `env:"SILKGATE_CUSTOMS_GATEWAY" envDefault:"simulator"` // simulator | dxp-folder
	DXPDir          string `env:"SILKGATE_DXP_DIR"`                                // default $SILKGATE_DATA_DIR/dxp
	DXPID           string `env:"SILKGATE_DXP_ID" envDefault:"DXPENT0000000001"`
	CustomsDistrict string `env:"SILKGATE_CUSTOMS_DISTRICT" envDefault:"4700"` // [U] Xiangyang's own district code
	// The exit office of a list that names no train booking: Alashankou, where most of the zone's
	// trains to Europe leave [U]. A list that names a booking takes its train's exit office.
	CustomsPort string `env:"SILKGATE_CUSTOMS_PORT" envDefault:"9402"`
	// Exit office codes by location, over the seed table (rail.ExitOfficeAt), e.g.
	// "QINZHOU:7206,NINGBO:3104".
	ExitCustoms        map[string]string `env:"SILKGATE_EXIT_CUSTOMS"`
	CopNoPrefix        string            `env:"SILKGATE_COPNO_PREFIX" envDefault:"SG"`
	CustomsResendAfter time.Duration     `env:"SILKGATE_CUSTOMS_RESEND_AFTER" envDefault:"10m"`
	// The supervised site in the rail yard, named on arrival documents (CEB507): its operator's
	// customs code and name, and the site's code where the district has several [U].
	SiteOperatorCode string `env:"SILKGATE_SITE_OPERATOR_CODE"`
	SiteOperatorName string `env:"SILKGATE_SITE_OPERATOR_NAME"`
	SiteLoctNo       string `env:"SILKGATE_SITE_LOCT_NO"`

	// The simulated customs authority.
	SimSeed            uint64        `env:"SILKGATE_SIM_SEED" envDefault:"1"`
	SimStep            time.Duration `env:"SILKGATE_SIM_STEP" envDefault:"2s"`
	SimReviewShare     float64       `env:"SILKGATE_SIM_REVIEW_SHARE" envDefault:"0.05"`
	SimInspectionShare float64       `env:"SILKGATE_SIM_INSPECTION_SHARE" envDefault:"0.03"`
	SimHighRisk        []string      `env:"SILKGATE_SIM_HIGH_RISK" envDefault:"8507" envSeparator:","`
	SimDuplicateRate   float64       `env:"SILKGATE_SIM_DUPLICATE_RATE" envDefault:"0.05"`
	SimReorderRate     float64       `env:"SILKGATE_SIM_REORDER_RATE" envDefault:"0.05"`
	// How often receipts are fetched from the simulated authority: those due within one window
	// arrive together.
	SimDelivery time.Duration `env:"SILKGATE_SIM_DELIVERY" envDefault:"200ms"`
	// Whether the authority matches every list against its order, payment receipt and waybill
	// (三单对碰), and how long a list waits for missing ones before it is rejected naming them.
	SimMatchDocuments bool          `env:"SILKGATE_SIM_MATCH_DOCUMENTS" envDefault:"true"`
	SimDocumentWait   time.Duration `env:"SILKGATE_SIM_DOCUMENT_WAIT" envDefault:"1h"`

	// The audit log. TrustedProxies are the addresses or CIDR ranges of the reverse proxies in
	// front of the API: only a request coming from one of them has its client address taken
	// from X-Forwarded-For. AuditBuffer is how many entries may wait for the audit writer; one
	// more is dropped and counted (silkgate_audit_entries_total{result="dropped"}).
	TrustedProxies []string `env:"SILKGATE_TRUSTED_PROXIES" envSeparator:","`
	AuditBuffer    int      `env:"SILKGATE_AUDIT_BUFFER" envDefault:"4096"`
	// Webhooks (docs/webhooks.md): whether deliveries may go to loopback and private addresses
	// (tests only), how long a receiver may take, and the retry schedule — the first retry after
	// RetryBase, doubling up to RetryCap, MaxAttempts attempts in all before the subscription is
	// disabled (the defaults spread 18 attempts over about 24 hours).
	WebhookAllowPrivate bool          `env:"SILKGATE_WEBHOOK_ALLOW_PRIVATE" envDefault:"false"`
	WebhookTimeout      time.Duration `env:"SILKGATE_WEBHOOK_TIMEOUT" envDefault:"10s"`
	WebhookRetryBase    time.Duration `env:"SILKGATE_WEBHOOK_RETRY_BASE" envDefault:"30s"`
	WebhookRetryCap     time.Duration `env:"SILKGATE_WEBHOOK_RETRY_CAP" envDefault:"2h"`
	WebhookMaxAttempts  int           `env:"SILKGATE_WEBHOOK_MAX_ATTEMPTS" envDefault:"18"`
	// Rate limits of the API, in requests a second with a burst (0 switches one off): per API
	// key, per organisation (all its keys together), and failed authentications per client
	// address. Idempotency-Key answers are kept IdempotencyTTL; a duplicate of a running request
	// waits up to IdempotencyWait for its answer; an answer over IdempotencyMaxBody is not kept.
	RateLimitKey               float64       `env:"SILKGATE_RATE_LIMIT_KEY" envDefault:"300"`
	RateLimitKeyBurst          int           `env:"SILKGATE_RATE_LIMIT_KEY_BURST" envDefault:"600"`
	RateLimitOrg               float64       `env:"SILKGATE_RATE_LIMIT_ORG" envDefault:"1000"`
	RateLimitOrgBurst          int           `env:"SILKGATE_RATE_LIMIT_ORG_BURST" envDefault:"2000"`
	RateLimitAuthFailures      float64       `env:"SILKGATE_RATE_LIMIT_AUTH_FAILURES" envDefault:"1"`
	RateLimitAuthFailuresBurst int           `env:"SILKGATE_RATE_LIMIT_AUTH_FAILURES_BURST" envDefault:"30"`
	IdempotencyTTL             time.Duration `env:"SILKGATE_IDEMPOTENCY_TTL" envDefault:"24h"`
	IdempotencyWait            time.Duration `env:"SILKGATE_IDEMPOTENCY_WAIT" envDefault:"10s"`
	IdempotencyMaxBody         int           `env:"SILKGATE_IDEMPOTENCY_MAX_BODY" envDefault:"4194304"`
	// The web console's sessions: closed after SessionIdle unused, and SessionMax after sign-in
	// however used. PasswordCost is bcrypt's cost for users' passwords (4–31).
	SessionIdle  time.Duration `env:"SILKGATE_SESSION_IDLE" envDefault:"30m"`
	SessionMax   time.Duration `env:"SILKGATE_SESSION_MAX" envDefault:"12h"`
	PasswordCost int           `env:"SILKGATE_PASSWORD_COST" envDefault:"10"`
}

// TrustedProxyPrefixes are TrustedProxies as address ranges (a bare address is a range of one).
func (c Config) TrustedProxyPrefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range c.TrustedProxies {
		if p, err := parsePrefix(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// Load reads the environment (or the given map, for tests) and validates the result. Every
// problem is named by its variable.
func Load(environ map[string]string) (Config, error) {
	var c Config
	opts := env.Options{}
	if environ != nil {
		opts.Environment = environ
	}
	if err := env.ParseWithOptions(&c, opts); err != nil {
		return Config{}, nameVariables(err)
	}
	return c, c.validate()
}

// Embedded reports whether the service runs its own stores.
func (c Config) Embedded() bool { return c.MongoURI == "" || c.RedisURL == "" }

// DemoData reports whether demo organisations are seeded.
func (c Config) DemoData() bool {
	if c.Demo != nil {
		return *c.Demo
	}
	return c.MongoURI == ""
}

// RunsAPI reports whether this process serves HTTP.
func (c Config) RunsAPI() bool { return c.Role == RoleAll || c.Role == RoleAPI }

// RunsWorker reports whether this process runs background tasks.
func (c Config) RunsWorker() bool { return c.Role == RoleAll || c.Role == RoleWorker }

func (c Config) validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
	}
	switch c.Role {
	case RoleAll:
	case RoleAPI, RoleWorker:
		if c.MongoURI == "" || c.RedisURL == "" {
			bad("SILKGATE_ROLE", "%q needs MONGO_URI and REDIS_URL: the embedded stores serve one process only", c.Role)
		}
	default:
		bad("SILKGATE_ROLE", "must be all, api or worker, not %q", c.Role)
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		bad("SILKGATE_HTTP_ADDR", "must be host:port (e.g. :8080): %v", err)
	}
	if c.MongoSingleConnection && c.Role != RoleAll {
		bad("SILKGATE_MONGO_SINGLE_CONNECTION", "needs SILKGATE_ROLE all: the store's lock is held inside one process")
	}
	if c.MongoURI == "" {
		if _, _, err := net.SplitHostPort(c.EmbeddedMongoAddr); err != nil {
			bad("SILKGATE_EMBEDDED_MONGO_ADDR", "must be host:port: %v", err)
		}
	} else if !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		bad("MONGO_URI", "must start with mongodb:// or mongodb+srv://")
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		bad("REDIS_URL", "must start with redis:// or rediss://")
	}
	if c.MongoDB == "" || strings.ContainsAny(c.MongoDB, `/\. "$`) {
		bad("MONGO_DB", "must be a plain database name")
	}
	if c.DataDir == "" {
		bad("SILKGATE_DATA_DIR", "must not be empty")
	}
	if c.Queue == "" || strings.ContainsAny(c.Queue, " :") {
		bad("SILKGATE_QUEUE", "must be a name without spaces or colons")
	}
	if c.OperatorKey != "" && len(c.OperatorKey) < 16 {
		bad("SILKGATE_OPERATOR_KEY", "must have at least 16 characters")
	}
	if c.BodyLimitBytes < 1024 {
		bad("SILKGATE_BODY_LIMIT", "must be at least 1024 bytes")
	}
	if c.BulkBodyLimitBytes < c.BodyLimitBytes {
		bad("SILKGATE_BULK_BODY_LIMIT", "must be at least SILKGATE_BODY_LIMIT")
	}
	if c.WorkerConcurrency < 1 {
		bad("SILKGATE_WORKER_CONCURRENCY", "must be at least 1")
	}
	if c.ReconcileInterval < time.Second {
		bad("SILKGATE_RECONCILE_INTERVAL", "must be at least 1s")
	}
	if c.AgendaRemovalDelay <= 0 || c.AgendaRemovalDelay > time.Minute {
		bad("SILKGATE_AGENDA_REMOVAL_DELAY", "must be more than 0 and at most 1m")
	}
	if c.RequestTimeout < time.Second {
		bad("SILKGATE_REQUEST_TIMEOUT", "must be at least 1s")
	}
	if c.BulkRequestTimeout < time.Second {
		bad("SILKGATE_BULK_REQUEST_TIMEOUT", "must be at least 1s")
	}
	switch c.CustomsGateway {
	case "simulator", "dxp-folder":
	default:
		bad("SILKGATE_CUSTOMS_GATEWAY", "must be simulator or dxp-folder, not %q", c.CustomsGateway)
	}
	for name, v := range map[string]string{"SILKGATE_CUSTOMS_DISTRICT": c.CustomsDistrict, "SILKGATE_CUSTOMS_PORT": c.CustomsPort} {
		if len(v) != 4 || strings.Trim(v, "0123456789") != "" {
			bad(name, "must be a 4-digit customs district code")
		}
	}
	for loc, v := range c.ExitCustoms {
		if _, ok := rail.ExitOfficeAt(loc, nil); !ok {
			bad("SILKGATE_EXIT_CUSTOMS", "%s is not an exit location (%s)", loc, strings.Join(slices.Sorted(slices.Values(rail.ExitLocations())), ", "))
		} else if len(v) != 4 || strings.Trim(v, "0123456789") != "" {
			bad("SILKGATE_EXIT_CUSTOMS", "%s: %q is not a 4-digit customs district code", loc, v)
		}
	}
	if c.CopNoPrefix == "" || len(c.CopNoPrefix) > 10 || strings.Trim(strings.ToUpper(c.CopNoPrefix), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		bad("SILKGATE_COPNO_PREFIX", "must be 1 to 10 letters or digits")
	}
	if c.CustomsResendAfter < 0 {
		bad("SILKGATE_CUSTOMS_RESEND_AFTER", "must not be negative")
	}
	for name, v := range map[string]float64{"SILKGATE_SIM_REVIEW_SHARE": c.SimReviewShare, "SILKGATE_SIM_INSPECTION_SHARE": c.SimInspectionShare,
		"SILKGATE_SIM_DUPLICATE_RATE": c.SimDuplicateRate, "SILKGATE_SIM_REORDER_RATE": c.SimReorderRate} {
		if v < 0 || v > 1 {
			bad(name, "must be between 0 and 1")
		}
	}
	if c.SimDelivery < 0 {
		bad("SILKGATE_SIM_DELIVERY", "must not be negative")
	}
	// The site's fields go into every arrival document: what CEB507 cannot carry is refused here.
	if n := len(c.SiteOperatorCode); n != 0 && n != 10 && n != 18 {
		bad("SILKGATE_SITE_OPERATOR_CODE", "must be a 10-character customs code or an 18-character USCC")
	}
	if (c.SiteOperatorCode == "") != (c.SiteOperatorName == "") {
		bad("SILKGATE_SITE_OPERATOR_NAME", "the site operator needs both a code and a name, or neither")
	}
	if utf8.RuneCountInString(c.SiteOperatorName) > 100 {
		bad("SILKGATE_SITE_OPERATOR_NAME", "at most 100 characters")
	}
	if len(c.SiteLoctNo) > 10 {
		bad("SILKGATE_SITE_LOCT_NO", "at most 10 characters")
	}
	if c.SimDocumentWait < 0 {
		bad("SILKGATE_SIM_DOCUMENT_WAIT", "must not be negative")
	}
	if c.SimStep < 0 {
		bad("SILKGATE_SIM_STEP", "must not be negative")
	}
	for _, p := range c.TrustedProxies {
		if _, err := parsePrefix(p); err != nil {
			bad("SILKGATE_TRUSTED_PROXIES", "%q is not an IP address or CIDR range", p)
		}
	}
	if c.AuditBuffer < 1 {
		bad("SILKGATE_AUDIT_BUFFER", "must be at least 1")
	}
	if c.WebhookTimeout < time.Millisecond || c.WebhookTimeout > time.Minute {
		bad("SILKGATE_WEBHOOK_TIMEOUT", "must be more than 0 and at most 1m")
	}
	if c.WebhookRetryBase < time.Millisecond || c.WebhookRetryCap < c.WebhookRetryBase {
		bad("SILKGATE_WEBHOOK_RETRY_BASE", "must be at least 1ms and at most SILKGATE_WEBHOOK_RETRY_CAP")
	}
	if c.WebhookMaxAttempts < 1 || c.WebhookMaxAttempts > 50 {
		bad("SILKGATE_WEBHOOK_MAX_ATTEMPTS", "must be from 1 to 50")
	}
	for _, l := range []struct {
		name, burstName string
		rate            float64
		burst           int
	}{{"SILKGATE_RATE_LIMIT_KEY", "SILKGATE_RATE_LIMIT_KEY_BURST", c.RateLimitKey, c.RateLimitKeyBurst},
		{"SILKGATE_RATE_LIMIT_ORG", "SILKGATE_RATE_LIMIT_ORG_BURST", c.RateLimitOrg, c.RateLimitOrgBurst},
		{"SILKGATE_RATE_LIMIT_AUTH_FAILURES", "SILKGATE_RATE_LIMIT_AUTH_FAILURES_BURST", c.RateLimitAuthFailures, c.RateLimitAuthFailuresBurst}} {
		if l.rate < 0 || l.rate > 1e6 || l.rate != l.rate {
			bad(l.name, "must be between 0 (off) and 1000000 requests a second")
		}
		if l.burst < 0 || l.burst > 1e6 {
			bad(l.burstName, "must be between 0 (off) and 1000000")
		} else if l.rate > 0 && l.burst == 0 {
			bad(l.burstName, "must be at least 1 while %s is on (set both to 0 to switch the limit off)", l.name)
		}
	}
	if c.IdempotencyTTL < time.Minute || c.IdempotencyTTL > 30*24*time.Hour {
		bad("SILKGATE_IDEMPOTENCY_TTL", "must be between 1m and 720h")
	}
	if c.IdempotencyWait < 0 || c.IdempotencyWait > 10*time.Minute {
		bad("SILKGATE_IDEMPOTENCY_WAIT", "must be between 0 (no waiting) and 10m")
	}
	if c.IdempotencyMaxBody < 1024 {
		bad("SILKGATE_IDEMPOTENCY_MAX_BODY", "must be at least 1024 bytes")
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		bad("SILKGATE_LOG_LEVEL", "must be debug, info, warn or error")
	}
	// The console's sessions.
	if c.SessionIdle < time.Minute {
		bad("SILKGATE_SESSION_IDLE", "must be at least 1m")
	}
	if c.SessionMax < c.SessionIdle {
		bad("SILKGATE_SESSION_MAX", "must be at least SILKGATE_SESSION_IDLE")
	}
	if c.PasswordCost < 4 || c.PasswordCost > 31 {
		bad("SILKGATE_PASSWORD_COST", "must be from 4 to 31")
	}
	return errors.Join(errs...)
}

// nameVariables rewrites the env library's parse errors, which name Go fields, to name the
// environment variables a person sets.
func nameVariables(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return fmt.Errorf("configuration: %w", err)
	}
	t := reflect.TypeFor[Config]()
	var errs []error
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			if f, ok := t.FieldByName(pe.Name); ok {
				errs = append(errs, fmt.Errorf("%s: cannot read as %s: %w", f.Tag.Get("env"), pe.Type, errors.Unwrap(e)))
				continue
			}
		}
		errs = append(errs, e)
	}
	return fmt.Errorf("configuration: %w", errors.Join(errs...))
}
