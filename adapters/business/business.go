// Package business derives the zone's business figures for /metrics from the domain events as
// they are published: parcels by the status they reach, inventory lists by outcome, the
// clearance time of released lists, bookings by event. It wraps the event publisher, so the
// figures cost no store command: every change is published once it is stored, by the request
// that made it or by a relay task (app.Worker), and is counted then.
//
// What the figures are: Prometheus counters of this process, from its start. A service of
// several processes (roles api and worker) counts in each the events that process published;
// Prometheus sums them (sum by (...) over the instances). A restart starts from zero, which
// Prometheus' rate() and increase() read as a counter reset. Delivery is at least once: an
// event published again after a failure (a relay retried) is counted once as long as the same
// process publishes it again within its last 65,536 events; another process publishing it
// again counts it twice.
package business

import (
	"context"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

// seenCapacity is how many event ids a Publisher remembers to count a republished event once.
const seenCapacity = 1 << 16

// Publisher is an app.EventPublisher that counts what it publishes.
type Publisher struct {
	next app.EventPublisher

	parcels   *prometheus.CounterVec
	lists     *prometheus.CounterVec
	decls     *prometheus.CounterVec
	clearance *prometheus.HistogramVec
	bookings  *prometheus.CounterVec

	mu   sync.Mutex
	seen map[string]struct{}
}

var _ app.EventPublisher = (*Publisher)(nil)

// Wrap returns a publisher that publishes through next and counts what next accepted.
func Wrap(next app.EventPublisher) *Publisher {
	return &Publisher{
		next: next,
		parcels: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "silkgate_parcel_transitions_total",
			Help: "Parcels reaching a status (registered, declared, accepted, inspection, released, loaded, departed, arrived, rejected, cancelled, withdrawn)."},
			[]string{"status"}),
		lists: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "silkgate_customs_lists_total",
			Help: "Inventory lists (CEB603) by outcome: the status reached (submitted, accepted, released, rejected, send_failed, error, cancelled, ...)."},
			[]string{"outcome"}),
		decls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "silkgate_declarations_total",
			Help: "Customs filings of every kind (inventory, cancel, summary, entry, departure, arrival, documents) by the status reached."},
			[]string{"kind", "status"}),
		clearance: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "silkgate_customs_clearance_seconds",
			Help: "Time from an inventory list's submission to customs' release, observed when the list is released; by trade mode.",
			// Customs answers in seconds when nothing is checked, in hours to days when a list
			// is reviewed or inspected.
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400, 172800, 604800}},
			[]string{"trade_mode"}),
		bookings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "silkgate_booking_events_total",
			Help: "Train bookings by event: requested, confirmed, waitlisted, promoted, cancelled, container_loaded, container_unloaded, parcel_taken_out, movement."},
			[]string{"event"}),
		seen: make(map[string]struct{}, seenCapacity),
	}
}

// Collectors are the figures, for the metrics registry.
func (p *Publisher) Collectors() []prometheus.Collector {
	return []prometheus.Collector{p.parcels, p.lists, p.decls, p.clearance, p.bookings}
}

// Publish publishes the events, then counts those not counted before.
func (p *Publisher) Publish(ctx context.Context, events []domain.Event) error {
	if err := p.next.Publish(ctx, events); err != nil {
		return err
	}
	for _, e := range p.fresh(events) {
		p.count(e)
	}
	return nil
}

// fresh drops the events this publisher counted already; when its memory is full it starts
// again empty.
func (p *Publisher) fresh(events []domain.Event) []domain.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := events[:0:0]
	for _, e := range events {
		if _, ok := p.seen[e.ID]; ok {
			continue
		}
		if len(p.seen) >= seenCapacity {
			clear(p.seen)
		}
		p.seen[e.ID] = struct{}{}
		out = append(out, e)
	}
	return out
}

func (p *Publisher) count(e domain.Event) {
	aggregate, what, _ := strings.Cut(e.Type, ".")
	switch aggregate {
	case "parcel":
		if parcelStatuses[what] {
			p.parcels.WithLabelValues(what).Inc()
		}
	case "booking":
		if bookingEvents[what] {
			p.bookings.WithLabelValues(what).Inc()
		}
	case "declaration":
		if !declarationStatuses[what] {
			return // not a status change: an edit, a number, a summary assignment
		}
		kind, _ := e.Data["kind"].(string)
		p.decls.WithLabelValues(kind, what).Inc()
		if kind != string(customs.KindInventory) {
			return
		}
		p.lists.WithLabelValues(what).Inc()
		if what == string(customs.StatusReleased) {
			if ms, ok := number(e.Data["clearanceMs"]); ok {
				mode, _ := e.Data["tradeMode"].(string)
				p.clearance.WithLabelValues(mode).Observe(ms / 1000)
			}
		}
	}
}

// number reads a count from event data, as the use case holds it (int64) or as it comes back
// from the outbox (BSON: int32, int64) or JSON (float64).
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// The label values each figure takes: fixed sets, so that an unexpected event type cannot
// grow the series without bound.
var (
	parcelStatuses = setOf(parcel.StatusRegistered, parcel.StatusDeclared, parcel.StatusAccepted, parcel.StatusInspection,
		parcel.StatusReleased, parcel.StatusLoaded, parcel.StatusDeparted, parcel.StatusArrived, parcel.StatusRejected,
		parcel.StatusCancelled, parcel.StatusWithdrawn)
	declarationStatuses = setOf(customs.Statuses()...)
	bookingEvents       = setOf("requested", "confirmed", "waitlisted", "promoted", "cancelled", "container_loaded",
		"container_unloaded", "parcel_taken_out", "movement")
)

func setOf[S ~string](values ...S) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[string(v)] = true
	}
	return m
}
