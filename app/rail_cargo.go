package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
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
func (a *App) LoadContainer(ctx context.Context, actor Actor, bookingID string, c rail.LoadedContainer) (*rail.Booking, error) {
	b, err := a.GetBooking(ctx, actor, bookingID)
	if err != nil {
		return nil, err
	}
	if len(c.ParcelIDs) > MaxParcelsPerContainer {
		return nil, domain.InvalidField("parcelIds", "too_many", "a container takes at most "+strconv.Itoa(MaxParcelsPerContainer)+" parcels per request")
	}
	now := a.Clock.Now()
	// The container's own facts first (ISO 6346 number, type, seal, boxes left), on a copy.
	probe := rail.BookingFromDatabase(b.Snapshot())
	if err := probe.LoadContainer(c, now, actor.OrgID); err != nil {
		return nil, err
	}
	if len(probe.Loaded()) == len(b.Loaded()) {
		return b, nil // loaded before with the same facts
	}
	c = probe.Loaded()[len(probe.Loaded())-1]
	if err := a.departureScheduled(ctx, b.DepartureID()); err != nil {
		return nil, err
	}
	if err := a.customsGate(ctx, b, c); err != nil {
		return nil, err
	}
	b, err = a.Rail.Bookings.Update(ctx, bookingID, func(b *rail.Booking) error { return b.LoadContainer(c, now, actor.OrgID) })
	if err != nil {
		return nil, err
	}
	claimed, err := a.claimParcels(ctx, b, c, actor.OrgID)
	if err != nil {
		if uerr := a.undoLoading(context.WithoutCancel(ctx), b, c, actor.OrgID); uerr != nil {
			a.Log.Error("a failed loading was not undone", "booking", bookingID, "container", c.ContainerNo, "err", uerr)
		}
		return nil, err
	}
	a.relaySoon(ctx, "parcel", claimed...)
	a.relaySoon(ctx, "booking", bookingID)
	// The train may have left while the parcels were being loaded. Its departure was recorded
	// after this container was (the check above came first), so the container went with it:
	// parcels loaded after the news reached them catch up with the train's movements.
	dep, err := a.Rail.Departures.Get(ctx, b.DepartureID())
	if err != nil {
		return nil, err
	}
	for _, e := range dep.Events() {
		for _, id := range c.ParcelIDs {
			if err := a.moveParcel(ctx, id, e); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

func (a *App) departureScheduled(ctx context.Context, id string) error {
	dep, err := a.Rail.Departures.Get(ctx, id)
	if err != nil {
		return err
	}
	if dep.Status() != rail.DepartureScheduled {
		return domain.Errorf(domain.KindFailedPrecondition, "departure_departed", "the train is %s; nothing more is loaded", dep.Status())
	}
	return nil
}

// claimParcels loads the container's parcels and returns those this call moved (to be relayed);
// a parcel in this very container already is left as it is.
func (a *App) claimParcels(ctx context.Context, b *rail.Booking, c rail.LoadedContainer, actor string) ([]string, error) {
	var claimed []string
	for i, id := range c.ParcelIDs {
		_, err := a.Parcels.Update(ctx, id, func(p *parcel.Parcel) error {
			if p.ContainerNo() == c.ContainerNo && p.DepartureID() == b.DepartureID() {
				return errUnchanged // in this container already (loaded, or gone with the train)
			}
			return p.Load(c.LoadedAt, actor, c.ContainerNo, b.DepartureID())
		})
		switch {
		case err == errUnchanged:
		case domain.CodeOf(err) == "illegal_transition":
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
func (a *App) undoLoading(ctx context.Context, b *rail.Booking, c rail.LoadedContainer, actor string) error {
	now := a.Clock.Now()
	for _, id := range c.ParcelIDs {
		_, err := a.Parcels.Update(ctx, id, func(p *parcel.Parcel) error {
			if p.Status() != parcel.StatusLoaded || p.ContainerNo() != c.ContainerNo || p.DepartureID() != b.DepartureID() {
				return errUnchanged
			}
			return p.Unload(now, actor, "container "+c.ContainerNo+" came off booking "+b.ID())
		})
		switch {
		case err == nil:
			a.relaySoon(ctx, "parcel", id)
		case err != errUnchanged && !isNotFound(err):
			return err
		}
	}
	if _, err := a.Rail.Bookings.Update(ctx, b.ID(), func(b *rail.Booking) error {
		b.UnloadContainer(c.ContainerNo, now, actor, "loading undone")
		return nil
	}); err != nil {
		return err
	}
	a.relaySoon(ctx, "booking", b.ID())
	return nil
}

// customsGate checks that everything going into container c is the booking exporter's and
// released by customs; it names every item that is not.
func (a *App) customsGate(ctx context.Context, b *rail.Booking, c rail.LoadedContainer) error {
	var unknown, notReleased domain.Violations
	seen := map[string]bool{}
	for i, id := range c.ParcelIDs {
		field := "parcelIds[" + strconv.Itoa(i) + "]"
		if seen["p"+id] {
			unknown.Add(field, "duplicate", "parcel "+id+" is named twice")
			continue
		}
		seen["p"+id] = true
		p, err := a.Parcels.Get(ctx, id)
		switch {
		case isNotFound(err) || err == nil && p.ExporterID() != b.ExporterID():
			unknown.Add(field, "unknown_parcel", "no parcel "+id+" of the booking's exporter")
		case err != nil:
			return err
		case p.Status() == parcel.StatusLoaded && (p.ContainerNo() != c.ContainerNo || p.DepartureID() != b.DepartureID()):
			return &domain.Error{Kind: domain.KindConflict, Code: "parcel_loaded",
				Message: "parcel " + id + " is loaded in container " + p.ContainerNo() + " already",
				Fields:  []domain.FieldError{{Field: field, Code: "parcel_loaded", Message: "in container " + p.ContainerNo()}}}
		case p.Status() != parcel.StatusReleased && p.Status() != parcel.StatusLoaded:
			notReleased.Add(field, "not_released", "parcel "+id+" is "+string(p.Status())+", not released by customs")
		}
	}
	for i, id := range c.DeclarationIDs {
		field := "declarationIds[" + strconv.Itoa(i) + "]"
		if seen["d"+id] {
			unknown.Add(field, "duplicate", "declaration "+id+" is named twice")
			continue
		}
		seen["d"+id] = true
		d, err := a.Declarations.Get(ctx, id)
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
	if !notReleased.Empty() {
		fields := notReleased.Fields()
		return &domain.Error{Kind: domain.KindConflict, Code: "not_released",
			Message: strconv.Itoa(len(fields)) + " of the goods are not released by customs; nothing was loaded",
			Fields:  fields}
	}
	return nil
}

// parcelsIn reports whether every parcel of container c is in it (loaded, or gone with it).
func (a *App) parcelsIn(ctx context.Context, b *rail.Booking, c rail.LoadedContainer) (bool, error) {
	for _, id := range c.ParcelIDs {
		p, err := a.Parcels.Get(ctx, id)
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
func (a *App) loadParcels(ctx context.Context, b *rail.Booking, c rail.LoadedContainer) error {
	for _, id := range c.ParcelIDs {
		_, err := a.Parcels.Update(ctx, id, func(p *parcel.Parcel) error {
			return p.Load(c.LoadedAt, b.BookedBy(), c.ContainerNo, b.DepartureID())
		})
		switch {
		case domain.CodeOf(err) == "illegal_transition":
			// departed or arrived already, or (a lost race) loaded elsewhere: nothing to do here
			a.Log.Debug("parcel not loaded again", "parcel", id, "container", c.ContainerNo, "err", err)
		case isNotFound(err):
		case err != nil:
			return err
		default:
			a.relaySoon(ctx, "parcel", id)
		}
	}
	return nil
}

// followDeparture carries a departure's reported movements to its bookings and to the parcels in
// their containers (departed, arrived; border crossings and transshipments on the timelines),
// cancels the waiting list when the train leaves without it, and files the CEB509 departure
// documents of the cross-border e-commerce parcels on board. Every step is idempotent, because
// the relay runs it again after a crash.
func (a *App) followDeparture(ctx context.Context, id string, events []PendingEvent) error {
	dep, err := a.Rail.Departures.Get(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, pe := range events {
		if pe.Event.Type == rail.EventDepartureCancelled {
			if err := a.cancelTrain(ctx, dep); err != nil {
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
		if err := a.propagateMovement(ctx, dep, *move); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) propagateMovement(ctx context.Context, dep *rail.Departure, e rail.Event) error {
	onBoard := map[string][]string{} // exporter → parcels on the train
	for _, s := range dep.Holders() {
		id := s.Booking
		b, err := a.Rail.Bookings.Update(ctx, id, func(b *rail.Booking) error {
			before := len(b.Timeline())
			b.RecordMovement(e, "operator")
			if len(b.Timeline()) == before {
				return errUnchanged
			}
			return nil
		})
		if err == errUnchanged {
			b, err = a.Rail.Bookings.Get(ctx, id)
		}
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		a.relaySoon(ctx, "booking", id)
		for _, c := range b.Loaded() {
			for _, pid := range c.ParcelIDs {
				if err := a.moveParcel(ctx, pid, e); err != nil {
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
		_, err := a.Rail.Bookings.Update(ctx, s.Booking, func(b *rail.Booking) error {
			if b.Status() == rail.BookingCancelled {
				return errUnchanged
			}
			return b.Cancel(e.At, "operator", "the train departed without room for this booking")
		})
		switch {
		case err == nil:
			a.relaySoon(ctx, "booking", s.Booking)
		case err != errUnchanged && !isNotFound(err):
			return err
		}
		if err := a.Rail.Departures.Unwaitlist(ctx, dep.ID(), s); err != nil {
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
		if err := a.fileDepartureDocument(ctx, dep, e, ex, slices.Compact(parcels)); err != nil {
			return err
		}
	}
	return nil
}

// cancelTrain withdraws every booking of a cancelled departure: containers already loaded come
// off (their parcels are released again, ready for another train), confirmed and waiting
// bookings are cancelled with the train's reason and their places given back. Idempotent.
func (a *App) cancelTrain(ctx context.Context, dep *rail.Departure) error {
	reason := "the train was cancelled"
	if r := dep.CancelReason(); r != "" {
		reason += ": " + r
	}
	now := a.Clock.Now()
	for _, s := range append(dep.Holders(), dep.Waitlist()...) {
		b, err := a.Rail.Bookings.Get(ctx, s.Booking)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err == nil {
			for _, c := range b.Loaded() {
				if err := a.undoLoading(ctx, b, c, "operator"); err != nil {
					return err
				}
			}
			_, err = a.Rail.Bookings.Update(ctx, s.Booking, func(b *rail.Booking) error {
				if b.Status() == rail.BookingCancelled {
					return errUnchanged
				}
				return b.Cancel(now, "operator", reason) // a request still deciding finds it cancelled
			})
			if err == nil {
				a.relaySoon(ctx, "booking", s.Booking)
			} else if err != errUnchanged {
				return err
			}
		}
		if err := a.Rail.Departures.Release(ctx, dep.ID(), s); err != nil {
			return err
		}
		if err := a.Rail.Departures.Unwaitlist(ctx, dep.ID(), s); err != nil {
			return err
		}
	}
	return nil
}

// CancelDeparture calls a scheduled train off (operator): its bookings are cancelled and their
// containers unloaded through the departure's outbox (cancelTrain). A train that left cannot be
// cancelled (departure_departed); cancelling twice is harmless.
func (a *App) CancelDeparture(ctx context.Context, actor Actor, id, reason string) (*rail.Departure, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	if _, err := checkReason(reason); err != nil {
		return nil, err
	}
	d, err := a.Rail.Departures.Update(ctx, id, func(d *rail.Departure) error {
		if d.Status() == rail.DepartureCancelled {
			return errUnchanged
		}
		return d.Cancel(a.Clock.Now(), actor.OrgID, reason)
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

// checkReason requires a reason of at most 500 characters.
func checkReason(reason string) (string, error) {
	var v domain.Violations
	v.CheckText("reason", strings.TrimSpace(reason), true, 500)
	return strings.TrimSpace(reason), v.Err()
}

// moveParcel applies a train movement to a parcel on board: departed and arrived change its
// status, the others go on its timeline.
func (a *App) moveParcel(ctx context.Context, id string, e rail.Event) error {
	_, err := a.Parcels.Update(ctx, id, func(p *parcel.Parcel) error {
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
	case domain.CodeOf(err) == "illegal_transition":
		a.Log.Warn("parcel did not follow its train", "parcel", id, "event", e.Type, "err", err)
		return nil
	case err != nil:
		return err
	}
	a.relaySoon(ctx, "parcel", id)
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
func (a *App) ParcelTransport(ctx context.Context, p *parcel.Parcel) (*Transport, error) {
	if p.DepartureID() == "" {
		return nil, nil
	}
	dep, err := a.Rail.Departures.Get(ctx, p.DepartureID())
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Transport{Departure: dep, ContainerNo: p.ContainerNo(), Delivery: dep.Delivery(a.Clock.Now())}, nil
}

// ConsignmentNotePDF prints the booking's CIM/SMGS consignment note.
func (a *App) ConsignmentNotePDF(ctx context.Context, actor Actor, bookingID string) ([]byte, error) {
	n, err := a.ConsignmentNote(ctx, actor, bookingID)
	if err != nil {
		return nil, err
	}
	return a.Notes.Render(ctx, n)
}

// maxNoteDocuments bounds the attached documents listed one by one on a note; the rest are
// counted.
const maxNoteDocuments = 60

// ConsignmentNote gathers what the booking's consignment note shows: parties, stations, the
// containers loaded with their seals, the goods (from the parcels on board, by HS code, or the
// booking's description before anything is loaded) and the customs documents that go with them.
func (a *App) ConsignmentNote(ctx context.Context, actor Actor, bookingID string) (ConsignmentNote, error) {
	b, err := a.GetBooking(ctx, actor, bookingID)
	if err != nil {
		return ConsignmentNote{}, err
	}
	if b.Status() != rail.BookingConfirmed {
		return ConsignmentNote{}, domain.Errorf(domain.KindFailedPrecondition, "booking_not_confirmed",
			"a consignment note is issued for a confirmed booking; this one is %s", b.Status())
	}
	dep, err := a.Rail.Departures.Get(ctx, b.DepartureID())
	if err != nil {
		return ConsignmentNote{}, err
	}
	line, err := a.Rail.Lines.Get(ctx, dep.LineCode())
	if err != nil && !isNotFound(err) {
		return ConsignmentNote{}, err
	}
	exporter, err := a.Orgs.Get(ctx, b.ExporterID())
	if err != nil {
		return ConsignmentNote{}, err
	}
	now := a.Clock.Now()
	n := ConsignmentNote{
		Number: "SG" + dep.DepartsAt().In(rail.ChinaTime).Format("060102") + "-" + b.ID()[len(b.ID())-10:], IssuedAt: now,
		BookingID: b.ID(), DepartureID: dep.ID(), LineCode: dep.LineCode(), LineName: dep.LineName(),
		LineNameEn: line.NameEn, Mode: string(line.Mode), DepartsAt: dep.DepartsAt(), ETA: dep.Delivery(now).ETA,
		Consignor: NoteParty{Name: exporter.Name(), NameEn: exporter.NameEn(), Code: exporter.USCC(), Country: "CN"},
		Charges:   "Carriage paid by the consignor to the destination station (freight prepaid), per booking " + b.ID(),
	}
	if c := b.Consignee(); c != nil {
		n.Consignee = NoteParty{Name: c.Name, NameEn: c.Name, Address: c.Address, Country: c.Country}
	} else {
		n.Consignee = NoteParty{Name: "To order of the consignor", NameEn: "To order of the consignor",
			Address: "cross-border e-commerce parcels: each parcel's consignee is on its inventory list"}
	}
	it := dep.Itinerary()
	for i, s := range it {
		st := NoteStation{Code: s.Location, Name: s.Name, NameEn: s.NameEn}
		n.Itinerary = append(n.Itinerary, st)
		switch {
		case i == 0:
			n.From = st
		case i == len(it)-1:
			n.To = st
		case s.Event == rail.EventBorderCrossed && n.Border == nil:
			n.Border = &st
		case s.Event == rail.EventTransshipped && n.Transship == nil:
			n.Transship = &st
		}
	}
	if err := a.noteCargo(ctx, b, &n); err != nil {
		return ConsignmentNote{}, err
	}
	return n, nil
}

// noteCargo fills the containers, goods, totals and attached documents of a note.
func (a *App) noteCargo(ctx context.Context, b *rail.Booking, n *ConsignmentNote) error {
	type goodsKey struct{ hs, name string }
	goods := map[goodsKey]*NoteGoods{}
	var order []goodsKey
	var docs []NoteDocument
	extraDocs := 0
	attach := func(d NoteDocument) {
		if len(docs) < maxNoteDocuments {
			docs = append(docs, d)
		} else {
			extraDocs++
		}
	}
	var parcelsKg float64
	for _, c := range b.Loaded() {
		n.Containers = append(n.Containers, NoteContainer{ContainerNo: c.ContainerNo, Type: string(c.Type),
			SealNo: c.SealNo, GrossKg: c.GrossKg, Parcels: len(c.ParcelIDs)})
		for _, id := range c.ParcelIDs {
			p, err := a.Parcels.Get(ctx, id)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			n.Packages++
			parcelsKg += p.GrossWeightKg().Float64()
			items := p.Items()
			for i, it := range items {
				k := goodsKey{it.Gcode, it.Gname}
				g := goods[k]
				if g == nil {
					g = &NoteGoods{Description: it.Gname, HSCode: it.Gcode}
					goods[k] = g
					order = append(order, k)
				}
				if i == 0 {
					g.Packages++
					g.GrossKg += p.GrossWeightKg().Float64()
				}
			}
			if p.DeclarationID() != "" {
				d, err := a.Declarations.Get(ctx, p.DeclarationID())
				if err == nil {
					attach(NoteDocument{Kind: "inventory list (CEB603)", ID: d.ID(), Number: d.InvtNo(), Status: string(d.Status())})
				}
			}
		}
		for _, id := range c.DeclarationIDs {
			d, err := a.Declarations.Get(ctx, id)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			kind, number := "customs declaration ("+d.TradeMode()+")", d.EntryID()
			if d.Kind() == customs.KindInventory {
				kind, number = "inventory list (CEB603)", d.InvtNo()
			}
			attach(NoteDocument{Kind: kind, ID: d.ID(), Number: number, Status: string(d.Status())})
		}
	}
	for _, k := range order {
		g := *goods[k]
		g.GrossKg = float64(int64(g.GrossKg*1000+0.5)) / 1000
		n.Goods = append(n.Goods, g)
	}
	if len(n.Goods) == 0 { // nothing itemised on board: the booking's own description
		hs := ""
		if codes := b.HSCodes(); len(codes) > 0 {
			hs = codes[0]
			for _, c := range codes[1:] {
				hs += ", " + c
			}
		}
		boxes := 0
		for _, c := range b.Containers() {
			boxes += c.Count
		}
		n.Goods = []NoteGoods{{Description: b.CargoDescription(), HSCode: hs, Packages: boxes, GrossKg: float64(b.GrossKg())}}
		n.Packages = boxes
	}
	n.GrossKg = b.GrossKg()
	if kg := int64(parcelsKg + 0.5); kg > 0 && len(b.Loaded()) > 0 {
		var boxes int64
		for _, c := range b.Loaded() {
			boxes += c.GrossKg
		}
		n.GrossKg = max(kg, boxes)
	}
	if extraDocs > 0 {
		docs = append(docs, NoteDocument{Kind: fmt.Sprintf("and %d more documents", extraDocs), ID: "see booking " + b.ID()})
	}
	n.Declarations = docs
	return nil
}

// fileDepartureDocument files (once) the CEB509 departure documents of one exporter's parcels
// on a train that left — one per trade mode — through the Single Window like every other
// declaration: the zone operator files them, the exporter sees them among its declarations.
// The declaration id is derived from the departure, exporter and mode, so a repeat finds it.
func (a *App) fileDepartureDocument(ctx context.Context, dep *rail.Departure, e rail.Event, exporterID string, parcelIDs []string) error {
	byMode := map[string][]customs.DepartureWaybill{}
	for _, id := range parcelIDs {
		p, err := a.Parcels.Get(ctx, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		w := customs.DepartureWaybill{LogisticsCode: p.LogisticsCode(), LogisticsName: p.LogisticsCode(),
			LogisticsNo: p.LogisticsNo(), ParcelID: p.ID(), InventoryID: p.DeclarationID()}
		if p.DeclarationID() != "" {
			if list, err := a.Declarations.Get(ctx, p.DeclarationID()); err == nil {
				if inv, ok := list.Inventory(); ok && inv.Parties.LogisticsName != "" {
					w.LogisticsName = inv.Parties.LogisticsName
				}
			}
		}
		byMode[p.TradeMode()] = append(byMode[p.TradeMode()], w)
	}
	modes := make([]string, 0, len(byMode))
	for m := range byMode {
		modes = append(modes, m)
	}
	slices.Sort(modes)
	// One name per carrier, as customs expects: the first its inventory lists gave.
	names := map[string]string{}
	for _, m := range modes {
		for _, w := range byMode[m] {
			if _, ok := names[w.LogisticsCode]; !ok || names[w.LogisticsCode] == w.LogisticsCode {
				names[w.LogisticsCode] = w.LogisticsName
			}
		}
	}
	for _, ws := range byMode {
		for i := range ws {
			ws[i].LogisticsName = names[ws[i].LogisticsCode]
		}
	}
	for _, mode := range modes {
		id := "dep509_" + dep.ID() + "_" + exporterID + "_" + mode
		if _, err := a.Declarations.Get(ctx, id); err == nil {
			continue // filed before
		} else if !isNotFound(err) {
			return err
		}
		d, err := customs.NewDeparture(id, customs.DepartureInput{
			FilerID: OperatorOrgID, ExporterID: exporterID, TradeMode: mode,
			Departure: customs.Departure{
				DepartureID: dep.ID(), CustomsCode: a.Customs.PortCode, TrafMode: "3",
				TrafName: trafName(dep), VoyageNo: voyageNo(dep), LeaveTime: e.At,
				Waybills: byMode[mode],
			},
		}, a.Clock.Now(), "operator")
		if domain.KindOf(err) == domain.KindInvalid {
			// Data customs would refuse: retrying cannot mend it, and the train's other news must
			// not wait for it.
			a.Log.Error("departure document not filed", "departure", dep.ID(), "exporter", exporterID, "tradeMode", mode, "err", err)
			continue
		}
		if err != nil {
			return err
		}
		if err := a.submitNew(ctx, d); err != nil {
			return err
		}
		a.relaySoon(ctx, "declaration", id)
	}
	return nil
}

// trafName names the train for customs: the line's code and name, within the schema's length.
func trafName(dep *rail.Departure) string {
	name := []rune(dep.LineCode() + " " + dep.LineName())
	return string(name[:min(len(name), customs.MaxDepartureTrafName)])
}

// voyageNo is the train's number for customs: the line and the departure day.
func voyageNo(dep *rail.Departure) string {
	return dep.LineCode() + dep.DepartsAt().In(rail.ChinaTime).Format("20060102")
}

// submitNew gives a declaration the service files itself its filing (guid, copNo, message) and
// stores it submitted; the relay sends it. A declaration stored meanwhile under the same id is
// left as it is.
func (a *App) submitNew(ctx context.Context, d *customs.Declaration) error {
	if err := a.file(d, a.Clock.Now()); err != nil {
		return err
	}
	if err := a.Declarations.Create(ctx, d); err != nil && domain.KindOf(err) != domain.KindConflict {
		return err
	}
	return nil
}
