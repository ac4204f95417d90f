// Command silkgate runs the Silkgate service: the HTTP API and the background worker, on MongoDB
// and Redis — or, with nothing configured, on an embedded MongoDB-compatible store and an
// in-memory Redis with demo data. This file only wires: configuration → adapters → use cases.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/silkgate/silkgate/adapters/business"
	"github.com/silkgate/silkgate/adapters/consignment"
	"github.com/silkgate/silkgate/adapters/declarationpdf"
	httpadapter "github.com/silkgate/silkgate/adapters/http"
	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/passwords"
	redisadapter "github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/singlewindow"
	"github.com/silkgate/silkgate/adapters/web"
	webhookadapter "github.com/silkgate/silkgate/adapters/webhook"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/config"
	"github.com/silkgate/silkgate/domain/customs"
)

func main() {
	cfg, err := config.Load(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	log := newLogger(os.Stderr, cfg.LogLevel)
	m := NewMain(cfg, log, os.Stdout)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := m.Run(ctx); err != nil {
		log.Error("start-up failed", "err", err)
		m.Close()
		os.Exit(1)
	}
	<-ctx.Done()
	log.Info("shutting down")
	m.Close()
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// Main is the whole service in one value, so that tests can start it on ":0" in a temporary
// folder and stop it again.
type Main struct {
	cfg    config.Config
	log    *slog.Logger
	banner io.Writer

	embeddedMongo *mongo.Embedded
	embeddedRedis *redisadapter.Embedded
	store         *mongo.Store
	copNode       string // this process's node in its copNos, from a number claimed from the store
	rdb           *goredis.Client
	queue         *redisadapter.Queue
	// The use cases, one per context, and the background work that ties them together.
	Parties  *app.Parties
	Parcels  *app.Parcels
	Customs  *app.Customs
	Rail     *app.Rail
	Bonded   *app.Bonded
	Accounts *app.Accounts // the console's users and sessions
	Worker   *app.Worker
	http     *fiber.App
	listener net.Listener
	served   sync.WaitGroup
	worker   *redisadapter.Worker
	dxp      *singlewindow.DXPFolder
	stopDXP  context.CancelFunc

	// Webhooks: subscriptions and signed deliveries (docs/webhooks.md).
	Webhooks       *app.Webhooks
	webhookMetrics *webhookadapter.Metrics
	// Dashboard keeps the dashboards' figures from the event stream (stopDashboard ends it).
	Dashboard     *app.Dashboard
	stopDashboard context.CancelFunc
	dashboardDone chan struct{}

	// Printed at start-up: the operator key generated on an empty database (or, with none
	// configured, that one exists already), and the demo keys.
	GeneratedOperatorKey string
	OperatorKeyExisted   bool
	DemoKeys             []app.DemoKey

	// Audit is the audit log of change requests (API role only); business, the figures counted
	// from the published events (adapters/business).
	Audit     *app.Audit
	business  *business.Publisher
	DemoUsers []app.DemoUser // the console's demo people, printed beside the demo keys
}

// NewMain prepares the service; Run starts it. banner receives the human-readable start-up
// summary (URL, store addresses, keys).
func NewMain(cfg config.Config, log *slog.Logger, banner io.Writer) *Main {
	if banner == nil {
		banner = io.Discard
	}
	return &Main{cfg: cfg, log: log, banner: banner}
}

// Run starts the stores, the use cases, the HTTP server and the worker as the configured role
// asks, and returns once they are serving.
func (m *Main) Run(ctx context.Context) error {
	cfg := m.cfg
	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	// The address is taken first: a start that cannot serve fails before it writes anything
	// (such as a generated operator key that it would then never show). A worker alone serves
	// its /metrics and /healthz there.
	if cfg.RunsAPI() || cfg.RunsWorker() {
		var err error
		if m.listener, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			return fmt.Errorf("SILKGATE_HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
		}
	}

	mongoURI := cfg.MongoURI
	if mongoURI == "" {
		e, err := mongo.StartEmbedded(filepath.Join(cfg.DataDir, "mongo"), cfg.EmbeddedMongoAddr, m.log)
		if err != nil {
			return err
		}
		m.embeddedMongo, mongoURI = e, e.URI()
	}
	store, err := mongo.Connect(startCtx, mongoURI, cfg.MongoDB, m.embeddedMongo != nil || cfg.MongoSingleConnection)
	if err != nil {
		return err
	}
	m.store = store
	store.HoldAgendaRemovals(cfg.AgendaRemovalDelay)
	if err := store.EnsureIndexes(startCtx); err != nil {
		return err
	}
	if m.embeddedMongo != nil {
		if err := m.embeddedMongo.IndexIDs(startCtx); err != nil {
			return err
		}
	}
	processNumber, err := store.ClaimProcessNumber(startCtx)
	if err != nil {
		return err
	}
	m.copNode = customs.CopNoNode(processNumber)
	// Filling the lookup collections from older data happens once, and may take a while.
	backfillCtx, cancelBackfill := context.WithTimeout(ctx, 30*time.Minute)
	err = store.Backfill(backfillCtx)
	cancelBackfill()
	if err != nil {
		return err
	}

	redisURL := cfg.RedisURL
	if redisURL == "" {
		e, err := redisadapter.StartEmbedded()
		if err != nil {
			return err
		}
		m.embeddedRedis, redisURL = e, e.URL()
	}
	if m.rdb, err = redisadapter.Connect(startCtx, redisURL); err != nil {
		return err
	}

	queue := redisadapter.NewQueue(m.rdb, cfg.Queue)
	m.queue = queue
	orgs := mongo.NewOrgs(store)
	gateway, err := m.customsGateway(queue, orgs)
	if err != nil {
		return err
	}
	m.wire(cfg, store, queue, orgs, gateway)
	if err := m.Webhooks.Warm(startCtx); err != nil {
		return err
	}
	operatorKey, err := m.Parties.EnsureOperator(startCtx, cfg.OperatorName, cfg.OperatorKey)
	if err != nil {
		return err
	}
	m.GeneratedOperatorKey, m.OperatorKeyExisted = operatorKey.Generated, operatorKey.Existed
	if err := m.Rail.EnsureLines(startCtx); err != nil {
		return err
	}
	if cfg.DemoData() {
		if m.DemoKeys, err = app.SeedDemo(startCtx, m.Parties, m.Rail, m.Customs); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if err := app.SeedDemoBonded(startCtx, m.Bonded, cfg.CustomsDistrict); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if m.DemoUsers, err = app.SeedDemoUsers(startCtx, m.Accounts); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}

	if cfg.RunsWorker() {
		handlers := m.Worker.TaskHandlers()
		handlers[app.TaskWebhookDeliver] = m.Webhooks.Deliver
		m.worker = redisadapter.NewWorker(m.rdb, handlers, redisadapter.WorkerOptions{
			Queue: cfg.Queue, Concurrency: cfg.WorkerConcurrency, ReconcileInterval: cfg.ReconcileInterval,
			ShutdownTimeout: cfg.ShutdownTimeout * 4 / 5, Log: m.log, // leave time to close the stores
			// Webhook retries wait as their backoff says; retries shorter than asynq's 5 s look
			// (tests) are looked for as often as they are due.
			RetryDelay:   map[string]func(int) time.Duration{app.TaskWebhookDeliver: m.Webhooks.RetryDelay},
			DelayedCheck: min(5*time.Second, max(cfg.WebhookRetryBase, 100*time.Millisecond)),
		})
		if err := m.worker.Start(); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		// Webhook deliveries still owed are queued again (an in-memory queue lost them).
		if err := m.Webhooks.ResumeDeliveries(startCtx); err != nil {
			m.log.Warn("webhook deliveries not resumed", "err", err)
		}
		if err := m.startDashboard(startCtx); err != nil {
			return err
		}
		if m.dxp != nil {
			pollCtx, stop := context.WithCancel(context.Background())
			m.stopDXP = stop
			m.served.Add(1)
			go func() { defer m.served.Done(); m.dxp.Run(pollCtx) }()
		}
	}
	if cfg.RunsAPI() {
		m.Audit = app.NewAudit(app.AuditPorts{Basics: app.Basics{Log: m.log}, Store: mongo.NewAuditLog(store), Buffer: cfg.AuditBuffer})
		// The web console, under / beside the API (adapters/web).
		console, err := web.New(web.UseCases{Accounts: m.Accounts, Parties: m.Parties, Parcels: m.Parcels, Audit: m.Audit,
			Customs: m.Customs, Rail: m.Rail,
			Dashboard: m.Dashboard},
			web.Options{Log: m.log, TrustedProxies: cfg.TrustedProxyPrefixes()})
		if err != nil {
			return fmt.Errorf("console: %w", err)
		}
		scratch := redisadapter.NewScratch(m.rdb, cfg.Queue+":console:")
		console.KeepUploadsIn(scratch)    // an upload's problems, for their download
		console.KeepFormTokensIn(scratch) // spent one-time form tokens
		m.http = httpadapter.New(httpadapter.UseCases{Parties: m.Parties, Parcels: m.Parcels, Customs: m.Customs, Rail: m.Rail, Bonded: m.Bonded,
			Audit: m.Audit, Webhooks: m.Webhooks, Accounts: m.Accounts,
			Dashboard: m.Dashboard}, httpadapter.Options{
			BodyLimit: cfg.BodyLimitBytes, BulkBodyLimit: cfg.BulkBodyLimitBytes, Log: m.log,
			RequestTimeout: cfg.RequestTimeout, BulkRequestTimeout: cfg.BulkRequestTimeout, Console: console.Mount,
			TrustedProxies: cfg.TrustedProxyPrefixes(),
			Metrics:        m.metrics(store, queue),
			// Safe retries and fair use, on Redis so that they hold across API processes.
			RateLimiter: redisadapter.NewLimiter(m.rdb, cfg.Queue, redisadapter.LimiterConfig{
				Key:       app.Rate{PerSecond: cfg.RateLimitKey, Burst: cfg.RateLimitKeyBurst},
				Org:       app.Rate{PerSecond: cfg.RateLimitOrg, Burst: cfg.RateLimitOrgBurst},
				FailedIPs: app.Rate{PerSecond: cfg.RateLimitAuthFailures, Burst: cfg.RateLimitAuthFailuresBurst}}),
			Idempotency:    redisadapter.NewIdempotency(m.rdb, cfg.Queue),
			IdempotencyTTL: cfg.IdempotencyTTL, IdempotencyWait: cmp.Or(cfg.IdempotencyWait, -1), // 0: no waiting
			IdempotencyMaxBody: cfg.IdempotencyMaxBody,
			Ready: map[string]httpadapter.Check{
				"mongo": store.Ping,
				"redis": func(ctx context.Context) error { return m.rdb.Ping(ctx).Err() },
			},
		})
	} else {
		m.http = httpadapter.NewMetricsOnly(httpadapter.Options{Metrics: m.metrics(store, queue)})
	}
	if m.http != nil {
		m.served.Add(1)
		go func() {
			defer m.served.Done()
			if err := m.http.Listener(m.listener); err != nil && !errors.Is(err, net.ErrClosed) {
				m.log.Error("http server stopped", "err", err)
			}
		}()
	}
	m.printBanner()
	return nil
}

// wire builds the use cases on the stores, the queue and the customs gateway: each context gets
// only the ports it uses.
func (m *Main) wire(cfg config.Config, store *mongo.Store, queue app.Queue, orgs *mongo.Orgs, gateway app.CustomsGateway) {
	outbox := mongo.NewOutbox(store)
	auths := mongo.NewAuthorizations(store)
	// Webhooks match every event published (Publisher) against subscriptions held in memory.
	m.webhookMetrics = webhookadapter.NewMetrics()
	m.Webhooks = app.NewWebhooks(app.WebhooksPorts{Basics: app.Basics{Queue: queue, Log: m.log},
		Store: mongo.NewWebhooks(store), Generation: redisadapter.NewWebhookGeneration(m.rdb, cfg.Queue+":webhooks:generation"),
		Sender:  webhookadapter.NewSender(webhookadapter.Options{AllowPrivate: cfg.WebhookAllowPrivate, Timeout: cfg.WebhookTimeout}),
		Tenancy: app.NewTenancy(auths, nil), Orgs: orgs, Metrics: m.webhookMetrics,
		Settings: app.WebhookSettings{MaxAttempts: cfg.WebhookMaxAttempts, RetryBase: cfg.WebhookRetryBase, RetryCap: cfg.WebhookRetryCap}})
	// Every published event is counted for /metrics on its way out (adapters/business), then
	// matched against the webhook subscriptions.
	m.business = business.Wrap(redisadapter.NewEvents(m.rdb, cfg.Queue+":events"))
	events := m.Webhooks.Publisher(m.business)
	basics := app.Basics{Queue: queue, Log: m.log, Events: events, Outbox: outbox}
	parcels := mongo.NewParcels(store)
	declarations := mongo.NewDeclarations(store)
	bookings, departures := mongo.NewBookings(store), mongo.NewDepartures(store)
	tenancy := app.NewTenancy(auths, basics.Clock)
	bondedStore := mongo.NewBonded(store)
	m.Bonded = app.NewBonded(app.BondedPorts{Basics: basics, Store: bondedStore, Orgs: orgs, Tenancy: tenancy})
	m.Parties = app.NewParties(app.PartiesPorts{Basics: basics, Orgs: orgs, Keys: mongo.NewAPIKeys(store),
		Authorizations: auths, Tenancy: tenancy})
	m.Parcels = app.NewParcels(app.ParcelsPorts{Basics: basics, Parcels: parcels, Orgs: orgs, Tenancy: tenancy})
	m.Customs = app.NewCustoms(app.CustomsPorts{Basics: basics, Declarations: declarations, Parcels: parcels,
		Orgs: orgs, Tenancy: tenancy, Gateway: gateway, Messages: singlewindow.Messages{DxpID: cfg.DXPID},
		Bookings: bookings, Departures: departures,
		Settings: app.CustomsSettings{District: cfg.CustomsDistrict, PortCode: cfg.CustomsPort, ExitCustoms: cfg.ExitCustoms,
			CopPrefix: cfg.CopNoPrefix, CopNode: m.copNode, ResendAfter: cfg.CustomsResendAfter,
			SiteOperatorCode: cfg.SiteOperatorCode, SiteOperatorName: cfg.SiteOperatorName, SiteLoctNo: cfg.SiteLoctNo},
		Printer: declarationpdf.Renderer{}, KeptReceipts: mongo.NewKeptReceipts(store), Bonded: bondedStore})
	m.Rail = app.NewRail(app.RailPorts{Basics: basics, Lines: mongo.NewLines(store), Departures: departures,
		Bookings: bookings, Parcels: parcels, Declarations: declarations, Orgs: orgs, Tenancy: tenancy,
		Notes: consignment.New(), Filer: m.Customs, ExitCustoms: cfg.ExitCustoms,
		// the longest any request may work, bulk routes included
		RequestTimeout: max(cfg.RequestTimeout, cfg.BulkRequestTimeout)})
	// The console's people: users, sessions and sign-in attempts counted in Redis.
	m.Accounts = app.NewAccounts(app.AccountsPorts{Basics: basics, Users: mongo.NewUsers(store), Sessions: mongo.NewSessions(store),
		Orgs: orgs, Tenancy: tenancy, Passwords: passwords.Bcrypt{Cost: cfg.PasswordCost},
		Limiter:     redisadapter.NewWindowLimiter(m.rdb, cfg.Queue+":limits:"),
		SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax})
	m.Worker = app.NewWorker(app.WorkerPorts{Basics: basics, Outbox: outbox, Events: events, Customs: m.Customs, Rail: m.Rail})
	m.Dashboard = app.NewDashboard(app.DashboardPorts{Basics: basics, Store: mongo.NewDashboard(store), Departures: departures,
		Tenancy: tenancy, Sources: app.DashboardSources{Parcels: parcels, Declarations: declarations, Bookings: bookings,
			Departures: departures, Authorizations: auths}})
}

// startDashboard joins the event stream's "dashboard" group, fills the figures from the records
// once (Dashboard.Backfill, after joining, so that no event falls between), and keeps them from
// the stream until Close.
func (m *Main) startDashboard(ctx context.Context) error {
	consumer := redisadapter.NewEvents(m.rdb, m.cfg.Queue+":events").NewConsumer("dashboard", "dashboard", m.log)
	if err := consumer.Join(ctx); err != nil {
		return err
	}
	backfillCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Minute)
	defer cancel()
	if err := m.Dashboard.Backfill(backfillCtx); err != nil {
		return fmt.Errorf("dashboard backfill: %w", err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	m.stopDashboard, m.dashboardDone = stop, make(chan struct{})
	go func() { defer close(m.dashboardDone); consumer.Run(runCtx, m.Dashboard.Apply) }()
	return nil
}

// metrics are the figures /metrics exports beside the HTTP ones: store commands, the queue's
// tasks and state, the business figures, the audit writer's counts, and on MongoDB the parcels
// by status (a count the embedded store could only make by reading every parcel).
func (m *Main) metrics(store *mongo.Store, queue *redisadapter.Queue) []prometheus.Collector {
	ms := []prometheus.Collector{store.Commands().Collector(), store.Commands().AuditCollector(), queue.Collector(),
		redisadapter.NewQueueInfo(m.rdb, m.cfg.Queue)}
	ms = append(ms, m.business.Collectors()...)
	ms = append(ms, m.webhookMetrics)
	if m.Audit != nil {
		ms = append(ms, httpadapter.AuditMetrics(m.Audit))
	}
	if m.embeddedMongo == nil && !m.cfg.MongoSingleConnection {
		ms = append(ms, mongo.NewParcelStatusGauge(store, time.Minute))
	}
	return ms
}

// customsGateway builds the configured Single Window gateway: the simulated customs authority,
// or the DXP exchange folders of an enterprise E-Port client.
func (m *Main) customsGateway(queue app.Queue, orgs *mongo.Orgs) (app.CustomsGateway, error) {
	cfg := m.cfg
	if cfg.CustomsGateway == "dxp-folder" {
		dir := cfg.DXPDir
		if dir == "" {
			dir = filepath.Join(cfg.DataDir, "dxp")
		}
		d, err := singlewindow.NewDXPFolder(dir, queue, m.log)
		if err != nil {
			return nil, err
		}
		m.dxp = d
		return d, nil
	}
	return singlewindow.NewSimulator(singlewindow.SimulatorConfig{
		Seed: cfg.SimSeed, Step: cfg.SimStep, ReviewShare: cfg.SimReviewShare, InspectionShare: cfg.SimInspectionShare,
		HighRiskHeadings: cfg.SimHighRisk, DuplicateRate: cfg.SimDuplicateRate, ReorderRate: cfg.SimReorderRate,
		District: cfg.CustomsDistrict, Delivery: cfg.SimDelivery,
		MatchDocuments: cfg.SimMatchDocuments, DocumentWait: cfg.SimDocumentWait, Ledger: mongo.NewCustomsAuthority(m.store),
	}, queue, orgs.RegisteredCode, m.log), nil
}

// URL is where the API answers, once Run has returned.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	addr := m.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

func (m *Main) printBanner() {
	var b strings.Builder
	fmt.Fprintf(&b, "Silkgate is running (role %s).\n", m.cfg.Role)
	if m.listener != nil && m.cfg.RunsAPI() {
		fmt.Fprintf(&b, "  API:            %s   (OpenAPI: %s/openapi.yaml)\n", m.URL(), m.URL())
	} else if m.listener != nil {
		fmt.Fprintf(&b, "  Metrics:        %s/metrics\n", m.URL())
	}
	if m.embeddedMongo != nil {
		fmt.Fprintf(&b, "  Embedded Mongo: mongodb://%s/%s   (data in %s)\n", m.embeddedMongo.Addr(), m.cfg.MongoDB, filepath.Join(m.cfg.DataDir, "mongo"))
	}
	if m.embeddedRedis != nil {
		fmt.Fprintf(&b, "  Embedded Redis: %s   (in memory; queued work is re-derived from MongoDB after a restart)\n", m.embeddedRedis.URL())
	}
	if m.GeneratedOperatorKey != "" {
		fmt.Fprintf(&b, "  运营方密钥（仅显示这一次，请立即保存） Operator key (shown once, store it now): %s\n", m.GeneratedOperatorKey)
	}
	if m.OperatorKeyExisted {
		// Said on every start without a configured key: a generated key is shown only at the
		// start that made it, and that start may have failed before showing it.
		fmt.Fprint(&b, operatorKeyHint)
	}
	for _, d := range m.DemoKeys {
		fmt.Fprintf(&b, "  Demo %-8s %-24s key: %s   (%s)\n", d.Kind, d.OrgID, d.Key, d.Name)
	}
	if m.listener != nil {
		fmt.Fprintf(&b, "  控制台 Console:  %s/", m.URL())
		if len(m.DemoUsers) > 0 {
			fmt.Fprint(&b, "   演示用户（固定的公开密码，仅限演示数据） demo users (fixed public passwords, demo data only):")
		}
		fmt.Fprintln(&b)
		for _, u := range m.DemoUsers {
			fmt.Fprintf(&b, "  Demo %-8s %-24s user: %-32s password: %s\n", u.Kind, u.OrgID, u.Email, u.Password)
		}
	}
	fmt.Fprint(m.banner, b.String())
}

// operatorKeyHint tells, on a start without SILKGATE_OPERATOR_KEY, that an operator key exists
// and how to get one whose value is known.
const operatorKeyHint = "" +
	"  运营方密钥已存在（生成的密钥只在生成它的那次启动时显示）。如需新的密钥，请设置 SILKGATE_OPERATOR_KEY=<至少 16 个字符的新密钥> 后重新启动。\n" +
	"  An operator key exists (a generated one is shown only by the start that made it). To set a new one, restart with SILKGATE_OPERATOR_KEY=<new key, at least 16 characters>.\n"

// Close stops the service gracefully: the listener stops accepting, in-flight requests and
// tasks finish (within the shutdown timeout), then the stores close.
func (m *Main) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.ShutdownTimeout)
	defer cancel()
	if m.stopDXP != nil {
		m.stopDXP()
	}
	if m.http != nil {
		if err := m.http.ShutdownWithContext(ctx); err != nil {
			m.log.Warn("http shutdown", "err", err)
		}
	}
	if m.listener != nil {
		// Bound but never served (the start failed), or not yet taken by the server when
		// Shutdown ran — which then knew of no listener to close and would leave Serve
		// accepting for ever. Closing it twice is harmless.
		_ = m.listener.Close()
	}
	m.served.Wait() // the HTTP server and the DXP poller have returned
	if m.Audit != nil {
		m.Audit.Close(ctx) // the entries still buffered are written before the store closes
	}
	if m.worker != nil {
		m.worker.Shutdown()
	}
	if m.stopDashboard != nil {
		m.stopDashboard()
		<-m.dashboardDone
	}
	if m.rdb != nil {
		_ = m.rdb.Close()
	}
	if m.embeddedRedis != nil {
		m.embeddedRedis.Close()
	}
	if m.store != nil {
		if err := m.store.Close(ctx); err != nil {
			m.log.Warn("mongo disconnect", "err", err)
		}
	}
	if m.embeddedMongo != nil {
		m.embeddedMongo.Close()
	}
}
