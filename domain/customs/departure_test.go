package customs_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

const (
	carrierA     = "4206930009"         // a logistics enterprise's customs code
	carrierB     = "91350200776049653A" // another's USCC
	departCopNo  = "SG202611030900000001"
	departPreNo1 = "B20261103000000011"
	departPreNo2 = "B20261103000000012"
)

// leave is when the train left: 22:15:30.5 China time on t0's day.
var leave = time.Date(2026, 11, 3, 22, 15, 30, 500_000_000, cst)

// departureInput is a departure of three parcels: two waybills of carrier A, one of B.
func departureInput() customs.DepartureInput {
	return customs.DepartureInput{
		FilerID: "org-broker-1", ExporterID: "org-exporter-1", TradeMode: "9610",
		Departure: customs.Departure{
			DepartureID: "dep-2026-11-03-XXO", CustomsCode: "4700", TrafName: "襄西欧班列",
			VoyageNo: "X8001", BillNo: "SMGS-2026-000123", LeaveTime: leave,
			Waybills: []customs.DepartureWaybill{
				{LogisticsCode: carrierA, LogisticsName: "襄阳国际物流有限公司", LogisticsNo: "XY2026110300001", ParcelID: "pcl-1", InventoryID: "dec-1"},
				{LogisticsCode: strings.ToLower(carrierB), LogisticsName: "厦门快运有限公司", LogisticsNo: "ZT0001", ParcelID: "pcl-2"},
				{LogisticsCode: carrierA, LogisticsName: "襄阳国际物流有限公司", LogisticsNo: "XY2026110300002", ParcelID: "pcl-3", InventoryID: "dec-3"},
			},
		},
	}
}

// oneCarrier is departureInput with carrier A's waybills only.
func oneCarrier() customs.DepartureInput {
	in := departureInput()
	in.Waybills = []customs.DepartureWaybill{in.Waybills[0], in.Waybills[2]}
	return in
}

