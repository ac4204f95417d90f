package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
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
	if f.EbpCode == code.NoPlatformCode {
		// A foreign platform without a customs code: its name is the parcel's (required there).
		pt.EbpCode, pt.EbpName = f.EbpCode, f.EbpName
	} else if pt.EbpCode, pt.EbpName, err = r.namedParty(ctx, exporter, "ebpCode", f.EbpCode, party.KindPlatform); err != nil {
		v.AddError("", err)
	}
	// The producer is not a party of this service: its code ("NO" when it has none) and name
	// are the exporter's statement on the parcel; by default the seller (ValidateInventory).
	pt.OwnerCode, pt.OwnerName = f.OwnerCode, f.OwnerName
	if pt.PayCode, pt.PayName, err = r.namedParty(ctx, exporter, "payCode", f.PayCode, party.KindPayment); err != nil {
		v.AddError("", err)
	}
	if _, pt.LogisticsName, err = r.namedParty(ctx, exporter, "logisticsCode", f.LogisticsCode, party.KindCarrier); err != nil {
		v.AddError("", err)
	}
	return pt, v.Err()
}

// partyErrorFor is the part of a parcel's party errors (parcelParties) that stops a document of
// kind: the firms it names — the platform for an order, the platform and the payment firm for a
// payment receipt, the carrier for a waybill. nil when none of them failed.
func partyErrorFor(kind customs.Kind, perr error) error {
	var e *domain.Error
	if perr == nil || !errors.As(perr, &e) {
		return perr
	}
	need := map[customs.Kind][]string{customs.KindOrder: {"ebpCode"}, customs.KindPayment: {"ebpCode", "payCode"},
		customs.KindWaybill: {"logisticsCode"}}[kind]
	var v domain.Violations
	for _, f := range e.Fields {
		if slices.Contains(need, f.Field) {
			v.Add(f.Field, f.Code, f.Message)
		}
	}
	return v.Err()
}

// ownerCode is the code of the firm in whose name a document of kind is filed.
func ownerCode(kind customs.Kind, pt customs.FilingParties, f parcel.Fields) string {
	switch kind {
	case customs.KindOrder:
		if pt.EbpCode == code.NoPlatformCode {
			return pt.EbcCode // a foreign platform without a code: the seller files its order
		}
		return pt.EbpCode
	case customs.KindPayment:
		return pt.PayCode
	}
	return f.LogisticsCode
}

// CreateDocuments files the three documents of each parcel that the caller may file (see the
// comment above): for each parcel, those of kinds (all three when empty) whose owner the caller
// is or, for the exporter's own documents, files for. There is nothing to edit in a document —
// its content is the parcel's — so each is created submitted, its message built, and sent at
// once: one bulk insert of the documents and one of their guids, then one send. A parcel the
// caller has nothing to do with is not found; one whose document exists answers it (duplicate).
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
		// A party that is not registered stops only the documents that name it, and is told
		// only to whoever sees the exporter's records (the exporter, its broker).
		var mine []customs.Kind
		var blocked error
		for _, k := range kinds {
			if kerr := partyErrorFor(k, perr); kerr != nil {
				if blocked == nil && rights.visible.Covers(p.ExporterID()) {
					blocked = kerr
				}
				continue
			}
			if ok, err := c.mayFileDocument(ctx, actor, filer, rights, k, pt, p); err != nil {
				return nil, err
			} else if ok {
				mine = append(mine, k)
			}
		}
		if blocked != nil {
			fail(blocked)
		}
		if len(mine) == 0 {
			if blocked == nil {
				fail(domain.NotFound("parcel")) // nothing of this parcel is the caller's to file
			}
			continue
		}
		if p.Status() == parcel.StatusCancelled {
			fail(domain.Errorf(domain.KindFailedPrecondition, "parcel_cancelled", "a cancelled parcel needs no documents"))
			continue
		}
		for _, k := range mine {
			id := documentID(k, p.ID(), attemptOf(p))
			if seen[id] {
				// The parcel named twice: the same document as for its first mention.
				results = append(results, DeclarationResult{Index: i, Ref: pid, ID: id, Status: ItemDuplicate})
				continue
			}
			seen[id] = true
			d, err := customs.NewDocument(id, k, customs.DocumentInput{FilerID: actor.OrgID, ExporterID: p.ExporterID(),
				ParcelID: p.ID(), Parcel: f, Parties: pt}, now, actor.OrgID)
			if err == nil {
				err = c.file(d, now)
			}
			if err != nil {
				if domain.KindOf(err) == domain.KindInternal {
					return nil, err
				}
				fail(err)
				continue
			}
			results = append(results, DeclarationResult{Index: i, Ref: pid, ID: id})
			drafts = append(drafts, d)
			draftIndex = append(draftIndex, len(results)-1)
		}
	}
	created, err := c.storeDrafts(ctx, drafts, results, draftIndex)
	if err != nil {
		return nil, err
	}
	c.dispatch(ctx, created)
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

// ParcelDocuments are the documents filed for a parcel, every filing of it, read by their
// derived ids: what its view shows beside its own timeline (WithDocuments). Nothing is written
// to the parcel when a document moves — the documents' receipts cost no parcel write.
func (c *Customs) ParcelDocuments(ctx context.Context, p *parcel.Parcel) ([]*customs.Declaration, error) {
	var out []*customs.Declaration
	for attempt := 1; attempt <= attemptOf(p); attempt++ {
		for _, k := range customs.DocumentKinds {
			d, err := c.declarations.Get(ctx, documentID(k, p.ID(), attempt))
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// WithDocuments is a parcel's timeline with where its documents stood with customs merged in,
// in time order: one entry (type parcel.document) per noteworthy status a document reached,
// carrying the parcel's status at that moment.
func WithDocuments(p *parcel.Parcel, docs []*customs.Declaration) []parcel.TimelineEntry {
	timeline := p.Timeline()
	for _, d := range docs {
		for _, e := range d.Timeline() {
			if !noteworthy(e.Status) || e.Type != customs.EventType(e.Status) {
				continue
			}
			timeline = append(timeline, parcel.TimelineEntry{At: e.At, Type: EventParcelDocument, Actor: e.Actor,
				Detail: string(d.Kind()) + " " + string(e.Status) + ": " + documentNames[d.Kind()] + " " + d.ID() + ", " + e.Detail})
		}
	}
	slices.SortStableFunc(timeline, func(a, b parcel.TimelineEntry) int { return a.At.Compare(b.At) })
	status := parcel.StatusRegistered
	for i := range timeline {
		if timeline[i].Type == EventParcelDocument {
			timeline[i].Status = status
		} else {
			status = timeline[i].Status
		}
	}
	return timeline
}

// EventParcelDocument is the type of a parcel timeline entry about one of its documents.
const EventParcelDocument = "parcel.document"

var documentNames = map[customs.Kind]string{customs.KindOrder: "order (订单) CEB303",
	customs.KindPayment: "payment receipt (收款单) CEB403", customs.KindWaybill: "waybill (运单) CEB505"}

// noteworthy are the document statuses a parcel's timeline shows: customs has it on file, or
// refused it, or it failed on the way. E-Port's intermediate steps are the document's own.
func noteworthy(s customs.Status) bool {
	switch s {
	case customs.StatusAccepted, customs.StatusReviewFinished, customs.StatusRejected,
		customs.StatusError, customs.StatusSendFailed:
		return true
	}
	return false
}
