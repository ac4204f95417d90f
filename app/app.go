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

// Basics are what every use-case type needs: the time, new ids, a log, and the queue that
// relays the outboxes of what it changes.
type Basics struct {
	Clock Clock
	IDs   IDs
	Log   *slog.Logger
	Queue Queue
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

// relay asks the queue to publish the outboxes of aggregates a use case changed.
type relay struct {
	queue Queue
	log   *slog.Logger
}

// relayBatch is the payload of a relay task: aggregates of one kind whose outboxes to publish.
type relayBatch struct {
	Aggregate string   `json:"aggregate"`
	IDs       []string `json:"ids"`
}

// soon asks for the outboxes of the given aggregates to be published, in one task. A failure
// here loses nothing: the events are stored, and the reconciler finds them.
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
