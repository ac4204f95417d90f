package customs

import (
	"context"
	"slices"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

// ID is the declaration's opaque identifier.
func (d *Declaration) ID() string { return d.id }

// Kind is inventory, cancel, summary, entry or departure.
func (d *Declaration) Kind() Kind { return d.kind }

// TradeMode is the trade mode filed: the parcel's (9610 / 1210), the declaration's (9710, 9810,
// 0110), the target list's for a cancellation, the group's for a summary, the parcels' (9610 /
// 1210) for a departure document.
func (d *Declaration) TradeMode() string { return d.tradeMode }

// FilerID is the organisation that files: a broker, or the exporter itself.
func (d *Declaration) FilerID() string { return d.filerID }

// ExporterID is the exporter the declaration is for.
func (d *Declaration) ExporterID() string { return d.exporterID }

// ParcelID is the parcel of an inventory list or of one of its three documents; "" for the
// other kinds.
func (d *Declaration) ParcelID() string {
	switch {
	case d.inventory != nil:
		return d.inventory.ParcelID
	case d.document != nil:
		return d.document.ParcelID
	}
	return ""
}

// Inventory is an inventory list's content (a copy); false for the other kinds.
func (d *Declaration) Inventory() (Inventory, bool) {
	if d.inventory == nil {
		return Inventory{}, false
	}
	return d.inventory.clone(), true
}

// Entry is a customs declaration's content (a copy); false for the other kinds.
func (d *Declaration) Entry() (Entry, bool) {
	if d.entry == nil {
		return Entry{}, false
	}
	return d.entry.clone(), true
}

// Cancellation is a cancellation's content; false for the other kinds.
func (d *Declaration) Cancellation() (Cancellation, bool) {
	if d.cancel == nil {
		return Cancellation{}, false
	}
	return *d.cancel, true
}

// Summary is a summary application's content (a copy); false for the other kinds.
func (d *Declaration) Summary() (Summary, bool) {
	if d.summary == nil {
		return Summary{}, false
	}
	return d.summary.clone(), true
}

// Status is where the declaration stands.
func (d *Declaration) Status() Status { return d.status }

// Final reports whether the status can no longer change (Status.Final).
func (d *Declaration) Final() bool { return d.status.Final() }

// Resubmittable reports whether the app may Submit the same content again under a new guid.
func (d *Declaration) Resubmittable() bool { return d.status.Resubmittable() }

// Editable reports whether the content may still be edited (a draft).
func (d *Declaration) Editable() bool { return d.status.Editable() }

// Released reports whether customs released the goods (released or cleared; a cancelled list
// is not released any more).
func (d *Declaration) Released() bool {
	return d.status == StatusReleased || d.status == StatusCleared
}

// ParcelStatus is the parcel status the app should drive an inventory list's parcel to
// (ParcelStatusFor); false for the other kinds — a departure document names parcels but drives
// none: they left already — or when the parcel should be left alone.
func (d *Declaration) ParcelStatus() (parcel.Status, bool) {
	if d.kind != KindInventory {
		return "", false
	}
	return ParcelStatusFor(d.status)
}

// GUID is the current filing's message guid; "" before Submit.
func (d *Declaration) GUID() string { return d.guid }

// GUIDs are every guid the declaration was filed under, current first: what a store indexes
// for IDByGUID. A departure document lists every head guid of each filing (HeadGUIDs; the
// filing's guid first), since customs answers each head under its own guid.
func (d *Declaration) GUIDs() []string {
	if d.guid == "" {
		return nil
	}
	out := d.headGUIDsOf(d.guid)
	for i := len(d.filings) - 1; i >= 0; i-- {
		out = append(out, d.headGUIDsOf(d.filings[i].GUID)...)
	}
	return out
}

// Filings are the earlier filings given up for a resubmission, oldest first (copies).
func (d *Declaration) Filings() []Filing {
	out := slices.Clone(d.filings)
	for i := range out {
		out[i].Message = slices.Clone(out[i].Message)
	}
	return out
}

// CopNo is the current filing's copNo.
func (d *Declaration) CopNo() string { return d.copNo }

// Message is the exact message the current filing sent (a copy), as Submit was given it. A
// repository keeps messages apart from the declaration (Repository.Message), so a declaration
// read back from one carries none: Message is then empty.
func (d *Declaration) Message() []byte { return slices.Clone(d.message) }

// SubmittedAt is when the current filing was handed to the gateway; zero before.
func (d *Declaration) SubmittedAt() time.Time { return d.submittedAt }

// PreNo is E-Port's pre-entry number of the current filing, once a receipt brought it (a
// departure document's: its first head's; the other heads' are on their receipts).
func (d *Declaration) PreNo() string { return d.preNo }

// InvtNo is customs' inventory list number (for a cancellation: the target list's).
func (d *Declaration) InvtNo() string { return d.invtNo }

// EntryID is a customs declaration's entry number, once customs assigned it.
func (d *Declaration) EntryID() string { return d.entryID }

// DecTmpNo is E-Port's temporary number of the declaration a summary generated (its first
// CEB792); "" before, and for the other kinds.
func (d *Declaration) DecTmpNo() string { return d.decTmpNo }

// SumNo is customs' summary number of a summary application, once a receipt brought it.
func (d *Declaration) SumNo() string { return d.sumNo }

// EntryIDs are the customs declarations a summary produced (CEB792), in arrival order (a copy).
func (d *Declaration) EntryIDs() []string { return slices.Clone(d.entryIDs) }

// FailReason is customs' returnInfo of the rejection, return, send failure or error the
// declaration stands in; "" otherwise.
func (d *Declaration) FailReason() string { return d.failReason }

// ReleasedAt is customs' release time (see computeReleasedAt); zero unless released or cleared
// (or cancelled after release).
func (d *Declaration) ReleasedAt() time.Time { return d.releasedAt }

// ClearanceTime is how long customs took: from the current filing's submission to release. False
// until released (or when the times are missing). A negative span (clock skew between our
// clock and customs') counts as zero.
func (d *Declaration) ClearanceTime() (time.Duration, bool) {
	if d.releasedAt.IsZero() || d.submittedAt.IsZero() {
		return 0, false
	}
	return max(d.releasedAt.Sub(d.submittedAt), 0), true
}

// CancelledByID is the cancellation declaration that cancelled an inventory list, if any.
func (d *Declaration) CancelledByID() string { return d.cancelledBy }

// CancelledAt is when the cancellation was recorded; zero if not cancelled.
func (d *Declaration) CancelledAt() time.Time { return d.cancelledAt }

// SummaryID is the summary an inventory list is in; "" when none.
func (d *Declaration) SummaryID() string { return d.summaryID }

// Summarised reports whether the summary the list is in finished (MarkSummarised).
func (d *Declaration) Summarised() bool { return !d.summarisedAt.IsZero() }

// SummarisedAt is when MarkSummarised was first called; zero before.
func (d *Declaration) SummarisedAt() time.Time { return d.summarisedAt }

// SummaryEntryIDs are the customs declarations the list's summary produced (a copy).
func (d *Declaration) SummaryEntryIDs() []string { return slices.Clone(d.summaryEntryIDs) }

// Receipts are every receipt kept, sorted by returnTime (a copy).
func (d *Declaration) Receipts() []ReceiptRecord { return cloneReceipts(d.receipts) }

// CreatedAt is when the declaration was drafted.
func (d *Declaration) CreatedAt() time.Time { return d.createdAt }

// UpdatedAt is when it last changed.
func (d *Declaration) UpdatedAt() time.Time { return d.updatedAt }

// Timeline is everything that happened to the declaration, oldest first (a copy).
func (d *Declaration) Timeline() []TimelineEntry { return slices.Clone(d.timeline) }

// Version counts stored changes, for optimistic concurrency; the store bumps it.
func (d *Declaration) Version() int64 { return d.version }

// Outbox holds the events recorded since the declaration was made or loaded, for the store to
// write with the change (a copy).
func (d *Declaration) Outbox() []domain.Event { return slices.Clone(d.outbox) }

func cloneReceipts(rs []ReceiptRecord) []ReceiptRecord {
	out := slices.Clone(rs)
	for i := range out {
		out[i].Conflicts = slices.Clone(out[i].Conflicts)
	}
	return out
}

// Record is the stored form of a declaration, for rebuilding it from a database. Exactly one of
// Inventory, Entry, Cancel, Summary, Departure and Document is set, as Kind says.
type Record struct {
	ID              string
	Kind            Kind
	TradeMode       string
	FilerID         string
	ExporterID      string
	Inventory       *Inventory
	Entry           *Entry
	Cancel          *Cancellation
	Summary         *Summary
	Departure       *Departure
	Document        *Document
	Arrival         *Arrival
	Status          Status
	GUID            string
	CopNo           string
	Message         []byte
	SubmittedAt     time.Time
	Filings         []Filing
	PreNo           string
	InvtNo          string
	EntryID         string
	SumNo           string
	DecTmpNo        string
	EntryIDs        []string
	FailReason      string
	ReleasedAt      time.Time
	CancelledBy     string
	CancelledAt     time.Time
	SummaryID       string
	SummarisedAt    time.Time
	SummaryEntryIDs []string
	Receipts        []ReceiptRecord
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Timeline        []TimelineEntry
	Version         int64
}

// Snapshot is the declaration's stored form (deep copies: changing it does not change the
// declaration).
func (d *Declaration) Snapshot() Record {
	r := Record{
		ID: d.id, Kind: d.kind, TradeMode: d.tradeMode, FilerID: d.filerID, ExporterID: d.exporterID,
		Status: d.status, GUID: d.guid, CopNo: d.copNo, Message: slices.Clone(d.message),
		SubmittedAt: d.submittedAt, Filings: d.Filings(), PreNo: d.preNo, InvtNo: d.invtNo,
		EntryID: d.entryID, SumNo: d.sumNo, DecTmpNo: d.decTmpNo, EntryIDs: slices.Clone(d.entryIDs), FailReason: d.failReason,
		ReleasedAt: d.releasedAt, CancelledBy: d.cancelledBy, CancelledAt: d.cancelledAt,
		SummaryID: d.summaryID, SummarisedAt: d.summarisedAt, SummaryEntryIDs: slices.Clone(d.summaryEntryIDs),
		Receipts: cloneReceipts(d.receipts), CreatedAt: d.createdAt, UpdatedAt: d.updatedAt,
		Timeline: slices.Clone(d.timeline), Version: d.version,
	}
	r.Inventory, r.Entry, r.Cancel, r.Summary = cloneContent(d.inventory, d.entry, d.cancel, d.summary)
	r.Departure = cloneDeparture(d.departure)
	r.Document = cloneDocument(d.document)
	r.Arrival = cloneArrival(d.arrival)
	return r
}

// FromDatabase rebuilds a stored declaration as it is, without checking its content or history
// again (rules change; what was filed stays readable). It copies what it is given, so that
// copies rebuilt from one record never share memory. Its outbox starts empty.
func FromDatabase(r Record) *Declaration {
	filings := slices.Clone(r.Filings)
	for i := range filings {
		filings[i].Message = slices.Clone(filings[i].Message)
	}
	d := &Declaration{
		id: r.ID, kind: r.Kind, tradeMode: r.TradeMode, filerID: r.FilerID, exporterID: r.ExporterID,
		status: r.Status, guid: r.GUID, copNo: r.CopNo, message: slices.Clone(r.Message),
		submittedAt: r.SubmittedAt, filings: filings, preNo: r.PreNo, invtNo: r.InvtNo,
		entryID: r.EntryID, sumNo: r.SumNo, decTmpNo: r.DecTmpNo, entryIDs: slices.Clone(r.EntryIDs), failReason: r.FailReason,
		releasedAt: r.ReleasedAt, cancelledBy: r.CancelledBy, cancelledAt: r.CancelledAt,
		summaryID: r.SummaryID, summarisedAt: r.SummarisedAt, summaryEntryIDs: slices.Clone(r.SummaryEntryIDs),
		receipts: cloneReceipts(r.Receipts), createdAt: r.CreatedAt, updatedAt: r.UpdatedAt,
		timeline: slices.Clone(r.Timeline), version: r.Version,
	}
	d.inventory, d.entry, d.cancel, d.summary = cloneContent(r.Inventory, r.Entry, r.Cancel, r.Summary)
	d.departure = cloneDeparture(r.Departure)
	d.document = cloneDocument(r.Document)
	d.arrival = cloneArrival(r.Arrival)
	return d
}

func cloneContent(in *Inventory, e *Entry, c *Cancellation, s *Summary) (*Inventory, *Entry, *Cancellation, *Summary) {
	var (
		in2 *Inventory
		e2  *Entry
		c2  *Cancellation
		s2  *Summary
	)
	if in != nil {
		v := in.clone()
		in2 = &v
	}
	if e != nil {
		v := e.clone()
		e2 = &v
	}
	if c != nil {
		v := *c
		c2 = &v
	}
	if s != nil {
		v := s.clone()
		s2 = &v
	}
	return in2, e2, c2, s2
}

func cloneDeparture(dep *Departure) *Departure {
	if dep == nil {
		return nil
	}
	v := dep.clone()
	return &v
}

// Filter selects declarations for a list; empty fields match all. ExporterIDs, when not nil,
// keeps only declarations for those exporters: how an exporter sees only its own filings and a
// broker those of the exporters that authorised it.
type Filter struct {
	Kind        Kind
	Status      Status
	ExporterIDs []string
	TradeMode   string
	Limit       int
	Cursor      string
}

// Repository stores declarations.
type Repository interface {
	// Create stores a new declaration; an id that exists is a Conflict "declaration_exists".
	Create(ctx context.Context, d *Declaration) error
	// Get returns the declaration or a NotFound error.
	Get(ctx context.Context, id string) (*Declaration, error)
	// Update loads the declaration, lets change modify it and stores it with its outbox if the
	// stored version has not moved meanwhile (else it retries with a fresh copy). When change
	// returns an error nothing is stored.
	Update(ctx context.Context, id string, change func(*Declaration) error) (*Declaration, error)
	// List returns declarations, newest first, and the cursor of the next page.
	List(ctx context.Context, f Filter) ([]*Declaration, string, error)
	// IDByGUID returns the id of the declaration filed under guid — its current guid or an
	// earlier filing's (GUIDs) — or a NotFound error. A receipt arrives with nothing but a guid,
	// at national peak rates, so this must be one _id lookup: the store keeps a guid →
	// declaration id mapping whose _id is the guid (written, unique, before the declaration is
	// updated with the guid at Submit), not a scan of the declarations.
	IDByGUID(ctx context.Context, guid string) (string, error)
	// Message returns the exact message sent under a filing's guid, or a NotFound error. It is
	// stored beside the guid mapping, not in the declaration: Get and Update do not return it.
	Message(ctx context.Context, guid string) ([]byte, error)
	// ReleasedInventory returns the exporter's inventory lists released (ReleasedAt) in
	// [from, to) and still released or cleared — the candidates GroupForSummary picks from.
	ReleasedInventory(ctx context.Context, exporterID string, from, to time.Time) ([]*Declaration, error)
}
