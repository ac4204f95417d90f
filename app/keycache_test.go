package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
)

// An API key is read from the store once, then answered from the cache: a revocation in the
// same process is seen at once, one in another process within the cache's TTL.
func TestAuthenticationCachesKeys(t *testing.T) {
	ctx := context.Background()
	store := mongotest.New(t)
	clock := &stillClock{now: time.Now().UTC().Truncate(time.Millisecond)}
	newParties := func() *app.Parties {
		auths := mongo.NewAuthorizations(store)
		return app.NewParties(app.PartiesPorts{Basics: app.Basics{Clock: clock, Queue: &lostQueue{}}, Orgs: mongo.NewOrgs(store),
			Keys: mongo.NewAPIKeys(store), Authorizations: auths, Tenancy: app.NewTenancy(auths, clock)})
	}
	here, elsewhere := newParties(), newParties()
	if _, err := here.EnsureOperator(ctx, "operator", "operator-key-for-this-test"); err != nil {
		t.Fatal(err)
	}
	operator, err := here.Authenticate(ctx, "operator-key-for-this-test")
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := here.IssueAPIKey(ctx, operator, app.OperatorOrgID, "second", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*app.Parties{here, elsewhere} {
		before := store.Commands().Snapshot()
		if _, err := p.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if n := mongo.Total(store.Commands().Since(before)); n != 2 {
			t.Errorf("a key not seen before costs %d store commands, want 2 (the key and its organisation)", n)
		}
		before = store.Commands().Snapshot()
		for range 10 {
			if _, err := p.Authenticate(ctx, secret); err != nil {
				t.Fatal(err)
			}
		}
		if n := mongo.Total(store.Commands().Since(before)); n != 0 {
			t.Errorf("a key seen lately costs %d store commands, want 0", n)
		}
	}
	if _, err := here.Authenticate(ctx, secret+"x"); err == nil {
		t.Error("a wrong secret was accepted")
	}

	keyID := keyIDOf(secret)
	if _, err := here.RevokeAPIKey(ctx, operator, keyID); err != nil {
		t.Fatal(err)
	}
	if _, err := here.Authenticate(ctx, secret); err == nil {
		t.Error("the process that revoked a key still accepts it")
	}
	if _, err := elsewhere.Authenticate(ctx, secret); err != nil {
		t.Errorf("within the TTL another process may still accept the key: %v", err)
	}
	clock.now = clock.now.Add(app.DefaultKeyCacheTTL)
	if _, err := elsewhere.Authenticate(ctx, secret); err == nil {
		t.Error("another process accepts a revoked key after the TTL")
	}
}

func keyIDOf(key string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(key, "sg_"), ".")
	return id
}
