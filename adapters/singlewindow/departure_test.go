package singlewindow

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/adapters/singlewindow/ceb/cebtest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/customs"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.xml from Messages.Build")

const (
	departureGUID  = "7C3E9A10-5B2D-4E8F-9A1B-2C3D4E5F6A7B"
	departureCopNo = "SG202611252230000001"
	carrierA       = "4206930009"
	carrierB       = "91350200776049653A"
)

var departureFiling = app.Filing{GUID: departureGUID, CopNo: departureCopNo, At: time.Date(2026, 11, 25, 14, 40, 0, 0, time.UTC)}

// departureDeclaration is a departure document of three parcels on the 襄西欧 train: two
// waybills of one logistics enterprise, one of another — two heads.
func departureDeclaration(t *testing.T) *customs.Declaration {
	t.Helper()
	d, err := customs.NewDeparture("dep_1", customs.DepartureInput{
		FilerID: "org_1", ExporterID: "org_1", TradeMode: "9610",
		Departure: customs.Departure{
			DepartureID: "rail_2026_11_25_xxo", CustomsCode: "4700", TrafMode: "3", TrafName: "襄西欧班列",
			VoyageNo: "X8001", BillNo: "SMGS2026000123", LeaveTime: time.Date(2026, 11, 25, 22, 30, 0, 0, ceb.China),
			Waybills: []customs.DepartureWaybill{
				{LogisticsCode: carrierA, LogisticsName: "襄阳国际物流有限公司", LogisticsNo: "XY2026112500001", ParcelID: "pcl_1"},
				{LogisticsCode: carrierB, LogisticsName: "厦门快运有限公司", LogisticsNo: "ZT0001", ParcelID: "pcl_2"},
				{LogisticsCode: carrierA, LogisticsName: "襄阳国际物流有限公司", LogisticsNo: "XY2026112500002", ParcelID: "pcl_3"},
			},
		},
	}, time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC), "org_1")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// buildDeparture builds the CEB509 and submits the declaration with it, as the app does.
func buildDeparture(t *testing.T) (*customs.Declaration, app.OutgoingMessage) {
	t.Helper()
	d := departureDeclaration(t)
	out, err := Messages{DxpID: "DXPENT0000000001"}.Build(d, departureFiling)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Submit(departureFiling.GUID, departureFiling.CopNo, out.XML, departureFiling.At); err != nil {
		t.Fatal(err)
	}
	return d, out
}

func TestBuildDeparture(t *testing.T) {
	d, out := buildDeparture(t)
	if out.Type != "CEB509" || out.GUID != departureGUID || out.DeclarationID != "dep_1" {
		t.Fatalf("message %s %s %s", out.Type, out.GUID, out.DeclarationID)
	}
	cebtest.Validate(t, out.XML)

	golden := filepath.Join("testdata", "CEB509.departure.golden.xml")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, out.XML, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestBuildDeparture -update to create it)", err)
	}
	if !bytes.Equal(out.XML, want) {
		t.Errorf("output differs from %s (run with -update if the change is intended)\n--- got ---\n%s", golden, out.XML)
	}
	if !bytes.Equal(d.Message(), out.XML) {
		t.Error("the declaration does not keep the exact message")
	}

	msg, err := ceb.ParseCEB509(out.XML)
	if err != nil {
		t.Fatal(err)
	}
	if err := ceb.Validate(msg); err != nil {
		t.Fatal(err)
	}
	if len(msg.Departures) != 2 {
		t.Fatalf("%d heads, want one per logistics enterprise", len(msg.Departures))
	}
	var heads []string
	for i, dep := range msg.Departures {
		h := dep.Head
		heads = append(heads, h.GUID)
		if h.CopNo != customs.DepartureHeadCopNo(departureCopNo, i) || h.AppType != "1" || h.AppStatus != "2" ||
			h.AppTime != "20261125224000" || h.LeaveTime != "20261125223000" || h.CustomsCode != "4700" ||
			h.TrafMode != "3" || h.TrafName != "襄西欧班列" || h.VoyageNo != "X8001" || h.BillNo != "SMGS2026000123" ||
			h.MsgCount != 1 || h.MsgSeqNo != 1 || h.PreNo != "" {
			t.Errorf("head %d: %+v", i, h)
		}
	}
	if !slices.Equal(heads, d.HeadGUIDs()) || !slices.Equal(heads, d.GUIDs()) || heads[0] != departureGUID || heads[1] == heads[0] {
		t.Errorf("head guids %v; the declaration maps %v", heads, d.GUIDs())
	}
	a, b := msg.Departures[0], msg.Departures[1]
	if a.Head.LogisticsCode != carrierA || len(a.Lists) != 2 || a.Lists[0].GNum != 1 || a.Lists[1].GNum != 2 ||
		a.Lists[0].LogisticsNo != "XY2026112500001" || a.Lists[1].LogisticsNo != "XY2026112500002" {
		t.Errorf("first head %+v", a)
	}
	if b.Head.LogisticsCode != carrierB || b.Head.LogisticsName != "厦门快运有限公司" || len(b.Lists) != 1 ||
		b.Lists[0].GNum != 1 || b.Lists[0].LogisticsNo != "ZT0001" {
		t.Errorf("second head %+v", b)
	}
	if bt := msg.BaseTransfer; bt.CopCode != carrierA || bt.DxpMode != "DXP" || bt.DxpID != "DXPENT0000000001" {
		t.Errorf("BaseTransfer %+v", bt)
	}
}

