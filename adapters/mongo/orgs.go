package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// Orgs stores organisations in the "orgs" collection. "org_codes" finds them by customs code or
// USCC: its _id is the code, and it lists the organisations that were registered with it.
type Orgs struct {
	store *Store
	coll  *mongo.Collection
	codes *mongo.Collection
}

var _ party.OrgRepository = (*Orgs)(nil)

// NewOrgs returns the organisation repository.
func NewOrgs(s *Store) *Orgs {
	return &Orgs{store: s, coll: s.db.Collection(collOrgs), codes: s.db.Collection(collOrgCodes)}
}

// orgCodeDoc lists the organisations registered with one customs code or USCC.
type orgCodeDoc struct {
	Code   string   `bson:"_id"`
	OrgIDs []string `bson:"orgIds"`
}

type contactDoc struct {
	Name  string `bson:"name"`
	Phone string `bson:"phone,omitempty"`
	Email string `bson:"email,omitempty"`
}

type orgDoc struct {
	ID          string      `bson:"_id"`
	Kind        string      `bson:"kind"`
	Name        string      `bson:"name"`
	NameEn      string      `bson:"nameEn,omitempty"`
	USCC        string      `bson:"uscc,omitempty"` // sparse unique: the operator has none
	CustomsCode string      `bson:"customsCode,omitempty"`
	Contact     *contactDoc `bson:"contact,omitempty"`
	AutoConfirm bool        `bson:"autoConfirmAuthorizations"`
	CreatedAt   time.Time   `bson:"createdAt"`
	UpdatedAt   time.Time   `bson:"updatedAt"`
	Version     int64       `bson:"version"`
	Outbox      []eventDoc  `bson:"outbox"`
}

func (d orgDoc) id() string         { return d.ID }
func (d orgDoc) version() int64     { return d.Version }
func (d orgDoc) outbox() []eventDoc { return d.Outbox }

func orgToDoc(o *party.Org) orgDoc {
	d := orgDoc{
		ID: o.ID(), Kind: string(o.Kind()), Name: o.Name(), NameEn: o.NameEn(), USCC: o.USCC(),
		CustomsCode: o.CustomsCode(), AutoConfirm: o.AutoConfirmAuthorizations(),
		CreatedAt: o.CreatedAt(), UpdatedAt: o.UpdatedAt(), Version: o.Version() + 1, Outbox: outboxDocs(o.Outbox()),
	}
	if c := o.Contact(); c != nil {
		d.Contact = &contactDoc{Name: c.Name, Phone: c.Phone, Email: c.Email}
	}
	return d
}

func orgFromDoc(d *orgDoc) *party.Org {
	f := party.OrgFields{Name: d.Name, NameEn: d.NameEn, USCC: d.USCC, CustomsCode: d.CustomsCode}
	if d.Contact != nil {
		f.Contact = &party.Contact{Name: d.Contact.Name, Phone: d.Contact.Phone, Email: d.Contact.Email}
	}
	return party.OrgFromDatabase(d.ID, party.Kind(d.Kind), f, d.AutoConfirm, d.CreatedAt, d.UpdatedAt, d.Version)
}

var errOrgNotFound = domain.NotFound("org")

// Create stores a new organisation; the unique USCC index turns a second registration into a
// Conflict even when two arrive at once. Its codes are indexed first: an entry whose
// organisation was not stored is a harmless hint, a stored organisation without one would be
// unknown to the party check.
func (r *Orgs) Create(ctx context.Context, o *party.Org) error {
	if err := r.indexCodes(ctx, []*party.Org{o}); err != nil {
		return err
	}
	doc := orgToDoc(o)
	if err := noteWrites(ctx, r.store, collOrgs, nil, []orgDoc{doc}); err != nil {
		return err
	}
	_, err := r.coll.InsertOne(ctx, doc)
	if isDuplicateKey(err) {
		return &domain.Error{Kind: domain.KindConflict, Code: "org_exists",
			Message: "an organisation with this USCC is already registered",
			Fields:  []domain.FieldError{{Field: "uscc", Code: "org_exists", Message: "already registered"}}}
	}
	return internal(err, "create org")
}

