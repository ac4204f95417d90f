package mongo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

func newDeparture(t *testing.T, deps *mongo.Departures, capacityTEU int) *rail.Departure {
	t.Helper()
	line, err := rail.ValidateLine(rail.SeedLines()[1])
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	at := now.AddDate(0, 0, 10)
	d, err := rail.NewDeparture(rail.DepartureIDFor(line.Code, at), line, rail.DepartureInput{DepartsAt: at, CapacityTEU: capacityTEU}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := deps.Create(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return d
}

func slot(id string, teu int) rail.Slot {
	return rail.Slot{Booking: id, TEU: teu, Kg: int64(teu) * 10_000, At: time.Now().UTC().Truncate(time.Millisecond)}
}

func ids(slots []rail.Slot) []string {
	var out []string
	for _, s := range slots {
		out = append(out, s.Booking)
	}
	return out
}

func TestDepartureCapacityOperations(t *testing.T) { mongotest.Run(t, testDepartureCapacityOperations) }

func testDepartureCapacityOperations(t *testing.T, s *mongo.Store) {
	ctx := context.Background()
	deps := mongo.NewDepartures(s)
	d := newDeparture(t, deps, 6)
	id := d.ID()

	reserve := func(s rail.Slot, fromWaitlist bool) bool {
		t.Helper()
		ok, err := deps.Reserve(ctx, id, s, fromWaitlist)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string, confirmed, waitlisted int, holders, waiting []string) {
		t.Helper()
		got, err := deps.Get(ctx, id)
		must(err)
		c := got.Capacity()
		if c.ConfirmedTEU != confirmed || c.CargoKg != int64(confirmed)*10_000 || got.WaitlistedTEU() != waitlisted ||
			fmt.Sprint(ids(got.Holders())) != fmt.Sprint(holders) || fmt.Sprint(ids(got.Waitlist())) != fmt.Sprint(waiting) {
			t.Fatalf("%s: confirmed %d, waitlisted %d, holders %v, waiting %v", what, c.ConfirmedTEU, got.WaitlistedTEU(), got.Holders(), got.Waitlist())
		}
	}

	b1, b2, b3 := slot("b1", 4), slot("b2", 4), slot("b3", 2)
	if !reserve(b1, false) || !reserve(b1, false) {
		t.Fatal("b1 not reserved")
	}
	check("b1 twice", 4, 0, []string{"b1"}, nil)
	// A negative amount would pass the conditional filter ($gte) and hand capacity out: refused.
	if _, err := deps.Reserve(ctx, id, slot("b0", -2), false); domain.CodeOf(err) != "invalid_amount" {
		t.Fatalf("a negative reservation: %v", err)
	}
	check("after a negative reservation", 4, 0, []string{"b1"}, nil)
	if reserve(b2, false) {
		t.Fatal("4 TEU reserved with 2 free")
	}
	for range 2 {
		stood, queued, err := deps.Waitlist(ctx, id, b2)
		must(err)
		if free := stood.Capacity().FreeTEU(); free != 2 || !queued {
			t.Fatalf("waitlisting reports %d TEU free, queued %v; want 2, true", free, queued)
		}
	}
	check("b2 waits", 4, 4, []string{"b1"}, []string{"b2"})
	if reserve(b3, false) {
		t.Fatal("a new booking jumped the waiting list")
	}
	must(deps.Release(ctx, id, b1))
	must(deps.Release(ctx, id, b1))
	check("b1 released twice", 0, 4, nil, []string{"b2"})
	if reserve(b3, true) {
		t.Fatal("promoted a booking that does not wait")
	}
	if !reserve(b2, true) || !reserve(b2, true) {
		t.Fatal("b2 not promoted")
	}
	check("b2 promoted", 4, 0, []string{"b2"}, nil)
	must(deps.Unwaitlist(ctx, id, b2))
	check("unwaitlisting a holder changes nothing", 4, 0, []string{"b2"}, nil)
	if _, queued, err := deps.Waitlist(ctx, id, b2); err != nil || !queued {
		t.Fatalf("a holder waitlisted: queued %v, %v", queued, err)
	}
	check("waitlisting a holder changes nothing", 4, 0, []string{"b2"}, nil)
	got, _ := deps.Get(ctx, id)
	if h := got.Holders()[0]; h.TEU != 4 || h.Kg != 40_000 || h.At.IsZero() {
		t.Fatalf("slot %+v", h)
	}

	// An update of the rest of the departure keeps the counters the operations wrote.
	if !reserve(slot("b4", 2), false) {
		t.Fatal("b4 not reserved")
	}
	if _, err := deps.Update(ctx, id, func(d *rail.Departure) error {
		return d.RecordEvent(rail.Event{Type: rail.EventDeparted, At: time.Now().UTC(), Location: "XIANGYANG"})
	}); err != nil {
		t.Fatal(err)
	}
	check("after an update", 6, 0, []string{"b2", "b4"}, nil)
	if reserve(slot("b5", 0), false) {
		t.Fatal("reserved on a departed train")
	}
	if stood, queued, err := deps.Waitlist(ctx, id, slot("b5", 2)); err != nil || queued || stood.Status() != rail.DepartureDeparted {
		t.Fatalf("waitlisting on a departed train: queued %v, %v", queued, err)
	}

	// The reconciler's mark: set by every capacity change, cleared only if nothing moved since.
	got, _ = deps.Get(ctx, id)
	if got.CapacityChangedAt().IsZero() {
		t.Fatal("capacity change not marked")
	}
	if list, err := deps.Unsettled(ctx, time.Now().Add(2*time.Minute), 10); err != nil || len(list) != 1 {
		t.Fatalf("unsettled %d, %v", len(list), err)
	}
	must(deps.Settle(ctx, id, got.CapacityChangedAt().Add(-time.Millisecond)))
	if list, _ := deps.Unsettled(ctx, time.Now().Add(2*time.Minute), 10); len(list) != 1 {
		t.Fatal("settled with a stale mark")
	}
	must(deps.Settle(ctx, id, got.CapacityChangedAt()))
	if list, _ := deps.Unsettled(ctx, time.Now().Add(2*time.Minute), 10); len(list) != 0 {
		t.Fatal("not settled")
	}
}

func TestConcurrentReservationsNeverOversell(t *testing.T) {
	mongotest.Run(t, testConcurrentReservationsNeverOversell)
}

func testConcurrentReservationsNeverOversell(t *testing.T, s *mongo.Store) {
	ctx := context.Background()
	deps := mongo.NewDepartures(s)
	d := newDeparture(t, deps, 110)
	var wg sync.WaitGroup
	granted := make([]bool, 200)
	errs := make([]error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := slot(fmt.Sprintf("b%03d", i), 2+2*(i%2))
			s.Kg = 1000
			granted[i], errs[i] = deps.Reserve(ctx, d.ID(), s, false)
			if i%7 == 0 { // and some ask twice
				again, err := deps.Reserve(ctx, d.ID(), s, false)
				if err == nil && again != granted[i] {
					errs[i] = fmt.Errorf("a repeat answered %v after %v", again, granted[i])
				}
			}
		}()
	}
	wg.Wait()
	sum, held := 0, 0
	for i, ok := range granted {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if ok {
			sum += 2 + 2*(i%2)
			held++
		}
	}
	got, _ := deps.Get(ctx, d.ID())
	if c := got.Capacity(); c.ConfirmedTEU != sum || sum > 110 || sum < 106 || len(got.Holders()) != held {
		t.Fatalf("granted %d TEU to %d bookings, departure counts %+v and %d holders", sum, held, c, len(got.Holders()))
	}
}

func TestBookingsRepository(t *testing.T) { mongotest.Run(t, testBookingsRepository) }

func testBookingsRepository(t *testing.T, s *mongo.Store) {
	ctx := context.Background()
	bookings := mongo.NewBookings(s)
	now := time.Now().UTC().Truncate(time.Millisecond)
	mk := func(id, exporter string) *rail.Booking {
		b, err := rail.NewBooking(id, rail.BookingRequest{DepartureID: "dep_XXO_20261211", BookedBy: exporter, ExporterID: exporter,
			Containers: []rail.ContainerRequest{{Type: rail.Type40HQ, Count: 1}}, GrossKg: 9000, CargoDescription: "parts",
			Consignee: &rail.Consignee{Name: "Duisport", Country: "DE"}}, now, exporter)
		if err != nil {
			t.Fatal(err)
		}
		if err := bookings.Create(ctx, b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	mk("bkg_1", "org_a")
	mk("bkg_2", "org_b")
	mk("bkg_3", "org_a")
	if _, err := bookings.Update(ctx, "bkg_1", func(b *rail.Booking) error { return b.Confirm(now, "org_a") }); err != nil {
		t.Fatal(err)
	}
	got, err := bookings.Get(ctx, "bkg_1")
	if err != nil || got.Status() != rail.BookingConfirmed || got.Consignee().Country != "DE" || len(got.Timeline()) != 2 {
		t.Fatalf("bkg_1: %v %+v", err, got)
	}
	page, next, err := bookings.List(ctx, rail.BookingFilter{Parties: []string{"org_a"}, Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID() != "bkg_3" || next == "" {
		t.Fatalf("page 1: %v %d %q", err, len(page), next)
	}
	page, next, _ = bookings.List(ctx, rail.BookingFilter{Parties: []string{"org_a"}, Limit: 1, Cursor: next})
	if len(page) != 1 || page[0].ID() != "bkg_1" {
		t.Fatalf("page 2: %d", len(page))
	}
	// Only a requested booking is deleted.
	if err := bookings.DeleteRequested(ctx, "bkg_1"); err != nil {
		t.Fatal(err)
	}
	if err := bookings.DeleteRequested(ctx, "bkg_2"); err != nil {
		t.Fatal(err)
	}
	if _, err := bookings.Get(ctx, "bkg_1"); err != nil {
		t.Fatal("a confirmed booking was deleted")
	}
	if _, err := bookings.Get(ctx, "bkg_2"); err == nil {
		t.Fatal("a requested booking was not deleted")
	}
}
