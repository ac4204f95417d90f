package customs

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// aggregateName is the Aggregate of a declaration's events.
const aggregateName = "declaration"

// Kind is what a declaration files.
type Kind string

// The declaration kinds.
const (
	KindInventory Kind = "inventory" // export inventory list (申报清单, CEB603), one per 9610/1210 parcel
	KindCancel    Kind = "cancel"    // cancellation of an inventory list (CEB605)
	KindSummary   Kind = "summary"   // monthly summary application (汇总申报, CEB701)
	KindEntry     Kind = "entry"     // full customs declaration (报关单) for 9710 / 9810 / 0110
	KindDeparture Kind = "departure" // departure document (离境单, CEB509) of the 9610/1210 parcels on one conveyance
)

// Kinds lists every kind.
func Kinds() []Kind {
	return []Kind{KindInventory, KindCancel, KindSummary, KindEntry, KindDeparture, KindOrder, KindPayment, KindWaybill, KindArrival}
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// Filing is an earlier filing of a declaration that was given up for a resubmission under a
// new guid (after send_failed or error). Its late receipts are still recognised and kept, never
// applied.
type Filing struct {
	GUID        string    `json:"guid"`
	CopNo       string    `json:"copNo"`
	SubmittedAt time.Time `json:"submittedAt"`
	Status      Status    `json:"status"`            // where it ended
	PreNo       string    `json:"preNo,omitempty"`   // numbers it got, left with it
	InvtNo      string    `json:"invtNo,omitempty"`  //
	EntryID     string    `json:"entryId,omitempty"` //
	SumNo       string    `json:"sumNo,omitempty"`   //
	// Message is what the filing sent, carried until the repository stores it beside the
	// filing's guid (Repository.Message); empty in a declaration read back.
	Message []byte `json:"-"`
}

// Declaration is one customs filing — an inventory list, a cancellation, a summary application,
// a full customs declaration or a departure document — with every receipt customs sent about
// it. See the package comment for how receipts move it.
type Declaration struct {
	id          string
	kind        Kind
	tradeMode   string
	filerID     string
	exporterID  string
	inventory   *Inventory
	entry       *Entry
	cancel      *Cancellation
	summary     *Summary
	departure   *Departure
	document    *Document // order, payment, waybill
	arrival     *Arrival
	status      Status
	guid        string
	copNo       string
	message     []byte
	submittedAt time.Time
	filings     []Filing
	preNo       string
	invtNo      string
	entryID     string
	sumNo       string
	decTmpNo    string   // summary: E-Port's temporary number of the declaration it generated
	entryIDs    []string // summary: the declarations it produced
	failReason  string
	releasedAt  time.Time
	cancelledBy string
	cancelledAt time.Time
	// inventory lists in a summary
	summaryID       string
	summarisedAt    time.Time
	summaryEntryIDs []string

	receipts  []ReceiptRecord
	createdAt time.Time
	updatedAt time.Time
	timeline  []TimelineEntry
	version   int64
	outbox    []domain.Event
}

func newDeclaration(id string, kind Kind, tradeMode, filerID, exporterID string, at time.Time) (*Declaration, error) {
	id, filerID, exporterID = strings.TrimSpace(id), strings.TrimSpace(filerID), strings.TrimSpace(exporterID)
	if id == "" || filerID == "" || exporterID == "" {
		return nil, domain.Internal(nil, "a %s declaration needs an id, a filer and an exporter", kind)
	}
	return &Declaration{
		id: id, kind: kind, tradeMode: tradeMode, filerID: filerID, exporterID: exporterID,
		status: StatusDraft, createdAt: at.UTC(), updatedAt: at.UTC(),
	}, nil
}

// NewInventory makes a draft inventory list for a parcel after checking the input completely
// (ValidateInventory). id is the new declaration's id, at the time, actor who made it.
func NewInventory(id string, in InventoryInput, at time.Time, actor string) (*Declaration, error) {
	inv, err := ValidateInventory(in)
	if err != nil {
		return nil, err
	}
	d, err := newDeclaration(id, KindInventory, inv.Parcel.TradeMode, in.FilerID, in.ExporterID, at)
	if err != nil {
		return nil, err
	}
	d.inventory = &inv
	d.addEvent(at, actor, EventCreated, "inventory list drafted for parcel "+inv.ParcelID, nil)
	return d, nil
}

// NewEntry makes a draft customs declaration after checking the draft completely
// (ValidateEntry).
func NewEntry(id, filerID, exporterID string, draft EntryDraft, at time.Time, actor string) (*Declaration, error) {
	e, err := ValidateEntry(draft)
	if err != nil {
		return nil, err
	}
	d, err := newDeclaration(id, KindEntry, e.TradeMode, filerID, exporterID, at)
	if err != nil {
		return nil, err
	}
	d.entry = &e
	d.addEvent(at, actor, EventCreated, "customs declaration drafted ("+e.TradeMode+")", nil)
	return d, nil
}

// NewCancel makes a draft cancellation of target, an inventory list that CanBeCancelled
// (FailedPrecondition not_cancellable otherwise). reason is required, at most 1000 characters.
// The cancellation belongs to the target's exporter; filerID is who files it.
func NewCancel(id, filerID string, target *Declaration, reason string, at time.Time, actor string) (*Declaration, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return nil, err
	}
	if target == nil || target.kind != KindInventory {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "not_cancellable",
			"only an inventory list can be cancelled")
	}
	if !target.CanBeCancelled() {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "not_cancellable",
			"a %s inventory list cannot be cancelled%s", target.status, target.whyNotCancellable())
	}
	d, err := newDeclaration(id, KindCancel, target.tradeMode, filerID, target.exporterID, at)
	if err != nil {
		return nil, err
	}
	p := target.inventory.Parties
	d.cancel = &Cancellation{
		TargetID: target.id, TargetGUID: target.guid, TargetCopNo: target.copNo, TargetPreNo: target.preNo,
		InvtNo: target.invtNo, CustomsCode: target.inventory.CustomsCode,
		AgentCode: p.AgentCode, AgentName: p.AgentName, EbcCode: p.EbcCode, EbcName: p.EbcName,
		Reason: reason,
	}
	// CEB606 receipts name the target's invtNo: a different one is a conflict.
	d.invtNo = target.invtNo
	d.addEvent(at, actor, EventCreated, "cancellation drafted for inventory list "+target.invtNo,
		map[string]any{"targetId": target.id, "invtNo": target.invtNo})
	return d, nil
}

