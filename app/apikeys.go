package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

var notFoundOrg = domain.NotFound("org")

// IssueAPIKey makes a new key for an organisation: the operator for any, a firm for itself.
// The returned secret is the only copy.
func (p *Parties) IssueAPIKey(ctx context.Context, actor Actor, orgID, name string, scope party.Scope) (*party.APIKey, string, error) {
	ok, err := p.tenancy.MaySeeOrg(ctx, actor, orgID)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", notFoundOrg
	}
	if !actor.IsOperator() && actor.OrgID != orgID {
		return nil, "", forbidden("not_your_org", "an organisation may issue keys only for itself")
	}
	switch scope {
	case party.ScopeFull:
	case party.ScopeCustomsGateway:
		if !actor.IsOperator() || orgID != OperatorOrgID {
			return nil, "", domain.InvalidField("scope", "invalid_scope", "customs-gateway keys belong to the operator and are issued by it")
		}
	default:
		return nil, "", domain.InvalidField("scope", "invalid_scope", `scope must be empty or "customs-gateway"`)
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 100 {
		return nil, "", domain.InvalidField("name", "too_long", "name has at most 100 characters")
	}
	if _, err := p.orgs.Get(ctx, orgID); err != nil {
		return nil, "", err
	}
	key, secret := party.IssueAPIKey(p.ids.New("key"), orgID, name, p.clock.Now())
	key.Scope = scope
	if err := p.keys.Create(ctx, key, party.MaxActiveAPIKeys); err != nil {
		return nil, "", err
	}
	return key, secret, nil
}

// ListAPIKeys lists a page of an organisation's keys, revoked ones too (never their secrets):
// the operator's view of any organisation, a firm's of itself.
func (p *Parties) ListAPIKeys(ctx context.Context, actor Actor, orgID string, limit int, cursor string) (Page[*party.APIKey], error) {
	ok, err := p.tenancy.MaySeeOrg(ctx, actor, orgID)
	if err != nil {
		return Page[*party.APIKey]{}, err
	}
	if !ok {
		return Page[*party.APIKey]{}, notFoundOrg
	}
	if !actor.IsOperator() && actor.OrgID != orgID {
		return Page[*party.APIKey]{}, forbidden("not_your_org", "an organisation sees only its own keys")
	}
	keys, next, err := p.keys.ListByOrg(ctx, orgID, clampLimit(limit), cursor)
	return Page[*party.APIKey]{Items: keys, NextCursor: next}, err
}

// RevokeAPIKey revokes a key: the operator any, a firm its own. Another firm's key is NotFound.
func (p *Parties) RevokeAPIKey(ctx context.Context, actor Actor, keyID string) (*party.APIKey, error) {
	k, err := p.keys.Get(ctx, keyID)
	if err != nil {
		return nil, err
	}
	if !actor.IsOperator() && k.OrgID != actor.OrgID {
		return nil, domain.NotFound("api_key")
	}
	revoked, err := p.keys.Revoke(ctx, keyID, p.clock.Now())
	p.keyCache.forget(keyID) // also on an error: the revocation may have been written
	return revoked, err
}
