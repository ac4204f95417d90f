package app

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/rail"
)

// MaxParcelsPerContainer bounds the parcels one loading request may name.
const MaxParcelsPerContainer = 5000

// LoadContainer records a container stuffed and sealed for a confirmed booking, with the parcels
// and customs declarations inside. The customs gate: every parcel must be released by customs
// and every declaration (an entry declaration or an inventory list) released or cleared, else
// nothing is loaded and the answer (409 not_released) lists each that is not. The parcels move
// to loaded. Loading the same container with the same facts again changes nothing.
//
// The container is recorded on the booking first: its outbox event loads the parcels even if
// the service stops half-way (followBooking). A parcel another container took meanwhile undoes
// the loading: the container comes off the booking and its parcels are unloaded. A train that
// left meanwhile took the container: its parcels catch up with the train.
func (r *Rail) LoadContainer(ctx context.Context, actor Actor, bookingID string, c rail.LoadedContainer) (*rail.Booking, error) {
	b, err := r.GetBooking(ctx, actor, bookingID)
	if err != nil {
		return nil, err
	}
	if len(c.ParcelIDs) > MaxParcelsPerContainer {
		return nil, domain.InvalidField("parcelIds", "too_many", "a container takes at most "+strconv.Itoa(MaxParcelsPerContainer)+" parcels per request")
	}
	now := r.clock.Now()
	// The container's own facts first (ISO 6346 number, type, seal, boxes left), on a copy.
	probe := rail.BookingFromDatabase(b.Snapshot())
	if err := probe.LoadContainer(c, now, actor.OrgID); err != nil {
		return nil, err
	}
	if len(probe.Loaded()) == len(b.Loaded()) {
		return b, nil // loaded before with the same facts
	}
	c = probe.Loaded()[len(probe.Loaded())-1]
	scheduled, err := r.departureScheduled(ctx, b.DepartureID())
	if err != nil {
		return nil, err
	}
	exit, _ := scheduled.Exit(r.exitCustoms)
	if err := r.customsGate(ctx, b, c, exit); err != nil {
		return nil, err
	}
	b, err = r.bookings.Update(ctx, bookingID, func(b *rail.Booking) error { return b.LoadContainer(c, now, actor.OrgID) })
	if err != nil {
		return nil, err
	}
	claimed, err := r.claimParcels(ctx, b, c, actor.OrgID)
	if err != nil {
		if uerr := r.undoLoading(context.WithoutCancel(ctx), b, c, actor.OrgID); uerr != nil {
			r.log.Error("a failed loading was not undone", "booking", bookingID, "container", c.ContainerNo, "err", uerr)
		}
		return nil, err
	}
	r.relay.soon(ctx, "parcel", claimed...)
	r.relay.soon(ctx, "booking", bookingID)
	// The train may have left while the parcels were being loaded. Its departure was recorded
	// after this container was (the check above came first), so the container went with it:
	// parcels loaded after the news reached them catch up with the train's movements.
	dep, err := r.departures.Get(ctx, b.DepartureID())
	if err != nil {
		return nil, err
	}
	for _, e := range dep.Events() {
		for _, id := range c.ParcelIDs {
			if err := r.moveParcel(ctx, id, e); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

func (r *Rail) departureScheduled(ctx context.Context, id string) (*rail.Departure, error) {
	dep, err := r.departures.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if dep.Status() != rail.DepartureScheduled {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "departure_departed", "the train is %s; nothing more is loaded", dep.Status())
	}
	return dep, nil
}

// claimParcels loads the container's parcels and returns those this call moved (to be relayed);
// a parcel in this very container already is left as it is.
func (r *Rail) claimParcels(ctx context.Context, b *rail.Booking, c rail.LoadedContainer, actor string) ([]string, error) {
	var claimed []string
	for i, id := range c.ParcelIDs {
		_, err := r.parcels.Update(ctx, id, func(p *parcel.Parcel) error {
			if p.ContainerNo() == c.ContainerNo && p.DepartureID() == b.DepartureID() {
				return errUnchanged // in this container already (loaded, or gone with the train)
			}
			return p.Load(c.LoadedAt, actor, c.ContainerNo, b.DepartureID())
		})
		switch {
		case err == errUnchanged:
		case errors.Is(err, domain.ErrIllegalTransition) && r.withdrawnNow(ctx, id):
			return claimed, &domain.Error{Kind: domain.KindConflict, Code: "release_withdrawn", Message: "customs withdrew the release of parcel " + id + " meanwhile; nothing was loaded",
				Fields: []domain.FieldError{{Field: "parcelIds[" + strconv.Itoa(i) + "]", Code: "release_withdrawn", Message: id + ": its inventory list was cancelled"}}}
		case errors.Is(err, domain.ErrIllegalTransition):
			return claimed, &domain.Error{Kind: domain.KindConflict, Code: "parcel_loaded", Message: err.Error(),
				Fields: []domain.FieldError{{Field: "parcelIds[" + strconv.Itoa(i) + "]", Code: "parcel_loaded", Message: id + " was loaded elsewhere meanwhile"}}}
		case err != nil:
			return claimed, err
		default:
			claimed = append(claimed, id)
		}
	}
	return claimed, nil
}

// undoLoading takes a container off its booking and unloads its parcels that are loaded in it
// (whoever loaded them: the request, or the outbox reaction for a slow one). A parcel loaded
// elsewhere, or gone with a train, is left alone.
func (r *Rail) undoLoading(ctx context.Context, b *rail.Booking, c rail.LoadedContainer, actor string) error {
	now := r.clock.Now()
	for _, id := range c.ParcelIDs {
		_, err := r.parcels.Update(ctx, id, func(p *parcel.Parcel) error {
			if p.Status() != parcel.StatusLoaded || p.ContainerNo() != c.ContainerNo || p.DepartureID() != b.DepartureID() {
				return errUnchanged
			}
			return p.Unload(now, actor, "container "+c.ContainerNo+" came off booking "+b.ID())
		})
		switch {
		case err == nil:
			r.relay.soon(ctx, "parcel", id)
		case err != errUnchanged && !isNotFound(err):
			return err
		}
	}
	if _, err := r.bookings.Update(ctx, b.ID(), func(b *rail.Booking) error {
		b.UnloadContainer(c.ContainerNo, now, actor, "loading undone")
		return nil
	}); err != nil {
		return err
	}
	r.relay.soon(ctx, "booking", b.ID())
	return nil
}

// customsGate checks that everything going into container c is the booking exporter's,
// released by customs, and declared as leaving China through the train's exit office; it names
// every item that is not.
func (r *Rail) customsGate(ctx context.Context, b *rail.Booking, c rail.LoadedContainer, exit rail.ExitOffice) error {
	var unknown, withdrawn, notReleased, notArrived, elsewhere domain.Violations
	seen := map[string]bool{}
	for i, id := range c.ParcelIDs {
		field := "parcelIds[" + strconv.Itoa(i) + "]"
		if seen["p"+id] {
			unknown.Add(field, "duplicate", "parcel "+id+" is named twice")
			continue
		}
		seen["p"+id] = true
		p, err := r.parcels.Get(ctx, id)
		switch {
		case isNotFound(err) || err == nil && p.ExporterID() != b.ExporterID():
			unknown.Add(field, "unknown_parcel", "no parcel "+id+" of the booking's exporter")
		case err != nil:
			return err
		case p.Status() == parcel.StatusLoaded && (p.ContainerNo() != c.ContainerNo || p.DepartureID() != b.DepartureID()):
			return &domain.Error{Kind: domain.KindConflict, Code: "parcel_loaded",
				Message: "parcel " + id + " is loaded in container " + p.ContainerNo() + " already",
				Fields:  []domain.FieldError{{Field: field, Code: "parcel_loaded", Message: "in container " + p.ContainerNo()}}}
		case p.Status() == parcel.StatusWithdrawn:
			withdrawn.Add(field, "release_withdrawn", "parcel "+id+": customs withdrew its release, its inventory list was cancelled ("+
				p.CancelReason()+"); it may not be loaded / 清单已撤销，放行已撤回，不得装运")
		case p.Status() != parcel.StatusReleased && p.Status() != parcel.StatusLoaded:
			notReleased.Add(field, "not_released", "parcel "+id+" is "+string(p.Status())+", not released by customs")
		case p.Status() == parcel.StatusReleased && !p.ArrivedAtYard():
			notArrived.Add(field, "not_arrived", "parcel "+id+" is released, but customs has no arrival (运抵, CEB507) of it "+
				"at the supervised site: "+arrivalMissing(p))
		case exit.Customs != "" && p.ExitCustoms() != "" && p.ExitCustoms() != exit.Customs:
			elsewhere.Add(field, "exit_customs_mismatch", "parcel "+id+": its inventory list says it leaves China through customs "+
				p.ExitCustoms()+", this train leaves through "+exit.Customs+" ("+exit.Name+"); cancel the list and declare it "+
				"again with this train's bookingId / 清单申报的出口口岸与本班列出境口岸不符")
		}
	}
	for i, id := range c.DeclarationIDs {
		field := "declarationIds[" + strconv.Itoa(i) + "]"
		if seen["d"+id] {
			unknown.Add(field, "duplicate", "declaration "+id+" is named twice")
			continue
		}
		seen["d"+id] = true
		d, err := r.declarations.Get(ctx, id)
		switch {
		case isNotFound(err) || err == nil && d.ExporterID() != b.ExporterID():
			unknown.Add(field, "unknown_declaration", "no declaration "+id+" of the booking's exporter")
		case err != nil:
			return err
		case d.Kind() != customs.KindEntry && d.Kind() != customs.KindInventory:
			unknown.Add(field, "not_goods_declaration", "a "+string(d.Kind())+" declaration does not clear goods")
		case !d.Released():
			notReleased.Add(field, "not_released", "declaration "+id+" is "+string(d.Status())+", not released by customs")
		}
	}
	if err := unknown.Err(); err != nil {
		return err
	}
	if !withdrawn.Empty() {
		fields := append(append(withdrawn.Fields(), notReleased.Fields()...), notArrived.Fields()...)
		return &domain.Error{Kind: domain.KindConflict, Code: "release_withdrawn",
			Message: strconv.Itoa(len(withdrawn.Fields())) + " of the parcels had their release withdrawn by customs (inventory list cancelled); nothing was loaded",
			Fields:  fields}
	}
	if !notReleased.Empty() {
		fields := append(notReleased.Fields(), notArrived.Fields()...)
		return &domain.Error{Kind: domain.KindConflict, Code: "not_released",
			Message: strconv.Itoa(len(notReleased.Fields())) + " of the goods are not released by customs; nothing was loaded",
			Fields:  fields}
	}
	if !notArrived.Empty() {
		fields := append(notArrived.Fields(), elsewhere.Fields()...)
		return &domain.Error{Kind: domain.KindConflict, Code: "not_arrived",
			Message: strconv.Itoa(len(notArrived.Fields())) + " of the goods have no arrival at the supervised site on file with customs; nothing was loaded",
			Fields:  fields}
	}
	if !elsewhere.Empty() {
		fields := elsewhere.Fields()
		return &domain.Error{Kind: domain.KindConflict, Code: "exit_customs_mismatch",
			Message: strconv.Itoa(len(fields)) + " of the parcels are declared to leave China through another customs office than this train's; nothing was loaded",
			Fields:  fields}
	}
	return nil
}

// arrivalMissing says what a released parcel still lacks before it may be loaded.
func arrivalMissing(p *parcel.Parcel) string {
	if y, ok := p.Yard(); ok {
		return "the yard received it at " + y.ReceivedAt.Format("2006-01-02 15:04") + " UTC; customs has not accepted arrival " + y.DeclarationID + " yet"
	}
	return "the yard has not received it (POST /v1/parcels/arrivals)"
}

// parcelsIn reports whether every parcel of container c is in it (loaded, or gone with it).
func (r *Rail) parcelsIn(ctx context.Context, b *rail.Booking, c rail.LoadedContainer) (bool, error) {
	for _, id := range c.ParcelIDs {
		p, err := r.parcels.Get(ctx, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return false, err
		}
		if p.ContainerNo() != c.ContainerNo || p.DepartureID() != b.DepartureID() {
			return false, nil
		}
	}
	return true, nil
}

// loadParcels makes sure the parcels of a recorded container are loaded (the outbox reaction
// to a container_loaded event; the loading request did it already unless it crashed).
func (r *Rail) loadParcels(ctx context.Context, b *rail.Booking, c rail.LoadedContainer) error {
	for _, id := range c.ParcelIDs {
		_, err := r.parcels.Update(ctx, id, func(p *parcel.Parcel) error {
			return p.Load(c.LoadedAt, b.BookedBy(), c.ContainerNo, b.DepartureID())
		})
		switch {
		case errors.Is(err, domain.ErrIllegalTransition) && r.withdrawnNow(ctx, id):
			// customs withdrew its release after the container was recorded: it comes out again
			if err := r.takeOutParcel(ctx, id, b.DepartureID(), c.ContainerNo, 0); err != nil {
				return err
			}
		case errors.Is(err, domain.ErrIllegalTransition):
			// departed or arrived already, or (a lost race) loaded elsewhere: nothing to do here
			r.log.Debug("parcel not loaded again", "parcel", id, "container", c.ContainerNo, "err", err)
		case isNotFound(err):
		case err != nil:
			return err
		default:
			r.relay.soon(ctx, "parcel", id)
		}
	}
	return nil
}

// followParcel carries a parcel's withdrawal over to the container it was loaded in (the outbox
// reaction to parcel.withdrawn): customs withdrew its release, so it comes out of the container
// its event names. Any other parcel event needs nothing here and costs no read.
func (r *Rail) followParcel(ctx context.Context, id string, events []PendingEvent) error {
	for _, e := range events {
		if e.Event.Type != parcel.EventWithdrawn {
			continue
		}
		containerNo, _ := e.Event.Data["containerNo"].(string)
		departureID, _ := e.Event.Data["departureId"].(string)
		if containerNo == "" || departureID == "" {
			continue // it was in no container
		}
		kg, _ := e.Event.Data["grossWeightKg"].(string)
		mass, _ := code.ParseDecimal(kg)
		if err := r.takeOutParcel(ctx, id, departureID, containerNo, mass.Float64()); err != nil {
			return err
		}
	}
	return nil
}

// takeOutParcel takes parcel id out of containerNo on departureID, whichever booking of the
// train holds that container (each read by _id). Idempotent: a parcel taken out before is not
// found again.
func (r *Rail) takeOutParcel(ctx context.Context, id, departureID, containerNo string, grossKg float64) error {
	dep, err := r.departures.Get(ctx, departureID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	reason := "customs withdrew its release (inventory list cancelled) / 海关撤销放行（清单已撤销）"
	for _, s := range append(dep.Holders(), dep.Waitlist()...) {
		b, err := r.bookings.Get(ctx, s.Booking)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		holds := slices.ContainsFunc(b.Loaded(), func(c rail.LoadedContainer) bool {
			return c.ContainerNo == containerNo && slices.Contains(c.ParcelIDs, id)
		})
		if !holds {
			continue
		}
		_, err = r.bookings.Update(ctx, b.ID(), func(b *rail.Booking) error {
			if !b.TakeOutParcel(containerNo, id, grossKg, r.clock.Now(), "customs", reason) {
				return errUnchanged
			}
			return nil
		})
		switch {
		case err == nil:
			r.relay.soon(ctx, "booking", b.ID())
		case err != errUnchanged && !isNotFound(err):
			return err
		}
	}
	return nil
}

// withdrawnNow reports whether customs has withdrawn the release of parcel id (a read by _id,
// on the rare path of a loading the parcel refused).
func (r *Rail) withdrawnNow(ctx context.Context, id string) bool {
	p, err := r.parcels.Get(ctx, id)
	return err == nil && p.Status() == parcel.StatusWithdrawn
}
