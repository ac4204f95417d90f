package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/party"
)

// lostQueue stands for a Redis that forgot its tasks (an embedded one restarted): it accepts
// every task and runs none.
type lostQueue struct {
	mu    sync.Mutex
	tasks []app.Task
}

func (q *lostQueue) Enqueue(_ context.Context, t app.Task) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tasks = append(q.tasks, t)
	return nil
}

type stillClock struct{ now time.Time }

func (c *stillClock) Now() time.Time { return c.now }

func TestReconcilerPublishesOutboxesWhoseRelayWasLost(t *testing.T) {
	ctx := context.Background()
	store := mongotest.New(t)
	rdb := redistest.New(t)
	stream := redistest.Namespace() + ":events"
	clock := &stillClock{now: time.Now().UTC().Truncate(time.Millisecond)}
	queue := &lostQueue{}
	basics := app.Basics{Queue: queue, Clock: clock}
	auths := mongo.NewAuthorizations(store)
	parties := app.NewParties(app.PartiesPorts{Basics: basics, Orgs: mongo.NewOrgs(store), Keys: mongo.NewAPIKeys(store),
		Authorizations: auths, Tenancy: app.NewTenancy(auths, clock)})
	worker := app.NewWorker(app.WorkerPorts{Basics: basics, Outbox: mongo.NewOutbox(store), Events: redis.NewEvents(rdb, stream)})
	if _, err := parties.EnsureOperator(ctx, "operator", "operator-key-for-this-test"); err != nil {
		t.Fatal(err)
	}
	operator, err := parties.Authenticate(ctx, "operator-key-for-this-test")
	if err != nil {
		t.Fatal(err)
	}
	org, err := parties.RegisterOrg(ctx, operator, app.RegisterOrg{Kind: party.KindExporter, Fields: party.OrgFields{
		Name: "甲", USCC: "91420600MA4F2K7Q1L", CustomsCode: "4206360A21"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(queue.tasks) != 1 || queue.tasks[0].Type != app.TaskRelayOutbox {
		t.Fatalf("registration should ask for a relay, got %v", queue.tasks)
	}

	// Within the grace period the reconciler leaves the outbox to the relay task it expects.
	if err := worker.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rdb.XLen(ctx, stream).Val(); n != 0 {
		t.Fatalf("published %d events before the grace period ended", n)
	}

	// The reconciler's to-do list keeps time by the minute: two minutes on, the write is owed.
	clock.now = clock.now.Add(2 * time.Minute)
	queue.tasks = nil
	if err := worker.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	// The reconciler hands the stale outbox to a relay task; run it as a worker would.
	if len(queue.tasks) != 1 || queue.tasks[0].Type != app.TaskRelayOutbox {
		t.Fatalf("reconcile queued %v", queue.tasks)
	}
	if err := worker.TaskHandlers()[app.TaskRelayOutbox](ctx, queue.tasks[0].Payload); err != nil {
		t.Fatal(err)
	}
	msgs := rdb.XRange(ctx, stream, "-", "+").Val()
	if len(msgs) != 1 || msgs[0].Values["type"] != "org.registered" {
		t.Fatalf("stream after reconcile: %v", msgs)
	}
	pending, err := mongo.NewOutbox(store).Pending(ctx, app.AggregateRef{Aggregate: "org", ID: org.ID()})
	if err != nil || len(pending) != 0 {
		t.Fatalf("outbox not emptied: %v %v", pending, err)
	}
	// Nothing is published twice: the outbox is empty, so nothing more is owed.
	queue.tasks = nil
	if err := worker.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if len(queue.tasks) != 0 {
		t.Errorf("a second reconcile queued %v", queue.tasks)
	}
	if n := rdb.XLen(ctx, stream).Val(); n != 1 {
		t.Errorf("%d events after a second reconcile, want 1", n)
	}
}
