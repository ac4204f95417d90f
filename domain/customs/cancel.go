package customs

import (
	"strings"

	"github.com/silkgate/silkgate/domain"
)

// Cancellation is the content of a cancellation (撤销申请, CEB605) of an inventory list: which
// list (our declaration and customs' numbers of it), why, and the parties CEB605 names (those of
// the list).
type Cancellation struct {
	TargetID    string `json:"targetId"`    // the inventory declaration to cancel
	TargetGUID  string `json:"targetGuid"`  // its current guid
	TargetCopNo string `json:"targetCopNo"` // its copNo
	TargetPreNo string `json:"targetPreNo,omitempty"`
	InvtNo      string `json:"invtNo"` // customs' number of the list
	CustomsCode string `json:"customsCode"`
	AgentCode   string `json:"agentCode"`
	AgentName   string `json:"agentName"`
	EbcCode     string `json:"ebcCode"`
	EbcName     string `json:"ebcName"`
	Reason      string `json:"reason"`
}

// CanBeCancelled reports whether a cancellation (CEB605) of this inventory list may be filed
// now: customs accepted it (120, 300, 399) or released it (800) and gave it an invtNo, and it is
// not in a summary. Not while it is a draft or only submitted (withdraw the draft instead, or
// wait for customs), under inspection or detention (customs holds it), after rejection or return
// (nothing to cancel), after clearance (899: it left), or once cancelled. Departure is the
// parcel's business: the app also refuses when the parcel is loaded or departed.
func (d *Declaration) CanBeCancelled() bool {
	if d.kind != KindInventory || d.invtNo == "" || d.summaryID != "" {
		return false
	}
	switch d.status {
	case StatusAccepted, StatusManualReview, StatusReviewFinished, StatusReleased:
		return true
	}
	return false
}

// CancelApproved reports whether a cancellation declaration has been approved by customs —
// review finished (399), released (800) or cleared (899) — so that the app should call
// CancelledBy on its target. Deliberately not at 120: "accepted into the database" may still be
// followed by a rejection (100), which this package honours until release, and a list marked
// cancelled cannot come back.
func (d *Declaration) CancelApproved() bool {
	if d.kind != KindCancel {
		return false
	}
	switch d.status {
	case StatusReviewFinished, StatusReleased, StatusCleared:
		return true
	}
	return false
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	var v domain.Violations
	checkText(&v, "reason", reason, true, MaxReason)
	return reason, v.Err()
}
