package rail

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// departureAggregate is the Aggregate of a departure's outbox events.
const departureAggregate = "departure"

// EventDepartureCancelled is the outbox event of a train called off.
const EventDepartureCancelled = "departure.cancelled"

// Booking-window defaults (docs/customs.md §7): bookings open about 14 days before departure and
// close 3 working days before it.
const (
	DefaultCapacityTEU        = MaxTrainTEU
	DefaultMaxCargoKg         = MaxTrainCargoKg
	DefaultBookingOpensBefore = 14 * day
	MaxPlanAhead              = 2 * 366 * day // the furthest ahead a train is planned
	MaxBookingWindow          = 366 * day     // the earliest booking opens before departure
	DefaultCutoffWorkingDays  = 3
)

// DepartureStatus is where a departure stands.
type DepartureStatus string

// Departure statuses: scheduled → departed → arrived, or scheduled → cancelled.
const (
	DepartureScheduled DepartureStatus = "scheduled"
	DepartureDeparted  DepartureStatus = "departed"
	DepartureArrived   DepartureStatus = "arrived"
	DepartureCancelled DepartureStatus = "cancelled"
)

// WorkingDaysBefore is t moved back by n working days, keeping its clock: Saturdays and Sundays
// (in t's location) are skipped. A Monday 10:00 departure's 3-working-day cutoff is the
// Wednesday before at 10:00; a Friday's, the Tuesday. Public holidays are not known here ([U]:
// the operator sets the cutoff of a departure near a holiday by hand). n ≤ 0 returns t.
func WorkingDaysBefore(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, -1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// WeeklyDepartures lists the line's planned departure times in [from, from + weeks×7 days):
// every day the line runs, at its departure clock, China time; oldest first. The same
// arguments always give the same times, so generating a timetable twice plans the same trains
// (and DepartureIDFor gives them the same ids).
func WeeklyDepartures(line Line, from time.Time, weeks int) []time.Time {
	if weeks <= 0 || len(line.Weekdays) == 0 {
		return nil
	}
	end := from.AddDate(0, 0, 7*weeks)
	h, m := line.Clock()
	local := from.In(ChinaTime)
	var out []time.Time
	for i := 0; i <= 7*weeks; i++ {
		d := time.Date(local.Year(), local.Month(), local.Day()+i, h, m, 0, 0, ChinaTime)
		if line.Runs(d.Weekday()) && !d.Before(from) && d.Before(end) {
			out = append(out, d)
		}
	}
	return out
}

// DepartureIDFor is the id of the departure of lineCode on departsAt's day (China time):
// "dep_XXO_20240607". A line runs at most once a day, so the id is unique, and planning the
// same train twice collides on the primary key instead of scheduling it twice.
func DepartureIDFor(lineCode string, departsAt time.Time) string {
	return "dep_" + lineCode + "_" + departsAt.In(ChinaTime).Format("20060102")
}

// Slot is a booking's place on a departure: the space it holds or waits for, and since when.
// The departure keeps the slots of its holders and of its waiting list, so that the waiting
// list can be ordered and promoted, and a place given back, without reading the bookings.
type Slot struct {
	Booking string    `json:"booking"`
	TEU     int       `json:"teu"`
	Kg      int64     `json:"kg"`
	At      time.Time `json:"at"`
}

// SlotOf is the place booking b asks for, since at.
func SlotOf(b *Booking, at time.Time) Slot {
	return Slot{Booking: b.ID(), TEU: b.TEU(), Kg: b.GrossKg(), At: at.UTC()}
}

func findSlot(slots []Slot, id string) (Slot, bool) {
	for _, s := range slots {
		if s.Booking == id {
			return s, true
		}
	}
	return Slot{}, false
}

// sortedSlots orders slots first come first: by At, then booking id.
func sortedSlots(slots []Slot) []Slot {
	out := slices.Clone(slots)
	slices.SortStableFunc(out, func(x, y Slot) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return strings.Compare(x.Booking, y.Booking)
	})
	return out
}

// PromotionOrder picks the waiting slots to promote into free capacity c: first come first
// served (At, then booking id), skipping a slot that does not fit so that a smaller later one
// may (first fit).
func PromotionOrder(waiting []Slot, c Capacity) []Slot {
	var out []Slot
	for _, s := range sortedSlots(waiting) {
		if Fits(c, s.TEU, s.Kg) {
			c.ConfirmedTEU += s.TEU
			c.CargoKg += s.Kg
			out = append(out, s)
		}
	}
	return out
}

