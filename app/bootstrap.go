package app

import (
	"context"
	"fmt"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// OperatorOrgID is the fixed id of the zone operator's organisation.
const OperatorOrgID = "org_operator"

// OperatorKey is what EnsureOperator found or made when no key was configured.
type OperatorKey struct {
	// Generated is the secret of a key issued now, on a database without an active operator
	// key: it is stored only as a hash, so it must be shown now or never.
	Generated string
	// Existed says an active operator key was already there: its secret was shown (if it was
	// generated) at an earlier start, which may have failed before showing it, so every start
	// says how to set a new one.
	Existed bool
}

// EnsureOperator makes sure the operator organisation exists and has a key. With key set, a key
// of exactly that value exists afterwards and the result is zero. With key empty and no active
// operator key yet, one is issued and its secret returned so that it can be printed once;
// otherwise the result says that a key exists.
func (p *Parties) EnsureOperator(ctx context.Context, name, key string) (OperatorKey, error) {
	now := p.clock.Now()
	if _, err := p.orgs.Get(ctx, OperatorOrgID); isNotFound(err) {
		if err := p.orgs.Create(ctx, party.NewOperator(OperatorOrgID, name, now)); err != nil && domain.KindOf(err) != domain.KindConflict {
			return OperatorKey{}, fmt.Errorf("create operator: %w", err)
		}
	} else if err != nil {
		return OperatorKey{}, err
	}
	if key != "" {
		k := party.APIKeyFromValue(OperatorOrgID, "configured operator key", key, now)
		existing, err := p.keys.Get(ctx, k.ID)
		switch {
		case isNotFound(err):
			return OperatorKey{}, ignoreConflict(p.keys.Create(ctx, k, 0))
		case err != nil:
			return OperatorKey{}, err
		case existing.OrgID != OperatorOrgID || !existing.Active():
			return OperatorKey{}, fmt.Errorf("SILKGATE_OPERATOR_KEY names a key that is revoked or belongs to another organisation")
		}
		return OperatorKey{}, nil
	}
	for cursor := ""; ; {
		keys, next, err := p.keys.ListByOrg(ctx, OperatorOrgID, MaxLimit, cursor)
		if err != nil {
			return OperatorKey{}, err
		}
		for _, k := range keys {
			if k.Active() {
				return OperatorKey{Existed: true}, nil
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	k, secret := party.IssueAPIKey(p.ids.New("key"), OperatorOrgID, "generated at first start", now)
	if err := p.keys.Create(ctx, k, 0); err != nil {
		return OperatorKey{}, err
	}
	return OperatorKey{Generated: secret}, nil
}

func ignoreConflict(err error) error {
	if domain.KindOf(err) == domain.KindConflict {
		return nil
	}
	return err
}