func newDeparture(t testing.TB, in customs.DepartureInput) *customs.Declaration {
	t.Helper()
	d, err := customs.NewDeparture("dec-d", in, at(0), "org-broker-1")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func submittedDeparture(t testing.TB, in customs.DepartureInput) *customs.Declaration {
	t.Helper()
	d := newDeparture(t, in)
	if err := d.Submit(guid1, departCopNo, []byte("<CEB509Message/>"), at(1)); err != nil {
		t.Fatal(err)
	}
	return d
}

// dr is a CEB510 receipt for guid with returnStatus code, returned n seconds after at(2).
func dr(guid, code string, n int, preNo string) customs.Receipt {
	return customs.Receipt{
		Message: customs.MessageDepartureReceipt, GUID: guid, ReturnStatus: code,
		ReturnTime: at(2).Add(time.Duration(n) * time.Second), ReturnInfo: "info " + code, PreNo: preNo,
	}
}

func apply(t *testing.T, d *customs.Declaration, r customs.Receipt, want customs.Outcome, status customs.Status) {
	t.Helper()
	out, err := d.ApplyReceipt(r, at(3))
	if err != nil {
		t.Fatalf("%s %s: %v", r.GUID[:8], r.ReturnStatus, err)
	}
	if out != want || d.Status() != status {
		t.Fatalf("%s %s: %s and %s, want %s and %s", r.GUID[:8], r.ReturnStatus, out, d.Status(), want, status)
	}
}

func TestNewDeparture(t *testing.T) {
	d := newDeparture(t, departureInput())
	if d.Kind() != customs.KindDeparture || !d.Kind().Valid() || d.TradeMode() != "9610" || d.Status() != customs.StatusDraft ||
		d.ExporterID() != "org-exporter-1" || d.FilerID() != "org-broker-1" || d.ParcelID() != "" {
		t.Fatalf("declaration %s %s %s %s", d.Kind(), d.TradeMode(), d.Status(), d.ExporterID())
	}
	dep, ok := d.Departure()
	if !ok {
		t.Fatal("no departure content")
	}
	if dep.TrafMode != customs.TrafModeRailway {
		t.Errorf("trafMode %q, want the railway default", dep.TrafMode)
	}
	if want := time.Date(2026, 11, 3, 14, 15, 30, 0, time.UTC); !dep.LeaveTime.Equal(want) || dep.LeaveTime.Location() != time.UTC {
		t.Errorf("leaveTime %v, want %v (UTC, whole seconds)", dep.LeaveTime, want)
	}
	if dep.Waybills[1].LogisticsCode != carrierB {
		t.Errorf("logisticsCode not upper-cased: %q", dep.Waybills[1].LogisticsCode)
	}
	heads := dep.Heads()
	if len(heads) != 2 || heads[0].LogisticsCode != carrierA || heads[1].LogisticsCode != carrierB ||
		len(heads[0].Waybills) != 2 || heads[0].Waybills[1].LogisticsNo != "XY2026110300002" || len(heads[1].Waybills) != 1 {
		t.Errorf("heads %+v", heads)
	}
	if got := dep.ParcelIDs(); !slices.Equal(got, []string{"pcl-1", "pcl-2", "pcl-3"}) {
		t.Errorf("parcel ids %v", got)
	}
	dep.Waybills[0].LogisticsNo = "changed"
	if again, _ := d.Departure(); again.Waybills[0].LogisticsNo == "changed" {
		t.Error("Departure() shares its waybills")
	}
	if _, ok := newInventory(t).Departure(); ok {
		t.Error("an inventory list has departure content")
	}
	ob := d.Outbox()
	if len(ob) != 1 || ob[0].Type != customs.EventCreated || ob[0].Data["departureId"] != "dep-2026-11-03-XXO" || ob[0].Data["heads"] != 2 {
		t.Errorf("outbox %+v", ob)
	}
	// Nothing of the inventory list's machinery applies.
	if _, ok := d.ParcelStatus(); ok {
		t.Error("a departure document drives a parcel")
	}
	if d.CanBeCancelled() || d.Summarisable() || d.GUIDs() != nil || d.HeadGUIDs() != nil {
		t.Error("a draft departure is cancellable, summarisable or has guids")
	}
	wantErr(t, "cancel a departure", second(customs.NewCancel("dec-c", "b", d, "x", at(9), "b")), domain.KindFailedPrecondition, "not_cancellable")
	wantErr(t, "CancelledBy", d.CancelledBy("dec-c", at(9)), domain.KindFailedPrecondition, "wrong_kind")
	wantErr(t, "EditInventory", d.EditInventory(inventoryInput(t), at(9), "b"), domain.KindFailedPrecondition, "wrong_kind")
	if _, err := customs.NewDeparture("", departureInput(), at(0), "b"); domain.KindOf(err) != domain.KindInternal {
		t.Errorf("no id: %v", err)
	}
}

func TestValidateDeparture(t *testing.T) {
	if _, err := customs.ValidateDeparture(departureInput()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		change func(*customs.DepartureInput)
		field  string
		code   string
	}{
		{"no exporter", func(in *customs.DepartureInput) { in.ExporterID = " " }, "exporterId", "required"},
		{"no trade mode", func(in *customs.DepartureInput) { in.TradeMode = "" }, "tradeMode", "required"},
		{"B2B trade mode", func(in *customs.DepartureInput) { in.TradeMode = "9710" }, "tradeMode", "invalid_trade_mode"},
		{"no departure id", func(in *customs.DepartureInput) { in.DepartureID = "" }, "departureId", "required"},
		{"long departure id", func(in *customs.DepartureInput) { in.DepartureID = strings.Repeat("d", 65) }, "departureId", "too_long"},
		{"no customs code", func(in *customs.DepartureInput) { in.CustomsCode = "" }, "customsCode", "required"},
		{"3-digit customs code", func(in *customs.DepartureInput) { in.CustomsCode = "470" }, "customsCode", "invalid_customs_district"},
		{"letters in customs code", func(in *customs.DepartureInput) { in.CustomsCode = "47A0" }, "customsCode", "invalid_customs_district"},
		{"traf mode 8", func(in *customs.DepartureInput) { in.TrafMode = "8" }, "trafMode", "invalid_traf_mode"},
		{"traf mode 33", func(in *customs.DepartureInput) { in.TrafMode = "33" }, "trafMode", "invalid_traf_mode"},
		{"long traf name", func(in *customs.DepartureInput) { in.TrafName = strings.Repeat("班", 101) }, "trafName", "too_long"},
		{"long voyage no", func(in *customs.DepartureInput) { in.VoyageNo = strings.Repeat("9", 33) }, "voyageNo", "too_long"},
		{"long bill no", func(in *customs.DepartureInput) { in.BillNo = strings.Repeat("9", 38) }, "billNo", "too_long"},
		{"no leave time", func(in *customs.DepartureInput) { in.LeaveTime = time.Time{} }, "leaveTime", "required"},
		{"agent without code", func(in *customs.DepartureInput) { in.AgentName = "襄阳报关行有限公司" }, "agentCode", "required"},
		{"bad agent code", func(in *customs.DepartureInput) { in.AgentCode, in.AgentName = "123", "x" }, "agentCode", "invalid_party_code"},
		{"long note", func(in *customs.DepartureInput) { in.Note = strings.Repeat("n", 1001) }, "note", "too_long"},
		{"no waybills", func(in *customs.DepartureInput) { in.Waybills = nil }, "waybills", "required"},
		{"no logistics code", func(in *customs.DepartureInput) { in.Waybills[1].LogisticsCode = "" }, "waybills[1].logisticsCode", "required"},
		{"bad logistics code", func(in *customs.DepartureInput) { in.Waybills[1].LogisticsCode = "42069" }, "waybills[1].logisticsCode", "invalid_party_code"},
		{"bad USCC", func(in *customs.DepartureInput) { in.Waybills[1].LogisticsCode = "913502007760496530" }, "waybills[1].logisticsCode", "invalid_uscc"},
		{"no logistics name", func(in *customs.DepartureInput) { in.Waybills[0].LogisticsName = "" }, "waybills[0].logisticsName", "required"},
		{"long logistics name", func(in *customs.DepartureInput) { in.Waybills[1].LogisticsName = strings.Repeat("物", 101) }, "waybills[1].logisticsName", "too_long"},
		{"two names for a carrier", func(in *customs.DepartureInput) { in.Waybills[2].LogisticsName = "别名" }, "waybills[2].logisticsName", "inconsistent_name"},
		{"no logistics no", func(in *customs.DepartureInput) { in.Waybills[2].LogisticsNo = " " }, "waybills[2].logisticsNo", "required"},
		{"long logistics no", func(in *customs.DepartureInput) { in.Waybills[2].LogisticsNo = strings.Repeat("X", 33) }, "waybills[2].logisticsNo", "too_long"},
		{"odd logistics no", func(in *customs.DepartureInput) { in.Waybills[2].LogisticsNo = "XY 1" }, "waybills[2].logisticsNo", "invalid_format"},
		{"waybill twice", func(in *customs.DepartureInput) { in.Waybills[2].LogisticsNo = in.Waybills[0].LogisticsNo }, "waybills[2].logisticsNo", "duplicate"},
		{"no parcel", func(in *customs.DepartureInput) { in.Waybills[0].ParcelID = "" }, "waybills[0].parcelId", "required"},
		{"parcel twice", func(in *customs.DepartureInput) { in.Waybills[2].ParcelID = "pcl-1" }, "waybills[2].parcelId", "duplicate"},
		{"long inventory id", func(in *customs.DepartureInput) { in.Waybills[0].InventoryID = strings.Repeat("i", 65) }, "waybills[0].inventoryId", "too_long"},
	}
	for _, c := range cases {
		in := departureInput()
		in.Waybills = slices.Clone(in.Waybills)
		c.change(&in)
		_, err := customs.ValidateDeparture(in)
		if domain.KindOf(err) != domain.KindInvalid || !hasFieldCode(err, c.field, c.code) {
			t.Errorf("%s: %v, want %s %s (%v)", c.name, err, c.field, c.code, fieldCodes(err))
		}
		if _, err := customs.NewDeparture("dec-d", in, at(0), "b"); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("%s: NewDeparture accepted it: %v", c.name, err)
		}
	}
	// The same waybill number with two carriers is two waybills.
	in := departureInput()
	in.Waybills[1].LogisticsNo = in.Waybills[0].LogisticsNo
	if _, err := customs.ValidateDeparture(in); err != nil {
		t.Errorf("one number, two carriers: %v", err)
	}
	// Every problem at once.
	in = departureInput()
	in.CustomsCode, in.Waybills[0].LogisticsNo, in.Waybills[1].ParcelID = "", "", ""
	if got := len(fieldCodes(second(customs.ValidateDeparture(in)))); got != 3 {
		t.Errorf("%d problems reported, want 3", got)
	}
	// At most 100 logistics enterprises.
	in = departureInput()
	in.Waybills = nil
	for i := range 101 {
		code := "42069300" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		if i == 100 {
			code = "4206930A00"
		}
		in.Waybills = append(in.Waybills, customs.DepartureWaybill{LogisticsCode: code, LogisticsName: "物流" + code,
			LogisticsNo: "W1", ParcelID: "pcl-" + code})
	}
	if err := second(customs.ValidateDeparture(in)); !hasFieldCode(err, "waybills", "too_many") {
		t.Errorf("101 carriers: %v", fieldCodes(err))
	}
	in.Waybills = in.Waybills[:100]
	if _, err := customs.ValidateDeparture(in); err != nil {
		t.Errorf("100 carriers: %v", err)
	}
}

