package app

import (
	"context"

	"github.com/silkgate/silkgate/domain/party"
)

// RegisterOrg is the operator's command to register an exporter or broker.
type RegisterOrg struct {
	Kind   party.Kind
	Fields party.OrgFields
}

// RegisterOrg registers a firm. Only the operator may; the same USCC twice is a Conflict.
func (p *Parties) RegisterOrg(ctx context.Context, actor Actor, cmd RegisterOrg) (*party.Org, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	org, err := party.NewOrg(p.ids.New("org"), cmd.Kind, cmd.Fields, p.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := p.orgs.Create(ctx, org); err != nil {
		return nil, err
	}
	p.relay.soon(ctx, "org", org.ID())
	return org, nil
}

// GetOrg returns an organisation the caller may see; others are NotFound.
func (p *Parties) GetOrg(ctx context.Context, actor Actor, id string) (*party.Org, error) {
	view, err := p.tenancy.OrgView(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if view == party.ViewNone {
		return nil, notFoundOrg
	}
	org, err := p.orgs.Get(ctx, id)
	if err == nil && view == party.ViewCard {
		org = org.Card()
	}
	return org, err
}

// ListOrgs lists the organisations the caller may see, optionally of one kind.
func (p *Parties) ListOrgs(ctx context.Context, actor Actor, f party.OrgFilter) (Page[*party.Org], error) {
	f.Limit = clampLimit(f.Limit)
	var cps []party.Counterparty
	if !actor.IsOperator() {
		var err error
		if cps, err = p.auths.Counterparties(ctx, actor.OrgID); err != nil {
			return Page[*party.Org]{}, err
		}
		f.IDs = []string{actor.OrgID}
		for _, c := range cps {
			f.IDs = append(f.IDs, c.ID)
		}
	}
	items, next, err := p.orgs.List(ctx, f)
	for i, o := range items {
		if party.OrgViewOf(actor.Kind, actor.OrgID, cps, o.ID()) == party.ViewCard {
			items[i] = o.Card()
		}
	}
	return Page[*party.Org]{Items: items, NextCursor: next}, err
}

// PatchOrg changes an organisation. The operator may change any; a firm may change its own
// contact, English name and (an exporter) auto-confirmation, but not its registered name or
// customs code, which the operator keeps in step with the customs registration.
func (p *Parties) PatchOrg(ctx context.Context, actor Actor, id string, patch party.OrgPatch) (*party.Org, error) {
	ok, err := p.tenancy.MaySeeOrg(ctx, actor, id)
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
		if patch.Name != nil || patch.CustomsCode != nil {
			return nil, forbidden("operator_only", "the registered name and customs code are changed by the zone operator")
		}
	}
	org, err := p.orgs.Update(ctx, id, func(o *party.Org) error { return o.Patch(patch, p.clock.Now()) })
	if err != nil {
		return nil, err
	}
	p.relay.soon(ctx, "org", id)
	return org, nil
}