func (d *Declaration) whyNotCancellable() string {
	switch {
	case d.summaryID != "":
		return ": it is in summary " + d.summaryID
	case d.invtNo == "" && d.status != StatusDraft:
		return ": customs has not given it an invtNo yet"
	}
	return ""
}

// NewSummary makes a draft summary application for one group (ValidateSummary). at is the
// filing time: the group's month must have ended. The summary belongs to the group's exporter.
func NewSummary(id string, in SummaryInput, at time.Time, actor string) (*Declaration, error) {
	s, err := ValidateSummary(in, at)
	if err != nil {
		return nil, err
	}
	d, err := newDeclaration(id, KindSummary, s.TradeMode, in.FilerID, in.Group.ExporterID, at)
	if err != nil {
		return nil, err
	}
	d.summary = &s
	detail := "summary of " + s.Month.String() + " drafted for " + itoa(len(s.Lists)) + " inventory lists"
	if at.After(s.Month.Deadline()) {
		detail += " after the deadline " + s.Month.Deadline().Format(time.RFC3339)
	}
	d.addEvent(at, actor, EventCreated, detail, map[string]any{"month": s.Month.String(), "lists": len(s.Lists)})
	return d, nil
}

// Late reports whether a summary was drafted after its month's deadline.
func (d *Declaration) Late() bool {
	return d.summary != nil && d.createdAt.After(d.summary.Month.Deadline())
}

