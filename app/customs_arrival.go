package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
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
// to customs (or was refused) is invalid. The arrival documents are stored before the parcels
// name them, under ids derived from what they cover: a request repeated after a crash finds the
// documents it stored and completes the parcels, and a parcel never names a document that does
// not exist. One read per parcel, one insert per document, one bulk write of the parcels.
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
	var mine func(code string) bool // a carrier's own parcels
	if actor.Kind == party.KindCarrier {
		carrier, err := c.orgs.Get(ctx, actor.OrgID)
		if err != nil {
			return nil, err
		}
		mine = func(code string) bool { return code == carrier.CustomsCode() || code == carrier.USCC() }
	}
	now := c.clock.Now()
	registry := newPartyRegistry(c.orgs)
	results := make([]ArrivalResult, len(parcelIDs))
	type group struct {
		exporterID, tradeMode string
		carrier               *party.Org
		logisticsCode         string
		waybills              []customs.ArrivalWaybill
	}
	groups := map[string]*group{}
	var order []string
	arrivalOf := map[string]string{} // parcel → its arrival document
	for i, pid := range parcelIDs {
		r := &results[i]
		r.Index, r.ParcelID = i, pid
		field := "parcelIds[" + strconv.Itoa(i) + "]"
		p, err := c.parcels.Get(ctx, pid)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		if err != nil || mine != nil && !mine(p.LogisticsCode()) {
			r.Status, r.Errors = ItemInvalid, itemError(field, domain.NotFound("parcel"))
			continue
		}
		if _, named := arrivalOf[pid]; named {
			r.Status = ItemDuplicate
			continue
		}
		if err := p.Receivable(); err != nil {
			if errors.Is(err, parcel.ErrAlreadyReceived) {
				y, _ := p.Yard()
				r.Status, r.DeclarationID = ItemDuplicate, y.DeclarationID
				continue
			}
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
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
			g = &group{exporterID: p.ExporterID(), tradeMode: p.TradeMode(), carrier: carrier, logisticsCode: p.LogisticsCode()}
			groups[key] = g
			order = append(order, key)
		}
		if g.tradeMode != p.TradeMode() {
			g.tradeMode = "" // an arrival document is about waybills, whatever their trade mode
		}
		g.waybills = append(g.waybills, customs.ArrivalWaybill{LogisticsNo: p.LogisticsNo(), ParcelID: pid})
		arrivalOf[pid] = key
	}

	// The documents first, each under an id derived from what it covers.
	ids := map[string]string{}
	var filed []*customs.Declaration
	for _, key := range order {
		g := groups[key]
		id := arrivalID(g.exporterID, g.logisticsCode, vehicle, g.waybills)
		ids[key] = id
		a := customs.Arrival{CustomsCode: c.settings.District, OperatorCode: orDefault(c.settings.SiteOperatorCode, g.carrier.CustomsCode()),
			OperatorName: orDefault(c.settings.SiteOperatorName, g.carrier.Name()), LoctNo: c.settings.SiteLoctNo,
			DomesticTrafNo: vehicle, LogisticsCode: g.logisticsCode, LogisticsName: g.carrier.Name(), ReceivedAt: now, Waybills: g.waybills}
		d, err := customs.NewArrival(id, g.carrier.ID(), g.exporterID, g.tradeMode, a, now, actor.OrgID)
		if err != nil {
			return nil, err
		}
		if err := c.file(d, now); err != nil {
			return nil, err
		}
		switch err := c.declarations.Create(ctx, d); {
		case errors.Is(err, domain.ErrDeclarationExists): // the same request before a crash: filed then
		case err != nil:
			return nil, err
		default:
			filed = append(filed, d)
		}
	}
	// Then the parcels, each naming its document.
	var pids []string
	for pid := range arrivalOf {
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	updated, err := c.parcels.UpdateMany(ctx, pids, func(p *parcel.Parcel) error {
		if err := p.ReceiveAtYard(now, actor.OrgID, vehicle); err != nil {
			return err
		}
		p.ArrivalFiled(ids[arrivalOf[p.ID()]])
		return nil
	})
	if err != nil {
		return nil, err
	}
	outcome := map[string]error{}
	var received []*parcel.Parcel
	for k, u := range updated {
		switch {
		case u.Err == nil:
			received = append(received, u.Value)
		case domain.KindOf(u.Err) == domain.KindInternal:
			return nil, u.Err
		}
		outcome[pids[k]] = u.Err
	}
	for i := range results {
		r := &results[i]
		key, ok := arrivalOf[r.ParcelID]
		if r.Status != "" || !ok {
			continue
		}
		switch err := outcome[r.ParcelID]; {
		case err == nil:
			r.Status, r.DeclarationID = ItemCreated, ids[key]
		case errors.Is(err, parcel.ErrAlreadyReceived): // received meanwhile, by another request
			r.Status = ItemDuplicate
		default:
			r.Status, r.Errors = ItemInvalid, itemError("parcelIds["+strconv.Itoa(i)+"]", err)
		}
	}
	c.relay.now(ctx, written("parcel", received...)...)
	c.dispatch(ctx, filed)
	return results, nil
}

// arrivalID derives an arrival document's id from what it covers, so that the same report
// repeated finds the document it filed.
func arrivalID(exporterID, logisticsCode, vehicle string, waybills []customs.ArrivalWaybill) string {
	h := sha256.New()
	for _, part := range []string{exporterID, logisticsCode, vehicle} {
		h.Write([]byte(part + "\x00"))
	}
	for _, w := range waybills {
		h.Write([]byte(w.ParcelID + "\x00"))
	}
	return "arr_" + hex.EncodeToString(h.Sum(nil)[:12])
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
