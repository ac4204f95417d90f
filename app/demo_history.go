package app

import (
	"context"
	"fmt"
	"time"

	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

// china is the time zone customs keeps (UTC+8, no daylight saving).
var china = time.FixedZone("CST", 8*3600)

// demoHistoryParcels are the goods the demo exporter sent to Germany last month.
var demoHistoryParcels = []struct{ gcode, gname, gmodel, qty, unit, price string }{
	{"8518300000", "蓝牙耳机", "TWS|白色|汉江牌", "2", "007", "19.90"},
	{"8518300000", "蓝牙耳机", "TWS|黑色|汉江牌", "1", "007", "19.90"},
	{"6402999000", "运动鞋", "橡胶底|42码", "1", "025", "35.00"},
	{"4202221000", "手提包", "PU革|棕色", "1", "007", "28.50"},
	{"9503006000", "拼图玩具", "1000片|纸制", "3", "007", "9.80"},
	{"8518300000", "蓝牙耳机", "TWS|白色|汉江牌", "4", "007", "19.90"},
}

// seedDemoHistory gives the first demo exporter last month's export history: parcels sold on the
// demo platform, declared by the demo broker, released by customs, loaded, gone on a train, and
// their inventory lists closed (结关, 899) — all in the previous calendar month, China time, so
// that a monthly summary can be filed at once on any day. The records are written as they
// stand, without events: nothing of them is sent to customs again. Idempotent: a parcel that
// exists is left alone.
func seedDemoHistory(ctx context.Context, c *Customs, now time.Time) error {
	exporter, err := c.orgs.Get(ctx, "org_demo_exporter")
	if err != nil {
		return err
	}
	broker, err := c.orgs.Get(ctx, "org_demo_broker")
	if err != nil {
		return err
	}
	registry := newPartyRegistry(c.orgs)
	thisMonth := time.Date(now.In(china).Year(), now.In(china).Month(), 1, 0, 0, 0, 0, china)
	start := thisMonth.AddDate(0, -1, 0)
	for i, g := range demoHistoryParcels {
		no := fmt.Sprintf("XYDEMO%s%02d", start.Format("200601"), i+1)
		pid := parcel.IDFor("4206980001", no)
		if _, err := c.parcels.Get(ctx, pid); err == nil {
			continue
		} else if !isNotFound(err) {
			return err
		}
		at := start.AddDate(0, 0, 2+2*i).Add(10 * time.Hour) // the 3rd, 5th, ... of last month, 10:00
		price := code.MustDecimal(g.price)
		p, err := parcel.New(pid, parcel.Draft{
			TradeMode: parcel.TradeMode9610, ExporterID: exporter.ID(), OrderNo: fmt.Sprintf("SRS%s%04d", start.Format("200601"), i+1),
			EbpCode: "420636E018", PayCode: "4206960P01", LogisticsCode: "4206980001", LogisticsNo: no,
			Consignee:          parcel.Consignee{Name: "Anna Schmidt", Country: "DE", City: "Duisburg", Address: "Königstraße 12"},
			DestinationCountry: "DE", Currency: "EUR",
			Items: []parcel.DraftItem{{Gcode: g.gcode, Gname: g.gname, Gmodel: g.gmodel, Qty: code.MustDecimal(g.qty), Unit: g.unit,
				Price: &price, OriginCountry: "CN"}},
			GrossWeightKg: code.MustDecimal("0.60"), NetWeightKg: code.MustDecimal("0.45"), Freight: code.MustDecimal("3.50"),
		}, at, exporter.ID())
		if err != nil {
			return err
		}
		parties, err := registry.parcelParties(ctx, exporter, broker, p.Fields())
		if err != nil {
			return err
		}
		d, err := customs.NewInventory(inventoryID(pid, 1), customs.InventoryInput{FilerID: broker.ID(), ExporterID: exporter.ID(),
			ParcelID: pid, Parcel: p.Fields(), Parties: parties, CustomsCode: c.settings.District, PortCode: c.settings.PortCode},
			at.Add(time.Hour), broker.ID())
		if err != nil {
			return err
		}
		if err := c.file(d, at.Add(time.Hour)); err != nil {
			return err
		}
		preNo, _ := customs.FormatPreNo(at, int64(900_000_000+i))
		invtNo, _ := customs.FormatInvtNo(c.settings.District, at.Year(), int64(900_000_000+i))
		for k, st := range []struct {
			status string
			after  time.Duration
		}{{"2", time.Hour + 5*time.Second}, {"120", time.Hour + 10*time.Second}, {"800", 2 * time.Hour}, {"899", 72 * time.Hour}} {
			r := customs.Receipt{Message: customs.MessageInventoryReceipt, GUID: d.GUID(), ReturnStatus: st.status,
				ReturnTime: at.Add(st.after), PreNo: preNo}
			if k > 0 {
				r.InvtNo = invtNo
			}
			if _, err := d.ApplyReceipt(r, at.Add(st.after)); err != nil {
				return err
			}
		}
		steps := []func() error{
			func() error { return p.Declare(at.Add(time.Hour), broker.ID(), d.ID()) },
			func() error { return p.Accept(at.Add(time.Hour+10*time.Second), customs.ActorCustoms) },
			func() error { return p.Release(at.Add(2*time.Hour), customs.ActorCustoms) },
			func() error { return p.Load(at.Add(24*time.Hour), OperatorOrgID, "CSQU3054383", "") },
			func() error { return p.Depart(at.Add(48*time.Hour), OperatorOrgID) },
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		p.RecordClosure(at.Add(72*time.Hour), customs.ActorCustoms, invtNo)
		// As they stand, without their events: history, not news.
		quietParcel := parcel.UnmarshalFromDatabase(p.Snapshot())
		quietList := customs.FromDatabase(d.Snapshot())
		// The list first: a parcel that exists (what a later start checks) always has its list.
		if err := ignoreConflict(c.declarations.Create(ctx, quietList)); err != nil {
			return err
		}
		if _, err := c.parcels.Insert(ctx, []*parcel.Parcel{quietParcel}); err != nil {
			return err
		}
	}
	return nil
}