func TestDepartureHeadGUIDsAndCopNos(t *testing.T) {
	if customs.DepartureHeadGUID(guid1, 0) != guid1 {
		t.Error("the first head does not carry the filing guid")
	}
	seen := map[string]bool{guid1: true}
	for i := 1; i < customs.MaxDepartureHeads; i++ {
		g := customs.DepartureHeadGUID(guid1, i)
		if err := customs.CheckGUID(g); err != nil {
			t.Fatalf("head %d guid %s: %v", i, g, err)
		}
		if seen[g] {
			t.Fatalf("head %d guid %s repeats", i, g)
		}
		seen[g] = true
		if customs.DepartureHeadGUID(guid1, i) != g || customs.DepartureHeadGUID(strings.ToLower(guid1), i) != g {
			t.Fatal("head guids are not deterministic")
		}
		if customs.DepartureHeadGUID(guid2, i) == g {
			t.Fatal("two filings share a head guid")
		}
	}
	for _, c := range []struct {
		copNo string
		i     int
		want  string
	}{
		{departCopNo, 0, departCopNo},
		{departCopNo, 1, departCopNo + "-2"},
		{departCopNo, 99, departCopNo + "-100"},
		{"PREFIX1234" + "20261103090000" + "123456", 1, "EFIX1234" + "20261103090000" + "123456" + "-2"},
		{"PREFIX1234" + "20261103090000" + "123456", 10, "FIX1234" + "20261103090000" + "123456" + "-11"},
	} {
		got := customs.DepartureHeadCopNo(c.copNo, c.i)
		if got != c.want || len(got) > customs.MaxCopNo || customs.CheckCopNo(got) != nil {
			t.Errorf("copNo %s head %d: %q, want %q", c.copNo, c.i, got, c.want)
		}
	}
}

