// Package app holds Silkgate's use cases: one method per command or query, each checking what the
// calling organisation may see and do (tenancy lives here, not only in routes). It declares the
// gateway ports it needs — queue, event publisher, outbox store, clock, ids — and knows nothing
// of the technologies behind them.
package app

import (
	"crypto/rand"
	"log/slog"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
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

// Ports are the outbound adapters the use cases run on.
type Ports struct {
	Orgs           party.OrgRepository
	Keys           party.APIKeyRepository
	Authorizations party.AuthorizationRepository
	Parcels        parcel.Repository
	Declarations   DeclarationStore
	Rail           RailStore
	Notes          ConsignmentNoteRenderer
	Gateway        CustomsGateway
	Messages       CustomsMessages
	Customs        CustomsSettings
	Outbox         OutboxStore
	Events         EventPublisher
	Queue          Queue
	Clock          Clock
	IDs            IDs
	Log            *slog.Logger
	// RequestTimeout is the longest a request may work; the outbox reactions leave what a
	// request may still be doing alone for longer than that (0: 30 s).
	RequestTimeout time.Duration
}

// App is the set of use cases.
type App struct {
	Ports
	departureLocks sync.Map // departure id → *sync.Mutex: promotions, one at a time
}

// New returns the use cases over the given ports; a missing clock, id maker or logger gets the
// standard one.
func New(p Ports) *App {
	if p.Clock == nil {
		p.Clock = SystemClock{}
	}
	if p.IDs == nil {
		p.IDs = &ULIDs{}
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
	return &App{Ports: p}
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
