package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
)

// The three documents (三单) of a parcel — order CEB303, payment receipt CEB403, waybill CEB505
// — are filed by the party whose document it is, as in life (docs/customs.md §3.4):
//
//   - the order in the platform's name: by the platform (kind platform) the parcel names in
//     ebpCode; a parcel that names no platform, or the exporter's own code, was sold on the
//     exporter's own shop, and the exporter is its own platform;
//   - the payment receipt in the payment firm's name (payCode, kind payment); without one the
//     exporter collected the money itself and files it;
//   - the waybill in the carrier's name (logisticsCode, kind carrier).
//
// A document in the exporter's own name may also be filed by a broker whose authorisation
// covers the parcel's trade mode, as it files the exporter's lists. Nobody files a document in
// another firm's name. Every firm a document names must be registered: its name comes from the
// registry, never from a code.

// MayFileDocuments admits the kinds that file any of the three documents.
func MayFileDocuments(actor Actor) error {
	switch actor.Kind {
	case party.KindExporter, party.KindBroker, party.KindPlatform, party.KindPayment, party.KindCarrier:
		return nil
	}
	return forbidden("document_filer_only", "the order, payment and waybill documents are filed by the firms they belong to")
}

// documentID is the id of one of a parcel's documents for its n-th filing: derived, so that
// asking twice finds the first.
func documentID(kind customs.Kind, parcelID string, attempt int) string {
	prefix := map[customs.Kind]string{customs.KindOrder: "ord_", customs.KindPayment: "pay_", customs.KindWaybill: "wbl_"}[kind]
	return prefix + strings.TrimPrefix(parcelID, "pcl_") + "_" + strconv.Itoa(attempt)
}

// partyRegistry finds the registered firms a parcel names, each code read once a request.
type partyRegistry struct {
	orgs  party.OrgRepository
	found map[string]*party.Org // nil: not registered
}

func newPartyRegistry(orgs party.OrgRepository) *partyRegistry {
	return &partyRegistry{orgs: orgs, found: map[string]*party.Org{}}
}

