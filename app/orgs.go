package app

import (
	"context"
	"slices"

	"github.com/silkgate/silkgate/domain/party"
)

// RegisterOrg is the operator's command to register an exporter or broker.
type RegisterOrg struct {
	Kind   party.Kind
	Fields party.OrgFields
}

// RegisterOrg registers a firm. Only the operator may; the same USCC twice is a Conflict.
func (a *App) RegisterOrg(ctx context.Context, actor Actor, cmd RegisterOrg) (*party.Org, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	org, err := party.NewOrg(a.IDs.New("org"), cmd.Kind, cmd.Fields, a.Clock.Now())
	if err != nil {
		return nil, err
	}
	if err := a.Orgs.Create(ctx, org); err != nil {
		return nil, err
	}
	a.relaySoon(ctx, "org", org.ID())
	return org, nil
}

// canSee reports whether actor may see organisation id: the operator sees all, others see
// themselves and the organisations they have a pending or active authorisation with.
func (a *App) canSee(ctx context.Context, actor Actor, id string) (bool, error) {
	if actor.IsOperator() || actor.OrgID == id {
		return true, nil
	}
	cps, err := a.Authorizations.Counterparties(ctx, actor.OrgID)
	if err != nil {
		return false, err
	}
	return slices.Contains(cps, id), nil
}

// GetOrg returns an organisation the caller may see; others are NotFound.
func (a *App) GetOrg(ctx context.Context, actor Actor, id string) (*party.Org, error) {
	ok, err := a.canSee(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFoundOrg
	}
	return a.Orgs.Get(ctx, id)
}

// ListOrgs lists the organisations the caller may see, optionally of one kind.
func (a *App) ListOrgs(ctx context.Context, actor Actor, f party.OrgFilter) (Page[*party.Org], error) {
	f.Limit = clampLimit(f.Limit)
	if !actor.IsOperator() {
		cps, err := a.Authorizations.Counterparties(ctx, actor.OrgID)
		if err != nil {
			return Page[*party.Org]{}, err
		}
		f.IDs = append(cps, actor.OrgID)
	}
	items, next, err := a.Orgs.List(ctx, f)
	return Page[*party.Org]{Items: items, NextCursor: next}, err
}

// PatchOrg changes an organisation. The operator may change any; a firm may change its own
// contact, English name and (an exporter) auto-confirmation, but not its registered name or
// customs code, which the operator keeps in step with the customs registration.
func (a *App) PatchOrg(ctx context.Context, actor Actor, id string, p party.OrgPatch) (*party.Org, error) {
	ok, err := a.canSee(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFoundOrg
	}
	if !actor.IsOperator() {
		if actor.OrgID != id {
			return nil, forbidden("not_your_org", "an organisation may change only itself")
		}
		if p.Name != nil || p.CustomsCode != nil {
			return nil, forbidden("operator_only", "the registered name and customs code are changed by the zone operator")
		}
	}
	org, err := a.Orgs.Update(ctx, id, func(o *party.Org) error { return o.Patch(p, a.Clock.Now()) })
	if err != nil {
		return nil, err
	}
	a.relaySoon(ctx, "org", id)
	return org, nil
}
