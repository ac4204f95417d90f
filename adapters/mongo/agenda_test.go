package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
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
		if _, err := parcels.Insert(ctx, append(append([]*parcel.Parcel{}, acked...), owed...)); err != nil {
			t.Fatal(err)
		}
		if err := outbox.Ack(ctx, published(acked...)); err != nil {
			t.Fatal(err)
		}
		// Young work is not stale yet.
		if refs, err := outbox.Stale(ctx, time.Now(), 1000); err != nil || len(refs) != 0 {
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
