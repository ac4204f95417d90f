package mongo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/bonded"
	"github.com/silkgate/silkgate/domain/code"
)

func bondedItem(t *testing.T, r *mongo.Bonded, emsNo, rec string, stock int64) {
	t.Helper()
	ctx := context.Background()
	a, err := bonded.NewAccount(bonded.AccountInput{EmsNo: emsNo, FirmOrgID: "org_firm", FirmCode: "4206360A21",
		FirmName: "甲公司", CustomsCode: "4702"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddItemRecord(rec, testNow); err != nil {
		t.Fatal(err)
	}
	if err := r.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	s, err := bonded.NewStock(bonded.StockInput{EmsNo: emsNo, ItemRecordNo: rec, Gcode: "8518300000", Gname: "蓝牙耳机",
		Unit: "007", LegalUnit: "007"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.CreateItem(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := r.UpdateItem(ctx, emsNo, rec, func(s *bonded.Stock) error {
		_, err := s.Receive("RK-1", code.DecimalFromInt(stock), testNow, "op")
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// Concurrent reservations of one item record never hold more than its stock, on both write
// paths (the embedded store's lock and MongoDB's version condition), and the ledger records
// exactly the changes that were made.
func TestBondedReservationsNeverOversell(t *testing.T) {
	t.Parallel()
	mongotest.Run(t, func(t *testing.T, s *mongo.Store) {
		r := mongo.NewBonded(s)
		bondedItem(t, r, "E1", "A1", 30)
		ctx := context.Background()
		var mu sync.Mutex
		counts := map[domain.Code]int{}
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				ok, err := r.ReserveItem(ctx, "E1", "A1", fmt.Sprintf("inv_%d", i), code.DecimalFromInt(1), testNow, "f")
				if err == nil && !ok {
					t.Errorf("inv_%d: held already before it reserved", i)
				}
				if i < 3 && err == nil { // a repeated filing holds nothing more
					if again, err := r.ReserveItem(ctx, "E1", "A1", fmt.Sprintf("inv_%d", i), code.DecimalFromInt(1), testNow, "f"); again || err != nil {
						t.Errorf("inv_%d again: %v %v", i, again, err)
					}
				}
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					counts["ok"]++
				} else {
					counts[domain.CodeOf(err)]++
				}
			}(i)
		}
		wg.Wait()
		if counts["ok"] != 30 || counts["insufficient_stock"] != 20 || len(counts) != 2 {
			t.Fatalf("outcomes %v, want 30 ok and 20 insufficient_stock", counts)
		}
		st, err := r.GetItem(ctx, "E1", "A1")
		if err != nil {
			t.Fatal(err)
		}
		if st.OnHand().Cmp(code.DecimalFromInt(30)) != 0 || st.Reserved().Cmp(code.DecimalFromInt(30)) != 0 || len(st.Holds()) != 30 {
			t.Fatalf("balance %s/%s, %d holds", st.OnHand(), st.Reserved(), len(st.Holds()))
		}
		// The release of one list twice, concurrently: one decrement.
		ref := st.Holds()[0].Ref
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := r.UpdateItem(ctx, "E1", "A1", func(st *bonded.Stock) error {
					if !st.Release(ref, testNow, "customs") {
						return errNoRelease
					}
					return nil
				})
				if err != nil && err != errNoRelease {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		st, _ = r.GetItem(ctx, "E1", "A1")
		if st.OnHand().Cmp(code.DecimalFromInt(29)) != 0 || st.Reserved().Cmp(code.DecimalFromInt(29)) != 0 {
			t.Fatalf("after releasing one list twice: %s/%s", st.OnHand(), st.Reserved())
		}
		moves, next, err := r.Movements(ctx, app.MovementFilter{EmsNo: "E1", Limit: 500})
		if err != nil || next != "" {
			t.Fatal(err, next)
		}
		if len(moves) != 1+30+1 || moves[0].Seq != 32 || moves[0].Kind != bonded.MoveRelease || moves[len(moves)-1].Kind != bonded.MoveReceipt {
			t.Fatalf("%d movements, newest %+v", len(moves), moves[0])
		}
	})
}

var errNoRelease = domain.Errorf(domain.KindFailedPrecondition, "unchanged", "nothing to release")
