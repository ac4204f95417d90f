package app

import (
	"context"
	"slices"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
)

// MaxBatch is the most parcels one batch request may carry.
const MaxBatch = 1000

var notFoundParcel = domain.NotFound("parcel")

// Parcels are the use cases of cross-border e-commerce parcels: registration (one, a batch or
// an upload), edits, cancellation, lists and tracking.
type Parcels struct {
	parcels parcel.Repository
	orgs    party.OrgRepository
	tenancy *Tenancy
	clock   Clock
	relay   relay
}

// ParcelsPorts are what Parcels run on.
type ParcelsPorts struct {
	Basics
	Parcels parcel.Repository
	Orgs    party.OrgRepository
	Tenancy *Tenancy
}

// NewParcels returns the parcel use cases.
func NewParcels(p ParcelsPorts) *Parcels {
	b := p.Basics.withDefaults()
	return &Parcels{parcels: p.Parcels, orgs: p.Orgs, tenancy: p.Tenancy, clock: b.Clock,
		relay: relayOf(b)}
}

// ItemStatus is what became of one item of a bulk request.
type ItemStatus string

// Item statuses of a bulk request.
const (
	ItemCreated   ItemStatus = "created"
	ItemDuplicate ItemStatus = "duplicate"
	ItemInvalid   ItemStatus = "invalid"
)

// ParcelResult is the outcome of one parcel of a batch. Errors carry field paths relative to the
// parcel ("items[0].gcode"); the adapter that received the batch places them (a JSON index, a
// spreadsheet row).
type ParcelResult struct {
	Index  int
	ID     string
	Status ItemStatus
	Errors []domain.FieldError
	Parcel *parcel.Parcel // the stored parcel, for created items
}

// BatchResult sums up a batch.
type BatchResult struct {
	Created, Duplicates, Invalid int
	Results                      []ParcelResult
}

// DecodedParcel is one parcel of a bulk upload as an adapter read it: its draft, or the problems
// that made it unreadable (already placed where the client sees them: a JSON path, a row).
type DecodedParcel struct {
	Draft    parcel.Draft
	Problems []domain.FieldError
}

// RegisterDecoded registers the readable parcels of an upload in one RegisterParcels call and
// answers for every item in the upload's order: an unreadable one is invalid with its problems.
// Errors of the registered ones keep paths relative to the parcel; place turns them into the
// upload's (item i's field → "parcels[i].field", or a spreadsheet row and column).
func (s *Parcels) RegisterDecoded(ctx context.Context, actor Actor, items []DecodedParcel, place func(i int, field string) string) (BatchResult, error) {
	out := BatchResult{Results: make([]ParcelResult, len(items))}
	var drafts []parcel.Draft
	var index []int
	for i, it := range items {
		out.Results[i].Index = i
		if len(it.Problems) > 0 {
			out.Results[i].Status, out.Results[i].Errors = ItemInvalid, it.Problems
			out.Invalid++
			continue
		}
		drafts = append(drafts, it.Draft)
		index = append(index, i)
	}
	if len(drafts) == 0 {
		return out, nil
	}
	res, err := s.RegisterParcels(ctx, actor, drafts)
	if err != nil {
		return BatchResult{}, err
	}
	out.Created += res.Created
	out.Duplicates += res.Duplicates
	out.Invalid += res.Invalid
	for k, r := range res.Results {
		i := index[k]
		r.Index = i
		for e := range r.Errors {
			r.Errors[e].Field = place(i, r.Errors[e].Field)
		}
		out.Results[i] = r
	}
	return out, nil
}