// indexCodes records the organisations' customs codes and USCCs in org_codes: one bulk write of
// _id upserts. An entry left behind by a changed code is harmless: RegisteredCode reads the
// organisations it names.
func (r *Orgs) indexCodes(ctx context.Context, orgs []*party.Org) error {
	var models []mongo.WriteModel
	for _, o := range orgs {
		for _, code := range []string{o.CustomsCode(), o.USCC()} {
			if code != "" {
				models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": code}).SetUpsert(true).
					SetUpdate(bson.M{"$addToSet": bson.M{"orgIds": o.ID()}}))
			}
		}
	}
	if len(models) == 0 {
		return nil
	}
	_, err := bulkWrite(ctx, r.codes, models)
	return err
}

// backfillCodes indexes the codes of every organisation (Store.Backfill runs it once).
func (r *Orgs) backfillCodes(ctx context.Context) error {
	cur, err := r.coll.Find(ctx, bson.M{})
	if err != nil {
		return internal(err, "read orgs to index their codes")
	}
	var docs []orgDoc
	if err := cur.All(ctx, &docs); err != nil {
		return internal(err, "read orgs to index their codes")
	}
	orgs := make([]*party.Org, len(docs))
	for i := range docs {
		orgs[i] = orgFromDoc(&docs[i])
	}
	return r.indexCodes(ctx, orgs)
}

// Get loads one organisation by id.
func (r *Orgs) Get(ctx context.Context, id string) (*party.Org, error) {
	return getByID(ctx, r.coll, id, errOrgNotFound, orgFromDoc)
}

// Update changes an organisation under optimistic concurrency. A new customs code is indexed
// before the change is written (again on a retry: the index write is idempotent).
func (r *Orgs) Update(ctx context.Context, id string, change func(*party.Org) error) (*party.Org, error) {
	return updateVersioned(ctx, r.store, r.coll, id, errOrgNotFound, orgFromDoc, func(o *party.Org) error {
		if err := change(o); err != nil {
			return err
		}
		return r.indexCodes(ctx, []*party.Org{o})
	}, orgToDoc)
}

// List returns organisations newest first.
func (r *Orgs) List(ctx context.Context, f party.OrgFilter) ([]*party.Org, string, error) {
	filter := bson.M{}
	if f.Kind != "" {
		filter["kind"] = string(f.Kind)
	}
	if f.IDs != nil {
		filter["_id"] = bson.M{"$in": f.IDs}
	}
	if f.IDs != nil && f.Cursor != "" {
		// Both constrain _id: combine them.
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		filter = bson.M{"$and": bson.A{filter, bson.M{"_id": bson.M{"$lt": after}}}}
		f.Cursor = ""
	}
	// MongoDB: index "kind_id" for one kind, _id otherwise (and for IDs).
	docs, next, err := page(ctx, r.coll, filter, f.Limit, f.Cursor, func(d *orgDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*party.Org, len(docs))
	for i := range docs {
		out[i] = orgFromDoc(&docs[i])
	}
	return out, next, nil
}

// RegisteredCode reports whether an organisation with this customs code or USCC is registered:
// the simulated customs authority's view of who may appear on a filing (ByCode).
func (r *Orgs) RegisteredCode(ctx context.Context, code string) (bool, error) {
	_, err := r.ByCode(ctx, code)
	if errors.Is(err, errOrgNotFound) {
		return false, nil
	}
	return err == nil, err
}

// ByCode returns the organisation registered now with this customs code or USCC (NotFound if
// none): the code's entry in org_codes and the organisations it names, each read by _id. An
// entry may name an organisation whose code has changed since; that one is passed over.
func (r *Orgs) ByCode(ctx context.Context, code string) (*party.Org, error) {
	var entry orgCodeDoc
	err := r.codes.FindOne(ctx, bson.M{"_id": code}).Decode(&entry)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errOrgNotFound
	}
	if err != nil {
		return nil, internal(err, "find org by code")
	}
	for _, id := range entry.OrgIDs {
		o, err := r.Get(ctx, id)
		if errors.Is(err, errOrgNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if o.CustomsCode() == code || o.USCC() == code {
			return o, nil
		}
	}
	return nil, errOrgNotFound
}
