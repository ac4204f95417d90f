package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
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

// Outbox reads and clears the "outbox" arrays of aggregate documents, and finds the ones left
// owed through the agenda (agenda.go).
type Outbox struct {
	db     *mongo.Database
	agenda *agenda
	memo   *publishedMemo

	mu sync.Mutex
	// found is what Stale found on the agenda, by aggregate, for Ack to take off.
	found map[app.AggregateRef][]dueEntry
}

var _ app.OutboxStore = (*Outbox)(nil)

// NewOutbox returns the outbox store.
func NewOutbox(s *Store) *Outbox {
	return &Outbox{db: s.db, agenda: s.agenda, memo: s.published, found: map[app.AggregateRef][]dueEntry{}}
}

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

// Ack removes exactly the given entries, as Pending read them, in bulk writes by _id (one per
// fifty aggregates of a kind), and takes their writes off the agenda.
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
			if e.Raw == nil {
				return domain.Internal(nil, "acknowledging %s %s: an event not read from its outbox", p.Ref.Aggregate, p.Ref.ID)
			}
			raws[i] = e.Raw
		}
		byCollection[name] = append(byCollection[name], mongo.NewUpdateOneModel().
			SetFilter(bson.M{"_id": p.Ref.ID}).SetUpdate(bson.M{"$pullAll": bson.M{"outbox": raws}}))
	}
	for name, models := range byCollection {
		if _, err := bulkWrite(ctx, o.db.Collection(name), models); err != nil {
			return err
		}
	}
	return o.takeOff(ctx, published)
}

// takeOff takes acknowledged writes off the agenda: those this process noted, by the versions
// of the events, and those Stale found — all of an aggregate's found entries up to the newest
// version acknowledged, or all of them when nothing was pending.
func (o *Outbox) takeOff(ctx context.Context, published []app.Published) error {
	var noted []string
	var found []dueEntry
	o.mu.Lock()
	for _, p := range published {
		newest := int64(-1)
		for _, e := range p.Events {
			if v, ok := eventVersion(e.Event.ID); ok {
				noted = append(noted, outboxEntry(p.Ref.Aggregate, p.Ref.ID, v))
				newest = max(newest, v)
			}
		}
		var kept []dueEntry
		for _, f := range o.found[p.Ref] {
			_, _, v, _ := parseOutboxEntry(f.Entry)
			if len(p.Events) == 0 || v <= newest {
				found = append(found, f)
			} else {
				kept = append(kept, f)
			}
		}
		if len(kept) > 0 {
			o.found[p.Ref] = kept
		} else {
			delete(o.found, p.Ref)
		}
	}
	o.mu.Unlock()
	if err := o.agenda.done(ctx, agendaOutbox, slices.Compact(noted)); err != nil {
		return err
	}
	return o.agenda.drop(ctx, agendaOutbox, found)
}

// Stale lists aggregates noted on the agenda before before whose events were not acknowledged:
// their relay was lost (a crash, an embedded Redis restarted), and the reconciler owes them one.
// It reads the agenda's minutes by _id, never the aggregates' collections.
func (o *Outbox) Stale(ctx context.Context, before time.Time, limit int) ([]app.AggregateRef, error) {
	entries, err := o.agenda.due(ctx, agendaOutbox, before, limit)
	if err != nil {
		return nil, err
	}
	var refs []app.AggregateRef
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.found) > agendaMaxRemembered {
		clear(o.found)
	}
	for _, e := range entries {
		aggregate, id, _, ok := parseOutboxEntry(e.Entry)
		if !ok {
			continue
		}
		ref := app.AggregateRef{Aggregate: aggregate, ID: id}
		if !slices.ContainsFunc(o.found[ref], func(f dueEntry) bool { return f == e }) {
			if len(o.found[ref]) == 0 {
				refs = append(refs, ref)
			}
			o.found[ref] = append(o.found[ref], e)
		} else if !slices.Contains(refs, ref) {
			refs = append(refs, ref)
		}
	}
	return refs, nil
}

// backfillOutboxes notes on the agenda every aggregate whose outbox holds events: what was owed
// before the agenda existed. It reads whole collections, once (Store.Backfill).
func (s *Store) backfillOutboxes(ctx context.Context) error {
	var entries []string
	for aggregate, name := range aggregateCollections {
		// MongoDB: index "outbox_at" of each aggregate collection.
		cur, err := s.db.Collection(name).Find(ctx, bson.M{"outbox.at": bson.M{"$exists": true}},
			options.Find().SetProjection(bson.M{"_id": 1, "version": 1}))
		if err != nil {
			return internal(err, "find owed outboxes")
		}
		var docs []struct {
			ID      string `bson:"_id"`
			Version int64  `bson:"version"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return internal(err, "find owed outboxes")
		}
		for _, d := range docs {
			entries = append(entries, outboxEntry(aggregate, d.ID, d.Version))
		}
	}
	return s.agenda.noteAll(ctx, agendaOutbox, entries)
}

// publishedMemo remembers, by aggregate, the newest write whose events this process published
// straight from the memory of the use case that wrote them (Outbox.Published): the aggregate's
// next write drops those events from its outbox (updateFor) instead of a write of their own. An
// aggregate it has forgotten, or whose events another process published, keeps them until a
// relay clears them: published again at worst, never lost.
type publishedMemo struct {
	mu       sync.Mutex
	versions map[string]int64 // collection "\x00" id → version
}

// publishedMemoSize bounds the aggregates remembered (about 100 bytes each).
const publishedMemoSize = 200_000

func newPublishedMemo() *publishedMemo { return &publishedMemo{versions: map[string]int64{}} }

func (m *publishedMemo) mark(collection, id string, version int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.versions) >= publishedMemoSize {
		clear(m.versions)
	}
	key := collection + "\x00" + id
	m.versions[key] = max(m.versions[key], version)
}

// through is the newest version of the aggregate whose events are known published (0: none).
func (m *publishedMemo) through(collection, id string) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.versions[collection+"\x00"+id]
}

// Published records events its caller has just published from memory: their writes are off the
// agenda, and the next write of each aggregate clears them from its outbox. Nothing is written
// to the aggregates themselves.
func (o *Outbox) Published(ctx context.Context, published []app.Published) error {
	for _, p := range published {
		name, ok := aggregateCollections[p.Ref.Aggregate]
		if !ok {
			return domain.Internal(nil, "no collection for aggregate %q", p.Ref.Aggregate)
		}
		for _, e := range p.Events {
			if v, ok := eventVersion(e.Event.ID); ok {
				o.memo.mark(name, p.Ref.ID, v)
			}
		}
	}
	return o.takeOff(ctx, published)
}
