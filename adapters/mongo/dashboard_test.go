package mongo_test

import (
	"context"
	"testing"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
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

// A shard written is read back as written; without the process's locks (MongoDB's path) a shard
// changed since it was read — or made meanwhile — is a Conflict, not overwritten.
func TestDashboardShards(t *testing.T) {
	mongotest.Run(t, func(t *testing.T, s *mongo.Store) {
		d, ctx := mongo.NewDashboard(s), context.Background()
		entry := &app.DashEntry{Version: 2, Seq: 1, Status: "released", Value: 398000, Currency: "EUR", Country: "PL", Month: "2026-12"}
		sh := &app.DashShard{ID: "org_a#s1", Entries: map[string]*app.DashEntry{"parcel:p1": entry},
			Figures: app.Figures{Parcels: map[string]int{"released": 1}}}
		if err := d.SaveShards(ctx, []*app.DashShard{sh}); err != nil {
			t.Fatal(err)
		}
		read, err := d.Shards(ctx, []string{"org_a#s1", "org_a#s2"})
		if err != nil {
			t.Fatal(err)
		}
		got := read["org_a#s1"]
		if len(read) != 1 || got.Version != 1 || *got.Entries["parcel:p1"] != *entry || got.Figures.Parcels["released"] != 1 {
			t.Fatalf("read back %+v", read)
		}
		first, second := *got, *got
		if err := d.SaveShards(ctx, []*app.DashShard{&first}); err != nil {
			t.Fatal(err)
		}
		err = d.SaveShards(ctx, []*app.DashShard{&second}) // read before the first write
		again := *sh                                       // a new shard, made meanwhile
		errNew := d.SaveShards(ctx, []*app.DashShard{&again})
		if s.LocalLocks() {
			return // one process, one batch at a time: nothing to lose a race to
		}
		if domain.KindOf(err) != domain.KindConflict || domain.KindOf(errNew) != domain.KindConflict {
			t.Errorf("stale writes: %v, %v; want conflicts", err, errNew)
		}
	})
}