// EditInventory replaces a draft inventory list's content (declaration_locked once submitted;
// wrong_kind for another kind). The parcel and exporter cannot change. Identical content is a
// no-op.
func (d *Declaration) EditInventory(in InventoryInput, at time.Time, actor string) error {
	if err := d.editable(KindInventory); err != nil {
		return err
	}
	inv, err := ValidateInventory(in)
	var v domain.Violations
	if err != nil {
		v.AddError("", err)
	}
	if strings.TrimSpace(in.ParcelID) != d.inventory.ParcelID {
		v.Add("parcelId", "immutable", "parcelId cannot change; draft a new inventory list")
	}
	if strings.TrimSpace(in.ExporterID) != d.exporterID {
		v.Add("exporterId", "immutable", "exporterId cannot change")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if reflect.DeepEqual(inv, *d.inventory) {
		return nil
	}
	d.inventory = &inv
	d.tradeMode = inv.Parcel.TradeMode
	d.addEvent(at, actor, EventEdited, "inventory list edited", nil)
	return nil
}

// EditEntry replaces a draft customs declaration (declaration_locked once submitted).
func (d *Declaration) EditEntry(draft EntryDraft, at time.Time, actor string) error {
	if err := d.editable(KindEntry); err != nil {
		return err
	}
	if d.Generated() {
		return domain.Errorf(domain.KindFailedPrecondition, "generated_by_customs",
			"customs generated this declaration from summary %s: it is declared as it is", d.entry.SummaryID)
	}
	e, err := ValidateEntry(draft)
	if err != nil {
		return err
	}
	if reflect.DeepEqual(e, *d.entry) {
		return nil
	}
	d.entry = &e
	d.tradeMode = e.TradeMode
	d.addEvent(at, actor, EventEdited, "customs declaration edited", nil)
	return nil
}

// EditCancelReason changes a draft cancellation's reason (declaration_locked once submitted).
func (d *Declaration) EditCancelReason(reason string, at time.Time, actor string) error {
	if err := d.editable(KindCancel); err != nil {
		return err
	}
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	if reason == d.cancel.Reason {
		return nil
	}
	d.cancel.Reason = reason
	d.addEvent(at, actor, EventEdited, "cancellation reason edited", nil)
	return nil
}

func (d *Declaration) editable(kind Kind) error {
	if d.kind != kind {
		return domain.Errorf(domain.KindFailedPrecondition, "wrong_kind", "this is a %s declaration, not %s", d.kind, kind)
	}
	if !d.status.Editable() {
		return domain.Errorf(domain.KindFailedPrecondition, "declaration_locked",
			"a %s declaration can no longer be edited", d.status)
	}
	return nil
}

// Submit records that the app handed the declaration's message to the gateway: guid (the
// message guid, CheckGUID), copNo (CheckCopNo) and the exact bytes sent. From draft it becomes
// submitted. Submitting again with the same guid is harmless (nothing changes). A declaration
// whose filing failed before customs took it (Resubmittable: send_failed, error) may be
// submitted again with a new guid — the previous filing goes to Filings, its late receipts are
// kept but never applied, and the numbers it got (preNo, ...) are left with it. Any other new guid
// is refused: FailedPrecondition already_submitted; a guid used before, Conflict guid_reused.
func (d *Declaration) Submit(guid, copNo string, message []byte, at time.Time) error {
	guid, copNo = strings.TrimSpace(guid), strings.TrimSpace(copNo)
	var v domain.Violations
	if err := CheckGUID(guid); err != nil {
		v.AddError("guid", err)
	}
	if err := CheckCopNo(copNo); err != nil {
		v.AddError("copNo", err)
	}
	if len(message) == 0 {
		v.Add("message", "required", "the message sent is required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if d.guid != "" && guid == d.guid {
		return nil
	}
	if d.knowsGUID(guid) || d.isCurrentGUID(guid) {
		return domain.Errorf(domain.KindConflict, "guid_reused", "guid %s was used by an earlier filing", guid)
	}
	data := map[string]any{"copNo": copNo}
	detail := "submitted as " + guid
	switch {
	case d.status == StatusDraft:
	case d.status.Resubmittable():
		f := Filing{
			GUID: d.guid, CopNo: d.copNo, SubmittedAt: d.submittedAt, Status: d.status, PreNo: d.preNo,
			EntryID: d.entryID, SumNo: d.sumNo, Message: d.message,
		}
		if d.kind == KindInventory {
			f.InvtNo, d.invtNo = d.invtNo, ""
		}
		d.filings = append(d.filings, f)
		data["previousGuid"] = d.guid
		data["resubmission"] = true
		detail = "resubmitted as " + guid + " after " + string(d.status) + " of " + d.guid
		d.preNo, d.entryID, d.sumNo, d.decTmpNo, d.entryIDs, d.failReason = "", "", "", "", nil, ""
	default:
		return domain.Errorf(domain.KindFailedPrecondition, "already_submitted",
			"the declaration was submitted as %s and is %s", d.guid, d.status)
	}
	d.guid, d.copNo, d.message, d.submittedAt = guid, copNo, slices.Clone(message), at.UTC()
	d.moveTo(StatusSubmitted, at, d.filerID, detail, data)
	return nil
}

// CancelledBy records that customs approved the cancellation declaration cancelID of this
// inventory list (the app calls it when that declaration is CancelApproved). The list becomes
// cancelled, a final status. Repeating it with the same cancellation is harmless; another one is
// FailedPrecondition already_cancelled. It is refused (not_cancellable) unless customs had the
// list and had not closed it (CanMove to cancelled: accepted .. released); wrong_kind for any
// declaration but an inventory list.
func (d *Declaration) CancelledBy(cancelID string, at time.Time) error {
	cancelID = strings.TrimSpace(cancelID)
	if cancelID == "" {
		return domain.InvalidField("cancelDeclarationId", "required", "the cancellation's id is required")
	}
	if d.kind != KindInventory {
		return domain.Errorf(domain.KindFailedPrecondition, "wrong_kind", "only an inventory list is cancelled by a cancellation")
	}
	if d.status == StatusCancelled {
		if d.cancelledBy == cancelID {
			return nil
		}
		return domain.Errorf(domain.KindFailedPrecondition, "already_cancelled",
			"the inventory list was cancelled by %s", d.cancelledBy)
	}
	if !CanMove(d.status, StatusCancelled) {
		return domain.Errorf(domain.KindFailedPrecondition, "not_cancellable",
			"a %s inventory list cannot be cancelled", d.status)
	}
	d.cancelledBy, d.cancelledAt = cancelID, at.UTC()
	d.moveTo(StatusCancelled, at, ActorCustoms, "cancelled by cancellation "+cancelID,
		map[string]any{"cancelDeclarationId": cancelID})
	return nil
}

// AssignToSummary puts a Summarisable inventory list into the summary summaryID (the app calls
// it for each list of a summary it files, so that no other summary takes the list).
// Repeating it is harmless; a list in another summary is FailedPrecondition already_summarised,
// one that is not summarisable FailedPrecondition not_summarisable.
func (d *Declaration) AssignToSummary(summaryID string, at time.Time, actor string) error {
	summaryID = strings.TrimSpace(summaryID)
	if summaryID == "" {
		return domain.InvalidField("summaryId", "required", "summaryId is required")
	}
	if d.summaryID == summaryID {
		return nil
	}
	if d.summaryID != "" {
		return domain.Errorf(domain.KindFailedPrecondition, "already_summarised",
			"the inventory list is in summary %s", d.summaryID)
	}
	if !d.Summarisable() {
		return domain.Errorf(domain.KindFailedPrecondition, "not_summarisable",
			"only a released inventory list with statisticsFlag B goes into a summary")
	}
	d.summaryID = summaryID
	d.addEvent(at, actor, EventSummaryAssigned, "in summary "+summaryID, map[string]any{"summaryId": summaryID})
	return nil
}

// UnassignFromSummary takes the list out of summary summaryID again — when that summary failed
// for good (rejected), so that another summary may take it. Harmless when it is not
// in that summary; FailedPrecondition already_summarised once the summary finished.
func (d *Declaration) UnassignFromSummary(summaryID string, at time.Time, actor string) error {
	summaryID = strings.TrimSpace(summaryID)
	if summaryID == "" || d.summaryID != summaryID {
		return nil
	}
	if !d.summarisedAt.IsZero() {
		return domain.Errorf(domain.KindFailedPrecondition, "already_summarised",
			"summary %s finished with this list", summaryID)
	}
	d.summaryID = ""
	d.addEvent(at, actor, EventSummaryUnassigned, "taken out of summary "+summaryID, map[string]any{"summaryId": summaryID})
	return nil
}

// MarkSummarised records that summary summaryID finished and produced entryIDs (see
// SummaryResult). The list must be in that summary (FailedPrecondition not_in_summary). Called
// again with more entry ids (a summary result may come in several parts) it adds the new ones;
// with nothing new it is harmless.
func (d *Declaration) MarkSummarised(summaryID string, entryIDs []string, at time.Time, actor string) error {
	summaryID = strings.TrimSpace(summaryID)
	if d.kind != KindInventory || summaryID == "" || d.summaryID != summaryID {
		return domain.Errorf(domain.KindFailedPrecondition, "not_in_summary",
			"the inventory list is not in summary %s", summaryID)
	}
	var added []string
	for _, e := range entryIDs {
		if e = strings.TrimSpace(e); e != "" && !slices.Contains(d.summaryEntryIDs, e) && !slices.Contains(added, e) {
			added = append(added, e)
		}
	}
	if !d.summarisedAt.IsZero() && len(added) == 0 {
		return nil
	}
	if d.summarisedAt.IsZero() {
		d.summarisedAt = at.UTC()
	}
	d.summaryEntryIDs = append(d.summaryEntryIDs, added...)
	d.addEvent(at, actor, EventSummarised, "summarised by "+summaryID+" into "+strings.Join(d.summaryEntryIDs, ", "),
		map[string]any{"summaryId": summaryID, "entryIds": slices.Clone(d.summaryEntryIDs)})
	return nil
}

// SummaryResult is what a finished summary (status cleared: its CEB792 arrived) produced;
// false for any other declaration or a summary not finished yet. Later CEB792 parts may add
// entry ids (EventNumbered): ask again then.
func (d *Declaration) SummaryResult() (SummaryResult, bool) {
	if d.kind != KindSummary || d.status != StatusCleared {
		return SummaryResult{}, false
	}
	return SummaryResult{SumNo: d.sumNo, EntryIDs: slices.Clone(d.entryIDs), Lists: slices.Clone(d.summary.Lists)}, true
}

func (d *Declaration) moveTo(to Status, at time.Time, actor, detail string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["from"] = string(d.status)
	d.status = to
	d.addEvent(at, actor, EventType(to), detail, data)
}

// addEvent appends a timeline entry and the matching outbox event.
func (d *Declaration) addEvent(at time.Time, actor, typ, detail string, extra map[string]any) {
	d.addTimeline(at, actor, typ, detail)
	d.addOutbox(at, actor, typ, detail, extra)
}

func (d *Declaration) addTimeline(at time.Time, actor, typ, detail string) {
	at = at.UTC()
	d.timeline = append(d.timeline, TimelineEntry{At: at, Type: typ, Status: d.status, Detail: detail, Actor: actor})
	d.updatedAt = at
}

func (d *Declaration) addOutbox(at time.Time, actor, typ, detail string, extra map[string]any) {
	data := map[string]any{
		"kind":       string(d.kind),
		"status":     string(d.status),
		"tradeMode":  d.tradeMode,
		"exporterId": d.exporterID,
		"filerId":    d.filerID,
		"actor":      actor,
	}
	if d.guid != "" {
		data["guid"] = d.guid
	}
	if pid := d.ParcelID(); pid != "" {
		data["parcelId"] = pid
	}
	if rel := d.computeReleasedAt(); !rel.IsZero() {
		data["releasedAt"] = rel // customs' release time, as ReleasedAt (app.Dashboard)
	}
	if d.departure != nil {
		data["departureId"] = d.departure.DepartureID
	}
	for k, v := range map[string]string{"preNo": d.preNo, "invtNo": d.invtNo, "entryId": d.entryID, "sumNo": d.sumNo} {
		if v != "" {
			data[k] = v
		}
	}
	if detail != "" {
		data["detail"] = detail
	}
	for k, v := range extra {
		data[k] = v
	}
	d.outbox = append(d.outbox, domain.NewEvent(aggregateName, d.id, d.version+1, len(d.outbox), typ, at, data))
}

func describe(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		s, _ := m[k].(string)
		parts[i] = k + " " + s
	}
	return strings.Join(parts, ", ")
}

func itoa(n int) string { return strconv.Itoa(n) }
