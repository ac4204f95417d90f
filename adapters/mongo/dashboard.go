package mongo

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

// collDashboard holds the dashboard's figures (app.Dashboard): shard documents "<orgId>#s<n>"
// with their entries and figures, summaries "<orgId>" and "*" with the figures of their parts,
// and "trains". Every command on it names one _id.
const collDashboard = "dashboard"

// Dashboard stores the dashboard's figures.
type Dashboard struct {
	store *Store
	coll  *mongo.Collection
}

var _ app.DashboardStore = (*Dashboard)(nil)

// NewDashboard returns the store of the dashboard's figures.
func NewDashboard(s *Store) *Dashboard {
	return &Dashboard{store: s, coll: s.db.Collection(collDashboard)}
}

type dashEntryDoc struct {
	Key      string    `bson:"k"`
	Version  int64     `bson:"v"`
	Seq      int       `bson:"q,omitempty"`
	Status   string    `bson:"s,omitempty"`
	At       time.Time `bson:"at,omitempty"`
	Month    string    `bson:"m,omitempty"`
	Country  string    `bson:"c,omitempty"`
	Currency string    `bson:"cu,omitempty"`
	Value    int64     `bson:"val,omitempty"`
	Line     string    `bson:"l,omitempty"`
	Departs  time.Time `bson:"dep,omitempty"`
	TEU      int       `bson:"teu,omitempty"`
	Sub      time.Time `bson:"sub,omitempty"`
	Rel      time.Time `bson:"rel,omitempty"`
}

type dashFiguresDoc struct {
	// Stamp differs from one write to the next: the embedded store takes a sub-document of the
	// same shape as the one stored for equal to it and leaves it (measured: {a: {x: 1}} set to
	// {a: {y: 1}} stays {a: {x: 1}}); a new stamp makes every set a change.
	Stamp     int64               `bson:"stamp"`
	Parcels   map[string]int      `bson:"parcels,omitempty"`
	Lists     map[string]int      `bson:"lists,omitempty"`
	Value     map[string]int64    `bson:"value,omitempty"`
	Clearance map[string][]int    `bson:"clearance,omitempty"`
	Attention map[string]int      `bson:"attention,omitempty"`
	First     map[string][]string `bson:"first,omitempty"`
}

type dashShardDoc struct {
	ID      string         `bson:"_id"`
	Version int64          `bson:"version"`
	Entries []dashEntryDoc `bson:"entries"` // an array: record ids may hold characters a field name may not
	Figures dashFiguresDoc `bson:"figures"`
}

// A summary keeps each part in a top-level field "p_<part>": the embedded store does not replace
// a sub-document set through a dotted path ("parts.s5") once it exists (measured: the first value
// stays), but it does replace a top-level field.
const dashPartPrefix = "p_"

func figuresDoc(f app.Figures) dashFiguresDoc {
	return dashFiguresDoc{Parcels: f.Parcels, Lists: f.Lists, Value: f.Value, Clearance: f.Clearance, Attention: f.Attention, First: f.First}
}

func (d dashFiguresDoc) figures() app.Figures {
	return app.Figures{Parcels: d.Parcels, Lists: d.Lists, Value: d.Value, Clearance: d.Clearance, Attention: d.Attention, First: d.First}
}

// Shards reads the shard documents, one _id read each.
func (r *Dashboard) Shards(ctx context.Context, ids []string) (map[string]*app.DashShard, error) {
	out := make(map[string]*app.DashShard, len(ids))
	for _, id := range ids {
		var doc dashShardDoc
		err := r.coll.FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, internal(err, "load dashboard shard")
		}
		sh := &app.DashShard{ID: id, Version: doc.Version, Entries: make(map[string]*app.DashEntry, len(doc.Entries)),
			Figures: doc.Figures.figures()}
		for _, e := range doc.Entries {
			sh.Entries[e.Key] = &app.DashEntry{Version: e.Version, Seq: e.Seq, Status: e.Status, At: e.At, Month: e.Month,
				Country: e.Country, Currency: e.Currency, Value: e.Value, Line: e.Line, Departs: e.Departs, TEU: e.TEU,
				Sub: e.Sub, Rel: e.Rel}
		}
		out[id] = sh
	}
	return out, nil
}

