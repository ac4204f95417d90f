package http

import (
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/silkgate/silkgate/adapters/internal/audited"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

// auditChanges records every change request under /v1 (POST, PUT, PATCH, DELETE) made by an
// authenticated caller, whatever its outcome: refused attempts (4xx) are what a security team
// looks for, and a failure (5xx) may still have changed something. A request refused before its
// key was resolved (401) has no one to attribute it to and is only in the access log. Bodies and
// keys are never recorded. It runs after authenticate; the entry is handed to the audit log's
// writer, which costs the request no store round trip.
func auditChanges(audit *app.Audit, trusted []netip.Prefix) fiber.Handler {
	return func(c *fiber.Ctx) error {
		switch c.Method() {
		case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete:
		default:
			return c.Next()
		}
		ctx, onBehalfOf := app.WithOnBehalfOf(c.UserContext())
		c.SetUserContext(ctx)
		err := c.Next()
		if err != nil {
			// Let the error handler write the response now, so the entry shows the real status.
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		actor := actorOf(c)
		route := c.Route()
		if actor.OrgID == "" || route == nil || !strings.HasPrefix(route.Path, "/v1/") {
			return nil // no caller to name, or no route (answered by the not-found handler)
		}
		audit.Record(audited.Entry(c, actor, trusted, onBehalfOf()))
		return nil
	}
}

type auditEntryView struct {
	ID         string            `json:"id"`
	At         time.Time         `json:"at"`
	OrgID      string            `json:"orgId"`
	OrgKind    string            `json:"orgKind"`
	KeyID      string            `json:"keyId,omitempty"`
	UserID     string            `json:"userId,omitempty"`
	Method     string            `json:"method"`
	Route      string            `json:"route"`
	Targets    map[string]string `json:"targets,omitempty"`
	Status     int               `json:"status"`
	RequestID  string            `json:"requestId,omitempty"`
	IP         string            `json:"ip,omitempty"`
	UserAgent  string            `json:"userAgent,omitempty"`
	OnBehalfOf []string          `json:"onBehalfOf,omitempty"`
}

func viewAuditEntry(e app.AuditEntry) auditEntryView {
	return auditEntryView{ID: e.ID, At: e.At, OrgID: e.OrgID, OrgKind: e.OrgKind, KeyID: e.KeyID, UserID: e.UserID, Method: e.Method,
		Route: e.Route, Targets: e.Targets, Status: e.Status, RequestID: e.RequestID, IP: e.IP, UserAgent: e.UserAgent,
		OnBehalfOf: e.OnBehalfOf}
}

// listAuditLog: GET /v1/audit-log?since=&until=&orgId=&limit=&cursor=
func (h *handlers) listAuditLog(c *fiber.Ctx) error {
	if h.audit == nil {
		return domain.Errorf(domain.KindNotFound, "route_not_found", "no audit log on this server")
	}
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	var v domain.Violations
	f := app.AuditFilter{OrgID: c.Query("orgId"), Limit: q.limit, Cursor: q.cursor,
		Since: parseTime(&v, "since", c.Query("since")), Until: parseTime(&v, "until", c.Query("until"))}
	if err := v.Err(); err != nil {
		return err
	}
	p, err := h.audit.List(c.UserContext(), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(p, viewAuditEntry))
}

// auditCollector exports the audit writer's counts.
type auditCollector struct {
	audit *app.Audit
	desc  *prometheus.Desc
}

// AuditMetrics exports silkgate_audit_entries_total{result}: entries written, dropped because
// the writer's buffer was full, and failed (the store refused them twice).
func AuditMetrics(a *app.Audit) prometheus.Collector {
	return auditCollector{audit: a, desc: prometheus.NewDesc("silkgate_audit_entries_total",
		"Audit log entries by result: written, dropped (the buffer was full) or failed (the store refused them).", []string{"result"}, nil)}
}

func (c auditCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c auditCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(c.audit.Written()), "written")
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(c.audit.Dropped()), "dropped")
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(c.audit.Failed()), "failed")
}
