package app

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// AuditEntry records one change request made by an organisation through one of its keys or
// people: who,
// what, when and from where. Request bodies and keys are never recorded.
type AuditEntry struct {
	ID        string            // "aud_" + a time-ordered id
	At        time.Time         // when the request was answered
	OrgID     string            // the acting organisation
	OrgKind   string            // its kind: operator, exporter, broker, ...
	KeyID     string            // the API key it acted through (its id, never the key)
	UserID    string            // or the person, signed in (the console, or a session token)
	Method    string            // POST, PUT, PATCH or DELETE
	Route     string            // the route template: /v1/parcels/:id/cancel
	Targets   map[string]string // the route's parameters: {"id": "pcl_..."}
	Status    int               // the HTTP status answered
	RequestID string            //
	IP        string            // the client's address (X-Forwarded-For only from trusted proxies)
	UserAgent string            // truncated
	// OnBehalfOf are the organisations whose records the request acted on, when they are not
	// the actor's: the exporter a broker filed or booked for, or the operator registered
	// parcels for (NoteOnBehalfOf). They read the entry in their audit log too.
	OnBehalfOf []string
}

// maxOnBehalfOf bounds the organisations one entry names (a batch may touch many exporters).
const maxOnBehalfOf = 20

type onBehalfOfKey struct{}

type onBehalfOf struct {
	mu   sync.Mutex
	orgs []string
}

// WithOnBehalfOf gives a request's context a place where the use cases note the organisations
// they act for (NoteOnBehalfOf); the returned function lists them once the request is done.
func WithOnBehalfOf(ctx context.Context) (context.Context, func() []string) {
	n := &onBehalfOf{}
	return context.WithValue(ctx, onBehalfOfKey{}, n), func() []string {
		n.mu.Lock()
		defer n.mu.Unlock()
		return slices.Clone(n.orgs)
	}
}

// noteOnBehalfOf records, for the audit log, that actor acts on orgID's records in this request
// (nothing when it is the actor's own, or the context has no place for it).
func noteOnBehalfOf(ctx context.Context, actor Actor, orgID string) {
	if orgID == actor.OrgID {
		return
	}
	noteFor(ctx, orgID)
}

// noteFor records that this request touched orgID's records: the organisation finds the entry in
// its audit log (an attempt on its parcel by someone who may not see it, too).
func noteFor(ctx context.Context, orgID string) {
	if orgID == "" {
		return
	}
	n, _ := ctx.Value(onBehalfOfKey{}).(*onBehalfOf)
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.orgs) < maxOnBehalfOf && !slices.Contains(n.orgs, orgID) {
		n.orgs = append(n.orgs, orgID)
	}
}

// AuditFilter selects entries of the audit log, newest first.
type AuditFilter struct {
	OrgID        string    // only the entries this organisation made or that acted for it ("" all: the operator only)
	Since, Until time.Time // At in [Since, Until); zero: unbounded
	Limit        int
	Cursor       string
}

// AuditStore keeps the audit log: entries are appended, in bulk, and never changed or removed
// (the store has no method that could).
type AuditStore interface {
	AppendAudit(ctx context.Context, entries []AuditEntry) error
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, string, error)
}

// AuditPorts are what the audit log runs on.
type AuditPorts struct {
	Basics
	Store AuditStore
	// Buffer is how many entries may wait to be written (default 4096); an entry recorded while
	// it is full is dropped and counted (Dropped), so that a slow store never slows requests.
	Buffer int
	// FlushEvery is the longest an entry waits before it is written (default 100 ms); a batch
	// of Batch entries (default 500) is written at once.
	FlushEvery time.Duration
	Batch      int
}

// Audit is the audit log: Record hands an entry to a background writer that appends what
// accumulates in one bulk insert every FlushEvery (or every Batch entries), so that a request
// costs no store round trip of its own; Close writes what is still buffered.
//
// What a crash can lose: the entries not yet written — at most FlushEvery's worth, or the
// whole buffer while the store is failing. A graceful shutdown (Close) loses nothing.
type Audit struct {
	store      AuditStore
	ids        IDs
	clock      Clock
	log        *slog.Logger
	flushEvery time.Duration
	batch      int

	mu      sync.RWMutex // guards closed against Record sending on a closed channel
	closed  bool
	ch      chan AuditEntry
	done    chan struct{}
	written atomic.Uint64
	dropped atomic.Uint64
	failed  atomic.Uint64
}