func TestDepartureReceipts(t *testing.T) {
	d := submittedDeparture(t, oneCarrier())
	if !slices.Equal(d.GUIDs(), []string{guid1}) || !slices.Equal(d.HeadGUIDs(), []string{guid1}) {
		t.Fatalf("one head: guids %v", d.GUIDs())
	}
	if !d.AwaitingCustoms() {
		t.Error("a submitted departure is not awaiting customs")
	}
	apply(t, d, dr(guid1, "120", 5, departPreNo1), customs.Applied, customs.StatusAccepted)
	apply(t, d, dr(guid1, "120", 5, departPreNo1), customs.Duplicate, customs.StatusAccepted)
	// E-Port's "declaring" arrives late: kept, the departure stays accepted.
	apply(t, d, dr(guid1, "2", 1, departPreNo1), customs.Recorded, customs.StatusAccepted)
	if d.PreNo() != departPreNo1 || d.InvtNo() != "" || d.EntryID() != "" || d.SumNo() != "" {
		t.Errorf("numbers %q %q %q %q", d.PreNo(), d.InvtNo(), d.EntryID(), d.SumNo())
	}
	rs := d.Receipts()
	if len(rs) != 2 || rs[0].ReturnStatus != "2" || rs[1].ReturnStatus != "120" {
		t.Errorf("receipts not in returnTime order: %+v", rs)
	}
	if d.Final() || d.Released() || d.Resubmittable() || d.AwaitingCustoms() || d.CanBeCancelled() {
		t.Errorf("accepted departure: final %v released %v resubmittable %v awaiting %v", d.Final(), d.Released(), d.Resubmittable(), d.AwaitingCustoms())
	}
	if _, ok := d.ParcelStatus(); ok {
		t.Error("a departure document drives a parcel")
	}
	// Customs re-examines: a rejection after acceptance is honoured, as for every kind.
	apply(t, d, dr(guid1, "100", 9, departPreNo1), customs.Applied, customs.StatusRejected)
	if d.FailReason() != "info 100" || !d.Final() {
		t.Errorf("rejected: reason %q final %v", d.FailReason(), d.Final())
	}
	apply(t, d, dr(guid1, "120", 10, departPreNo1), customs.Recorded, customs.StatusRejected)

	// Out of order from the start: declaring after accepted, then accepted again.
	d = submittedDeparture(t, oneCarrier())
	apply(t, d, dr(guid1, "120", 5, departPreNo1), customs.Applied, customs.StatusAccepted)
	apply(t, d, dr(guid1, "2", 1, ""), customs.Recorded, customs.StatusAccepted)
	apply(t, d, dr(guid1, "120", 5, ""), customs.Duplicate, customs.StatusAccepted)
	tl, ob := types(d)
	if want := []string{customs.EventCreated, customs.EventSubmitted, customs.EventType(customs.StatusAccepted), customs.TimelineReceiptRecorded}; !slices.Equal(tl, want) {
		t.Errorf("timeline %v, want %v", tl, want)
	}
	if n := len(ob); n != 3 {
		t.Errorf("outbox %v", ob)
	}
	for _, e := range d.Outbox() {
		if e.Data["departureId"] != "dep-2026-11-03-XXO" || e.Data["kind"] != "departure" {
			t.Errorf("event %s data %v", e.Type, e.Data)
		}
	}

	// A rejection from the start; an error is resubmittable.
	d = submittedDeparture(t, oneCarrier())
	apply(t, d, dr(guid1, "2", 0, ""), customs.Applied, customs.StatusDeclaring)
	apply(t, d, dr(guid1, "100", 1, departPreNo1), customs.Applied, customs.StatusRejected)
	d = submittedDeparture(t, oneCarrier())
	apply(t, d, dr(guid1, "-301010", 0, ""), customs.Applied, customs.StatusError)
	if !d.Resubmittable() || d.AwaitingCustoms() {
		t.Error("an erroneous departure is not resubmittable")
	}

	// Receipts of other messages or guids.
	d = submittedDeparture(t, oneCarrier())
	r := dr(guid1, "120", 0, "")
	r.Message = customs.MessageInventoryReceipt
	wantErr(t, "CEB604 for a departure", second(d.ApplyReceipt(r, at(3))), domain.KindInvalid, "unexpected_message")
	wantErr(t, "unknown guid", second(d.ApplyReceipt(dr(guid2, "120", 0, ""), at(3))), domain.KindConflict, "guid_mismatch")
	wantErr(t, "CEB510 for a list", second(submitted(t).ApplyReceipt(dr(guid1, "120", 0, ""), at(3))), domain.KindInvalid, "unexpected_message")
	e, _ := customs.NewEntry("dec-e", "b", "e", validEntryDraft(), at(0), "b")
	_ = e.Submit(guid1, "SGE1", []byte("<Dec/>"), at(1))
	wantErr(t, "CEB510 for an entry", second(e.ApplyReceipt(dr(guid1, "120", 0, ""), at(3))), domain.KindInvalid, "unexpected_message")
	r = dr(guid1, "120", 0, "")
	r.Message = customs.MessageFormatError
	r.ReturnStatus = "-1"
	apply(t, d, r, customs.Applied, customs.StatusError)
}

