package app

import (
	"context"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

var notFoundAuthorization = domain.NotFound("authorization")

// RequestAuthorization starts a broker authorisation. The exporter or the broker named in it
// may start it (the operator may not: consent is the firms' own). It is active at once when the
// exporter starts it, or when the exporter auto-confirms.
func (p *Parties) RequestAuthorization(ctx context.Context, actor Actor, req party.AuthorizationRequest) (*party.Authorization, error) {
	if actor.OrgID != req.ExporterID && actor.OrgID != req.BrokerID {
		return nil, forbidden("party_only", "only the exporter or the broker named in an authorisation may start it")
	}
	var v domain.Violations
	exporter := p.party(ctx, &v, "exporterId", req.ExporterID)
	broker := p.party(ctx, &v, "brokerId", req.BrokerID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	initiator := exporter
	if actor.OrgID == broker.ID() {
		initiator = broker
	}
	auth, err := party.NewAuthorization(p.ids.New("auth"), req, initiator, exporter, broker, p.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := p.auths.Create(ctx, auth); err != nil {
		return nil, err
	}
	p.relay.soon(ctx, "authorization", auth.ID())
	return auth, nil
}

// party loads the organisation a request names. One the caller is not yet related to is still
// found (that is how a relation starts), so an unknown id is reported as a field problem.
func (p *Parties) party(ctx context.Context, v *domain.Violations, field, id string) *party.Org {
	if id == "" {
		v.Add(field, "required", field+" is required")
		return nil
	}
	org, err := p.orgs.Get(ctx, id)
	if isNotFound(err) {
		v.Add(field, "unknown_org", field+" names no registered organisation")
		return nil
	}
	if err != nil {
		v.AddError(field, err)
		return nil
	}
	return org
}

// GetAuthorization returns an agreement the caller is a party to (or any, for the operator).
func (p *Parties) GetAuthorization(ctx context.Context, actor Actor, id string) (*party.Authorization, error) {
	auth, err := p.auths.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.IsOperator() && !auth.Involves(actor.OrgID) {
		return nil, notFoundAuthorization
	}
	return auth, nil
}

// ListAuthorizations lists the agreements the caller may see.
func (p *Parties) ListAuthorizations(ctx context.Context, actor Actor, f party.AuthorizationFilter) (Page[*party.Authorization], error) {
	f.Limit = clampLimit(f.Limit)
	if !actor.IsOperator() {
		f.Party = actor.OrgID
	}
	items, next, err := p.auths.List(ctx, f)
	return Page[*party.Authorization]{Items: items, NextCursor: next}, err
}

// ConfirmAuthorization is the counterparty's consent.
func (p *Parties) ConfirmAuthorization(ctx context.Context, actor Actor, id string) (*party.Authorization, error) {
	return p.changeAuthorization(ctx, actor, id, func(auth *party.Authorization) error {
		return auth.Confirm(actor.OrgID, p.clock.Now())
	})
}

// RevokeAuthorization ends an agreement; either party may.
func (p *Parties) RevokeAuthorization(ctx context.Context, actor Actor, id string) (*party.Authorization, error) {
	return p.changeAuthorization(ctx, actor, id, func(auth *party.Authorization) error {
		return auth.Revoke(actor.OrgID, p.clock.Now())
	})
}

func (p *Parties) changeAuthorization(ctx context.Context, actor Actor, id string, change func(*party.Authorization) error) (*party.Authorization, error) {
	if _, err := p.GetAuthorization(ctx, actor, id); err != nil {
		return nil, err
	}
	if actor.IsOperator() {
		return nil, forbidden("party_only", "only the exporter or the broker may change an authorisation")
	}
	auth, err := p.auths.Update(ctx, id, change)
	if err != nil {
		return nil, err
	}
	p.relay.soon(ctx, "authorization", id)
	return auth, nil
}

// CanFile reports whether filer may file a declaration of tradeMode for exporter at the given
// time: an exporter always may for itself; a broker needs an active authorisation covering the
// trade mode then (the tenancy policy, party.MayFile).
func (p *Parties) CanFile(ctx context.Context, filerID, exporterID, tradeMode string, at time.Time) (bool, error) {
	return p.tenancy.CanFile(ctx, filerID, exporterID, tradeMode, at)
}
