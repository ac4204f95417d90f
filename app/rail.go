package app

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
)

// EnsureLines stores the seed lines (rail.SeedLines) that do not exist yet, so the timetable has
// lines at first start; a line the operator edited or added is left as it is.
func (a *App) EnsureLines(ctx context.Context) error {
	now := a.Clock.Now()
	for _, l := range rail.SeedLines() {
		l, err := rail.ValidateLine(l)
		if err != nil {
			return fmt.Errorf("seed line %s: %w", l.Code, err)
		}
		l.UpdatedAt = now
		if err := a.Rail.Lines.Create(ctx, l); err != nil && domain.KindOf(err) != domain.KindConflict {
			return err
		}
	}
	return nil
}

// ListLines lists every line; the timetable is public to every organisation of the zone.
func (a *App) ListLines(ctx context.Context, _ Actor) ([]rail.Line, error) {
	return a.Rail.Lines.List(ctx)
}

// GetLine returns one line.
func (a *App) GetLine(ctx context.Context, _ Actor, code string) (rail.Line, error) {
	return a.Rail.Lines.Get(ctx, code)
}

// PutLine replaces the operator's line (rail.UpdateLine), or adds it when the code is new
// (created true). Departures already planned keep the itinerary they were planned with.
func (a *App) PutLine(ctx context.Context, actor Actor, code string, edit rail.Line) (l rail.Line, created bool, err error) {
	if err := requireOperator(actor); err != nil {
		return rail.Line{}, false, err
	}
	now := a.Clock.Now()
	l, err = a.Rail.Lines.Update(ctx, code, func(cur *rail.Line) error {
		next, err := rail.UpdateLine(*cur, edit, now)
		if err != nil {
			return err
		}
		*cur = next
		return nil
	})
	if !isNotFound(err) {
		return l, false, err
	}
	if edit.Code == "" {
		edit.Code = code
	}
	if edit.Code != code {
		return rail.Line{}, false, domain.InvalidField("code", "immutable", "the code in the body must be the one in the path")
	}
	if l, err = rail.ValidateLine(edit); err != nil {
		return rail.Line{}, false, err
	}
	l.UpdatedAt = now
	if err := a.Rail.Lines.Create(ctx, l); err != nil {
		return rail.Line{}, false, err
	}
	l.Version = 1
	return l, true, nil
}

// PlanDeparture schedules one train of a line (operator). A line runs at most once a day, so a
// second train of the same line on the same day is a Conflict (departure_exists).
func (a *App) PlanDeparture(ctx context.Context, actor Actor, lineCode string, in rail.DepartureInput) (*rail.Departure, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	line, err := a.Rail.Lines.Get(ctx, lineCode)
	if isNotFound(err) {
		return nil, domain.InvalidField("routeCode", "unknown_route", "routeCode names no line")
	}
	if err != nil {
		return nil, err
	}
	if in.DepartsAt.IsZero() {
		return nil, domain.InvalidField("departsAt", "required", "departsAt is required")
	}
	d, err := rail.NewDeparture(rail.DepartureIDFor(line.Code, in.DepartsAt), line, in, a.Clock.Now())
	if err != nil {
		return nil, err
	}
	if err := a.Rail.Departures.Create(ctx, d); err != nil {
		return nil, err
	}
	a.relaySoon(ctx, "departure", d.ID())
	return d, nil
}

// Timetable is what planning a line's weekly timetable did.
type Timetable struct {
	Created  []*rail.Departure
	Existing []string // departures planned before, left as they are
}

// MaxTimetableWeeks bounds how far ahead a timetable is planned at once.
const MaxTimetableWeeks = 26