func TestDepartureSeveralHeads(t *testing.T) {
	d := submittedDeparture(t, departureInput())
	head2 := customs.DepartureHeadGUID(guid1, 1)
	if !slices.Equal(d.HeadGUIDs(), []string{guid1, head2}) || !slices.Equal(d.GUIDs(), []string{guid1, head2}) {
		t.Fatalf("head guids %v, guids %v", d.HeadGUIDs(), d.GUIDs())
	}
	// The second head is accepted first: the document waits for the first.
	apply(t, d, dr(head2, "120", 2, departPreNo2), customs.Recorded, customs.StatusSubmitted)
	if rs := d.Receipts(); !strings.Contains(rs[0].Note, "other heads") || rs[0].Status != customs.StatusAccepted {
		t.Errorf("note %q status %s", rs[0].Note, rs[0].Status)
	}
	apply(t, d, dr(guid1, "2", 0, departPreNo1), customs.Applied, customs.StatusDeclaring)
	apply(t, d, dr(head2, "120", 2, departPreNo2), customs.Duplicate, customs.StatusDeclaring)
	apply(t, d, dr(guid1, "120", 3, departPreNo1), customs.Applied, customs.StatusAccepted)
	apply(t, d, dr(head2, "2", 1, departPreNo2), customs.Recorded, customs.StatusAccepted)
	// The declaration's preNo is the first head's; the second head's is no conflict.
	if d.PreNo() != departPreNo1 {
		t.Errorf("preNo %q", d.PreNo())
	}
	for _, rr := range d.Receipts() {
		if len(rr.Conflicts) > 0 || !rr.Current {
			t.Errorf("receipt %s %s: conflicts %v current %v", rr.GUID[:8], rr.ReturnStatus, rr.Conflicts, rr.Current)
		}
	}
	if d.AwaitingCustoms() || d.Final() {
		t.Error("an accepted departure awaits customs or is final")
	}
	// One head rejected rejects the document, even after acceptance.
	apply(t, d, dr(head2, "100", 9, departPreNo2), customs.Applied, customs.StatusRejected)
	if d.FailReason() != "info 100" {
		t.Errorf("reason %q", d.FailReason())
	}

	// A head's rejection before the other head answered.
	d = submittedDeparture(t, departureInput())
	apply(t, d, dr(head2, "100", 0, ""), customs.Applied, customs.StatusRejected)
	apply(t, d, dr(guid1, "120", 1, ""), customs.Recorded, customs.StatusRejected)

	// A head's error makes the document resubmittable; the new filing has new head guids and the
	// old ones' late receipts are kept, not applied.
	d = submittedDeparture(t, departureInput())
	apply(t, d, dr(guid1, "120", 0, departPreNo1), customs.Recorded, customs.StatusSubmitted)
	apply(t, d, dr(head2, "-1", 1, ""), customs.Applied, customs.StatusError)
	if !d.Resubmittable() {
		t.Fatal("not resubmittable")
	}
	wantErr(t, "resubmit under a head guid", d.Submit(head2, "SG2", []byte("<CEB509Message/>"), at(4)), domain.KindConflict, "guid_reused")
	if err := d.Submit(guid2, "SG202611030905000002", []byte("<CEB509Message/>"), at(5)); err != nil {
		t.Fatal(err)
	}
	new2 := customs.DepartureHeadGUID(guid2, 1)
	if want := []string{guid2, new2, guid1, head2}; !slices.Equal(d.GUIDs(), want) {
		t.Errorf("guids %v, want %v", d.GUIDs(), want)
	}
	if d.PreNo() != "" {
		t.Errorf("the resubmission kept preNo %q", d.PreNo())
	}
	apply(t, d, dr(head2, "120", 6, ""), customs.Recorded, customs.StatusSubmitted)
	apply(t, d, dr(new2, "120", 7, ""), customs.Recorded, customs.StatusSubmitted)
	apply(t, d, dr(guid2, "120", 8, departPreNo2), customs.Applied, customs.StatusAccepted)
	wantErr(t, "resubmit an accepted departure", d.Submit(guid3, "SG3", []byte("<CEB509Message/>"), at(9)), domain.KindFailedPrecondition, "already_submitted")
}

