package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
)

var notFoundBooking = domain.NotFound("booking")

// GetBooking returns a booking the caller may see, and so act on: the operator any; an exporter
// its own; a broker those of the exporters that authorise it now (a broker whose authorisation
// ended keeps nothing of the bookings it made).
func (r *Rail) GetBooking(ctx context.Context, actor Actor, id string) (*rail.Booking, error) {
	visible, err := r.tenancy.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	b, err := r.bookings.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !visible.Covers(b.ExporterID()) {
		return nil, notFoundBooking
	}
	return b, nil
}

// ListBookings lists the bookings the caller may see, newest first.
func (r *Rail) ListBookings(ctx context.Context, actor Actor, f rail.BookingFilter) (Page[*rail.Booking], error) {
	f.Limit = clampLimit(f.Limit)
	visible, err := r.tenancy.Visibility(ctx, actor)
	if err != nil {
		return Page[*rail.Booking]{}, err
	}
	if !visible.All() {
		f.Parties = visible.Exporters()
	}
	items, next, err := r.bookings.List(ctx, f)
	return Page[*rail.Booking]{Items: items, NextCursor: next}, err
}

// bookingExporter decides for whom a booking is made: an exporter books for itself; a broker for
// an exporter that authorises it; the operator for any registered exporter.
func (r *Rail) bookingExporter(ctx context.Context, actor Actor, named string) (string, error) {
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
	noteOnBehalfOf(ctx, actor, named) // an attempt is recorded for the exporter, granted or not
	if actor.Kind == party.KindBroker {
		// Checked before the exporter is looked up: a broker learns nothing of an exporter that
		// has not authorised it, not even whether it is registered (README, "What a stranger may
		// learn").
		visible, err := r.tenancy.Visibility(ctx, actor)
		if err != nil {
			return "", err
		}
		if !visible.Covers(named) {
			return "", domain.InvalidField("exporterId", "unknown_exporter", "exporterId names no registered exporter that authorises you")
		}
	}
	cache := exporterCache{orgs: r.orgs}
	ok, err := cache.isExporter(ctx, named)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", domain.InvalidField("exporterId", "unknown_exporter", "exporterId names no registered exporter")
	}
	return named, nil
}

// BookSpace books container space on a departure: confirmed when the load fits, waitlisted
// when it does not and the booker allows it, and otherwise refused with departure_full (leaving
// nothing behind). While bookings wait, a new one joins the queue and is confirmed at once only
// if it is the first that fits (first come, first fit). Requests for one departure that arrive
// together are admitted together (admit). The departure comes back as it was read before
// booking (its schedule, not its capacity now).
func (r *Rail) BookSpace(ctx context.Context, actor Actor, req rail.BookingRequest) (*rail.Booking, *rail.Departure, error) {
	exporter, err := r.bookingExporter(ctx, actor, req.ExporterID)
	if err != nil {
		return nil, nil, err
	}
	req.ExporterID, req.BookedBy = exporter, actor.OrgID
	if req, err = rail.ValidateBookingRequest(req); err != nil {
		return nil, nil, err
	}
	t := &bookingTicket{id: r.ids.New("bkg"), req: req, actor: actor.OrgID, done: make(chan struct{})}
	r.admit(ctx, t)
	if t.err != nil {
		return nil, nil, t.err
	}
	return t.booking, t.dep, nil
}

// settleBooking is the booking saga's step after the booking is stored as requested: take the
// capacity (confirm), or join the waiting list, or give up and delete the request. Every part is
// idempotent by booking id, so the reconciler runs it again for a booking a crash left requested.
func (r *Rail) settleBooking(ctx context.Context, id, actor string) (*rail.Booking, error) {
	b, err := r.bookings.Get(ctx, id)
	if err != nil || b.Status() != rail.BookingRequested {
		return b, err
	}
	dep, err := r.departures.Get(ctx, b.DepartureID())
	if err != nil {
		return nil, err
	}
	return r.settle(ctx, b, dep, actor)
}

