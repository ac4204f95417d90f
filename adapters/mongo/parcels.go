package mongo

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

// Parcels stores parcels in "parcels". The _id is derived from the natural key
// (parcel.IDFor), so the key is unique by construction and tracking with a carrier is an _id
// lookup. Tracking by the waybill number alone reads "waybills", whose _id is the number and
// which lists the parcels that carry it (several carriers may use one number).
type Parcels struct {
	store    *Store
	coll     *mongo.Collection
	waybills *mongo.Collection
}

var _ parcel.Repository = (*Parcels)(nil)

// NewParcels returns the parcel repository.
func NewParcels(s *Store) *Parcels {
	return &Parcels{store: s, coll: s.db.Collection(collParcels), waybills: s.db.Collection(collWaybills)}
}

// waybillDoc lists the parcels that carry one waybill number.
type waybillDoc struct {
	LogisticsNo string   `bson:"_id"`
	ParcelIDs   []string `bson:"parcelIds"`
}

type parcelDoc struct {
	ID            string           `bson:"_id"`
	Fields        parcel.Fields    `bson:",inline"`
	Status        string           `bson:"status"`
	DeclarationID string           `bson:"declarationId,omitempty"`
	ExitCustoms   string           `bson:"exitCustoms,omitempty"`
	ContainerNo   string           `bson:"containerNo,omitempty"`
	DepartureID   string           `bson:"departureId,omitempty"`
	RejectReason  string           `bson:"rejectReason,omitempty"`
	CancelReason  string           `bson:"cancelReason,omitempty"`
	Yard          *yardDoc         `bson:"yard,omitempty"`
	CreatedAt     time.Time        `bson:"createdAt"`
	UpdatedAt     time.Time        `bson:"updatedAt"`
	Timeline      []parcelEntryDoc `bson:"timeline"`
	Version       int64            `bson:"version"`
	Outbox        []eventDoc       `bson:"outbox"`
}

func (d parcelDoc) id() string         { return d.ID }
func (d parcelDoc) version() int64     { return d.Version }
func (d parcelDoc) outbox() []eventDoc { return d.Outbox }

func parcelToDoc(p *parcel.Parcel) parcelDoc {
	r := p.Snapshot()
	d := parcelDoc{
		ID: r.ID, Fields: r.Fields, Status: string(r.Status), DeclarationID: r.DeclarationID, ExitCustoms: r.ExitCustoms,
		ContainerNo: r.ContainerNo, DepartureID: r.DepartureID, RejectReason: r.RejectReason,
		CancelReason: r.CancelReason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Timeline: eachOf(r.Timeline, parcelEntryToDoc), Version: r.Version + 1, Outbox: outboxDocs(p.Outbox()),
	}
	if y := r.Yard; y != nil {
		d.Yard = &yardDoc{ReceivedAt: y.ReceivedAt, ReceivedBy: y.ReceivedBy, DomesticTrafNo: y.DomesticTrafNo,
			DeclarationID: y.DeclarationID, AcceptedAt: y.AcceptedAt}
	}
	return d
}

// yardDoc is a parcel's arrival at the supervised site.
type yardDoc struct {
	ReceivedAt     time.Time `bson:"receivedAt"`
	ReceivedBy     string    `bson:"receivedBy"`
	DomesticTrafNo string    `bson:"domesticTrafNo"`
	DeclarationID  string    `bson:"declarationId,omitempty"`
	AcceptedAt     time.Time `bson:"acceptedAt,omitempty"`
}

func parcelFromDoc(d *parcelDoc) *parcel.Parcel {
	r := parcel.Record{
		ID: d.ID, Fields: d.Fields, Status: parcel.Status(d.Status), DeclarationID: d.DeclarationID, ExitCustoms: d.ExitCustoms,
		ContainerNo: d.ContainerNo, DepartureID: d.DepartureID, RejectReason: d.RejectReason,
		CancelReason: d.CancelReason, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		Timeline: eachOf(d.Timeline, parcelEntryDoc.entry), Version: d.Version,
	}
	if y := d.Yard; y != nil {
		r.Yard = &parcel.YardArrival{ReceivedAt: y.ReceivedAt, ReceivedBy: y.ReceivedBy, DomesticTrafNo: y.DomesticTrafNo,
			DeclarationID: y.DeclarationID, AcceptedAt: y.AcceptedAt}
	}
	return parcel.UnmarshalFromDatabase(r)
}