func TestDepartureSnapshot(t *testing.T) {
	d := submittedDeparture(t, departureInput())
	apply(t, d, dr(guid1, "120", 0, departPreNo1), customs.Recorded, customs.StatusSubmitted)
	apply(t, d, dr(customs.DepartureHeadGUID(guid1, 1), "120", 1, departPreNo2), customs.Applied, customs.StatusAccepted)

	rec := d.Snapshot()
	if rec.Departure == nil || rec.Inventory != nil || rec.Entry != nil || rec.Cancel != nil || rec.Summary != nil {
		t.Fatalf("record content %+v", rec)
	}
	back := customs.FromDatabase(rec)
	if !reflect.DeepEqual(back.Snapshot(), rec) {
		t.Error("round trip differs")
	}
	if !slices.Equal(back.GUIDs(), d.GUIDs()) || back.Status() != customs.StatusAccepted {
		t.Errorf("rebuilt guids %v status %s", back.GUIDs(), back.Status())
	}
	rec.Departure.Waybills[0].LogisticsNo = "changed"
	rec.Departure.DepartureID = "changed"
	if !reflect.DeepEqual(back.Snapshot(), d.Snapshot()) {
		t.Error("changing the record changed the declaration")
	}
	// A rebuilt declaration still recognises its receipts.
	apply(t, back, dr(customs.DepartureHeadGUID(guid1, 1), "120", 1, departPreNo2), customs.Duplicate, customs.StatusAccepted)

	// The content survives JSON (the store encodes payloads by their json names).
	dep, _ := d.Departure()
	b, err := json.Marshal(dep)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`"departureId"`, `"customsCode"`, `"trafMode"`, `"leaveTime"`, `"waybills"`, `"logisticsNo"`, `"parcelId"`} {
		if !strings.Contains(string(b), name) {
			t.Errorf("JSON lacks %s: %s", name, b)
		}
	}
	var again customs.Departure
	if err := json.Unmarshal(b, &again); err != nil || !reflect.DeepEqual(again, dep) {
		t.Errorf("JSON round trip: %v\n%+v\n%+v", err, again, dep)
	}
}
