package mongo

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The agenda is the reconciler's to-do list, kept so that finding owed work never reads whole
// collections (on the embedded store every filter but an exact _id reads and decodes the whole
// collection: at 10,000 documents one reconciler run took 28.7 s). Work that may be left owed
// is noted before the write that owes it, in the document of the minute it was noted — one
// upsert by _id per write or bulk write — and taken off once done. The reconciler reads the
// minutes that are old enough, each by _id, from a cursor per kind; its cost per run follows
// what is owed, not how many records are stored.
//
// Kinds of work:
//   - agendaOutbox: "aggregate/id@version" — a write that put events into an outbox; off when
//     those events are published (Outbox.Published, or a relay's Outbox.Ack).
//   - agendaResend: a declaration id — a filing sent to customs; off when customs has given its
//     last answer. Found after the resend period, it is sent again (Declarations.Unfinished).
//   - agendaSettle: a departure id — capacity that changed; off when settled
//     (Departures.Unsettled).
const (
	agendaOutbox = "outbox"
	agendaResend = "resend"
	agendaSettle = "settle"
)

// agendaKinds are the kinds of work, each with its cursor.
var agendaKinds = []string{agendaOutbox, agendaResend, agendaSettle}

// agendaSlot is the time one agenda document covers.
const agendaSlot = time.Minute

// agendaMaxSlots bounds the minutes one look at the agenda reads (a day without a reconciler
// is caught up over a few runs).
const agendaMaxSlots = 1000

// agendaMaxRemembered bounds the entries whose minute this process remembers in order to take
// them off again; one forgotten stays on the agenda until the reconciler looks at it.
const agendaMaxRemembered = 200_000

type agenda struct {
	coll *mongo.Collection
	now  func() time.Time

	mu    sync.Mutex
	where map[string]time.Time // kind "|" entry → the minute it was noted in

	// Notes made at the same moment by concurrent requests are written together (groupCommit):
	// three hundred booking requests on one departure note in a few commands.
	notes groupCommit[map[string][]string, time.Time]

	// Removals are held for up to removalDelay and written together (done).
	removalDelay time.Duration
	held         []removal
	heldTimer    *time.Timer
}

// DefaultAgendaRemovalDelay is how long a removal may wait to be written with the next ones
// (Store.HoldAgendaRemovals changes it). An entry
// is looked at only once its minute is over and a grace has passed (see due), far longer, and
// this process writes what it holds before it looks; an entry whose removal a crash lost is
// found and its work found done — the cost of a crash, not of every request.
const DefaultAgendaRemovalDelay = 250 * time.Millisecond

// removal is a done call's entries.
type removal struct {
	kind    string
	entries []string
}

func newAgenda(db *mongo.Database) *agenda {
	a := &agenda{coll: db.Collection(collAgenda), now: func() time.Time { return time.Now().UTC() },
		where: map[string]time.Time{}, removalDelay: DefaultAgendaRemovalDelay}
	a.notes.flush = a.writeNotes
	return a
}

func slotOf(t time.Time) time.Time { return t.UTC().Truncate(agendaSlot) }

func slotID(slot time.Time) string { return "slot|" + slot.Format(time.RFC3339) }

func cursorID(kind string) string { return "cursor|" + kind }

func (a *agenda) remember(kind string, slot time.Time, entries []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.where)+len(entries) > agendaMaxRemembered {
		clear(a.where)
	}
	for _, e := range entries {
		a.where[kind+"|"+e] = slot
	}
}

// note puts entries on the agenda in the current minute, several kinds at once, and returns the
// minute once they are stored: one upsert, shared with the notes made at the same moment.
func (a *agenda) note(ctx context.Context, entries map[string][]string) (time.Time, error) {
	empty := true
	for _, es := range entries {
		empty = empty && len(es) == 0
	}
	if empty {
		return slotOf(a.now()), nil
	}
	return a.notes.do(ctx, entries)
}

