// Package mongo implements Silkgate's repositories on MongoDB with the official driver
// (go.mongodb.org/mongo-driver v1), and starts the embedded MongoDB-compatible server used when no
// MONGO_URI is configured. It relies only on what real MongoDB guarantees and the embedded server
// honours (docs/architecture.md §2): single-document atomicity, optimistic concurrency on a version
// field, unique indexes, and _id lookups on hot paths; nothing multi-document.
package mongo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/domain"
)

// Store is a connection to one database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	// local serialises read-change-write cycles per document inside this process. It is set for
	// the embedded server, which serves this one process only: there it replaces the version
	// condition in the update filter, because the embedded server answers an update filtered
	// on anything besides _id by scanning the whole collection (measured: 79 ms against 18 ms
	// at 3,000 documents, growing with the collection). Against MongoDB it is nil and the
	// version condition guards concurrent processes (Options.LocalLocks).
	local *keyedMutex
	// commands counts what is sent, by command, collection and filter shape.
	commands *CommandCounts
	// agenda is the reconciler's to-do list (agenda.go).
	agenda *agenda
	// published remembers which writes' events this process has published (publishedMemo).
	published *publishedMemo
}

// Connect opens the database. singleConnection must be true for the embedded server, whose
// conditional updates are atomic only through one connection; it also guards read-change-write
// cycles with the in-process lock (Options.LocalLocks).
func Connect(ctx context.Context, uri, database string, singleConnection bool) (*Store, error) {
	return Open(ctx, uri, database, Options{SingleConnection: singleConnection, LocalLocks: singleConnection})
}

// Options says how Open talks to the database.
type Options struct {
	// SingleConnection keeps one connection to the server: the embedded server's conditional
	// updates are atomic only through one.
	SingleConnection bool
	// LocalLocks serialises read-change-write cycles per document inside this process and writes
	// by _id alone, checking conditions in Go (see Store.local). Right only when this process is
	// the database's one user. Without it every write carries its condition in the update filter
	// (the version, the capacity guards), as MongoDB needs: correct on the embedded server too,
	// only slower there, so the tests run both.
	LocalLocks bool
}

// Open connects to the database with the given options.
func Open(ctx context.Context, uri, database string, o Options) (*Store, error) {
	commands := newCommandCounts()
	opts := options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second).SetRegistry(registry).
		SetMonitor(commands.monitor())
	if o.SingleConnection {
		opts.SetMaxPoolSize(1)
	}
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("mongo connect: %w", err)
	}
	if err := client.Ping(ctx, nil); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo ping %s: %w", redact(uri), err)
	}
	st := &Store{client: client, db: client.Database(database), commands: commands}
	st.agenda, st.published = newAgenda(st.db), newPublishedMemo()
	if o.LocalLocks {
		st.local = newKeyedMutex()
	}
	return st, nil
}

// LocalLocks tells whether writes are guarded by this process's locks (Options.LocalLocks).
func (s *Store) LocalLocks() bool { return s.local != nil }

// Commands counts the commands this store sent (CommandCounts).
func (s *Store) Commands() *CommandCounts { return s.commands }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.client.Ping(ctx, nil) }

// Close writes what the agenda still holds and disconnects.
func (s *Store) Close(ctx context.Context) error {
	return errors.Join(s.agenda.flushRemovals(ctx), s.client.Disconnect(ctx))
}

// Drop deletes the whole database (tests).
func (s *Store) Drop(ctx context.Context) error { return s.db.Drop(ctx) }

// Database exposes the database handle to tests of this adapter.
func (s *Store) Database() *mongo.Database { return s.db }

