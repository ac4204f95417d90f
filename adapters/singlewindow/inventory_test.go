package singlewindow

import (
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/adapters/singlewindow/ceb/cebtest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

var inventoryFiling = app.Filing{GUID: "0D5E3A1C-7B2F-4C8E-9A6D-1E2F3A4B5C6D", CopNo: "SG1", At: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}

// inventoryOf drafts the list of one parcel — goods made in China, sold to a buyer in Poland —
// with the given parties and transport, and builds its CEB603.
func inventoryOf(t *testing.T, draft func(*parcel.Draft), parties customs.FilingParties, tr customs.Transport, portCode string) *ceb.Inventory {
	t.Helper()
	price := code.MustDecimal("19.90")
	d := parcel.Draft{TradeMode: "9610", ExporterID: "org_1", OrderNo: "SO-1", LogisticsCode: "4206980001", LogisticsNo: "XY1",
		Consignee:          parcel.Consignee{Name: "Jan Kowalski", Country: "PL", City: "Warszawa", Address: "ul. Marszałkowska 1"},
		DestinationCountry: "PL", Currency: "EUR",
		Items: []parcel.DraftItem{{Gcode: "8518300000", Gname: "蓝牙耳机", Gmodel: "TWS|白色", Qty: code.MustDecimal("2"),
			Unit: "007", Price: &price, OriginCountry: "CN"}},
		GrossWeightKg: code.MustDecimal("0.45"), NetWeightKg: code.MustDecimal("0.30"),
	}
	if draft != nil {
		draft(&d)
	}
	f, err := parcel.Validate(d)
	if err != nil {
		t.Fatal(err)
	}
	decl, err := customs.NewInventory("inv_1", customs.InventoryInput{FilerID: "org_1", ExporterID: "org_1", ParcelID: "pcl_1",
		Parcel: f, Parties: parties, CustomsCode: "4700", PortCode: portCode, Transport: tr}, inventoryFiling.At, "org_1")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Messages{DxpID: "DXPENT0000000001"}.Build(decl, inventoryFiling)
	if err != nil {
		t.Fatal(err)
	}
	cebtest.Validate(t, out.XML)
	msg, err := ceb.ParseCEB603(out.XML)
	if err != nil {
		t.Fatal(err)
	}
	return &msg.Inventories[0]
}

var sellerParties = customs.FilingParties{AgentCode: "4206360A21", AgentName: "襄阳丝路跨境电商有限公司",
	EbcCode: "4206360A21", EbcName: "襄阳丝路跨境电商有限公司", LogisticsName: "襄阳中欧班列国际物流有限公司"}

// The list's lines name the final destination (最终目的国), never the goods' origin; the head
// names where the goods arrive (运抵国) and the port of destination.
func TestInventoryCountriesAreDestinations(t *testing.T) {
	inv := inventoryOf(t, nil, sellerParties, customs.Transport{}, "9402")
	if c := inv.Lists[0].Country; c != "327" { // 327 Poland, never 142 China (the origin)
		t.Errorf("list country %s, want 327 (Poland, the destination)", c)
	}
	if inv.Head.Country != "327" || inv.Head.POD != "327" || inv.Head.PortCode != "9402" {
		t.Errorf("head country %s, POD %s, portCode %s", inv.Head.Country, inv.Head.POD, inv.Head.PortCode)
	}
	// Names are the registered names the list was drafted with, never a code.
	if inv.Head.LogisticsName != "襄阳中欧班列国际物流有限公司" || inv.Head.EbpName != "襄阳丝路跨境电商有限公司" {
		t.Errorf("names %q %q", inv.Head.LogisticsName, inv.Head.EbpName)
	}
}

// A train booking gives the exit office, the mode across it, the train's name and number, and
// the country where the train is unloaded (运抵国, 指运港).
func TestInventoryTransportFromTheBooking(t *testing.T) {
	inv := inventoryOf(t, nil, sellerParties, customs.Transport{BookingID: "bkg_1", TrafName: "XXO 襄西欧",
		VoyageNo: "XXO20261204", ArrivalCountry: "DE"}, "9402")
	h := inv.Head
	if h.PortCode != "9402" || h.TrafName != "XXO 襄西欧" || h.VoyageNo != "XXO20261204" || h.Country != "304" || h.POD != "304" {
		t.Errorf("head %+v", h)
	}
	if inv.Lists[0].Country != "327" {
		t.Errorf("list country %s, want the parcel's destination 327", inv.Lists[0].Country)
	}
}

// A foreign platform without a customs code is "无" and a producer not registered with customs
// "NO" (CEB 2022-05 field notes); the names are the ones given.
func TestInventoryForeignPlatformAndUnregisteredProducer(t *testing.T) {
	inv := inventoryOf(t, func(d *parcel.Draft) {
		d.EbpCode, d.EbpName = "无", "Allegro.pl sp. z o.o."
		d.OwnerCode, d.OwnerName = "no", "深圳市华强北电子厂"
	}, func() customs.FilingParties {
		p := sellerParties
		p.EbpCode, p.EbpName = "无", "Allegro.pl sp. z o.o."
		p.OwnerCode, p.OwnerName = "NO", "深圳市华强北电子厂"
		return p
	}(), customs.Transport{}, "9402")
	h := inv.Head
	if h.EbpCode != "无" || h.EbpName != "Allegro.pl sp. z o.o." || h.OwnerCode != "NO" || h.OwnerName != "深圳市华强北电子厂" {
		t.Errorf("head parties %q %q %q %q", h.EbpCode, h.EbpName, h.OwnerCode, h.OwnerName)
	}
}
