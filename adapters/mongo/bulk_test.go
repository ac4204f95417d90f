package mongo_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

// published turns aggregates' new events, as their writer holds them in memory, into what
// Outbox.Published takes.
func published(ps ...*parcel.Parcel) []app.Published {
	var out []app.Published
	for _, p := range ps {
		var events []app.PendingEvent
		for _, e := range p.Outbox() {
			events = append(events, app.PendingEvent{Event: e})
		}
		out = append(out, app.Published{Ref: app.AggregateRef{Aggregate: "parcel", ID: p.ID()}, Events: events})
	}
	return out
}

func pendingCount(t *testing.T, o *mongo.Outbox, id string) int {
	t.Helper()
	pending, err := o.Pending(context.Background(), app.AggregateRef{Aggregate: "parcel", ID: id})
	if err != nil {
		t.Fatal(err)
	}
	return len(pending)
}

// Events their writer published from memory cost no write of their own: they are off the
// agenda at once, and the aggregate's next write leaves them out of its outbox. Events nobody
// published stay through that write byte for byte, so a relay that read them before it still
// removes them exactly.
func TestPublishedEventsLeaveWithTheNextWrite(t *testing.T) {
	mongotest.Run(t, func(t *testing.T, s *mongo.Store) {
		ctx := context.Background()
		parcels, outbox := mongo.NewParcels(s), mongo.NewOutbox(s)
		batch := []*parcel.Parcel{testParcel(t, "4206930001", "AK1"), testParcel(t, "4206930001", "AK2")}
		if _, err := parcels.Insert(ctx, batch); err != nil {
			t.Fatal(err)
		}
		before := s.Commands().Snapshot()
		if err := outbox.Published(ctx, published(batch[0])); err != nil {
			t.Fatal(err)
		}
		for k, n := range s.Commands().Since(before) {
			if k.Collection != "agenda" {
				t.Errorf("recording events published wrote %d %s", n, k)
			}
		}
		if n, m := pendingCount(t, outbox, batch[0].ID()), pendingCount(t, outbox, batch[1].ID()); n != 1 || m != 1 {
			t.Fatalf("before the next write: %d and %d pending, want 1 and 1 (nothing rewritten)", n, m)
		}
		// A relay reads the second parcel's outbox now, and acknowledges after the next write.
		read, err := outbox.Pending(ctx, app.AggregateRef{Aggregate: "parcel", ID: batch[1].ID()})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		res, err := parcels.UpdateMany(ctx, []string{batch[0].ID(), batch[1].ID()}, func(p *parcel.Parcel) error {
			if err := p.Declare(now, "org_broker", "dcl_"+p.ID()); err != nil {
				return err
			}
			return p.Reject(now, "customs", "缺少必填项 missing mandatory fields") // data: reason; the move's from/to
		})
		if err != nil {
			t.Fatal(err)
		}
		newEvents := len(res[0].Value.Outbox())
		if n, m := pendingCount(t, outbox, batch[0].ID()), pendingCount(t, outbox, batch[1].ID()); n != newEvents || m != 1+newEvents {
			t.Fatalf("after the next write: %d and %d pending, want %d and %d", n, m, newEvents, 1+newEvents)
		}
		if err := outbox.Ack(ctx, []app.Published{{Ref: app.AggregateRef{Aggregate: "parcel", ID: batch[1].ID()}, Events: read}}); err != nil {
			t.Fatal(err)
		}
		if m := pendingCount(t, outbox, batch[1].ID()); m != newEvents {
			t.Fatalf("after the relay's acknowledgement: %d pending, want the %d of the later write", m, newEvents)
		}
	})
}

