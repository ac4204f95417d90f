package app

import (
	"context"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

// cancelTrain withdraws every booking of a cancelled departure: containers already loaded come
// off (their parcels are released again, ready for another train), confirmed and waiting
// bookings are cancelled with the train's reason and their places given back. Idempotent.
func (r *Rail) cancelTrain(ctx context.Context, dep *rail.Departure) error {
	reason := "the train was cancelled"
	if why := dep.CancelReason(); why != "" {
		reason += ": " + why
	}
	now := r.clock.Now()
	for _, s := range append(dep.Holders(), dep.Waitlist()...) {
		b, err := r.bookings.Get(ctx, s.Booking)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err == nil {
			for _, c := range b.Loaded() {
				if err := r.undoLoading(ctx, b, c, "operator"); err != nil {
					return err
				}
			}
			_, err = r.bookings.Update(ctx, s.Booking, func(b *rail.Booking) error {
				if b.Status() == rail.BookingCancelled {
					return errUnchanged
				}
				return b.Cancel(now, "operator", reason) // a request still deciding finds it cancelled
			})
			if err == nil {
				r.relay.soon(ctx, "booking", s.Booking)
			} else if err != errUnchanged {
				return err
			}
		}
		if err := r.departures.Release(ctx, dep.ID(), s); err != nil {
			return err
		}
		if err := r.departures.Unwaitlist(ctx, dep.ID(), s); err != nil {
			return err
		}
	}
	return nil
}

// CancelDeparture calls a scheduled train off (operator): its bookings are cancelled and their
// containers unloaded through the departure's outbox (cancelTrain). A train that left cannot be
// cancelled (departure_departed); cancelling twice is harmless.
func (r *Rail) CancelDeparture(ctx context.Context, actor Actor, id, reason string) (*rail.Departure, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	if _, err := checkReason(reason); err != nil {
		return nil, err
	}
	d, err := r.departures.Update(ctx, id, func(d *rail.Departure) error {
		if d.Status() == rail.DepartureCancelled {
			return errUnchanged
		}
		return d.Cancel(r.clock.Now(), actor.OrgID, reason)
	})
	if err == errUnchanged {
		return r.departures.Get(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	r.relay.soon(ctx, "departure", id)
	return d, nil
}

// checkReason requires a reason of at most 500 characters.
func checkReason(reason string) (string, error) {
	var v domain.Violations
	v.CheckText("reason", strings.TrimSpace(reason), true, 500)
	return strings.TrimSpace(reason), v.Err()
}
