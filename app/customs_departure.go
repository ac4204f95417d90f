package app

import (
	"context"
	"slices"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/rail"
)

// FileDepartureDocuments files (once) the CEB509 departure documents of one exporter's parcels
// on a train that left — one per trade mode — through the Single Window like every other
// declaration: the zone operator files them, the exporter sees them among its declarations.
// The declaration id is derived from the departure, exporter and mode, so a repeat finds it.
func (c *Customs) FileDepartureDocuments(ctx context.Context, dep *rail.Departure, e rail.Event, exporterID string, parcelIDs []string) error {
	byMode := map[string][]customs.DepartureWaybill{}
	registry := newPartyRegistry(c.orgs)
	for _, id := range parcelIDs {
		p, err := c.parcels.Get(ctx, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		w := customs.DepartureWaybill{LogisticsCode: p.LogisticsCode(), LogisticsNo: p.LogisticsNo(),
			ParcelID: p.ID(), InventoryID: p.DeclarationID()}
		// The carrier's registered name; else the one its list was filed with. A code is never
		// a name: a waybill of a carrier nobody can name stays a code only for a list filed
		// before carriers were registered, and is logged.
		carrier, err := registry.byCode(ctx, p.LogisticsCode())
		if err != nil {
			return err
		}
		if carrier != nil {
			w.LogisticsName = carrier.Name()
		} else if p.DeclarationID() != "" {
			if list, err := c.declarations.Get(ctx, p.DeclarationID()); err == nil {
				if inv, ok := list.Inventory(); ok {
					w.LogisticsName = inv.Parties.LogisticsName
				}
			}
		}
		if w.LogisticsName == "" {
			c.log.Warn("carrier not registered: its code stands for its name on the departure document",
				"logisticsCode", p.LogisticsCode(), "parcel", p.ID())
			w.LogisticsName = p.LogisticsCode()
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
	// The departure document goes to the office where the train leaves China, as its lists say.
	exitCustoms, trafMode := c.settings.PortCode, rail.TrafModeRailway
	if office, ok := dep.Exit(c.settings.ExitCustoms); ok {
		exitCustoms, trafMode = office.Customs, office.TrafMode
	}
	for _, mode := range modes {
		id := "dep509_" + dep.ID() + "_" + exporterID + "_" + mode
		if _, err := c.declarations.Get(ctx, id); err == nil {
			continue // filed before
		} else if !isNotFound(err) {
			return err
		}
		d, err := customs.NewDeparture(id, customs.DepartureInput{
			FilerID: OperatorOrgID, ExporterID: exporterID, TradeMode: mode,
			Departure: customs.Departure{
				DepartureID: dep.ID(), CustomsCode: exitCustoms, TrafMode: trafMode,
				TrafName: trafName(dep), VoyageNo: voyageNo(dep), LeaveTime: e.At,
				Waybills: byMode[mode],
			},
		}, c.clock.Now(), "operator")
		if domain.KindOf(err) == domain.KindInvalid {
			// Data customs would refuse: retrying cannot mend it, and the train's other news must
			// not wait for it.
			c.log.Error("departure document not filed", "departure", dep.ID(), "exporter", exporterID, "tradeMode", mode, "err", err)
			continue
		}
		if err != nil {
			return err
		}
		if err := c.submitNew(ctx, d); err != nil {
			return err
		}
		c.relay.soon(ctx, "declaration", id)
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
func (c *Customs) submitNew(ctx context.Context, d *customs.Declaration) error {
	if err := c.file(d, c.clock.Now()); err != nil {
		return err
	}
	if err := c.declarations.Create(ctx, d); err != nil && domain.KindOf(err) != domain.KindConflict {
		return err
	}
	return nil
}