// Collection names.
const (
	collOrgs             = "orgs"
	collAPIKeys          = "api_keys"
	collAPIKeyQuotas     = "api_key_quotas" // active keys per organisation, for the cap
	collAuthorizations   = "authorizations"
	collParcels          = "parcels"
	collDeclarations     = "declarations"
	collDeclarationGUIDs = "declaration_guids"
	collLines            = "rail_lines"
	collDepartures       = "departures"
	collBookings         = "bookings"
	collWaybills         = "waybills"
	collOrgCodes         = "org_codes"
	collMeta             = "silkgate_meta"
	collAgenda           = "agenda"
	collCustomsAuthority = "customs_authority" // the simulated customs authority's own memory
	collKeptReceipts     = "kept_receipts"     // receipt bodies that could not be applied, with their error
	collBondedAccounts   = "bonded_accounts"   // bonded accounts (账册) by emsNo
	collBondedStock      = "bonded_stock"      // item records and their balances by emsNo/itemRecordNo
	collBondedMovements  = "bonded_movements"  // the accounts' ledger
	// The audit log: pages of entries, insert only (adapters/mongo/audit.go), and each page
	// series' counter.
	collAuditLog   = "audit_log"
	collAuditHeads = "audit_log_heads"
)

// EnsureIndexes creates every index the repositories rely on that does not exist yet, by name,
// so it runs at every start. (Asking the embedded server to create an index that exists crashes
// its handler, so existing ones are listed first rather than re-created.)
func (s *Store) EnsureIndexes(ctx context.Context) error {
	indexes := map[string][]mongo.IndexModel{
		collOrgs: {
			{Keys: bson.D{{Key: "uscc", Value: 1}}, Options: options.Index().SetName("uscc_unique").SetUnique(true).SetSparse(true)},
			{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("kind_id")},
		},
		collAPIKeys: {
			{Keys: bson.D{{Key: "orgId", Value: 1}}, Options: options.Index().SetName("org")},
		},
		collParcels: {
			{Keys: bson.D{{Key: "exporterId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("exporter_created")},
			{Keys: bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("created")},
			{Keys: bson.D{{Key: "logisticsNo", Value: 1}}, Options: options.Index().SetName("logistics_no")},
			{Keys: bson.D{{Key: "orderNo", Value: 1}}, Options: options.Index().SetName("order_no")},
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: -1}}, Options: options.Index().SetName("status_created")},
		},
		collDeclarations: {
			{Keys: bson.D{{Key: "exporterId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("exporter_created")},
			{Keys: bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("created")},
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "updatedAt", Value: 1}}, Options: options.Index().SetName("status_updated")},
			{Keys: bson.D{{Key: "exporterId", Value: 1}, {Key: "kind", Value: 1}, {Key: "releasedAt", Value: 1}}, Options: options.Index().SetName("released")},
			{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "releasedAt", Value: 1}}, Options: options.Index().SetName("kind_released")},
			{Keys: bson.D{{Key: "parcelId", Value: 1}}, Options: options.Index().SetName("parcel")},
		},
		collDepartures: {
			{Keys: bson.D{{Key: "departsAt", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("departs")},
			{Keys: bson.D{{Key: "lineCode", Value: 1}, {Key: "departsAt", Value: 1}}, Options: options.Index().SetName("line_departs")},
			{Keys: bson.D{{Key: "capacityChangedAt", Value: 1}}, Options: options.Index().SetName("capacity_changed").SetSparse(true)},
		},
		collBookings: {
			{Keys: bson.D{{Key: "departureId", Value: 1}, {Key: "status", Value: 1}}, Options: options.Index().SetName("departure_status")},
			{Keys: bson.D{{Key: "exporterId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("exporter")},
			{Keys: bson.D{{Key: "bookedBy", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("booked_by")},
		},
		// A filing's copNo is unique (insert-time check, so the embedded store enforces it too);
		// only a filing's own guid mapping carries one, hence sparse.
		collDeclarationGUIDs: {
			{Keys: bson.D{{Key: "copNo", Value: 1}}, Options: options.Index().SetName("cop_no_unique").SetUnique(true).SetSparse(true)},
		},
		collBondedAccounts: {
			{Keys: bson.D{{Key: "firmOrgId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("firm")},
		},
		collBondedStock: {
			{Keys: bson.D{{Key: "emsNo", Value: 1}, {Key: "itemRecordNo", Value: 1}}, Options: options.Index().SetName("ems_item")},
		},
		collBondedMovements: {
			{Keys: bson.D{{Key: "emsNo", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("ems_created")},
		},
		// Console users (users.go): an organisation's list.
		collUsers: {
			{Keys: bson.D{{Key: "orgId", Value: 1}}, Options: options.Index().SetName("org")},
		},
		collAuthorizations: {
			{Keys: bson.D{{Key: "exporterId", Value: 1}, {Key: "brokerId", Value: 1}}, Options: options.Index().SetName("pair")},
			{Keys: bson.D{{Key: "brokerId", Value: 1}}, Options: options.Index().SetName("broker")},
		},
		// Webhooks (webhooks.go): an organisation's subscriptions, a subscription's deliveries.
		collWebhooks: {
			{Keys: bson.D{{Key: "orgId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("org")},
		},
		collWebhookDeliveries: {
			{Keys: bson.D{{Key: "webhookId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("webhook_deliveries_by_webhook")},
			{Keys: bson.D{{Key: "status", Value: 1}}, Options: options.Index().SetName("webhook_deliveries_pending")},
		},
	}
	// Every aggregate collection carries an outbox: the reconciler finds stale ones by "outbox_at".
	for _, coll := range aggregateCollections {
		indexes[coll] = append(indexes[coll], mongo.IndexModel{Keys: bson.D{{Key: "outbox.at", Value: 1}},
			Options: options.Index().SetName("outbox_at")})
	}
	// Collections without indexes of their own are created too, so that they exist for
	// Embedded.IndexIDs.
	names, err := s.db.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("list collections: %w", err)
	}
	for _, c := range []string{collDeclarationGUIDs, collLines, collWaybills, collOrgCodes, collMeta, collAgenda, collKeptReceipts,
		collAuditLog, collAuditHeads,
		collUserEmails, collSessions, collDashboard} {
		if !slices.Contains(names, c) {
			if err := s.db.CreateCollection(ctx, c); err != nil && !strings.Contains(err.Error(), "already exists") {
				return fmt.Errorf("create %s: %w", c, err)
			}
		}
	}
	for coll, models := range indexes {
		iv := s.db.Collection(coll).Indexes()
		specs, err := iv.ListSpecifications(ctx)
		if err != nil {
			return fmt.Errorf("indexes of %s: %w", coll, err)
		}
		existing := map[string]bool{}
		for _, spec := range specs {
			existing[spec.Name] = true
		}
		var missing []mongo.IndexModel
		for _, m := range models {
			if !existing[*m.Options.Name] {
				missing = append(missing, m)
			}
		}
		if len(missing) == 0 {
			continue
		}
		if _, err := iv.CreateMany(ctx, missing); err != nil {
			return fmt.Errorf("indexes of %s: %w", coll, err)
		}
	}
	return nil
}

// ClaimProcessNumber gives the calling process a number no process got before from this
// database: one $inc of a counter in silkgate_meta (by _id, atomic). The customs use cases make
// it the node of their copNos (customs.CopNoNode), so that two processes never issue the same.
func (s *Store) ClaimProcessNumber(ctx context.Context) (uint64, error) {
	var doc struct {
		N int64 `bson:"n"`
	}
	err := s.db.Collection(collMeta).FindOneAndUpdate(ctx, bson.M{"_id": "process_numbers"}, bson.M{"$inc": bson.M{"n": int64(1)}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&doc)
	if err != nil {
		return 0, internal(err, "claim process number")
	}
	return uint64(doc.N), nil
}

// Backfill fills the _id-keyed lookup collections (org_codes, waybills, api_key_quotas) from the records stored
// before they existed. Each is done once: a marker is written in silkgate_meta when it is
// complete, and one cut short (a crash, a timeout) runs again, whole, at the next start — its
// writes are idempotent upserts. On the embedded store call it after Embedded.IndexIDs, without
// which every one of those writes scans its collection.
func (s *Store) Backfill(ctx context.Context) error {
	meta := s.db.Collection(collMeta)
	for _, b := range []struct {
		marker string
		run    func(context.Context) error
	}{
		{"org_codes_backfilled", NewOrgs(s).backfillCodes},
		{"waybills_backfilled", NewParcels(s).backfillWaybills},
		{"agenda_backfilled", s.backfillAgenda},
		{"declaration_messages_apart", NewDeclarations(s).moveMessages},
		{"api_key_quotas_backfilled", NewAPIKeys(s).backfillQuotas},
	} {
		err := meta.FindOne(ctx, bson.M{"_id": b.marker}).Err()
		if err == nil {
			continue // done before
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("backfill %s: %w", b.marker, err)
		}
		if err := b.run(ctx); err != nil {
			return fmt.Errorf("backfill %s: %w", b.marker, err)
		}
		if _, err := meta.UpdateOne(ctx, bson.M{"_id": b.marker}, bson.M{"$set": bson.M{"at": time.Now().UTC()}},
			options.Update().SetUpsert(true)); err != nil {
			return fmt.Errorf("backfill %s: %w", b.marker, err)
		}
	}
	return nil
}

// HoldAgendaRemovals sets how long finished work's agenda entries are held before they are
// taken off, in one write with the others finished meanwhile (default
// DefaultAgendaRemovalDelay). Longer means fewer writes and more entries the reconciler may look
// at again after a crash; it must stay far below the reconciler's grace. Call it before use.
func (s *Store) HoldAgendaRemovals(d time.Duration) {
	if d > 0 {
		s.agenda.mu.Lock()
		s.agenda.removalDelay = d
		s.agenda.mu.Unlock()
	}
}

// isDuplicateKey recognises a unique-index violation from an insert.
func isDuplicateKey(err error) bool {
	return mongo.IsDuplicateKeyError(err)
}

// internal wraps a driver failure.
func internal(err error, what string) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	return domain.Internal(err, "%s", what)
}

// getByID loads the document with this _id — the one lookup every store serves fast — and
// turns it into an aggregate; a missing one is notFound.
func getByID[D, A any](ctx context.Context, coll *mongo.Collection, id string, notFound error, fromDoc func(*D) A) (A, error) {
	doc, err := loadDoc[D](ctx, coll, id, notFound)
	if err != nil {
		var zero A
		return zero, err
	}
	return fromDoc(doc), nil
}

// loadDoc reads the stored document with this _id.
func loadDoc[D any](ctx context.Context, coll *mongo.Collection, id string, notFound error) (*D, error) {
	var doc D
	err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, notFound
	}
	if err != nil {
		return nil, internal(err, "load from "+coll.Name())
	}
	return &doc, nil
}

// maxUpdateAttempts bounds optimistic-concurrency retries; each retry re-reads the document.
const maxUpdateAttempts = 20

// versioned is what an aggregate document offers to updateVersioned. A document made from an
// aggregate carries the version its write will produce (the aggregate's loaded version + 1),
// which is also the version its new events were numbered with: a new aggregate is stored as
// version 1.
type versioned interface {
	id() string
	version() int64
	outbox() []eventDoc
}

// updateVersioned is the read-change-write cycle of every aggregate: load the document by _id,
// let change modify the aggregate, and write it back only if the stored version has not moved;
// new outbox events are pushed in the same single-document write, so the relay's removals of
// already-published events are never undone. On a lost race it starts again from a fresh read.
func updateVersioned[D versioned, A any](ctx context.Context, s *Store, coll *mongo.Collection, id string, notFound error,
	fromDoc func(*D) A, change func(A) error, toDoc func(A) D) (A, error) {
	var zero A
	if s.local != nil {
		unlock := s.local.lock(coll.Name() + "\x00" + id)
		defer unlock()
	}
	for attempt := 0; attempt < maxUpdateAttempts; attempt++ {
		stored, err := loadDoc[D](ctx, coll, id, notFound)
		if err != nil {
			return zero, err
		}
		doc := *stored
		agg := fromDoc(&doc)
		if err := change(agg); err != nil {
			return zero, err
		}
		next := toDoc(agg)
		update, err := updateFor(*stored, next, s.published.through(coll.Name(), id))
		if err != nil {
			return zero, internal(err, "encode "+coll.Name())
		}
		if err := noteWrites(ctx, s, coll.Name(), []*D{stored}, []D{next}); err != nil {
			return zero, err
		}
		filter := bson.M{"_id": id, "version": doc.version()}
		if s.local != nil {
			filter = bson.M{"_id": id} // the lock held since the read stands for the version check
		}
		res, err := coll.UpdateOne(ctx, filter, update)
		if err != nil {
			return zero, internal(err, "update "+coll.Name())
		}
		if res.MatchedCount == 1 {
			return agg, doneWrites(ctx, s, []*D{stored}, []D{next})
		}
		if err := ctx.Err(); err != nil {
			return zero, internal(err, "update "+coll.Name())
		}
	}
	return zero, domain.Errorf(domain.KindConflict, "concurrent_update", "the record is being changed by others; try again")
}

// agendaNotes is implemented by documents whose writes owe work besides their outbox: what to
// note on the agenda before the write that turns stored (nil for an insert) into this.
type agendaNotes interface {
	agendaNotes(stored any) map[string][]string
}

// agendaDone is implemented by documents whose writes finish work noted on the agenda: what to
// take off once the write that turned stored into this has landed.
type agendaDone interface {
	agendaDone(stored any) map[string][]string
}

// updateFor is the update that turns the stored document into next: every field set, the
// version moved on, fields the change emptied unset, and the outbox replaced, in the same
// single-document write, by next's new events after the stored ones not yet published: events
// of writes up to version published went out already (publishedMemo), and this write clears
// them — no write of its own for that. The read-change-write cycle holds the document (its lock,
// or its version condition), so nothing is pushed meanwhile.
func updateFor[D versioned](stored, next D, published int64) (bson.M, error) {
	set, err := setFor(next)
	if err != nil {
		return nil, err
	}
	set["version"] = stored.version() + 1
	update := bson.M{"$set": set}
	// A field the change emptied is left out of $set (omitempty); it must go, not linger.
	if prev, err := setFor(stored); err == nil {
		unset := bson.M{}
		for k := range prev {
			if _, kept := set[k]; !kept {
				unset[k] = ""
			}
		}
		if len(unset) > 0 {
			update["$unset"] = unset
		}
	}
	if len(stored.outbox()) > 0 || len(next.outbox()) > 0 {
		outbox := make([]eventDoc, 0, len(stored.outbox())+len(next.outbox()))
		for _, e := range stored.outbox() {
			if v, ok := eventVersion(e.ID); !ok || v > published {
				outbox = append(outbox, e)
			}
		}
		set["outbox"] = append(outbox, next.outbox()...)
	}
	return update, nil
}

// managedFields is implemented by documents some of whose fields are changed only by dedicated
// atomic operations ($inc counters and the like): the read-change-write cycle must never write
// them back, or it would undo what those operations did meanwhile.
type managedFields interface {
	managed() []string
}

// setFor is the $set of an aggregate's update: every field but the id, version, outbox and the
// fields the document manages by other operations (managedFields).
func setFor(doc any) (bson.M, error) {
	set, err := setOf(doc)
	if m, ok := doc.(managedFields); ok && err == nil {
		for _, f := range m.managed() {
			delete(set, f)
		}
	}
	return set, err
}

// setOf turns a document into the fields of a $set, leaving out the id, version and outbox,
// which the update manages itself.
func setOf(doc any) (bson.M, error) {
	raw, err := bson.MarshalWithRegistry(registry, doc)
	if err != nil {
		return nil, err
	}
	var m bson.M
	if err := bson.UnmarshalWithRegistry(registry, raw, &m); err != nil {
		return nil, err
	}
	delete(m, "_id")
	delete(m, "version")
	delete(m, "outbox")
	return m, nil
}

// page runs a newest-first list query: ids are time-ordered, so "_id below the cursor" is a
// stable position under concurrent inserts. It fetches one more than the limit to know whether
// a next page exists.
func page[D any](ctx context.Context, coll *mongo.Collection, filter bson.M, limit int, cursor string, idOf func(*D) string) ([]D, string, error) {
	if cursor != "" {
		after, err := decodeCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		filter["_id"] = bson.M{"$lt": after}
	}
	docs, more, err := findPage[D](ctx, coll, filter, bson.D{{Key: "_id", Value: -1}}, limit)
	if err != nil || !more {
		return docs, "", err
	}
	return docs, encodeCursor(idOf(&docs[len(docs)-1])), nil
}

// findPage runs one page of a list query: up to limit documents in sort order, and whether
// more follow (it asks for one more than it returns).
func findPage[D any](ctx context.Context, coll *mongo.Collection, filter bson.M, sort bson.D, limit int) ([]D, bool, error) {
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit+1)))
	if err != nil {
		return nil, false, internal(err, "list "+coll.Name())
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, false, internal(err, "list "+coll.Name())
	}
	if len(docs) > limit {
		return docs[:limit], true, nil
	}
	return docs, false, nil
}

func encodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 {
		return "", domain.InvalidField("cursor", "invalid_cursor", "cursor is not one this service returned")
	}
	return string(b), nil
}

// redact hides a password in a connection string for error messages.
func redact(uri string) string {
	opts := options.Client().ApplyURI(uri)
	if opts.Auth != nil && opts.Auth.Password != "" {
		return "(uri with credentials)"
	}
	return uri
}

// keyedMutex is a set of mutexes by key, created on demand and dropped when unused.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedEntry
}

type keyedEntry struct {
	sync.Mutex
	users int
}

func newKeyedMutex() *keyedMutex { return &keyedMutex{locks: map[string]*keyedEntry{}} }

// lock takes the mutex of key and returns its release.
func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{}
		k.locks[key] = e
	}
	e.users++
	k.mu.Unlock()
	e.Lock()
	return func() {
		e.Unlock()
		k.mu.Lock()
		if e.users--; e.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

// pageByCreated runs a newest-first list query over documents with a createdAt time: the
// conditions in and, plus the position of the cursor — the (createdAt, _id) of the last document
// of the previous page — so that documents added meanwhile never shift the pages that follow.
func pageByCreated[D any](ctx context.Context, coll *mongo.Collection, and bson.A, limit int, cursor string,
	key func(*D) (time.Time, string)) ([]D, string, error) {
	if cursor != "" {
		at, id, err := decodeTimeCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		and = append(and, bson.M{"$or": bson.A{
			bson.M{"createdAt": bson.M{"$lt": at}},
			bson.M{"createdAt": at, "_id": bson.M{"$lt": id}},
		}})
	}
	filter := bson.M{}
	if len(and) > 0 {
		filter["$and"] = and
	}
	docs, more, err := findPage[D](ctx, coll, filter, bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, limit)
	if err != nil || !more {
		return docs, "", err
	}
	return docs, encodeTimeCursor(key(&docs[len(docs)-1])), nil
}

func encodeTimeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeTimeCursor(c string) (time.Time, string, error) {
	bad := domain.InvalidField("cursor", "invalid_cursor", "cursor is not one this service returned")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", bad
	}
	ts, id, ok := strings.Cut(string(raw), "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", bad
	}
	return at, id, nil
}
