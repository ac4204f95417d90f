package customs

import (
	"slices"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// knowsGUID reports whether guid is one of an earlier filing's (a departure document's: any of
// its heads').
func (d *Declaration) knowsGUID(guid string) bool {
	for _, f := range d.filings {
		if f.GUID == guid || d.kind == KindDeparture && slices.Contains(d.headGUIDsOf(f.GUID), guid) {
			return true
		}
	}
	return false
}

// isCurrentGUID reports whether guid is the current filing's: its guid, or for a departure
// document one of its heads' (HeadGUIDs).
func (d *Declaration) isCurrentGUID(guid string) bool {
	if d.guid == "" {
		return false
	}
	return guid == d.guid || d.kind == KindDeparture && slices.Contains(d.HeadGUIDs(), guid)
}

// ApplyReceipt takes one customs receipt about the declaration; at is when it is processed.
//
//   - A receipt that cannot be identified (no message, guid, returnStatus or returnTime) or is
//     another kind's message is Invalid; one for a draft is FailedPrecondition not_submitted;
//     one whose guid is neither the current filing's nor an earlier filing's is Conflict
//     guid_mismatch. Nothing is kept then.
//   - The same receipt again (same Key, whatever its ReceivedAt) is Duplicate: nothing changes,
//     no timeline entry, no event.
//   - Otherwise the receipt is kept (sorted by returnTime) and the outcome is Applied when it
//     moved the status (CanMove: only forward, never out of a final status), else Recorded —
//     older news, a previous filing's receipt, or an unknown return status. An unknown code is
//     not an error here: returning one would make the store drop the receipt; it is kept,
//     flagged in the timeline and announced by an EventReceiptUnknown event.
//   - A departure document's receipts may name any head of the filing (HeadGUIDs); with several
//     heads the status moves as the heads together (see the package comment).
//   - Numbers (preNo, invtNo, entryId, sumNo) are taken from the first receipt of the current
//     filing that carries them and never overwritten; a different value is recorded on the
//     receipt (Conflicts) and flagged (EventNumberConflict). A summary collects every entryId
//     its results carry (EntryIDs).
func (d *Declaration) ApplyReceipt(r Receipt, at time.Time) (Outcome, error) {
	r = r.normalized()
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = at.UTC()
	}
	if err := r.check(d.kind); err != nil {
		return "", err
	}
	if d.status == StatusDraft {
		return "", domain.Errorf(domain.KindFailedPrecondition, "not_submitted",
			"the declaration has not been submitted: no receipt can be about it")
	}
	current := d.isCurrentGUID(r.GUID)
	if !current && !d.knowsGUID(r.GUID) {
		return "", domain.Errorf(domain.KindConflict, "guid_mismatch",
			"receipt guid %s is not this declaration's (%s)", r.GUID, d.guid)
	}
	key := r.Key()
	for _, kept := range d.receipts {
		if kept.Key() == key {
			return Duplicate, nil
		}
	}

	rec := ReceiptRecord{Receipt: r, Current: current, Outcome: Recorded}
	status, codeErr := d.statusFor(r)
	rec.Status = status
	label := r.Message + " " + r.ReturnStatus
	if r.ReturnInfo != "" {
		label += " (" + r.ReturnInfo + ")"
	}

	// A departure document of several heads moves as all its heads together (departureStatus).
	target, head := status, status
	if current && codeErr == nil && len(d.HeadGUIDs()) > 1 {
		target, head = d.departureStatus(rec)
	}
	var assigned map[string]any
	if current && r.GUID == d.guid {
		// A departure's other heads have preNos of their own: the declaration's is the first
		// head's, the others stay on their receipts.
		assigned, rec.Conflicts = d.takeNumbers(r)
	}
	switch {
	case !current:
		rec.Note = "answers the earlier filing " + r.GUID + "; kept, not applied"
	case codeErr != nil:
		rec.Note = "unknown return status " + quote(r.ReturnStatus) + "; kept, not applied"
	case !CanMove(d.status, target):
		rec.Note = d.whyNotMoved(target)
		if target != head && head != d.status {
			rec.Note = "head " + r.GUID + " is " + string(head) + "; the departure document stands " +
				string(target) + " until its other heads get there; kept"
		}
	default:
		rec.Outcome = Applied
	}
	d.keep(rec)

	moved := -1 // the outbox event of the status this receipt moved the declaration to
	if rec.Outcome == Applied {
		data := map[string]any{"returnStatus": r.ReturnStatus, "message": r.Message, "receiptGuid": r.GUID}
		if r.ReturnInfo != "" {
			data["returnInfo"] = r.ReturnInfo
		}
		for k, v := range assigned {
			data[k] = v
		}
		d.failReason = ""
		switch target {
		case StatusRejected, StatusError, StatusSendFailed:
			d.failReason = r.ReturnInfo
			data["reason"] = r.ReturnInfo
		}
		d.moveTo(target, at, ActorCustoms, "receipt "+label, data)
		moved = len(d.outbox) - 1
	} else {
		typ := TimelineReceiptRecorded
		if codeErr != nil && current {
			typ = EventReceiptUnknown
		}
		d.addTimeline(at, ActorCustoms, typ, "receipt "+label+": "+rec.Note)
		if typ == EventReceiptUnknown {
			d.addOutbox(at, ActorCustoms, typ, rec.Note, map[string]any{
				"returnStatus": r.ReturnStatus, "message": r.Message, "receiptGuid": r.GUID})
		}
		if len(assigned) > 0 {
			d.addEvent(at, ActorCustoms, EventNumbered, "numbers from receipt "+label+": "+describe(assigned), assigned)
		}
	}
	for _, field := range rec.Conflicts {
		have, got := d.number(field), receiptNumber(r, field)
		d.addEvent(at, ActorCustoms, EventNumberConflict,
			"receipt "+label+" carries "+field+" "+got+", the declaration has "+have+"; not applied",
			map[string]any{"field": field, "have": have, "got": got, "receiptGuid": r.GUID, "returnStatus": r.ReturnStatus})
	}
	d.releasedAt = d.computeReleasedAt()
	if moved >= 0 && (target == StatusReleased || target == StatusCleared) {
		// The release event carries the clearance time (submission to customs' release), for
		// the subscribers that measure it.
		if took, ok := d.ClearanceTime(); ok {
			d.outbox[moved].Data["clearanceMs"] = took.Milliseconds()
		}
	}
	d.updatedAt = at.UTC()
	return rec.Outcome, nil
}