// PlanTimetable plans the line's weekly departures for the coming weeks (operator), with the
// defaults of the line. Planning again is harmless: a train already planned is left as it is.
func (a *App) PlanTimetable(ctx context.Context, actor Actor, lineCode string, weeks int) (Timetable, error) {
	if err := requireOperator(actor); err != nil {
		return Timetable{}, err
	}
	if weeks < 1 || weeks > MaxTimetableWeeks {
		return Timetable{}, domain.InvalidField("weeks", "invalid_weeks", "weeks must be between 1 and "+strconv.Itoa(MaxTimetableWeeks))
	}
	line, err := a.Rail.Lines.Get(ctx, lineCode)
	if err != nil {
		return Timetable{}, err
	}
	now := a.Clock.Now()
	var out Timetable
	for _, at := range rail.WeeklyDepartures(line, now, weeks) {
		d, err := rail.NewDeparture(rail.DepartureIDFor(line.Code, at), line, rail.DepartureInput{DepartsAt: at}, now)
		if err != nil {
			return out, err
		}
		switch err := a.Rail.Departures.Create(ctx, d); {
		case domain.CodeOf(err) == "departure_exists":
			out.Existing = append(out.Existing, d.ID())
		case err != nil:
			return out, err
		default:
			out.Created = append(out.Created, d)
		}
	}
	ids := make([]string, len(out.Created))
	for i, d := range out.Created {
		ids[i] = d.ID()
	}
	a.relaySoon(ctx, "departure", ids...)
	return out, nil
}

// ListDepartures lists departures soonest first; every organisation may read the timetable.
func (a *App) ListDepartures(ctx context.Context, _ Actor, f rail.DepartureFilter) (Page[*rail.Departure], error) {
	f.Limit = clampLimit(f.Limit)
	items, next, err := a.Rail.Departures.List(ctx, f)
	return Page[*rail.Departure]{Items: items, NextCursor: next}, err
}

// GetDeparture returns one departure.
func (a *App) GetDeparture(ctx context.Context, _ Actor, id string) (*rail.Departure, error) {
	return a.Rail.Departures.Get(ctx, id)
}