var errParcelNotFound = domain.NotFound("parcel")

// Insert stores parcels with one unordered bulk insert: every parcel that can be stored is,
// and the ones whose _id (natural key) exists come back as duplicates. Their waybill numbers
// are indexed first, in one bulk write: an entry whose parcel was not stored (a crash between
// the two) is a harmless hint, since a lookup reads the parcels it names.
func (r *Parcels) Insert(ctx context.Context, ps []*parcel.Parcel) ([]parcel.InsertOutcome, error) {
	outcomes := make([]parcel.InsertOutcome, len(ps))
	if len(ps) == 0 {
		return outcomes, nil
	}
	entries := make([]waybillEntry, len(ps))
	for i, p := range ps {
		entries[i] = waybillEntry{logisticsNo: p.LogisticsNo(), parcelID: p.ID()}
	}
	if err := r.indexWaybills(ctx, entries); err != nil {
		return nil, err
	}
	docs, typed := make([]any, len(ps)), make([]parcelDoc, len(ps))
	for i, p := range ps {
		typed[i] = parcelToDoc(p)
		docs[i] = typed[i]
	}
	if err := noteWrites(ctx, r.store, collParcels, nil, typed); err != nil {
		return nil, err
	}
	_, err := r.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !isDuplicateKeyCode(we.Code) {
				return nil, internal(err, "insert parcels")
			}
			outcomes[we.Index] = parcel.Duplicate
		}
		return outcomes, nil
	}
	return outcomes, internal(err, "insert parcels")
}

func isDuplicateKeyCode(code int) bool { return code == 11000 || code == 11001 || code == 12582 }

// Get loads a parcel by id.
func (r *Parcels) Get(ctx context.Context, id string) (*parcel.Parcel, error) {
	return getByID(ctx, r.coll, id, errParcelNotFound, parcelFromDoc)
}

// GetByKey loads a parcel by its natural key: an _id lookup.
func (r *Parcels) GetByKey(ctx context.Context, logisticsCode, logisticsNo string) (*parcel.Parcel, error) {
	return r.Get(ctx, parcel.IDFor(strings.ToUpper(logisticsCode), logisticsNo))
}

// waybillEntry says that a parcel carries a waybill number.
type waybillEntry struct{ logisticsNo, parcelID string }

// indexWaybills adds each parcel to the entry of its waybill number. New numbers — nearly all
// of a batch — are inserted in one command; only those that have an entry already (another
// carrier's parcel, a batch posted again) are added to it by _id upserts, fifty a command.
// (Upserting all of them cost 210 ms per 1,000 on the embedded store, inserting them 33 ms.)
func (r *Parcels) indexWaybills(ctx context.Context, entries []waybillEntry) error {
	byNo := map[string][]string{}
	var order []string
	for _, e := range entries {
		if _, seen := byNo[e.logisticsNo]; !seen {
			order = append(order, e.logisticsNo)
		}
		byNo[e.logisticsNo] = append(byNo[e.logisticsNo], e.parcelID)
	}
	docs := make([]any, len(order))
	for i, no := range order {
		docs[i] = bson.M{"_id": no, "parcelIds": byNo[no]}
	}
	_, err := r.waybills.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if err == nil || !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return internal(err, "index waybills")
	}
	var models []mongo.WriteModel
	for _, we := range bwe.WriteErrors {
		if !isDuplicateKeyCode(we.Code) {
			return internal(err, "index waybills")
		}
		no := order[we.Index]
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": no}).SetUpsert(true).
			SetUpdate(bson.M{"$addToSet": bson.M{"parcelIds": bson.M{"$each": byNo[no]}}}))
	}
	_, err = bulkWrite(ctx, r.waybills, models)
	return err
}

