package mongo

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

func TestEmbeddedRestartKeepsDataAndIndexes(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for round := 0; round < 2; round++ {
		e, err := StartEmbedded(dir, "127.0.0.1:0", nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Connect(ctx, e.URI(), "restart", true)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		orgs := s.Database().Collection(collOrgs)
		if round == 0 {
			if _, err := orgs.InsertOne(ctx, bson.M{"_id": "org_1", "uscc": "914403001922038216"}); err != nil {
				t.Fatal(err)
			}
		} else {
			if n, err := orgs.CountDocuments(ctx, bson.M{"_id": "org_1"}); err != nil || n != 1 {
				t.Fatalf("after restart: %d documents, %v", n, err)
			}
			// The unique index is still enforced.
			if _, err := orgs.InsertOne(ctx, bson.M{"_id": "org_2", "uscc": "914403001922038216"}); !isDuplicateKey(err) {
				t.Fatalf("duplicate uscc after restart: %v", err)
			}
		}
		_ = s.Close(ctx)
		e.Close()
	}
}