// RecordDepartureEvent records a movement the operator reports, in the itinerary's legal order
// (rail.CheckNextEvent). What follows — bookings, containers and parcels, the CEB509 departure
// documents — follows through the departure's outbox (followDeparture).
func (a *App) RecordDepartureEvent(ctx context.Context, actor Actor, id string, e rail.Event) (*rail.Departure, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	e.ReportedBy = actor.OrgID
	d, err := a.Rail.Departures.Update(ctx, id, func(d *rail.Departure) error {
		before := len(d.Events())
		if err := d.RecordEvent(e); err != nil {
			return err
		}
		if len(d.Events()) == before {
			return errUnchanged // the same report again
		}
		return nil
	})
	if err == errUnchanged {
		return a.Rail.Departures.Get(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	a.relaySoon(ctx, "departure", id)
	return d, nil
}

var notFoundBooking = domain.NotFound("booking")

// GetBooking returns a booking the caller may see, and so act on: the operator any; an exporter
// its own; a broker those of the exporters that authorise it now (a broker whose authorisation
// ended keeps nothing of the bookings it made).
func (a *App) GetBooking(ctx context.Context, actor Actor, id string) (*rail.Booking, error) {
	scope, err := a.scopeOf(ctx, actor)
	if err != nil {
		return nil, err
	}
	b, err := a.Rail.Bookings.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !scope.covers(b.ExporterID()) {
		return nil, notFoundBooking
	}
	return b, nil
}

// ListBookings lists the bookings the caller may see, newest first.
func (a *App) ListBookings(ctx context.Context, actor Actor, f rail.BookingFilter) (Page[*rail.Booking], error) {
	f.Limit = clampLimit(f.Limit)
	scope, err := a.scopeOf(ctx, actor)
	if err != nil {
		return Page[*rail.Booking]{}, err
	}
	if !scope.all {
		f.Parties = scope.exporters
	}
	items, next, err := a.Rail.Bookings.List(ctx, f)
	return Page[*rail.Booking]{Items: items, NextCursor: next}, err
}

// bookingExporter decides for whom a booking is made: an exporter books for itself; a broker for
// an exporter that authorises it; the operator for any registered exporter.
func (a *App) bookingExporter(ctx context.Context, actor Actor, named string) (string, error) {
	switch actor.Kind {
	case party.KindExporter:
		if named != "" && named != actor.OrgID {
			return "", domain.InvalidField("exporterId", "not_your_org", "an exporter books for itself; leave exporterId out")
		}
		return actor.OrgID, nil
	case party.KindBroker, party.KindOperator:
	default:
		return "", forbidden("not_allowed", "this organisation may not book trains")
	}
	if named == "" {
		return "", domain.InvalidField("exporterId", "required", "name the exporter the booking is for")
	}
	cache := exporterCache{app: a}
	ok, err := cache.isExporter(ctx, named)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", domain.InvalidField("exporterId", "unknown_exporter", "exporterId names no registered exporter")
	}
	if actor.Kind == party.KindBroker {
		scope, err := a.scopeOf(ctx, actor)
		if err != nil {
			return "", err
		}
		if !scope.covers(named) {
			return "", forbidden("not_authorized", "the exporter has not authorised this broker")
		}
	}
	return named, nil
}

// BookSpace books container space on a departure: stored as requested, then confirmed when
// the load fits, waitlisted when it does not and the booker allows it, and otherwise refused
// with departure_full (leaving nothing behind). While bookings wait, a new one joins the queue
// and is confirmed at once only if it is the first that fits (first come, first fit). The
// departure comes back as it was read before booking (its schedule, not its capacity now).
func (a *App) BookSpace(ctx context.Context, actor Actor, req rail.BookingRequest) (*rail.Booking, *rail.Departure, error) {
	exporter, err := a.bookingExporter(ctx, actor, req.ExporterID)
	if err != nil {
		return nil, nil, err
	}
	req.ExporterID, req.BookedBy = exporter, actor.OrgID
	if req, err = rail.ValidateBookingRequest(req); err != nil {
		return nil, nil, err
	}
	dep, err := a.Rail.Departures.Get(ctx, req.DepartureID)
	if isNotFound(err) {
		return nil, nil, domain.InvalidField("departureId", "unknown_departure", "departureId names no departure")
	}
	if err != nil {
		return nil, nil, err
	}
	now := a.Clock.Now()
	if err := dep.BookingWindowOpen(now); err != nil {
		return nil, nil, err
	}
	if teu := rail.TEUOf(req.Containers); teu > dep.CapacityTEU() {
		return nil, nil, domain.InvalidField("containers", "exceeds_capacity",
			fmt.Sprintf("the train takes %d TEU in all; the booking needs %d", dep.CapacityTEU(), teu))
	}
	if req.GrossKg > dep.MaxCargoKg() {
		return nil, nil, domain.InvalidField("grossKg", "over_weight",
			fmt.Sprintf("the train takes %d kg of cargo in all", dep.MaxCargoKg()))
	}
	b, err := rail.NewBooking(a.IDs.New("bkg"), req, now, actor.OrgID)
	if err != nil {
		return nil, nil, err
	}
	if err := a.Rail.Bookings.Create(ctx, b); err != nil {
		return nil, nil, err
	}
	b, err = a.settle(ctx, b, dep, actor.OrgID)
	if err != nil {
		return nil, nil, err
	}
	a.relaySoon(ctx, "booking", b.ID())
	return b, dep, nil
}

// settleBooking is the booking saga's step after the booking is stored as requested: take the
// capacity (confirm), or join the waiting list, or give up and delete the request. Every part is
// idempotent by booking id, so the reconciler runs it again for a booking a crash left requested.
func (a *App) settleBooking(ctx context.Context, id, actor string) (*rail.Booking, error) {
	b, err := a.Rail.Bookings.Get(ctx, id)
	if err != nil || b.Status() != rail.BookingRequested {
		return b, err
	}
	dep, err := a.Rail.Departures.Get(ctx, b.DepartureID())
	if err != nil {
		return nil, err
	}
	return a.settle(ctx, b, dep, actor)
}

// settle is settleBooking with the booking (requested) and its departure as read.
//
// A booking that fits and finds no one waiting takes its place at once. Otherwise it joins the
// waiting list and the list is promoted, first come first fit: a booking that fits in what is
// free while no earlier one does is confirmed on the spot. One that was not promoted stays
// waitlisted if the booker allows it, else leaves the list and its request is deleted.
func (a *App) settle(ctx context.Context, b *rail.Booking, dep *rail.Departure, actor string) (*rail.Booking, error) {
	id := b.ID()
	now := a.Clock.Now()
	slot := rail.SlotOf(b, now)
	held, waiting := dep.HeldBy(id), dep.Waiting(id)
	for _, w := range dep.Waitlist() {
		if w.Booking == id {
			slot.At = w.At // its place in the queue is the one it took
		}
	}
	if !held && !waiting && dep.WaitlistedTEU() == 0 {
		var err error
		if held, err = a.Rail.Departures.Reserve(ctx, dep.ID(), slot, false); err != nil {
			return nil, err
		}
	}
	if held {
		confirmed, err := a.Rail.Bookings.Update(ctx, id, func(b *rail.Booking) error { return b.Confirm(now, actor) })
		if domain.CodeOf(err) == "illegal_transition" {
			if err := a.overtaken(ctx, id, err); err != nil {
				return nil, err
			}
			return a.Rail.Bookings.Get(ctx, id)
		}
		return confirmed, err
	}
	if !waiting && !b.AllowWaitlist() && !rail.Fits(dep.Capacity(), b.TEU(), b.GrossKg()) {
		return a.refuse(ctx, dep, b) // it cannot be had now, and the booker does not wait
	}
	stood, queued, err := a.Rail.Departures.Waitlist(ctx, dep.ID(), slot)
	if err != nil {
		return nil, err
	}
	if !queued { // the departure takes no one now
		if err := a.Rail.Bookings.DeleteRequested(ctx, id); err != nil {
			return nil, err
		}
		return nil, stood.ErrClosed()
	}
	free := stood.Capacity()
	if b.AllowWaitlist() {
		waiting, err := a.Rail.Bookings.Update(ctx, id, func(b *rail.Booking) error { return b.Waitlist(slot.At, actor) })
		switch {
		case domain.CodeOf(err) == "illegal_transition": // promoted meanwhile, or its train is gone
			if err := a.overtaken(ctx, id, err); err != nil {
				return nil, err
			}
		case err != nil:
			return nil, err
		case !rail.Fits(free, slot.TEU, slot.Kg):
			// Nothing that was free when it joined takes it; whoever frees capacity promotes.
			return waiting, nil
		}
	}
	if err := a.promote(ctx, dep.ID()); err != nil {
		return nil, err
	}
	b, err = a.Rail.Bookings.Get(ctx, id)
	switch {
	case err != nil:
		return nil, err
	case b.Status() == rail.BookingCancelled: // its train was cancelled or left meanwhile
		return nil, a.overtaken(ctx, id, nil)
	case b.Status() != rail.BookingRequested:
		return b, nil
	}
	if err := a.Rail.Departures.Unwaitlist(ctx, dep.ID(), slot); err != nil {
		return nil, err
	}
	if dep, err = a.Rail.Departures.Get(ctx, dep.ID()); err != nil {
		return nil, err
	}
	return a.refuse(ctx, dep, b)
}

// overtaken explains why a request could not record its outcome: its train was cancelled or
// left meanwhile (booking_closed), or — nil — another promoter confirmed it already.
func (a *App) overtaken(ctx context.Context, id string, cause error) error {
	b, err := a.Rail.Bookings.Get(ctx, id)
	switch {
	case err != nil:
		return err
	case b.Status() == rail.BookingCancelled:
		return domain.Errorf(domain.KindInvalid, "booking_closed", "the booking was closed while it was being decided: %s",
			orDefault(b.CancelReason(), "its train is gone"))
	case b.Status() == rail.BookingConfirmed:
		return nil
	}
	return cause
}

// refuse deletes a booking request the train cannot take and says why (departure_full). A
// request another promoter confirmed at the last moment is not deleted: it is returned.
func (a *App) refuse(ctx context.Context, dep *rail.Departure, b *rail.Booking) (*rail.Booking, error) {
	if err := a.Rail.Bookings.DeleteRequested(ctx, b.ID()); err != nil {
		return nil, err
	}
	if kept, err := a.Rail.Bookings.Get(ctx, b.ID()); !isNotFound(err) {
		return kept, err
	}
	c := dep.Capacity()
	msg := fmt.Sprintf("the train has %d TEU and %d kg free; the booking needs %d TEU and %d kg",
		max(c.FreeTEU(), 0), max(c.FreeKg(), 0), b.TEU(), b.GrossKg())
	if dep.WaitlistedTEU() > 0 {
		msg += fmt.Sprintf(", and %d TEU wait before it", dep.WaitlistedTEU())
	}
	return nil, &domain.Error{Kind: domain.KindConflict, Code: "departure_full", Message: msg + "; allow the waiting list to queue",
		Fields: []domain.FieldError{{Field: "containers", Code: "departure_full", Message: msg}}}
}

// promote confirms waiting bookings into free capacity, first come first fit
// (rail.PromotionOrder), one at a time, each through one conditional update of the departure.
// The departure's slots say who waits for how much since when, so no booking is read to decide.
// Promotions of one departure are serialised within the process so that concurrent promoters do
// not reorder the queue; the capacity invariant never depended on it.
func (a *App) promote(ctx context.Context, departureID string) error {
	defer a.lockDeparture(departureID)()
	for range 1000 {
		dep, err := a.Rail.Departures.Get(ctx, departureID)
		if err != nil {
			return err
		}
		if dep.Status() != rail.DepartureScheduled {
			return nil
		}
		order := rail.PromotionOrder(dep.Waitlist(), dep.Capacity())
		if len(order) == 0 {
			return nil
		}
		next := order[0]
		ok, err := a.Rail.Departures.Reserve(ctx, departureID, next, true)
		if err != nil {
			return err
		}
		if ok {
			if err := a.confirmHolder(ctx, departureID, next, "waitlist"); err != nil {
				return err
			}
		}
	}
	return nil
}

// confirmHolder brings the booking of a slot that now holds capacity in line: a waiting booking
// is promoted and one still requested confirmed; the place of a booking cancelled or deleted
// meanwhile goes back at once.
func (a *App) confirmHolder(ctx context.Context, departureID string, s rail.Slot, actor string) error {
	now := a.Clock.Now()
	_, err := a.Rail.Bookings.Update(ctx, s.Booking, func(b *rail.Booking) error {
		switch b.Status() {
		case rail.BookingWaitlisted:
			return b.Promote(now, actor)
		case rail.BookingRequested:
			return b.Confirm(now, actor)
		case rail.BookingConfirmed:
			return errUnchanged
		}
		return errGone
	})
	switch {
	case err == errGone || isNotFound(err):
		return a.Rail.Departures.Release(ctx, departureID, s)
	case err == errUnchanged:
		return nil
	case err != nil:
		return err
	}
	a.relaySoon(ctx, "booking", s.Booking)
	return nil
}

var errGone = domain.Errorf(domain.KindFailedPrecondition, "booking_gone", "the booking was cancelled")

// lockDeparture serialises promotions of one departure in this process.
func (a *App) lockDeparture(id string) func() {
	v, _ := a.departureLocks.LoadOrStore(id, &sync.Mutex{})
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// CancelBooking withdraws a booking before its train leaves: its capacity goes back to the
// train and the waiting list moves up. A booking with containers loaded cannot be cancelled
// (containers_loaded).
func (a *App) CancelBooking(ctx context.Context, actor Actor, id, reason string) (*rail.Booking, error) {
	b, err := a.GetBooking(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	switch b.Status() {
	case rail.BookingCancelled:
		return b, nil
	case rail.BookingRequested:
		return nil, domain.Errorf(domain.KindFailedPrecondition, "booking_in_progress", "the booking is being decided; try again in a moment")
	}
	dep, err := a.Rail.Departures.Get(ctx, b.DepartureID())
	if err != nil {
		return nil, err
	}
	if dep.Status() != rail.DepartureScheduled {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "departure_departed", "the train is %s; the booking stands", dep.Status())
	}
	now := a.Clock.Now()
	b, err = a.Rail.Bookings.Update(ctx, id, func(b *rail.Booking) error { return b.Cancel(now, actor.OrgID, reason) })
	if err != nil {
		return nil, err
	}
	if err := a.afterCancel(ctx, b); err != nil {
		return nil, err
	}
	a.relaySoon(ctx, "booking", id)
	return b, nil
}

// afterCancel gives a cancelled booking's place back and promotes the waiting list; idempotent.
func (a *App) afterCancel(ctx context.Context, b *rail.Booking) error {
	s := rail.SlotOf(b, time.Time{})
	if err := a.Rail.Departures.Release(ctx, b.DepartureID(), s); err != nil {
		return err
	}
	if err := a.Rail.Departures.Unwaitlist(ctx, b.DepartureID(), s); err != nil {
		return err
	}
	return a.promote(ctx, b.DepartureID())
}

// requestGrace is how long the outbox reaction leaves a booking's fresh request or container
// loading to the request that made it: two minutes, and never less than a request may take.
func (a *App) requestGrace() time.Duration {
	return max(2*time.Minute, a.RequestTimeout+30*time.Second)
}

var errBookingUndecided = domain.Errorf(domain.KindConflict, "booking_in_progress", "the booking request is still being decided")

// followBooking carries a booking's recorded change through (the outbox reaction): a booking
// left requested finishes its saga, a cancelled one gives its place back, and the parcels of
// loaded containers are loaded. Every step is idempotent.
func (a *App) followBooking(ctx context.Context, id string, events []PendingEvent) error {
	if !needsFollowing(events) {
		return nil
	}
	b, err := a.Rail.Bookings.Get(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	young := func(at time.Time) bool { return a.Clock.Now().Sub(at) < a.requestGrace() }
	switch b.Status() {
	case rail.BookingRequested:
		if young(b.CreatedAt()) {
			return errBookingUndecided // its request may still be running: later (the task retries)
		}
		_, err := a.settleBooking(ctx, id, "reconciler")
		if domain.CodeOf(err) == "departure_full" || domain.CodeOf(err) == "booking_closed" {
			return nil // refused now: the request was deleted
		}
		return err
	case rail.BookingCancelled:
		return a.afterCancel(ctx, b)
	}
	for _, e := range events {
		if e.Event.Type != rail.EventContainerLoaded {
			continue
		}
		no, _ := e.Event.Data["containerNo"].(string)
		for _, c := range b.Loaded() {
			if c.ContainerNo != no {
				continue
			}
			if young(e.Event.At) {
				// Its request loads the parcels (and may still be at it, or undo it): only check.
				done, err := a.parcelsIn(ctx, b, c)
				if err != nil || done {
					return err
				}
				return errBookingUndecided
			}
			if err := a.loadParcels(ctx, b, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// needsFollowing reports whether a booking's new events oblige the service to do anything: a
// request whose outcome was not recorded (a crash), a cancellation, a container loaded.
func needsFollowing(events []PendingEvent) bool {
	if n := len(events); n > 0 && events[n-1].Event.Type == rail.EventBookingRequested {
		return true
	}
	for _, e := range events {
		if e.Event.Type == rail.EventBookingCancelled || e.Event.Type == rail.EventContainerLoaded {
			return true
		}
	}
	return false
}

// settleDepartures repairs what crashes left between departures and their bookings: a booking
// that holds capacity but is not confirmed, a cancelled or deleted one still holding or waiting,
// a waiting one still marked requested. Then it promotes the waiting list. It looks only at
// departures whose capacity changed more than the grace ago and were not settled since.
func (a *App) settleDepartures(ctx context.Context) error {
	if a.Rail.Departures == nil {
		return nil
	}
	deps, err := a.Rail.Departures.Unsettled(ctx, a.Clock.Now().Add(-reconcileGrace), 100)
	if err != nil {
		return err
	}
	for _, dep := range deps {
		if err := a.settleDeparture(ctx, dep); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) settleDeparture(ctx context.Context, dep *rail.Departure) error {
	for _, s := range dep.Holders() {
		if err := a.confirmHolder(ctx, dep.ID(), s, "reconciler"); err != nil {
			return err
		}
	}
	now := a.Clock.Now()
	for _, s := range dep.Waitlist() {
		b, err := a.Rail.Bookings.Get(ctx, s.Booking)
		switch {
		case isNotFound(err) || err == nil && b.Status() == rail.BookingCancelled:
			err = a.Rail.Departures.Unwaitlist(ctx, dep.ID(), s)
		case err == nil && b.Status() == rail.BookingRequested && b.AllowWaitlist():
			if _, err = a.Rail.Bookings.Update(ctx, s.Booking, func(b *rail.Booking) error { return b.Waitlist(s.At, "reconciler") }); err == nil {
				a.relaySoon(ctx, "booking", s.Booking)
			}
		case err == nil && b.Status() == rail.BookingRequested && now.Sub(b.CreatedAt()) > a.requestGrace():
			// queued only to be promoted at once, and not promoted: the request failed
			if err = a.Rail.Departures.Unwaitlist(ctx, dep.ID(), s); err == nil {
				err = a.Rail.Bookings.DeleteRequested(ctx, s.Booking)
			}
		}
		if err != nil {
			return err
		}
	}
	if err := a.promote(ctx, dep.ID()); err != nil {
		return err
	}
	return a.Rail.Departures.Settle(ctx, dep.ID(), dep.CapacityChangedAt())
}

// Now is the application's clock, for adapters that derive views.
func (a *App) Now() time.Time { return a.Clock.Now() }

// StandardTrainFEU is how many loaded 40 ft boxes count as one train in the statistics
// (DOMAIN.md §7: 41 loaded FEU make one train, whatever the train's length).
const StandardTrainFEU = 41

// LineUtilisation sums up one line's departures in a period.
type LineUtilisation struct {
	LineCode       string  `json:"routeCode"`
	LineName       string  `json:"lineName"`
	Departures     int     `json:"departures"`
	Departed       int     `json:"departed"` // departed or arrived
	Cancelled      int     `json:"cancelled"`
	CapacityTEU    int     `json:"capacityTEU"`
	ConfirmedTEU   int     `json:"confirmedTEU"`
	WaitlistedTEU  int     `json:"waitlistedTEU"`
	CargoKg        int64   `json:"cargoKg"`
	Utilisation    float64 `json:"utilisation"`    // confirmedTEU / capacityTEU, 0..1
	StandardTrains float64 `json:"standardTrains"` // confirmed FEU / 41
}

// TrainStatistics are the zone's train figures for departures in [from, to).
type TrainStatistics struct {
	Lines []LineUtilisation `json:"lines"`
	Total LineUtilisation   `json:"total"`
}

// TrainUtilisation sums the departures planned in [from, to) by line (operator): capacity,
// what confirmed bookings hold of it, the waiting list, and the train count of the statistics
// (41 FEU a train). Cancelled departures are counted but add no capacity.
func (a *App) TrainUtilisation(ctx context.Context, actor Actor, from, to time.Time, lineCode string) (TrainStatistics, error) {
	if err := requireOperator(actor); err != nil {
		return TrainStatistics{}, err
	}
	byLine := map[string]*LineUtilisation{}
	var order []string
	f := rail.DepartureFilter{LineCode: lineCode, From: from, To: to, Limit: MaxLimit}
	for {
		deps, next, err := a.Rail.Departures.List(ctx, f)
		if err != nil {
			return TrainStatistics{}, err
		}
		for _, d := range deps {
			u := byLine[d.LineCode()]
			if u == nil {
				u = &LineUtilisation{LineCode: d.LineCode(), LineName: d.LineName()}
				byLine[d.LineCode()] = u
				order = append(order, d.LineCode())
			}
			u.Departures++
			switch d.Status() {
			case rail.DepartureCancelled:
				u.Cancelled++
				continue
			case rail.DepartureDeparted, rail.DepartureArrived:
				u.Departed++
			}
			c := d.Capacity()
			u.CapacityTEU += c.CapacityTEU
			u.ConfirmedTEU += c.ConfirmedTEU
			u.CargoKg += c.CargoKg
			u.WaitlistedTEU += d.WaitlistedTEU()
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	slices.Sort(order)
	st := TrainStatistics{Lines: []LineUtilisation{}, Total: LineUtilisation{LineCode: "*", LineName: "all lines"}}
	for _, code := range order {
		u := byLine[code]
		u.finish()
		st.Lines = append(st.Lines, *u)
		t := &st.Total
		t.Departures += u.Departures
		t.Departed += u.Departed
		t.Cancelled += u.Cancelled
		t.CapacityTEU += u.CapacityTEU
		t.ConfirmedTEU += u.ConfirmedTEU
		t.WaitlistedTEU += u.WaitlistedTEU
		t.CargoKg += u.CargoKg
	}
	st.Total.finish()
	return st, nil
}

func (u *LineUtilisation) finish() {
	if u.CapacityTEU > 0 {
		u.Utilisation = math.Round(float64(u.ConfirmedTEU)/float64(u.CapacityTEU)*1000) / 1000
	}
	u.StandardTrains = math.Round(float64(u.ConfirmedTEU)/2/StandardTrainFEU*100) / 100
}
