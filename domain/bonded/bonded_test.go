package bonded

import (
	"errors"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func dec(s string) code.Decimal { return code.MustDecimal(s) }

func newStock(t *testing.T) *Stock {
	t.Helper()
	s, err := NewStock(StockInput{EmsNo: "T4604W000001", ItemRecordNo: "A-0001", Gcode: "6109100021",
		Gname: "棉制针织T恤 cotton T-shirt", Unit: "011", LegalUnit: "011"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fieldCodes(err error) map[string]domain.Code {
	var e *domain.Error
	out := map[string]domain.Code{}
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			out[f.Field] = f.Code
		}
	}
	return out
}

func TestNewAccountChecksEveryField(t *testing.T) {
	_, err := NewAccount(AccountInput{EmsNo: "T46/04", FirmCode: "12345", CustomsCode: "46"}, t0)
	got := fieldCodes(err)
	want := map[string]domain.Code{"emsNo": "invalid_ems_no", "firmId": "required", "firmName": "required",
		"customsCode": "invalid_customs_district"}
	for f, c := range want {
		if got[f] != c {
			t.Errorf("%s: got %q, want %q (all: %v)", f, got[f], c, got)
		}
	}
	if _, ok := got["firmCode"]; !ok {
		t.Errorf("a 5-character firmCode passed: %v", got)
	}
	a, err := NewAccount(AccountInput{EmsNo: " t4604w000001 ", FirmOrgID: "org_1", FirmCode: "4601960001",
		FirmName: "海南洋浦保税仓储有限公司", CustomsCode: "6401"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if a.EmsNo() != "T4604W000001" || a.State() != StateActive {
		t.Fatalf("got %s %s", a.EmsNo(), a.State())
	}
}

func TestAccountItemRecordsAndStates(t *testing.T) {
	a, _ := NewAccount(AccountInput{EmsNo: "E1", FirmOrgID: "org_1", FirmCode: "4601960001", FirmName: "F", CustomsCode: "6401"}, t0)
	if err := a.AddItemRecord("A1", t0); err != nil {
		t.Fatal(err)
	}
	if err := a.AddItemRecord("A1", t0); domain.CodeOf(err) != "item_record_exists" {
		t.Fatalf("twice: %v", err)
	}
	if !a.HasItemRecord("A1") || a.HasItemRecord("A2") {
		t.Fatal("HasItemRecord")
	}
	if err := a.MoveTo(StateActive, t0); !errors.Is(err, domain.ErrIllegalTransition) {
		t.Fatalf("active→active: %v", err)
	}
	if err := a.MoveTo(StateSuspended, t0); err != nil {
		t.Fatal(err)
	}
	if err := a.Usable(); domain.CodeOf(err) != "account_suspended" {
		t.Fatalf("suspended usable: %v", err)
	}
}

func TestNewStockChecksHSCodeAndUnits(t *testing.T) {
	_, err := NewStock(StockInput{EmsNo: "E1", ItemRecordNo: "A 1", Gcode: "61091000", Gname: "", Unit: "999", LegalUnit: ""}, t0)
	got := fieldCodes(err)
	want := map[string]domain.Code{"itemRecordNo": "invalid_item_record_no", "gcode": "invalid_hs_code",
		"gname": "required", "unit": "invalid_unit", "legalUnit": "required"}
	for f, c := range want {
		if got[f] != c {
			t.Errorf("%s: got %q, want %q (all: %v)", f, got[f], c, got)
		}
	}
}

func TestReserveReleaseUnreserveKeepTheLedger(t *testing.T) {
	s := newStock(t)
	if ok, err := s.Receive("RK-1", dec("10"), t0, "op"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _ := s.Receive("RK-1", dec("10"), t0, "op"); ok {
		t.Fatal("a receipt booked twice counted twice")
	}
	if _, err := s.Receive("RK-2", dec("0"), t0, "op"); fieldCodes(err)["qty"] != "must_be_positive" {
		t.Fatalf("zero receipt: %v", err)
	}
	if ok, err := s.Reserve("inv_a", dec("6"), t0, "f"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := s.Reserve("inv_a", dec("6"), t0, "f"); ok || err != nil {
		t.Fatal("reserved twice", ok, err)
	}
	_, err := s.Reserve("inv_b", dec("5"), t0, "f")
	if domain.CodeOf(err) != "insufficient_stock" || domain.KindOf(err) != domain.KindFailedPrecondition {
		t.Fatalf("over stock: %v", err)
	}
	if s.Available().Cmp(dec("4")) != 0 {
		t.Fatalf("available %s", s.Available())
	}
	if !s.Release("inv_a", t0, "customs") || s.Release("inv_a", t0, "customs") {
		t.Fatal("release not applied exactly once")
	}
	if s.OnHand().Cmp(dec("4")) != 0 || s.Reserved().Sign() != 0 {
		t.Fatalf("after release: %s %s", s.OnHand(), s.Reserved())
	}
	if ok, _ := s.Reserve("inv_c", dec("4"), t0, "f"); !ok {
		t.Fatal("reserve the rest")
	}
	if !s.Unreserve("inv_c", t0, "customs") || s.Unreserve("inv_c", t0, "customs") {
		t.Fatal("unreserve not applied exactly once")
	}
	if s.Release("inv_c", t0, "customs") {
		t.Fatal("a list given back was released")
	}
	// inv_a's release withdrawn (cancelled after release): its 6 come back, once.
	if !s.ReturnReleased("inv_a", dec("6"), t0, "customs") || s.ReturnReleased("inv_a", dec("6"), t0, "customs") {
		t.Fatal("return not applied exactly once")
	}
	if s.OnHand().Cmp(dec("10")) != 0 || s.Reserved().Sign() != 0 {
		t.Fatalf("after the return: %s %s", s.OnHand(), s.Reserved())
	}
	// The ledger adds up to the balance, and its ids are derived and ordered.
	var onHand, reserved code.Decimal
	for i, m := range s.Moved() {
		if m.Seq != int64(i+1) || m.ID != MovementID("T4604W000001", "A-0001", m.Seq) {
			t.Fatalf("movement %d: %+v", i, m)
		}
		switch m.Kind {
		case MoveReceipt, MoveReturn:
			onHand = onHand.Add(m.Qty)
		case MoveReserve:
			reserved = reserved.Add(m.Qty)
		case MoveUnreserve:
			reserved = reserved.Sub(m.Qty)
		case MoveRelease:
			onHand, reserved = onHand.Sub(m.Qty), reserved.Sub(m.Qty)
		}
		if m.OnHand.Cmp(onHand) != 0 || m.Reserved.Cmp(reserved) != 0 {
			t.Fatalf("movement %d balance %s/%s, ledger %s/%s", i, m.OnHand, m.Reserved, onHand, reserved)
		}
	}
	if onHand.Cmp(s.OnHand()) != 0 || reserved.Cmp(s.Reserved()) != 0 || len(s.Moved()) != 6 {
		t.Fatalf("ledger %s/%s vs %s/%s, %d moves", onHand, reserved, s.OnHand(), s.Reserved(), len(s.Moved()))
	}
}

func TestNeedsSumsLinesByItemRecord(t *testing.T) {
	nos, qty, first := Needs([]Line{{ItemRecordNo: "B", Qty: dec("1")}, {ItemRecordNo: "A", Qty: dec("2")}, {ItemRecordNo: "B", Qty: dec("3")}})
	if len(nos) != 2 || nos[0] != "B" || qty["B"].Cmp(dec("4")) != 0 || first["A"] != 1 {
		t.Fatalf("%v %v %v", nos, qty, first)
	}
}

func TestCheckLine(t *testing.T) {
	s := newStock(t)
	var v domain.Violations
	s.CheckLine(Line{ItemRecordNo: "A-0001", Gcode: "6109100022", Unit: "035"}, &v, "parcel.items[1]")
	got := fieldCodes(v.Err())
	if got["parcel.items[1].gcode"] != "gcode_mismatch" || got["parcel.items[1].unit"] != "unit_mismatch" {
		t.Fatal(got)
	}
}