// statusFor is the status a receipt stands for: a summary result (CEB792) stands for the state
// of the entry declaration the summary generated (SummaryResultStatus); an entry declaration's
// receipt may carry a channel letter.
func (d *Declaration) statusFor(r Receipt) (Status, error) {
	if r.Message == MessageSummaryResult {
		return SummaryResultStatus(r.ReturnStatus)
	}
	if d.kind == KindEntry && len(r.ReturnStatus) == 1 && r.ReturnStatus[0] >= 'A' && r.ReturnStatus[0] <= 'Z' {
		return StatusForChannel(r.ReturnStatus)
	}
	return StatusForReturnCode(r.ReturnStatus)
}

func (d *Declaration) whyNotMoved(to Status) string {
	switch {
	case to == d.status:
		return "repeats status " + string(to) + "; kept"
	case d.status.Final():
		return "the declaration is " + string(d.status) + " (final); kept, not applied"
	default:
		return string(to) + " does not outrank " + string(d.status) + "; kept, not applied"
	}
}

// keep inserts a receipt in returnTime order (then Key, so that the order does not depend on
// arrival).
func (d *Declaration) keep(rec ReceiptRecord) {
	d.receipts = insertSorted(d.receipts, rec)
}

func insertSorted(rs []ReceiptRecord, rec ReceiptRecord) []ReceiptRecord {
	k := rec.Key()
	i, _ := slices.BinarySearchFunc(rs, rec, func(a, b ReceiptRecord) int {
		if c := a.ReturnTime.Compare(b.ReturnTime); c != 0 {
			return c
		}
		return strings.Compare(a.Key(), k)
	})
	return slices.Insert(rs, i, rec)
}

// takeNumbers assigns the numbers a current-filing receipt brings to a declaration that has
// none yet, and lists those that differ from what it has.
func (d *Declaration) takeNumbers(r Receipt) (assigned map[string]any, conflicts []string) {
	take := func(field string, have *string, got string) {
		switch {
		case got == "" || got == *have:
		case *have == "":
			*have = got
			if assigned == nil {
				assigned = map[string]any{}
			}
			assigned[field] = got
		default:
			conflicts = append(conflicts, field)
		}
	}
	take("preNo", &d.preNo, r.PreNo)
	switch d.kind {
	case KindInventory, KindCancel:
		take("invtNo", &d.invtNo, r.InvtNo)
	case KindEntry:
		take("entryId", &d.entryID, r.EntryID)
	case KindDeparture, KindOrder, KindPayment, KindWaybill, KindArrival:
		// preNo only: customs numbers a departure document or one of the three documents no further.
	case KindSummary:
		take("sumNo", &d.sumNo, r.SumNo)
		take("decTmpNo", &d.decTmpNo, r.DecTmpNo)
		if r.EntryID != "" && !slices.Contains(d.entryIDs, r.EntryID) {
			d.entryIDs = append(d.entryIDs, r.EntryID)
			if assigned == nil {
				assigned = map[string]any{}
			}
			assigned["entryId"] = r.EntryID
		}
	}
	return assigned, conflicts
}

func (d *Declaration) number(field string) string {
	switch field {
	case "preNo":
		return d.preNo
	case "invtNo":
		return d.invtNo
	case "entryId":
		return d.entryID
	case "sumNo":
		return d.sumNo
	case "decTmpNo":
		return d.decTmpNo
	}
	return ""
}

func receiptNumber(r Receipt, field string) string {
	switch field {
	case "preNo":
		return r.PreNo
	case "invtNo":
		return r.InvtNo
	case "entryId":
		return r.EntryID
	case "sumNo":
		return r.SumNo
	case "decTmpNo":
		return r.DecTmpNo
	}
	return ""
}

// computeReleasedAt is customs' release time while the declaration stands released or cleared:
// the earliest returnTime of the current filing's 800 receipts, else of its 899 receipts
// (clearance implies release). Derived from the kept receipts, so it does not depend on the
// order they arrived in. A cancelled list keeps the release time it had.
func (d *Declaration) computeReleasedAt() time.Time {
	switch d.status {
	case StatusReleased, StatusCleared:
	case StatusCancelled:
		return d.releasedAt
	default:
		return time.Time{}
	}
	var rel, clr time.Time
	for _, rr := range d.receipts {
		if !d.isCurrentGUID(rr.GUID) {
			continue
		}
		switch {
		case rr.Status == StatusReleased && (rel.IsZero() || rr.ReturnTime.Before(rel)):
			rel = rr.ReturnTime
		case rr.Status == StatusCleared && (clr.IsZero() || rr.ReturnTime.Before(clr)):
			clr = rr.ReturnTime
		}
	}
	if !rel.IsZero() {
		return rel
	}
	return clr
}
