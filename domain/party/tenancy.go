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

// MaySeeOrg reports whether an organisation may see organisation id: the operator any, others
// themselves and their counterparties (pending or active agreements).
func MaySeeOrg(kind Kind, orgID string, counterparties []string, id string) bool {
	return kind == KindOperator || orgID == id || slices.Contains(counterparties, id)
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
