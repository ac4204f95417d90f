package mongo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

// The reconciler finds aggregates whose events were never acknowledged through the agenda,
// reading it by _id only: not the parcels, however many are stored. Once relayed they are off it.
func TestStaleOutboxesAreFoundOnTheAgenda(t *testing.T) {
	mongotest.Run(t, func(t *testing.T, s *mongo.Store) {
		ctx := context.Background()
		parcels, outbox := mongo.NewParcels(s), mongo.NewOutbox(s)
		var acked, owed []*parcel.Parcel
		for i := range 300 {
			p := testParcel(t, "4206930001", fmt.Sprintf("AG%03d", i))
			if i%100 == 7 {
				owed = append(owed, p)
			} else {
				acked = append(acked, p)
			}
		}
		noted := time.Now()
		if _, err := parcels.Insert(ctx, append(append([]*parcel.Parcel{}, acked...), owed...)); err != nil {
			t.Fatal(err)
		}
		if err := outbox.Published(ctx, published(acked...)); err != nil {
			t.Fatal(err)
		}
		// Young work is not stale yet: nothing noted from the minute before the writes on.
		if refs, err := outbox.Stale(ctx, noted.Add(-time.Minute), 1000); err != nil || len(refs) != 0 {
			t.Fatalf("%v stale before their time, %v", refs, err)
		}
		later := time.Now().Add(3 * time.Minute) // the minute of the writes is over
		before := s.Commands().Snapshot()
		refs, err := outbox.Stale(ctx, later, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for k, n := range s.Commands().Since(before) {
			if k.Collection != "agenda" || k.Filter == mongo.FilterOther {
				t.Errorf("looking for stale outboxes sent %d %s", n, k)
			}
		}
		if len(refs) != len(owed) {
			t.Fatalf("stale: %v, want the %d parcels nobody acknowledged", refs, len(owed))
		}
		// What the relay does: read each outbox, publish, acknowledge.
		var relayed []app.Published
		for _, ref := range refs {
			pending, err := outbox.Pending(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			relayed = append(relayed, app.Published{Ref: ref, Events: pending})
		}
		if err := outbox.Ack(ctx, relayed); err != nil {
			t.Fatal(err)
		}
		if refs, err := outbox.Stale(ctx, later, 1000); err != nil || len(refs) != 0 {
			t.Fatalf("after the relay: %v stale, %v", refs, err)
		}
	})
}

// A filing is on the agenda from its submission: the reconciler finds it once the resend period
// is over, sending it again moves it on, and customs' last answer takes it off.
func TestUnfinishedFilingsAreFoundOnTheAgenda(t *testing.T) {
	mongotest.Run(t, func(t *testing.T, s *mongo.Store) {
		ctx := context.Background()
		decls := mongo.NewDeclarations(s)
		var ids []string
		for i := range 3 {
			d := testInventory(t, fmt.Sprintf("dec_%d", i), fmt.Sprintf("pcl_%d", i))
			if err := decls.Create(ctx, d); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d.ID())
		}
		res, err := decls.UpdateMany(ctx, ids, func(d *customs.Declaration) error {
			guid := fmt.Sprintf("A1B2C3D4-0000-4000-8000-00000000000%s", d.ID()[len(d.ID())-1:])
			return d.Submit(guid, "C4700"+d.ID(), []byte("<CEB603Message/>"), time.Now().UTC())
		})
		if err != nil || res[0].Err != nil {
			t.Fatalf("submit: %v %v", err, res[0].Err)
		}
		if found, err := decls.Unfinished(ctx, time.Now().Add(-time.Minute), 10); err != nil || len(found) != 0 {
			t.Fatalf("%d unfinished before the resend period is over, %v", len(found), err)
		}
		later := time.Now().Add(3 * time.Minute)
		found, err := decls.Unfinished(ctx, later, 10)
		if err != nil || len(found) != 3 {
			t.Fatalf("%d unfinished after the resend period, want 3: %v", len(found), err)
		}
		// Sent again: due again a period later, not now.
		if err := decls.MarkSent(ctx, ids[0], time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if found, _ := decls.Unfinished(ctx, time.Now().Add(-time.Minute), 10); len(found) != 0 {
			t.Fatalf("%d unfinished right after a re-send", len(found))
		}
		// Customs' last answer takes the filing off.
		if _, err := decls.Update(ctx, ids[1], func(d *customs.Declaration) error {
			_, err := d.ApplyReceipt(customs.Receipt{Message: "CEB604", GUID: d.GUID(), ReturnStatus: "100",
				ReturnTime: time.Now().UTC(), ReturnInfo: "退单 rejected", ReceivedAt: time.Now().UTC()}, time.Now().UTC())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		found, err = decls.Unfinished(ctx, time.Now().Add(5*time.Minute), 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range found {
			got = append(got, d.ID())
		}
		if !slices.Equal(got, []string{ids[0], ids[2]}) && !slices.Equal(got, []string{ids[2], ids[0]}) {
			t.Fatalf("unfinished %v, want %s and %s", got, ids[0], ids[2])
		}
	})
}