func (r *partyRegistry) byCode(ctx context.Context, code string) (*party.Org, error) {
	if o, ok := r.found[code]; ok {
		return o, nil
	}
	o, err := r.orgs.ByCode(ctx, code)
	if isNotFound(err) {
		o, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.found[code] = o
	return o, nil
}

// namedParty resolves the firm a parcel names in field to its registered code and name: the
// exporter when code is empty or the exporter's own, else a registered firm of kind want
// (Invalid unregistered_party, naming the field, otherwise).
func (r *partyRegistry) namedParty(ctx context.Context, exporter *party.Org, field, code string, want party.Kind) (string, string, error) {
	if code == "" || code == exporter.CustomsCode() || code == exporter.USCC() {
		return exporter.CustomsCode(), exporter.Name(), nil
	}
	o, err := r.byCode(ctx, code)
	if err != nil {
		return "", "", err
	}
	if o == nil || o.Kind() != want {
		return "", "", domain.InvalidField(field, "unregistered_party",
			field+" "+code+" names no registered "+string(want)+"; the operator registers it first")
	}
	return code, o.Name(), nil
}

// parcelParties are the firms a parcel names — seller, platform, payment firm, carrier — with
// their registered names; agent is the firm that files (AgentCode / AgentName).
func (r *partyRegistry) parcelParties(ctx context.Context, exporter, agent *party.Org, f parcel.Fields) (customs.FilingParties, error) {
	pt := customs.FilingParties{AgentCode: agent.CustomsCode(), AgentName: agent.Name(),
		EbcCode: exporter.CustomsCode(), EbcName: exporter.Name()}
	var v domain.Violations
	var err error
	if pt.EbpCode, pt.EbpName, err = r.namedParty(ctx, exporter, "ebpCode", f.EbpCode, party.KindPlatform); err != nil {
		v.AddError("", err)
	}
	if pt.PayCode, pt.PayName, err = r.namedParty(ctx, exporter, "payCode", f.PayCode, party.KindPayment); err != nil {
		v.AddError("", err)
	}
	if _, pt.LogisticsName, err = r.namedParty(ctx, exporter, "logisticsCode", f.LogisticsCode, party.KindCarrier); err != nil {
		v.AddError("", err)
	}
	return pt, v.Err()
}

// ownerCode is the code of the firm in whose name a document of kind is filed.
func ownerCode(kind customs.Kind, pt customs.FilingParties, f parcel.Fields) string {
	switch kind {
	case customs.KindOrder:
		return pt.EbpCode
	case customs.KindPayment:
		return pt.PayCode
	}
	return f.LogisticsCode
}

// CreateDocuments drafts the three documents of each parcel that the caller may file (see the
// comment above): for each parcel, those of kinds (all three when empty) whose owner the caller
// is or, for the exporter's own documents, files for. A parcel the caller has nothing to do
// with is not found; one whose document exists answers it (duplicate). The drafts are
// submitted like any declaration (SubmitDeclarations).
func (c *Customs) CreateDocuments(ctx context.Context, actor Actor, parcelIDs []string, kinds []customs.Kind) ([]DeclarationResult, error) {
	if err := MayFileDocuments(actor); err != nil {
		return nil, err
	}
	if len(parcelIDs) == 0 || len(parcelIDs) > MaxBatch {
		return nil, domain.InvalidField("parcelIds", "invalid_batch_size", "name 1 to 1000 parcels")
	}
	if len(kinds) == 0 {
		kinds = customs.DocumentKinds
	}
	for i, k := range kinds {
		if !k.IsDocument() {
			return nil, domain.InvalidField("documents["+strconv.Itoa(i)+"]", "invalid_kind", `documents are "order", "payment" and "waybill"`)
		}
	}
	filer, err := c.orgs.Get(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	rights := c.tenancy.rightsOf(ctx, actor)
	if rights.err != nil {
		return nil, rights.err
	}
	registry := newPartyRegistry(c.orgs)
	exporters := map[string]*party.Org{}
	now := c.clock.Now()
	var results []DeclarationResult
	var drafts []*customs.Declaration
	var draftIndex []int
	seen := map[string]bool{}
	for i, pid := range parcelIDs {
		field := "parcelIds[" + strconv.Itoa(i) + "]"
		fail := func(err error) {
			results = append(results, DeclarationResult{Index: i, Ref: pid, Status: ItemInvalid, Errors: itemError(field, err)})
		}
		p, err := c.parcels.Get(ctx, pid)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		if err != nil {
			fail(err)
			continue
		}
		exporter, ok := exporters[p.ExporterID()]
		if !ok {
			if exporter, err = c.orgs.Get(ctx, p.ExporterID()); err != nil {
				return nil, err
			}
			exporters[p.ExporterID()] = exporter
		}
		f := p.Fields()
		pt, perr := registry.parcelParties(ctx, exporter, filer, f)
		if perr != nil && domain.KindOf(perr) == domain.KindInternal {
			return nil, perr
		}
		var mine []customs.Kind
		for _, k := range kinds {
			if ok, err := c.mayFileDocument(ctx, actor, filer, rights, k, pt, p); err != nil {
				return nil, err
			} else if ok {
				mine = append(mine, k)
			}
		}
		if len(mine) == 0 {
			fail(domain.NotFound("parcel")) // nothing of this parcel is the caller's to file
			continue
		}
		if perr != nil {
			fail(perr)
			continue
		}
		if p.Status() == parcel.StatusCancelled {
			fail(domain.Errorf(domain.KindFailedPrecondition, "parcel_cancelled", "a cancelled parcel needs no documents"))
			continue
		}
		for _, k := range mine {
			id := documentID(k, p.ID(), attemptOf(p))
			if seen[id] {
				continue
			}
			seen[id] = true
			d, err := customs.NewDocument(id, k, customs.DocumentInput{FilerID: actor.OrgID, ExporterID: p.ExporterID(),
				ParcelID: p.ID(), Parcel: f, Parties: pt}, now, actor.OrgID)
			if err != nil {
				fail(err)
				continue
			}
			results = append(results, DeclarationResult{Index: i, Ref: pid, ID: id})
			drafts = append(drafts, d)
			draftIndex = append(draftIndex, len(results)-1)
		}
	}
	existing, err := c.declarations.CreateMany(ctx, drafts)
	if err != nil {
		return nil, err
	}
	var created []*customs.Declaration
	for k, d := range drafts {
		r := &results[draftIndex[k]]
		if existing[k] {
			r.Status = ItemDuplicate
			continue
		}
		r.Status, r.Declaration = ItemCreated, d
		created = append(created, d)
	}
	c.relay.now(ctx, written("declaration", created...)...)
	return results, nil
}

// mayFileDocument decides whether actor may file p's document of kind: in its own name, or in
// the exporter's name as the exporter or a broker covering the parcel's trade mode.
func (c *Customs) mayFileDocument(ctx context.Context, actor Actor, filer *party.Org, rights *filingRights,
	kind customs.Kind, pt customs.FilingParties, p *parcel.Parcel) (bool, error) {
	owner := ownerCode(kind, pt, p.Fields())
	if owner != "" && (owner == filer.CustomsCode() || owner == filer.USCC()) {
		return actor.Kind != party.KindBroker || rights.visible.Covers(p.ExporterID()), nil
	}
	if owner != pt.EbcCode || (actor.Kind != party.KindExporter && actor.Kind != party.KindBroker) {
		return false, nil
	}
	err := rights.check(ctx, p.ExporterID(), p.TradeMode())
	if err != nil && domain.KindOf(err) == domain.KindInternal {
		return false, err
	}
	return err == nil, nil
}

// followDocuments notes on each parcel's timeline where its documents stand with customs, one
// read per parcel and the writes in bulk, and returns the parcels it changed.
func (c *Customs) followDocuments(ctx context.Context, docs []*customs.Declaration) ([]*parcel.Parcel, error) {
	byParcel := map[string][]*customs.Declaration{}
	var ids []string
	for _, d := range docs {
		pid := d.ParcelID()
		if pid == "" || d.Status() == customs.StatusDraft {
			continue
		}
		if _, ok := byParcel[pid]; !ok {
			ids = append(ids, pid)
		}
		byParcel[pid] = append(byParcel[pid], d)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	updated, err := c.parcels.UpdateMany(ctx, ids, func(p *parcel.Parcel) error {
		for _, d := range byParcel[p.ID()] {
			p.RecordDocument(documentTime(d), documentActor(d), string(d.Kind()), string(d.Status()), d.ID(), documentDetail(d))
		}
		if len(p.Outbox()) == 0 {
			return errUnchanged
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return writtenOf(updated, func(err error) bool { return err == errUnchanged || isNotFound(err) })
}

// documentTime is when a document reached its status: its last timeline entry.
func documentTime(d *customs.Declaration) time.Time {
	tl := d.Timeline()
	if len(tl) == 0 {
		return d.UpdatedAt()
	}
	return tl[len(tl)-1].At
}

func documentActor(d *customs.Declaration) string {
	if d.Status() == customs.StatusSubmitted {
		return d.FilerID()
	}
	return customs.ActorCustoms
}

// documentDetail says in a line what happened to a document: what was filed, and customs' word.
func documentDetail(d *customs.Declaration) string {
	names := map[customs.Kind]string{customs.KindOrder: "order (订单) CEB303", customs.KindPayment: "payment receipt (收款单) CEB403",
		customs.KindWaybill: "waybill (运单) CEB505"}
	detail := names[d.Kind()] + " " + string(d.Status())
	if rs := d.Receipts(); len(rs) > 0 && d.Status() != customs.StatusSubmitted {
		last := rs[len(rs)-1]
		detail += " (" + last.ReturnStatus
		if last.ReturnInfo != "" {
			detail += " " + last.ReturnInfo
		}
		detail += ")"
	}
	if slices.Contains([]customs.Status{customs.StatusRejected, customs.StatusError, customs.StatusSendFailed}, d.Status()) && d.FailReason() != "" {
		detail += ": " + d.FailReason()
	}
	return detail
}