func TestBuildDepartureNamesItsAgent(t *testing.T) {
	d, err := customs.NewDeparture("dep_2", customs.DepartureInput{FilerID: "org_2", ExporterID: "org_1", TradeMode: "1210",
		Departure: customs.Departure{DepartureID: "rail_1", CustomsCode: "4700", LeaveTime: departureFiling.At,
			AgentCode: "4206980001", AgentName: "襄阳报关行有限公司",
			Waybills: []customs.DepartureWaybill{{LogisticsCode: carrierA, LogisticsName: "襄阳国际物流有限公司", LogisticsNo: "XY1", ParcelID: "pcl_1"}}},
	}, departureFiling.At, "org_2")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Messages{DxpID: "DXPENT0000000001"}.Build(d, departureFiling)
	if err != nil {
		t.Fatal(err)
	}
	cebtest.Validate(t, out.XML)
	msg, err := ceb.ParseCEB509(out.XML)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Departures) != 1 || msg.Departures[0].Head.GUID != departureGUID || msg.Departures[0].Head.CopNo != departureCopNo ||
		msg.BaseTransfer.CopCode != "4206980001" || msg.BaseTransfer.CopName != "襄阳报关行有限公司" {
		t.Errorf("one head under the filing's guid and copNo, the agent transmitting: %+v %+v", msg.Departures[0].Head, msg.BaseTransfer)
	}
}

// TestSimulatorAcceptsADeparture: the simulated authority answers every head with CEB510 120
// (accepted) and then 399 (审结, its last answer); the receipts, read by DecodeReceipts, name the
// declaration's guids and move it as its heads together; the same message sent again (the
// reconciler) yields the same receipts, recognised as duplicates.
func TestSimulatorAcceptsADeparture(t *testing.T) {
	d, out := buildDeparture(t)
	q := &capture{}
	sim := NewSimulator(SimulatorConfig{Seed: 1, Step: time.Second}, q, registeredAll, nil)
	if err := sim.Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	rs := q.receipts(t)
	if len(rs) != 4 {
		t.Fatalf("%d receipts, want two per head: %+v", len(rs), rs)
	}
	var guids []string
	for i, r := range rs {
		want := "120"
		if i >= 2 {
			want = "399"
		}
		if r.Message != customs.MessageDepartureReceipt || r.ReturnStatus != want || customs.CheckPreNo(r.PreNo) != nil {
			t.Errorf("receipt %d %+v, want %s", i, r, want)
		}
		if i < 2 {
			guids = append(guids, r.GUID)
		}
	}
	if slices.Sort(guids); !slices.Equal(guids, slices.Sorted(slices.Values(d.GUIDs()))) {
		t.Fatalf("receipts name %v, the declaration is found by %v", guids, d.GUIDs())
	}
	now := departureFiling.At.Add(time.Minute)
	for i, r := range rs {
		outcome, err := d.ApplyReceipt(r, now)
		if err != nil {
			t.Fatal(err)
		}
		want := customs.Recorded // each head's step waits for the other's
		if i%2 == 1 {
			want = customs.Applied
		}
		if outcome != want {
			t.Errorf("receipt %d (%s %s): %s, want %s", i, r.GUID[:8], r.ReturnStatus, outcome, want)
		}
	}
	if d.Status() != customs.StatusReviewFinished || d.PreNo() == "" || d.AwaitingCustoms() {
		t.Fatalf("after the receipts: %s preNo %q awaiting %v", d.Status(), d.PreNo(), d.AwaitingCustoms())
	}

	q2 := &capture{}
	if err := NewSimulator(SimulatorConfig{Seed: 1, Step: time.Second}, q2, registeredAll, nil).Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	for _, r := range q2.receipts(t) {
		if outcome, err := d.ApplyReceipt(r, now.Add(time.Hour)); err != nil || outcome != customs.Duplicate {
			t.Errorf("receipt of the re-sent message: %s %v", outcome, err)
		}
	}
}

func TestSimulatorAnswersABrokenDepartureWithCEB900(t *testing.T) {
	_, out := buildDeparture(t)
	out.XML = []byte(strings.Replace(string(out.XML), "<ceb:trafMode>3</ceb:trafMode>", "<ceb:trafMode>33</ceb:trafMode>", 1))
	q := &capture{}
	if err := NewSimulator(SimulatorConfig{Seed: 1}, q, registeredAll, nil).Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	rs := q.receipts(t)
	if len(rs) != 1 || rs[0].Message != customs.MessageFormatError || rs[0].GUID != departureGUID {
		t.Errorf("schema error answered with %+v", rs)
	}
}
