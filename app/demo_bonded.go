package app

import (
	"context"
	"fmt"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/bonded"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/party"
)

// DemoEmsNo is the demo bonded account: the first demo exporter's, so that a 1210 parcel can be
// declared end to end on a fresh service (README, "A 1210 parcel from the bonded zone").
const DemoEmsNo = "T4700W000001"

// demoItemRecords are the demo account's item records and the stock booked in for each.
var demoItemRecords = []struct {
	in    bonded.StockInput
	stock string
}{
	{bonded.StockInput{ItemRecordNo: "SR-EB-001", Gcode: "8518300000", Gname: "蓝牙耳机", Unit: "007", LegalUnit: "007"}, "500"},
	{bonded.StockInput{ItemRecordNo: "SR-TS-002", Gcode: "6109100021", Gname: "棉制针织T恤", Unit: "011", LegalUnit: "011"}, "300"},
	{bonded.StockInput{ItemRecordNo: "SR-TEA-003", Gcode: "0902109000", Gname: "绿茶", Unit: "035", LegalUnit: "035"}, "120.5"},
}

// SeedDemoBonded registers the demo bonded account for the first demo exporter, its item
// records, and goods booked into the zone under one fixed reference. Run after SeedDemo; it is
// idempotent: what exists is left alone, and the receipt's reference is booked once.
func SeedDemoBonded(ctx context.Context, b *Bonded, district string) error {
	op := Actor{OrgID: OperatorOrgID, Kind: party.KindOperator}
	if _, err := b.RegisterAccount(ctx, op, AccountRequest{EmsNo: DemoEmsNo, FirmID: "org_demo_exporter", CustomsCode: district}); err != nil &&
		domain.KindOf(err) != domain.KindConflict {
		return fmt.Errorf("demo bonded account: %w", err)
	}
	lines := make([]StockLine, len(demoItemRecords))
	for i, r := range demoItemRecords {
		if _, err := b.AddItemRecord(ctx, op, DemoEmsNo, r.in); err != nil && domain.KindOf(err) != domain.KindConflict {
			return fmt.Errorf("demo item record %s: %w", r.in.ItemRecordNo, err)
		}
		lines[i] = StockLine{ItemRecordNo: r.in.ItemRecordNo, Qty: code.MustDecimal(r.stock)}
	}
	if _, err := b.ReceiveGoods(ctx, op, DemoEmsNo, "RK-DEMO-0001", lines); err != nil {
		return fmt.Errorf("demo stock: %w", err)
	}
	return nil
}
