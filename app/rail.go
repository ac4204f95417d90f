package app

import (
	"context"
	"fmt"
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

// bookingScope decides whose bookings an actor may see and act on: the operator all; an exporter
// the bookings made for it or by it; a broker those it made and those of the exporters that
// authorise it.
func (a *App) bookingScope(ctx context.Context, actor Actor) (parcelScope, error) {
	scope, err := a.scopeOf(ctx, actor)
	if err != nil || scope.all {
		return scope, err
	}
	if !slices.Contains(scope.exporters, actor.OrgID) {
		scope.exporters = append(scope.exporters, actor.OrgID)
	}
	return scope, nil
}

func (s parcelScope) coversBooking(b *rail.Booking) bool {
	return s.covers(b.ExporterID()) || s.covers(b.BookedBy())
}

var notFoundBooking = domain.NotFound("booking")

// GetBooking returns a booking the caller may see.
func (a *App) GetBooking(ctx context.Context, actor Actor, id string) (*rail.Booking, error) {
	scope, err := a.bookingScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	b, err := a.Rail.Bookings.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !scope.coversBooking(b) {
		return nil, notFoundBooking
	}
	return b, nil
}

// ListBookings lists the bookings the caller may see, newest first.
func (a *App) ListBookings(ctx context.Context, actor Actor, f rail.BookingFilter) (Page[*rail.Booking], error) {
	f.Limit = clampLimit(f.Limit)
	scope, err := a.bookingScope(ctx, actor)
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
// with departure_full (leaving nothing behind). While bookings wait, a new one queues behind
// them: it is waitlisted and then promoted at once if it is the first that fits (first come,
// first fit), never ahead of a waiting booking that fits.
func (a *App) BookSpace(ctx context.Context, actor Actor, req rail.BookingRequest) (*rail.Booking, error) {
	exporter, err := a.bookingExporter(ctx, actor, req.ExporterID)
	if err != nil {
		return nil, err
	}
	req.ExporterID, req.BookedBy = exporter, actor.OrgID
	if req, err = rail.ValidateBookingRequest(req); err != nil {
		return nil, err
	}
	dep, err := a.Rail.Departures.Get(ctx, req.DepartureID)
	if isNotFound(err) {
		return nil, domain.InvalidField("departureId", "unknown_departure", "departureId names no departure")
	}
	if err != nil {
		return nil, err
	}
	now := a.Clock.Now()
	if err := dep.BookingWindowOpen(now); err != nil {
		return nil, err
	}
	if teu := rail.TEUOf(req.Containers); teu > dep.CapacityTEU() {
		return nil, domain.InvalidField("containers", "exceeds_capacity",
			fmt.Sprintf("the train takes %d TEU in all; the booking needs %d", dep.CapacityTEU(), teu))
	}
	if req.GrossKg > dep.MaxCargoKg() {
		return nil, domain.InvalidField("grossKg", "over_weight",
			fmt.Sprintf("the train takes %d kg of cargo in all", dep.MaxCargoKg()))
	}
	b, err := rail.NewBooking(a.IDs.New("bkg"), req, now, actor.OrgID)
	if err != nil {
		return nil, err
	}
	if err := a.Rail.Bookings.Create(ctx, b); err != nil {
		return nil, err
	}
	b, err = a.settle(ctx, b, dep, actor.OrgID)
	if err != nil {
		return nil, err
	}
	a.relaySoon(ctx, "booking", b.ID())
	return b, nil
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
func (a *App) settle(ctx context.Context, b *rail.Booking, dep *rail.Departure, actor string) (*rail.Booking, error) {
	id := b.ID()
	held, err := dep.HeldBy(id), error(nil)
	if !held && !dep.Waiting(id) {
		if held, err = a.Rail.Departures.Reserve(ctx, dep.ID(), id, b.TEU(), b.GrossKg(), false); err != nil {
			return nil, err
		}
	}
	now := a.Clock.Now()
	if held {
		return a.Rail.Bookings.Update(ctx, id, func(b *rail.Booking) error { return b.Confirm(now, actor) })
	}
	if !b.AllowWaitlist() {
		if err := a.Rail.Bookings.DeleteRequested(ctx, id); err != nil {
			return nil, err
		}
		return nil, departureFull(dep, b)
	}
	if err := a.Rail.Departures.Waitlist(ctx, dep.ID(), id, b.TEU()); err != nil {
		if domain.CodeOf(err) == "booking_closed" {
			if derr := a.Rail.Bookings.DeleteRequested(ctx, id); derr != nil {
				return nil, derr
			}
		}
		return nil, err
	}
	b, err = a.Rail.Bookings.Update(ctx, id, func(b *rail.Booking) error { return b.Waitlist(now, actor) })
	if err != nil {
		return nil, err
	}
	promoted, err := a.promote(ctx, dep.ID())
	if err != nil || !slices.Contains(promoted, id) {
		return b, err
	}
	return a.Rail.Bookings.Get(ctx, id)
}

func departureFull(dep *rail.Departure, b *rail.Booking) error {
	c := dep.Capacity()
	msg := fmt.Sprintf("the train has %d TEU and %d kg free; the booking needs %d TEU and %d kg",
		max(c.FreeTEU(), 0), max(c.FreeKg(), 0), b.TEU(), b.GrossKg())
	if dep.WaitlistedTEU() > 0 {
		msg += fmt.Sprintf(", and %d TEU are waiting before it", dep.WaitlistedTEU())
	}
	return &domain.Error{Kind: domain.KindConflict, Code: "departure_full", Message: msg + "; allow the waiting list to queue",
		Fields: []domain.FieldError{{Field: "containers", Code: "departure_full", Message: msg}}}
}

// promote confirms waiting bookings into free capacity, first come first fit
// (rail.PromotionOrder), one at a time, each through one conditional update of the departure.
// Promotions of one departure are serialised within the process so that concurrent promoters do
// not reorder the queue; the capacity invariant never depended on it.
func (a *App) promote(ctx context.Context, departureID string) (promoted []string, err error) {
	defer a.lockDeparture(departureID)()
	for range 1000 {
		dep, err := a.Rail.Departures.Get(ctx, departureID)
		if err != nil {
			return promoted, err
		}
		c := dep.Capacity()
		if dep.Status() != rail.DepartureScheduled || len(dep.Waitlist()) == 0 || c.FreeTEU() <= 0 || c.FreeKg() <= 0 {
			return promoted, nil
		}
		var waiting []*rail.Booking
		for _, id := range dep.Waitlist() {
			b, err := a.Rail.Bookings.Get(ctx, id)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return promoted, err
			}
			waiting = append(waiting, b)
		}
		order := rail.PromotionOrder(waiting, c)
		if len(order) == 0 {
			return promoted, nil
		}
		next := order[0]
		ok, err := a.Rail.Departures.Reserve(ctx, departureID, next.ID(), next.TEU(), next.GrossKg(), true)
		if err != nil {
			return promoted, err
		}
		if !ok {
			continue // capacity moved meanwhile: look again
		}
		now := a.Clock.Now()
		_, err = a.Rail.Bookings.Update(ctx, next.ID(), func(b *rail.Booking) error { return b.Promote(now, "waitlist") })
		if domain.CodeOf(err) == "illegal_transition" {
			// Cancelled while it was being promoted: the place goes back at once.
			if err := a.Rail.Departures.Release(ctx, departureID, next.ID(), next.TEU(), next.GrossKg()); err != nil {
				return promoted, err
			}
			continue
		}
		if err != nil {
			return promoted, err
		}
		promoted = append(promoted, next.ID())
		a.relaySoon(ctx, "booking", next.ID())
	}
	return promoted, nil
}

// lockDeparture serialises promotions of one departure in this process.
func (a *App) lockDeparture(id string) func() {
	v, _ := a.departureLocks.LoadOrStore(id, &sync.Mutex{})
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// mayChangeBooking admits the booking's exporter, the organisation that booked, and the operator.
func mayChangeBooking(actor Actor, b *rail.Booking) error {
	if actor.IsOperator() || actor.OrgID == b.ExporterID() || actor.OrgID == b.BookedBy() {
		return nil
	}
	return forbidden("not_your_booking", "only the exporter, the organisation that booked and the operator change a booking")
}

// CancelBooking withdraws a booking: its capacity goes back to the train and the waiting list
// moves up. A booking with containers loaded cannot be cancelled (containers_loaded).
func (a *App) CancelBooking(ctx context.Context, actor Actor, id, reason string) (*rail.Booking, error) {
	b, err := a.GetBooking(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := mayChangeBooking(actor, b); err != nil {
		return nil, err
	}
	if b.Status() == rail.BookingRequested {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "booking_in_progress", "the booking is being decided; try again in a moment")
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
	if err := a.Rail.Departures.Release(ctx, b.DepartureID(), b.ID(), b.TEU(), b.GrossKg()); err != nil {
		return err
	}
	if err := a.Rail.Departures.Unwaitlist(ctx, b.DepartureID(), b.ID(), b.TEU()); err != nil {
		return err
	}
	_, err := a.promote(ctx, b.DepartureID())
	return err
}

// followBooking carries a booking's recorded change through (the outbox reaction): a booking
// left requested finishes its saga, a cancelled one gives its place back, and the parcels of
// loaded containers are loaded. Every step is idempotent.
func (a *App) followBooking(ctx context.Context, id string, events []PendingEvent) error {
	b, err := a.Rail.Bookings.Get(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	switch b.Status() {
	case rail.BookingRequested:
		_, err := a.settleBooking(ctx, id, "reconciler")
		if k := domain.KindOf(err); k == domain.KindConflict || k == domain.KindInvalid {
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
			if c.ContainerNo == no {
				if err := a.loadParcels(ctx, b, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// settleDepartures repairs what crashes left between departures and their bookings: a booking
// that holds capacity but is not confirmed, a cancelled one still holding or waiting, a waiting
// one still marked requested. Then it promotes the waiting list. It looks only at departures
// whose capacity changed more than the grace ago and were not settled since.
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
	now := a.Clock.Now()
	for _, id := range append(dep.Holders(), dep.Waitlist()...) {
		b, err := a.Rail.Bookings.Get(ctx, id)
		if isNotFound(err) {
			a.Log.Error("departure lists a booking that does not exist", "departure", dep.ID(), "booking", id)
			continue
		}
		if err != nil {
			return err
		}
		held := dep.HeldBy(id)
		var change func(*rail.Booking) error
		switch {
		case b.Status() == rail.BookingCancelled:
			if err := a.afterCancel(ctx, b); err != nil {
				return err
			}
		case held && b.Status() == rail.BookingRequested:
			change = func(b *rail.Booking) error { return b.Confirm(now, "reconciler") }
		case held && b.Status() == rail.BookingWaitlisted:
			change = func(b *rail.Booking) error { return b.Promote(now, "reconciler") }
		case !held && b.Status() == rail.BookingRequested:
			change = func(b *rail.Booking) error { return b.Waitlist(now, "reconciler") }
		case !held && b.Status() == rail.BookingConfirmed:
			a.Log.Error("a confirmed booking waits instead of holding capacity", "departure", dep.ID(), "booking", id)
		}
		if change != nil {
			if _, err := a.Rail.Bookings.Update(ctx, id, change); err != nil {
				return err
			}
			a.relaySoon(ctx, "booking", id)
		}
	}
	if _, err := a.promote(ctx, dep.ID()); err != nil {
		return err
	}
	return a.Rail.Departures.Settle(ctx, dep.ID(), dep.CapacityChangedAt())
}

// Delivery derives a departure's delivery state now.
func (a *App) Delivery(d *rail.Departure) rail.Delivery { return d.Delivery(a.Clock.Now()) }

// Now is the application's clock, for adapters that derive views.
func (a *App) Now() time.Time { return a.Clock.Now() }
