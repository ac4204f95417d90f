// Package app holds Silkgate's use cases, one type per bounded context:
//
//   - Parties: organisations, API keys and broker authorisations (and authentication);
//   - Parcels: cross-border e-commerce parcels and their tracking;
//   - Customs: declarations filed through the Single Window and the receipts customs sends back;
//   - Rail: lines, departures, bookings, containers, movements and consignment notes;
//   - Worker: the background work that ties them together (outbox relay, reactions,
//     reconciliation, queue tasks).
//
// Each type holds only the ports and settings it uses; main.go wires them. Who may see and do
// what is decided by one policy (party.Visibility, read through Tenancy) for every context.
// The package declares the gateway ports it needs — queue, event publisher, outbox store,
// clock, ids — and knows nothing of the technologies behind them.
package app

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/silkgate/silkgate/domain"
)

// Clock tells the time; injected so that tests can hold it still.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock, in UTC with millisecond precision (what MongoDB stores).
type SystemClock struct{}

// Now returns the current UTC time truncated to milliseconds.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// IDs makes identifiers.
type IDs interface {
	// New returns a new identifier with the given prefix ("org", "auth", ...). Identifiers of
	// one prefix sort by creation time, which gives lists a stable newest-first order.
	New(prefix string) string
}

// ULIDs makes prefixed, lexically time-ordered ids ("org_01JD...").
type ULIDs struct {
	mu      sync.Mutex
	entropy *ulid.MonotonicEntropy
}

// New returns prefix + "_" + a monotonic ULID in lower case.
func (g *ULIDs) New(prefix string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.entropy == nil {
		g.entropy = ulid.Monotonic(rand.Reader, 0)
	}
	id := ulid.MustNew(ulid.Timestamp(time.Now()), g.entropy)
	return prefix + "_" + id.String()
}

// Basics are what every use-case type needs: the time, new ids, a log, the queue, and the way
// it publishes the outboxes of what it changes.
type Basics struct {
	Clock Clock
	IDs   IDs
	Log   *slog.Logger
	Queue Queue
	// Events and Outbox, when both are set, let a use case publish the events it has just
	// written from its own memory, in the request or task that wrote them (relay.now). Without
	// them every change is relayed by a task of its own.
	Events EventPublisher
	Outbox OutboxStore
}

// withDefaults fills in the standard clock, id maker and logger where none is given.
func (b Basics) withDefaults() Basics {
	if b.Clock == nil {
		b.Clock = SystemClock{}
	}
	if b.IDs == nil {
		b.IDs = &ULIDs{}
	}
	if b.Log == nil {
		b.Log = slog.Default()
	}
	return b
}

// relayOf is the relay of a use-case type built on b.
func relayOf(b Basics) relay {
	return relay{queue: b.Queue, log: b.Log, events: b.Events, outbox: b.Outbox}
}

// relay hands the outboxes of aggregates a use case changed to the event publisher: at once,
// from the use case's memory (now), or through a relay task (soon). Events are stored with the
// change they record, so a relay that fails loses nothing: the reconciler finds them.
type relay struct {
	queue  Queue
	log    *slog.Logger
	events EventPublisher
	outbox OutboxStore
}

// relayBatch is the payload of a relay task: aggregates of one kind whose outboxes to publish.
type relayBatch struct {
	Aggregate string   `json:"aggregate"`
	IDs       []string `json:"ids"`
}

// soon asks for the outboxes of the given aggregates to be published, in one task.
func (r relay) soon(ctx context.Context, aggregate string, ids ...string) {
	if len(ids) == 0 || r.queue == nil {
		return
	}
	payload, _ := json.Marshal(relayBatch{Aggregate: aggregate, IDs: ids})
	// Not a unique task: a relay already running may have read the outbox before this change's
	// events were pushed, and de-duplicating against it would leave them to the reconciler.
	err := r.queue.Enqueue(context.WithoutCancel(ctx), Task{Type: TaskRelayOutbox, Payload: payload})
	if err != nil {
		r.log.Warn("outbox relay not enqueued; the reconciler will publish", "aggregate", aggregate, "count", len(ids), "err", err)
	}
}

// written lists the aggregates of one kind that a use case has just stored with new events, and
// those events, as the use case holds them in memory.
func written[A interface {
	ID() string
	Outbox() []domain.Event
}](aggregate string, aggs ...A) []Published {
	var out []Published
	for _, a := range aggs {
		events := a.Outbox()
		if len(events) == 0 {
			continue
		}
		pending := make([]PendingEvent, len(events))
		for i, e := range events {
			pending[i] = PendingEvent{Event: e}
		}
		out = append(out, Published{Ref: AggregateRef{Aggregate: aggregate, ID: a.ID()}, Events: pending})
	}
	return out
}

// now publishes the new events of aggregates just written (written), in one round trip to the
// publisher, and records them published, which takes them off the reconciler's agenda; each
// aggregate's next write clears them from its outbox: no relay task, no outbox read, no write
// of their own. The caller has carried out what the events oblige already (or they oblige
// nothing). What cannot be published now is left to a relay task.
func (r relay) now(ctx context.Context, ws ...Published) {
	if len(ws) == 0 {
		return
	}
	if r.events == nil || r.outbox == nil {
		r.later(ctx, ws)
		return
	}
	ctx = context.WithoutCancel(ctx) // what is written is published even if the caller has gone
	var events []domain.Event
	for _, w := range ws {
		for _, e := range w.Events {
			events = append(events, e.Event)
		}
	}
	if err := r.events.Publish(ctx, events); err != nil {
		r.log.Warn("events not published at once; relaying them", "count", len(events), "err", err)
		r.later(ctx, ws)
		return
	}
	if err := r.outbox.Published(ctx, ws); err != nil {
		// Published but still owed on record: a relay publishes them again (subscribers
		// de-duplicate by event id) and clears them.
		r.log.Warn("published events not recorded as such; relaying them", "count", len(events), "err", err)
		r.later(ctx, ws)
	}
}

// later relays the given aggregates through relay tasks, one per kind.
func (r relay) later(ctx context.Context, ws []Published) {
	byAggregate := map[string][]string{}
	var kinds []string
	for _, w := range ws {
		if _, ok := byAggregate[w.Ref.Aggregate]; !ok {
			kinds = append(kinds, w.Ref.Aggregate)
		}
		byAggregate[w.Ref.Aggregate] = append(byAggregate[w.Ref.Aggregate], w.Ref.ID)
	}
	for _, k := range kinds {
		r.soon(ctx, k, byAggregate[k]...)
	}
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T
	NextCursor string
}

// Limits of list pages.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// clampLimit applies the list limit rules: 0 means the default, more than MaxLimit is cut.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// Updated is what became of one aggregate of a bulk update: its value as written — or as found,
// when Err says why it was left unchanged — and that error.
type Updated[A any] struct {
	Value A
	Err   error
}

// writtenOf returns the aggregates a bulk update wrote. An aggregate left unchanged for a reason
// skip accepts is passed over; any other error is returned.
func writtenOf[A any](updated []Updated[A], skip func(error) bool) ([]A, error) {
	var out []A
	for _, u := range updated {
		switch {
		case u.Err == nil:
			out = append(out, u.Value)
		case !skip(u.Err):
			return nil, u.Err
		}
	}
	return out, nil
}
