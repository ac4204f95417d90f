package mongo_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	silkmongo "github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
)

// TestCommandsAreCountedByFilterShape sends one command of every shape and checks how each is
// counted: an exact _id equality (string or ObjectID) is "id", every other filter "other".
func TestCommandsAreCountedByFilterShape(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	c := s.Database().Collection("shapes")
	before := s.Commands().Snapshot()
	oid := primitive.NewObjectID()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.InsertMany(ctx, []any{bson.M{"_id": "a", "n": 1}, bson.M{"_id": oid, "n": 2}})
	must(err)
	must(c.FindOne(ctx, bson.M{"_id": "a"}).Err())
	must(c.FindOne(ctx, bson.M{"_id": oid}).Err())
	must(c.FindOne(ctx, bson.M{"_id": "a", "n": 1}).Err()) // {_id, version}-like: a scan there
	_, err = c.UpdateOne(ctx, bson.M{"_id": "a"}, bson.M{"$set": bson.M{"n": 3}})
	must(err)
	_, err = c.UpdateMany(ctx, bson.M{"n": bson.M{"$gte": 0}}, bson.M{"$inc": bson.M{"n": 1}})
	must(err)
	_, err = c.BulkWrite(ctx, []mongo.WriteModel{
		mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": "a"}).SetUpdate(bson.M{"$set": bson.M{"m": 1}}),
		mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": oid}).SetUpdate(bson.M{"$set": bson.M{"m": 1}}),
	}, options.BulkWrite().SetOrdered(true))
	must(err)
	_, err = c.DeleteOne(ctx, bson.M{"_id": bson.M{"$in": bson.A{"a"}}})
	must(err)
	_, err = c.CountDocuments(ctx, bson.M{})
	must(err)

	got := map[silkmongo.CommandKey]uint64{}
	for k, n := range s.Commands().Snapshot() {
		if k.Collection == "shapes" {
			got[k] = n - before[k]
		}
	}
	want := map[silkmongo.CommandKey]uint64{
		{Command: "insert", Collection: "shapes", Filter: silkmongo.FilterNone}:     1,
		{Command: "find", Collection: "shapes", Filter: silkmongo.FilterID}:         2,
		{Command: "find", Collection: "shapes", Filter: silkmongo.FilterOther}:      1,
		{Command: "update", Collection: "shapes", Filter: silkmongo.FilterID}:       2, // UpdateOne and the bulk write of two
		{Command: "update", Collection: "shapes", Filter: silkmongo.FilterOther}:    1,
		{Command: "delete", Collection: "shapes", Filter: silkmongo.FilterOther}:    1,
		{Command: "aggregate", Collection: "shapes", Filter: silkmongo.FilterOther}: 1, // CountDocuments
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d", k, got[k], n)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected %s: %d", k, n)
		}
	}
}