// RegisterParcels registers many parcels at once: every valid one is stored (in one bulk write)
// even when others fail; one whose natural key exists — stored before, or earlier in the same
// batch — is a duplicate answered with the existing id and changes nothing. Exporters register
// their own parcels; the operator registers for any exporter (exporterId required); brokers
// may not register parcels.
func (s *Parcels) RegisterParcels(ctx context.Context, actor Actor, drafts []parcel.Draft) (BatchResult, error) {
	if err := MayRegisterParcels(actor); err != nil {
		return BatchResult{}, err
	}
	if len(drafts) == 0 || len(drafts) > MaxBatch {
		return BatchResult{}, domain.InvalidField("parcels", "invalid_batch_size", "send 1 to 1000 parcels")
	}
	now := s.clock.Now()
	results := make([]ParcelResult, len(drafts))
	var fresh []*parcel.Parcel
	var freshIndex []int
	firstOfKey := map[string]int{}
	exporters := exporterCache{orgs: s.orgs}
	for i, d := range drafts {
		results[i].Index = i
		var v domain.Violations
		d.ExporterID = s.parcelExporter(ctx, &v, &exporters, actor, d.ExporterID)
		fields, err := parcel.Validate(d)
		if err != nil {
			v.AddError("", err)
		}
		if !v.Empty() {
			results[i].Status, results[i].Errors = ItemInvalid, v.Fields()
			continue
		}
		id := parcel.IDFor(fields.LogisticsCode, fields.LogisticsNo)
		if _, seen := firstOfKey[id]; seen {
			results[i].Status, results[i].ID = ItemDuplicate, id
			continue
		}
		p, err := parcel.New(id, d, now, actor.OrgID)
		if err != nil { // Validate passed, so this is a fault of ours
			return BatchResult{}, domain.Internal(err, "parcel %d passed validation but not construction", i)
		}
		firstOfKey[id] = i
		fresh = append(fresh, p)
		freshIndex = append(freshIndex, i)
	}
	outcomes, err := s.parcels.Insert(ctx, fresh)
	if err != nil {
		return BatchResult{}, err
	}
	var created []*parcel.Parcel
	visible, err := s.tenancy.Visibility(ctx, actor)
	if err != nil {
		return BatchResult{}, err
	}
	for k, outcome := range outcomes {
		r := &results[freshIndex[k]]
		r.ID = fresh[k].ID()
		if outcome == parcel.Duplicate {
			r.Status = ItemDuplicate
			// The key is taken; say by which parcel only to those who may see it.
			if existing, err := s.parcels.Get(ctx, r.ID); err != nil || !visible.Covers(existing.ExporterID()) {
				r.ID = ""
			}
			continue
		}
		r.Status, r.Parcel = ItemCreated, fresh[k]
		created = append(created, fresh[k])
	}
	res := BatchResult{Results: results}
	for _, r := range results {
		switch r.Status {
		case ItemCreated:
			res.Created++
		case ItemDuplicate:
			res.Duplicates++
		case ItemInvalid:
			res.Invalid++
		}
	}
	s.relay.now(ctx, written("parcel", created...)...)
	return res, nil
}

// MayRegisterParcels admits exporters (their own parcels) and the operator (for any exporter);
// everyone else — brokers, who file for parcels but do not register them, and any other kind of
// organisation — is refused. Adapters that read an upload ask first, so a caller learns that
// before any problem with its file.
func MayRegisterParcels(actor Actor) error {
	if actor.Kind != party.KindExporter && !actor.IsOperator() {
		return forbidden("exporter_or_operator_only", "parcels are registered by their exporter or the zone operator")
	}
	return nil
}

// parcelExporter decides whose parcel a draft is: an exporter's own (naming another is an
// error), or, for the operator, the registered exporter the draft names.
func (s *Parcels) parcelExporter(ctx context.Context, v *domain.Violations, cache *exporterCache, actor Actor, named string) string {
	if actor.Kind == party.KindExporter {
		if named != "" && named != actor.OrgID {
			v.Add("exporterId", "not_your_org", "an exporter registers only its own parcels; leave exporterId out")
		}
		return actor.OrgID
	}
	if named == "" {
		v.Add("exporterId", "required", "the operator names the exporter of each parcel")
		return ""
	}
	ok, err := cache.isExporter(ctx, named)
	switch {
	case err != nil:
		v.AddError("exporterId", err)
	case !ok:
		v.Add("exporterId", "unknown_exporter", "exporterId names no registered exporter")
	default:
		noteOnBehalfOf(ctx, actor, named)
	}
	return named
}

// exporterCache remembers, for one request, which ids name registered exporters.
type exporterCache struct {
	orgs  party.OrgRepository
	known map[string]bool
}

func (c *exporterCache) isExporter(ctx context.Context, id string) (bool, error) {
	if ok, seen := c.known[id]; seen {
		return ok, nil
	}
	org, err := c.orgs.Get(ctx, id)
	if err != nil && !isNotFound(err) {
		return false, err
	}
	ok := err == nil && org.Kind() == party.KindExporter
	if c.known == nil {
		c.known = map[string]bool{}
	}
	c.known[id] = ok
	return ok, nil
}

// RegisterParcel registers one parcel. Sending a parcel that exists again is answered with the
// existing parcel (created false) when it is the caller's; a key taken by a parcel the caller may
// not see is a Conflict.
func (s *Parcels) RegisterParcel(ctx context.Context, actor Actor, d parcel.Draft) (p *parcel.Parcel, created bool, err error) {
	res, err := s.RegisterParcels(ctx, actor, []parcel.Draft{d})
	if err != nil {
		return nil, false, err
	}
	r := res.Results[0]
	switch r.Status {
	case ItemCreated:
		return r.Parcel, true, nil
	case ItemInvalid:
		return nil, false, &domain.Error{Kind: domain.KindInvalid, Code: r.Errors[0].Code, Message: r.Errors[0].Message, Fields: r.Errors}
	}
	existing, err := s.GetParcel(ctx, actor, r.ID)
	if isNotFound(err) {
		return nil, false, &domain.Error{Kind: domain.KindConflict, Code: "parcel_exists",
			Message: "a parcel with this logisticsCode and logisticsNo is registered by another exporter",
			Fields:  []domain.FieldError{{Field: "logisticsNo", Code: "parcel_exists", Message: "already registered"}}}
	}
	return existing, false, err
}

