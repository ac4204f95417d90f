package mongo_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/party"
)

func newTestUser(t *testing.T, id, email string) *account.User {
	t.Helper()
	u, err := account.NewUser(id, account.Fields{OrgID: "org_a", Email: email, Name: "王丽", Role: account.RoleAdmin}, "hash", testNow)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// An email belongs to one user: found by it in two reads by _id, taken once; a claim whose user
// was never written (a crash between the two writes) is taken over by the next user of that email.
func TestUsersByEmail(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	users := mongo.NewUsers(s)
	if err := users.Create(ctx, newTestUser(t, "usr_1", "Wang.Li@Example.com")); err != nil {
		t.Fatal(err)
	}
	before := s.Commands().Snapshot()
	u, err := users.GetByEmail(ctx, " wang.li@example.COM")
	if err != nil || u.ID() != "usr_1" {
		t.Fatalf("%v %v", u, err)
	}
	for k, n := range s.Commands().Since(before) {
		if k.Filter != mongo.FilterID || n != 1 {
			t.Errorf("finding by email sent %d %v", n, k)
		}
	}
	if err := users.Create(ctx, newTestUser(t, "usr_2", "wang.li@example.com")); domain.CodeOf(err) != "email_taken" {
		t.Errorf("the same email twice: %v", err)
	}
	if _, err := users.GetByEmail(ctx, "nobody@example.com"); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("unknown email: %v", err)
	}

	// An orphaned claim.
	if _, err := s.Database().Collection("user_emails").InsertOne(ctx, bson.M{"_id": "orphan@example.com", "userId": "usr_gone"}); err != nil {
		t.Fatal(err)
	}
	if err := users.Create(ctx, newTestUser(t, "usr_3", "orphan@example.com")); err != nil {
		t.Fatalf("taking over an orphaned claim: %v", err)
	}
	if u, err := users.GetByEmail(ctx, "orphan@example.com"); err != nil || u.ID() != "usr_3" {
		t.Errorf("after the takeover: %v %v", u, err)
	}
}

// A user's sessions are kept in the user, so that closing them needs no search: each by _id.
func TestUserSessions(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	users, sessions := mongo.NewUsers(s), mongo.NewSessions(s)
	u := newTestUser(t, "usr_1", "a@example.com")
	if err := users.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for range 3 {
		sess, _ := account.NewSession(u, party.KindExporter, testNow, time.Hour)
		if err := sessions.Create(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if _, err := users.Update(ctx, u.ID(), func(u *account.User) error {
			u.OpenSession(account.SessionRef{ID: sess.ID, ExpiresAt: sess.ExpiresAt}, testNow)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sess.ID)
	}
	got, err := sessions.Get(ctx, ids[0])
	if err != nil || got.UserID != "usr_1" || got.OrgKind != party.KindExporter || got.CSRF == "" {
		t.Fatalf("%+v %v", got, err)
	}
	if err := sessions.Touch(ctx, ids[0], testNow.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := sessions.Get(ctx, ids[0]); !got.LastSeenAt.Equal(testNow.Add(time.Minute)) {
		t.Errorf("touched at %v", got.LastSeenAt)
	}
	var closed []string
	stored, err := users.Update(ctx, u.ID(), func(u *account.User) error { closed = u.CloseSessions(ids[2], testNow); return nil })
	if err != nil || len(stored.Sessions()) != 1 || stored.Version() != 5 {
		t.Fatalf("%v %v", stored, err)
	}
	before := s.Commands().Snapshot()
	if err := sessions.Delete(ctx, closed...); err != nil {
		t.Fatal(err)
	}
	for k := range s.Commands().Since(before) {
		if k.Filter != mongo.FilterID {
			t.Errorf("deleting sessions sent %v", k)
		}
	}
	for i, id := range ids {
		_, err := sessions.Get(ctx, id)
		if (i < 2) != (domain.KindOf(err) == domain.KindNotFound) {
			t.Errorf("session %d: %v", i, err)
		}
	}
}
