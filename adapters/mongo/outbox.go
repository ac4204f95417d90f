package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

// aggregateCollections maps an event's aggregate name to the collection whose documents carry
// its outbox.
var aggregateCollections = map[string]string{
	"org":           collOrgs,
	"authorization": collAuthorizations,
	"parcel":        collParcels,
	"declaration":   collDeclarations,
	"departure":     collDepartures,
	"booking":       collBookings,
}

// Outbox reads and clears the "outbox" arrays of aggregate documents.
type Outbox struct{ db *mongo.Database }

var _ app.OutboxStore = (*Outbox)(nil)

// NewOutbox returns the outbox store.
func NewOutbox(s *Store) *Outbox { return &Outbox{db: s.db} }

func (o *Outbox) collection(aggregate string) (*mongo.Collection, error) {
	name, ok := aggregateCollections[aggregate]
	if !ok {
		return nil, domain.Internal(nil, "no collection for aggregate %q", aggregate)
	}
	return o.db.Collection(name), nil
}

// Pending returns an aggregate's outbox. The raw entries are kept for Ack: the embedded server
// ignores a conditional $pull, so events are removed by exact value with $pullAll, which both it
// and MongoDB honour.
func (o *Outbox) Pending(ctx context.Context, ref app.AggregateRef) ([]app.PendingEvent, error) {
	coll, err := o.collection(ref.Aggregate)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Outbox []bson.Raw `bson:"outbox"`
	}
	err = coll.FindOne(ctx, bson.M{"_id": ref.ID}, options.FindOne().SetProjection(bson.M{"outbox": 1})).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil // nothing owed for an aggregate that is gone
	}
	if err != nil {
		return nil, internal(err, "load outbox")
	}
	out := make([]app.PendingEvent, 0, len(doc.Outbox))
	for _, raw := range doc.Outbox {
		var e eventDoc
		if err := bson.Unmarshal(raw, &e); err != nil {
			return nil, internal(fmt.Errorf("%s %s: %w", ref.Aggregate, ref.ID, err), "decode outbox event")
		}
		out = append(out, app.PendingEvent{Event: e.event(), Raw: raw})
	}
	return out, nil
}

// Ack removes exactly the given entries, in bulk writes by _id (one per fifty aggregates of a
// kind). An entry read by Pending is removed as it was read; one its writer still holds in memory
// (Raw nil) as that write stored it, which eventDoc's ordered encoding makes the same bytes.
func (o *Outbox) Ack(ctx context.Context, published []app.Published) error {
	byCollection := map[string][]mongo.WriteModel{}
	for _, p := range published {
		if len(p.Events) == 0 {
			continue
		}
		name, ok := aggregateCollections[p.Ref.Aggregate]
		if !ok {
			return domain.Internal(nil, "no collection for aggregate %q", p.Ref.Aggregate)
		}
		raws := make(bson.A, len(p.Events))
		for i, e := range p.Events {
			raws[i] = e.Raw
			if e.Raw == nil {
				raw, err := bson.MarshalWithRegistry(registry, eventToDoc(e.Event))
				if err != nil {
					return internal(err, "encode outbox event")
				}
				raws[i] = bson.Raw(raw)
			}
		}
		byCollection[name] = append(byCollection[name], mongo.NewUpdateOneModel().
			SetFilter(bson.M{"_id": p.Ref.ID}).SetUpdate(bson.M{"$pullAll": bson.M{"outbox": raws}}))
	}
	for name, models := range byCollection {
		if _, err := bulkWrite(ctx, o.db.Collection(name), models); err != nil {
			return err
		}
	}
	return nil
}

// Stale lists aggregates whose oldest unpublished event is older than before.
func (o *Outbox) Stale(ctx context.Context, before time.Time, limit int) ([]app.AggregateRef, error) {
	var refs []app.AggregateRef
	for aggregate, name := range aggregateCollections {
		if len(refs) >= limit {
			break
		}
		// MongoDB: index "outbox_at" of each aggregate collection (events are kept oldest first,
		// so an event older than before means the oldest is). The embedded store reads the
		// collection: there the reconciler's cost grows with the aggregates.
		cur, err := o.db.Collection(name).Find(ctx, bson.M{"outbox.at": bson.M{"$lt": before}},
			options.Find().SetProjection(bson.M{"_id": 1}).SetLimit(int64(limit-len(refs))))
		if err != nil {
			return nil, internal(err, "find stale outboxes")
		}
		var ids []struct {
			ID string `bson:"_id"`
		}
		if err := cur.All(ctx, &ids); err != nil {
			return nil, internal(err, "find stale outboxes")
		}
		for _, id := range ids {
			refs = append(refs, app.AggregateRef{Aggregate: aggregate, ID: id.ID})
		}
	}
	return refs, nil
}
