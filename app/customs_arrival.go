package app

import (
	"context"
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
)

// ArrivalResult is what became of one parcel the yard received.
type ArrivalResult struct {
	Index         int
	ParcelID      string
	Status        ItemStatus // created (received now), duplicate (received before), invalid
	Errors        []domain.FieldError
	DeclarationID string // the arrival document that tells customs
}

// ReceiveAtYard records that the zone's yard (the supervised site) received parcels brought by
// vehicle, and files their arrival (运抵单, CEB507) with customs: one document per exporter and
// carrier, in the carrier's name, submitted at once. The operator receives any parcel, a carrier
// the parcels it carries; a parcel received before answers duplicate, one that is not declared
// to customs (or was refused) is invalid. One read and one bulk write of the parcels, one insert
// per arrival document.
func (c *Customs) ReceiveAtYard(ctx context.Context, actor Actor, parcelIDs []string, vehicle string) ([]ArrivalResult, error) {
	if actor.Kind != party.KindOperator && actor.Kind != party.KindCarrier {
		return nil, forbidden("yard_only", "the zone operator or the carrier reports what the yard received")
	}
	if len(parcelIDs) == 0 || len(parcelIDs) > customs.MaxArrivalWaybills {
		return nil, domain.InvalidField("parcelIds", "invalid_batch_size", "name 1 to 1000 parcels")
	}
	vehicle = strings.TrimSpace(vehicle)
	var v domain.Violations
	v.CheckText("domesticTrafNo", vehicle, true, parcel.MaxDomesticTrafNo)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var carrierCode string
	if actor.Kind == party.KindCarrier {
		carrier, err := c.orgs.Get(ctx, actor.OrgID)
		if err != nil {
			return nil, err
		}
		carrierCode = carrier.CustomsCode()
	}
	now := c.clock.Now()
	registry := newPartyRegistry(c.orgs)
	results := make([]ArrivalResult, len(parcelIDs))
	type group struct {
		exporterID, logisticsCode, tradeMode string
		id                                   string
		waybills                             []customs.ArrivalWaybill
	}
	groups := map[string]*group{}
	var order []string
	arrivalOf := map[string]string{} // parcel → its arrival document
	var ids []string
	for i, pid := range parcelIDs {
		r := &results[i]
		r.Index, r.ParcelID = i, pid
		field := "parcelIds[" + strconv.Itoa(i) + "]"
		p, err := c.parcels.Get(ctx, pid)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		if err != nil || carrierCode != "" && p.LogisticsCode() != carrierCode {
			r.Status, r.Errors = ItemInvalid, itemError(field, domain.NotFound("parcel"))
			continue
		}
		if y, ok := p.Yard(); ok {
			r.Status, r.DeclarationID = ItemDuplicate, y.DeclarationID
			continue
		}
		if _, taken := arrivalOf[pid]; taken {
			r.Status = ItemDuplicate
			continue
		}
		// The arrival is filed in the carrier's registered name.
		carrier, err := registry.byCode(ctx, p.LogisticsCode())
		if err != nil {
			return nil, err
		}
		if carrier == nil || carrier.Kind() != party.KindCarrier {
			r.Status, r.Errors = ItemInvalid, itemError(field, domain.InvalidField("logisticsCode", "unregistered_party",
				"logisticsCode "+p.LogisticsCode()+" names no registered carrier; the operator registers it first"))
			continue
		}
		key := p.ExporterID() + "|" + p.LogisticsCode()
		g, ok := groups[key]
		if !ok {
			g = &group{exporterID: p.ExporterID(), logisticsCode: p.LogisticsCode(), tradeMode: p.TradeMode(), id: c.ids.New("arr")}
			groups[key] = g
			order = append(order, key)
		}
		if g.tradeMode != p.TradeMode() {
			g.tradeMode = "" // an arrival document is about waybills, whatever their trade mode
		}
		g.waybills = append(g.waybills, customs.ArrivalWaybill{LogisticsNo: p.LogisticsNo(), ParcelID: pid})
		arrivalOf[pid] = g.id
		r.DeclarationID = g.id
		ids = append(ids, pid)
	}
	// The parcels first: a parcel the yard cannot take (not declared) leaves its document.
	updated, err := c.parcels.UpdateMany(ctx, ids, func(p *parcel.Parcel) error {
		if err := p.ReceiveAtYard(now, actor.OrgID, vehicle); err != nil {
			return err
		}
		p.ArrivalFiled(arrivalOf[p.ID()])
		return nil
	})
	if err != nil {
		return nil, err
	}
	refused := map[string]error{}
	var received []*parcel.Parcel
	for k, u := range updated {
		switch {
		case u.Err == nil:
			received = append(received, u.Value)
		case domain.KindOf(u.Err) == domain.KindInternal:
			return nil, u.Err
		default:
			refused[ids[k]] = u.Err
		}
	}
	for i := range results {
		r := &results[i]
		if r.Status != "" {
			continue
		}
		if err, ok := refused[r.ParcelID]; ok {
			r.Status, r.DeclarationID, r.Errors = ItemInvalid, "", itemError("parcelIds["+strconv.Itoa(i)+"]", err)
			continue
		}
		r.Status = ItemCreated
	}
	var filed []*customs.Declaration
	for _, key := range order {
		g := groups[key]
		var wbs []customs.ArrivalWaybill
		for _, w := range g.waybills {
			if _, bad := refused[w.ParcelID]; !bad {
				wbs = append(wbs, w)
			}
		}
		if len(wbs) == 0 {
			continue
		}
		carrier, err := registry.byCode(ctx, g.logisticsCode)
		if err != nil {
			return nil, err
		}
		a := customs.Arrival{CustomsCode: c.settings.District, OperatorCode: orDefault(c.settings.SiteOperatorCode, carrier.CustomsCode()),
			OperatorName: orDefault(c.settings.SiteOperatorName, carrier.Name()), LoctNo: c.settings.SiteLoctNo,
			DomesticTrafNo: vehicle, LogisticsCode: g.logisticsCode, LogisticsName: carrier.Name(), ReceivedAt: now, Waybills: wbs}
		d, err := customs.NewArrival(g.id, carrier.ID(), g.exporterID, g.tradeMode, a, now, actor.OrgID)
		if err != nil {
			return nil, err
		}
		if err := c.file(d, now); err != nil {
			return nil, err
		}
		if err := c.declarations.Create(ctx, d); err != nil {
			return nil, err
		}
		filed = append(filed, d)
	}
	c.relay.now(ctx, written("parcel", received...)...)
	c.dispatch(ctx, filed)
	return results, nil
}

// followArrival records on its parcels that customs has an arrival document on file.
func (c *Customs) followArrival(ctx context.Context, d *customs.Declaration) error {
	a, ok := d.Arrival()
	if !ok || !d.ArrivalOnFile() {
		return nil
	}
	ids := make([]string, len(a.Waybills))
	for i, w := range a.Waybills {
		ids[i] = w.ParcelID
	}
	now := c.clock.Now()
	updated, err := c.parcels.UpdateMany(ctx, ids, func(p *parcel.Parcel) error {
		p.ArrivalAccepted(now, d.ID())
		if len(p.Outbox()) == 0 {
			return errUnchanged
		}
		return nil
	})
	if err != nil {
		return err
	}
	changed, err := writtenOf(updated, func(err error) bool { return err == errUnchanged || isNotFound(err) })
	if err != nil {
		return err
	}
	c.relay.now(ctx, written("parcel", changed...)...)
	return nil
}
