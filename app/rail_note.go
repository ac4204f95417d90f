package app

import (
	"context"
	"fmt"
	"math"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/rail"
)

// ConsignmentNotePDF prints the booking's CIM/SMGS consignment note.
func (r *Rail) ConsignmentNotePDF(ctx context.Context, actor Actor, bookingID string) ([]byte, error) {
	n, err := r.ConsignmentNote(ctx, actor, bookingID)
	if err != nil {
		return nil, err
	}
	return r.notes.Render(ctx, n)
}

// maxNoteDocuments bounds the attached documents listed one by one on a note; the rest are
// counted.
const maxNoteDocuments = 60

// ConsignmentNote gathers what the booking's consignment note shows: parties, stations, the
// containers loaded with their seals, the goods (from the parcels on board, by HS code, or the
// booking's description before anything is loaded) and the customs documents that go with them.
func (r *Rail) ConsignmentNote(ctx context.Context, actor Actor, bookingID string) (ConsignmentNote, error) {
	b, err := r.GetBooking(ctx, actor, bookingID)
	if err != nil {
		return ConsignmentNote{}, err
	}
	if b.Status() != rail.BookingConfirmed {
		return ConsignmentNote{}, domain.Errorf(domain.KindFailedPrecondition, "booking_not_confirmed",
			"a consignment note is issued for a confirmed booking; this one is %s", b.Status())
	}
	dep, err := r.departures.Get(ctx, b.DepartureID())
	if err != nil {
		return ConsignmentNote{}, err
	}
	line, err := r.lines.Get(ctx, dep.LineCode())
	if err != nil && !isNotFound(err) {
		return ConsignmentNote{}, err
	}
	exporter, err := r.orgs.Get(ctx, b.ExporterID())
	if err != nil {
		return ConsignmentNote{}, err
	}
	now := r.clock.Now()
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
	if err := r.noteCargo(ctx, b, &n); err != nil {
		return ConsignmentNote{}, err
	}
	return n, nil
}

// noteCargo fills the containers, goods, totals and attached documents of a note.
func (r *Rail) noteCargo(ctx context.Context, b *rail.Booking, n *ConsignmentNote) error {
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
	for _, c := range b.Loaded() {
		var grams int64 // the parcels' declared gross mass, counted in grams so that it adds up
		for _, id := range c.ParcelIDs {
			p, err := r.parcels.Get(ctx, id)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			grams += toGrams(p.GrossWeightKg().Float64())
			items := p.Items()
			for i, it := range items {
				k := goodsKey{it.Gcode, it.Gname}
				g := goods[k]
				if g == nil {
					g = &NoteGoods{Description: it.Gname, HSCode: it.Gcode}
					goods[k] = g
					order = append(order, k)
				}
				if i == 0 { // a parcel is one package, counted with its first item
					g.Packages++
					g.GrossKg += float64(toGrams(p.GrossWeightKg().Float64())) / 1000
				}
			}
			if p.DeclarationID() != "" {
				d, err := r.declarations.Get(ctx, p.DeclarationID())
				if err == nil {
					attach(NoteDocument{Kind: "inventory list (CEB603)", ID: d.ID(), Number: d.InvtNo(), Status: string(d.Status())})
				}
			}
		}
		n.Containers = append(n.Containers, NoteContainer{ContainerNo: c.ContainerNo, Type: string(c.Type),
			SealNo: c.SealNo, GrossKg: c.GrossKg, ParcelsKg: float64(grams) / 1000, Parcels: len(c.ParcelIDs)})
		for _, id := range c.DeclarationIDs {
			d, err := r.declarations.Get(ctx, id)
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
		g.GrossKg = float64(toGrams(g.GrossKg)) / 1000
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
	}
	n.DeclaredGrossKg = b.GrossKg()
	if extraDocs > 0 {
		docs = append(docs, NoteDocument{Kind: fmt.Sprintf("and %d more documents", extraDocs), ID: "see booking " + b.ID()})
	}
	n.Declarations = docs
	return nil
}

// toGrams rounds a mass in kilograms to whole grams, the precision the note prints.
func toGrams(kg float64) int64 { return int64(math.Round(kg * 1000)) }
