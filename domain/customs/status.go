package customs

import (
	"slices"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

// Status is where a declaration stands. Customs' receipts drive it (see the package comment for
// the precedence); Submit and CancelledBy are the only other ways it moves.
type Status string

// The declaration statuses. The comment names the returnStatus that leads to each.
const (
	StatusDraft          Status = "draft"           // made, editable, not yet handed to the gateway
	StatusSubmitted      Status = "submitted"       // the message went to the gateway; no receipt yet
	StatusStaged         Status = "staged"          // 1: saved at E-Port only (appStatus 1)
	StatusDeclaring      Status = "declaring"       // 2: E-Port is declaring it
	StatusSent           Status = "sent"            // 3: E-Port sent it to customs
	StatusSendFailed     Status = "send_failed"     // 4: E-Port could not send it; resubmittable
	StatusError          Status = "error"           // negative code: processing error; resubmittable
	StatusAccepted       Status = "accepted"        // 120: in the customs database
	StatusManualReview   Status = "manual_review"   // 300: an officer is reviewing it
	StatusReviewFinished Status = "review_finished" // 399: review concluded (审结)
	StatusInspection     Status = "inspection"      // 500: inspection ordered (查验)
	StatusRejected       Status = "rejected"        // 100: refused (退单); final for this filing
	StatusReleased       Status = "released"        // 800: released (放行)
	StatusCleared        Status = "cleared"         // 899: cleared (结关); final
	StatusCancelled      Status = "cancelled"       // withdrawn through a CEB605 cancellation; final
)

// rank orders the statuses by how far a filing got. A receipt moves a declaration only to a
// status of higher rank (and never out of a final status): see CanMove.
var rank = map[Status]int{
	StatusDraft:          0,
	StatusSubmitted:      1,
	StatusStaged:         2,
	StatusDeclaring:      3,
	StatusSendFailed:     4,
	StatusSent:           5,
	StatusError:          6,
	StatusAccepted:       7,
	StatusManualReview:   8,
	StatusReviewFinished: 9,
	StatusInspection:     10,
	StatusRejected:       11,
	StatusReleased:       12,
	StatusCleared:        13,
	StatusCancelled:      14,
}

var allStatuses = []Status{
	StatusDraft, StatusSubmitted, StatusStaged, StatusDeclaring, StatusSendFailed, StatusSent,
	StatusError, StatusAccepted, StatusManualReview, StatusReviewFinished, StatusInspection,
	StatusRejected, StatusReleased, StatusCleared, StatusCancelled,
}

// Statuses lists every status in rank order.
func Statuses() []Status { return slices.Clone(allStatuses) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := rank[s]; return ok }

// Rank is s's place in the precedence order (higher = further along); -1 for an unknown status.
func (s Status) Rank() int {
	r, ok := rank[s]
	if !ok {
		return -1
	}
	return r
}

// Final reports whether nothing can change the status any more: rejected, cleared and
// cancelled. Receipts that arrive later are kept but never applied.
//
// Released is deliberately not final, for any kind: customs may still close the list with 899
// after departure, and a released inventory list may still be cancelled (CEB605) before it
// leaves. "The clearance story is over" for a parcel or a summary is Released() (released or
// cleared), not Final().
func (s Status) Final() bool {
	return s == StatusRejected || s == StatusCleared || s == StatusCancelled
}

// Resubmittable reports whether the filing failed before customs took it (send failed, or a
// processing error), so that the same content may be submitted again under a new guid.
func (s Status) Resubmittable() bool { return s == StatusSendFailed || s == StatusError }

// Editable reports whether the content may still be changed: only a draft.
func (s Status) Editable() bool { return s == StatusDraft }

// CanMove reports whether customs' word that a declaration is now in `to` moves a declaration
// in `from` (a receipt, or the approval of a cancellation). The rule, in full:
//
//   - nothing moves a draft (it was never sent) and nothing moves to draft or submitted;
//   - nothing moves out of a final status (rejected, cleared, cancelled);
//   - cancelled is reached only from accepted, manual_review, review_finished, inspection or
//     released: customs had the list and had not closed it;
//   - otherwise the move happens exactly when `to` outranks `from` (Status.Rank).
//
// The rank order is: submitted < staged(1) < declaring(2) < send_failed(4) < sent(3) <
// error(<0) < accepted(120) < manual_review(300) < review_finished(399) < inspection(500) <
// rejected(100) < released(800) < cleared(899) < cancelled.
func CanMove(from, to Status) bool {
	if from == to || !from.Valid() || !to.Valid() {
		return false
	}
	if from == StatusDraft || to == StatusDraft || to == StatusSubmitted || from.Final() {
		return false
	}
	if to == StatusCancelled {
		switch from {
		case StatusAccepted, StatusManualReview, StatusReviewFinished, StatusInspection,
			StatusReleased:
			return true
		}
		return false
	}
	return rank[to] > rank[from]
}

// returnCodes maps the returnStatus values of the export receipts (CEB604 and the others of the
// 2022-05 export specification, docs/customs.md §3.3) to statuses. The import-only codes of the
// import inventory receipt CEB622 — 501, 502, 503, 599 (扣留) and 700 (退运) — are not among
// them: an export filing that received one would keep it as an unknown code (see ApplyReceipt),
// flagged for a person, and move nothing.
var returnCodes = map[string]Status{
	"1":   StatusStaged,
	"2":   StatusDeclaring,
	"3":   StatusSent,
	"4":   StatusSendFailed,
	"100": StatusRejected,
	"120": StatusAccepted,
	"300": StatusManualReview,
	"399": StatusReviewFinished,
	"500": StatusInspection,
	"800": StatusReleased,
	"899": StatusCleared,
}

// returnMeanings are the Chinese meanings the export specification gives the codes (CEB604
// 回执状态: "1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/
// 300人工审核/500海关查验/399海关审结/800放行/899结关"), with an English gloss.
var returnMeanings = map[string]string{
	"1":   "电子口岸已暂存 staged at E-Port",
	"2":   "电子口岸申报中 E-Port declaring",
	"3":   "发送海关成功 sent to customs",
	"4":   "发送海关失败 sending to customs failed",
	"100": "海关退单 rejected by customs",
	"120": "海关入库 accepted into the customs database",
	"300": "人工审核 manual review",
	"399": "海关审结 review finished",
	"500": "海关查验 inspection",
	"800": "放行 released",
	"899": "结关 cleared",
}

// ReturnCodes lists the positive returnStatus codes StatusForReturnCode knows, in numeric order:
// the export set 1, 2, 3, 4, 100, 120, 300, 399, 500, 800, 899. Any negative integer is known
// too (a processing error).
func ReturnCodes() []string {
	return []string{"1", "2", "3", "4", "100", "120", "300", "399", "500", "800", "899"}
}

// ReturnCodeMeaning is the specification's meaning of a returnStatus, in Chinese with an English
// gloss: "海关入库 accepted into the customs database" for "120", "处理异常 processing error" for a
// negative code, and "" for a code the export specification does not list.
func ReturnCodeMeaning(c string) string {
	if m, ok := returnMeanings[c]; ok {
		return m
	}
	if s, err := StatusForReturnCode(c); err == nil && s == StatusError {
		return "处理异常 processing error"
	}
	return ""
}

// StatusForReturnCode maps a CEB returnStatus to a status: the codes of ReturnCodes, and any
// negative integer ("-1", "-301010") to error. Anything else — "0", "-0", "+120", "0120", a
// code customs may add one day — is an Invalid error with code unknown_return_status (a
// declaration still keeps such a receipt; see ApplyReceipt).
func StatusForReturnCode(c string) (Status, error) {
	if s, ok := returnCodes[c]; ok {
		return s, nil
	}
	if len(c) >= 2 && len(c) <= 10 && c[0] == '-' && allDigits(c[1:]) && c[1] != '0' {
		return StatusError, nil
	}
	return "", domain.InvalidField("returnStatus", "unknown_return_status",
		"unknown customs return status "+quote(c))
}

// channelCodes maps the channel statuses of a full customs declaration (报关单, docs/customs.md §4).
// T (duties payable) comes after the review and before release, so it counts as
// review_finished; D (deleted at the filer's request) is the declaration's cancellation.
var channelCodes = map[string]Status{
	"L": StatusAccepted,
	"E": StatusRejected,
	"J": StatusReviewFinished,
	"G": StatusReviewFinished,
	"T": StatusReviewFinished,
	"C": StatusInspection,
	"P": StatusReleased,
	"R": StatusCleared,
	"D": StatusCancelled,
}

// DecStateStaged is the decState of a summary result (CEB792) that reports the declaration the
// summary generated, staged at E-Port under its temporary number (decTmpNo) for the broker to
// declare [U]: the specification names decState ("报关单状态, 后续汇总结果单返回") without listing
// its values.
const DecStateStaged = "0"

// SummaryResultStatus is the status a summary result's decState stands for. The first result
// reports the generated declaration staged (DecStateStaged, or no state): the summary stays
// accepted. Later results carry the declaration system's channel letters (StatusForChannel):
// L accepted (entryId assigned), E rejected, J / G / T review finished, C inspection, P
// released, R cleared, D deleted. A summary is cleared only when customs' decState says so (R).
func SummaryResultStatus(decState string) (Status, error) {
	if decState == DecStateStaged || decState == "" {
		return StatusAccepted, nil
	}
	return StatusForChannel(decState)
}

// StatusForChannel maps an entry declaration's channel status letter (L, E, J, G, T, C, P, R,
// D) to a status; anything else is an Invalid error unknown_return_status. An entry
// declaration's receipt may carry either such a letter or a numeric returnStatus.
func StatusForChannel(c string) (Status, error) {
	if s, ok := channelCodes[c]; ok {
		return s, nil
	}
	return "", domain.InvalidField("returnStatus", "unknown_return_status",
		"unknown customs channel status "+quote(c))
}

// ParcelStatusFor maps a declaration status to the parcel status the app should drive the
// declared parcel to; false means "leave the parcel alone":
//
//	submitted, staged, declaring, sent           → declared
//	accepted, manual_review, review_finished     → accepted
//	inspection                                   → inspection
//	released, cleared                            → released
//	rejected, send_failed, error                 → rejected
//	draft                                        → (none)
//	cancelled                                    → (none, see below)
//
// Cancelled has no counterpart: the parcel machine (domain/parcel) lets a parcel be cancelled
// only from registered or rejected, and a released parcel can only be loaded. So when a
// cancellation is approved the app should: for a parcel still declared, accepted or in
// inspection, Reject it (reason "inventory list cancelled by <cancel id>") and then Cancel it;
// for a released parcel there is no legal move today — domain/parcel needs a transition
// released → cancelled (or → registered) for an approved CEB605, until then the app records
// the cancellation on the declaration only and flags the parcel for the operator.
//
// When customs' progress supersedes a send failure or an error (a 120 after a 4 for the same
// guid), the parcel stands rejected and rejected → accepted is not a parcel transition: the
// app declares the parcel again under the same declaration id (rejected → declared is legal)
// and then follows the declaration.
func ParcelStatusFor(s Status) (parcel.Status, bool) {
	switch s {
	case StatusSubmitted, StatusStaged, StatusDeclaring, StatusSent:
		return parcel.StatusDeclared, true
	case StatusAccepted, StatusManualReview, StatusReviewFinished:
		return parcel.StatusAccepted, true
	case StatusInspection:
		return parcel.StatusInspection, true
	case StatusReleased, StatusCleared:
		return parcel.StatusReleased, true
	case StatusRejected, StatusSendFailed, StatusError:
		return parcel.StatusRejected, true
	}
	return "", false
}

// Event and timeline types. Every status change is "declaration." + the status reached
// (EventType); the others are below. Timeline entries of type TimelineReceiptRecorded have no
// outbox event: a receipt that was kept but changed nothing is history, not news.
const (
	EventCreated            = "declaration.created"
	EventEdited             = "declaration.edited"
	EventSubmitted          = "declaration.submitted"
	EventNumbered           = "declaration.numbered"           // a receipt that moved nothing brought a number
	EventNumberConflict     = "declaration.number_conflict"    // a receipt carried a different number: kept, not applied
	EventReceiptUnknown     = "declaration.receipt_unknown"    // a receipt with an unknown return status: kept
	EventSummaryAssigned    = "declaration.summary_assigned"   // an inventory list was put into a summary
	EventSummaryUnassigned  = "declaration.summary_unassigned" // ... and taken out again (the summary failed)
	EventSummarised         = "declaration.summarised"         // ... and the summary produced its declarations
	TimelineReceiptRecorded = "receipt.recorded"               // timeline only
)

// EventType is the event and timeline type of reaching s: "declaration.accepted" and so on.
func EventType(s Status) string { return "declaration." + string(s) }
