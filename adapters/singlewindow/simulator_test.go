package singlewindow

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

// capture is a queue that keeps what it is given, so a test can read the receipts the
// simulated authority scheduled.
type capture struct {
	mu    sync.Mutex
	tasks []app.Task
}

func (c *capture) Enqueue(_ context.Context, t app.Task) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tasks = append(c.tasks, t)
	return nil
}

// statuses decodes the scheduled receipts in delivery order.
func (c *capture) receipts(t *testing.T) []customs.Receipt {
	t.Helper()
	var out []customs.Receipt
	for _, task := range c.tasks {
		rs, err := Messages{}.DecodeReceipts(task.Payload)
		if err != nil {
			t.Fatalf("the simulator sent an unreadable receipt: %v\n%s", err, task.Payload)
		}
		out = append(out, rs...)
	}
	return out
}

func statusesOf(rs []customs.Receipt) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.ReturnStatus)
	}
	return strings.Join(s, ",")
}

func registeredAll(context.Context, string) (bool, error) { return true, nil }

// inventoryMessage builds the CEB603 the service would send for a parcel with one line.
func inventoryMessage(t *testing.T, gcode, qty, price, total string) app.OutgoingMessage {
	t.Helper()
	p, err := parcel.Validate(parcel.Draft{
		TradeMode: "9610", ExporterID: "org_1", OrderNo: "SO-1", LogisticsCode: "4206980001", LogisticsNo: "XY1",
		Consignee:          parcel.Consignee{Name: "Jan Kowalski", Country: "PL", City: "Warszawa", Address: "ul. 1"},
		DestinationCountry: "PL", Currency: "EUR",
		Items: []parcel.DraftItem{{Gcode: gcode, Gname: "耳机", Gmodel: "TWS", Qty: code.MustDecimal(qty), Unit: "007",
			Price: ptr(code.MustDecimal(price)), TotalPrice: ptr(code.MustDecimal(total)), OriginCountry: "CN"}},
		GrossWeightKg: code.MustDecimal("1"), NetWeightKg: code.MustDecimal("0.8"),
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := customs.NewInventory("inv_1", customs.InventoryInput{FilerID: "org_1", ExporterID: "org_1", ParcelID: "pcl_1", Parcel: p,
		Parties: customs.FilingParties{AgentCode: "4206360A21", AgentName: "甲", EbcCode: "4206360A21", EbcName: "甲",
			LogisticsName: "襄阳中欧班列物流有限公司"},
		CustomsCode: "4700", PortCode: "4700"}, time.Now(), "org_1")
	if err != nil {
		t.Fatal(err)
	}
	f := app.Filing{GUID: "5B0F4B7E-1C2D-4E3F-8A9B-0C1D2E3F4A5B", CopNo: "SG202611250000000001", At: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	m, err := Messages{DxpID: "DXPENT0000000001"}.Build(d, f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ptr[T any](v T) *T { return &v }

func TestSimulatorReleasesAGoodList(t *testing.T) {
	q := &capture{}
	sim := NewSimulator(SimulatorConfig{Seed: 1, Step: time.Second}, q, registeredAll, nil)
	if err := sim.Send(context.Background(), inventoryMessage(t, "8518300000", "2", "19.9", "39.8")); err != nil {
		t.Fatal(err)
	}
	rs := q.receipts(t)
	if got := statusesOf(rs); got != "2,3,120,800" {
		t.Fatalf("receipts %s, want 2,3,120,800 (E-Port declaring, sent to customs, accepted, released)", got)
	}
	for i, r := range rs {
		if r.GUID != "5B0F4B7E-1C2D-4E3F-8A9B-0C1D2E3F4A5B" || r.PreNo == "" {
			t.Errorf("receipt %d: %+v", i, r)
		}
		if i > 0 && !r.ReturnTime.After(rs[i-1].ReturnTime) {
			t.Errorf("receipt times do not advance: %v", rs)
		}
		if want := time.Duration(i+1) * time.Second; q.tasks[i].Delay != want {
			t.Errorf("receipt %d delivered after %v, want %v", i, q.tasks[i].Delay, want)
		}
	}
	if err := customs.CheckInvtNo(rs[2].InvtNo); err != nil {
		t.Errorf("invtNo %q: %v", rs[2].InvtNo, err)
	}
	if rs[1].ReturnStatus != "3" || rs[1].ReturnInfo != "发送海关成功" {
		t.Errorf("the second receipt is %q %q, want 3 发送海关成功", rs[1].ReturnStatus, rs[1].ReturnInfo)
	}
}

func TestSimulatorRejections(t *testing.T) {
	cases := []struct {
		name                   string
		gcode, qty, price, tot string
		registered             PartyCheck
		reason                 string
	}{
		{"unknown heading", "9999000000", "1", "5", "5", registeredAll, "9999"},
		{"qty × price ≠ total", "8518300000", "2", "19.9", "45", registeredAll, "totalPrice"},
		{"party not registered", "8518300000", "1", "5", "5",
			func(context.Context, string) (bool, error) { return false, nil }, "not registered"},
	}
	for _, c := range cases {
		q := &capture{}
		sim := NewSimulator(SimulatorConfig{Seed: 1}, q, c.registered, nil)
		tot := c.tot
		if c.name == "qty × price ≠ total" {
			tot = "39.8" // the service never builds a wrong total; a faulty client's message is forged below
		}
		gcode := c.gcode
		if c.name == "unknown heading" {
			gcode = "8518300000" // the service drafts no list for a code without legal units; forged below
		}
		m := inventoryMessage(t, gcode, c.qty, c.price, tot)
		m.XML = []byte(strings.Replace(string(m.XML), "<ceb:totalPrice>"+tot+"</ceb:totalPrice>", "<ceb:totalPrice>"+c.tot+"</ceb:totalPrice>", 1))
		m.XML = []byte(strings.Replace(string(m.XML), "<ceb:gcode>"+gcode+"</ceb:gcode>", "<ceb:gcode>"+c.gcode+"</ceb:gcode>", 1))
		if err := sim.Send(context.Background(), m); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		rs := q.receipts(t)
		if statusesOf(rs) != "2,3,100" || !strings.Contains(rs[2].ReturnInfo, c.reason) {
			t.Errorf("%s: %s %q", c.name, statusesOf(rs), rs[len(rs)-1].ReturnInfo)
		}
	}
}

func TestSimulatorInspectsHighRiskAndReviewsAShare(t *testing.T) {
	q := &capture{}
	sim := NewSimulator(SimulatorConfig{Seed: 1, HighRiskHeadings: []string{"8507"}}, q, registeredAll, nil)
	if err := sim.Send(context.Background(), inventoryMessage(t, "8507600010", "1", "30", "30")); err != nil {
		t.Fatal(err)
	}
	if got := statusesOf(q.receipts(t)); got != "2,3,120,500,800" {
		t.Errorf("lithium batteries: %s, want inspection", got)
	}
	q = &capture{}
	sim = NewSimulator(SimulatorConfig{Seed: 1, ReviewShare: 1}, q, registeredAll, nil)
	if err := sim.Send(context.Background(), inventoryMessage(t, "8518300000", "1", "5", "5")); err != nil {
		t.Fatal(err)
	}
	if got := statusesOf(q.receipts(t)); got != "2,3,120,300,399,800" {
		t.Errorf("review share 1: %s", got)
	}
}

// TestSimulatorIsReproducible: the same filing sent twice yields byte-identical receipts, which
// is what lets the service re-send safely; duplicates and reorderings follow the seed.
func TestSimulatorIsReproducible(t *testing.T) {
	cfg := SimulatorConfig{Seed: 7, Step: time.Second, DuplicateRate: 0.5, ReorderRate: 0.5, ReviewShare: 0.5}
	run := func() *capture {
		q := &capture{}
		if err := NewSimulator(cfg, q, registeredAll, nil).Send(context.Background(), inventoryMessage(t, "8518300000", "1", "5", "5")); err != nil {
			t.Fatal(err)
		}
		return q
	}
	a, b := run(), run()
	if len(a.tasks) != len(b.tasks) {
		t.Fatalf("%d and %d receipts", len(a.tasks), len(b.tasks))
	}
	for i := range a.tasks {
		if string(a.tasks[i].Payload) != string(b.tasks[i].Payload) || a.tasks[i].Delay != b.tasks[i].Delay {
			t.Fatalf("receipt %d differs between two sends of one filing", i)
		}
	}
	seen := map[string]int{}
	for _, r := range a.receipts(t) {
		seen[r.ReturnStatus]++
	}
	dup := false
	for _, n := range seen {
		dup = dup || n > 1
	}
	if !dup {
		t.Errorf("duplicate rate 0.5 produced no duplicate: %v", seen)
	}
}

func TestSimulatorAnswersASchemaErrorWithCEB900(t *testing.T) {
	m := inventoryMessage(t, "8518300000", "1", "5", "5")
	m.XML = []byte(strings.Replace(string(m.XML), "<ceb:ieFlag>E</ceb:ieFlag>", "<ceb:ieFlag>X</ceb:ieFlag>", 1))
	q := &capture{}
	if err := NewSimulator(SimulatorConfig{Seed: 1}, q, registeredAll, nil).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	rs := q.receipts(t)
	if len(rs) != 1 || rs[0].Message != "CEB900" || rs[0].ReturnStatus != "-1" {
		t.Errorf("schema error answered with %+v", rs)
	}
}

// The simulated authority asks who is registered once for a while per code, but asks again
// about a code it found unregistered: a firm registered a moment later is not refused.
func TestSimulatorRemembersRegisteredParties(t *testing.T) {
	asked := map[string]int{}
	registered := false
	check := func(_ context.Context, code string) (bool, error) {
		asked[code]++
		return registered, nil
	}
	sim := NewSimulator(SimulatorConfig{Seed: 1}, &capture{}, check, nil)
	send := func() {
		t.Helper()
		if err := sim.Send(context.Background(), inventoryMessage(t, "8518300000", "1", "5", "5")); err != nil {
			t.Fatal(err)
		}
	}
	send()
	send()
	for code, n := range asked {
		if n != 2 {
			t.Errorf("an unregistered code %s was asked %d times in two filings, want 2", code, n)
		}
	}
	registered = true
	clear(asked)
	send()
	send()
	send()
	if len(asked) == 0 {
		t.Fatal("the party check was not asked")
	}
	for code, n := range asked {
		if n != 1 {
			t.Errorf("a registered code %s was asked %d times in three filings, want 1", code, n)
		}
	}
}
