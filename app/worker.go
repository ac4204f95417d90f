package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

// Task is a unit of background work for the queue.
type Task struct {
	Type    string
	Payload []byte
	// UniqueFor, when set, drops a copy of the same type and payload while one is still queued
	// within that time.
	UniqueFor time.Duration
	// Delay postpones the task.
	Delay time.Duration
	// MaxRetry bounds retries (0: the queue's default).
	MaxRetry int
	// ID, when set, identifies the task: another with the same id is dropped while this one is
	// queued, running or waiting to be retried.
	ID string
}

// Queue runs tasks in the background, at least once, retrying failures with backoff.
type Queue interface {
	Enqueue(ctx context.Context, t Task) error
}

// TaskHandler runs one task. A returned error makes the queue retry it later.
type TaskHandler func(ctx context.Context, payload []byte) error

// EventPublisher delivers domain events to subscribers (a Redis stream). Delivery is at least
// once: subscribers de-duplicate by event id.
type EventPublisher interface {
	Publish(ctx context.Context, events []domain.Event) error
}

// AggregateRef names one stored aggregate.
type AggregateRef struct {
	Aggregate string `json:"aggregate"`
	ID        string `json:"id"`
}

// PendingEvent is an outbox entry as stored; Raw is kept opaque so that the store can remove
// exactly what was read.
type PendingEvent struct {
	Event domain.Event
	Raw   any
}

// Published is events of one aggregate on their way out: just written and held in memory by the
// use case that wrote them (Raw nil), or read from the outbox by a relay.
type Published struct {
	Ref    AggregateRef
	Events []PendingEvent
}

// OutboxStore reads and clears the outboxes that aggregates carry in their own documents.
type OutboxStore interface {
	// Pending returns the unpublished events of one aggregate, oldest first.
	Pending(ctx context.Context, ref AggregateRef) ([]PendingEvent, error)
	// Ack removes published events from their aggregates' outboxes, in bulk; other events
	// stay. An event read by Pending is removed as read; one straight from the memory of the
	// use case that wrote it (Raw nil), as that write stored it.
	Ack(ctx context.Context, published []Published) error
	// Published records events the use case that wrote them has just published from its
	// memory: nothing is owed for them any more, and each aggregate's next write clears them
	// from its outbox (no write of their own).
	Published(ctx context.Context, published []Published) error
	// Stale lists aggregates whose outbox holds an event older than before: their relay task
	// was lost (a crash, an embedded Redis restarted) and the reconciler owes them one.
	Stale(ctx context.Context, before time.Time, limit int) ([]AggregateRef, error)
}

// Task types.
const (
	TaskRelayOutbox = "outbox:relay"
	TaskReconcile   = "reconcile"
)

// reconcileGrace is how old an unpublished event must be before the reconciler steps in; well
// above the time a relay task normally takes.
const reconcileGrace = 30 * time.Second

// Worker is the background work that ties the contexts together: it relays the outboxes
// (publishing their events and carrying out what they oblige), reconciles what crashes and lost
// tasks left owed, and runs the queue's tasks.
type Worker struct {
	outbox  OutboxStore
	events  EventPublisher
	queue   Queue
	customs *Customs
	rail    *Rail
	clock   Clock
	log     *slog.Logger
	relay   relay
}

// WorkerPorts are what the Worker runs on, with the use cases whose reactions it carries out.
type WorkerPorts struct {
	Basics
	Outbox  OutboxStore
	Events  EventPublisher
	Customs *Customs // nil: declarations are published, nothing more
	Rail    *Rail    // nil: bookings and departures are published, nothing more
}

// NewWorker returns the background work over the given use cases.
func NewWorker(p WorkerPorts) *Worker {
	b := p.Basics.withDefaults()
	return &Worker{outbox: p.Outbox, events: p.Events, queue: b.Queue, customs: p.Customs, rail: p.Rail,
		clock: b.Clock, log: b.Log, relay: relayOf(b)}
}

