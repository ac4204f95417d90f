package app

import (
	"github.com/silkgate/silkgate/domain/party"
)

// Parties are the use cases of organisations, their API keys and broker authorisations, and
// authentication.
type Parties struct {
	orgs    party.OrgRepository
	keys    party.APIKeyRepository
	auths   party.AuthorizationRepository
	tenancy *Tenancy
	clock   Clock
	ids     IDs
	relay   relay
}

// PartiesPorts are what Parties run on.
type PartiesPorts struct {
	Basics
	Orgs           party.OrgRepository
	Keys           party.APIKeyRepository
	Authorizations party.AuthorizationRepository
	Tenancy        *Tenancy
}

// NewParties returns the party use cases.
func NewParties(p PartiesPorts) *Parties {
	b := p.Basics.withDefaults()
	return &Parties{orgs: p.Orgs, keys: p.Keys, auths: p.Authorizations, tenancy: p.Tenancy,
		clock: b.Clock, ids: b.IDs, relay: relay{queue: b.Queue, log: b.Log}}
}
