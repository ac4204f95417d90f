package mongo_test

import (
	"context"
	"testing"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
)

// A summary's part set again is replaced: what was set last is what is read.
func TestDashboardPartsReplaced(t *testing.T) {
	s := mongotest.New(t)
	d, ctx := mongo.NewDashboard(s), context.Background()
	set := func(status string, n int) map[string]app.Figures {
		t.Helper()
		parts, err := d.SetParts(ctx, "org_a", map[string]app.Figures{"s5": {Parcels: map[string]int{status: n}}})
		if err != nil {
			t.Fatal(err)
		}
		return parts
	}
	set("registered", 1)
	set("registered", 1)
	if got := set("released", 1)["s5"].Parcels; len(got) != 1 || got["released"] != 1 {
		t.Errorf("part after the second set: %v", got)
	}
	parts, err := d.Summary(ctx, "org_a")
	if err != nil {
		t.Fatal(err)
	}
	if got := parts["s5"].Parcels; len(got) != 1 || got["released"] != 1 {
		t.Errorf("part read: %v", got)
	}
}