// NewAudit starts the audit log's writer; Close stops it.
func NewAudit(p AuditPorts) *Audit {
	b := p.Basics.withDefaults()
	if p.Buffer <= 0 {
		p.Buffer = 4096
	}
	if p.FlushEvery <= 0 {
		p.FlushEvery = 100 * time.Millisecond
	}
	if p.Batch <= 0 {
		p.Batch = 500
	}
	a := &Audit{store: p.Store, ids: b.IDs, clock: b.Clock, log: b.Log.With("component", "audit"),
		flushEvery: p.FlushEvery, batch: p.Batch,
		ch: make(chan AuditEntry, p.Buffer), done: make(chan struct{})}
	go a.run()
	return a
}

// Record hands an entry to the writer without waiting: it gets its id and time here. When the
// buffer is full (or the log closed) the entry is dropped and counted.
func (a *Audit) Record(e AuditEntry) {
	if e.ID == "" {
		e.ID = a.ids.New("aud")
	}
	if e.At.IsZero() {
		e.At = a.clock.Now()
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.closed {
		a.dropped.Add(1)
		return
	}
	select {
	case a.ch <- e:
	default:
		a.dropped.Add(1)
	}
}

// Written, Dropped and Failed count the entries appended to the store, those dropped because
// the buffer was full, and those lost because the store refused them twice.
func (a *Audit) Written() uint64 { return a.written.Load() }
func (a *Audit) Dropped() uint64 { return a.dropped.Load() }
func (a *Audit) Failed() uint64  { return a.failed.Load() }

// Close stops taking entries and writes those still buffered, waiting at most until ctx ends.
func (a *Audit) Close(ctx context.Context) {
	a.mu.Lock()
	if !a.closed {
		a.closed = true
		close(a.ch)
	}
	a.mu.Unlock()
	select {
	case <-a.done:
	case <-ctx.Done():
		a.log.Warn("audit entries not all written at shutdown", "err", ctx.Err())
	}
}

func (a *Audit) run() {
	defer close(a.done)
	tick := time.NewTicker(a.flushEvery)
	defer tick.Stop()
	pending := make([]AuditEntry, 0, a.batch)
	for {
		select {
		case e, ok := <-a.ch:
			if !ok {
				for len(pending) > 0 {
					n := min(len(pending), a.batch)
					a.flush(pending[:n])
					pending = pending[n:]
				}
				return
			}
			pending = append(pending, e)
			if len(pending) >= a.batch {
				a.flush(pending)
				pending = pending[:0]
			}
		case <-tick.C:
			if len(pending) > 0 {
				a.flush(pending)
				pending = pending[:0]
			}
		}
	}
}

// flush appends a batch in one insert, trying once more after a failure; a batch the store
// refuses twice is logged and counted as failed.
func (a *Audit) flush(batch []AuditEntry) {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = a.store.AppendAudit(ctx, batch)
		cancel()
		if err == nil {
			a.written.Add(uint64(len(batch)))
			return
		}
	}
	a.failed.Add(uint64(len(batch)))
	a.log.Error("audit entries not written", "count", len(batch), "err", err)
}

// List returns audit entries newest first: an organisation reads the entries of its own
// requests and of those made for it (OnBehalfOf), the operator everyone's (or one
// organisation's, with OrgID).
func (a *Audit) List(ctx context.Context, actor Actor, f AuditFilter) (Page[AuditEntry], error) {
	f.Limit = clampLimit(f.Limit)
	if !actor.IsOperator() {
		if f.OrgID != "" && f.OrgID != actor.OrgID {
			return Page[AuditEntry]{}, forbidden("operator_only", "only the zone operator may read another organisation's audit log")
		}
		f.OrgID = actor.OrgID
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return Page[AuditEntry]{}, domain.InvalidField("until", "invalid_range", "until must be after since")
	}
	items, next, err := a.store.ListAudit(ctx, f)
	return Page[AuditEntry]{Items: items, NextCursor: next}, err
}