// writeNotes stores the entries of several notes in one upsert of the current minute.
func (a *agenda) writeNotes(ctx context.Context, notes []map[string][]string) (time.Time, error) {
	merged := map[string][]string{}
	for _, n := range notes {
		for kind, es := range n {
			merged[kind] = append(merged[kind], es...)
		}
	}
	add := bson.M{}
	for kind, es := range merged {
		if len(es) > 0 {
			add[kind] = bson.M{"$each": es}
		}
	}
	slot := slotOf(a.now())
	if _, err := a.coll.UpdateOne(ctx, bson.M{"_id": slotID(slot)}, bson.M{"$addToSet": add}, options.Update().SetUpsert(true)); err != nil {
		return slot, internal(err, "note on the agenda")
	}
	for kind, es := range merged {
		a.remember(kind, slot, es)
	}
	return slot, nil
}

// done takes entries off the agenda, in the minutes this process noted them in. The removal is
// held for a moment and written with the others made meanwhile, one update per minute; done
// does not wait for it. One this process does not remember (noted by another process, or
// before a restart) stays until the reconciler finds it and drops it.
func (a *agenda) done(_ context.Context, kind string, entries []string) error {
	if len(entries) == 0 {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.held = append(a.held, removal{kind: kind, entries: entries})
	if a.heldTimer == nil {
		a.heldTimer = time.AfterFunc(a.removalDelay, func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_ = a.flushRemovals(ctx) // on failure the entries stay, for the reconciler
		})
	}
	return nil
}

// flushRemovals writes the removals held so far.
func (a *agenda) flushRemovals(ctx context.Context) error {
	a.mu.Lock()
	held := a.held
	a.held = nil
	if a.heldTimer != nil {
		a.heldTimer.Stop()
		a.heldTimer = nil
	}
	a.mu.Unlock()
	if len(held) == 0 {
		return nil
	}
	return a.writeRemovals(ctx, held)
}

// writeRemovals takes the entries of several done calls off, one $pullAll per minute.
func (a *agenda) writeRemovals(ctx context.Context, removals []removal) error {
	type key struct {
		slot time.Time
		kind string
	}
	byKey := map[key][]string{}
	a.mu.Lock()
	for _, r := range removals {
		for _, e := range r.entries {
			if slot, ok := a.where[r.kind+"|"+e]; ok {
				byKey[key{slot, r.kind}] = append(byKey[key{slot, r.kind}], e)
				delete(a.where, r.kind+"|"+e)
			}
		}
	}
	a.mu.Unlock()
	bySlot := map[time.Time]bson.M{}
	for k, es := range byKey {
		if bySlot[k.slot] == nil {
			bySlot[k.slot] = bson.M{}
		}
		bySlot[k.slot][k.kind] = es
	}
	for slot, pull := range bySlot {
		if _, err := a.coll.UpdateOne(ctx, bson.M{"_id": slotID(slot)}, bson.M{"$pullAll": pull}); err != nil {
			return internal(err, "take off the agenda")
		}
	}
	return nil
}

// groupCommit writes the items its callers hand it in batches: a caller whose item finds no
// write under way writes every item waiting, its own among them; one that finds a write under
// way waits and is written with the next batch. Every caller returns once its item is written,
// with that write's result — what one write per caller would give, in fewer commands.
type groupCommit[T, R any] struct {
	flush func(context.Context, []T) (R, error)

	mu       sync.Mutex
	cond     *sync.Cond
	pending  *commitBatch[T, R]
	flushing bool
}

type commitBatch[T, R any] struct {
	items   []T
	written bool
	result  R
	err     error
}

func (g *groupCommit[T, R]) do(ctx context.Context, item T) (R, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cond == nil {
		g.cond = sync.NewCond(&g.mu)
	}
	if g.pending == nil {
		g.pending = &commitBatch[T, R]{}
	}
	b := g.pending
	b.items = append(b.items, item)
	for !b.written {
		if g.flushing {
			g.cond.Wait()
			continue
		}
		batch := g.pending
		g.pending, g.flushing = nil, true
		g.mu.Unlock()
		// Not cancelled by this caller's going: the batch holds other callers' items too.
		result, err := g.flush(context.WithoutCancel(ctx), batch.items)
		g.mu.Lock()
		batch.result, batch.err, batch.written = result, err, true
		g.flushing = false
		g.cond.Broadcast()
	}
	return b.result, b.err
}

// dueEntry is an entry found on the agenda, with the minute it was noted in.
type dueEntry struct {
	Slot  time.Time
	Entry string
}

// foundEntries remembers, by entry, what a repository's look at the agenda found and handed to
// the reconciler, so that the step finishing the work can drop exactly those.
type foundEntries struct {
	mu sync.Mutex
	m  map[string][]dueEntry
}

