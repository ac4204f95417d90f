package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
)

// inventoryID is the id of a parcel's inventory list for its n-th filing: derived, so that
// asking twice for the same parcel's list finds the first one instead of making a second.
func inventoryID(parcelID string, attempt int) string {
	return "inv_" + strings.TrimPrefix(parcelID, "pcl_") + "_" + strconv.Itoa(attempt)
}

// attemptOf counts a parcel's filings: one more than the rejections in its timeline.
func attemptOf(p *parcel.Parcel) int {
	n := 1
	for _, e := range p.Timeline() {
		if e.Status == parcel.StatusRejected && e.Type == parcel.EventRejected {
			n++
		}
	}
	return n
}

// CreateInventoryDeclarations drafts one inventory list (CEB603) per parcel. Each parcel must
// be one the caller may see and file for (its exporter, or a broker authorised for the trade
// mode), and registered or rejected. Asking again for a parcel whose list exists answers that
// list (duplicate). When every item fails for want of an authorisation the request as a whole
// is Forbidden.
//
// bookingID, when set, names the train booking the parcels travel on (every parcel the
// booking's exporter's): the lists then name that train's exit office as portCode, its transport
// mode across the exit, its name and number, and the country where it is unloaded. Without one
// a list names the configured exit office (CustomsSettings.PortCode).
func (c *Customs) CreateInventoryDeclarations(ctx context.Context, actor Actor, parcelIDs []string, bookingID string) ([]DeclarationResult, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	if len(parcelIDs) == 0 || len(parcelIDs) > MaxBatch {
		return nil, domain.InvalidField("parcelIds", "invalid_batch_size", "name 1 to 1000 parcels")
	}
	filer, err := c.orgs.Get(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	now := c.clock.Now()
	results := make([]DeclarationResult, len(parcelIDs))
	exporters := map[string]*party.Org{}
	registry := newPartyRegistry(c.orgs)
	var drafts []*customs.Declaration
	var draftIndex []int
	seen := map[string]int{}
	denied := 0
	rights := c.tenancy.rightsOf(ctx, actor)
	if rights.err != nil {
		return nil, rights.err
	}
	exit, err := c.exitFor(ctx, rights, bookingID)
	if err != nil {
		return nil, err
	}
	for i, pid := range parcelIDs {
		r := &results[i]
		r.Index, r.Ref = i, pid
		field := "parcelIds[" + strconv.Itoa(i) + "]"
		p, err := parcelIn(ctx, c.parcels, rights.visible, pid)
		if isNotFound(err) && actor.Kind == party.KindBroker {
			// A broker names parcels of exporters it works for; one it may not see yet lacks the
			// exporter's authorisation, and saying so is what helps it.
			if other, gerr := c.parcels.Get(ctx, pid); gerr == nil {
				noteOnBehalfOf(ctx, actor, other.ExporterID()) // the exporter sees the attempt
				err = domain.Errorf(domain.KindForbidden, "authorization_required",
					"filing for this parcel's exporter needs its active authorisation")
				denied++
			}
		}
		if err != nil {
			if domain.KindOf(err) == domain.KindInternal {
				return nil, err
			}
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
			continue
		}
		if err := rights.check(ctx, p.ExporterID(), p.TradeMode()); err != nil {
			if domain.KindOf(err) == domain.KindInternal {
				return nil, err
			}
			denied++
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
			continue
		}
		id := inventoryID(p.ID(), attemptOf(p))
		if first, dup := seen[id]; dup {
			r.Status, r.ID = ItemDuplicate, results[first].ID
			continue
		}
		if !p.Editable() {
			// Declared already (or cancelled): answer with the list that declared it, if any.
			if p.DeclarationID() != "" {
				r.Status, r.ID = ItemDuplicate, p.DeclarationID()
				continue
			}
			r.Status, r.Errors = ItemInvalid, []domain.FieldError{{Field: field, Code: "parcel_not_declarable",
				Message: "only a registered or rejected parcel can be declared; this one is " + string(p.Status())}}
			continue
		}
		if exit.exporterID != "" && p.ExporterID() != exit.exporterID {
			r.Status, r.Errors = ItemInvalid, []domain.FieldError{{Field: field, Code: "booking_mismatch",
				Message: "the parcel's exporter is not the booking's: a list names a train its exporter booked / 包裹与订舱不属于同一出口企业"}}
			continue
		}
		exporter, ok := exporters[p.ExporterID()]
		if !ok {
			if exporter, err = c.orgs.Get(ctx, p.ExporterID()); err != nil {
				return nil, err
			}
			exporters[p.ExporterID()] = exporter
		}
		parties, err := registry.parcelParties(ctx, exporter, filer, p.Fields())
		if err == nil && p.TradeMode() == parcel.TradeMode1210 {
			// The bonded-zone warehouse firm is the registered account's (customs_bonded.go).
			parties.IacCode, parties.IacName, err = c.bondedParties(ctx, p.ExporterID(), p.Fields())
		}
		if err != nil {
			if domain.KindOf(err) == domain.KindInternal {
				return nil, err
			}
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
			continue
		}
		d, err := customs.NewInventory(id, customs.InventoryInput{
			FilerID: actor.OrgID, ExporterID: p.ExporterID(), ParcelID: p.ID(), Parcel: p.Fields(),
			Parties: parties, CustomsCode: c.settings.District, PortCode: exit.portCode, TrafMode: exit.trafMode,
			Transport: exit.transport,
		}, now, actor.OrgID)
		if err != nil {
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
			continue
		}
		seen[id] = i
		r.ID = id
		drafts = append(drafts, d)
		draftIndex = append(draftIndex, i)
	}
	if denied == len(parcelIDs) {
		return nil, domain.Errorf(domain.KindForbidden, "authorization_required",
			"filing for these exporters needs an active authorisation covering the trade mode")
	}
	created, err := c.storeDrafts(ctx, drafts, results, draftIndex)
	if err != nil {
		return nil, err
	}
	c.releaseEarlierHolds(ctx, created)
	c.relay.now(ctx, written("declaration", created...)...)
	return results, nil
}

// releaseEarlierHolds gives back the stock earlier lists of a 1210 parcel declared again still
// hold: a list that ended in an error or a failed send leaves its parcel declarable (rejected)
// with its reservation in place, and the new list reserves again. One read per earlier list,
// only for 1210 parcels declared more than once.
func (c *Customs) releaseEarlierHolds(ctx context.Context, created []*customs.Declaration) {
	if c.bonded == nil {
		return
	}
	for _, d := range created {
		inv, ok := bondedList(d)
		if !ok {
			continue
		}
		for n := 1; n < 1000; n++ {
			id := inventoryID(inv.ParcelID, n)
			if id == d.ID() {
				break
			}
			earlier, err := c.declarations.Get(ctx, id)
			if err != nil {
				if !isNotFound(err) {
					c.log.Warn("earlier list not read: its bonded reservation stays", "declaration", id, "err", err)
				}
				continue
			}
			if !earlier.Released() {
				c.unreserveStock(ctx, earlier, nil)
			}
		}
	}
}

// storeDrafts inserts new declarations in one bulk write and marks their results (results[
// index[k]] for drafts[k]) created, or duplicate where the derived id exists already; it returns
// those created.
func (c *Customs) storeDrafts(ctx context.Context, drafts []*customs.Declaration, results []DeclarationResult, index []int) ([]*customs.Declaration, error) {
	existing, err := c.declarations.CreateMany(ctx, drafts)
	if err != nil {
		return nil, err
	}
	var created []*customs.Declaration
	for k, d := range drafts {
		r := &results[index[k]]
		if existing[k] {
			r.Status = ItemDuplicate
			continue
		}
		r.Status, r.Declaration = ItemCreated, d
		created = append(created, d)
	}
	return created, nil
}

// CreateEntryDeclaration drafts a full customs declaration (报关单) for 9710 / 9810 / 0110 goods.
func (c *Customs) CreateEntryDeclaration(ctx context.Context, actor Actor, exporterID string, draft customs.EntryDraft) (*customs.Declaration, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	if exporterID == "" {
		exporterID = actor.OrgID
	}
	if ok, err := c.tenancy.MaySeeOrg(ctx, actor, exporterID); err != nil {
		return nil, err
	} else if !ok {
		return nil, domain.InvalidField("exporterId", "unknown_exporter", "exporterId names no exporter you work with")
	}
	exporter, err := c.orgs.Get(ctx, exporterID)
	if err != nil || exporter.Kind() != party.KindExporter {
		return nil, domain.InvalidField("exporterId", "unknown_exporter", "exporterId names no registered exporter")
	}
	if slices.Contains(customs.EntryTradeModes, draft.TradeMode) {
		if err := c.tenancy.requireFilingRight(ctx, actor, exporterID, draft.TradeMode); err != nil {
			return nil, err
		}
	}
	d, err := customs.NewEntry(c.ids.New("ent"), actor.OrgID, exporterID, draft, c.clock.Now(), actor.OrgID)
	if err != nil {
		return nil, err
	}
	if err := c.declarations.Create(ctx, d); err != nil {
		return nil, err
	}
	c.relay.now(ctx, written("declaration", d)...)
	return d, nil
}

// CreateCancelDeclaration drafts the cancellation (CEB605) of an inventory list that customs
// accepted or released and that has not left.
func (c *Customs) CreateCancelDeclaration(ctx context.Context, actor Actor, targetID, reason string) (*customs.Declaration, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	target, err := c.GetDeclaration(ctx, actor, targetID)
	if err != nil {
		if isNotFound(err) {
			return nil, domain.InvalidField("declarationId", "unknown_declaration", "declarationId names no declaration you may see")
		}
		return nil, err
	}
	if target.Kind() != customs.KindInventory {
		return nil, domain.InvalidField("declarationId", "not_an_inventory_list", "only inventory lists are cancelled with CEB605")
	}
	if err := c.tenancy.requireFilingRight(ctx, actor, target.ExporterID(), target.TradeMode()); err != nil {
		return nil, err
	}
	if err := c.goodsStillHere(ctx, target); err != nil {
		return nil, err
	}
	d, err := customs.NewCancel(c.ids.New("cnl"), actor.OrgID, target, reason, c.clock.Now(), actor.OrgID)
	if err != nil {
		return nil, err
	}
	if err := c.declarations.Create(ctx, d); err != nil {
		return nil, err
	}
	c.relay.now(ctx, written("declaration", d)...)
	return d, nil
}

// goodsStillHere refuses the cancellation of a list whose goods left with their train (409
// goods_departed): there is nothing left to withdraw, and customs closes such a list (结关).
func (c *Customs) goodsStillHere(ctx context.Context, list *customs.Declaration) error {
	inv, ok := list.Inventory()
	if !ok || inv.ParcelID == "" {
		return nil
	}
	p, err := c.parcels.Get(ctx, inv.ParcelID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if p.Status() != parcel.StatusDeparted && p.Status() != parcel.StatusArrived {
		return nil
	}
	msg := "货物已随班列离境，清单不能撤销 / the goods of this list left with train " + p.DepartureID() + "; it cannot be cancelled"
	return &domain.Error{Kind: domain.KindFailedPrecondition, Code: "goods_departed", Message: msg,
		Fields: []domain.FieldError{{Field: "declarationId", Code: "goods_departed", Message: msg}}}
}

// CreateSummaryDeclarations drafts the summary applications (CEB701) of an exporter's released
// statisticsFlag-B inventory lists of one closed month, one per group the summary rules form,
// and puts each list into its summary. Asking again answers the summaries made before, with
// new ones for lists released since.
func (c *Customs) CreateSummaryDeclarations(ctx context.Context, actor Actor, exporterID, month string) ([]*customs.Declaration, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	if exporterID == "" {
		exporterID = actor.OrgID
	}
	now := c.clock.Now()
	m, err := customs.ParseMonth(month, now) // its errors name the field "month"
	if err != nil {
		return nil, err
	}
	if err := c.tenancy.requireFilingRight(ctx, actor, exporterID, parcel.TradeMode9610); err != nil {
		if err2 := c.tenancy.requireFilingRight(ctx, actor, exporterID, parcel.TradeMode1210); err2 != nil {
			return nil, err
		}
	}
	filer, err := c.orgs.Get(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	lists, err := c.declarations.ReleasedInventory(ctx, exporterID, m.Start(), m.End())
	if err != nil {
		return nil, err
	}
	var out []*customs.Declaration
	// Summaries asked for before are answered again: their lists are no longer summarisable.
	var earlier []string
	for _, l := range lists {
		if id := l.SummaryID(); id != "" && !slices.Contains(earlier, id) {
			earlier = append(earlier, id)
		}
	}
	for _, id := range earlier {
		d, err := c.declarations.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if sm, ok := d.Summary(); ok && sm.Month == m && d.ExporterID() == exporterID {
			out = append(out, d)
		}
	}
	for _, g := range customs.GroupForSummary(lists, m) {
		id := summaryID(g)
		d, err := customs.NewSummary(id, customs.SummaryInput{FilerID: actor.OrgID, Group: g,
			DeclAgentCode: filer.CustomsCode(), DeclAgentName: filer.Name()}, now, actor.OrgID)
		if err != nil {
			return nil, err
		}
		if err := c.declarations.Create(ctx, d); err != nil {
			if !errors.Is(err, domain.ErrDeclarationExists) {
				return nil, err
			}
			if d, err = c.declarations.Get(ctx, id); err != nil {
				return nil, err
			}
		} else {
			c.relay.now(ctx, written("declaration", d)...)
		}
		// Put each list into the summary; a crash here is finished by asking again, since the
		// summary id is derived from its group and assigning twice is harmless.
		for _, l := range g.Lists {
			list, err := c.declarations.Update(ctx, l.DeclarationID, func(list *customs.Declaration) error {
				return list.AssignToSummary(id, now, actor.OrgID)
			})
			if err != nil && domain.KindOf(err) != domain.KindFailedPrecondition {
				return nil, err
			}
			if err == nil {
				c.relay.now(ctx, written("declaration", list)...)
			}
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "nothing_to_summarise",
			"no released statisticsFlag-B inventory lists of %s wait for a summary", month)
	}
	return out, nil
}

// summaryID derives a summary's id from its group, so that the same group is never filed twice.
func summaryID(g customs.SummaryGroup) string {
	key := strings.Join([]string{g.ExporterID, g.Month.String(), g.AgentCode, g.TradeMode, g.CustomsCode,
		g.PortCode, g.Country, g.Currency}, "_")
	return "sum_" + key
}

// listExit is where an inventory list says its goods leave China.
type listExit struct {
	portCode, trafMode string
	transport          customs.Transport
	exporterID         string // the booking's exporter; "" without a booking
}

// exitFor is the exit of lists that name bookingID: its train's exit office, transport mode,
// name and number and the country where it is unloaded; without a booking, the configured
// exit office by rail. Two reads by id. The booking must be one the actor sees and not
// cancelled, and its train must leave through a known exit office.
func (c *Customs) exitFor(ctx context.Context, rights *filingRights, bookingID string) (listExit, error) {
	if bookingID == "" {
		return listExit{portCode: c.settings.PortCode, trafMode: rail.TrafModeRailway}, nil
	}
	if c.bookings == nil || c.departures == nil {
		return listExit{}, domain.Internal(nil, "customs: no train bookings to read")
	}
	b, err := c.bookings.Get(ctx, bookingID)
	if err == nil && !rights.visible.Covers(b.ExporterID()) {
		err = domain.NotFound("booking")
	}
	if err != nil {
		if isNotFound(err) {
			return listExit{}, domain.Errorf(domain.KindNotFound, "booking_not_found", "bookingId names no booking you can see / 未找到该订舱").WithField("bookingId")
		}
		return listExit{}, err
	}
	if b.Status() == rail.BookingCancelled {
		return listExit{}, domain.Errorf(domain.KindFailedPrecondition, "booking_cancelled",
			"booking %s is cancelled: its goods leave on no train / 订舱已取消", bookingID).WithField("bookingId")
	}
	dep, err := c.departures.Get(ctx, b.DepartureID())
	if err != nil {
		return listExit{}, err
	}
	office, ok := dep.Exit(c.settings.ExitCustoms)
	if !ok {
		return listExit{}, domain.Errorf(domain.KindFailedPrecondition, "no_exit_office",
			"the train of booking %s passes no border crossing or sea port with a known customs office / 该班列无已知出境口岸海关", bookingID).WithField("bookingId")
	}
	country := rail.LocationCountry(dep.Terminus().Location)
	if country == "CN" {
		country = "" // unloaded in a Chinese port: the ship's destination is not known here
	}
	return listExit{portCode: office.Customs, trafMode: office.TrafMode, exporterID: b.ExporterID(),
		transport: customs.Transport{BookingID: b.ID(), TrafName: trafName(dep), VoyageNo: voyageNo(dep), ArrivalCountry: country}}, nil
}
