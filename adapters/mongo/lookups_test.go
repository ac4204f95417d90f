package mongo_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
)

func testParcel(t *testing.T, carrier, no string) *parcel.Parcel {
	t.Helper()
	price := code.MustDecimal("19.99")
	d := parcel.Draft{TradeMode: "9610", ExporterID: "org_exp", OrderNo: "O-" + no, EbpCode: "3301961Q43",
		EbpName: "平台", LogisticsCode: carrier, LogisticsNo: no,
		Consignee:          parcel.Consignee{Name: "Anna Kowalska", Country: "PL", City: "Warszawa", Address: "ul. Marszałkowska 1"},
		DestinationCountry: "PL", Currency: "EUR",
		Items: []parcel.DraftItem{{ItemNo: "TS-001", Gcode: "6109100022", Gname: "棉制针织T恤衫", Gmodel: "针织|棉100%",
			Qty: code.MustDecimal("3"), Unit: "011", Price: &price, OriginCountry: "CN", BarCode: "无"}},
		GrossWeightKg: code.MustDecimal("1.25"), NetWeightKg: code.MustDecimal("1")}
	p, err := parcel.New(parcel.IDFor(carrier, no), d, time.Now().UTC(), "org_exp")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Tracking by the waybill number alone reads the number's entry and the parcels it names, each
// by _id: nothing scans, however many parcels are stored.
func TestFindByLogisticsNoReadsByID(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	parcels := mongo.NewParcels(s)
	batch := []*parcel.Parcel{testParcel(t, "4206930001", "XY1"), testParcel(t, "4206930002", "XY1"), testParcel(t, "4206930001", "XY2")}
	before := s.Commands().Snapshot()
	if _, err := parcels.Insert(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if n := mongo.Total(s.Commands().Since(before)); n != 3 {
		t.Errorf("a batch insert costs %d store commands, want 3 (the waybill index, the agenda note of the parcels' events, the parcels)", n)
	}
	// the same parcels again: duplicates, and the index is unchanged
	if out, err := parcels.Insert(ctx, batch[:1]); err != nil || out[0] != parcel.Duplicate {
		t.Fatalf("insert again: %v %v", out, err)
	}

	before = s.Commands().Snapshot()
	found, err := parcels.FindByLogisticsNo(ctx, "XY1")
	if err != nil || len(found) != 2 {
		t.Fatalf("XY1: %d parcels, %v", len(found), err)
	}
	for k, n := range s.Commands().Snapshot() {
		if n > before[k] && k.Filter != mongo.FilterID {
			t.Errorf("tracking sent %s", k)
		}
	}
	if found, err := parcels.FindByLogisticsNo(ctx, "NONE"); err != nil || len(found) != 0 {
		t.Errorf("an unknown number: %v %v", found, err)
	}

	// An entry whose parcel was never stored (a crash between the two writes) is skipped.
	if _, err := s.Database().Collection("waybills").UpdateOne(ctx, bson.M{"_id": "XY2"},
		bson.M{"$addToSet": bson.M{"parcelIds": "pcl_missing"}}); err != nil {
		t.Fatal(err)
	}
	if found, err := parcels.FindByLogisticsNo(ctx, "XY2"); err != nil || len(found) != 1 {
		t.Errorf("XY2: %d parcels, %v", len(found), err)
	}
}

// Parcels and organisations stored before their lookup collections existed are indexed at the
// next start, and a backfill cut short (its marker not written) is run again until it is.
func TestLookupsAreBackfilled(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	if _, err := mongo.NewParcels(s).Insert(ctx, []*parcel.Parcel{testParcel(t, "4206930001", "XB1")}); err != nil {
		t.Fatal(err)
	}
	o, err := party.NewOrg("org_old", party.KindExporter, party.OrgFields{Name: "老企业", USCC: "91420600MA4F2K7Q1L", CustomsCode: "4206360A21"}, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	if err := mongo.NewOrgs(s).Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	// As a database from before the lookups: empty, and no markers.
	for _, c := range []string{"waybills", "org_codes", "silkgate_meta"} {
		if _, err := s.Database().Collection(c).DeleteMany(ctx, bson.M{}); err != nil {
			t.Fatal(err)
		}
	}
	if found, _ := mongo.NewParcels(s).FindByLogisticsNo(ctx, "XB1"); len(found) != 0 {
		t.Fatal("the index was not emptied")
	}
	// A backfill that wrote part of its entries but not its marker is finished next time.
	if _, err := s.Database().Collection("waybills").InsertOne(ctx, bson.M{"_id": "XB9", "parcelIds": bson.A{"pcl_x"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Backfill(ctx); err != nil {
		t.Fatal(err)
	}
	if found, err := mongo.NewParcels(s).FindByLogisticsNo(ctx, "XB1"); err != nil || len(found) != 1 {
		t.Errorf("after the backfill: %d parcels, %v", len(found), err)
	}
	if ok, err := mongo.NewOrgs(s).RegisteredCode(ctx, "4206360A21"); err != nil || !ok {
		t.Errorf("after the backfill the old organisation's code is unknown: %v %v", ok, err)
	}
	// Done once: a start after that reads the markers only.
	before := s.Commands().Snapshot()
	if err := s.Backfill(ctx); err != nil {
		t.Fatal(err)
	}
	for k, n := range s.Commands().Since(before) {
		if k.Collection != "silkgate_meta" {
			t.Errorf("a second backfill sent %d %s", n, k)
		}
	}
}

// The simulated authority's party check reads by _id only, and follows a changed customs code.
func TestRegisteredCodeReadsByID(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	orgs := mongo.NewOrgs(s)
	o, err := party.NewOrg("org_exp", party.KindExporter, party.OrgFields{Name: "出口商", USCC: "91420600MA4F2K7Q1L", CustomsCode: "4206360A21"}, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	if err := orgs.Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	before := s.Commands().Snapshot()
	for code, want := range map[string]bool{"4206360A21": true, "91420600MA4F2K7Q1L": true, "4206360A22": false} {
		if got, err := orgs.RegisteredCode(ctx, code); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", code, got, err, want)
		}
	}
	for k, n := range s.Commands().Snapshot() {
		if n > before[k] && k.Filter != mongo.FilterID {
			t.Errorf("the party check sent %s", k)
		}
	}
	newCode := "4206360B99"
	if _, err := orgs.Update(ctx, o.ID(), func(o *party.Org) error {
		return o.Patch(party.OrgPatch{CustomsCode: &newCode}, time.Now().UTC())
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := orgs.RegisteredCode(ctx, newCode); !got {
		t.Error("the new customs code is not registered")
	}
	if got, _ := orgs.RegisteredCode(ctx, "4206360A21"); got {
		t.Error("the old customs code is still registered")
	}
}
