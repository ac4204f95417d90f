package singlewindow

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/adapters/singlewindow/ceb/cebtest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

// ledger is an in-memory Ledger that counts what it is asked.
type ledger struct {
	mu      sync.Mutex
	values  map[string][]byte
	recalls int
}

func (l *ledger) Recall(_ context.Context, keys ...string) (map[string][]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recalls += len(keys)
	out := map[string][]byte{}
	for _, k := range keys {
		if v, ok := l.values[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

func (l *ledger) Remember(_ context.Context, entries map[string][]byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.values == nil {
		l.values = map[string][]byte{}
	}
	for k, v := range entries {
		l.values[k] = v
	}
	return nil
}

var docFiling = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// documentMessages builds the order, payment receipt and waybill of the parcel that
// inventoryMessage declares (its price and total given), as the service would send them.
func documentMessages(t *testing.T, price, total string) []app.OutgoingMessage {
	t.Helper()
	p, err := parcel.Validate(parcel.Draft{
		TradeMode: "9610", ExporterID: "org_1", OrderNo: "SO-1", LogisticsCode: "4206980001", LogisticsNo: "XY1",
		Consignee:          parcel.Consignee{Name: "Jan Kowalski", Country: "PL", City: "Warszawa", Address: "ul. 1"},
		DestinationCountry: "PL", Currency: "EUR",
		Items: []parcel.DraftItem{{Gcode: "8518300000", Gname: "耳机", Gmodel: "TWS", Qty: code.MustDecimal("2"), Unit: "007",
			Price: ptr(code.MustDecimal(price)), TotalPrice: ptr(code.MustDecimal(total)), OriginCountry: "CN"}},
		GrossWeightKg: code.MustDecimal("1"), NetWeightKg: code.MustDecimal("0.8"),
	})
	if err != nil {
		t.Fatal(err)
	}
	pt := customs.FilingParties{AgentCode: "4206360A21", AgentName: "甲", EbcCode: "4206360A21", EbcName: "甲",
		EbpCode: "4206360A21", EbpName: "甲", PayCode: "4206360A21", PayName: "甲", LogisticsName: "襄阳中欧班列物流有限公司"}
	var out []app.OutgoingMessage
	for i, k := range customs.DocumentKinds {
		d, err := customs.NewDocument(string(k)+"_1", k, customs.DocumentInput{FilerID: "org_1", ExporterID: "org_1",
			ParcelID: "pcl_1", Parcel: p, Parties: pt}, docFiling, "org_1")
		if err != nil {
			t.Fatal(err)
		}
		f := app.Filing{GUID: strings.Replace("0D0C0000-1C2D-4E3F-8A9B-0C1D2E3F4A5B", "0D0C0000", "0D0C000"+string(rune('1'+i)), 1),
			CopNo: "SG2026112500000000" + string(rune('1'+i)), At: docFiling}
		m, err := Messages{DxpID: "DXPENT0000000001"}.Build(d, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// TestDocumentMessagesValidate: the order, payment receipt and waybill the service builds pass
// the official 2022-05 schema, and name the registered parties they were drafted with.
func TestDocumentMessagesValidate(t *testing.T) {
	for _, m := range documentMessages(t, "19.9", "39.8") {
		cebtest.Validate(t, m.XML)
		if m.Type == "CEB505" && !strings.Contains(string(m.XML), "<ceb:logisticsName>襄阳中欧班列物流有限公司</ceb:logisticsName>") {
			t.Errorf("the waybill does not name the carrier: %s", m.XML)
		}
		if m.Type == "CEB403" && !strings.Contains(string(m.XML), "<ceb:charge>39.8</ceb:charge>") {
			t.Errorf("the payment receipt's charge is not goods value plus freight (0): %s", m.XML)
		}
	}
}

func matchingSimulator(q app.Queue, l Ledger, wait time.Duration) *Simulator {
	return NewSimulator(SimulatorConfig{Seed: 1, Step: time.Second, MatchDocuments: true, DocumentWait: wait, Ledger: l}, q, registeredAll, nil)
}

// TestTheAuthorityMatchesListsAgainstTheirDocuments: documents are accepted (120, 120, 399)
// and remembered; a list whose documents are all there and agree is released; sent in one
// batch with its documents, the documents are read first.
func TestTheAuthorityMatchesListsAgainstTheirDocuments(t *testing.T) {
	q, l := &capture{}, &ledger{}
	sim := matchingSimulator(q, l, 0)
	msgs := append([]app.OutgoingMessage{inventoryMessage(t, "8518300000", "2", "19.9", "39.8")}, documentMessages(t, "19.9", "39.8")...)
	if err := sim.Send(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	byMessage := map[string]string{}
	for _, r := range q.receipts(t) {
		byMessage[r.Message] += r.ReturnStatus + ","
	}
	want := map[string]string{"CEB304": "2,120,", "CEB404": "2,120,", "CEB506": "2,399,", "CEB604": "2,3,120,800,"}
	for m, w := range want {
		if byMessage[m] != w {
			t.Errorf("%s receipts %q, want %q (all: %v)", m, byMessage[m], w, byMessage)
		}
	}
	if len(l.values) != 4 { // the three documents and the list
		t.Errorf("remembered %d entries, want 4", len(l.values))
	}
	// A new authority on the same memory (a restart) releases the same list sent again the
	// same way, without answering anything new.
	q2 := &capture{}
	if err := matchingSimulator(q2, l, 0).Send(context.Background(), msgs[0]); err != nil {
		t.Fatal(err)
	}
	if got := statusesOf(q2.receipts(t)); got != "2,3,120,800" {
		t.Errorf("after a restart the list is answered %s", got)
	}
}

// TestAWaitingListIsReleasedByItsLastDocument: a list filed before its waybill waits (120, its
// info naming the missing document); the waybill releases it.
func TestAWaitingListIsReleasedByItsLastDocument(t *testing.T) {
	q, l := &capture{}, &ledger{}
	sim := matchingSimulator(q, l, 100*365*24*time.Hour) // the list's appTime is a fixed day in 2026
	docs := documentMessages(t, "19.9", "39.8")
	list := inventoryMessage(t, "8518300000", "2", "19.9", "39.8")
	if err := sim.Send(context.Background(), docs[0], docs[1], list); err != nil {
		t.Fatal(err)
	}
	rs := q.receipts(t)
	last := rs[len(rs)-1]
	if last.Message != "CEB604" || last.ReturnStatus != "120" || !strings.Contains(last.ReturnInfo, "运单") {
		t.Fatalf("the list should wait for its waybill: %+v", rs)
	}
	q.tasks = nil
	if err := sim.Send(context.Background(), docs[2]); err != nil {
		t.Fatal(err)
	}
	var list604 []string
	for _, r := range q.receipts(t) {
		if r.Message == "CEB604" {
			list604 = append(list604, r.ReturnStatus)
		}
	}
	if strings.Join(list604, ",") != "800" {
		t.Errorf("the waybill released the list with %v", list604)
	}
}

// TestADisagreeingPaymentRejectsTheList: a payment receipt whose charge is not the list's
// value plus freight rejects the list, naming the payment.
func TestADisagreeingPaymentRejectsTheList(t *testing.T) {
	q := &capture{}
	sim := matchingSimulator(q, &ledger{}, time.Hour)
	docs := documentMessages(t, "19.9", "39.8")
	other := documentMessages(t, "24.9", "49.8")
	if err := sim.Send(context.Background(), docs[0], other[1], docs[2], inventoryMessage(t, "8518300000", "2", "19.9", "39.8")); err != nil {
		t.Fatal(err)
	}
	rs := q.receipts(t)
	last := rs[len(rs)-1]
	if last.Message != "CEB604" || last.ReturnStatus != "100" || !strings.Contains(last.ReturnInfo, "收款金额") {
		t.Errorf("list answered %+v", last)
	}
}

// TestASummaryGoesThroughItsGeneratedDeclaration: CEB701 is answered by 702s and a CEB792 that
// stages the generated declaration under decTmpNo; the DEC declaring it under that SeqNo brings
// CEB792s with the entry number and each of its states, the last R (cleared).
func TestASummaryGoesThroughItsGeneratedDeclaration(t *testing.T) {
	q, l := &capture{}, &ledger{}
	sim := matchingSimulator(q, l, 0)
	sum := &ceb.CEB701Message{GUID: "5C0F4B7E-1C2D-4E3F-8A9B-0C1D2E3F4A5B", SummaryApplies: []ceb.SummaryApply{{Head: ceb.SummaryApplyHead{
		GUID: "5C0F4B7E-1C2D-4E3F-8A9B-0C1D2E3F4A5B", AppType: "1", AppTime: ceb.FormatAppTime(docFiling), AppStatus: "2",
		CustomsCode: "4700", CopNo: "SG202612010000000001", AgentCode: "4206380015", AgentName: "丙", EbcCode: "4206360A21",
		EbcName: "甲", DeclAgentCode: "4206380015", DeclAgentName: "丙", SummaryFlag: "1", ItemNameFlag: "0", MsgCount: 1, MsgSeqNo: 1},
		Lists: []ceb.SummaryApplyList{{InvtNo: "47002026E000000001"}}}},
		BaseTransfer: ceb.BaseTransfer{CopCode: "4206380015", CopName: "丙", DxpMode: "DXP", DxpID: "DXPENT0000000001"}}
	xml, err := ceb.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Send(context.Background(), app.OutgoingMessage{Type: "CEB701", GUID: sum.GUID, XML: xml}); err != nil {
		t.Fatal(err)
	}
	rs := q.receipts(t)
	staged := rs[len(rs)-1]
	if statusesOf(rs) != "2,120,0" || staged.Message != "CEB792" || staged.DecTmpNo == "" || staged.EntryID != "" {
		t.Fatalf("summary answered %s, last %+v", statusesOf(rs), staged)
	}
	dec := &ceb.DecMessage{GUID: "6D0F4B7E-1C2D-4E3F-8A9B-0C1D2E3F4A5B", AppTime: ceb.FormatAppTime(docFiling.Add(time.Hour)),
		DecHead: ceb.DecHead{SeqNo: staged.DecTmpNo, IEFlag: "E", CustomMaster: "4700", IEPort: "4700", TradeMode: "9610", TrafMode: "3",
			TradeCode: "4206360A21", TradeName: "甲", AgentCode: "4206380015", AgentName: "丙", TradeCountry: "POL",
			DistinatePort: "POL000", TransMode: "3", PackNo: 1, WrapType: "22", GrossWet: "1", NetWt: "0.8"},
		DecLists: ceb.DecLists{DecList: []ceb.DecList{{GNo: 1, CodeTS: "8518300000", CiqCode: "999", GName: "耳机", GModel: "TWS",
			GQty: "2", GUnit: "007", FirstQty: "2", FirstUnit: "007", DeclPrice: "19.9", DeclTotal: "39.8", TradeCurr: "300",
			OriginCountry: "CHN", DestinationCountry: "POL"}}},
		DecSign: ceb.DecSign{OperType: "C", CopCode: "4206380015", OperName: "丙", ClientSeqNo: "SG2026120100000002"}}
	decXML, err := ceb.Marshal(dec)
	if err != nil {
		t.Fatal(err)
	}
	q.tasks = nil
	if err := sim.Send(context.Background(), app.OutgoingMessage{Type: "DEC", GUID: dec.GUID, XML: decXML}); err != nil {
		t.Fatal(err)
	}
	var states []string
	var entryID string
	for _, r := range q.receipts(t) {
		if r.Message == "CEB792" && r.GUID == sum.GUID {
			states = append(states, r.ReturnStatus)
			entryID = r.EntryID
		}
	}
	if strings.Join(states, ",") != "L,P,R" || customs.CheckEntryID(entryID) != nil {
		t.Errorf("the summary heard %v (entryId %q), want L,P,R with the entry number", states, entryID)
	}
}
