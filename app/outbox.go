package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/silkgate/silkgate/domain"
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

// relaySoon asks the queue to publish an aggregate's outbox. A failure here loses nothing: the
// events are stored, and the reconciler finds them.
func (a *App) relaySoon(ctx context.Context, aggregate, id string) {
	payload, _ := json.Marshal(AggregateRef{Aggregate: aggregate, ID: id})
	// Not a unique task: a relay already running may have read the outbox before this change's
	// events were pushed, and de-duplicating against it would leave them to the reconciler.
	err := a.Queue.Enqueue(context.WithoutCancel(ctx), Task{Type: TaskRelayOutbox, Payload: payload})
	if err != nil {
		a.Log.Warn("outbox relay not enqueued; the reconciler will publish", "aggregate", aggregate, "id", id, "err", err)
	}
}

// RelayOutbox publishes an aggregate's pending events and removes them from its outbox.
func (a *App) RelayOutbox(ctx context.Context, ref AggregateRef) error {
	pending, err := a.Outbox.Pending(ctx, ref)
	if err != nil || len(pending) == 0 {
		return err
	}
	events := make([]domain.Event, len(pending))
	for i, p := range pending {
		events[i] = p.Event
	}
	if err := a.Events.Publish(ctx, events); err != nil {
		return fmt.Errorf("publish %s %s: %w", ref.Aggregate, ref.ID, err)
	}
	return a.Outbox.Ack(ctx, ref, pending)
}

// Reconcile finishes what a crash or a lost task left owed: today, outboxes nobody relayed.
// It runs periodically; each run handles a bounded batch.
func (a *App) Reconcile(ctx context.Context) error {
	refs, err := a.Outbox.Stale(ctx, a.Clock.Now().Add(-reconcileGrace), 1000)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if err := a.RelayOutbox(ctx, ref); err != nil {
			return err
		}
	}
	if len(refs) > 0 {
		a.Log.Info("reconciler relayed stale outboxes", "count", len(refs))
	}
	return nil
}

// TaskHandlers are the background tasks this application runs, by type.
func (a *App) TaskHandlers() map[string]TaskHandler {
	return map[string]TaskHandler{
		TaskRelayOutbox: func(ctx context.Context, payload []byte) error {
			var ref AggregateRef
			if err := json.Unmarshal(payload, &ref); err != nil {
				return fmt.Errorf("relay task payload: %w", err)
			}
			return a.RelayOutbox(ctx, ref)
		},
		TaskReconcile: func(ctx context.Context, _ []byte) error { return a.Reconcile(ctx) },
	}
}