// storedParcels inserts n parcels with waybill numbers prefix000, prefix001, … and returns
// their ids.
func storedParcels(t *testing.T, s *mongo.Store, prefix string, n int) []string {
	t.Helper()
	var batch []*parcel.Parcel
	var ids []string
	for i := range n {
		p := testParcel(t, "4206930001", fmt.Sprintf("%s%03d", prefix, i))
		batch, ids = append(batch, p), append(ids, p.ID())
	}
	if _, err := mongo.NewParcels(s).Insert(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	return ids
}

// A bulk update reads each document by _id and writes them in bulk commands of at most fifty
// (on the embedded store, where a longer command exhausts its connection pool); a missing
// document and one the change refuses come back with their errors and nothing of theirs is
// written.
func TestUpdateManyReadsByIDAndWritesInBulk(t *testing.T) {
	mongotest.Run(t, func(t *testing.T, s *mongo.Store) {
		ctx := context.Background()
		parcels := mongo.NewParcels(s)
		ids := storedParcels(t, s, "UM", 120)
		ids = append(ids, parcel.IDFor("4206930001", "MISSING"))
		refused := domain.Errorf(domain.KindFailedPrecondition, "refused", "refused")
		before := s.Commands().Snapshot()
		res, err := parcels.UpdateMany(ctx, ids, func(p *parcel.Parcel) error {
			if p.ID() == ids[7] {
				return refused
			}
			return p.Declare(time.Now().UTC(), "org_broker", "dcl_"+p.ID())
		})
		if err != nil {
			t.Fatal(err)
		}
		counts := s.Commands().Since(before)
		for k, n := range counts {
			if k.Filter == mongo.FilterOther && k.Command != "update" {
				t.Errorf("%d %s commands on %s scan", n, k.Command, k.Collection)
			}
		}
		finds := counts[mongo.CommandKey{Command: "find", Collection: "parcels", Filter: mongo.FilterID}]
		// On MongoDB each write carries its version condition: a filter besides the _id.
		updates := counts[mongo.CommandKey{Command: "update", Collection: "parcels", Filter: mongo.FilterID}] +
			counts[mongo.CommandKey{Command: "update", Collection: "parcels", Filter: mongo.FilterOther}]
		if notes := counts[mongo.CommandKey{Command: "update", Collection: "agenda", Filter: mongo.FilterID}]; notes != 1 {
			t.Errorf("%d agenda notes, want one for the whole batch", notes)
		}
		if finds != 121 {
			t.Errorf("%d reads, want one per parcel (121)", finds)
		}
		if s.LocalLocks() && updates != 3 || !s.LocalLocks() && updates != 119 {
			t.Errorf("%d write commands for 119 parcels, want 3 bulk writes of at most 50 (one each on MongoDB)", updates)
		}
		if res[7].Err != refused || domain.KindOf(res[120].Err) != domain.KindNotFound {
			t.Fatalf("errors: %v, %v", res[7].Err, res[120].Err)
		}
		for i, id := range ids[:120] {
			p, err := parcels.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := parcel.StatusDeclared; i != 7 && p.Status() != want || i == 7 && p.Status() != parcel.StatusRegistered {
				t.Fatalf("parcel %d is %s", i, p.Status())
			}
		}
	})
}

// Bulk updates over the same documents in opposite orders, and single updates among them, lose
// no change and never wait for each other crosswise.
func TestUpdateManyConcurrently(t *testing.T) {
	mongotest.Run(t, func(t *testing.T, s *mongo.Store) {
		ctx := context.Background()
		parcels := mongo.NewParcels(s)
		ids := storedParcels(t, s, "UC", 10)
		reversed := slices.Clone(ids)
		slices.Reverse(reversed)
		var moves atomic.Int64
		touch := func(p *parcel.Parcel) error {
			p.RecordMovement(time.Now().UTC(), "operator", "border_crossed", fmt.Sprintf("station %d", moves.Add(1)))
			return nil
		}
		const rounds = 8
		var wg sync.WaitGroup
		errs := make(chan error, 3*rounds)
		for r := range rounds {
			wg.Add(3)
			go func() {
				defer wg.Done()
				order := ids
				if r%2 == 1 {
					order = reversed
				}
				res, err := parcels.UpdateMany(ctx, order, touch)
				errs <- errors(res, err)
			}()
			go func() {
				defer wg.Done()
				_, err := parcels.Update(ctx, ids[r%len(ids)], touch)
				errs <- err
			}()
			go func() {
				defer wg.Done()
				res, err := parcels.UpdateMany(ctx, ids[:5], touch)
				errs <- errors(res, err)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i, id := range ids {
			p, err := parcels.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want := int64(1 + rounds) // inserted, then every full batch
			if i < 5 {
				want += rounds
			}
			want += int64(rounds / len(ids))
			if i < rounds%len(ids) {
				want++
			}
			if p.Version() != want {
				t.Errorf("parcel %d at version %d, want %d: a change was lost", i, p.Version(), want)
			}
		}
	})
}

func errors(res []app.Updated[*parcel.Parcel], err error) error {
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Err != nil {
			return r.Err
		}
	}
	return nil
}

// A batch posted again — every waybill number indexed already — answers duplicates at once. (One
// update command of three hundred upserts on existing entries exhausted the embedded store's
// connection pool and hung it: bulk writes are cut at fifty statements.)
func TestReimportingABatchDoesNotHangTheStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := mongotest.New(t)
	parcels := mongo.NewParcels(s)
	var batch []*parcel.Parcel
	for i := range 300 {
		batch = append(batch, testParcel(t, "4206930001", fmt.Sprintf("RI%04d", i)))
	}
	for round := range 2 {
		outcomes, err := parcels.Insert(ctx, batch)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if round == 1 && !slices.ContainsFunc(outcomes, func(o parcel.InsertOutcome) bool { return o == parcel.Duplicate }) {
			t.Fatalf("the second round stored parcels again: %v", outcomes[:3])
		}
	}
}
