package party

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// keyPrefix marks keys this service issued: "sg_" + key id + "." + secret. The id lets a key be
// found by its primary key without storing the secret; only a hash of the whole key is stored.
const keyPrefix = "sg_"

// APIKey is a credential of one organisation. The secret is shown once, at issue, and only its
// SHA-256 is kept: the key has 256 bits of entropy, so a slow password hash would add nothing.
type APIKey struct {
	ID        string
	OrgID     string
	Name      string
	Scope     Scope  // what the key may do; empty: everything its organisation may
	Hash      string // hex SHA-256 of the whole key
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Scope narrows what a key may do below its organisation's rights.
type Scope string

// Key scopes.
const (
	ScopeFull Scope = ""
	// ScopeCustomsGateway is for the E-Port client that relays customs receipts: it may post
	// receipts and nothing else, even though it belongs to the operator.
	ScopeCustomsGateway Scope = "customs-gateway"
)

// Active reports whether the key still authenticates.
func (k *APIKey) Active() bool { return k.RevokedAt == nil }

// Matches reports, in constant time, whether key is this key's secret.
func (k *APIKey) Matches(key string) bool {
	return subtle.ConstantTimeCompare([]byte(HashKey(key)), []byte(k.Hash)) == 1
}

// IssueAPIKey makes a new random key for org; the returned string is the only copy of the secret.
func IssueAPIKey(id, orgID, name string, at time.Time) (*APIKey, string) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the platform is broken; nothing sensible to do
	}
	key := keyPrefix + id + "." + base64.RawURLEncoding.EncodeToString(secret)
	return &APIKey{ID: id, OrgID: orgID, Name: name, Hash: HashKey(key), CreatedAt: at}, key
}

// APIKeyFromValue makes the stored form of a key whose value is given from outside (the
// operator key set in configuration). Its id is derived from the value, so the same value always
// maps to the same record.
func APIKeyFromValue(orgID, name, key string, at time.Time) *APIKey {
	return &APIKey{ID: KeyID(key), OrgID: orgID, Name: name, Hash: HashKey(key), CreatedAt: at}
}

// KeyID is the id under which key is stored: the id embedded in keys this service issued, a
// digest of the value for keys given from outside.
func KeyID(key string) string {
	if rest, ok := strings.CutPrefix(key, keyPrefix); ok {
		if id, _, ok := strings.Cut(rest, "."); ok && id != "" {
			return id
		}
	}
	return "ext-" + HashKey(key)[:24]
}

// HashKey is the stored digest of a key.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// MaxActiveAPIKeys is how many unrevoked keys one organisation may hold: enough for a key per
// system and a rotation of each, few enough that a leaked operator view or a runaway script
// cannot mint them without bound. Revoked keys do not count and stay listed.
const MaxActiveAPIKeys = 20

// ErrTooManyKeys refuses a key beyond MaxActiveAPIKeys.
var ErrTooManyKeys = domain.Errorf(domain.KindConflict, "api_key_limit",
	"an organisation holds at most %d active API keys: revoke one first", MaxActiveAPIKeys)

// APIKeyRepository stores API keys.
type APIKeyRepository interface {
	// Create stores a key; an existing id is a Conflict "api_key_exists". With limit > 0 the
	// organisation may hold at most limit active keys afterwards (ErrTooManyKeys), decided
	// atomically with the write, so concurrent issues cannot pass the limit together.
	Create(ctx context.Context, k *APIKey, limit int) error
	// Get returns the key by id, or NotFound.
	Get(ctx context.Context, id string) (*APIKey, error)
	// Revoke marks the key revoked at the given time; revoking twice keeps the first time.
	Revoke(ctx context.Context, id string, at time.Time) (*APIKey, error)
	// ListByOrg returns a page of the organisation's keys (revoked ones too) in id order,
	// newest first for issued keys, and the cursor of the next page ("" at the end).
	ListByOrg(ctx context.Context, orgID string, limit int, cursor string) ([]*APIKey, string, error)
}
