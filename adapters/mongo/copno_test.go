package mongo_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

// A filing's copNo is unique by index: a second filing under another guid with a copNo already
// used is refused (409 cop_no_taken), alone and in a bulk update, and the first keeps it.
func TestCopNoIsUniqueByIndex(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	repo := mongo.NewDeclarations(s)
	for _, id := range []string{"inv_cop1", "inv_cop2", "inv_cop3"} {
		if err := repo.Create(ctx, testInventory(t, id, "pcl_"+id)); err != nil {
			t.Fatal(err)
		}
	}
	submit := func(guid, copNo string) func(d *customs.Declaration) error {
		return func(d *customs.Declaration) error { return d.Submit(guid, copNo, []byte("<x/>"), testNow) }
	}
	if _, err := repo.Update(ctx, "inv_cop1", submit(firstGUID, "SG20261125120000070001")); err != nil {
		t.Fatal(err)
	}
	_, err := repo.Update(ctx, "inv_cop2", submit(secondGUID, "SG20261125120000070001"))
	if domain.KindOf(err) != domain.KindConflict || domain.CodeOf(err) != "cop_no_taken" {
		t.Fatalf("a duplicate copNo: %v", err)
	}
	res, err := repo.UpdateMany(ctx, []string{"inv_cop3"}, submit("3E7C5B40-AD6F-4081-9C3D-4E5F6A7B8C9D", "SG20261125120000070001"))
	if err == nil {
		for _, r := range res {
			err = r.Err
		}
	}
	if domain.CodeOf(err) != "cop_no_taken" {
		t.Fatalf("a duplicate copNo in bulk: %v", err)
	}
	n, err := s.Database().Collection("declaration_guids").CountDocuments(ctx, bson.M{"copNo": "SG20261125120000070001"})
	if err != nil || n != 1 {
		t.Fatalf("%d mappings carry the copNo (%v), want the first only", n, err)
	}
	for _, id := range []string{"inv_cop2", "inv_cop3"} {
		if d, err := repo.Get(ctx, id); err != nil || d.Status() != customs.StatusDraft {
			t.Errorf("%s after a refused copNo: %v %v", id, d.Status(), err)
		}
	}
	// A distinct copNo is fine.
	if _, err := repo.Update(ctx, "inv_cop2", submit(secondGUID, "SG20261125120000070002")); err != nil {
		t.Fatal(err)
	}
}

// Each process gets a number no process got before.
func TestClaimProcessNumber(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	seen := map[uint64]bool{}
	for i := 0; i < 5; i++ {
		n, err := s.ClaimProcessNumber(ctx)
		if err != nil || seen[n] {
			t.Fatalf("claim %d: %d, %v", i, n, err)
		}
		seen[n] = true
	}
}
