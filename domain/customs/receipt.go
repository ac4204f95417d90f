package customs

import (
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// Receipt messages (docs/customs.md §3). An entry declaration's receipts come from the Single
// Window declaration system, not CEB; any message name other than the CEB receipts of the other
// kinds is accepted for them.
const (
	MessageInventoryReceipt = "CEB604" // answers CEB603
	MessageCancelReceipt    = "CEB606" // answers CEB605
	MessageSummaryReceipt   = "CEB702" // answers CEB701
	MessageSummaryResult    = "CEB792" // the summary's result: the declarations it produced
	MessageDepartureReceipt = "CEB510" // answers CEB509
	MessageFormatError      = "CEB900" // format or schema error, for any CEB message
)

// receiptMessages are the receipt messages each kind accepts (besides CEB900).
var receiptMessages = map[Kind][]string{
	KindInventory: {MessageInventoryReceipt},
	KindCancel:    {MessageCancelReceipt},
	KindSummary:   {MessageSummaryReceipt, MessageSummaryResult},
	KindDeparture: {MessageDepartureReceipt},
	KindOrder:     {MessageOrderReceipt},
	KindPayment:   {MessagePaymentReceipt},
	KindWaybill:   {MessageWaybillReceipt},
	KindArrival:   {MessageArrivalReceipt},
}

// Receipt is one answer of customs about one filing, as the Single Window adapter reads it.
// Several arrive per filing, sometimes twice, sometimes out of order.
//
// For a summary result (CEB792), which has no returnStatus, the adapter puts decState in
// ReturnStatus and opDate in ReturnTime; its entryId (one per declaration produced) in EntryID
// and E-Port's temporary number of the generated declaration in DecTmpNo.
type Receipt struct {
	Message      string    `json:"message"`      // "CEB604", ...
	GUID         string    `json:"guid"`         // the guid of the filing it answers
	ReturnStatus string    `json:"returnStatus"` // "120", "-1", or (entry) a channel letter
	ReturnTime   time.Time `json:"returnTime"`   // customs' time (17 digits, milliseconds)
	ReturnInfo   string    `json:"returnInfo,omitempty"`
	PreNo        string    `json:"preNo,omitempty"`
	InvtNo       string    `json:"invtNo,omitempty"`
	EntryID      string    `json:"entryId,omitempty"`
	SumNo        string    `json:"sumNo,omitempty"`    // summaries: customs' summary number (CEB702, CEB792)
	DecTmpNo     string    `json:"decTmpNo,omitempty"` // summaries: E-Port's temporary number of the generated declaration (CEB792)
	ReceivedAt   time.Time `json:"receivedAt"`         // when we received it; not part of its identity
}

// normalized trims the strings, upper-cases the guid and puts the times in UTC.
func (r Receipt) normalized() Receipt {
	r.Message = strings.ToUpper(strings.TrimSpace(r.Message))
	r.GUID = strings.ToUpper(strings.TrimSpace(r.GUID))
	r.ReturnStatus = strings.TrimSpace(r.ReturnStatus)
	r.ReturnInfo = strings.TrimSpace(r.ReturnInfo)
	r.PreNo = strings.TrimSpace(r.PreNo)
	r.InvtNo = strings.TrimSpace(r.InvtNo)
	r.EntryID = strings.TrimSpace(r.EntryID)
	r.SumNo = strings.TrimSpace(r.SumNo)
	r.DecTmpNo = strings.TrimSpace(r.DecTmpNo)
	r.ReturnTime = r.ReturnTime.UTC()
	r.ReceivedAt = r.ReceivedAt.UTC()
	return r
}

// Key identifies a receipt: (guid, returnStatus, returnTime). The same receipt delivered twice
// — also with another ReceivedAt — has the same key. A summary result (CEB792) adds its entryId,
// because one summary operation may produce several declarations with the same decState and
// opDate. Key normalises first, so " 120 " and "120" are the same.
func (r Receipt) Key() string {
	n := r.normalized()
	k := n.GUID + "|" + n.ReturnStatus + "|" + n.ReturnTime.Format(time.RFC3339Nano)
	if n.Message == MessageSummaryResult {
		k += "|" + n.EntryID + "|" + n.DecTmpNo
	}
	return k
}

// check refuses a receipt that cannot be identified or does not belong to kind.
func (r Receipt) check(kind Kind) error {
	var v domain.Violations
	if r.Message == "" {
		v.Add("message", "required", "message is required")
	} else if !messageFits(kind, r.Message) {
		v.Add("message", "unexpected_message", "a "+string(kind)+" declaration does not receive "+r.Message)
	}
	if r.GUID == "" {
		v.Add("guid", "required", "guid is required")
	}
	if r.ReturnStatus == "" {
		v.Add("returnStatus", "required", "returnStatus is required")
	}
	if r.ReturnTime.IsZero() {
		v.Add("returnTime", "required", "returnTime is required")
	}
	for _, n := range []struct {
		field, val string
		max        int
	}{{"preNo", r.PreNo, PreNoLength}, {"invtNo", r.InvtNo, MaxInvtNo}, {"entryId", r.EntryID, EntryIDLength}, {"sumNo", r.SumNo, 18}, {"decTmpNo", r.DecTmpNo, 18}} {
		if len(n.val) > n.max {
			v.Add(n.field, "too_long", n.field+" is too long for customs' number")
		}
	}
	return v.Err()
}

func messageFits(kind Kind, m string) bool {
	if m == MessageFormatError {
		return true
	}
	if kind == KindEntry {
		for _, ms := range receiptMessages {
			for _, other := range ms {
				if m == other {
					return false
				}
			}
		}
		return true
	}
	for _, ok := range receiptMessages[kind] {
		if m == ok {
			return true
		}
	}
	return false
}

// Outcome is what ApplyReceipt did with a receipt.
type Outcome string

// Receipt outcomes.
const (
	// Applied: the receipt was kept and moved the declaration's status.
	Applied Outcome = "applied"
	// Recorded: the receipt was kept but did not move the status — it was older news (a 120
	// after an 800), it answered a previous filing (an old guid), it came after a final status,
	// or its return status is unknown. It may still have brought a number.
	Recorded Outcome = "recorded"
	// Duplicate: the same receipt (same Key) was kept already; nothing changed at all.
	Duplicate Outcome = "duplicate"
)

// ReceiptRecord is a kept receipt: the receipt as received plus what the declaration made of
// it. Receipts are kept sorted by ReturnTime (then Key).
type ReceiptRecord struct {
	Receipt
	Status    Status   `json:"status,omitempty"` // what its return status means; "" when unknown
	Outcome   Outcome  `json:"outcome"`          // Applied or Recorded
	Current   bool     `json:"current"`          // it answered the filing current when it arrived
	Note      string   `json:"note,omitempty"`   // why it was only recorded
	Conflicts []string `json:"conflicts,omitempty"`
}

// TimelineEntry is one thing that happened to a declaration: what (Type: an Event… constant,
// EventType(status) or TimelineReceiptRecorded), the status it left the declaration in, when,
// by whom (an organisation, or "customs"), and a readable detail.
type TimelineEntry struct {
	At     time.Time `json:"at"`
	Type   string    `json:"type"`
	Status Status    `json:"status"`
	Detail string    `json:"detail,omitempty"`
	Actor  string    `json:"actor"`
}

// ActorCustoms is the actor of everything receipts do.
const ActorCustoms = "customs"
