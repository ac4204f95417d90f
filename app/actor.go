package app

import (
	"context"
	"errors"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/party"
)

// Actor is the authenticated caller: an organisation acting through one of its keys, or one of
// its users signed in (UserID and Role set, KeyID empty).
type Actor struct {
	OrgID string
	Kind  party.Kind
	KeyID string
	Scope party.Scope
	// UserID and Role are set when a person signed in acts (the console, or a session token).
	UserID string
	Role   account.Role
}

// IsOperator reports whether the caller is the zone operator.
func (a Actor) IsOperator() bool { return a.Kind == party.KindOperator }

var errUnauthorized = domain.Errorf(domain.KindUnauthorized, "unauthorized", "a valid API key is required")

// Authenticate resolves an API key to the organisation it belongs to. An unknown, malformed or
// revoked key is Unauthorized, with no hint of which. A key seen in the last few seconds is
// answered from the key cache, without a store read.
func (p *Parties) Authenticate(ctx context.Context, key string) (Actor, error) {
	if key == "" {
		return Actor{}, errUnauthorized
	}
	cached, ok, generation := p.keyCache.get(key)
	if ok {
		return cached, nil
	}
	k, err := p.keys.Get(ctx, party.KeyID(key))
	if domain.KindOf(err) == domain.KindNotFound {
		return Actor{}, errUnauthorized
	}
	if err != nil {
		return Actor{}, err
	}
	if !k.Active() || !k.Matches(key) {
		return Actor{}, errUnauthorized
	}
	org, err := p.orgs.Get(ctx, k.OrgID)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return Actor{}, errUnauthorized
		}
		return Actor{}, err
	}
	a := Actor{OrgID: org.ID(), Kind: org.Kind(), KeyID: k.ID, Scope: k.Scope}
	p.keyCache.put(key, a, generation)
	return a, nil
}

func forbidden(code domain.Code, msg string) error {
	return domain.Errorf(domain.KindForbidden, code, "%s", msg)
}

func requireOperator(actor Actor) error {
	if !actor.IsOperator() {
		return forbidden("operator_only", "only the zone operator may do this")
	}
	return nil
}

func isNotFound(err error) bool {
	var e *domain.Error
	return errors.As(err, &e) && e.Kind == domain.KindNotFound
}