// backfillWaybills indexes the waybill number of every parcel, in batches of a thousand
// (Store.Backfill runs it once).
func (r *Parcels) backfillWaybills(ctx context.Context) error {
	cur, err := r.coll.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"_id": 1, "logisticsNo": 1}))
	if err != nil {
		return internal(err, "read parcels to index their waybills")
	}
	defer cur.Close(ctx)
	var batch []waybillEntry
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := r.indexWaybills(ctx, batch)
		batch = batch[:0]
		return err
	}
	for cur.Next(ctx) {
		var d struct {
			ID          string `bson:"_id"`
			LogisticsNo string `bson:"logisticsNo"`
		}
		if err := cur.Decode(&d); err != nil {
			return internal(err, "read parcels to index their waybills")
		}
		batch = append(batch, waybillEntry{logisticsNo: d.LogisticsNo, parcelID: d.ID})
		if len(batch) == 1000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := cur.Err(); err != nil {
		return internal(err, "read parcels to index their waybills")
	}
	return flush()
}

// maxWaybillParcels bounds the parcels one waybill number is looked up for.
const maxWaybillParcels = 20

// FindByLogisticsNo finds a waybill number across carriers: the number's entry by _id, then
// each parcel it names by _id.
func (r *Parcels) FindByLogisticsNo(ctx context.Context, logisticsNo string) ([]*parcel.Parcel, error) {
	var w waybillDoc
	err := r.waybills.FindOne(ctx, bson.M{"_id": logisticsNo}).Decode(&w)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, internal(err, "find waybill")
	}
	var out []*parcel.Parcel
	for _, id := range w.ParcelIDs[:min(len(w.ParcelIDs), maxWaybillParcels)] {
		p, err := r.Get(ctx, id)
		if errors.Is(err, errParcelNotFound) {
			continue // indexed, then not stored
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Update changes a parcel under optimistic concurrency.
func (r *Parcels) Update(ctx context.Context, id string, change func(*parcel.Parcel) error) (*parcel.Parcel, error) {
	return updateVersioned(ctx, r.store, r.coll, id, errParcelNotFound, parcelFromDoc, change, parcelToDoc)
}

// UpdateMany changes parcels in bulk (updateManyVersioned): one read each, the writes together.
func (r *Parcels) UpdateMany(ctx context.Context, ids []string, change func(*parcel.Parcel) error) ([]app.Updated[*parcel.Parcel], error) {
	return updateManyVersioned(ctx, r.store, r.coll, ids, errParcelNotFound, parcelFromDoc, change, parcelToDoc, nil,
		func(id string) (*parcel.Parcel, error) { return r.Update(ctx, id, change) })
}

// List returns parcels newest first (see pageByCreated).
func (r *Parcels) List(ctx context.Context, f parcel.Filter) ([]*parcel.Parcel, string, error) {
	and := bson.A{}
	if f.ExporterIDs != nil {
		and = append(and, bson.M{"exporterId": bson.M{"$in": f.ExporterIDs}})
	}
	for field, v := range map[string]string{"status": string(f.Status), "tradeMode": f.TradeMode,
		"logisticsNo": f.LogisticsNo, "orderNo": f.OrderNo} {
		if v != "" {
			and = append(and, bson.M{field: v})
		}
	}
	if !f.CreatedFrom.IsZero() {
		and = append(and, bson.M{"createdAt": bson.M{"$gte": f.CreatedFrom}})
	}
	if !f.CreatedTo.IsZero() {
		and = append(and, bson.M{"createdAt": bson.M{"$lt": f.CreatedTo}})
	}
	// MongoDB: index "exporter_created" for an exporter's (or a broker's exporters') parcels,
	// "created" for the operator's, "status_created", "logistics_no" or "order_no" when those
	// filters are given.
	docs, next, err := pageByCreated(ctx, r.coll, and, f.Limit, f.Cursor, func(d *parcelDoc) (time.Time, string) {
		return d.CreatedAt, d.ID
	})
	if err != nil {
		return nil, "", err
	}
	return parcelsFromDocs(docs), next, nil
}

func (r *Parcels) find(ctx context.Context, filter bson.M, opts *options.FindOptions) ([]parcelDoc, error) {
	cur, err := r.coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, internal(err, "find parcels")
	}
	var docs []parcelDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, internal(err, "find parcels")
	}
	return docs, nil
}

func parcelsFromDocs(docs []parcelDoc) []*parcel.Parcel {
	out := make([]*parcel.Parcel, len(docs))
	for i := range docs {
		out[i] = parcelFromDoc(&docs[i])
	}
	return out
}
