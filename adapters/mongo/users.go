package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/party"
)

// The console's people: users by id in "users", each email's user in "user_emails" (_id: the
// normalised email), so that signing in is two reads by _id, and sessions in "sessions" under
// the SHA-256 of their token, so that a page's request is one.
const (
	collUsers      = "users"
	collUserEmails = "user_emails"
	collSessions   = "sessions"
)

// Users stores console users.
type Users struct {
	store  *Store
	coll   *mongo.Collection
	emails *mongo.Collection
}

var _ account.Repository = (*Users)(nil)

// NewUsers returns the user repository.
func NewUsers(s *Store) *Users {
	return &Users{store: s, coll: s.db.Collection(collUsers), emails: s.db.Collection(collUserEmails)}
}

type sessionRefDoc struct {
	ID        string    `bson:"id"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

type userDoc struct {
	ID           string          `bson:"_id"`
	OrgID        string          `bson:"orgId"`
	Email        string          `bson:"email"`
	Name         string          `bson:"name"`
	Role         string          `bson:"role"`
	PasswordHash string          `bson:"passwordHash"`
	Sessions     []sessionRefDoc `bson:"sessions,omitempty"`
	CreatedAt    time.Time       `bson:"createdAt"`
	UpdatedAt    time.Time       `bson:"updatedAt"`
	Version      int64           `bson:"version"`
}

func userDocOf(u *account.User, version int64) userDoc {
	d := userDoc{ID: u.ID(), OrgID: u.OrgID(), Email: u.Email(), Name: u.Name(), Role: string(u.Role()),
		PasswordHash: u.PasswordHash(), CreatedAt: u.CreatedAt(), UpdatedAt: u.UpdatedAt(), Version: version}
	for _, s := range u.Sessions() {
		d.Sessions = append(d.Sessions, sessionRefDoc{ID: s.ID, ExpiresAt: s.ExpiresAt})
	}
	return d
}

func (d *userDoc) user() *account.User {
	refs := make([]account.SessionRef, len(d.Sessions))
	for i, s := range d.Sessions {
		refs[i] = account.SessionRef{ID: s.ID, ExpiresAt: s.ExpiresAt}
	}
	return account.UserFromDatabase(d.ID, d.OrgID, d.Email, d.Name, account.Role(d.Role), d.PasswordHash, refs,
		d.CreatedAt, d.UpdatedAt, d.Version)
}

var errUserNotFound = domain.NotFound("user")

// Create claims the user's email (an insert into user_emails, unique by _id), then stores the
// user; the claim is given back if the second write fails. A crash in between leaves an email
// claimed by no user, which Create's next attempt for that email takes over.
func (r *Users) Create(ctx context.Context, u *account.User) error {
	_, err := r.emails.InsertOne(ctx, bson.M{"_id": u.Email(), "userId": u.ID()})
	if isDuplicateKey(err) {
		var claim struct {
			UserID string `bson:"userId"`
		}
		if err := r.emails.FindOne(ctx, bson.M{"_id": u.Email()}).Decode(&claim); err != nil {
			return internal(err, "read email claim")
		}
		if err := r.coll.FindOne(ctx, bson.M{"_id": claim.UserID}).Err(); !errors.Is(err, mongo.ErrNoDocuments) {
			if err != nil {
				return internal(err, "read user")
			}
			return account.ErrEmailTaken
		}
		// An orphaned claim: take it over for this user.
		if _, err := r.emails.UpdateOne(ctx, bson.M{"_id": u.Email(), "userId": claim.UserID},
			bson.M{"$set": bson.M{"userId": u.ID()}}); err != nil {
			return internal(err, "claim email")
		}
	} else if err != nil {
		return internal(err, "claim email")
	}
	if _, err := r.coll.InsertOne(ctx, userDocOf(u, 1)); err != nil {
		_, _ = r.emails.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": u.Email()})
		return internal(err, "create user")
	}
	return nil
}

// Get loads a user by id.
func (r *Users) Get(ctx context.Context, id string) (*account.User, error) {
	return getByID(ctx, r.coll, id, errUserNotFound, func(d *userDoc) *account.User { return d.user() })
}

// GetByEmail reads the email's claim, then its user: two reads by _id.
func (r *Users) GetByEmail(ctx context.Context, email string) (*account.User, error) {
	var claim struct {
		UserID string `bson:"userId"`
	}
	err := r.emails.FindOne(ctx, bson.M{"_id": account.NormaliseEmail(email)}).Decode(&claim)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, internal(err, "read email claim")
	}
	u, err := r.Get(ctx, claim.UserID)
	if err == nil && u.Email() != account.NormaliseEmail(email) {
		return nil, errUserNotFound
	}
	return u, err
}

// ListByOrg returns a page of an organisation's users, newest first.
func (r *Users) ListByOrg(ctx context.Context, orgID string, limit int, cursor string) ([]*account.User, string, error) {
	// MongoDB: index "org".
	docs, next, err := page(ctx, r.coll, bson.M{"orgId": orgID}, limit, cursor, func(d *userDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*account.User, len(docs))
	for i := range docs {
		out[i] = docs[i].user()
	}
	return out, next, nil
}

// Update reads, changes and writes a user: under the process's lock on the embedded store, with
// the version in the filter on MongoDB (retried from a fresh read when it moved).
func (r *Users) Update(ctx context.Context, id string, change func(*account.User) error) (*account.User, error) {
	if r.store.local != nil {
		defer r.store.local.lock(collUsers + "\x00" + id)()
	}
	for attempt := 0; attempt < maxUpdateAttempts; attempt++ {
		stored, err := loadDoc[userDoc](ctx, r.coll, id, errUserNotFound)
		if err != nil {
			return nil, err
		}
		u := stored.user()
		if err := change(u); err != nil {
			return nil, err
		}
		next := userDocOf(u, stored.Version+1)
		filter := bson.M{"_id": id, "version": stored.Version}
		if r.store.local != nil {
			filter = bson.M{"_id": id}
		}
		res, err := r.coll.ReplaceOne(ctx, filter, next)
		if err != nil {
			return nil, internal(err, "update user")
		}
		if res.MatchedCount == 1 {
			return next.user(), nil
		}
	}
	return nil, domain.Errorf(domain.KindConflict, "concurrent_update", "the record is being changed by others; try again")
}

// Sessions stores console sessions by the hash of their token.
type Sessions struct {
	coll *mongo.Collection
}

var _ account.Sessions = (*Sessions)(nil)

// NewSessions returns the session repository.
func NewSessions(s *Store) *Sessions { return &Sessions{coll: s.db.Collection(collSessions)} }

type sessionDoc struct {
	ID         string    `bson:"_id"`
	UserID     string    `bson:"userId"`
	OrgID      string    `bson:"orgId"`
	OrgKind    string    `bson:"orgKind"`
	Role       string    `bson:"role"`
	UserName   string    `bson:"userName"`
	CSRF       string    `bson:"csrf"`
	CreatedAt  time.Time `bson:"createdAt"`
	LastSeenAt time.Time `bson:"lastSeenAt"`
	ExpiresAt  time.Time `bson:"expiresAt"`
}

var errSessionNotFound = domain.NotFound("session")

// Create stores a new session.
func (r *Sessions) Create(ctx context.Context, s *account.Session) error {
	_, err := r.coll.InsertOne(ctx, sessionDoc{ID: s.ID, UserID: s.UserID, OrgID: s.OrgID, OrgKind: string(s.OrgKind),
		Role: string(s.Role), UserName: s.UserName, CSRF: s.CSRF, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt})
	return internal(err, "create session")
}

// Get reads a session by id.
func (r *Sessions) Get(ctx context.Context, id string) (*account.Session, error) {
	return getByID(ctx, r.coll, id, errSessionNotFound, func(d *sessionDoc) *account.Session {
		return &account.Session{ID: d.ID, UserID: d.UserID, OrgID: d.OrgID, OrgKind: party.Kind(d.OrgKind), Role: account.Role(d.Role),
			UserName: d.UserName, CSRF: d.CSRF, CreatedAt: d.CreatedAt, LastSeenAt: d.LastSeenAt, ExpiresAt: d.ExpiresAt}
	})
}

// Touch records the session seen at (by _id).
func (r *Sessions) Touch(ctx context.Context, id string, at time.Time) error {
	_, err := r.coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"lastSeenAt": at}})
	return internal(err, "touch session")
}

// Delete removes sessions by id, in one bulk write of deletes by _id.
func (r *Sessions) Delete(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if len(ids) == 1 {
		_, err := r.coll.DeleteOne(ctx, bson.M{"_id": ids[0]})
		return internal(err, "delete session")
	}
	models := make([]mongo.WriteModel, len(ids))
	for i, id := range ids {
		models[i] = mongo.NewDeleteOneModel().SetFilter(bson.M{"_id": id})
	}
	_, err := bulkWrite(ctx, r.coll, models)
	return internal(err, "delete sessions")
}
