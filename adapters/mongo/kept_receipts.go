package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"github.com/silkgate/silkgate/app"
)

// KeptReceipts keeps, in "kept_receipts", the receipt bodies the service could not apply (an
// unreadable document, an unknown guid), each with its error: one insert each, read by people
// (mongosh: db.kept_receipts.find()), never on a hot path.
type KeptReceipts struct {
	coll *mongo.Collection
}

var _ app.KeptReceiptStore = (*KeptReceipts)(nil)

// NewKeptReceipts returns the store of kept receipt bodies.
func NewKeptReceipts(s *Store) *KeptReceipts {
	return &KeptReceipts{coll: s.db.Collection(collKeptReceipts)}
}

type keptFieldDoc struct {
	Field   string `bson:"field"`
	Code    string `bson:"code"`
	Message string `bson:"message"`
}

type keptReceiptDoc struct {
	ID         string         `bson:"_id"`
	ReceivedAt time.Time      `bson:"receivedAt"`
	Code       string         `bson:"code"`
	Error      string         `bson:"error"`
	Fields     []keptFieldDoc `bson:"fields,omitempty"`
	Body       []byte         `bson:"body"` // binary: a body that is not UTF-8 is kept as well
	Size       int            `bson:"size"`
}

// KeepReceipt stores one kept body. Keeping the same id twice is harmless.
func (k *KeptReceipts) KeepReceipt(ctx context.Context, r app.KeptReceipt) error {
	doc := keptReceiptDoc{ID: r.ID, ReceivedAt: r.ReceivedAt.UTC(), Code: r.Code, Error: r.Error, Body: r.Body, Size: len(r.Body)}
	for _, f := range r.Fields {
		doc.Fields = append(doc.Fields, keptFieldDoc{Field: f.Field, Code: string(f.Code), Message: f.Message})
	}
	if _, err := k.coll.InsertOne(ctx, doc); err != nil && !isDuplicateKey(err) {
		return internal(err, "keep receipt")
	}
	return nil
}
