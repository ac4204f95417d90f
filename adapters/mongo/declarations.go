package mongo

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

// Declarations stores customs declarations in "declarations", and in "declaration_guids" the
// mapping from every guid a declaration was filed under to its id: a receipt carries nothing
// but a guid, so finding its declaration must be two _id lookups, not a scan. The mapping of a
// filing's guid also keeps the exact XML that filing sent: written once, read only to send it
// again or to show it, and so left out of the declaration, which every command reads and
// rewrites (on the embedded store a write's cost grows with the document; the XML was 44 % of it).
type Declarations struct {
	store *Store
	coll  *mongo.Collection
	guids *mongo.Collection

	found foundEntries // what Unfinished found on the agenda, for MarkSent and DoneWaiting
}

var _ customs.Repository = (*Declarations)(nil)

// NewDeclarations returns the declaration repository.
func NewDeclarations(s *Store) *Declarations {
	return &Declarations{store: s, coll: s.db.Collection(collDeclarations), guids: s.db.Collection(collDeclarationGUIDs)}
}

type filingDoc struct {
	GUID        string         `bson:"guid"`
	CopNo       string         `bson:"copNo"`
	SubmittedAt time.Time      `bson:"submittedAt"`
	Status      customs.Status `bson:"status"`
	PreNo       string         `bson:"preNo,omitempty"`
	InvtNo      string         `bson:"invtNo,omitempty"`
	EntryID     string         `bson:"entryId,omitempty"`
	SumNo       string         `bson:"sumNo,omitempty"`
}

type declarationDoc struct {
	ID              string                  `bson:"_id"`
	Kind            customs.Kind            `bson:"kind"`
	TradeMode       string                  `bson:"tradeMode"`
	FilerID         string                  `bson:"filerId"`
	ExporterID      string                  `bson:"exporterId"`
	ParcelID        string                  `bson:"parcelId,omitempty"` // inventory lists: for lookups by parcel
	Inventory       *customs.Inventory      `bson:"inventory,omitempty"`
	Entry           *customs.Entry          `bson:"entry,omitempty"`
	Cancel          *customs.Cancellation   `bson:"cancel,omitempty"`
	Summary         *customs.Summary        `bson:"summary,omitempty"`
	Departure       *customs.Departure      `bson:"departure,omitempty"`
	Document        *customs.Document       `bson:"document,omitempty"`
	Arrival         *customs.Arrival        `bson:"arrival,omitempty"`
	Status          customs.Status          `bson:"status"`
	GUID            string                  `bson:"guid,omitempty"`
	CopNo           string                  `bson:"copNo,omitempty"`
	SubmittedAt     time.Time               `bson:"submittedAt,omitempty"`
	Filings         []filingDoc             `bson:"filings,omitempty"`
	PreNo           string                  `bson:"preNo,omitempty"`
	InvtNo          string                  `bson:"invtNo,omitempty"`
	EntryID         string                  `bson:"entryId,omitempty"`
	SumNo           string                  `bson:"sumNo,omitempty"`
	DecTmpNo        string                  `bson:"decTmpNo,omitempty"`
	EntryIDs        []string                `bson:"entryIds,omitempty"`
	FailReason      string                  `bson:"failReason,omitempty"`
	ReleasedAt      time.Time               `bson:"releasedAt,omitempty"`
	CancelledBy     string                  `bson:"cancelledBy,omitempty"`
	CancelledAt     time.Time               `bson:"cancelledAt,omitempty"`
	SummaryID       string                  `bson:"summaryId,omitempty"`
	SummarisedAt    time.Time               `bson:"summarisedAt,omitempty"`
	SummaryEntryIDs []string                `bson:"summaryEntryIds,omitempty"`
	Receipts        []customs.ReceiptRecord `bson:"receipts"`
	CreatedAt       time.Time               `bson:"createdAt"`
	UpdatedAt       time.Time               `bson:"updatedAt"`
	Timeline        []customs.TimelineEntry `bson:"timeline"`
	Version         int64                   `bson:"version"`
	Outbox          []eventDoc              `bson:"outbox"`
}

func (d declarationDoc) id() string         { return d.ID }
func (d declarationDoc) version() int64     { return d.Version }
func (d declarationDoc) outbox() []eventDoc { return d.Outbox }

