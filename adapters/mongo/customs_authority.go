package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// CustomsAuthority is the simulated customs authority's memory, in a collection of its own
// ("customs_authority"): the orders, payments and waybills it accepted and the lists it holds,
// each an opaque value under a key. It stands for customs' own database, outside the service:
// the service's repositories never read it.
type CustomsAuthority struct {
	coll *mongo.Collection
}

// NewCustomsAuthority returns the simulated authority's store.
func NewCustomsAuthority(s *Store) *CustomsAuthority {
	return &CustomsAuthority{coll: s.db.Collection(collCustomsAuthority)}
}

type authorityDoc struct {
	Key       string    `bson:"_id"`
	Value     []byte    `bson:"value"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

// Recall reads the values of keys, each by _id; a key never remembered is absent from the
// answer.
func (a *CustomsAuthority) Recall(ctx context.Context, keys ...string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(keys))
	for _, k := range keys {
		var d authorityDoc
		err := a.coll.FindOne(ctx, bson.M{"_id": k}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, internal(err, "recall "+k)
		}
		out[k] = d.Value
	}
	return out, nil
}

// Remember stores values under their keys, replacing what was there, in bulk.
func (a *CustomsAuthority) Remember(ctx context.Context, entries map[string][]byte) error {
	if len(entries) == 0 {
		return nil
	}
	now := time.Now().UTC()
	models := make([]mongo.WriteModel, 0, len(entries))
	for k, v := range entries {
		models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.M{"_id": k}).
			SetReplacement(authorityDoc{Key: k, Value: v, UpdatedAt: now}).SetUpsert(true))
	}
	_, err := bulkWrite(ctx, a.coll, models)
	return err
}
