package app

import (
	"context"
	"fmt"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// OperatorOrgID is the fixed id of the zone operator's organisation.
const OperatorOrgID = "org_operator"

// EnsureOperator makes sure the operator organisation exists and has a key. With key set, a key
// of exactly that value exists afterwards. With key empty and no operator key yet, one is issued
// and returned so that it can be printed once; otherwise the result is "".
func (p *Parties) EnsureOperator(ctx context.Context, name, key string) (string, error) {
	now := p.clock.Now()
	if _, err := p.orgs.Get(ctx, OperatorOrgID); isNotFound(err) {
		if err := p.orgs.Create(ctx, party.NewOperator(OperatorOrgID, name, now)); err != nil && domain.KindOf(err) != domain.KindConflict {
			return "", fmt.Errorf("create operator: %w", err)
		}
	} else if err != nil {
		return "", err
	}
	if key != "" {
		k := party.APIKeyFromValue(OperatorOrgID, "configured operator key", key, now)
		existing, err := p.keys.Get(ctx, k.ID)
		switch {
		case isNotFound(err):
			return "", ignoreConflict(p.keys.Create(ctx, k))
		case err != nil:
			return "", err
		case existing.OrgID != OperatorOrgID || !existing.Active():
			return "", fmt.Errorf("SILKGATE_OPERATOR_KEY names a key that is revoked or belongs to another organisation")
		}
		return "", nil
	}
	keys, err := p.keys.ListByOrg(ctx, OperatorOrgID)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if k.Active() {
			return "", nil
		}
	}
	k, secret := party.IssueAPIKey(p.ids.New("key"), OperatorOrgID, "generated at first start", now)
	return secret, p.keys.Create(ctx, k)
}

func ignoreConflict(err error) error {
	if domain.KindOf(err) == domain.KindConflict {
		return nil
	}
	return err
}
