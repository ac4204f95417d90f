package app

import (
	"context"
	"errors"
	"slices"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/rail"
)

// RecordDepartureEvent records a movement the operator reports, once it happened (dated at most
// rail.MaxClockSkew ahead of the service's clock: 422 in_future naming at) and in the
// itinerary's legal order (rail.CheckNextEvent). What follows — bookings, containers and parcels, the CEB509 departure
// documents — follows through the departure's outbox (followDeparture).
func (r *Rail) RecordDepartureEvent(ctx context.Context, actor Actor, id string, e rail.Event) (*rail.Departure, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	e.ReportedBy = actor.OrgID
	if err := rail.CheckEventTime(e, r.clock.Now()); err != nil {
		return nil, err
	}
	d, err := r.departures.Update(ctx, id, func(d *rail.Departure) error {
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
		return r.departures.Get(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	r.relay.soon(ctx, "departure", id)
	return d, nil
}

// followDeparture carries a departure's reported movements to its bookings and to the parcels in
// their containers (departed, arrived; border crossings and transshipments on the timelines),
// cancels the waiting list when the train leaves without it, and files the CEB509 departure
// documents of the cross-border e-commerce parcels on board. Every step is idempotent, because
// the relay runs it again after a crash.
func (r *Rail) followDeparture(ctx context.Context, id string, events []PendingEvent) error {
	dep, err := r.departures.Get(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, pe := range events {
		if pe.Event.Type == rail.EventDepartureCancelled {
			if err := r.cancelTrain(ctx, dep); err != nil {
				return err
			}
			continue
		}
		var move *rail.Event
		for _, e := range dep.Events() {
			if "departure."+string(e.Type) == pe.Event.Type && e.At.Equal(pe.Event.At) {
				move = &e
			}
		}
		if move == nil {
			continue
		}
		if err := r.propagateMovement(ctx, dep, *move); err != nil {
			return err
		}
	}
	return nil
}

func (r *Rail) propagateMovement(ctx context.Context, dep *rail.Departure, e rail.Event) error {
	onBoard := map[string][]string{} // exporter → parcels on the train
	for _, s := range dep.Holders() {
		id := s.Booking
		b, err := r.bookings.Update(ctx, id, func(b *rail.Booking) error {
			before := len(b.Timeline())
			b.RecordMovement(e, "operator")
			if len(b.Timeline()) == before {
				return errUnchanged
			}
			return nil
		})
		if err == errUnchanged {
			b, err = r.bookings.Get(ctx, id)
		}
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		r.relay.soon(ctx, "booking", id)
		for _, c := range b.Loaded() {
			for _, pid := range c.ParcelIDs {
				if err := r.moveParcel(ctx, pid, e); err != nil {
					return err
				}
			}
			onBoard[b.ExporterID()] = append(onBoard[b.ExporterID()], c.ParcelIDs...)
		}
	}
	if e.Type != rail.EventDeparted {
		return nil
	}
	for _, s := range dep.Waitlist() {
		_, err := r.bookings.Update(ctx, s.Booking, func(b *rail.Booking) error {
			if b.Status() == rail.BookingCancelled {
				return errUnchanged
			}
			return b.Cancel(e.At, "operator", "the train departed without room for this booking")
		})
		switch {
		case err == nil:
			r.relay.soon(ctx, "booking", s.Booking)
		case err != errUnchanged && !isNotFound(err):
			return err
		}
		if err := r.departures.Unwaitlist(ctx, dep.ID(), s); err != nil {
			return err
		}
	}
	exporters := make([]string, 0, len(onBoard))
	for ex := range onBoard {
		exporters = append(exporters, ex)
	}
	slices.Sort(exporters)
	for _, ex := range exporters {
		parcels := onBoard[ex]
		slices.Sort(parcels)
		if err := r.filer.FileDepartureDocuments(ctx, dep, e, ex, slices.Compact(parcels)); err != nil {
			return err
		}
	}
	return nil
}

// moveParcel applies a train movement to a parcel on board: departed and arrived change its
// status, the others go on its timeline.
func (r *Rail) moveParcel(ctx context.Context, id string, e rail.Event) error {
	_, err := r.parcels.Update(ctx, id, func(p *parcel.Parcel) error {
		switch e.Type {
		case rail.EventDeparted:
			if p.Status() == parcel.StatusDeparted || p.Status() == parcel.StatusArrived {
				return errUnchanged
			}
			return p.Depart(e.At, "operator")
		case rail.EventArrived:
			if p.Status() == parcel.StatusArrived {
				return errUnchanged
			}
			if p.Status() == parcel.StatusLoaded { // the departure report was lost: it left anyway
				if err := p.Depart(e.At, "operator"); err != nil {
					return err
				}
			}
			return p.Arrive(e.At, "operator")
		}
		before := len(p.Timeline())
		p.RecordMovement(e.At, "operator", string(e.Type), e.Location)
		if len(p.Timeline()) == before {
			return errUnchanged
		}
		return nil
	})
	switch {
	case err == errUnchanged || isNotFound(err):
		return nil
	case errors.Is(err, domain.ErrIllegalTransition):
		r.log.Warn("parcel did not follow its train", "parcel", id, "event", e.Type, "err", err)
		return nil
	case err != nil:
		return err
	}
	r.relay.soon(ctx, "parcel", id)
	return nil
}

// Transport is where a parcel's train is: the departure, its line, the container and the
// derived delivery.
type Transport struct {
	Departure   *rail.Departure
	ContainerNo string
	Delivery    rail.Delivery
}

// ParcelTransport finds the train of a loaded parcel; nil for a parcel not on a train.
func (r *Rail) ParcelTransport(ctx context.Context, p *parcel.Parcel) (*Transport, error) {
	if p.DepartureID() == "" {
		return nil, nil
	}
	dep, err := r.departures.Get(ctx, p.DepartureID())
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Transport{Departure: dep, ContainerNo: p.ContainerNo(), Delivery: dep.Delivery(r.clock.Now())}, nil
}