// SaveShards replaces the shards in bulk writes by _id. On the embedded store the process is the
// store's one user and its dashboard applies one batch at a time; on MongoDB each replacement
// carries the version it read, and one that lost a race fails the batch as a Conflict (applied
// again from a fresh read).
func (r *Dashboard) SaveShards(ctx context.Context, shards []*app.DashShard) error {
	if len(shards) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, 0, len(shards))
	for _, sh := range shards {
		doc := dashShardDoc{ID: sh.ID, Version: sh.Version + 1, Figures: figuresDoc(sh.Figures),
			Entries: make([]dashEntryDoc, 0, len(sh.Entries))}
		for k, e := range sh.Entries {
			doc.Entries = append(doc.Entries, dashEntryDoc{Key: k, Version: e.Version, Seq: e.Seq, Status: e.Status, At: e.At,
				Month: e.Month, Country: e.Country, Currency: e.Currency, Value: e.Value, Line: e.Line, Departs: e.Departs,
				TEU: e.TEU, Sub: e.Sub, Rel: e.Rel})
		}
		slices.SortFunc(doc.Entries, func(a, b dashEntryDoc) int {
			if a.Key < b.Key {
				return -1
			}
			return 1
		})
		filter := bson.M{"_id": sh.ID}
		if r.store.local == nil {
			// A new shard (version 0) is inserted by the upsert; one another process made
			// meanwhile fails it as a duplicate key.
			filter = bson.M{"_id": sh.ID, "version": sh.Version}
		}
		models = append(models, mongo.NewReplaceOneModel().SetFilter(filter).SetReplacement(doc).
			SetUpsert(r.store.local != nil || sh.Version == 0))
	}
	var done int64
	for chunk := range slices.Chunk(models, maxBulkStatements) {
		res, err := r.coll.BulkWrite(ctx, chunk, options.BulkWrite().SetOrdered(false))
		if res != nil {
			done += res.MatchedCount + res.UpsertedCount
		}
		if err != nil && !isDuplicateKey(err) {
			return internal(err, "save dashboard shards")
		}
	}
	if done < int64(len(models)) {
		return domain.Errorf(domain.KindConflict, "concurrent_update", "dashboard shards changed meanwhile")
	}
	return nil
}

// SetParts sets parts of a summary in one findAndModify by _id and returns all of them.
func (r *Dashboard) SetParts(ctx context.Context, summaryID string, parts map[string]app.Figures) (map[string]app.Figures, error) {
	set := bson.M{}
	for k, f := range parts {
		doc := figuresDoc(f)
		doc.Stamp = time.Now().UnixNano()
		set[dashPartPrefix+k] = doc
	}
	var doc bson.Raw
	err := r.coll.FindOneAndUpdate(ctx, bson.M{"_id": summaryID}, bson.M{"$set": set},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&doc)
	if err != nil {
		return nil, internal(err, "set dashboard summary")
	}
	return partsOf(doc)
}

// Summary reads a summary by _id.
func (r *Dashboard) Summary(ctx context.Context, id string) (map[string]app.Figures, error) {
	var doc bson.Raw
	err := r.coll.FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return map[string]app.Figures{}, nil
	}
	if err != nil {
		return nil, internal(err, "load dashboard summary")
	}
	return partsOf(doc)
}

func partsOf(doc bson.Raw) (map[string]app.Figures, error) {
	elems, err := doc.Elements()
	if err != nil {
		return nil, internal(err, "decode dashboard summary")
	}
	out := make(map[string]app.Figures, len(elems))
	for _, e := range elems {
		k, ok := strings.CutPrefix(e.Key(), dashPartPrefix)
		if !ok {
			continue
		}
		var f dashFiguresDoc
		if err := bson.UnmarshalWithRegistry(registry, e.Value().Value, &f); err != nil {
			return nil, internal(err, "decode dashboard summary")
		}
		out[k] = f.figures()
	}
	return out, nil
}

// Marked reports whether the marker "dashboard_<marker>" is in silkgate_meta.
func (r *Dashboard) Marked(ctx context.Context, marker string) (bool, error) {
	err := r.store.db.Collection(collMeta).FindOne(ctx, bson.M{"_id": "dashboard_" + marker}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, internal(err, "read dashboard marker")
}

// Mark sets the marker "dashboard_<marker>".
func (r *Dashboard) Mark(ctx context.Context, marker string) error {
	_, err := r.store.db.Collection(collMeta).UpdateOne(ctx, bson.M{"_id": "dashboard_" + marker},
		bson.M{"$set": bson.M{"at": time.Now().UTC()}}, options.Update().SetUpsert(true))
	return internal(err, "set dashboard marker")
}