// GetParcel returns a parcel the caller may see, with its timeline; others are NotFound.
func (s *Parcels) GetParcel(ctx context.Context, actor Actor, id string) (*parcel.Parcel, error) {
	visible, err := s.tenancy.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	return parcelIn(ctx, s.parcels, visible, id)
}

// parcelIn returns a parcel within scope; others are NotFound. Bulk use cases work out the
// scope once and call this per item.
func parcelIn(ctx context.Context, parcels parcel.Repository, visible party.Visibility, id string) (*parcel.Parcel, error) {
	p, err := parcels.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !visible.Covers(p.ExporterID()) {
		// The caller is told nothing; the parcel's exporter finds the attempt in its audit log.
		noteFor(ctx, p.ExporterID())
		return nil, notFoundParcel
	}
	return p, nil
}

// ListParcels lists the parcels the caller may see, newest first.
func (s *Parcels) ListParcels(ctx context.Context, actor Actor, f parcel.Filter) (Page[*parcel.Parcel], error) {
	f.Limit = clampLimit(f.Limit)
	visible, err := s.tenancy.Visibility(ctx, actor)
	if err != nil {
		return Page[*parcel.Parcel]{}, err
	}
	f.ExporterIDs = visible.Restrict(f.ExporterIDs)
	items, next, err := s.parcels.List(ctx, f)
	return Page[*parcel.Parcel]{Items: items, NextCursor: next}, err
}

// changeParcel applies a change the parcel's exporter or the operator may make.
func (s *Parcels) changeParcel(ctx context.Context, actor Actor, id string, change func(*parcel.Parcel) error) (*parcel.Parcel, error) {
	if _, err := s.GetParcel(ctx, actor, id); err != nil {
		return nil, err
	}
	if actor.Kind != party.KindExporter && !actor.IsOperator() {
		return nil, forbidden("exporter_or_operator_only", "a parcel is changed by its exporter or the zone operator")
	}
	p, err := s.parcels.Update(ctx, id, change)
	if err != nil {
		return nil, err
	}
	s.relay.now(ctx, written("parcel", p)...)
	return p, nil
}

// EditParcel replaces a parcel's contents while it is registered or rejected (else
// parcel_locked). The natural key and the exporter never change.
func (s *Parcels) EditParcel(ctx context.Context, actor Actor, id string, d parcel.Draft) (*parcel.Parcel, error) {
	return s.changeParcel(ctx, actor, id, func(p *parcel.Parcel) error {
		if d.ExporterID == "" {
			d.ExporterID = p.ExporterID()
		}
		return p.Edit(d, s.clock.Now(), actor.OrgID)
	})
}

// CancelParcel withdraws a parcel that has not been declared (or was rejected).
func (s *Parcels) CancelParcel(ctx context.Context, actor Actor, id, reason string) (*parcel.Parcel, error) {
	return s.changeParcel(ctx, actor, id, func(p *parcel.Parcel) error {
		return p.Cancel(s.clock.Now(), actor.OrgID, reason)
	})
}

// TrackParcel finds a parcel by its waybill number (and carrier, when given) among those the
// caller may see.
func (s *Parcels) TrackParcel(ctx context.Context, actor Actor, logisticsNo, logisticsCode string) (*parcel.Parcel, error) {
	if logisticsCode != "" {
		p, err := s.parcels.GetByKey(ctx, logisticsCode, logisticsNo)
		if err != nil {
			return nil, err
		}
		return s.GetParcel(ctx, actor, p.ID())
	}
	found, err := s.parcels.FindByLogisticsNo(ctx, logisticsNo)
	if err != nil {
		return nil, err
	}
	visible, err := s.tenancy.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	found = slices.DeleteFunc(found, func(p *parcel.Parcel) bool { return !visible.Covers(p.ExporterID()) })
	switch len(found) {
	case 0:
		return nil, notFoundParcel
	case 1:
		return found[0], nil
	}
	return nil, domain.InvalidField("logisticsCode", "ambiguous_logistics_no",
		"several carriers use this waybill number; name the carrier with logisticsCode")
}
