package rail_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

func TestWorkingDaysBefore(t *testing.T) {
	// June 2024: the 3rd is a Monday.
	cases := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"Monday → Wednesday before", cst(2024, 6, 10, 10, 0), 3, cst(2024, 6, 5, 10, 0)},
		{"Tuesday → Thursday before", cst(2024, 6, 4, 10, 0), 3, cst(2024, 5, 30, 10, 0)},
		{"Wednesday → Friday before", cst(2024, 6, 5, 10, 0), 3, cst(2024, 5, 31, 10, 0)},
		{"Thursday → Monday", cst(2024, 6, 6, 10, 0), 3, cst(2024, 6, 3, 10, 0)},
		{"Friday → Tuesday", cst(2024, 6, 7, 10, 0), 3, cst(2024, 6, 4, 10, 0)},
		{"Saturday → Wednesday", cst(2024, 6, 8, 10, 0), 3, cst(2024, 6, 5, 10, 0)},
		{"Sunday → Wednesday", cst(2024, 6, 9, 10, 0), 3, cst(2024, 6, 5, 10, 0)},
		{"Monday, one day → Friday", cst(2024, 6, 10, 23, 30), 1, cst(2024, 6, 7, 23, 30)},
		{"five days = a week", cst(2024, 6, 10, 10, 0), 5, cst(2024, 6, 3, 10, 0)},
		{"ten days = two weeks", cst(2024, 6, 12, 8, 0), 10, cst(2024, 5, 29, 8, 0)},
		{"zero", cst(2024, 6, 8, 10, 0), 0, cst(2024, 6, 8, 10, 0)},
		{"across a month and a year", cst(2025, 1, 1, 10, 0), 3, cst(2024, 12, 27, 10, 0)},
	}
	for _, c := range cases {
		if got := rail.WorkingDaysBefore(c.from, c.n); !got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestWeeklyDepartures(t *testing.T) {
	xxo := seedLine(t, "XXO") // Fridays 10:00
	got := rail.WeeklyDepartures(xxo, cst(2024, 6, 3, 0, 0), 4)
	want := []time.Time{cst(2024, 6, 7, 10, 0), cst(2024, 6, 14, 10, 0), cst(2024, 6, 21, 10, 0), cst(2024, 6, 28, 10, 0)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("XXO: %v", got)
	}
	// Deterministic, whatever zone "from" is written in.
	again := rail.WeeklyDepartures(xxo, cst(2024, 6, 3, 0, 0).UTC(), 4)
	if !slices.EqualFunc(got, again, time.Time.Equal) {
		t.Errorf("not deterministic: %v vs %v", got, again)
	}
	ids := map[string]bool{}
	for _, d := range append(got, again...) {
		ids[rail.DepartureIDFor(xxo.Code, d)] = true
	}
	if len(ids) != 4 || !ids["dep_XXO_20240607"] || !ids["dep_XXO_20240628"] {
		t.Errorf("ids %v", ids)
	}

	// Mondays and Thursdays, starting after Monday's train: the window [from, from+14d) takes
	// Thursday, Monday, Thursday and the last Monday's 10:00, which is before from's 12:00.
	xqm := seedLine(t, "XQM")
	got = rail.WeeklyDepartures(xqm, cst(2024, 6, 3, 12, 0), 2)
	want = []time.Time{cst(2024, 6, 6, 10, 0), cst(2024, 6, 10, 10, 0), cst(2024, 6, 13, 10, 0), cst(2024, 6, 17, 10, 0)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("XQM: %v", got)
	}
	// from exactly at a departure includes it.
	got = rail.WeeklyDepartures(xxo, cst(2024, 6, 7, 10, 0), 1)
	if len(got) != 1 || !got[0].Equal(cst(2024, 6, 7, 10, 0)) {
		t.Errorf("from at a departure: %v", got)
	}
	// Every line: weeks × weekdays departures, each on a weekday it runs, strictly increasing.
	for _, l := range rail.SeedLines() {
		ds := rail.WeeklyDepartures(l, cst(2024, 6, 5, 17, 45), 10)
		if len(ds) != 10*len(l.Weekdays) {
			t.Errorf("%s: %d departures", l.Code, len(ds))
		}
		for i, d := range ds {
			if !l.Runs(d.In(rail.ChinaTime).Weekday()) || (i > 0 && !d.After(ds[i-1])) {
				t.Errorf("%s: %v", l.Code, ds)
			}
		}
	}
	if rail.WeeklyDepartures(xxo, cst(2024, 6, 3, 0, 0), 0) != nil {
		t.Error("zero weeks")
	}
	if id := rail.DepartureIDFor("XXO", time.Date(2024, 6, 6, 20, 0, 0, 0, time.UTC)); id != "dep_XXO_20240607" {
		t.Errorf("id uses the China date: %s", id)
	}
}

func newDeparture(t *testing.T, line rail.Line, departsAt time.Time) *rail.Departure {
	t.Helper()
	d, err := rail.NewDeparture(rail.DepartureIDFor(line.Code, departsAt), line, rail.DepartureInput{DepartsAt: departsAt},
		departsAt.AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNewDepartureDefaults(t *testing.T) {
	line := seedLine(t, "XXO")
	dep := cst(2024, 6, 28, 10, 0) // a Friday
	d := newDeparture(t, line, dep)
	if d.ID() != "dep_XXO_20240628" || d.LineCode() != "XXO" || d.LineName() != "襄西欧" || d.Status() != rail.DepartureScheduled {
		t.Errorf("departure %s %s %s", d.ID(), d.LineCode(), d.Status())
	}
	if d.CapacityTEU() != 110 || d.MaxCargoKg() != 1_300_000 || d.ConfirmedTEU() != 0 || d.CargoKg() != 0 || d.WaitlistedTEU() != 0 {
		t.Errorf("capacity %+v", d.Capacity())
	}
	if !d.DepartsAt().Equal(dep) || d.DepartsAt().Location() != time.UTC {
		t.Errorf("departsAt %v", d.DepartsAt())
	}
	if !d.BookingOpensAt().Equal(cst(2024, 6, 14, 10, 0)) || !d.CutoffAt().Equal(cst(2024, 6, 25, 10, 0)) {
		t.Errorf("window %v – %v", d.BookingOpensAt(), d.CutoffAt())
	}
	if d.TransitDays() != 21 || len(d.Itinerary()) != 4 {
		t.Errorf("route %d %v", d.TransitDays(), d.Itinerary())
	}
	if ob := d.Outbox(); len(ob) != 1 || ob[0].Type != "departure.scheduled" || ob[0].ID != "departure:dep_XXO_20240628:1:0" {
		t.Errorf("outbox %+v", ob)
	}
	// Ningbo's trains take the line's 80 TEU.
	if n := newDeparture(t, seedLine(t, "XNB"), cst(2024, 6, 29, 10, 0)); n.CapacityTEU() != 80 {
		t.Errorf("Ningbo capacity %d", n.CapacityTEU())
	}
	// The working-day cutoff is counted in China: Monday 04:00 in Xiangyang is Sunday in UTC.
	mon := time.Date(2024, 6, 9, 20, 0, 0, 0, time.UTC)
	m := newDeparture(t, line, mon)
	if !m.CutoffAt().Equal(cst(2024, 6, 5, 4, 0)) {
		t.Errorf("cutoff of a Monday 04:00 CST train: %v", m.CutoffAt().In(rail.ChinaTime))
	}
	// Editing the line later does not move the planned train.
	line.Itinerary[2].DayOffset = 9
	if d.Itinerary()[2].DayOffset != 6 {
		t.Error("departure shares the line's itinerary")
	}
}

func TestNewDepartureRejects(t *testing.T) {
	line := seedLine(t, "XXO")
	dep := cst(2024, 6, 28, 10, 0)
	now := cst(2024, 6, 1, 10, 0)
	cases := []struct {
		name  string
		in    rail.DepartureInput
		at    time.Time
		wants []string
	}{
		{"no time", rail.DepartureInput{}, now, []string{"departsAt:required"}},
		{"past", rail.DepartureInput{DepartsAt: dep}, dep, []string{"departsAt:in_the_past"}},
		{"capacity", rail.DepartureInput{DepartsAt: dep, CapacityTEU: 111}, now, []string{"capacityTEU:invalid_capacity"}},
		{"negative capacity", rail.DepartureInput{DepartsAt: dep, CapacityTEU: -2}, now, []string{"capacityTEU:invalid_capacity"}},
		{"cargo", rail.DepartureInput{DepartsAt: dep, MaxCargoKg: 1_300_001}, now, []string{"maxCargoKg:invalid_max_cargo"}},
		{"cutoff after departure", rail.DepartureInput{DepartsAt: dep, CutoffAt: dep.Add(time.Minute)}, now,
			[]string{"cutoffAt:invalid_booking_window"}},
		{"opens after cutoff", rail.DepartureInput{DepartsAt: dep, BookingOpensAt: cst(2024, 6, 26, 0, 0)}, now,
			[]string{"bookingOpensAt:invalid_booking_window"}},
	}
	for _, c := range cases {
		_, err := rail.NewDeparture("dep-1", line, c.in, c.at)
		wantFields(t, c.name, err, c.wants...)
	}
	_, err := rail.NewDeparture("", line, rail.DepartureInput{DepartsAt: dep}, now)
	wantKindCode(t, "no id", err, domain.KindInternal, "internal")
	// Explicit values are kept.
	d, err := rail.NewDeparture("dep-x", line, rail.DepartureInput{DepartsAt: dep, CapacityTEU: 84, MaxCargoKg: 900_000,
		BookingOpensAt: cst(2024, 6, 1, 12, 0), CutoffAt: cst(2024, 6, 27, 18, 0)}, now)
	if err != nil || d.CapacityTEU() != 84 || d.MaxCargoKg() != 900_000 || !d.CutoffAt().Equal(cst(2024, 6, 27, 18, 0)) {
		t.Errorf("explicit: %v %+v", err, d)
	}
}

func TestBookingWindowOpen(t *testing.T) {
	cases := []struct {
		name string
		dep  time.Time
		at   time.Time
		open bool
	}{
		// Monday 24 June 10:00: opens Monday 10 June 10:00, closes Wednesday 19 June 10:00.
		{"Monday train, before opening", cst(2024, 6, 24, 10, 0), cst(2024, 6, 10, 9, 59), false},
		{"Monday train, at opening", cst(2024, 6, 24, 10, 0), cst(2024, 6, 10, 10, 0), true},
		{"Monday train, Friday before", cst(2024, 6, 24, 10, 0), cst(2024, 6, 21, 10, 0), false},
		{"Monday train, Wednesday just before cutoff", cst(2024, 6, 24, 10, 0), cst(2024, 6, 19, 9, 59), true},
		{"Monday train, at cutoff", cst(2024, 6, 24, 10, 0), cst(2024, 6, 19, 10, 0), false},
		// Friday 28 June 10:00: closes Tuesday 25 June 10:00.
		{"Friday train, Monday before", cst(2024, 6, 28, 10, 0), cst(2024, 6, 24, 18, 0), true},
		{"Friday train, Tuesday 09:59", cst(2024, 6, 28, 10, 0), cst(2024, 6, 25, 9, 59), true},
		{"Friday train, Tuesday 10:00", cst(2024, 6, 28, 10, 0), cst(2024, 6, 25, 10, 0), false},
		{"Friday train, Thursday", cst(2024, 6, 28, 10, 0), cst(2024, 6, 27, 10, 0), false},
	}
	line := seedLine(t, "XQM")
	for _, c := range cases {
		d := newDeparture(t, line, c.dep)
		err := d.BookingWindowOpen(c.at)
		if c.open && err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if !c.open {
			wantKindCode(t, c.name, err, domain.KindInvalid, "booking_closed")
		}
	}
	d := newDeparture(t, line, cst(2024, 6, 24, 10, 0))
	if err := d.Cancel(cst(2024, 6, 11, 0, 0), "op", "no wagons"); err != nil {
		t.Fatal(err)
	}
	wantKindCode(t, "cancelled", d.BookingWindowOpen(cst(2024, 6, 12, 0, 0)), domain.KindInvalid, "booking_closed")
	if err := d.ErrClosed(); err == nil || err.Error() != "booking_closed: the departure is cancelled" {
		t.Errorf("ErrClosed: %v", err)
	}
}

func TestFits(t *testing.T) {
	c := rail.Capacity{CapacityTEU: 110, ConfirmedTEU: 100, MaxCargoKg: 1_300_000, CargoKg: 1_200_000}
	cases := []struct {
		name string
		teu  int
		kg   int64
		code string
	}{
		{"exactly full", 10, 100_000, ""},
		{"nothing", 0, 0, ""},
		{"one TEU over", 11, 1, "departure_full"},
		{"one kg over", 2, 100_001, "departure_over_weight"},
		{"both over: TEU reported", 12, 200_000, "departure_full"},
		{"negative teu", -1, 0, "invalid_amount"},
		{"negative kg", 0, -1, "invalid_amount"},
	}
	for _, k := range cases {
		err := rail.CheckFits(c, k.teu, k.kg)
		if rail.Fits(c, k.teu, k.kg) != (k.code == "") {
			t.Errorf("%s: Fits %v", k.name, rail.Fits(c, k.teu, k.kg))
		}
		if k.code == "" && err != nil {
			t.Errorf("%s: %v", k.name, err)
		}
		if k.code != "" && string(domain.CodeOf(err)) != k.code {
			t.Errorf("%s: %v, want %s", k.name, err, k.code)
		}
	}
	if c.FreeTEU() != 10 || c.FreeKg() != 100_000 {
		t.Errorf("free %d %d", c.FreeTEU(), c.FreeKg())
	}
	wantKindCode(t, "full", rail.CheckFits(c, 11, 0), domain.KindConflict, "departure_full")
}

func TestFitsKeepsTheInvariant(t *testing.T) {
	c := newDeparture(t, seedLine(t, "XXO"), cst(2024, 6, 28, 10, 0)).Capacity()
	take := func(teu int, kg int64) error {
		if err := rail.CheckFits(c, teu, kg); err != nil {
			return err
		}
		c.ConfirmedTEU += teu
		c.CargoKg += kg
		return nil
	}
	// 55 forty-foot boxes of 23.6 t each fill the train by TEU and stay under 1,300 t.
	for i := 0; i < 55; i++ {
		if err := take(2, 23_600); err != nil {
			t.Fatalf("box %d: %v", i, err)
		}
	}
	if c.ConfirmedTEU != 110 || c.CargoKg != 55*23_600 || c.FreeTEU() != 0 {
		t.Fatalf("after filling: %+v", c)
	}
	wantKindCode(t, "one more", take(1, 1), domain.KindConflict, "departure_full")
	c.ConfirmedTEU, c.CargoKg = 106, c.CargoKg-47_200
	if err := take(4, c.FreeKg()); err != nil {
		t.Errorf("exact weight: %v", err)
	}
	wantKindCode(t, "one kg", take(0, 1), domain.KindConflict, "departure_over_weight")
	wantKindCode(t, "negative", take(-2, 0), domain.KindInvalid, "invalid_amount")
	if c.ConfirmedTEU > c.CapacityTEU || c.CargoKg > c.MaxCargoKg {
		t.Errorf("invariant broken: %+v", c)
	}
}

func TestDepartureEventsAndCancel(t *testing.T) {
	dep := cst(2024, 6, 28, 10, 0)
	d := newDeparture(t, seedLine(t, "XXO"), dep)
	steps := []rail.Event{
		{Type: rail.EventDeparted, At: dep.Add(30 * time.Minute), Location: "xiangyang"},
		{Type: rail.EventBorderCrossed, At: dep.Add(6 * day), Location: "ALASHANKOU"},
		{Type: rail.EventArrived, At: dep.Add(21 * day), Location: "DUISBURG"},
	}
	wantStatus := []rail.DepartureStatus{rail.DepartureDeparted, rail.DepartureDeparted, rail.DepartureArrived}
	for i, e := range steps {
		if err := d.RecordEvent(e); err != nil {
			t.Fatalf("%s: %v", e.Type, err)
		}
		if d.Status() != wantStatus[i] {
			t.Errorf("after %s: %s", e.Type, d.Status())
		}
		if i == 0 {
			wantKindCode(t, "cancel after departure", d.Cancel(dep, "op", ""), domain.KindFailedPrecondition, "departure_departed")
		}
	}
	if err := d.RecordEvent(steps[1]); err != nil {
		t.Errorf("repeat: %v", err)
	}
	if len(d.Events()) != 3 || d.Events()[0].Location != "XIANGYANG" {
		t.Errorf("events %+v", d.Events())
	}
	var types []string
	for _, e := range d.Outbox() {
		types = append(types, e.Type)
	}
	if !slices.Equal(types, []string{"departure.scheduled", "departure.departed", "departure.border_crossed", "departure.arrived"}) {
		t.Errorf("outbox %v", types)
	}
	if del := d.Delivery(dep.Add(22 * day)); del.TransportStatus != rail.Arrived {
		t.Errorf("delivery %+v", del)
	}

	c := newDeparture(t, seedLine(t, "XXO"), dep)
	if err := c.Cancel(dep.Add(-day), "op", " no wagons "); err != nil {
		t.Fatal(err)
	}
	if err := c.Cancel(dep, "op", "again"); err != nil || c.CancelReason() != "no wagons" || len(c.Outbox()) != 2 {
		t.Errorf("cancel twice: %v %q", err, c.CancelReason())
	}
	wantKindCode(t, "event on cancelled", c.RecordEvent(steps[0]), domain.KindFailedPrecondition, "departure_cancelled")
	wantKindCode(t, "booking on cancelled", c.BookingWindowOpen(dep.Add(-7*day)), domain.KindInvalid, "booking_closed")
}

func TestDepartureSnapshotRoundTrip(t *testing.T) {
	dep := cst(2024, 6, 28, 10, 0)
	r0 := newDeparture(t, seedLine(t, "XXO"), dep).Snapshot()
	r0.Capacity.ConfirmedTEU, r0.Capacity.CargoKg, r0.WaitlistedTEU = 4, 40_000, 2
	r0.Holders = []rail.Slot{{Booking: "b1", TEU: 4, Kg: 40_000, At: dep.Add(-9 * day)}}
	r0.Waitlist = []rail.Slot{{Booking: "b3", TEU: 2, Kg: 9_000, At: dep.Add(-8 * day)}, {Booking: "b2", TEU: 2, Kg: 9_000, At: dep.Add(-9 * day)}}
	d := rail.DepartureFromDatabase(r0)
	_ = d.RecordEvent(rail.Event{Type: rail.EventDeparted, At: dep, Location: "XIANGYANG"})
	if w := d.Waitlist(); w[0].Booking != "b2" || !d.Waiting("b3") || !d.HeldBy("b1") || d.HeldBy("b2") {
		t.Errorf("slots %+v / %+v", d.Holders(), w)
	}
	r := d.Snapshot()
	back := rail.DepartureFromDatabase(r)
	if !reflect.DeepEqual(back.Snapshot(), r) || len(back.Outbox()) != 0 {
		t.Errorf("round trip:\n%+v\n%+v", back.Snapshot(), r)
	}
	if back.Schedule() != (rail.DepartureSchedule{ID: d.ID(), LineCode: "XXO", DepartsAt: d.DepartsAt()}) {
		t.Errorf("schedule %+v", back.Schedule())
	}
}

const day = 24 * time.Hour

func TestCanReserveAndCanWaitlist(t *testing.T) {
	base := newDeparture(t, seedLine(t, "XXO"), cst(2024, 6, 28, 10, 0)).Snapshot()
	at := cst(2024, 6, 1, 0, 0)
	slot := func(id string, teu int) rail.Slot {
		return rail.Slot{Booking: id, TEU: teu, Kg: int64(teu) * 10_000, At: at}
	}
	dep := func(change func(r *rail.DepartureRecord)) *rail.Departure {
		r := base
		r.Capacity.CapacityTEU, r.Capacity.ConfirmedTEU = 10, 4
		r.Holders = []rail.Slot{slot("held", 4)}
		change(&r)
		return rail.DepartureFromDatabase(r)
	}
	open := func(*rail.DepartureRecord) {}
	queue := func(r *rail.DepartureRecord) { r.Waitlist, r.WaitlistedTEU = []rail.Slot{slot("waits", 2)}, 2 }
	status := func(s rail.DepartureStatus) func(*rail.DepartureRecord) {
		return func(r *rail.DepartureRecord) { r.Status = s }
	}
	cases := []struct {
		name         string
		d            *rail.Departure
		s            rail.Slot
		fromWaitlist bool
		reserve      bool
		waitlist     bool
	}{
		{"fits exactly", dep(open), slot("new", 6), false, true, true},
		{"one TEU too many", dep(open), slot("new", 7), false, false, true},
		{"too heavy", dep(open), rail.Slot{Booking: "new", TEU: 1, Kg: base.Capacity.MaxCargoKg + 1}, false, false, true},
		{"negative amount", dep(open), slot("new", -1), false, false, true},
		{"holds already", dep(open), slot("held", 4), false, false, false},
		{"a new booking does not jump the queue", dep(queue), slot("new", 1), false, false, true},
		{"a waiting booking is promoted", dep(queue), slot("waits", 2), true, true, false},
		{"a booking that does not wait is not promoted", dep(queue), slot("new", 1), true, false, true},
		{"a promotion still has to fit", dep(func(r *rail.DepartureRecord) { queue(r); r.Capacity.ConfirmedTEU = 9 }),
			slot("waits", 2), true, false, false},
		{"departed", dep(status(rail.DepartureDeparted)), slot("new", 1), false, false, false},
		{"cancelled", dep(status(rail.DepartureCancelled)), slot("new", 1), false, false, false},
	}
	for _, c := range cases {
		if got := c.d.CanReserve(c.s, c.fromWaitlist); got != c.reserve {
			t.Errorf("%s: CanReserve %v", c.name, got)
		}
		if got := c.d.CanWaitlist(c.s); got != c.waitlist {
			t.Errorf("%s: CanWaitlist %v", c.name, got)
		}
	}
	if err := rail.CheckAmount(0, 0); err != nil {
		t.Error(err)
	}
	wantKindCode(t, "negative kg", rail.CheckAmount(1, -1), domain.KindInvalid, "invalid_amount")
}

// Admit decides a new request first come first fit and applies it in memory: held while it fits
// and nobody waits; otherwise queued behind the list (or held if first fit reaches it, promoting
// the waiting bookings that fit before it); refused when its booker does not wait, or when the
// list holds a train's worth already; nothing at all on a train that is not scheduled.
func TestAdmit(t *testing.T) {
	base := newDeparture(t, seedLine(t, "XXO"), cst(2024, 6, 28, 10, 0)).Snapshot()
	at := cst(2024, 6, 1, 0, 0)
	slot := func(id string, teu int, after time.Duration) rail.Slot {
		return rail.Slot{Booking: id, TEU: teu, Kg: int64(teu) * 10_000, At: at.Add(after)}
	}
	dep := func(confirmed int, waiting ...rail.Slot) *rail.Departure {
		r := base
		r.Capacity.CapacityTEU, r.Capacity.ConfirmedTEU, r.Capacity.CargoKg = 10, confirmed, int64(confirmed)*10_000
		if confirmed > 0 {
			r.Holders = []rail.Slot{slot("held", confirmed, 0)}
		}
		for _, w := range waiting {
			r.Waitlist, r.WaitlistedTEU = append(r.Waitlist, w), r.WaitlistedTEU+w.TEU
		}
		return rail.DepartureFromDatabase(r)
	}
	cases := []struct {
		name          string
		d             *rail.Departure
		s             rail.Slot
		allowWaitlist bool
		want          rail.Admission
		promoted      []string
		confirmedTEU  int
		waitlistedTEU int
	}{
		{"fits, nobody waits", dep(4), slot("new", 6, day), false, rail.Held, nil, 10, 0},
		{"does not fit, does not wait", dep(8), slot("new", 4, day), false, rail.Refused, nil, 8, 0},
		{"does not fit, waits", dep(8), slot("new", 4, day), true, rail.Queued, nil, 8, 4},
		{"list full", dep(10, slot("w1", 8, time.Hour)), slot("new", 4, day), true, rail.WaitlistFull, nil, 10, 8},
		{"waiting one fits first", dep(4, slot("w1", 2, time.Hour)), slot("new", 4, day), false, rail.Held, []string{"w1"}, 10, 0},
		{"behind a waiting one that does not fit", dep(4, slot("w1", 8, time.Hour)), slot("new", 2, day), true, rail.Held, nil, 6, 8},
	}
	for _, c := range cases {
		got, promoted := c.d.Admit(c.s, c.allowWaitlist)
		var ids []string
		for _, p := range promoted {
			ids = append(ids, p.Booking)
		}
		if got != c.want || !slices.Equal(ids, c.promoted) || c.d.ConfirmedTEU() != c.confirmedTEU || c.d.WaitlistedTEU() != c.waitlistedTEU {
			t.Errorf("%s: %v promoting %v, %d TEU confirmed, %d waiting; want %v promoting %v, %d, %d", c.name, got, ids,
				c.d.ConfirmedTEU(), c.d.WaitlistedTEU(), c.want, c.promoted, c.confirmedTEU, c.waitlistedTEU)
		}
		if held := c.d.HeldBy(c.s.Booking); held != (got == rail.Held) {
			t.Errorf("%s: held %v after %v", c.name, held, got)
		}
	}
	closed := base
	closed.Status = rail.DepartureCancelled
	if got, _ := rail.DepartureFromDatabase(closed).Admit(slot("new", 1, day), true); got != rail.Closed {
		t.Errorf("a cancelled train admits: %v", got)
	}
}