// settle is settleBooking with the booking (requested) and its departure as read.
//
// A booking that fits and finds no one waiting takes its place at once. Otherwise it joins the
// waiting list and the list is promoted, first come first fit: a booking that fits in what is
// free while no earlier one does is confirmed on the spot. One that was not promoted stays
// waitlisted if the booker allows it, else leaves the list and its request is deleted.
func (r *Rail) settle(ctx context.Context, b *rail.Booking, dep *rail.Departure, actor string) (*rail.Booking, error) {
	id := b.ID()
	now := r.clock.Now()
	slot := rail.SlotOf(b, now)
	held, waiting := dep.HeldBy(id), dep.Waiting(id)
	for _, w := range dep.Waitlist() {
		if w.Booking == id {
			slot.At = w.At // its place in the queue is the one it took
		}
	}
	if !held && !waiting && dep.WaitlistedTEU() == 0 {
		var err error
		if held, err = r.departures.Reserve(ctx, dep.ID(), slot, false); err != nil {
			return nil, err
		}
	}
	if held {
		confirmed, err := r.bookings.Update(ctx, id, func(b *rail.Booking) error { return b.Confirm(now, actor) })
		if errors.Is(err, domain.ErrIllegalTransition) {
			if err := r.overtaken(ctx, id, err); err != nil {
				return nil, err
			}
			return r.bookings.Get(ctx, id)
		}
		return confirmed, err
	}
	if !waiting && !b.AllowWaitlist() && !rail.Fits(dep.Capacity(), b.TEU(), b.GrossKg()) {
		return r.refuse(ctx, dep, b) // it cannot be had now, and the booker does not wait
	}
	stood, queued, err := r.departures.Waitlist(ctx, dep.ID(), slot)
	if err != nil {
		return nil, err
	}
	if !queued { // the departure takes no one now
		if err := r.bookings.DeleteRequested(ctx, id); err != nil {
			return nil, err
		}
		return nil, stood.ErrClosed()
	}
	free := stood.Capacity()
	if b.AllowWaitlist() {
		waiting, err := r.bookings.Update(ctx, id, func(b *rail.Booking) error { return b.Waitlist(slot.At, actor) })
		switch {
		case errors.Is(err, domain.ErrIllegalTransition): // promoted meanwhile, or its train is gone
			if err := r.overtaken(ctx, id, err); err != nil {
				return nil, err
			}
		case err != nil:
			return nil, err
		case !rail.Fits(free, slot.TEU, slot.Kg):
			// Nothing that was free when it joined takes it; whoever frees capacity promotes.
			return waiting, nil
		}
	}
	if err := r.promote(ctx, dep.ID()); err != nil {
		return nil, err
	}
	b, err = r.bookings.Get(ctx, id)
	switch {
	case err != nil:
		return nil, err
	case b.Status() == rail.BookingCancelled: // its train was cancelled or left meanwhile
		return nil, r.overtaken(ctx, id, nil)
	case b.Status() != rail.BookingRequested:
		return b, nil
	}
	if err := r.departures.Unwaitlist(ctx, dep.ID(), slot); err != nil {
		return nil, err
	}
	if dep, err = r.departures.Get(ctx, dep.ID()); err != nil {
		return nil, err
	}
	return r.refuse(ctx, dep, b)
}

// overtaken explains why a request could not record its outcome: its train was cancelled or
// left meanwhile (booking_closed), or — nil — another promoter confirmed it already.
func (r *Rail) overtaken(ctx context.Context, id string, cause error) error {
	b, err := r.bookings.Get(ctx, id)
	switch {
	case err != nil:
		return err
	case b.Status() == rail.BookingCancelled:
		return domain.Errorf(domain.KindInvalid, domain.CodeBookingClosed, "the booking was closed while it was being decided: %s",
			orDefault(b.CancelReason(), "its train is gone"))
	case b.Status() == rail.BookingConfirmed:
		return nil
	}
	return cause
}