func (f *foundEntries) put(e dueEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil || len(f.m) >= agendaMaxRemembered {
		f.m = map[string][]dueEntry{}
	}
	f.m[e.Entry] = append(f.m[e.Entry], e)
}

// take returns and forgets what was found for entry.
func (f *foundEntries) take(entry string) []dueEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	es := f.m[entry]
	delete(f.m, entry)
	return es
}

// noteAll notes many entries of one kind, a thousand an upsert (backfills).
func (a *agenda) noteAll(ctx context.Context, kind string, entries []string) error {
	for chunk := range slices.Chunk(entries, 1000) {
		if _, err := a.note(ctx, map[string][]string{kind: chunk}); err != nil {
			return err
		}
	}
	return nil
}

// drop takes entries found by due off the agenda: one update per minute. Entries of the minute
// kept (the minute an entry was just noted in again: it is owed anew) stay.
func (a *agenda) drop(ctx context.Context, kind string, entries []dueEntry, kept ...time.Time) error {
	bySlot := map[time.Time][]string{}
	for _, e := range entries {
		if slices.ContainsFunc(kept, e.Slot.Equal) {
			continue
		}
		bySlot[e.Slot] = append(bySlot[e.Slot], e.Entry)
	}
	for slot, es := range bySlot {
		if _, err := a.coll.UpdateOne(ctx, bson.M{"_id": slotID(slot)}, bson.M{"$pullAll": bson.M{kind: es}}); err != nil {
			return internal(err, "take off the agenda")
		}
	}
	return nil
}

// due returns up to limit entries of kind noted in the minutes wholly before the one of
// through, oldest first: entries are due up to a minute later than through says. It
// reads the kind's cursor and each minute from there by _id, moves the cursor past the minutes
// it found empty of this kind, and deletes the minutes found empty of every kind.
func (a *agenda) due(ctx context.Context, kind string, through time.Time, limit int) ([]dueEntry, error) {
	if err := a.flushRemovals(ctx); err != nil {
		return nil, err
	}
	var cursor struct {
		At time.Time `bson:"at"`
	}
	err := a.coll.FindOne(ctx, bson.M{"_id": cursorID(kind)}).Decode(&cursor)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil // nothing was ever noted (start sets every cursor)
	}
	if err != nil {
		return nil, internal(err, "read the agenda")
	}
	end := slotOf(through)
	// A minute can still take notes while it runs, and a moment after (a note is addressed
	// before it is sent): the cursor passes, and empty documents are deleted, only for minutes
	// over by more than a minute.
	closed := slotOf(a.now()).Add(-agendaSlot)
	if last := slotOf(a.now()).Add(agendaSlot); end.After(last) {
		end = last // no note is made ahead of time
	}
	var out []dueEntry
	next := cursor.At // the first minute that may still hold entries of kind
	var empty []mongo.WriteModel
	for slot, n := cursor.At, 0; slot.Before(end) && n < agendaMaxSlots && len(out) < limit; slot, n = slot.Add(agendaSlot), n+1 {
		var doc bson.M
		err := a.coll.FindOne(ctx, bson.M{"_id": slotID(slot)}).Decode(&doc)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, internal(err, "read the agenda")
		}
		entries := stringsOf(doc[kind])
		if len(entries) == 0 {
			if !slot.Before(closed) {
				continue
			}
			if next.Equal(slot) {
				next = slot.Add(agendaSlot)
			}
			if doc != nil && !slices.ContainsFunc(agendaKinds, func(k string) bool { return len(stringsOf(doc[k])) > 0 }) {
				empty = append(empty, mongo.NewDeleteOneModel().SetFilter(bson.M{"_id": slotID(slot)}))
			}
			continue
		}
		for _, e := range entries[:min(len(entries), limit-len(out))] {
			out = append(out, dueEntry{Slot: slot, Entry: e})
		}
	}
	if len(empty) > 0 {
		if _, err := bulkWrite(ctx, a.coll, empty); err != nil {
			return nil, err
		}
	}
	if !next.Equal(cursor.At) {
		if _, err := a.coll.UpdateOne(ctx, bson.M{"_id": cursorID(kind)}, bson.M{"$set": bson.M{"at": next}}); err != nil {
			return nil, internal(err, "move the agenda's cursor")
		}
	}
	return out, nil
}