func declarationToDoc(d *customs.Declaration) declarationDoc {
	r := d.Snapshot()
	doc := declarationDoc{
		ID: r.ID, Kind: r.Kind, TradeMode: r.TradeMode, FilerID: r.FilerID, ExporterID: r.ExporterID,
		Inventory: r.Inventory, Entry: r.Entry, Cancel: r.Cancel, Summary: r.Summary, Departure: r.Departure, Document: r.Document, Arrival: r.Arrival,
		Status: r.Status, GUID: r.GUID, CopNo: r.CopNo, SubmittedAt: r.SubmittedAt,
		PreNo: r.PreNo, InvtNo: r.InvtNo, EntryID: r.EntryID, SumNo: r.SumNo, DecTmpNo: r.DecTmpNo, EntryIDs: r.EntryIDs,
		FailReason: r.FailReason, ReleasedAt: r.ReleasedAt, CancelledBy: r.CancelledBy, CancelledAt: r.CancelledAt,
		SummaryID: r.SummaryID, SummarisedAt: r.SummarisedAt, SummaryEntryIDs: r.SummaryEntryIDs,
		Receipts: r.Receipts, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Timeline: r.Timeline,
		Version: r.Version + 1, Outbox: outboxDocs(d.Outbox()),
	}
	doc.ParcelID = d.ParcelID()
	for _, f := range r.Filings {
		doc.Filings = append(doc.Filings, filingDoc{GUID: f.GUID, CopNo: f.CopNo, SubmittedAt: f.SubmittedAt, Status: f.Status,
			PreNo: f.PreNo, InvtNo: f.InvtNo, EntryID: f.EntryID, SumNo: f.SumNo})
	}
	if doc.Receipts == nil {
		doc.Receipts = []customs.ReceiptRecord{}
	}
	return doc
}

func declarationFromDoc(doc *declarationDoc) *customs.Declaration {
	r := customs.Record{
		ID: doc.ID, Kind: doc.Kind, TradeMode: doc.TradeMode, FilerID: doc.FilerID, ExporterID: doc.ExporterID,
		Inventory: doc.Inventory, Entry: doc.Entry, Cancel: doc.Cancel, Summary: doc.Summary, Departure: doc.Departure, Document: doc.Document, Arrival: doc.Arrival,
		Status: doc.Status, GUID: doc.GUID, CopNo: doc.CopNo, SubmittedAt: doc.SubmittedAt,
		PreNo: doc.PreNo, InvtNo: doc.InvtNo, EntryID: doc.EntryID, SumNo: doc.SumNo, DecTmpNo: doc.DecTmpNo, EntryIDs: doc.EntryIDs,
		FailReason: doc.FailReason, ReleasedAt: doc.ReleasedAt, CancelledBy: doc.CancelledBy, CancelledAt: doc.CancelledAt,
		SummaryID: doc.SummaryID, SummarisedAt: doc.SummarisedAt, SummaryEntryIDs: doc.SummaryEntryIDs,
		Receipts: doc.Receipts, CreatedAt: doc.CreatedAt, UpdatedAt: doc.UpdatedAt, Timeline: doc.Timeline,
		Version: doc.Version,
	}
	for _, f := range doc.Filings {
		r.Filings = append(r.Filings, customs.Filing{GUID: f.GUID, CopNo: f.CopNo, SubmittedAt: f.SubmittedAt, Status: f.Status,
			PreNo: f.PreNo, InvtNo: f.InvtNo, EntryID: f.EntryID, SumNo: f.SumNo})
	}
	return customs.FromDatabase(r)
}

var errDeclarationNotFound = domain.NotFound("declaration")

// Create stores a new declaration (a draft: it has no guid yet).
func (r *Declarations) Create(ctx context.Context, d *customs.Declaration) error {
	if err := r.mapGUIDs(ctx, guidMappings(d, nil)); err != nil {
		return err
	}
	doc := declarationToDoc(d)
	if err := noteWrites(ctx, r.store, collDeclarations, nil, []declarationDoc{doc}); err != nil {
		return err
	}
	_, err := r.coll.InsertOne(ctx, doc)
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, domain.CodeDeclarationExists, "a declaration with this id exists")
	}
	return internal(err, "create declaration")
}

