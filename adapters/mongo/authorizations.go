package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// Authorizations stores broker authorisations in "authorizations".
type Authorizations struct {
	store *Store
	coll  *mongo.Collection
}

var _ party.AuthorizationRepository = (*Authorizations)(nil)

// NewAuthorizations returns the authorisation repository.
func NewAuthorizations(s *Store) *Authorizations {
	return &Authorizations{store: s, coll: s.db.Collection(collAuthorizations)}
}

type authorizationDoc struct {
	ID          string     `bson:"_id"`
	ExporterID  string     `bson:"exporterId"`
	BrokerID    string     `bson:"brokerId"`
	TradeModes  []string   `bson:"tradeModes"`
	ValidFrom   time.Time  `bson:"validFrom"`
	ValidTo     time.Time  `bson:"validTo"`
	Status      string     `bson:"status"`
	InitiatedBy string     `bson:"initiatedBy"`
	CreatedAt   time.Time  `bson:"createdAt"`
	ConfirmedAt *time.Time `bson:"confirmedAt,omitempty"`
	RevokedAt   *time.Time `bson:"revokedAt,omitempty"`
	RevokedBy   string     `bson:"revokedBy,omitempty"`
	Version     int64      `bson:"version"`
	Outbox      []eventDoc `bson:"outbox"`
}

func (d authorizationDoc) id() string         { return d.ID }
func (d authorizationDoc) version() int64     { return d.Version }
func (d authorizationDoc) outbox() []eventDoc { return d.Outbox }

func authorizationToDoc(a *party.Authorization) authorizationDoc {
	d := authorizationDoc{
		ID: a.ID(), ExporterID: a.ExporterID(), BrokerID: a.BrokerID(), TradeModes: a.TradeModes(),
		ValidFrom: a.ValidFrom(), ValidTo: a.ValidTo(), Status: string(a.Status()), InitiatedBy: a.InitiatedBy(),
		CreatedAt: a.CreatedAt(), ConfirmedAt: a.ConfirmedAt(), RevokedAt: a.RevokedAt(), RevokedBy: a.RevokedBy(),
		Version: a.Version() + 1, Outbox: outboxDocs(a.Outbox()),
	}
	return d
}

func authorizationFromDoc(d *authorizationDoc) *party.Authorization {
	return party.AuthorizationFromDatabase(party.AuthorizationRecord{
		ID: d.ID, ExporterID: d.ExporterID, BrokerID: d.BrokerID, TradeModes: d.TradeModes,
		ValidFrom: d.ValidFrom, ValidTo: d.ValidTo, Status: party.AuthorizationStatus(d.Status),
		InitiatedBy: d.InitiatedBy, CreatedAt: d.CreatedAt, ConfirmedAt: d.ConfirmedAt,
		RevokedAt: d.RevokedAt, RevokedBy: d.RevokedBy, Version: d.Version,
	})
}

var errAuthorizationNotFound = domain.NotFound("authorization")

// Create stores a new authorisation.
func (r *Authorizations) Create(ctx context.Context, a *party.Authorization) error {
	doc := authorizationToDoc(a)
	if err := noteWrites(ctx, r.store, collAuthorizations, nil, []authorizationDoc{doc}); err != nil {
		return err
	}
	_, err := r.coll.InsertOne(ctx, doc)
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, "authorization_exists", "an authorisation with this id exists")
	}
	return internal(err, "create authorization")
}

// Get loads one authorisation.
func (r *Authorizations) Get(ctx context.Context, id string) (*party.Authorization, error) {
	return getByID(ctx, r.coll, id, errAuthorizationNotFound, authorizationFromDoc)
}

// Update changes an authorisation under optimistic concurrency.
func (r *Authorizations) Update(ctx context.Context, id string, change func(*party.Authorization) error) (*party.Authorization, error) {
	return updateVersioned(ctx, r.store, r.coll, id, errAuthorizationNotFound, authorizationFromDoc, change, authorizationToDoc)
}

// List returns authorisations newest first.
func (r *Authorizations) List(ctx context.Context, f party.AuthorizationFilter) ([]*party.Authorization, string, error) {
	filter := bson.M{}
	if f.ExporterID != "" {
		filter["exporterId"] = f.ExporterID
	}
	if f.BrokerID != "" {
		filter["brokerId"] = f.BrokerID
	}
	if f.Status != "" {
		filter["status"] = string(f.Status)
	}
	if f.Party != "" {
		filter["$or"] = bson.A{bson.M{"exporterId": f.Party}, bson.M{"brokerId": f.Party}}
	}
	// MongoDB: index "pair" for an exporter (and Party's first half), "broker" for a broker (and
	// the second), _id for the operator's whole list, newest first.
	docs, next, err := page(ctx, r.coll, filter, f.Limit, f.Cursor, func(d *authorizationDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	return authorizationsFromDocs(docs), next, nil
}

// Between returns every authorisation of one exporter–broker pair.
func (r *Authorizations) Between(ctx context.Context, exporterID, brokerID string) ([]*party.Authorization, error) {
	return r.find(ctx, bson.M{"exporterId": exporterID, "brokerId": brokerID}) // MongoDB: index "pair"
}

// Counterparties returns the organisations org has a pending or active authorisation with.
func (r *Authorizations) Counterparties(ctx context.Context, orgID string) ([]party.Counterparty, error) {
	// MongoDB: indexes "pair" (exporterId first) and "broker", one per branch of the $or.
	auths, err := r.find(ctx, bson.M{
		"$or":    bson.A{bson.M{"exporterId": orgID}, bson.M{"brokerId": orgID}},
		"status": bson.M{"$in": bson.A{string(party.AuthPending), string(party.AuthActive)}},
	})
	if err != nil {
		return nil, err
	}
	return party.CounterpartiesOf(orgID, auths), nil
}

func (r *Authorizations) find(ctx context.Context, filter bson.M) ([]*party.Authorization, error) {
	cur, err := r.coll.Find(ctx, filter)
	if err != nil {
		return nil, internal(err, "find authorizations")
	}
	var docs []authorizationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, internal(err, "find authorizations")
	}
	return authorizationsFromDocs(docs), nil
}

func authorizationsFromDocs(docs []authorizationDoc) []*party.Authorization {
	out := make([]*party.Authorization, len(docs))
	for i := range docs {
		out[i] = authorizationFromDoc(&docs[i])
	}
	return out
}
