package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/adapters/redis"
	"github.com/silkgate/silkgate/adapters/redis/redistest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/rail"
)

// TestReconcilerFinishesBookingSagas leaves bookings in every state a crash between the saga's
// single-document steps can leave them, and lets the reconciler finish them.
func TestReconcilerFinishesBookingSagas(t *testing.T) {
	ctx := context.Background()
	store := mongotest.New(t)
	rdb := redistest.New(t)
	clock := &stillClock{now: time.Now().UTC().Truncate(time.Millisecond)}
	queue := &lostQueue{}
	deps, bookings := mongo.NewDepartures(store), mongo.NewBookings(store)
	basics := app.Basics{Queue: queue, Clock: clock}
	orgs, auths := mongo.NewOrgs(store), mongo.NewAuthorizations(store)
	rl := app.NewRail(app.RailPorts{Basics: basics, Lines: mongo.NewLines(store), Departures: deps, Bookings: bookings,
		Orgs: orgs, Tenancy: app.NewTenancy(auths, clock)})
	a := app.NewWorker(app.WorkerPorts{Basics: basics, Outbox: mongo.NewOutbox(store),
		Events: redis.NewEvents(rdb, redistest.Namespace()+":events"), Rail: rl})
	line, _ := rail.ValidateLine(rail.SeedLines()[1])
	at := clock.now.AddDate(0, 0, 10)
	dep, err := rail.NewDeparture(rail.DepartureIDFor(line.Code, at), line, rail.DepartureInput{DepartsAt: at, CapacityTEU: 6}, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	if err := deps.Create(ctx, dep); err != nil {
		t.Fatal(err)
	}
	book := func(id string) *rail.Booking {
		t.Helper()
		b, err := rail.NewBooking(id, rail.BookingRequest{DepartureID: dep.ID(), BookedBy: "org_x", ExporterID: "org_x",
			Containers: []rail.ContainerRequest{{Type: rail.Type40HQ, Count: 1}}, GrossKg: 9000, CargoDescription: "parts",
			AllowWaitlist: true}, clock.now, "org_x")
		if err != nil {
			t.Fatal(err)
		}
		if err := bookings.Create(ctx, b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	slot := func(id string) rail.Slot { return rail.Slot{Booking: id, TEU: 2, Kg: 9000, At: clock.now} }
	reserve := func(id string) {
		t.Helper()
		if ok, err := deps.Reserve(ctx, dep.ID(), slot(id), false); err != nil || !ok {
			t.Fatalf("reserve %s: %v %v", id, ok, err)
		}
	}
	// bkg_1 took its capacity, and the crash came before it was confirmed.
	book("bkg_1")
	reserve("bkg_1")
	// bkg_3 was confirmed, then cancelled; the crash came before its capacity went back.
	book("bkg_3")
	reserve("bkg_3")
	_, err = bookings.Update(ctx, "bkg_3", func(b *rail.Booking) error { return b.Confirm(clock.now, "org_x") })
	must(err)
	_, err = bookings.Update(ctx, "bkg_3", func(b *rail.Booking) error { return b.Cancel(clock.now, "org_x", "") })
	must(err)
	// A refused request was deleted while a promoter was taking a place for it.
	reserve("bkg_gone")
	// bkg_2 joined the waiting list, and the crash came before the booking said so.
	book("bkg_2")
	_, _, err = deps.Waitlist(ctx, dep.ID(), slot("bkg_2"))
	must(err)
	// bkg_4 was stored, and the crash came before anything else.
	book("bkg_4")
	// A request that joined the queue only to be promoted at once was deleted: its slot outlived it.
	_, _, err = deps.Waitlist(ctx, dep.ID(), slot("bkg_ghost"))
	must(err)

	// Minutes later (past every grace) the reconciler runs, then the relay tasks it queued.
	clock.now = time.Now().UTC().Add(3 * time.Minute)
	must(a.Reconcile(ctx))
	for _, task := range queue.tasks {
		if task.Type == app.TaskRelayOutbox {
			must(a.TaskHandlers()[app.TaskRelayOutbox](ctx, task.Payload))
		}
	}

	want := map[string]rail.BookingStatus{"bkg_1": rail.BookingConfirmed, "bkg_2": rail.BookingConfirmed,
		"bkg_3": rail.BookingCancelled, "bkg_4": rail.BookingConfirmed}
	for id, status := range want {
		b, err := bookings.Get(ctx, id)
		must(err)
		if b.Status() != status {
			t.Errorf("%s is %s, want %s", id, b.Status(), status)
		}
	}
	got, err := deps.Get(ctx, dep.ID())
	must(err)
	if c := got.Capacity(); c.ConfirmedTEU != 6 || got.WaitlistedTEU() != 0 || !got.HeldBy("bkg_1") || !got.HeldBy("bkg_2") ||
		!got.HeldBy("bkg_4") || len(got.Holders()) != 3 || len(got.Waitlist()) != 0 {
		t.Fatalf("departure after reconciling: %+v, waitlisted %d, holders %v, waiting %v", c, got.WaitlistedTEU(), got.Holders(), got.Waitlist())
	}
}

// A relay batch in which one booking must wait acknowledges the others.
func TestRelayAcknowledgesWhatItCould(t *testing.T) {
	ctx := context.Background()
	store := mongotest.New(t)
	rdb := redistest.New(t)
	clock := &stillClock{now: time.Now().UTC().Truncate(time.Millisecond)}
	bookings := mongo.NewBookings(store)
	outbox := mongo.NewOutbox(store)
	basics := app.Basics{Queue: &lostQueue{}, Clock: clock}
	rl := app.NewRail(app.RailPorts{Basics: basics, Lines: mongo.NewLines(store), Departures: mongo.NewDepartures(store),
		Bookings: bookings})
	a := app.NewWorker(app.WorkerPorts{Basics: basics, Outbox: outbox,
		Events: redis.NewEvents(rdb, redistest.Namespace()+":events"), Rail: rl})
	for _, id := range []string{"bkg_fresh", "bkg_done"} {
		b, err := rail.NewBooking(id, rail.BookingRequest{DepartureID: "dep_XXO_20991231", BookedBy: "org_x", ExporterID: "org_x",
			Containers: []rail.ContainerRequest{{Type: rail.Type40HQ, Count: 1}}, GrossKg: 9000, CargoDescription: "parts"}, clock.now, "org_x")
		if err != nil {
			t.Fatal(err)
		}
		if id == "bkg_done" {
			_ = b.Confirm(clock.now, "org_x")
		}
		if err := bookings.Create(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	err := a.RelayOutbox(ctx, app.AggregateRef{Aggregate: "booking", ID: "bkg_fresh"}, app.AggregateRef{Aggregate: "booking", ID: "bkg_done"})
	if err == nil {
		t.Fatal("a request still being decided was treated as settled")
	}
	for id, want := range map[string]int{"bkg_fresh": 1, "bkg_done": 0} {
		pending, err := outbox.Pending(ctx, app.AggregateRef{Aggregate: "booking", ID: id})
		if err != nil || len(pending) != want {
			t.Errorf("%s: %d events pending (%v), want %d", id, len(pending), err, want)
		}
	}
}