// CreateMany stores new declarations in one unordered bulk write; it reports which ids
// existed already (the caller derived them from what they declare, so those are repeats).
// Declarations created submitted (the three documents) have their guids mapped first, with
// their messages, in one more bulk write: a repeat leaves a mapping of a guid never sent.
func (r *Declarations) CreateMany(ctx context.Context, ds []*customs.Declaration) (existing []bool, err error) {
	existing = make([]bool, len(ds))
	if len(ds) == 0 {
		return existing, nil
	}
	var mappings []guidMapping
	for _, d := range ds {
		mappings = append(mappings, guidMappings(d, nil)...)
	}
	if err := r.insertGUIDs(ctx, mappings); err != nil {
		return nil, err
	}
	docs, typed := make([]any, len(ds)), make([]declarationDoc, len(ds))
	for i, d := range ds {
		typed[i] = declarationToDoc(d)
		docs[i] = typed[i]
	}
	if err := noteWrites(ctx, r.store, collDeclarations, nil, typed); err != nil {
		return nil, err
	}
	_, err = r.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !isDuplicateKeyCode(we.Code) {
				return nil, internal(err, "insert declarations")
			}
			existing[we.Index] = true
		}
		return existing, nil
	}
	return existing, internal(err, "insert declarations")
}

// guidMapping is a "declaration_guids" document: a guid, its declaration and, for the guid of a
// filing, the message it sent.
type guidMapping struct {
	GUID          string `bson:"_id"`
	DeclarationID string `bson:"declarationId"`
	Message       string `bson:"message,omitempty"`
	CopNo         string `bson:"copNo,omitempty"` // a filing's guid: its copNo, unique (index cop_no_unique)
}

// guidMappings are the mappings of d's guids that before did not have: a submission's new
// filing guid (with its message) and a departure document's head guids.
func guidMappings(d *customs.Declaration, before []string) []guidMapping {
	r := d.Snapshot()
	messages := map[string][]byte{r.GUID: r.Message}
	copNos := map[string]string{r.GUID: r.CopNo}
	for _, f := range r.Filings {
		messages[f.GUID] = f.Message
		copNos[f.GUID] = f.CopNo
	}
	var out []guidMapping
	for _, g := range d.GUIDs() {
		if !slices.Contains(before, g) {
			out = append(out, guidMapping{GUID: g, DeclarationID: r.ID, Message: string(messages[g]), CopNo: copNos[g]})
		}
	}
	return out
}

// mapGUIDs records each mapping; a guid already mapped to the same declaration is fine (a
// repeat), one mapped to another declaration is a conflict, and so is a copNo another filing
// has (guids and copNos are unique by construction, so this guards against a bug rather than
// a race).
func (r *Declarations) mapGUIDs(ctx context.Context, mappings []guidMapping) error {
	for _, m := range mappings {
		_, err := r.guids.InsertOne(ctx, m)
		if isDuplicateKey(err) {
			var found guidMapping
			err := r.guids.FindOne(ctx, bson.M{"_id": m.GUID}).Decode(&found)
			if errors.Is(err, mongo.ErrNoDocuments) { // the guid is new: the copNo was the duplicate
				return domain.Errorf(domain.KindConflict, "cop_no_taken", "copNo %s belongs to another filing", m.CopNo)
			}
			if err != nil {
				return internal(err, "read guid mapping")
			}
			if found.DeclarationID != m.DeclarationID {
				return domain.Errorf(domain.KindConflict, "guid_taken", "guid %s belongs to another declaration", m.GUID)
			}
			continue
		}
		if err != nil {
			return internal(err, "map guid")
		}
	}
	return nil
}

// Get loads a declaration.
func (r *Declarations) Get(ctx context.Context, id string) (*customs.Declaration, error) {
	return getByID(ctx, r.coll, id, errDeclarationNotFound, declarationFromDoc)
}

// Update changes a declaration under optimistic concurrency. New guids (a submission) are
// mapped before the declaration that carries them is written, so a receipt can never arrive
// for a guid nobody can find.
func (r *Declarations) Update(ctx context.Context, id string, change func(*customs.Declaration) error) (*customs.Declaration, error) {
	return updateVersioned(ctx, r.store, r.coll, id, errDeclarationNotFound, declarationFromDoc, func(d *customs.Declaration) error {
		before := d.GUIDs()
		if err := change(d); err != nil {
			return err
		}
		return r.mapGUIDs(ctx, guidMappings(d, before))
	}, declarationToDoc)
}

