package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

// bookingTicket is one booking request waiting for its departure's next admission.
type bookingTicket struct {
	id    string
	req   rail.BookingRequest
	actor string

	booking *rail.Booking   // as stored: confirmed or waitlisted
	dep     *rail.Departure // the departure as the admission read it
	err     error
	done    chan struct{}
}

// admissions gathers the booking requests of one departure that arrive while the departure's
// previous admission runs, and admits them together in the next one (Rail.admitBatch): three
// hundred requests at once cost a handful of store commands instead of three hundred each.
type admissions struct {
	mu      sync.Mutex
	waiting map[string][]*bookingTicket // departure id → requests for the next admission
	running map[string]bool             // departure id → an admission is under way
}

// admit hands t to its departure's next admission and returns once t is decided. The caller
// that finds no admission under way runs admissions until none is left waiting, its own first.
func (r *Rail) admit(ctx context.Context, t *bookingTicket) {
	a, dep := &r.admissions, t.req.DepartureID
	a.mu.Lock()
	if a.waiting == nil {
		a.waiting, a.running = map[string][]*bookingTicket{}, map[string]bool{}
	}
	a.waiting[dep] = append(a.waiting[dep], t)
	if a.running[dep] {
		a.mu.Unlock()
		<-t.done
		return
	}
	a.running[dep] = true
	for len(a.waiting[dep]) > 0 {
		batch := a.waiting[dep]
		delete(a.waiting, dep)
		a.mu.Unlock()
		// Not cancelled by this caller's going: the batch holds other callers' requests too.
		r.admitBatch(context.WithoutCancel(ctx), dep, batch)
		a.mu.Lock()
	}
	delete(a.running, dep)
	a.mu.Unlock()
}

// admitBatch decides and stores the requests of one departure in one admission
// (DepartureRepository.Admit): each is checked against the departure (booking window, the
// train's size), admitted first come first fit (rail.Departure.Admit) and stored confirmed or
// waitlisted; a request the train cannot take is refused and leaves nothing behind. Bookings
// that were waiting already and that first fit promoted on the way are promoted after.
func (r *Rail) admitBatch(ctx context.Context, departureID string, batch []*bookingTicket) {
	defer func() {
		for _, t := range batch {
			close(t.done)
		}
	}()
	defer r.lockDeparture(departureID)() // no promotion of this departure in between (see promote)
	now := r.clock.Now()
	var promoted []rail.Slot
	var stored []*rail.Booking
	dep, err := r.departures.Admit(ctx, departureID, func(d *rail.Departure) ([]*rail.Booking, error) {
		promoted, stored = nil, nil
		for _, t := range batch {
			var ahead []rail.Slot
			t.booking, ahead, t.err = r.decide(d, t, now)
			promoted = append(promoted, ahead...)
			if t.booking != nil {
				stored = append(stored, t.booking)
			}
		}
		// A request of this batch that joined the list may have been promoted by a later one.
		for _, t := range batch {
			if t.booking != nil && t.booking.Status() == rail.BookingWaitlisted && d.HeldBy(t.id) {
				if err := t.booking.Promote(now, t.actor); err != nil {
					return nil, err
				}
				promoted = slices.DeleteFunc(promoted, func(s rail.Slot) bool { return s.Booking == t.id })
			}
		}
		return stored, nil
	})
	for _, t := range batch {
		t.dep = dep
	}
	if isNotFound(err) {
		err = domain.InvalidField("departureId", "unknown_departure", "departureId names no departure")
	}
	if err != nil {
		for _, t := range batch {
			if t.booking != nil || t.err == nil {
				t.booking, t.err = nil, err
			}
		}
		r.giveBack(ctx, departureID, stored)
		return
	}
	r.relay.now(ctx, written("booking", stored...)...)
	for _, s := range promoted {
		if err := r.confirmHolder(ctx, departureID, s, "waitlist"); err != nil {
			r.log.Warn("a promoted booking not confirmed yet; the reconciler will", "booking", s.Booking, "err", err)
		}
	}
}

// decide checks one request against the departure d as the admission has it so far, admits it
// on d, and returns the booking to store, confirmed or waitlisted, with the waiting bookings
// promoted ahead of it; or why the train does not take it.
func (r *Rail) decide(d *rail.Departure, t *bookingTicket, now time.Time) (*rail.Booking, []rail.Slot, error) {
	if err := d.BookingWindowOpen(now); err != nil {
		return nil, nil, err
	}
	if teu := rail.TEUOf(t.req.Containers); teu > d.CapacityTEU() {
		return nil, nil, domain.InvalidField("containers", "exceeds_capacity",
			fmt.Sprintf("the train takes %d TEU in all; the booking needs %d", d.CapacityTEU(), teu))
	}
	if t.req.GrossKg > d.MaxCargoKg() {
		return nil, nil, domain.InvalidField("grossKg", "over_weight",
			fmt.Sprintf("the train takes %d kg of cargo in all", d.MaxCargoKg()))
	}
	b, err := rail.NewBooking(t.id, t.req, now, t.actor)
	if err != nil {
		return nil, nil, err
	}
	admission, promoted := d.Admit(rail.SlotOf(b, now), b.AllowWaitlist())
	switch admission {
	case rail.Held:
		err = b.Confirm(now, t.actor)
	case rail.Queued:
		err = b.Waitlist(now, t.actor)
	case rail.Closed:
		err = d.ErrClosed()
	default:
		err = fullError(d, b.TEU(), b.GrossKg(), admission == rail.WaitlistFull)
	}
	if err != nil {
		return nil, nil, err
	}
	return b, promoted, nil
}

// giveBack returns what bookings that could not be stored took on their departure: the request
// failed, so nothing of it may stay behind (each step is idempotent, and the reconciler does the
// same for a crash, once the request cannot be running any more).
func (r *Rail) giveBack(ctx context.Context, departureID string, bookings []*rail.Booking) {
	for _, b := range bookings {
		s := rail.SlotOf(b, b.CreatedAt())
		if err := errors.Join(r.departures.Release(ctx, departureID, s), r.departures.Unwaitlist(ctx, departureID, s)); err != nil {
			r.log.Warn("a failed booking's place not given back; the reconciler will", "booking", b.ID(), "err", err)
		}
	}
}

// fullError says why the train cannot take a booking now: departure_full, or waitlist_full when
// the booker would wait but the waiting list holds a train's worth already.
func fullError(dep *rail.Departure, teu int, kg int64, waitlistFull bool) error {
	c := dep.Capacity()
	msg := fmt.Sprintf("the train has %d TEU and %d kg free; the booking needs %d TEU and %d kg",
		max(c.FreeTEU(), 0), max(c.FreeKg(), 0), teu, kg)
	if dep.WaitlistedTEU() > 0 {
		msg += fmt.Sprintf(", and %d TEU wait before it", dep.WaitlistedTEU())
	}
	code := domain.CodeDepartureFull
	if waitlistFull {
		code = domain.CodeWaitlistFull
		msg += fmt.Sprintf("; the waiting list is full (it holds at most the train's %d TEU): book another departure", c.CapacityTEU)
	} else {
		msg += "; allow the waiting list to queue"
	}
	return &domain.Error{Kind: domain.KindConflict, Code: code, Message: msg,
		Fields: []domain.FieldError{{Field: "containers", Code: code, Message: msg}}}
}