// start sets every kind's cursor that is missing to the current minute: nothing was noted
// before the agenda existed (Backfill notes what older records owe).
func (a *agenda) start(ctx context.Context) error {
	slot := slotOf(a.now())
	for _, kind := range agendaKinds {
		_, err := a.coll.UpdateOne(ctx, bson.M{"_id": cursorID(kind)}, bson.M{"$setOnInsert": bson.M{"at": slot}},
			options.Update().SetUpsert(true))
		if err != nil {
			return internal(err, "start the agenda")
		}
	}
	return nil
}

func stringsOf(v any) []string {
	arr, _ := v.(bson.A)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// outboxEntry names a write that put events into an aggregate's outbox.
func outboxEntry(aggregate, id string, version int64) string {
	return aggregate + "/" + id + "@" + strconv.FormatInt(version, 10)
}

// parseOutboxEntry splits an outboxEntry.
func parseOutboxEntry(e string) (aggregate, id string, version int64, ok bool) {
	at, slash := strings.LastIndexByte(e, '@'), strings.IndexByte(e, '/')
	if at < 0 || slash < 0 || slash > at {
		return "", "", 0, false
	}
	version, err := strconv.ParseInt(e[at+1:], 10, 64)
	if err != nil {
		return "", "", 0, false
	}
	return e[:slash], e[slash+1 : at], version, true
}

// eventVersion is the version of the write that recorded an event: its id is
// aggregate:subject:version:seq (domain.NewEvent).
func eventVersion(id string) (int64, bool) {
	parts := strings.Split(id, ":")
	if len(parts) < 4 {
		return 0, false
	}
	v, err := strconv.ParseInt(parts[len(parts)-2], 10, 64)
	return v, err == nil
}

// collectionAggregates maps a collection to the aggregate whose outboxes its documents carry.
var collectionAggregates = func() map[string]string {
	m := map[string]string{}
	for aggregate, coll := range aggregateCollections {
		m[coll] = aggregate
	}
	return m
}()

// noteWrites puts on the agenda, in one upsert and before they are written, what the documents
// next owe once written over stored (nil for an insert): their new events, and whatever the
// documents themselves name (agendaNotes).
func noteWrites[D versioned](ctx context.Context, s *Store, collection string, stored []*D, next []D) error {
	entries := map[string][]string{}
	aggregate := collectionAggregates[collection]
	for i, n := range next {
		var before any
		if stored != nil && stored[i] != nil {
			before = *stored[i]
		}
		if len(n.outbox()) > 0 && aggregate != "" {
			entries[agendaOutbox] = append(entries[agendaOutbox], outboxEntry(aggregate, n.id(), n.version()))
		}
		if an, ok := any(n).(agendaNotes); ok {
			for kind, es := range an.agendaNotes(before) {
				entries[kind] = append(entries[kind], es...)
			}
		}
	}
	_, err := s.agenda.note(ctx, entries)
	return err
}

// doneWrites takes off the agenda what the documents next, now written over stored, have
// finished (agendaDone).
func doneWrites[D versioned](ctx context.Context, s *Store, stored []*D, next []D) error {
	entries := map[string][]string{}
	for i, n := range next {
		ad, ok := any(n).(agendaDone)
		if !ok {
			return nil
		}
		var before any
		if stored != nil && stored[i] != nil {
			before = *stored[i]
		}
		for kind, es := range ad.agendaDone(before) {
			entries[kind] = append(entries[kind], es...)
		}
	}
	for kind, es := range entries {
		if err := s.agenda.done(ctx, kind, es); err != nil {
			return err
		}
	}
	return nil
}

// backfillAgenda notes what records stored before the agenda existed owe: events in outboxes,
// filings customs has not answered finally, departures not settled. It reads those collections
// once; Store.Backfill marks it done.
func (s *Store) backfillAgenda(ctx context.Context) error {
	if err := s.agenda.start(ctx); err != nil {
		return err
	}
	if err := s.backfillOutboxes(ctx); err != nil {
		return err
	}
	if err := NewDeclarations(s).backfillResends(ctx); err != nil {
		return err
	}
	return NewDepartures(s).backfillSettles(ctx)
}