// Capacity is a departure's capacity and what confirmed bookings take of it.
//
// Invariant, at every moment and under any concurrency: 0 ≤ ConfirmedTEU ≤ CapacityTEU and
// 0 ≤ CargoKg ≤ MaxCargoKg. Only DepartureRepository.Reserve and Release change ConfirmedTEU
// and CargoKg in a store, each as one single-document conditional update (see there).
type Capacity struct {
	CapacityTEU  int
	ConfirmedTEU int
	MaxCargoKg   int64
	CargoKg      int64
}

// FreeTEU is the TEU still to be had.
func (c Capacity) FreeTEU() int { return c.CapacityTEU - c.ConfirmedTEU }

// FreeKg is the cargo mass still to be had.
func (c Capacity) FreeKg() int64 { return c.MaxCargoKg - c.CargoKg }

// Fits reports whether teu and kg more can be confirmed on c without breaking the invariant:
// confirmedTEU + teu ≤ capacityTEU and cargoKg + kg ≤ maxCargoKg (teu and kg not negative).
// It is the predicate the store's conditional update applies.
func Fits(c Capacity, teu int, kg int64) bool { return CheckFits(c, teu, kg) == nil }

// CheckFits is Fits with the reason: Conflict departure_full (TEU) or departure_over_weight
// (cargo mass); Invalid for a negative amount (CheckAmount).
func CheckFits(c Capacity, teu int, kg int64) error {
	if err := CheckAmount(teu, kg); err != nil {
		return err
	}
	switch {
	case teu > c.FreeTEU():
		return domain.Errorf(domain.KindConflict, domain.CodeDepartureFull,
			"the train has %d TEU free, the booking needs %d", max(c.FreeTEU(), 0), teu)
	case kg > c.FreeKg():
		return domain.Errorf(domain.KindConflict, "departure_over_weight",
			"the train can take %d kg more, the booking weighs %d kg", max(c.FreeKg(), 0), kg)
	}
	return nil
}

// CheckAmount refuses a negative amount of capacity (Invalid invalid_amount): a slot's TEU and
// kg are what it takes, never what it gives back.
func CheckAmount(teu int, kg int64) error {
	if teu < 0 || kg < 0 {
		return domain.Errorf(domain.KindInvalid, "invalid_amount", "cannot reserve a negative amount")
	}
	return nil
}

// CanReserve reports whether s's booking may become a holder of the departure now: the departure
// is scheduled, the booking holds nothing yet, its load fits what is free (Fits), and it keeps
// its turn — a new booking (fromWaitlist false) only while nobody waits, a promotion only for a
// booking on the waiting list. It is the rule DepartureRepository.Reserve applies in one atomic
// step.
func (d *Departure) CanReserve(s Slot, fromWaitlist bool) bool {
	inTurn := d.waitlistedTEU == 0
	if fromWaitlist {
		inTurn = d.Waiting(s.Booking)
	}
	return d.status == DepartureScheduled && !d.HeldBy(s.Booking) && inTurn && Fits(d.capacity, s.TEU, s.Kg)
}

// CanWaitlist reports whether s's booking may join the waiting list: the departure is scheduled
// and the booking neither holds capacity nor waits already. It is the rule
// DepartureRepository.Waitlist applies in one atomic step.
func (d *Departure) CanWaitlist(s Slot) bool {
	return d.status == DepartureScheduled && !d.HeldBy(s.Booking) && !d.Waiting(s.Booking)
}

// Admission is what a departure does with a new booking's request (Departure.Admit).
type Admission int

const (
	// Refused: the load does not fit now and its booker does not wait for it.
	Refused Admission = iota
	// Held: the booking holds its space; it is confirmed.
	Held
	// Queued: the booking waits on the waiting list.
	Queued
	// WaitlistFull: the booking would wait, but the waiting list holds a train's worth already.
	WaitlistFull
	// Closed: the departure takes no bookings (it is not scheduled).
	Closed
)