// UpdateMany changes declarations in bulk (updateManyVersioned): one read each, the new guids
// of all of them mapped in one insert before the declarations are written, the writes together.
func (r *Declarations) UpdateMany(ctx context.Context, ids []string, change func(*customs.Declaration) error) ([]app.Updated[*customs.Declaration], error) {
	before := map[string][]string{}
	return updateManyVersioned(ctx, r.store, r.coll, ids, errDeclarationNotFound, declarationFromDoc,
		func(d *customs.Declaration) error {
			before[d.ID()] = d.GUIDs()
			return change(d)
		}, declarationToDoc,
		func(changed []*customs.Declaration) error {
			var mappings []guidMapping
			for _, d := range changed {
				mappings = append(mappings, guidMappings(d, before[d.ID()])...)
			}
			return r.insertGUIDs(ctx, mappings)
		},
		func(id string) (*customs.Declaration, error) { return r.Update(ctx, id, change) })
}

// insertGUIDs stores guid mappings in one unordered insert; a guid mapped already is checked on
// its own (mapGUIDs), which tells a repeat from a guid of another declaration.
func (r *Declarations) insertGUIDs(ctx context.Context, mappings []guidMapping) error {
	if len(mappings) == 0 {
		return nil
	}
	docs := make([]any, len(mappings))
	for i := range mappings {
		docs[i] = mappings[i]
	}
	_, err := r.guids.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return internal(err, "map guids")
	}
	for _, we := range bwe.WriteErrors {
		if !isDuplicateKeyCode(we.Code) {
			return internal(err, "map guids")
		}
		if err := r.mapGUIDs(ctx, mappings[we.Index:we.Index+1]); err != nil {
			return err
		}
	}
	return nil
}

// Message returns the exact XML sent under guid: one _id lookup of its mapping. A guid that
// sent nothing (a departure document's further heads travel in their filing's message) or
// is unknown is NotFound.
func (r *Declarations) Message(ctx context.Context, guid string) ([]byte, error) {
	var m guidMapping
	err := r.guids.FindOne(ctx, bson.M{"_id": guid}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) || err == nil && m.Message == "" {
		return nil, errMessageNotFound
	}
	if err != nil {
		return nil, internal(err, "find message")
	}
	return []byte(m.Message), nil
}

var errMessageNotFound = domain.Errorf(domain.KindNotFound, "message_not_found", "no message was sent under this guid")

// IDByGUID finds the id of the declaration filed under guid: one _id lookup.
func (r *Declarations) IDByGUID(ctx context.Context, guid string) (string, error) {
	var m struct {
		DeclarationID string `bson:"declarationId"`
	}
	err := r.guids.FindOne(ctx, bson.M{"_id": guid}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", errDeclarationNotFound
	}
	if err != nil {
		return "", internal(err, "find guid")
	}
	return m.DeclarationID, nil
}

// List returns declarations newest first, with the (createdAt, _id) cursor of Parcels.List.
func (r *Declarations) List(ctx context.Context, f customs.Filter) ([]*customs.Declaration, string, error) {
	and := bson.A{}
	if f.ExporterIDs != nil {
		and = append(and, bson.M{"exporterId": bson.M{"$in": f.ExporterIDs}})
	}
	for field, v := range map[string]string{"kind": string(f.Kind), "status": string(f.Status), "tradeMode": f.TradeMode} {
		if v != "" {
			and = append(and, bson.M{field: v})
		}
	}
	// MongoDB: index "exporter_created" for an exporter's (or a broker's exporters') lists,
	// "created" for the operator's.
	docs, next, err := pageByCreated(ctx, r.coll, and, f.Limit, f.Cursor, func(d *declarationDoc) (time.Time, string) {
		return d.CreatedAt, d.ID
	})
	if err != nil {
		return nil, "", err
	}
	return declarationsFromDocs(docs), next, nil
}

