package party

import (
	"slices"
	"time"
)

// Tenancy: who may see and act on what. It is one policy for every context of the service —
// parcels, declarations, bookings and organisations — so that a rule changes in one place:
//
//   - the zone operator sees everything;
//   - an exporter sees its own records;
//   - a broker sees the records of the exporters that authorise it now: an active agreement
//     whose validity period holds the moment of asking. A broker whose agreement ended or has
//     not yet begun keeps nothing of the records it worked on;
//   - an organisation sees itself and the organisations it has a pending or active agreement
//     with (that is how a counterparty is confirmed);
//   - what a caller may not see does not exist for it (not found), never "forbidden".

// Visibility is the set of exporters whose records an organisation may see and act on.
type Visibility struct {
	all       bool
	exporters []string
}

// VisibilityOf applies the policy: kind and orgID describe the caller, auths are the broker's
// active agreements (ignored for the other kinds; every one of them, not a page), at is now.
func VisibilityOf(kind Kind, orgID string, auths []*Authorization, at time.Time) Visibility {
	switch kind {
	case KindOperator:
		return Visibility{all: true}
	case KindExporter:
		return Visibility{exporters: []string{orgID}}
	case KindBroker:
		v := Visibility{exporters: []string{}}
		for _, a := range auths {
			if a.brokerID == orgID && a.InForce(at) && !slices.Contains(v.exporters, a.exporterID) {
				v.exporters = append(v.exporters, a.exporterID)
			}
		}
		return v
	}
	return Visibility{exporters: []string{}}
}

// All reports whether every exporter is visible (the operator).
func (v Visibility) All() bool { return v.all }

// Covers reports whether the records of exporterID are visible.
func (v Visibility) Covers(exporterID string) bool {
	return v.all || slices.Contains(v.exporters, exporterID)
}

// Exporters lists the visible exporters; nil when all are (see All).
func (v Visibility) Exporters() []string {
	if v.all {
		return nil
	}
	return slices.Clone(v.exporters)
}

// Restrict narrows a list filter's exporters to the visible ones: asked is what the caller named
// (nil: no preference), the answer what the store may be asked for (nil: all of them).
func (v Visibility) Restrict(asked []string) []string {
	switch {
	case v.all:
		return asked
	case asked == nil:
		return v.Exporters()
	}
	return slices.DeleteFunc(slices.Clone(asked), func(id string) bool { return !v.Covers(id) })
}

// OrgView is how much of an organisation another may see.
type OrgView int

// The views of an organisation, from nothing to everything.
const (
	// ViewNone: nothing; it is answered as if it did not exist, so that a stranger cannot tell
	// a registered organisation from an unknown id.
	ViewNone OrgView = iota
	// ViewCard: its card — id, kind and names — what an agreement one has asked it to enter
	// names anyway. Its USCC, customs code and contact stay hidden until it consents.
	ViewCard
	// ViewFull: the whole record.
	ViewFull
)

// Counterparty is an organisation another has a pending or active agreement with, and how much
// of it that other may see.
type Counterparty struct {
	ID   string
	View OrgView
}

// CounterpartiesOf are orgID's counterparties in its pending or active agreements (others are
// passed over). An active agreement shows each side the other in full; a pending one shows the
// side asked the whole record of the side asking (which revealed itself by asking), and the
// side asking only the card of the side asked, until it confirms.
func CounterpartiesOf(orgID string, agreements []*Authorization) []Counterparty {
	views := map[string]OrgView{}
	var order []string
	for _, a := range agreements {
		if a.status != AuthActive && a.status != AuthPending {
			continue
		}
		other := a.exporterID
		if other == orgID {
			other = a.brokerID
		}
		view := ViewCard
		if a.status == AuthActive || a.initiatedBy == other {
			view = ViewFull
		}
		if _, seen := views[other]; !seen {
			order = append(order, other)
		}
		views[other] = max(views[other], view)
	}
	out := make([]Counterparty, len(order))
	for i, id := range order {
		out[i] = Counterparty{ID: id, View: views[id]}
	}
	return out
}

// OrgViewOf is how much organisation orgID (of kind) may see of organisation id: the operator
// everything, an organisation itself, its counterparties as CounterpartiesOf says, and nothing
// of the rest.
func OrgViewOf(kind Kind, orgID string, counterparties []Counterparty, id string) OrgView {
	if kind == KindOperator || orgID == id {
		return ViewFull
	}
	for _, c := range counterparties {
		if c.ID == id {
			return c.View
		}
	}
	return ViewNone
}

// MayFile reports whether filer may file a declaration of tradeMode for exporter at the given
// time: an exporter always may for itself; a broker needs one of the pair's agreements to cover
// the trade mode then.
func MayFile(filerID, exporterID, tradeMode string, pair []*Authorization, at time.Time) bool {
	if filerID == exporterID {
		return true
	}
	for _, a := range pair {
		if a.brokerID == filerID && a.exporterID == exporterID && a.Covers(tradeMode, at) {
			return true
		}
	}
	return false
}

// InForce reports whether the agreement is active and its validity period holds at.
func (a *Authorization) InForce(at time.Time) bool {
	return a.status == AuthActive && !at.Before(a.validFrom) && at.Before(a.validTo)
}