// Admit decides a new booking's request on the departure as it stands and applies the decision
// to the departure in memory, for the store to record in one write (DepartureRepository.Admit).
// First come, first fit: a load that fits while nobody waits takes its place at once. Otherwise
// the request joins the waiting list and the list is promoted into what is free: the request is
// held if first fit reaches it, waits if its booker allows it and the list has room (its TEU
// stay within one train's capacity, which keeps the departure's record small however many ask),
// and is refused otherwise, leaving the departure as it was. promoted are the bookings that
// were waiting already and that first fit moved to the holders on the way; their bookings are
// promoted by the caller.
func (d *Departure) Admit(s Slot, allowWaitlist bool) (a Admission, promoted []Slot) {
	switch {
	case d.status != DepartureScheduled:
		return Closed, nil
	case d.HeldBy(s.Booking):
		return Held, nil
	case d.Waiting(s.Booking):
		return Queued, nil
	case CheckAmount(s.TEU, s.Kg) != nil:
		return Refused, nil
	case d.waitlistedTEU == 0 && Fits(d.capacity, s.TEU, s.Kg):
		d.hold(s)
		return Held, nil
	}
	order := PromotionOrder(append(d.Waitlist(), s), d.capacity)
	a = Held
	if !slices.ContainsFunc(order, func(o Slot) bool { return o.Booking == s.Booking }) {
		switch {
		case !allowWaitlist:
			return Refused, nil
		case d.waitlistedTEU+s.TEU > d.capacity.CapacityTEU:
			return WaitlistFull, nil
		}
		d.waitlist = append(d.waitlist, s)
		d.waitlistedTEU += s.TEU
		a = Queued
	}
	for _, o := range order {
		if o.Booking != s.Booking {
			d.waitlist = slices.DeleteFunc(d.waitlist, func(w Slot) bool { return w.Booking == o.Booking })
			d.waitlistedTEU -= o.TEU
			promoted = append(promoted, o)
		}
		d.hold(o)
	}
	return a, promoted
}

// hold makes s a holder and counts its load.
func (d *Departure) hold(s Slot) {
	d.holders = append(d.holders, s)
	d.capacity.ConfirmedTEU += s.TEU
	d.capacity.CargoKg += s.Kg
}

// DepartureInput is what the operator gives for a departure; zero fields take the defaults:
// capacity the line's (else 110 TEU), 1,300,000 kg, booking opens 14 days before departure and
// closes 3 working days before it.
type DepartureInput struct {
	DepartsAt      time.Time
	CapacityTEU    int
	MaxCargoKg     int64
	BookingOpensAt time.Time
	CutoffAt       time.Time
}

// Departure is one scheduled train of a line. It copies the line's itinerary and transit time
// when made, so that editing the line later does not move a train already planned.
//
// Capacity (the counters, the holders' and the waiting list's slots) is owned by the
// repository's single-document operations (DepartureRepository: Reserve, Release, Waitlist,
// Unwaitlist); an Update of the rest of the departure never writes it back, which would undo
// concurrent reservations.
type Departure struct {
	id            string
	lineCode      string
	lineName      string
	itinerary     []Stop
	transitDays   int
	departsAt     time.Time
	capacity      Capacity
	waitlistedTEU int
	holders       []Slot // bookings holding capacity (confirmed), first come first
	waitlist      []Slot // bookings waiting for capacity, first come first
	// capacityChangedAt is when a capacity operation last ran and the reconciler has not yet
	// checked the bookings against it (zero: settled).
	capacityChangedAt time.Time
	bookingOpensAt    time.Time
	cutoffAt          time.Time
	status            DepartureStatus
	events            []Event
	cancelReason      string
	createdAt         time.Time
	updatedAt         time.Time
	version           int64
	outbox            []domain.Event
}

