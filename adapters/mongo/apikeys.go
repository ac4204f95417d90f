package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// APIKeys stores hashed API keys in "api_keys", keyed by key id so that authenticating a request
// is one _id lookup. How many active keys each organisation holds is counted in
// "api_key_quotas" ({_id: orgId, active: n}), so that the cap is one conditional update.
type APIKeys struct {
	store  *Store
	coll   *mongo.Collection
	quotas *mongo.Collection
}

var _ party.APIKeyRepository = (*APIKeys)(nil)

// NewAPIKeys returns the key repository.
func NewAPIKeys(s *Store) *APIKeys {
	return &APIKeys{store: s, coll: s.db.Collection(collAPIKeys), quotas: s.db.Collection(collAPIKeyQuotas)}
}

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

// Create stores a key, counted in its organisation's quota; with limit > 0 the quota must have
// room. The count is taken first (a conditional $inc that fails at the limit), the key written
// second, and the count given back if the write fails: a crash in between can only over-count,
// and an over-count is corrected from the keys themselves when it would refuse a key.
func (r *APIKeys) Create(ctx context.Context, k *party.APIKey, limit int) error {
	if err := r.take(ctx, k.OrgID, limit); err != nil {
		return err
	}
	_, err := r.coll.InsertOne(ctx, apiKeyDoc{ID: k.ID, OrgID: k.OrgID, Name: k.Name, Scope: string(k.Scope), Hash: k.Hash, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt})
	if err != nil {
		r.giveBack(context.WithoutCancel(ctx), k.OrgID)
	}
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, "api_key_exists", "a key with this id exists")
	}
	return internal(err, "create api key")
}

// take counts one more active key for org, refusing at limit (> 0). An organisation without a
// quota document holds no key (Store.Backfill made one for each that held keys before quotas).
func (r *APIKeys) take(ctx context.Context, org string, limit int) error {
	filter := bson.M{"_id": org}
	if r.store.local != nil {
		// The embedded server: read, check and write under the process's lock, by _id only.
		defer r.store.local.lock(collAPIKeyQuotas + "\x00" + org)()
		var q struct {
			Active int64 `bson:"active"`
		}
		if err := r.quotas.FindOne(ctx, filter).Decode(&q); err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return internal(err, "read api key quota")
		}
		if limit > 0 && q.Active >= int64(limit) {
			return r.recount(ctx, org, limit)
		}
	} else if limit > 0 {
		// MongoDB: the check is in the write; at the limit the upsert collides with the document.
		filter["active"] = bson.M{"$lt": limit}
	}
	_, err := r.quotas.UpdateOne(ctx, filter, bson.M{"$inc": bson.M{"active": 1}}, options.Update().SetUpsert(true))
	if isDuplicateKey(err) {
		return r.recount(ctx, org, limit)
	}
	return internal(err, "count api key")
}

// recount answers a key asked for at the limit by the count: it counts the keys themselves (the
// count is high after a crash between counting and writing) and writes that count with this key,
// or refuses. A scan of the organisation's keys, only on this rare path.
func (r *APIKeys) recount(ctx context.Context, org string, limit int) error {
	active, err := r.countActive(ctx, org)
	if err != nil {
		return err
	}
	if active >= int64(limit) {
		return party.ErrTooManyKeys
	}
	_, err = r.quotas.UpdateOne(ctx, bson.M{"_id": org}, bson.M{"$set": bson.M{"active": active + 1}}, options.Update().SetUpsert(true))
	return internal(err, "count api key")
}

// backfillQuotas counts the active keys of every organisation that held keys before quotas
// (Store.Backfill runs it once).
func (r *APIKeys) backfillQuotas(ctx context.Context) error {
	cur, err := r.coll.Find(ctx, bson.M{"revokedAt": bson.M{"$exists": false}}, options.Find().SetProjection(bson.M{"orgId": 1}))
	if err != nil {
		return internal(err, "read api keys to count them")
	}
	var docs []apiKeyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return internal(err, "read api keys to count them")
	}
	active := map[string]int64{}
	for _, d := range docs {
		active[d.OrgID]++
	}
	models := make([]mongo.WriteModel, 0, len(active))
	for org, n := range active {
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": org}).
			SetUpdate(bson.M{"$set": bson.M{"active": n}}).SetUpsert(true))
	}
	if len(models) == 0 {
		return nil
	}
	_, err = bulkWrite(ctx, r.quotas, models)
	return err
}

// countActive counts org's unrevoked keys (a scan by the "org" index; only on the rare paths).
func (r *APIKeys) countActive(ctx context.Context, org string) (int64, error) {
	n, err := r.coll.CountDocuments(ctx, bson.M{"orgId": org, "revokedAt": bson.M{"$exists": false}})
	return n, internal(err, "count api keys")
}

// giveBack returns a counted key to org's quota (a write that failed, a key revoked).
func (r *APIKeys) giveBack(ctx context.Context, org string) {
	if r.store.local != nil {
		defer r.store.local.lock(collAPIKeyQuotas + "\x00" + org)()
	}
	// Every key given back was counted (by take, or by the backfill for older keys), so the count
	// stays at or above zero. A failure leaves it high, which take corrects when it matters.
	_, _ = r.quotas.UpdateOne(ctx, bson.M{"_id": org}, bson.M{"$inc": bson.M{"active": -1}})
}

// Get loads a key by id.
func (r *APIKeys) Get(ctx context.Context, id string) (*party.APIKey, error) {
	return getByID(ctx, r.coll, id, errKeyNotFound, func(d *apiKeyDoc) *party.APIKey { return d.key() })
}

// Revoke sets revokedAt once; the filter keeps the first revocation time, and only the first
// revocation gives the key back to its organisation's quota.
func (r *APIKeys) Revoke(ctx context.Context, id string, at time.Time) (*party.APIKey, error) {
	res, err := r.coll.UpdateOne(ctx, bson.M{"_id": id, "revokedAt": bson.M{"$exists": false}}, bson.M{"$set": bson.M{"revokedAt": at}})
	if err != nil {
		return nil, internal(err, "revoke api key")
	}
	k, err := r.Get(ctx, id)
	if err == nil && res.ModifiedCount == 1 {
		r.giveBack(context.WithoutCancel(ctx), k.OrgID)
	}
	return k, err
}

// ListByOrg returns a page of an organisation's keys, by id descending.
func (r *APIKeys) ListByOrg(ctx context.Context, orgID string, limit int, cursor string) ([]*party.APIKey, string, error) {
	// MongoDB: index "org".
	docs, next, err := page(ctx, r.coll, bson.M{"orgId": orgID}, limit, cursor, func(d *apiKeyDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*party.APIKey, len(docs))
	for i := range docs {
		out[i] = docs[i].key()
	}
	return out, next, nil
}
