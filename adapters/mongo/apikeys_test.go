package mongo_test

import (
	"context"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/domain/party"
)

// Keys stored before quotas existed are counted by the backfill, so the cap holds for them; a
// count left high (a crash between counting and writing) is corrected from the keys at the limit.
func TestAPIKeyQuotaBackfilledAndCorrected(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	keys := mongo.NewAPIKeys(s)
	issue := func(i, limit int) error {
		k, _ := party.IssueAPIKey(fmt.Sprintf("key_%02d", i), "org_a", "", testNow)
		return keys.Create(ctx, k, limit)
	}
	for i := range 3 {
		if err := issue(i, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := keys.Revoke(ctx, "key_00", testNow); err != nil {
		t.Fatal(err)
	}
	// As before quotas: no quota document, and the backfill not done.
	db := s.Database()
	if err := db.Collection("api_key_quotas").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("silkgate_meta").DeleteOne(ctx, bson.M{"_id": "api_key_quotas_backfilled"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Backfill(ctx); err != nil {
		t.Fatal(err)
	}
	if err := issue(3, 2); err != party.ErrTooManyKeys {
		t.Fatalf("a third active key under a limit of 2: %v, want ErrTooManyKeys", err)
	}
	// A count left high: the keys themselves decide.
	if _, err := db.Collection("api_key_quotas").UpdateOne(ctx, bson.M{"_id": "org_a"}, bson.M{"$set": bson.M{"active": 9}}); err != nil {
		t.Fatal(err)
	}
	if err := issue(4, 3); err != nil {
		t.Fatalf("a third active key under a limit of 3, the count high: %v", err)
	}
	if err := issue(5, 3); err != party.ErrTooManyKeys {
		t.Fatalf("a fourth active key under a limit of 3: %v, want ErrTooManyKeys", err)
	}
}
