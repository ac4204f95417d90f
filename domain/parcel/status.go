package parcel

import "slices"

// Status is where a parcel stands between registration and arrival abroad.
type Status string

// The parcel statuses, in the order a parcel normally passes them.
const (
	StatusRegistered Status = "registered" // entered by the exporter; editable
	StatusDeclared   Status = "declared"   // inventory list (CEB603) filed with customs
	StatusAccepted   Status = "accepted"   // customs took the list into its database (returnStatus 120)
	StatusInspection Status = "inspection" // customs ordered an inspection (查验, 500)
	StatusReleased   Status = "released"   // customs released the goods (放行, 800)
	StatusLoaded     Status = "loaded"     // stowed in a container booked on a departure
	StatusDeparted   Status = "departed"   // the train (or ship) left
	StatusArrived    Status = "arrived"    // arrived at destination; final
	StatusRejected   Status = "rejected"   // customs refused the list (退单, 100); editable, may be declared again
	StatusCancelled  Status = "cancelled"  // withdrawn by the exporter; final
	StatusWithdrawn  Status = "withdrawn"  // customs withdrew its release: the list was cancelled (CEB605); final
)

// transitions lists, for each status, the statuses a parcel may move to.
//
//	registered → declared | cancelled
//	declared   → accepted | inspection | released | rejected
//	accepted   → inspection | released | rejected
//	inspection → released | rejected
//	released   → loaded | withdrawn
//	loaded     → departed | withdrawn
//	departed   → arrived
//	rejected   → declared | cancelled
//	arrived, cancelled, withdrawn: final
//
// Customs receipts arrive asynchronously and sometimes out of order (docs/customs.md §3), so a
// declared parcel may go straight to inspection or released when the "accepted" receipt (120)
// comes late or not at all: inspection and release both imply acceptance. A receipt older than
// the state already reached (an "accepted" after "released") is refused as illegal_transition;
// whoever applies receipts treats that as stale.
//
// Cancellation: a real zone lets the exporter withdraw a parcel only while no inventory list of
// it is alive at customs — before it is declared, or after customs rejected the list. Once a list
// is declared (and a fortiori accepted or released) withdrawing it needs a cancellation filing
// with customs (CEB605 撤销申请) and customs' answer; that is the customs package's business,
// not a plain status change here. Released goods are under customs supervision until they leave.
//
// Withdrawal: when customs approves the cancellation of a released list, its release no longer
// holds. The parcel becomes withdrawn (WithdrawRelease): it may not be loaded, and one already in
// a container comes off it (the rail context takes it out of the container on the withdrawal's
// event). A list cancelled before release makes the parcel rejected, then cancelled, as before.
// Goods that left with their train cannot be withdrawn: the cancellation is noted on the
// timeline and the status stays (docs/customs.md §3.4).
var transitions = map[Status][]Status{
	StatusRegistered: {StatusDeclared, StatusCancelled},
	StatusDeclared:   {StatusAccepted, StatusInspection, StatusReleased, StatusRejected},
	StatusAccepted:   {StatusInspection, StatusReleased, StatusRejected},
	StatusInspection: {StatusReleased, StatusRejected},
	StatusReleased:   {StatusLoaded, StatusWithdrawn},
	StatusLoaded:     {StatusDeparted, StatusWithdrawn},
	StatusDeparted:   {StatusArrived},
	StatusRejected:   {StatusDeclared, StatusCancelled},
	StatusArrived:    nil,
	StatusCancelled:  nil,
	StatusWithdrawn:  nil,
}

var allStatuses = []Status{
	StatusRegistered, StatusDeclared, StatusAccepted, StatusInspection, StatusReleased,
	StatusLoaded, StatusDeparted, StatusArrived, StatusRejected, StatusCancelled, StatusWithdrawn,
}

// Statuses lists every status.
func Statuses() []Status { return slices.Clone(allStatuses) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(allStatuses, s) }

// Editable reports whether a parcel in s may be edited: before it is declared, or after
// customs rejected it.
func (s Status) Editable() bool { return s == StatusRegistered || s == StatusRejected }

// Final reports whether nothing more can happen to a parcel in s.
func (s Status) Final() bool {
	return s == StatusArrived || s == StatusCancelled || s == StatusWithdrawn
}

// CanTransition reports whether a parcel may move from one status to another. Staying in the
// same status is not a transition (the methods treat some repeats as harmless; see Parcel).
func CanTransition(from, to Status) bool {
	return slices.Contains(transitions[from], to)
}

// eventType is the outbox and timeline type of reaching s: "parcel.declared" and so on.
func eventType(s Status) string { return "parcel." + string(s) }

// Event and timeline types. Every transition's type is "parcel." + the status reached.
const (
	EventRegistered = "parcel.registered"
	EventEdited     = "parcel.edited"
	EventDeclared   = "parcel.declared"
	EventAccepted   = "parcel.accepted"
	EventInspection = "parcel.inspection"
	EventReleased   = "parcel.released"
	EventLoaded     = "parcel.loaded"
	EventDeparted   = "parcel.departed"
	EventArrived    = "parcel.arrived"
	EventRejected   = "parcel.rejected"
	EventCancelled  = "parcel.cancelled"
	EventWithdrawn  = "parcel.withdrawn"
	// EventListCancelledAfterDeparture notes a cancellation customs approved for goods that had
	// left already; it changes no status.
	EventListCancelledAfterDeparture = "parcel.list_cancelled_after_departure"
)
