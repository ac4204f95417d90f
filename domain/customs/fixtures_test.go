package customs_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

var cst = customs.ChinaTime()

// t0 is a Tuesday morning in November 2026, China time.
var t0 = time.Date(2026, 11, 3, 9, 0, 0, 0, cst)

// at is t0 plus n minutes.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

const (
	guid1 = "4CDE1CFD-EDED-46B1-946C-B8022E42FC94"
	guid2 = "0B5A7E51-3C2D-4F1E-9A8B-7C6D5E4F3A21"
	guid3 = "9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A"

	brokerCode   = "4206980001" // a broker: declaration rights only (6th char 8)
	exporterCode = "4206930001"
	exporterUSCC = "914403001922038216"
	platformCode = "3301961Q43"
	iacCode      = "4206940002"

	invtNo1 = "47002026E000123456"
	preNo1  = "B20261103000000001"
)

func dec(s string) code.Decimal { return code.MustDecimal(s) }

func decp(s string) *code.Decimal { d := code.MustDecimal(s); return &d }

func parcelFields(t testing.TB, mode string) parcel.Fields {
	t.Helper()
	d := parcel.Draft{
		TradeMode: mode, ExporterID: "org-exporter-1", OrderNo: "ORDER-2026-0001",
		EbpCode: platformCode, EbpName: "襄阳跨境电商平台有限公司",
		LogisticsCode: "4206930009", LogisticsNo: "XY2026110300001",
		Consignee: parcel.Consignee{Name: "Anna Kowalska", Country: "PL", City: "Warszawa",
			Address: "ul. Marszałkowska 1", Phone: "+48 22 123 45 67"},
		DestinationCountry: "PL", Currency: "EUR",
		Items: []parcel.DraftItem{{
			ItemNo: "TS-001", Gcode: "6109100022", Gname: "棉制针织T恤衫", Gmodel: "针织|棉100%|无品牌",
			Qty: dec("3"), Unit: "011", Price: decp("19.99"), OriginCountry: "CN",
		}},
		GrossWeightKg: dec("1.25"), NetWeightKg: dec("1"), Freight: dec("12.5"),
	}
	if mode == parcel.TradeMode1210 {
		d.EmsNo = "T4206W000001"
		d.Items[0].ItemRecordNo = "1"
	}
	f, err := parcel.Validate(d)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func inventoryInput(t testing.TB) customs.InventoryInput {
	return customs.InventoryInput{
		FilerID: "org-broker-1", ExporterID: "org-exporter-1", ParcelID: "pcl-1",
		Parcel: parcelFields(t, parcel.TradeMode9610),
		Parties: customs.FilingParties{
			AgentCode: brokerCode, AgentName: "襄阳报关行有限公司",
			EbcCode: exporterCode, EbcName: "襄阳外贸有限公司", LogisticsName: "襄阳国际物流有限公司",
		},
		CustomsCode: "4700", PortCode: "4701",
	}
}

func newInventory(t testing.TB) *customs.Declaration {
	t.Helper()
	d, err := customs.NewInventory("dec-1", inventoryInput(t), at(0), "org-broker-1")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func submitted(t testing.TB) *customs.Declaration {
	t.Helper()
	d := newInventory(t)
	if err := d.Submit(guid1, "SG202611030900000001", []byte("<CEB603Message/>"), at(1)); err != nil {
		t.Fatal(err)
	}
	return d
}

// rcpt is a CEB604 receipt for guid1 with returnStatus code, returned n seconds after at(2).
func rcpt(code string, n int) customs.Receipt {
	return customs.Receipt{
		Message: customs.MessageInventoryReceipt, GUID: guid1, ReturnStatus: code,
		ReturnTime: at(2).Add(time.Duration(n) * time.Second), ReturnInfo: "info " + code,
		ReceivedAt: at(3).Add(time.Duration(n) * time.Second),
	}
}

// numbered is rcpt with the numbers a real receipt of that stage carries.
func numbered(code string, n int) customs.Receipt {
	r := rcpt(code, n)
	r.PreNo = preNo1
	if code != "1" && code != "2" && code != "3" && code != "4" {
		r.InvtNo = invtNo1
	}
	return r
}

// codeFor is a returnStatus that stands for s.
var codeFor = map[customs.Status]string{
	customs.StatusStaged: "1", customs.StatusDeclaring: "2", customs.StatusSent: "3",
	customs.StatusSendFailed: "4", customs.StatusError: "-1", customs.StatusAccepted: "120",
	customs.StatusManualReview: "300", customs.StatusReviewFinished: "399",
	customs.StatusInspection: "500",
	customs.StatusRejected:   "100", customs.StatusReleased: "800", customs.StatusCleared: "899",
}

// inStatus makes an inventory list in status s: a draft, submitted, moved by one receipt, or
// cancelled after acceptance.
func inStatus(t testing.TB, s customs.Status) *customs.Declaration {
	t.Helper()
	switch s {
	case customs.StatusDraft:
		return newInventory(t)
	case customs.StatusSubmitted:
		return submitted(t)
	case customs.StatusCancelled:
		d := inStatus(t, customs.StatusAccepted)
		if err := d.CancelledBy("dec-cancel-1", at(5)); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := submitted(t)
	out, err := d.ApplyReceipt(numbered(codeFor[s], 0), at(3))
	if err != nil || out != customs.Applied || d.Status() != s {
		t.Fatalf("to %s: %v %v %s", s, out, err, d.Status())
	}
	return d
}

func wantErr(t *testing.T, what string, err error, kind domain.Kind, code string) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Kind != kind || string(e.Code) != code {
		t.Errorf("%s: error %v, want %s/%s", what, err, kind, code)
	}
}

type fieldCode struct{ field, code string }

// fieldCodes lists an Invalid error's (field, code) pairs.
func fieldCodes(err error) []fieldCode {
	var e *domain.Error
	if !errors.As(err, &e) {
		return nil
	}
	out := make([]fieldCode, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = fieldCode{f.Field, string(f.Code)}
	}
	return out
}

func hasFieldCode(err error, field, code string) bool {
	return slices.Contains(fieldCodes(err), fieldCode{field, code})
}

func types(d *customs.Declaration) (timeline, outbox []string) {
	for _, e := range d.Timeline() {
		timeline = append(timeline, e.Type)
	}
	for _, e := range d.Outbox() {
		outbox = append(outbox, e.Type)
	}
	return
}