// refuse deletes a booking request the train cannot take and says why (departure_full). A
// request another promoter confirmed at the last moment is not deleted: it is returned.
func (r *Rail) refuse(ctx context.Context, dep *rail.Departure, b *rail.Booking) (*rail.Booking, error) {
	if err := r.bookings.DeleteRequested(ctx, b.ID()); err != nil {
		return nil, err
	}
	if kept, err := r.bookings.Get(ctx, b.ID()); !isNotFound(err) {
		return kept, err
	}
	return nil, fullError(dep, b.TEU(), b.GrossKg(), false)
}

// promote confirms waiting bookings into free capacity, first come first fit
// (rail.PromotionOrder), one at a time, each through one conditional update of the departure.
// The departure's slots say who waits for how much since when, so no booking is read to decide.
// Promotions of one departure are serialised within the process so that concurrent promoters do
// not reorder the queue; the capacity invariant never depended on it.
func (r *Rail) promote(ctx context.Context, departureID string) error {
	defer r.lockDeparture(departureID)()
	for range 1000 {
		dep, err := r.departures.Get(ctx, departureID)
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
		ok, err := r.departures.Reserve(ctx, departureID, next, true)
		if err != nil {
			return err
		}
		if ok {
			err := r.confirmHolder(ctx, departureID, next, "waitlist")
			if err != nil && !errors.Is(err, errBookingUndecided) { // not stored yet: the reconciler promotes it after
				return err
			}
		}
	}
	return nil
}

