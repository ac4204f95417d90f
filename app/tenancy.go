package app

import (
	"context"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// Tenancy reads what the tenancy policy (party.Visibility, party.MaySeeOrg, party.MayFile)
// decides on: a broker's agreements. Every context asks it, so who may see what is decided the
// same way everywhere.
type Tenancy struct {
	auths party.AuthorizationRepository
	clock Clock
}

// NewTenancy returns the tenancy reader over the authorisation repository.
func NewTenancy(auths party.AuthorizationRepository, clock Clock) *Tenancy {
	if clock == nil {
		clock = SystemClock{}
	}
	return &Tenancy{auths: auths, clock: clock}
}

// Visibility is what actor may see now: for a broker, every active agreement is read, page by
// page, however many there are.
func (t *Tenancy) Visibility(ctx context.Context, actor Actor) (party.Visibility, error) {
	now := t.clock.Now()
	if actor.Kind != party.KindBroker {
		return party.VisibilityOf(actor.Kind, actor.OrgID, nil, now), nil
	}
	var auths []*party.Authorization
	f := party.AuthorizationFilter{BrokerID: actor.OrgID, Status: party.AuthActive, Limit: MaxLimit}
	for {
		page, next, err := t.auths.List(ctx, f)
		if err != nil {
			return party.Visibility{}, err
		}
		auths = append(auths, page...)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return party.VisibilityOf(actor.Kind, actor.OrgID, auths, now), nil
}

// MaySeeOrg reports whether actor may see anything of organisation id (OrgView).
func (t *Tenancy) MaySeeOrg(ctx context.Context, actor Actor, id string) (bool, error) {
	view, err := t.OrgView(ctx, actor, id)
	return view != party.ViewNone, err
}

// OrgView is how much actor may see of organisation id (party.OrgViewOf).
func (t *Tenancy) OrgView(ctx context.Context, actor Actor, id string) (party.OrgView, error) {
	if actor.IsOperator() || actor.OrgID == id {
		return party.ViewFull, nil
	}
	cps, err := t.auths.Counterparties(ctx, actor.OrgID)
	if err != nil {
		return party.ViewNone, err
	}
	return party.OrgViewOf(actor.Kind, actor.OrgID, cps, id), nil
}

// CanFile reports whether filer may file a declaration of tradeMode for exporter at the given
// time (party.MayFile).
func (t *Tenancy) CanFile(ctx context.Context, filerID, exporterID, tradeMode string, at time.Time) (bool, error) {
	if filerID == exporterID {
		return true, nil
	}
	pair, err := t.auths.Between(ctx, exporterID, filerID)
	if err != nil {
		return false, err
	}
	return party.MayFile(filerID, exporterID, tradeMode, pair, at), nil
}

// requireFilingRight checks that actor may file for exporterID in tradeMode now.
func (t *Tenancy) requireFilingRight(ctx context.Context, actor Actor, exporterID, tradeMode string) error {
	noteOnBehalfOf(ctx, actor, exporterID) // an attempt is recorded for the exporter, granted or not
	ok, err := t.CanFile(ctx, actor.OrgID, exporterID, tradeMode, t.clock.Now())
	if err != nil {
		return err
	}
	if !ok {
		return domain.Errorf(domain.KindForbidden, "authorization_required",
			"filing %s for this exporter needs an active authorisation covering the trade mode", tradeMode)
	}
	return nil
}

// filingRights answers requireFilingRight for one request, asking the store once per exporter
// and trade mode, with the caller's visibility worked out once.
type filingRights struct {
	tenancy *Tenancy
	actor   Actor
	visible party.Visibility
	err     error // reading the visibility failed
	answer  map[string]error
}

func (t *Tenancy) rightsOf(ctx context.Context, actor Actor) *filingRights {
	v, err := t.Visibility(ctx, actor)
	return &filingRights{tenancy: t, actor: actor, visible: v, err: err, answer: map[string]error{}}
}

// covers reports whether the caller sees exporterID's records.
func (r *filingRights) covers(exporterID string) (bool, error) {
	return r.visible.Covers(exporterID), r.err
}

func (r *filingRights) check(ctx context.Context, exporterID, tradeMode string) error {
	key := exporterID + "/" + tradeMode
	if err, ok := r.answer[key]; ok {
		return err
	}
	err := r.tenancy.requireFilingRight(ctx, r.actor, exporterID, tradeMode)
	r.answer[key] = err
	return err
}
