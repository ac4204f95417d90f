package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// APIKeys stores hashed API keys in "api_keys", keyed by key id so that authenticating a request
// is one _id lookup.
type APIKeys struct{ coll *mongo.Collection }

var _ party.APIKeyRepository = (*APIKeys)(nil)

// NewAPIKeys returns the key repository.
func NewAPIKeys(s *Store) *APIKeys { return &APIKeys{coll: s.db.Collection(collAPIKeys)} }

type apiKeyDoc struct {
	ID        string     `bson:"_id"`
	OrgID     string     `bson:"orgId"`
	Name      string     `bson:"name,omitempty"`
	Scope     string     `bson:"scope,omitempty"`
	Hash      string     `bson:"hash"`
	CreatedAt time.Time  `bson:"createdAt"`
	RevokedAt *time.Time `bson:"revokedAt,omitempty"`
}

func (d *apiKeyDoc) key() *party.APIKey {
	return &party.APIKey{ID: d.ID, OrgID: d.OrgID, Name: d.Name, Scope: party.Scope(d.Scope), Hash: d.Hash, CreatedAt: d.CreatedAt, RevokedAt: d.RevokedAt}
}

var errKeyNotFound = domain.NotFound("api_key")

// Create stores a key.
func (r *APIKeys) Create(ctx context.Context, k *party.APIKey) error {
	_, err := r.coll.InsertOne(ctx, apiKeyDoc{ID: k.ID, OrgID: k.OrgID, Name: k.Name, Scope: string(k.Scope), Hash: k.Hash, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt})
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, "api_key_exists", "a key with this id exists")
	}
	return internal(err, "create api key")
}

// Get loads a key by id.
func (r *APIKeys) Get(ctx context.Context, id string) (*party.APIKey, error) {
	return getByID(ctx, r.coll, id, errKeyNotFound, func(d *apiKeyDoc) *party.APIKey { return d.key() })
}

// Revoke sets revokedAt once; the filter keeps the first revocation time.
func (r *APIKeys) Revoke(ctx context.Context, id string, at time.Time) (*party.APIKey, error) {
	_, err := r.coll.UpdateOne(ctx, bson.M{"_id": id, "revokedAt": bson.M{"$exists": false}}, bson.M{"$set": bson.M{"revokedAt": at}})
	if err != nil {
		return nil, internal(err, "revoke api key")
	}
	return r.Get(ctx, id)
}

// ListByOrg returns an organisation's keys, newest first.
func (r *APIKeys) ListByOrg(ctx context.Context, orgID string) ([]*party.APIKey, error) {
	// MongoDB: index "org".
	cur, err := r.coll.Find(ctx, bson.M{"orgId": orgID}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}))
	if err != nil {
		return nil, internal(err, "list api keys")
	}
	var docs []apiKeyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, internal(err, "list api keys")
	}
	out := make([]*party.APIKey, len(docs))
	for i := range docs {
		out[i] = docs[i].key()
	}
	return out, nil
}
