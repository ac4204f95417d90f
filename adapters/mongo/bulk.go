package mongo

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

// maxBulkStatements bounds the statements of one update or delete command. The embedded server
// keeps each statement's query open until the whole command ends, one SQLite connection each,
// from a pool of 100: a command of a hundred statements waits for a connection that never comes
// free (measured: an acknowledgement of 100 outboxes hung the store for two minutes). Fifty
// leaves the pool room for the write itself; on MongoDB it costs one round trip per fifty.
const maxBulkStatements = 50

// bulkWrite sends models as unordered bulk writes of at most maxBulkStatements each.
func bulkWrite(ctx context.Context, coll *mongo.Collection, models []mongo.WriteModel) (matched int64, err error) {
	for chunk := range slices.Chunk(models, maxBulkStatements) {
		res, err := coll.BulkWrite(ctx, chunk, options.BulkWrite().SetOrdered(false))
		if res != nil {
			matched += res.MatchedCount
		}
		if err != nil {
			return matched, internal(err, "bulk write "+coll.Name())
		}
	}
	return matched, nil
}

// updateManyVersioned is updateVersioned for a batch: each document is read by _id, changed by
// change and written back, and the writes go out in bulk — two commands per hundred documents
// instead of a hundred. beforeWrite, when set, runs once with the aggregates about to be written
// (the declarations map their new guids there). An id named twice is changed once and reported
// alike. A document the change refuses, or that is missing, comes back with its error and is
// not written; an error of the store fails the whole call.
//
// With local locks (the embedded store) the documents are locked in sorted order — so that two
// batches never wait for each other crosswise — and written by _id alone. Without them (MongoDB)
// each write carries its version condition, and one that lost a race is done again on its own by
// one (the repository's Update), from a fresh read.
func updateManyVersioned[D versioned, A any](ctx context.Context, s *Store, coll *mongo.Collection, ids []string, notFound error,
	fromDoc func(*D) A, change func(A) error, toDoc func(A) D, beforeWrite func([]A) error,
	one func(id string) (A, error)) ([]app.Updated[A], error) {
	out := make([]app.Updated[A], len(ids))
	order := slices.Clone(ids)
	slices.Sort(order)
	order = slices.Compact(order)
	if s.local != nil {
		for _, id := range order {
			unlock := s.local.lock(coll.Name() + "\x00" + id)
			defer unlock()
		}
	}
	type pending struct {
		index   int
		version int64
		update  bson.M
	}
	var stored []*D
	var next []D
	var writes []pending
	var changed []A
	seen := map[string]int{}
	for i, id := range ids {
		if first, dup := seen[id]; dup {
			out[i] = out[first] // named twice: changed once
			continue
		}
		seen[id] = i
		loaded, err := loadDoc[D](ctx, coll, id, notFound)
		if domain.KindOf(err) == domain.KindNotFound {
			out[i].Err = err
			continue
		}
		if err != nil {
			return nil, err
		}
		doc := *loaded
		agg := fromDoc(&doc)
		out[i].Value = agg
		if err := change(agg); err != nil {
			out[i].Err = err
			continue
		}
		written := toDoc(agg)
		update, err := updateFor(*loaded, written, s.published.through(coll.Name(), id))
		if err != nil {
			return nil, internal(err, "encode "+coll.Name())
		}
		writes = append(writes, pending{index: i, version: (*loaded).version(), update: update})
		stored, next = append(stored, loaded), append(next, written)
		changed = append(changed, agg)
	}
	if len(writes) == 0 {
		return out, nil
	}
	if beforeWrite != nil {
		if err := beforeWrite(changed); err != nil {
			return nil, err
		}
	}
	if err := noteWrites(ctx, s, coll.Name(), stored, next); err != nil {
		return nil, err
	}
	if s.local != nil {
		models := make([]mongo.WriteModel, len(writes))
		for j, w := range writes {
			models[j] = mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": ids[w.index]}).SetUpdate(w.update)
		}
		if _, err := bulkWrite(ctx, coll, models); err != nil {
			return nil, err
		}
		return out, doneWrites(ctx, s, stored, next)
	}
	for j, w := range writes {
		id := ids[w.index]
		res, err := coll.UpdateOne(ctx, bson.M{"_id": id, "version": w.version}, w.update)
		if err != nil {
			return nil, internal(err, "update "+coll.Name())
		}
		if res.MatchedCount == 1 {
			if err := doneWrites(ctx, s, []*D{stored[j]}, []D{next[j]}); err != nil {
				return nil, err
			}
			continue
		}
		// Changed by another process since it was read: change the fresh copy instead.
		agg, err := one(id)
		out[w.index] = app.Updated[A]{Value: agg, Err: err}
		if err != nil && domain.KindOf(err) == domain.KindInternal {
			return nil, err
		}
	}
	return out, nil
}
