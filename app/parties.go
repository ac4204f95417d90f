package app

import (
	"time"

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
	// keyCache answers Authenticate for keys seen in the last few seconds.
	keyCache *keyCache
}

// PartiesPorts are what Parties run on.
type PartiesPorts struct {
	Basics
	Orgs           party.OrgRepository
	Keys           party.APIKeyRepository
	Authorizations party.AuthorizationRepository
	Tenancy        *Tenancy
	// KeyCacheTTL is how long an authenticated key is answered without a store read, and so how
	// long another process may still accept a key revoked elsewhere (0: DefaultKeyCacheTTL;
	// negative: no cache).
	KeyCacheTTL time.Duration
}

// NewParties returns the party use cases.
func NewParties(p PartiesPorts) *Parties {
	b := p.Basics.withDefaults()
	if p.KeyCacheTTL == 0 {
		p.KeyCacheTTL = DefaultKeyCacheTTL
	}
	return &Parties{orgs: p.Orgs, keys: p.Keys, auths: p.Authorizations, tenancy: p.Tenancy,
		clock: b.Clock, ids: b.IDs, relay: relayOf(b),
		keyCache: newKeyCache(p.KeyCacheTTL, b.Clock)}
}