// RelayOutbox publishes the pending events of the given aggregates in one round trip to the
// publisher, then removes them from each outbox. Delivery is at least once: a crash between
// the two steps publishes them again, and subscribers de-duplicate by event id.
func (w *Worker) RelayOutbox(ctx context.Context, refs ...AggregateRef) error {
	var events []domain.Event
	pending := make([][]PendingEvent, len(refs))
	for i, ref := range refs {
		p, err := w.outbox.Pending(ctx, ref)
		if err != nil {
			return err
		}
		pending[i] = p
		for _, e := range p {
			events = append(events, e.Event)
		}
	}
	if len(events) == 0 {
		return nil
	}
	if err := w.events.Publish(ctx, events); err != nil {
		return fmt.Errorf("publish %d events: %w", len(events), err)
	}
	// An aggregate whose reaction fails keeps its events (the task runs again for it, and the
	// reconciler finds it); the others are acknowledged, so they are not published again.
	var failed []error
	var done []Published
	for i, ref := range refs {
		if err := w.react(ctx, ref, pending[i]); err != nil {
			failed = append(failed, fmt.Errorf("%s %s: %w", ref.Aggregate, ref.ID, err))
			continue
		}
		done = append(done, Published{Ref: ref, Events: pending[i]})
	}
	if err := w.outbox.Ack(ctx, done); err != nil {
		return err
	}
	return errors.Join(failed...)
}

// react carries out what an aggregate's new events oblige the service to do, before they leave
// the outbox: a submitted declaration is sent, a changed one followed by what depends on it.
// Every reaction is idempotent, because a crash before the outbox is cleared runs it again.
func (w *Worker) react(ctx context.Context, ref AggregateRef, events []PendingEvent) error {
	if len(events) == 0 {
		return nil
	}
	switch {
	case ref.Aggregate == "booking" && w.rail != nil:
		return w.rail.followBooking(ctx, ref.ID, events)
	case ref.Aggregate == "departure" && w.rail != nil:
		return w.rail.followDeparture(ctx, ref.ID, events)
	case ref.Aggregate == "parcel" && w.rail != nil:
		return w.rail.followParcel(ctx, ref.ID, events)
	case ref.Aggregate == "declaration" && w.customs != nil:
	default:
		return nil
	}
	submitted := slices.ContainsFunc(events, func(e PendingEvent) bool { return e.Event.Type == customs.EventSubmitted })
	return w.customs.react(ctx, ref.ID, submitted)
}

// Reconcile finishes what a crash or a lost task left owed: filings customs has not answered
// for a while are sent again, departures whose bookings a crash left behind are settled, and
// outboxes nobody relayed are handed to relay tasks, a hundred aggregates each, so that the
// workers share them. It runs periodically; each run looks at a
// bounded batch, and one part failing does not keep the other from running.
func (w *Worker) Reconcile(ctx context.Context) error {
	var resendErr error
	if w.customs != nil {
		resendErr = w.customs.resendStale(ctx)
	}
	if w.rail != nil {
		resendErr = errors.Join(resendErr, w.rail.settleDepartures(ctx))
	}
	refs, err := w.outbox.Stale(ctx, w.clock.Now().Add(-reconcileGrace), 1000)
	if err != nil {
		return errors.Join(resendErr, err)
	}
	byAggregate := map[string][]string{}
	for _, ref := range refs {
		byAggregate[ref.Aggregate] = append(byAggregate[ref.Aggregate], ref.ID)
	}
	for aggregate, ids := range byAggregate {
		for start := 0; start < len(ids); start += 100 {
			w.relay.soon(ctx, aggregate, ids[start:min(start+100, len(ids))]...)
		}
	}
	if len(refs) > 0 {
		w.log.Info("reconciler queued stale outboxes", "count", len(refs))
	}
	return resendErr
}

// TaskHandlers are the background tasks this application runs, by type.
func (w *Worker) TaskHandlers() map[string]TaskHandler {
	handlers := map[string]TaskHandler{
		TaskRelayOutbox: func(ctx context.Context, payload []byte) error {
			var batch relayBatch
			if err := json.Unmarshal(payload, &batch); err != nil {
				return fmt.Errorf("relay task payload: %w", err)
			}
			refs := make([]AggregateRef, len(batch.IDs))
			for i, id := range batch.IDs {
				refs[i] = AggregateRef{Aggregate: batch.Aggregate, ID: id}
			}
			return w.RelayOutbox(ctx, refs...)
		},
		TaskReconcile: func(ctx context.Context, _ []byte) error { return w.Reconcile(ctx) },
	}
	if w.customs == nil {
		return handlers
	}
	handlers[TaskCustomsSend] = func(ctx context.Context, payload []byte) error {
		return w.customs.SendDeclaration(ctx, string(payload))
	}
	handlers[TaskCustomsReceipts] = func(ctx context.Context, payload []byte) error {
		_, err := w.customs.ReceiveReceipts(ctx, payload)
		if k := domain.KindOf(err); k == domain.KindInvalid || k == domain.KindNotFound {
			// Retrying cannot mend a malformed receipt or one for a filing we never made; the
			// body was kept with its error (ReceiveReceipts).
			w.log.Warn("receipt not applied; kept aside", "err", err)
			return nil
		}
		return err
	}
	return handlers
}