// confirmHolder brings the booking of a slot that now holds capacity in line: a waiting booking
// is promoted and one still requested confirmed; the place of a booking cancelled or deleted
// meanwhile goes back at once.
func (r *Rail) confirmHolder(ctx context.Context, departureID string, s rail.Slot, actor string) error {
	now := r.clock.Now()
	_, err := r.bookings.Update(ctx, s.Booking, func(b *rail.Booking) error {
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
	case isNotFound(err) && r.inFlight(s):
		return errBookingUndecided // its request stores the booking after taking the place
	case err == errGone || isNotFound(err):
		return r.departures.Release(ctx, departureID, s)
	case err == errUnchanged:
		return nil
	case err != nil:
		return err
	}
	r.relay.soon(ctx, "booking", s.Booking)
	return nil
}

var errGone = domain.Errorf(domain.KindFailedPrecondition, "booking_gone", "the booking was cancelled")

// lockDeparture serialises promotions of one departure in this process.
func (r *Rail) lockDeparture(id string) func() {
	v, _ := r.departureLocks.LoadOrStore(id, &sync.Mutex{})
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// CancelBooking withdraws a booking before its train leaves: its capacity goes back to the
// train and the waiting list moves up. A booking with containers loaded cannot be cancelled
// (containers_loaded).
func (r *Rail) CancelBooking(ctx context.Context, actor Actor, id, reason string) (*rail.Booking, error) {
	b, err := r.GetBooking(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	switch b.Status() {
	case rail.BookingCancelled:
		return b, nil
	case rail.BookingRequested:
		return nil, domain.Errorf(domain.KindFailedPrecondition, "booking_in_progress", "the booking is being decided; try again in a moment")
	}
	dep, err := r.departures.Get(ctx, b.DepartureID())
	if err != nil {
		return nil, err
	}
	if dep.Status() != rail.DepartureScheduled {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "departure_departed", "the train is %s; the booking stands", dep.Status())
	}
	now := r.clock.Now()
	b, err = r.bookings.Update(ctx, id, func(b *rail.Booking) error { return b.Cancel(now, actor.OrgID, reason) })
	if err != nil {
		return nil, err
	}
	if err := r.afterCancel(ctx, b); err != nil {
		return nil, err
	}
	r.relay.soon(ctx, "booking", id)
	return b, nil
}

// afterCancel gives a cancelled booking's place back and promotes the waiting list; idempotent.
func (r *Rail) afterCancel(ctx context.Context, b *rail.Booking) error {
	s := rail.SlotOf(b, time.Time{})
	if err := r.departures.Release(ctx, b.DepartureID(), s); err != nil {
		return err
	}
	if err := r.departures.Unwaitlist(ctx, b.DepartureID(), s); err != nil {
		return err
	}
	return r.promote(ctx, b.DepartureID())
}

// requestGrace is how long the outbox reaction leaves a booking's fresh request or container
// loading to the request that made it: two minutes, and never less than a request may take.
func (r *Rail) requestGrace() time.Duration {
	return max(2*time.Minute, r.requestTimeout+30*time.Second)
}

var errBookingUndecided = domain.Errorf(domain.KindConflict, "booking_in_progress", "the booking request is still being decided")

// followBooking carries a booking's recorded change through (the outbox reaction): a booking
// left requested finishes its saga, a cancelled one gives its place back, and the parcels of
// loaded containers are loaded. Every step is idempotent.
func (r *Rail) followBooking(ctx context.Context, id string, events []PendingEvent) error {
	if !needsFollowing(events) {
		return nil
	}
	b, err := r.bookings.Get(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	young := func(at time.Time) bool { return r.clock.Now().Sub(at) < r.requestGrace() }
	switch b.Status() {
	case rail.BookingRequested:
		if young(b.CreatedAt()) {
			return errBookingUndecided // its request may still be running: later (the task retries)
		}
		_, err := r.settleBooking(ctx, id, "reconciler")
		if errors.Is(err, domain.ErrDepartureFull) || errors.Is(err, domain.ErrBookingClosed) {
			return nil // refused now: the request was deleted
		}
		return err
	case rail.BookingCancelled:
		return r.afterCancel(ctx, b)
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
				done, err := r.parcelsIn(ctx, b, c)
				if err != nil || done {
					return err
				}
				return errBookingUndecided
			}
			if err := r.loadParcels(ctx, b, c); err != nil {
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
func (r *Rail) settleDepartures(ctx context.Context) error {
	if r.departures == nil {
		return nil
	}
	deps, err := r.departures.Unsettled(ctx, r.clock.Now().Add(-reconcileGrace), 100)
	if err != nil {
		return err
	}
	for _, dep := range deps {
		if err := r.settleDeparture(ctx, dep); err != nil {
			return err
		}
	}
	return nil
}

func (r *Rail) settleDeparture(ctx context.Context, dep *rail.Departure) error {
	undecided := false // a request still running: settled at a later run
	for _, s := range dep.Holders() {
		err := r.confirmHolder(ctx, dep.ID(), s, "reconciler")
		if errors.Is(err, errBookingUndecided) {
			undecided = true
			continue
		}
		if err != nil {
			return err
		}
	}
	now := r.clock.Now()
	for _, s := range dep.Waitlist() {
		b, err := r.bookings.Get(ctx, s.Booking)
		switch {
		case isNotFound(err) && r.inFlight(s):
			undecided, err = true, nil
		case isNotFound(err) || err == nil && b.Status() == rail.BookingCancelled:
			err = r.departures.Unwaitlist(ctx, dep.ID(), s)
		case err == nil && b.Status() == rail.BookingRequested && b.AllowWaitlist():
			if _, err = r.bookings.Update(ctx, s.Booking, func(b *rail.Booking) error { return b.Waitlist(s.At, "reconciler") }); err == nil {
				r.relay.soon(ctx, "booking", s.Booking)
			}
		case err == nil && b.Status() == rail.BookingRequested && now.Sub(b.CreatedAt()) > r.requestGrace():
			// queued only to be promoted at once, and not promoted: the request failed
			if err = r.departures.Unwaitlist(ctx, dep.ID(), s); err == nil {
				err = r.bookings.DeleteRequested(ctx, s.Booking)
			}
		}
		if err != nil {
			return err
		}
	}
	if err := r.promote(ctx, dep.ID()); err != nil || undecided {
		return err
	}
	return r.departures.Settle(ctx, dep.ID(), dep.CapacityChangedAt())
}

// inFlight reports whether the booking of a place whose booking is not stored may still be on
// its way: a request takes the place first and stores its booking right after (admit).
func (r *Rail) inFlight(s rail.Slot) bool {
	return r.clock.Now().Sub(s.At) < r.requestGrace()
}
