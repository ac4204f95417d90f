package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// OutboxStore reads and clears the outboxes that aggregates carry in their own documents.
type OutboxStore interface {
	// Pending returns the unpublished events of one aggregate, oldest first.
	Pending(ctx context.Context, ref AggregateRef) ([]PendingEvent, error)
	// Ack removes published events from the aggregate's outbox; other events stay.
	Ack(ctx context.Context, ref AggregateRef, events []PendingEvent) error
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

// relayBatch is the payload of a relay task: aggregates of one kind whose outboxes to publish.
type relayBatch struct {
	Aggregate string   `json:"aggregate"`
	IDs       []string `json:"ids"`
}

// relaySoon asks the queue to publish the outboxes of the given aggregates, in one task. A
// failure here loses nothing: the events are stored, and the reconciler finds them.
func (a *App) relaySoon(ctx context.Context, aggregate string, ids ...string) {
	if len(ids) == 0 {
		return
	}
	payload, _ := json.Marshal(relayBatch{Aggregate: aggregate, IDs: ids})
	// Not a unique task: a relay already running may have read the outbox before this change's
	// events were pushed, and de-duplicating against it would leave them to the reconciler.
	err := a.Queue.Enqueue(context.WithoutCancel(ctx), Task{Type: TaskRelayOutbox, Payload: payload})
	if err != nil {
		a.Log.Warn("outbox relay not enqueued; the reconciler will publish", "aggregate", aggregate, "count", len(ids), "err", err)
	}
}

// RelayOutbox publishes the pending events of the given aggregates in one round trip to the
// publisher, then removes them from each outbox. Delivery is at least once: a crash between
// the two steps publishes them again, and subscribers de-duplicate by event id.
func (a *App) RelayOutbox(ctx context.Context, refs ...AggregateRef) error {
	var events []domain.Event
	pending := make([][]PendingEvent, len(refs))
	for i, ref := range refs {
		p, err := a.Outbox.Pending(ctx, ref)
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
	if err := a.Events.Publish(ctx, events); err != nil {
		return fmt.Errorf("publish %d events: %w", len(events), err)
	}
	// An aggregate whose reaction fails keeps its events (the task runs again for it, and the
	// reconciler finds it); the others are acknowledged, so they are not published again.
	var failed []error
	for i, ref := range refs {
		if err := a.react(ctx, ref, pending[i]); err != nil {
			failed = append(failed, fmt.Errorf("%s %s: %w", ref.Aggregate, ref.ID, err))
			continue
		}
		if len(pending[i]) > 0 {
			if err := a.Outbox.Ack(ctx, ref, pending[i]); err != nil {
				return err
			}
		}
	}
	return errors.Join(failed...)
}

// react carries out what an aggregate's new events oblige the service to do, before they leave
// the outbox: a submitted declaration is sent, a changed one followed by what depends on it.
// Every reaction is idempotent, because a crash before the outbox is cleared runs it again.
func (a *App) react(ctx context.Context, ref AggregateRef, events []PendingEvent) error {
	if len(events) == 0 {
		return nil
	}
	switch ref.Aggregate {
	case "booking":
		return a.followBooking(ctx, ref.ID, events)
	case "departure":
		return a.followDeparture(ctx, ref.ID, events)
	case "declaration":
	default:
		return nil
	}
	for _, e := range events {
		if e.Event.Type == customs.EventSubmitted {
			if err := a.Queue.Enqueue(ctx, Task{Type: TaskCustomsSend, Payload: []byte(ref.ID)}); err != nil {
				return err
			}
			break
		}
	}
	return a.followDeclaration(ctx, ref.ID)
}

// Reconcile finishes what a crash or a lost task left owed: filings customs has not answered
// for a while are sent again, departures whose bookings a crash left behind are settled, and
// outboxes nobody relayed are handed to relay tasks, a hundred aggregates each, so that the
// workers share them. It runs periodically; each run looks at a
// bounded batch, and one part failing does not keep the other from running.
func (a *App) Reconcile(ctx context.Context) error {
	resendErr := errors.Join(a.resendStale(ctx), a.settleDepartures(ctx))
	refs, err := a.Outbox.Stale(ctx, a.Clock.Now().Add(-reconcileGrace), 1000)
	if err != nil {
		return errors.Join(resendErr, err)
	}
	byAggregate := map[string][]string{}
	for _, ref := range refs {
		byAggregate[ref.Aggregate] = append(byAggregate[ref.Aggregate], ref.ID)
	}
	for aggregate, ids := range byAggregate {
		for start := 0; start < len(ids); start += 100 {
			a.relaySoon(ctx, aggregate, ids[start:min(start+100, len(ids))]...)
		}
	}
	if len(refs) > 0 {
		a.Log.Info("reconciler queued stale outboxes", "count", len(refs))
	}
	return resendErr
}

// TaskHandlers are the background tasks this application runs, by type.
func (a *App) TaskHandlers() map[string]TaskHandler {
	return map[string]TaskHandler{
		TaskRelayOutbox: func(ctx context.Context, payload []byte) error {
			var batch relayBatch
			if err := json.Unmarshal(payload, &batch); err != nil {
				return fmt.Errorf("relay task payload: %w", err)
			}
			refs := make([]AggregateRef, len(batch.IDs))
			for i, id := range batch.IDs {
				refs[i] = AggregateRef{Aggregate: batch.Aggregate, ID: id}
			}
			return a.RelayOutbox(ctx, refs...)
		},
		TaskReconcile: func(ctx context.Context, _ []byte) error { return a.Reconcile(ctx) },
		TaskCustomsSend: func(ctx context.Context, payload []byte) error {
			return a.SendDeclaration(ctx, string(payload))
		},
		TaskCustomsReceipts: func(ctx context.Context, payload []byte) error {
			_, err := a.ReceiveReceipts(ctx, payload)
			if k := domain.KindOf(err); k == domain.KindInvalid || k == domain.KindNotFound {
				// Retrying cannot mend a malformed receipt or one for a filing we never made.
				a.Log.Warn("receipt dropped", "err", err)
				return nil
			}
			return err
		},
	}
}