// NewDeparture plans a departure of line. It checks:
//   - departsAt: required, after at (in_the_past);
//   - capacityTEU: 1..110 (invalid_capacity); maxCargoKg: 1..1,300,000 (invalid_max_cargo);
//   - bookingOpensAt < cutoffAt ≤ departsAt (invalid_booking_window).
//
// A departure on a day the line does not usually run is allowed (an extra train).
func NewDeparture(id string, line Line, in DepartureInput, at time.Time) (*Departure, error) {
	if id == "" || line.Code == "" || len(line.Itinerary) < 2 {
		return nil, domain.Internal(nil, "rail.NewDeparture needs an id and a checked line")
	}
	var v domain.Violations
	if in.CapacityTEU == 0 {
		in.CapacityTEU = line.CapacityTEU
	}
	if in.CapacityTEU == 0 {
		in.CapacityTEU = DefaultCapacityTEU
	}
	if in.MaxCargoKg == 0 {
		in.MaxCargoKg = DefaultMaxCargoKg
	}
	if in.CapacityTEU < 1 || in.CapacityTEU > MaxTrainTEU {
		v.Add("capacityTEU", "invalid_capacity", "capacityTEU is between 1 and "+strconv.Itoa(MaxTrainTEU))
	}
	if in.MaxCargoKg < 1 || in.MaxCargoKg > MaxTrainCargoKg {
		v.Add("maxCargoKg", "invalid_max_cargo", "maxCargoKg is between 1 and "+strconv.FormatInt(MaxTrainCargoKg, 10))
	}
	if in.DepartsAt.IsZero() {
		v.Add("departsAt", "required", "departsAt is required")
		return nil, v.Err()
	}
	if !in.DepartsAt.After(at) {
		v.Add("departsAt", "in_the_past", "departsAt must be in the future")
	} else if in.DepartsAt.After(at.Add(MaxPlanAhead)) {
		// Timetables run weeks ahead; a date years away is a typo, and far-off dates are what
		// the store and the day arithmetic are not tested on.
		v.Add("departsAt", "out_of_range", "a train is planned at most 2 years ahead / 班列最多提前两年计划")
		return nil, v.Err()
	}
	if in.BookingOpensAt.IsZero() {
		in.BookingOpensAt = in.DepartsAt.Add(-DefaultBookingOpensBefore)
	}
	if in.CutoffAt.IsZero() {
		in.CutoffAt = WorkingDaysBefore(in.DepartsAt.In(ChinaTime), DefaultCutoffWorkingDays)
	}
	switch {
	case in.BookingOpensAt.Before(in.DepartsAt.Add(-MaxBookingWindow)):
		v.Add("bookingOpensAt", "out_of_range", "booking opens at most a year before departure / 订舱最早于发车前一年开放")
	case in.CutoffAt.After(in.DepartsAt):
		v.Add("cutoffAt", "invalid_booking_window", "cutoffAt must not be after departsAt")
	case !in.BookingOpensAt.Before(in.CutoffAt):
		v.Add("bookingOpensAt", "invalid_booking_window", "bookingOpensAt must be before cutoffAt")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	d := &Departure{
		id: id, lineCode: line.Code, lineName: line.Name, itinerary: slices.Clone(line.Itinerary),
		transitDays: line.TransitDays, departsAt: in.DepartsAt.UTC(),
		capacity:       Capacity{CapacityTEU: in.CapacityTEU, MaxCargoKg: in.MaxCargoKg},
		bookingOpensAt: in.BookingOpensAt.UTC(), cutoffAt: in.CutoffAt.UTC(),
		status: DepartureScheduled, createdAt: at.UTC(),
	}
	d.record(at, "departure.scheduled", map[string]any{
		"lineCode": d.lineCode, "departsAt": d.departsAt, "capacityTEU": d.capacity.CapacityTEU,
	})
	return d, nil
}

// BookingWindowOpen reports whether a booking may be made at at: nil from bookingOpensAt up to
// (not including) cutoffAt while the departure is scheduled; else Invalid booking_closed.
func (d *Departure) BookingWindowOpen(at time.Time) error {
	closed := func(msg string) error { return domain.Errorf(domain.KindInvalid, domain.CodeBookingClosed, "%s", msg) }
	switch {
	case d.status != DepartureScheduled:
		return d.ErrClosed()
	case at.Before(d.bookingOpensAt):
		return closed("booking opens at " + d.bookingOpensAt.Format(time.RFC3339))
	case !at.Before(d.cutoffAt):
		return closed("booking closed at " + d.cutoffAt.Format(time.RFC3339))
	}
	return nil
}

// ErrClosed is the answer to a booking the departure no longer takes because of its status
// (Invalid booking_closed, "the departure is departed").
func (d *Departure) ErrClosed() error {
	return domain.Errorf(domain.KindInvalid, domain.CodeBookingClosed, "the departure is %s", d.status)
}

// RecordEvent adds a reported movement (see CheckNextEvent for the legal order). departed
// makes the departure departed, arrived makes it arrived; a repeat of an event already
// recorded is harmless and changes nothing. A cancelled departure takes no events
// (departure_cancelled).
func (d *Departure) RecordEvent(e Event) error {
	e.Location = strings.ToUpper(strings.TrimSpace(e.Location))
	e.At = e.At.UTC()
	for _, r := range d.events {
		if e.same(r) {
			return nil
		}
	}
	if d.status == DepartureCancelled {
		return domain.Errorf(domain.KindFailedPrecondition, "departure_cancelled", "the departure was cancelled")
	}
	if err := CheckNextEvent(d.itinerary, d.events, e); err != nil {
		return err
	}
	d.events = append(d.events, e)
	switch e.Type {
	case EventDeparted:
		d.status = DepartureDeparted
	case EventArrived:
		d.status = DepartureArrived
	}
	_, onRoute := position(d.itinerary, e)
	d.record(e.At, "departure."+string(e.Type), map[string]any{
		"lineCode": d.lineCode, "location": e.Location, "status": string(d.status), "misdirected": !onRoute,
	})
	return nil
}

// Cancel calls the train off; only a scheduled departure may be cancelled (departure_departed
// otherwise). Cancelling twice is harmless. The app cancels or moves its bookings.
func (d *Departure) Cancel(at time.Time, actor, reason string) error {
	switch d.status {
	case DepartureCancelled:
		return nil
	case DepartureScheduled:
	default:
		return domain.Errorf(domain.KindFailedPrecondition, "departure_departed", "a %s departure cannot be cancelled", d.status)
	}
	d.status = DepartureCancelled
	d.cancelReason = strings.TrimSpace(reason)
	d.record(at, EventDepartureCancelled, map[string]any{"lineCode": d.lineCode, "reason": d.cancelReason, "actor": actor})
	return nil
}

// Delivery derives the transport state at now from the departure's own itinerary copy.
func (d *Departure) Delivery(now time.Time) Delivery {
	return DeriveDelivery(d.route(), d.Schedule(), d.events, now)
}

func (d *Departure) route() Line {
	return Line{Code: d.lineCode, TransitDays: d.transitDays, Itinerary: d.itinerary}
}

func (d *Departure) record(at time.Time, typ string, data map[string]any) {
	at = at.UTC()
	d.outbox = append(d.outbox, domain.NewEvent(departureAggregate, d.id, d.version+1, len(d.outbox), typ, at, data))
	d.updatedAt = at
}

// ID is the departure's identifier (DepartureIDFor for timetabled trains).
func (d *Departure) ID() string { return d.id }

// LineCode is the line the train runs on.
func (d *Departure) LineCode() string { return d.lineCode }

// LineName is the line's Chinese name when the departure was planned.
func (d *Departure) LineName() string { return d.lineName }

// Itinerary is the line's itinerary as copied when planned.
func (d *Departure) Itinerary() []Stop { return slices.Clone(d.itinerary) }

// TransitDays is the planned transit time.
func (d *Departure) TransitDays() int { return d.transitDays }

// DepartsAt is the planned departure time (UTC).
func (d *Departure) DepartsAt() time.Time { return d.departsAt }

// Schedule is what DeriveDelivery needs.
func (d *Departure) Schedule() DepartureSchedule {
	return DepartureSchedule{ID: d.id, LineCode: d.lineCode, DepartsAt: d.departsAt}
}

// Capacity is the capacity and what confirmed bookings hold of it.
func (d *Departure) Capacity() Capacity { return d.capacity }

// CapacityTEU is the train's capacity in TEU.
func (d *Departure) CapacityTEU() int { return d.capacity.CapacityTEU }

// MaxCargoKg is the most cargo the train takes.
func (d *Departure) MaxCargoKg() int64 { return d.capacity.MaxCargoKg }

// ConfirmedTEU is the TEU held by confirmed bookings.
func (d *Departure) ConfirmedTEU() int { return d.capacity.ConfirmedTEU }

// CargoKg is the cargo mass of confirmed bookings.
func (d *Departure) CargoKg() int64 { return d.capacity.CargoKg }

// WaitlistedTEU is the TEU of bookings on the waiting list.
func (d *Departure) WaitlistedTEU() int { return d.waitlistedTEU }

// Holders are the bookings holding capacity, first come first (a copy).
func (d *Departure) Holders() []Slot { return slices.Clone(d.holders) }

// Waitlist is the waiting list, first come first (a copy).
func (d *Departure) Waitlist() []Slot { return slices.Clone(d.waitlist) }

// HeldBy reports whether booking id holds capacity on the departure.
func (d *Departure) HeldBy(id string) bool { _, ok := findSlot(d.holders, id); return ok }

// CapacityChangedAt is when capacity last changed without the reconciler having settled it
// since (zero: settled).
func (d *Departure) CapacityChangedAt() time.Time { return d.capacityChangedAt }

// Waiting reports whether booking id is on the departure's waiting list.
func (d *Departure) Waiting(id string) bool { _, ok := findSlot(d.waitlist, id); return ok }

// BookingOpensAt is when bookings open.
func (d *Departure) BookingOpensAt() time.Time { return d.bookingOpensAt }

// CutoffAt is when bookings close.
func (d *Departure) CutoffAt() time.Time { return d.cutoffAt }

// Status is scheduled, departed, arrived or cancelled.
func (d *Departure) Status() DepartureStatus { return d.status }

// Events are the reported movements, oldest first (a copy).
func (d *Departure) Events() []Event { return slices.Clone(d.events) }

// CancelReason is why the train was called off.
func (d *Departure) CancelReason() string { return d.cancelReason }

// CreatedAt is when the departure was planned.
func (d *Departure) CreatedAt() time.Time { return d.createdAt }

// UpdatedAt is when it last changed.
func (d *Departure) UpdatedAt() time.Time { return d.updatedAt }

// Version counts stored changes.
func (d *Departure) Version() int64 { return d.version }

// Outbox holds the events recorded since the departure was made or loaded (a copy).
func (d *Departure) Outbox() []domain.Event { return slices.Clone(d.outbox) }

// DepartureRecord is the stored form of a departure.
type DepartureRecord struct {
	ID            string
	LineCode      string
	LineName      string
	Itinerary     []Stop
	TransitDays   int
	DepartsAt     time.Time
	Capacity      Capacity
	WaitlistedTEU int
	Holders       []Slot
	Waitlist      []Slot
	// CapacityChangedAt: see Departure.CapacityChangedAt.
	CapacityChangedAt time.Time
	BookingOpensAt    time.Time
	CutoffAt          time.Time
	Status            DepartureStatus
	Events            []Event
	CancelReason      string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Version           int64
}

// Snapshot is the departure's stored form (copies of its slices).
func (d *Departure) Snapshot() DepartureRecord {
	return DepartureRecord{
		ID: d.id, LineCode: d.lineCode, LineName: d.lineName, Itinerary: slices.Clone(d.itinerary),
		TransitDays: d.transitDays, DepartsAt: d.departsAt, Capacity: d.capacity, WaitlistedTEU: d.waitlistedTEU,
		Holders: slices.Clone(d.holders), Waitlist: slices.Clone(d.waitlist), CapacityChangedAt: d.capacityChangedAt, BookingOpensAt: d.bookingOpensAt, CutoffAt: d.cutoffAt, Status: d.status, Events: slices.Clone(d.events),
		CancelReason: d.cancelReason, CreatedAt: d.createdAt, UpdatedAt: d.updatedAt, Version: d.version,
	}
}

// DepartureFromDatabase rebuilds a stored departure without checking it again; its outbox
// starts empty.
func DepartureFromDatabase(r DepartureRecord) *Departure {
	return &Departure{
		id: r.ID, lineCode: r.LineCode, lineName: r.LineName, itinerary: slices.Clone(r.Itinerary),
		transitDays: r.TransitDays, departsAt: r.DepartsAt, capacity: r.Capacity, waitlistedTEU: r.WaitlistedTEU,
		holders: sortedSlots(r.Holders), waitlist: sortedSlots(r.Waitlist), capacityChangedAt: r.CapacityChangedAt, bookingOpensAt: r.BookingOpensAt, cutoffAt: r.CutoffAt, status: r.Status, events: slices.Clone(r.Events),
		cancelReason: r.CancelReason, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt, version: r.Version,
	}
}

// DepartureFilter selects departures for a list; empty fields match all.
type DepartureFilter struct {
	LineCode string
	Status   DepartureStatus
	From     time.Time // departsAt inclusive
	To       time.Time // departsAt exclusive
	Limit    int
	Cursor   string
}

// DepartureRepository stores departures.
//
// Capacity is guarded without transactions (docs/architecture.md §2, §3): every capacity change is
// ONE single-document conditional update of the departure, atomic on any MongoDB. The document
// keeps freeTeu = capacityTeu - confirmedTeu and freeKg = maxCargoKg - cargoKg beside the counters
// (a plain filter cannot compare two fields), and the slots of the bookings holding capacity
// (holds.<booking>) and waiting for it (waiting.<booking>). Reserve is
//
//	filter {_id, status: "scheduled", freeTeu: {$gte: teu}, freeKg: {$gte: kg},
//	        "holds.<booking>": {$exists: false},
//	        waitlistedTeu: 0}                                // a new booking never jumps the queue
//	    or {…, "waiting.<booking>": {$exists: true}}         // a promotion from the waiting list
//	update {$inc: {confirmedTeu: teu, freeTeu: -teu, cargoKg: kg, freeKg: -kg},
//	        $set: {"holds.<booking>": slot}
//	        (promotion: $unset: {"waiting.<booking>"}, $inc: {waitlistedTeu: -teu})}
//
// so the filter is Departure.CanReserve (and Fits(capacity, teu, kg) within it) spelled for the
// store, which applies no other rule: a store that checks the condition itself (the embedded
// one, under a lock) calls CanReserve and CanWaitlist. The invariant of Capacity holds at every
// moment, and
// each booking is counted at most once: every operation is idempotent by booking id, which makes
// the booking saga (booking document, then departure, then booking again) safe to repeat after a
// crash. Each operation also stamps capacityChangedAt, which the reconciler uses to find
// departures whose bookings may not have caught up (Unsettled, Settle).
type DepartureRepository interface {
	// Create stores a new departure; an existing id is a Conflict (departure_exists), which
	// makes planning a timetable twice harmless (DepartureIDFor).
	Create(ctx context.Context, d *Departure) error
	// Get returns the departure or a NotFound error (departure_not_found).
	Get(ctx context.Context, id string) (*Departure, error)
	// Update loads the departure, lets change modify it and stores it with its outbox if the
	// version has not moved meanwhile. It never writes the capacity fields (counters, holders,
	// waiting list), which only the operations below change.
	Update(ctx context.Context, id string, change func(*Departure) error) (*Departure, error)
	// List returns departures by departsAt, soonest first, and the next page's cursor.
	List(ctx context.Context, f DepartureFilter) ([]*Departure, string, error)
	// Reserve makes s's booking a holder of s.TEU and s.Kg if they fit (above); fromWaitlist
	// promotes it from the waiting list instead of admitting a new booking. true: the booking
	// holds the capacity (now or already); false: it did not fit, others are waiting, or the
	// departure is not scheduled — nothing changed. A missing departure is a NotFound error.
	Reserve(ctx context.Context, departureID string, s Slot, fromWaitlist bool) (bool, error)
	// Admit records new bookings of one departure in one go, the booking request's path: it reads
	// the departure, lets decide settle every request on it in memory (Departure.Admit) and return
	// the bookings to store, confirmed or waitlisted; writes the departure's capacity change in
	// one update, under the same condition as Reserve's (nothing moved since the read); then
	// inserts the bookings. decide may run more than once (a concurrent change meanwhile), each
	// time on a fresh read, and builds its bookings anew each time. A crash between the two writes
	// leaves places whose bookings do not exist: the reconciler gives them back once the request
	// cannot be running any more. It returns the departure as read; a missing departure is a
	// NotFound error.
	Admit(ctx context.Context, departureID string, decide func(*Departure) ([]*Booking, error)) (*Departure, error)
	// Release gives back what s's booking holds; nothing happens if it holds nothing.
	Release(ctx context.Context, departureID string, s Slot) error
	// Waitlist puts s on the waiting list if the departure takes it (CanWaitlist). It returns the
	// departure as it stood then (joining the list changes no capacity) and whether s's booking
	// is queued or holds capacity, now or already; false: the departure takes no one (it is not
	// scheduled) and nothing changed. A missing departure is a NotFound error.
	Waitlist(ctx context.Context, departureID string, s Slot) (*Departure, bool, error)
	// Unwaitlist takes s's booking off the waiting list; nothing happens if it is not on it.
	Unwaitlist(ctx context.Context, departureID string, s Slot) error
	// Unsettled lists departures whose capacity changed before the given time and that were not
	// settled since (at most limit).
	Unsettled(ctx context.Context, before time.Time, limit int) ([]*Departure, error)
	// Settle clears the mark Unsettled looks for, unless capacity changed again after changedAt.
	Settle(ctx context.Context, departureID string, changedAt time.Time) error
}