// ClearanceTimes reads the submission and release times of the inventory lists released in the
// period: a statistics query (it filters beyond _id, so the embedded store reads the collection;
// on MongoDB the "kind_released" index, or "released" for one exporter's lists, serves it).
func (r *Declarations) ClearanceTimes(ctx context.Context, f app.ClearanceFilter) ([]time.Duration, error) {
	released := bson.M{"$gt": time.Time{}}
	if !f.From.IsZero() {
		released["$gte"] = f.From
	}
	if !f.To.IsZero() {
		released["$lt"] = f.To
	}
	filter := bson.M{"kind": string(customs.KindInventory), "releasedAt": released}
	if f.ExporterIDs != nil {
		filter["exporterId"] = bson.M{"$in": f.ExporterIDs}
	}
	if f.TradeMode != "" {
		filter["tradeMode"] = f.TradeMode
	}
	cur, err := r.coll.Find(ctx, filter, options.Find().SetProjection(bson.M{"submittedAt": 1, "releasedAt": 1}))
	if err != nil {
		return nil, internal(err, "find clearance times")
	}
	var docs []struct {
		SubmittedAt time.Time `bson:"submittedAt"`
		ReleasedAt  time.Time `bson:"releasedAt"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, internal(err, "find clearance times")
	}
	out := make([]time.Duration, 0, len(docs))
	for _, d := range docs {
		if !d.SubmittedAt.IsZero() && !d.ReleasedAt.IsZero() {
			out = append(out, max(d.ReleasedAt.Sub(d.SubmittedAt), 0))
		}
	}
	return out, nil
}

// ReleasedInventory returns an exporter's inventory lists released in [from, to) and still
// released or cleared.
func (r *Declarations) ReleasedInventory(ctx context.Context, exporterID string, from, to time.Time) ([]*customs.Declaration, error) {
	// MongoDB: index "released" (exporterId, kind, releasedAt).
	docs, err := r.find(ctx, bson.M{
		"kind": string(customs.KindInventory), "exporterId": exporterID,
		"status":     bson.M{"$in": bson.A{string(customs.StatusReleased), string(customs.StatusCleared)}},
		"releasedAt": bson.M{"$gte": from, "$lt": to},
	}, options.Find())
	if err != nil {
		return nil, err
	}
	return declarationsFromDocs(docs), nil
}

// awaitingStatuses are the statuses in which customs may still owe a filing an answer (the
// backfill's query; awaiting decides).
var awaitingStatuses = []customs.Status{customs.StatusSubmitted, customs.StatusStaged, customs.StatusDeclaring,
	customs.StatusSent, customs.StatusAccepted, customs.StatusManualReview, customs.StatusReviewFinished,
	customs.StatusInspection}

// awaiting tells whether customs still owes the declaration an answer: the domain's rule
// (Declaration.AwaitingCustoms), so that the agenda and the reconciler agree with it for every
// kind — a departure, arrival or document customs has on file, or a summary whose generated
// declaration waits for the broker, owes nothing more.
func (d declarationDoc) awaiting() bool { return declarationFromDoc(&d).AwaitingCustoms() }

// agendaNotes: a new filing is owed customs' answers; the reconciler sends it again if they
// do not come (Unfinished).
func (d declarationDoc) agendaNotes(stored any) map[string][]string {
	before, _ := stored.(declarationDoc)
	if d.GUID != "" && d.GUID != before.GUID && d.awaiting() {
		return map[string][]string{agendaResend: {d.ID}}
	}
	return nil
}

// agendaDone: a filing customs has answered finally is owed nothing more.
func (d declarationDoc) agendaDone(stored any) map[string][]string {
	if before, ok := stored.(declarationDoc); ok && before.awaiting() && !d.awaiting() {
		return map[string][]string{agendaResend: {d.ID}}
	}
	return nil
}

// Unfinished returns up to limit declarations filed with customs before before that customs has
// not answered finally, neither changed nor sent again since before: the reconciler re-sends
// them (customs answers a repeat with the same receipts, recognised as duplicates). It reads the
// filings noted on the agenda and each of them by _id, never the collection; a filing answered
// finally meanwhile is taken off, one changed since is noted again from now.
func (r *Declarations) Unfinished(ctx context.Context, before time.Time, limit int) ([]*customs.Declaration, error) {
	entries, err := r.store.agenda.due(ctx, agendaResend, before, limit)
	if err != nil {
		return nil, err
	}
	var out []*customs.Declaration
	var finished []dueEntry
	var progressed []string
	for _, e := range entries {
		var doc declarationDoc
		var sent struct {
			LastSentAt *time.Time `bson:"lastSentAt"` // the reconciler's field, outside the aggregate
		}
		raw, err := r.coll.FindOne(ctx, bson.M{"_id": e.Entry}).Raw()
		if err == nil {
			err = errors.Join(bson.UnmarshalWithRegistry(registry, raw, &doc), bson.UnmarshalWithRegistry(registry, raw, &sent))
		}
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			finished = append(finished, e)
		case err != nil:
			return nil, internal(err, "load declaration")
		case !doc.awaiting():
			finished = append(finished, e)
		case !doc.UpdatedAt.Before(before) || sent.LastSentAt != nil && !sent.LastSentAt.Before(before):
			// Answered or sent again lately: due again a resend period from now.
			finished, progressed = append(finished, e), append(progressed, e.Entry)
		default:
			r.found.put(e)
			out = append(out, declarationFromDoc(&doc))
		}
	}
	noted, err := r.store.agenda.note(ctx, map[string][]string{agendaResend: progressed})
	if err != nil {
		return nil, err
	}
	if err := r.store.agenda.drop(ctx, agendaResend, finished, noted); err != nil {
		return nil, err
	}
	return out, nil
}

// MarkSent sets lastSentAt, a field of the reconciler's outside the aggregate (the aggregate's
// own writes name their fields, so they leave it alone), and notes the filing on the agenda
// again from now, in place of where the reconciler found it.
func (r *Declarations) MarkSent(ctx context.Context, id string, at time.Time) error {
	noted, err := r.store.agenda.note(ctx, map[string][]string{agendaResend: {id}})
	if err != nil {
		return err
	}
	if _, err := r.coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"lastSentAt": at}}); err != nil {
		return internal(err, "mark declaration sent")
	}
	return r.store.agenda.drop(ctx, agendaResend, r.found.take(id), noted)
}

// DoneWaiting takes a declaration customs owes nothing more off the agenda.
func (r *Declarations) DoneWaiting(ctx context.Context, id string) error {
	return r.store.agenda.drop(ctx, agendaResend, r.found.take(id))
}

// backfillResends notes on the agenda every filing customs has not answered finally: what was
// owed before the agenda existed. It reads the collection, once (Store.Backfill).
func (r *Declarations) backfillResends(ctx context.Context) error {
	// MongoDB: index "status_updated".
	docs, err := r.find(ctx, bson.M{"status": bson.M{"$in": awaitingStatuses}}, options.Find())
	if err != nil {
		return err
	}
	var ids []string
	for _, d := range docs {
		if d.awaiting() {
			ids = append(ids, d.ID)
		}
	}
	return r.store.agenda.noteAll(ctx, agendaResend, ids)
}

// moveMessages moves the messages that declarations stored before messages were kept apart into
// their guids' mappings, and takes them out of the declarations. It reads the collection, once
// (Store.Backfill).
func (r *Declarations) moveMessages(ctx context.Context) error {
	cur, err := r.coll.Find(ctx, bson.M{"$or": bson.A{
		bson.M{"message": bson.M{"$exists": true}}, bson.M{"filings.message": bson.M{"$exists": true}}}})
	if err != nil {
		return internal(err, "find declarations with messages")
	}
	var docs []struct {
		ID      string   `bson:"_id"`
		GUID    string   `bson:"guid"`
		Message string   `bson:"message"`
		Filings []bson.M `bson:"filings"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return internal(err, "find declarations with messages")
	}
	keep := func(guid, id, message string) error {
		if guid == "" || message == "" {
			return nil
		}
		_, err := r.guids.UpdateOne(ctx, bson.M{"_id": guid},
			bson.M{"$set": bson.M{"declarationId": id, "message": message}}, options.Update().SetUpsert(true))
		return internal(err, "move message")
	}
	for _, d := range docs {
		if err := keep(d.GUID, d.ID, d.Message); err != nil {
			return err
		}
		for _, f := range d.Filings {
			guid, _ := f["guid"].(string)
			message, _ := f["message"].(string)
			if err := keep(guid, d.ID, message); err != nil {
				return err
			}
			delete(f, "message")
		}
		set := bson.M{}
		if d.Filings != nil {
			set["filings"] = d.Filings
		}
		update := bson.M{"$unset": bson.M{"message": ""}}
		if len(set) > 0 {
			update["$set"] = set
		}
		if _, err := r.coll.UpdateOne(ctx, bson.M{"_id": d.ID}, update); err != nil {
			return internal(err, "take message out of declaration")
		}
	}
	return nil
}

func (r *Declarations) find(ctx context.Context, filter bson.M, opts *options.FindOptions) ([]declarationDoc, error) {
	cur, err := r.coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, internal(err, "find declarations")
	}
	var docs []declarationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, internal(err, "find declarations")
	}
	return docs, nil
}

func declarationsFromDocs(docs []declarationDoc) []*customs.Declaration {
	out := make([]*customs.Declaration, len(docs))
	for i := range docs {
		out[i] = declarationFromDoc(&docs[i])
	}
	return out
}
