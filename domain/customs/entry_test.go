package customs_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

func entryLine(hs string) customs.EntryLineDraft {
	return customs.EntryLineDraft{
		CodeTS: hs, CiqCode: "999", GName: "机床零件", GModel: "1|0|用途:机床用|品牌:无",
		GQty: dec("100"), GUnit: "007", FirstQty: dec("250.5"), FirstUnit: "035",
		DeclPrice: decp("12.34"), TradeCurr: "usd", OriginCountry: "CN", DestinationCountry: "deu",
	}
}

func validEntryDraft() customs.EntryDraft {
	return customs.EntryDraft{
		CustomMaster: "4700", IEPort: "4701", TradeMode: "9710",
		TradeCode: exporterCode, TradeCoScc: exporterUSCC, TradeName: "襄阳外贸有限公司",
		AgentCode: brokerCode, AgentName: "襄阳报关行有限公司",
		TradeCountry: "DE", DistinatePort: "deu204", TransMode: "3",
		PackNo: 12, WrapType: "22", GrossWet: dec("300"), NetWt: dec("250.5"),
		BillNo: "XY-DUI-2026-11-001",
		Lines:  []customs.EntryLineDraft{entryLine("8466930000"), entryLine("8483109000")},
	}
}

func TestValidateEntryNormalises(t *testing.T) {
	d := validEntryDraft()
	d.Lines[1].GNo = 2
	d.Lines[1].DeclTotal = decp("1234.005")
	e, err := customs.ValidateEntry(d)
	if err != nil {
		t.Fatal(err)
	}
	if e.IEFlag != "E" || e.TrafMode != "3" || e.OwnerCode != exporterCode || e.OwnerName != "襄阳外贸有限公司" ||
		e.OwnerCodeScc != exporterUSCC || e.TradeCountry != "DE" || e.DistinatePort != "DEU204" {
		t.Errorf("head %+v", e)
	}
	l := e.Lines[0]
	if l.GNo != 1 || l.DeclTotal.String() != "1234" || l.TradeCurr != "USD" || l.DestinationCountry != "DE" || l.OriginCountry != "CN" {
		t.Errorf("line 0 %+v", l)
	}
	if e.Lines[1].GNo != 2 || e.Lines[1].DeclTotal.String() != "1234.005" {
		t.Errorf("line 1 %+v", e.Lines[1])
	}
	if tot := e.DeclTotal(); tot["USD"].String() != "2468.005" {
		t.Errorf("total %v", tot)
	}
	// computed totals are rounded to cents
	d = validEntryDraft()
	d.Lines[0].GQty, d.Lines[0].DeclPrice = dec("3"), decp("0.3333")
	if e, err := customs.ValidateEntry(d); err != nil || e.Lines[0].DeclTotal.String() != "1" {
		t.Errorf("rounded total: %v %v", e.Lines, err)
	}
	// Draft round-trips
	e, _ = customs.ValidateEntry(validEntryDraft())
	again, err := customs.ValidateEntry(e.Draft())
	if err != nil || !equalJSON(t, e, again) {
		t.Errorf("Draft round trip: %v", err)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// TestValidateEntryRules breaks one rule at a time and expects exactly that problem.
func TestValidateEntryRules(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*customs.EntryDraft)
		field string
		code  string
	}{
		{"import flag", func(d *customs.EntryDraft) { d.IEFlag = "I" }, "ieFlag", "invalid_ie_flag"},
		{"no customMaster", func(d *customs.EntryDraft) { d.CustomMaster = "" }, "customMaster", "required"},
		{"bad customMaster", func(d *customs.EntryDraft) { d.CustomMaster = "47001" }, "customMaster", "invalid_customs_district"},
		{"bad iePort", func(d *customs.EntryDraft) { d.IEPort = "47A1" }, "iePort", "invalid_customs_district"},
		{"no iePort", func(d *customs.EntryDraft) { d.IEPort = " " }, "iePort", "required"},
		{"no tradeMode", func(d *customs.EntryDraft) { d.TradeMode = "" }, "tradeMode", "required"},
		{"9610 here", func(d *customs.EntryDraft) { d.TradeMode = "9610" }, "tradeMode", "invalid_trade_mode"},
		{"bad trafMode", func(d *customs.EntryDraft) { d.TrafMode = "8" }, "trafMode", "invalid_traf_mode"},
		{"long trafName", func(d *customs.EntryDraft) { d.TrafName = strings.Repeat("X", 51) }, "trafName", "too_long"},
		{"long billNo", func(d *customs.EntryDraft) { d.BillNo = strings.Repeat("X", 33) }, "billNo", "too_long"},
		{"long contrNo", func(d *customs.EntryDraft) { d.ContrNo = strings.Repeat("X", 33) }, "contrNo", "too_long"},
		{"no tradeCode", func(d *customs.EntryDraft) { d.TradeCode = "" }, "tradeCode", "required"},
		{"USCC as tradeCode", func(d *customs.EntryDraft) { d.TradeCode = exporterUSCC }, "tradeCode", "invalid_customs_code"},
		{"bad tradeCoScc", func(d *customs.EntryDraft) { d.TradeCoScc = "914403001922038217" }, "tradeCoScc", "invalid_uscc"},
		{"no tradeName", func(d *customs.EntryDraft) { d.TradeName = "" }, "tradeName", "required"},
		{"long tradeName", func(d *customs.EntryDraft) { d.TradeName = strings.Repeat("贸", 101) }, "tradeName", "too_long"},
		{"owner without code", func(d *customs.EntryDraft) { d.OwnerName = "生产厂" }, "ownerCode", "required"},
		{"owner without name", func(d *customs.EntryDraft) { d.OwnerCode = "4206930002" }, "ownerName", "required"},
		{"bad ownerCodeScc", func(d *customs.EntryDraft) { d.OwnerCodeScc = "X"; d.OwnerName = "厂" }, "ownerCodeScc", "invalid_uscc"},
		{"no agentCode", func(d *customs.EntryDraft) { d.AgentCode = "" }, "agentCode", "required"},
		{"bad agentCode", func(d *customs.EntryDraft) { d.AgentCode = "42069" }, "agentCode", "invalid_customs_code"},
		{"bad agentCodeScc", func(d *customs.EntryDraft) { d.AgentCodeScc = "91350200776049653B" }, "agentCodeScc", "invalid_uscc"},
		{"no agentName", func(d *customs.EntryDraft) { d.AgentName = "" }, "agentName", "required"},
		{"no tradeCountry", func(d *customs.EntryDraft) { d.TradeCountry = "" }, "tradeCountry", "required"},
		{"bad tradeCountry", func(d *customs.EntryDraft) { d.TradeCountry = "XX" }, "tradeCountry", "invalid_country"},
		{"numeric tradeCountry", func(d *customs.EntryDraft) { d.TradeCountry = "304" }, "tradeCountry", "invalid_country"},
		{"bad port layout", func(d *customs.EntryDraft) { d.DistinatePort = "DEHAM" }, "distinatePort", "invalid_port"},
		{"bad port country", func(d *customs.EntryDraft) { d.DistinatePort = "XXX204" }, "distinatePort", "invalid_port"},
		{"no transMode", func(d *customs.EntryDraft) { d.TransMode = "" }, "transMode", "required"},
		{"bad transMode", func(d *customs.EntryDraft) { d.TransMode = "8" }, "transMode", "invalid_trans_mode"},
		{"bad feeMark", func(d *customs.EntryDraft) { d.FeeMark = "4" }, "feeMark", "invalid_fee_mark"},
		{"fee without mark", func(d *customs.EntryDraft) { d.FeeRate = decp("100") }, "feeMark", "required"},
		{"fee mark without rate", func(d *customs.EntryDraft) { d.FeeMark = "3"; d.FeeCurr = "USD" }, "feeRate", "required"},
		{"fee total without currency", func(d *customs.EntryDraft) { d.FeeMark = "3"; d.FeeRate = decp("100") }, "feeCurr", "required"},
		{"fee bad currency", func(d *customs.EntryDraft) { d.FeeMark = "2"; d.FeeRate = decp("1"); d.FeeCurr = "XYZ" }, "feeCurr", "invalid_currency"},
		{"fee rate with currency", func(d *customs.EntryDraft) { d.FeeMark = "1"; d.FeeRate = decp("5"); d.FeeCurr = "USD" }, "feeCurr", "not_applicable"},
		{"fee rate zero", func(d *customs.EntryDraft) { d.FeeMark = "1"; d.FeeRate = decp("0") }, "feeRate", "must_be_positive"},
		{"insurance per unit", func(d *customs.EntryDraft) { d.InsurMark = "2"; d.InsurRate = decp("1"); d.InsurCurr = "USD" }, "insurMark", "invalid_fee_mark"},
		{"no packNo", func(d *customs.EntryDraft) { d.PackNo = 0 }, "packNo", "must_be_positive"},
		{"negative packNo", func(d *customs.EntryDraft) { d.PackNo = -1 }, "packNo", "must_be_positive"},
		{"no wrapType", func(d *customs.EntryDraft) { d.WrapType = "" }, "wrapType", "required"},
		{"bad wrapType", func(d *customs.EntryDraft) { d.WrapType = "2" }, "wrapType", "invalid_wrap_type"},
		{"no grossWet", func(d *customs.EntryDraft) { d.GrossWet = dec("0") }, "grossWet", "must_be_positive"},
		{"no netWt", func(d *customs.EntryDraft) { d.NetWt = dec("0") }, "netWt", "must_be_positive"},
		{"net over gross", func(d *customs.EntryDraft) { d.NetWt = dec("300.0001") }, "netWt", "net_exceeds_gross"},
		{"long note", func(d *customs.EntryDraft) { d.Note = strings.Repeat("注", 256) }, "note", "too_long"},
		{"no lines", func(d *customs.EntryDraft) { d.Lines = nil }, "lines", "no_lines"},
		{"51 lines", func(d *customs.EntryDraft) {
			d.Lines = slices.Repeat([]customs.EntryLineDraft{entryLine("8466930000")}, 51)
		}, "lines", "too_many_lines"},
		{"gNo out of order", func(d *customs.EntryDraft) { d.Lines[1].GNo = 1 }, "lines[1].gNo", "invalid_gno"},
		{"gNo negative", func(d *customs.EntryDraft) { d.Lines[0].GNo = -1 }, "lines[0].gNo", "invalid_gno"},
		{"no codeTS", func(d *customs.EntryDraft) { d.Lines[0].CodeTS = "" }, "lines[0].codeTS", "required"},
		{"8-digit codeTS", func(d *customs.EntryDraft) { d.Lines[1].CodeTS = "84669300" }, "lines[1].codeTS", "invalid_hs_code"},
		{"dotted codeTS", func(d *customs.EntryDraft) { d.Lines[1].CodeTS = "8466.930000" }, "lines[1].codeTS", "invalid_hs_code"},
		{"bad ciqCode", func(d *customs.EntryDraft) { d.Lines[0].CiqCode = "99" }, "lines[0].ciqCode", "invalid_ciq_code"},
		{"letters ciqCode", func(d *customs.EntryDraft) { d.Lines[0].CiqCode = "9A9" }, "lines[0].ciqCode", "invalid_ciq_code"},
		{"no gName", func(d *customs.EntryDraft) { d.Lines[0].GName = "" }, "lines[0].gName", "required"},
		{"long gModel", func(d *customs.EntryDraft) { d.Lines[0].GModel = strings.Repeat("型", 256) }, "lines[0].gModel", "too_long"},
		{"no gModel", func(d *customs.EntryDraft) { d.Lines[0].GModel = " " }, "lines[0].gModel", "required"},
		{"zero gQty", func(d *customs.EntryDraft) { d.Lines[0].GQty = dec("0") }, "lines[0].gQty", "must_be_positive"},
		{"no gUnit", func(d *customs.EntryDraft) { d.Lines[0].GUnit = "" }, "lines[0].gUnit", "required"},
		{"bad gUnit", func(d *customs.EntryDraft) { d.Lines[0].GUnit = "kg" }, "lines[0].gUnit", "invalid_unit"},
		{"zero firstQty", func(d *customs.EntryDraft) { d.Lines[0].FirstQty = dec("0") }, "lines[0].firstQty", "must_be_positive"},
		{"bad firstUnit", func(d *customs.EntryDraft) { d.Lines[0].FirstUnit = "999" }, "lines[0].firstUnit", "invalid_unit"},
		{"second unit alone", func(d *customs.EntryDraft) { d.Lines[0].SecondUnit = "007" }, "lines[0].secondQty", "required"},
		{"second qty alone", func(d *customs.EntryDraft) { d.Lines[0].SecondQty = decp("1") }, "lines[0].secondUnit", "required"},
		{"no declPrice", func(d *customs.EntryDraft) { d.Lines[0].DeclPrice = nil }, "lines[0].declPrice", "required"},
		{"zero declPrice", func(d *customs.EntryDraft) { d.Lines[0].DeclPrice = decp("0") }, "lines[0].declPrice", "must_be_positive"},
		{"declTotal off", func(d *customs.EntryDraft) { d.Lines[1].DeclTotal = decp("1234.02") }, "lines[1].declTotal", "decl_total_mismatch"},
		{"declTotal negative", func(d *customs.EntryDraft) { d.Lines[1].DeclTotal = decp("-1") }, "lines[1].declTotal", "must_be_positive"},
		{"declTotal overflow", func(d *customs.EntryDraft) {
			d.Lines[0].GQty, d.Lines[0].DeclPrice = dec("900000000000000"), decp("900000000000000")
		}, "lines[0].declTotal", "out_of_range"},
		{"no tradeCurr", func(d *customs.EntryDraft) { d.Lines[0].TradeCurr = "" }, "lines[0].tradeCurr", "required"},
		{"bad tradeCurr", func(d *customs.EntryDraft) { d.Lines[0].TradeCurr = "502" }, "lines[0].tradeCurr", "invalid_currency"},
		{"no origin", func(d *customs.EntryDraft) { d.Lines[0].OriginCountry = "" }, "lines[0].originCountry", "required"},
		{"bad destination", func(d *customs.EntryDraft) { d.Lines[1].DestinationCountry = "Germany" }, "lines[1].destinationCountry", "invalid_country"},
	}
	for _, c := range cases {
		d := validEntryDraft()
		c.edit(&d)
		_, err := customs.ValidateEntry(d)
		got := fieldCodes(err)
		if len(got) != 1 || got[0] != (fieldCode{c.field, c.code}) || domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("%s: %v, want only %s %s", c.name, got, c.field, c.code)
		}
	}
	// the accepted edge values
	ok := []struct {
		name string
		edit func(*customs.EntryDraft)
	}{
		{"net equals gross", func(d *customs.EntryDraft) { d.NetWt = d.GrossWet }},
		{"declTotal a cent off", func(d *customs.EntryDraft) { d.Lines[0].DeclTotal = decp("1234.01") }},
		{"50 lines", func(d *customs.EntryDraft) {
			d.Lines = slices.Repeat([]customs.EntryLineDraft{entryLine("8466930000")}, 50)
		}},
		{"every trafMode", func(d *customs.EntryDraft) { d.TrafMode = "9" }},
		{"0110 by road", func(d *customs.EntryDraft) { d.TradeMode = "0110"; d.TrafMode = "4" }},
		{"9810 EXW", func(d *customs.EntryDraft) { d.TradeMode = "9810"; d.TransMode = "7" }},
		{"no port, no ciq", func(d *customs.EntryDraft) { d.DistinatePort = ""; d.Lines[0].CiqCode = "" }},
		{"charges", func(d *customs.EntryDraft) {
			d.FeeMark, d.FeeRate, d.FeeCurr = "3", decp("1500"), "EUR"
			d.InsurMark, d.InsurRate = "1", decp("0.3")
		}},
		{"second quantity", func(d *customs.EntryDraft) { d.Lines[0].SecondQty, d.Lines[0].SecondUnit = decp("2"), "007" }},
		{"explicit E", func(d *customs.EntryDraft) { d.IEFlag = " e " }},
	}
	for _, c := range ok {
		d := validEntryDraft()
		c.edit(&d)
		if _, err := customs.ValidateEntry(d); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestValidateEntryAllProblemsAtOnce(t *testing.T) {
	d := validEntryDraft()
	d.TradeMode = "1210"
	d.NetWt = dec("301")
	d.Lines = append(d.Lines, entryLine("123"))
	d.Lines[2].DeclTotal = decp("1")
	d.Lines[0].GUnit = "x"
	_, err := customs.ValidateEntry(d)
	want := []fieldCode{
		{"tradeMode", "invalid_trade_mode"}, {"netWt", "net_exceeds_gross"}, {"lines[0].gUnit", "invalid_unit"},
		{"lines[2].codeTS", "invalid_hs_code"}, {"lines[2].declTotal", "decl_total_mismatch"},
	}
	if got := fieldCodes(err); !slices.Equal(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	if domain.CodeOf(err) != "invalid_trade_mode" {
		t.Errorf("code %s", domain.CodeOf(err))
	}
}

func TestEntryDraftJSON(t *testing.T) {
	body := `{"customMaster":"4700","iePort":"4701","tradeMode":"9710","tradeCode":"4206930001",
	"tradeName":"襄阳外贸","agentCode":"4206980001","agentName":"报关行","tradeCountry":"DE","transMode":"3",
	"packNo":1,"wrapType":"22","grossWet":"10","netWt":"9.5",
	"lines":[{"codeTS":"8466930000","gName":"零件","gModel":"1|0","gQty":"2","gUnit":"007","firstQty":"9.5",
	"firstUnit":"035","declPrice":"10.125","tradeCurr":"EUR","originCountry":"CN","destinationCountry":"DE"}]}`
	dc := json.NewDecoder(strings.NewReader(body))
	dc.DisallowUnknownFields()
	var d customs.EntryDraft
	if err := dc.Decode(&d); err != nil {
		t.Fatal(err)
	}
	e, err := customs.ValidateEntry(d)
	if err != nil || e.Lines[0].DeclTotal.String() != "20.25" || e.Lines[0].GNo != 1 {
		t.Fatalf("%+v %v", e, err)
	}
	out, _ := json.Marshal(e)
	for _, k := range []string{`"codeTS":"8466930000"`, `"declTotal":"20.25"`, `"gNo":1`, `"ieFlag":"E"`, `"trafMode":"3"`} {
		if !bytes.Contains(out, []byte(k)) {
			t.Errorf("JSON lacks %s: %s", k, out)
		}
	}
	var tooPrecise customs.EntryDraft
	if err := json.Unmarshal([]byte(`{"grossWet":"1.00001"}`), &tooPrecise); domain.CodeOf(err) != "too_many_decimals" {
		t.Errorf("five decimals: %v", err)
	}
}

func TestEntryDeclaration(t *testing.T) {
	d, err := customs.NewEntry("dec-e1", "org-broker-1", "org-exporter-1", validEntryDraft(), at(0), "org-broker-1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind() != customs.KindEntry || d.TradeMode() != "9710" || d.ParcelID() != "" {
		t.Fatalf("entry %s %s", d.Kind(), d.TradeMode())
	}
	if _, ok := d.ParcelStatus(); ok {
		t.Error("an entry declaration drives a parcel")
	}
	bad := validEntryDraft()
	bad.Lines = nil
	if _, err := customs.NewEntry("dec-e1", "b", "e", bad, at(0), "b"); domain.CodeOf(err) != "no_lines" {
		t.Errorf("NewEntry bad: %v", err)
	}
	// edit while a draft
	ed := validEntryDraft()
	ed.TradeMode = customs.TradeMode0110
	if err := d.EditEntry(ed, at(1), "b"); err != nil || d.TradeMode() != "0110" {
		t.Fatalf("edit: %v %s", err, d.TradeMode())
	}
	if err := d.EditEntry(ed, at(1), "b"); err != nil || len(d.Timeline()) != 2 {
		t.Errorf("identical edit: %v, %d entries", err, len(d.Timeline()))
	}
	if err := d.EditEntry(bad, at(1), "b"); domain.CodeOf(err) != "no_lines" {
		t.Errorf("bad edit: %v", err)
	}
	wantErr(t, "EditInventory on an entry", d.EditInventory(inventoryInput(t), at(1), "b"), domain.KindFailedPrecondition, "wrong_kind")
	if err := d.Submit(guid1, "SGDEC0001", []byte("<DecMessage/>"), at(2)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "edit after submit", d.EditEntry(ed, at(3), "b"), domain.KindFailedPrecondition, "declaration_locked")

	// receipts: a CEB receipt of another kind is refused, the dec receipts are taken, with
	// numeric codes or channel letters
	r := customs.Receipt{Message: "CEB604", GUID: guid1, ReturnStatus: "120", ReturnTime: at(4)}
	if _, err := d.ApplyReceipt(r, at(4)); !hasFieldCode(err, "message", "unexpected_message") {
		t.Errorf("CEB604 for an entry: %v", err)
	}
	entryID := "470020260000012345"
	steps := []struct {
		code   string
		status customs.Status
	}{{"2", customs.StatusDeclaring}, {"L", customs.StatusAccepted}, {"J", customs.StatusReviewFinished},
		{"T", customs.StatusReviewFinished}, {"P", customs.StatusReleased}, {"R", customs.StatusCleared}}
	for i, s := range steps {
		r := customs.Receipt{Message: "DEC_RESULT", GUID: guid1, ReturnStatus: s.code, ReturnTime: at(5 + i), EntryID: entryID}
		if _, err := d.ApplyReceipt(r, at(5+i)); err != nil || d.Status() != s.status {
			t.Fatalf("%s: %v %s", s.code, err, d.Status())
		}
	}
	if d.EntryID() != entryID || d.InvtNo() != "" {
		t.Errorf("entry id %q invtNo %q", d.EntryID(), d.InvtNo())
	}
	// a lone letter that is not a channel status is kept as unknown
	r = customs.Receipt{Message: "DEC_RESULT", GUID: guid1, ReturnStatus: "Z", ReturnTime: at(20)}
	if out, err := d.ApplyReceipt(r, at(20)); err != nil || out != customs.Recorded {
		t.Errorf("unknown letter: %v %v", out, err)
	}
	// an entry's CancelledBy is refused: entries are withdrawn through channel status D
	wantErr(t, "CancelledBy on an entry", d.CancelledBy("x", at(21)), domain.KindFailedPrecondition, "wrong_kind")
	e2, _ := customs.NewEntry("dec-e2", "b", "e", validEntryDraft(), at(0), "b")
	_ = e2.Submit(guid2, "SGDEC0002", []byte("<DecMessage/>"), at(1))
	for i, c := range []string{"L", "D"} {
		r := customs.Receipt{Message: "DEC_RESULT", GUID: guid2, ReturnStatus: c, ReturnTime: at(2 + i)}
		if _, err := e2.ApplyReceipt(r, at(2+i)); err != nil {
			t.Fatal(err)
		}
	}
	if e2.Status() != customs.StatusCancelled || !e2.Final() {
		t.Errorf("deleted entry: %s", e2.Status())
	}
}
