package mongo

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

// Parcels stores parcels in "parcels". The _id is derived from the natural key
// (parcel.IDFor), so the key is unique by construction and tracking is an _id lookup.
type Parcels struct {
	store *Store
	coll  *mongo.Collection
}

var _ parcel.Repository = (*Parcels)(nil)

// NewParcels returns the parcel repository.
func NewParcels(s *Store) *Parcels { return &Parcels{store: s, coll: s.db.Collection(collParcels)} }

type parcelDoc struct {
	ID            string           `bson:"_id"`
	Fields        parcel.Fields    `bson:",inline"`
	Status        string           `bson:"status"`
	DeclarationID string           `bson:"declarationId,omitempty"`
	ContainerNo   string           `bson:"containerNo,omitempty"`
	DepartureID   string           `bson:"departureId,omitempty"`
	RejectReason  string           `bson:"rejectReason,omitempty"`
	CancelReason  string           `bson:"cancelReason,omitempty"`
	CreatedAt     time.Time        `bson:"createdAt"`
	UpdatedAt     time.Time        `bson:"updatedAt"`
	Timeline      []parcelEntryDoc `bson:"timeline"`
	Version       int64            `bson:"version"`
	Outbox        []eventDoc       `bson:"outbox"`
}

func (d parcelDoc) version() int64     { return d.Version }
func (d parcelDoc) outbox() []eventDoc { return d.Outbox }

func parcelToDoc(p *parcel.Parcel) parcelDoc {
	r := p.Snapshot()
	d := parcelDoc{
		ID: r.ID, Fields: r.Fields, Status: string(r.Status), DeclarationID: r.DeclarationID,
		ContainerNo: r.ContainerNo, DepartureID: r.DepartureID, RejectReason: r.RejectReason,
		CancelReason: r.CancelReason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Timeline: eachOf(r.Timeline, parcelEntryToDoc), Version: r.Version + 1, Outbox: outboxDocs(p.Outbox()),
	}
	return d
}

func parcelFromDoc(d *parcelDoc) *parcel.Parcel {
	return parcel.UnmarshalFromDatabase(parcel.Record{
		ID: d.ID, Fields: d.Fields, Status: parcel.Status(d.Status), DeclarationID: d.DeclarationID,
		ContainerNo: d.ContainerNo, DepartureID: d.DepartureID, RejectReason: d.RejectReason,
		CancelReason: d.CancelReason, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		Timeline: eachOf(d.Timeline, parcelEntryDoc.entry), Version: d.Version,
	})
}

var errParcelNotFound = domain.NotFound("parcel")

// Insert stores parcels with one unordered bulk insert: every parcel that can be stored is,
// and the ones whose _id (natural key) exists come back as duplicates.
func (r *Parcels) Insert(ctx context.Context, ps []*parcel.Parcel) ([]parcel.InsertOutcome, error) {
	outcomes := make([]parcel.InsertOutcome, len(ps))
	if len(ps) == 0 {
		return outcomes, nil
	}
	docs := make([]any, len(ps))
	for i, p := range ps {
		docs[i] = parcelToDoc(p)
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

// FindByLogisticsNo finds a waybill number across carriers. It uses the logisticsNo index; the
// embedded store scans instead, so clients that know the carrier should name it.
func (r *Parcels) FindByLogisticsNo(ctx context.Context, logisticsNo string) ([]*parcel.Parcel, error) {
	docs, err := r.find(ctx, bson.M{"logisticsNo": logisticsNo}, options.Find().SetLimit(20))
	if err != nil {
		return nil, err
	}
	return parcelsFromDocs(docs), nil
}

// Update changes a parcel under optimistic concurrency.
func (r *Parcels) Update(ctx context.Context, id string, change func(*parcel.Parcel) error) (*parcel.Parcel, error) {
	return updateVersioned(ctx, r.store, r.coll, id, errParcelNotFound, parcelFromDoc, change, parcelToDoc)
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
