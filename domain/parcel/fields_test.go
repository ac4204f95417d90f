package parcel_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/parcel"
)

func dec(s string) code.Decimal { return code.MustDecimal(s) }

func decp(s string) *code.Decimal {
	d := code.MustDecimal(s)
	return &d
}

// validDraft is a 9610 parcel of two lines to Poland, written the way a client might: mixed case,
// alpha-3 codes, spaces, a CEB-style "无" bar code, one total left out.
func validDraft() parcel.Draft {
	return parcel.Draft{
		TradeMode:     "9610",
		ExporterID:    "org-exporter-1",
		OrderNo:       " ORDER-2024-0001 ",
		EbpCode:       "3301961q43",
		EbpName:       "襄阳跨境电商平台有限公司",
		LogisticsCode: "4206930001",
		LogisticsNo:   "XY2024060100001",
		Consignee: parcel.Consignee{
			Name: "Anna Kowalska", Country: "pol", City: "Warszawa", Address: "ul. Marszałkowska 1",
			Phone: "+48 22 123 45 67",
		},
		DestinationCountry: "POL",
		Currency:           "eur",
		Items: []parcel.DraftItem{
			{
				ItemNo: "TS-001", Gcode: "6109100022", Gname: "棉制针织T恤衫", Gmodel: "针织|棉100%|无品牌",
				Qty: dec("3"), Unit: "011", Price: decp("19.99"), OriginCountry: "CN", BarCode: "无",
			},
			{
				ItemNo: "PH-001", Gcode: "8517130000", Gname: "智能手机", Gmodel: "5G|128GB|黑色",
				Qty: dec("1"), Unit: "163", Price: decp("1299.5"), TotalPrice: decp("1299.50"),
				OriginCountry: "chn", BarCode: "6901234567892",
			},
		},
		GrossWeightKg: dec("1.25"),
		NetWeightKg:   dec("1"),
		Freight:       dec("12.5"),
		InsuredFee:    dec("0"),
		Note:          "易碎品",
	}
}

// validBondedDraft is a 1210 parcel: an account book and an item record per line.
func validBondedDraft() parcel.Draft {
	d := validDraft()
	d.TradeMode = "1210"
	d.EmsNo = "T4206W000001"
	d.Items[0].ItemRecordNo = "1"
	d.Items[1].ItemRecordNo = "2"
	return d
}

type fieldCode struct{ field, code string }

func fieldsOf(t *testing.T, err error) []fieldCode {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *domain.Error", err)
	}
	if e.Kind != domain.KindInvalid {
		t.Fatalf("kind %s, want invalid (%v)", e.Kind, err)
	}
	if len(e.Fields) == 0 || e.Code != e.Fields[0].Code {
		t.Fatalf("error code %s should be the first field's (%+v)", e.Code, e.Fields)
	}
	out := make([]fieldCode, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = fieldCode{f.Field, string(f.Code)}
		if f.Message == "" {
			t.Errorf("%s/%s has no message", f.Field, f.Code)
		}
	}
	return out
}

func TestValidateNormalises(t *testing.T) {
	f, err := parcel.Validate(validDraft())
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"orderNo", f.OrderNo, "ORDER-2024-0001"},
		{"ebpCode", f.EbpCode, "3301961Q43"},
		{"destinationCountry", f.DestinationCountry, "PL"},
		{"consignee.country", f.Consignee.Country, "PL"},
		{"currency", f.Currency, "EUR"},
		{"items[0].totalPrice", f.Items[0].TotalPrice.String(), "59.97"},
		{"items[0].barCode", f.Items[0].BarCode, ""},
		{"items[0].originCountry", f.Items[0].OriginCountry, "CN"},
		{"items[1].originCountry", f.Items[1].OriginCountry, "CN"},
		{"items[1].totalPrice", f.Items[1].TotalPrice.String(), "1299.5"},
		{"items[1].barCode", f.Items[1].BarCode, "6901234567892"},
		{"goodsValue", f.GoodsValue().String(), "1359.47"},
		{"key", f.Key(), "4206930001:XY2024060100001"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	// Validate does not touch the draft it was given.
	d := validDraft()
	_, _ = parcel.Validate(d)
	if d.Items[0].TotalPrice != nil || d.Currency != "eur" {
		t.Error("Validate changed its input")
	}
	// Checked fields pass again unchanged (idempotent normalisation).
	again, err := parcel.Validate(f.Draft())
	if err != nil || !reflect.DeepEqual(again, f) {
		t.Errorf("Validate(Fields.Draft()) = %+v, %v", again, err)
	}
	if _, err := parcel.Validate(validBondedDraft()); err != nil {
		t.Errorf("1210 draft: %v", err)
	}
}

func TestValidateRules(t *testing.T) {
	long := func(r string, n int) string { return strings.Repeat(r, n) }
	cases := []struct {
		name   string
		mutate func(d *parcel.Draft)
		want   []fieldCode // nil: valid
	}{
		// trade mode
		{"tradeMode missing", func(d *parcel.Draft) { d.TradeMode = " " }, []fieldCode{{"tradeMode", "required"}}},
		{"tradeMode 9710", func(d *parcel.Draft) { d.TradeMode = "9710" }, []fieldCode{{"tradeMode", "invalid_trade_mode"}}},
		{"tradeMode 0110", func(d *parcel.Draft) { d.TradeMode = "0110" }, []fieldCode{{"tradeMode", "invalid_trade_mode"}}},
		// exporter and order
		{"exporterId missing", func(d *parcel.Draft) { d.ExporterID = "" }, []fieldCode{{"exporterId", "required"}}},
		{"exporterId too long", func(d *parcel.Draft) { d.ExporterID = long("x", 65) }, []fieldCode{{"exporterId", "too_long"}}},
		{"orderNo missing", func(d *parcel.Draft) { d.OrderNo = "" }, []fieldCode{{"orderNo", "required"}}},
		{"orderNo 60", func(d *parcel.Draft) { d.OrderNo = long("9", 60) }, nil},
		{"orderNo 61", func(d *parcel.Draft) { d.OrderNo = long("9", 61) }, []fieldCode{{"orderNo", "too_long"}}},
		{"orderNo 60 Chinese", func(d *parcel.Draft) { d.OrderNo = long("订", 60) }, nil},
		{"orderNo 61 Chinese", func(d *parcel.Draft) { d.OrderNo = long("订", 61) }, []fieldCode{{"orderNo", "too_long"}}},
		// platform
		{"ebp absent", func(d *parcel.Draft) { d.EbpCode, d.EbpName = "", "" }, nil},
		{"ebpCode USCC", func(d *parcel.Draft) { d.EbpCode = "914403001922038216" }, nil},
		{"ebpCode bad USCC", func(d *parcel.Draft) { d.EbpCode = "914403001922038217" }, []fieldCode{{"ebpCode", "invalid_uscc"}}},
		{"ebpCode bad customs code", func(d *parcel.Draft) { d.EbpCode = "42069A0001" }, []fieldCode{{"ebpCode", "invalid_customs_code"}}},
		{"ebpCode wrong length", func(d *parcel.Draft) { d.EbpCode = "ABC123" }, []fieldCode{{"ebpCode", "invalid_party_code"}}},
		{"ebpCode too long", func(d *parcel.Draft) { d.EbpCode = long("1", 19) }, []fieldCode{{"ebpCode", "too_long"}}},
		{"ebpName 100", func(d *parcel.Draft) { d.EbpName = long("司", 100) }, nil},
		{"ebpName 101", func(d *parcel.Draft) { d.EbpName = long("司", 101) }, []fieldCode{{"ebpName", "too_long"}}},
		// carrier and waybill
		{"logisticsCode missing", func(d *parcel.Draft) { d.LogisticsCode = "" }, []fieldCode{{"logisticsCode", "required"}}},
		{"logisticsCode USCC", func(d *parcel.Draft) { d.LogisticsCode = "91350200776049653a" }, nil},
		{"logisticsCode wrong length", func(d *parcel.Draft) { d.LogisticsCode = "LC001" }, []fieldCode{{"logisticsCode", "invalid_party_code"}}},
		{"logisticsCode too long", func(d *parcel.Draft) { d.LogisticsCode = long("4", 19) }, []fieldCode{{"logisticsCode", "too_long"}}},
		{"logisticsNo missing", func(d *parcel.Draft) { d.LogisticsNo = "  " }, []fieldCode{{"logisticsNo", "required"}}},
		{"logisticsNo 32", func(d *parcel.Draft) { d.LogisticsNo = long("A", 30) + "-_" }, nil},
		{"logisticsNo 33", func(d *parcel.Draft) { d.LogisticsNo = long("A", 33) }, []fieldCode{{"logisticsNo", "too_long"}}},
		{"logisticsNo space", func(d *parcel.Draft) { d.LogisticsNo = "XY 123" }, []fieldCode{{"logisticsNo", "invalid_format"}}},
		{"logisticsNo slash", func(d *parcel.Draft) { d.LogisticsNo = "XY/123" }, []fieldCode{{"logisticsNo", "invalid_format"}}},
		{"logisticsNo colon", func(d *parcel.Draft) { d.LogisticsNo = "XY:123" }, []fieldCode{{"logisticsNo", "invalid_format"}}},
		{"logisticsNo Chinese", func(d *parcel.Draft) { d.LogisticsNo = "运单123" }, []fieldCode{{"logisticsNo", "invalid_format"}}},
		// consignee
		{"consignee empty", func(d *parcel.Draft) { d.Consignee = parcel.Consignee{} }, []fieldCode{
			{"consignee.name", "required"}, {"consignee.country", "required"}, {"consignee.city", "required"},
			{"consignee.address", "required"}}},
		{"consignee.name 101", func(d *parcel.Draft) { d.Consignee.Name = long("名", 101) }, []fieldCode{{"consignee.name", "too_long"}}},
		{"consignee.country bad", func(d *parcel.Draft) { d.Consignee.Country = "XX" }, []fieldCode{{"consignee.country", "invalid_country"}}},
		{"consignee.city 101", func(d *parcel.Draft) { d.Consignee.City = long("c", 101) }, []fieldCode{{"consignee.city", "too_long"}}},
		{"consignee.address 250", func(d *parcel.Draft) { d.Consignee.Address = long("址", 250) }, nil},
		{"consignee.address 251", func(d *parcel.Draft) { d.Consignee.Address = long("址", 251) }, []fieldCode{{"consignee.address", "too_long"}}},
		{"consignee.phone absent", func(d *parcel.Draft) { d.Consignee.Phone = "" }, nil},
		{"consignee.phone letters", func(d *parcel.Draft) { d.Consignee.Phone = "call me" }, []fieldCode{{"consignee.phone", "invalid_phone"}}},
		{"consignee.phone 33", func(d *parcel.Draft) { d.Consignee.Phone = long("1", 33) }, []fieldCode{{"consignee.phone", "invalid_phone"}}},
		// destination and currency
		{"destination missing", func(d *parcel.Draft) { d.DestinationCountry = "" }, []fieldCode{{"destinationCountry", "required"}}},
		{"destination name", func(d *parcel.Draft) { d.DestinationCountry = "Poland" }, []fieldCode{{"destinationCountry", "invalid_country"}}},
		{"destination numeric", func(d *parcel.Draft) { d.DestinationCountry = "327" }, []fieldCode{{"destinationCountry", "invalid_country"}}},
		{"currency missing", func(d *parcel.Draft) { d.Currency = "" }, []fieldCode{{"currency", "required"}}},
		{"currency RMB", func(d *parcel.Draft) { d.Currency = "RMB" }, []fieldCode{{"currency", "invalid_currency"}}},
		// items: count
		{"no items", func(d *parcel.Draft) { d.Items = nil }, []fieldCode{{"items", "no_items"}}},
		{"empty items", func(d *parcel.Draft) { d.Items = []parcel.DraftItem{} }, []fieldCode{{"items", "no_items"}}},
		{"100 items", func(d *parcel.Draft) { d.Items = repeatItem(d.Items[0], 100) }, nil},
		{"101 items", func(d *parcel.Draft) { d.Items = repeatItem(d.Items[0], 101) }, []fieldCode{{"items", "too_many_items"}}},
		// items: goods
		{"gcode missing", func(d *parcel.Draft) { d.Items[1].Gcode = "" }, []fieldCode{{"items[1].gcode", "required"}}},
		{"gcode 9 digits", func(d *parcel.Draft) { d.Items[1].Gcode = "851713000" }, []fieldCode{{"items[1].gcode", "invalid_hs_code"}}},
		{"gcode dotted", func(d *parcel.Draft) { d.Items[1].Gcode = "8517.13.00" }, []fieldCode{{"items[1].gcode", "invalid_hs_code"}}},
		{"gcode unknown heading", func(d *parcel.Draft) { d.Items[1].Gcode = "0101210010" }, nil},
		{"gname missing", func(d *parcel.Draft) { d.Items[0].Gname = "" }, []fieldCode{{"items[0].gname", "required"}}},
		{"gname 250 Chinese", func(d *parcel.Draft) { d.Items[0].Gname = long("衫", 250) }, nil},
		{"gname 251 Chinese", func(d *parcel.Draft) { d.Items[0].Gname = long("衫", 251) }, []fieldCode{{"items[0].gname", "too_long"}}},
		{"gmodel missing", func(d *parcel.Draft) { d.Items[0].Gmodel = "" }, []fieldCode{{"items[0].gmodel", "required"}}},
		{"gmodel 250 Chinese", func(d *parcel.Draft) { d.Items[0].Gmodel = long("型", 250) }, nil},
		{"gmodel 251", func(d *parcel.Draft) { d.Items[0].Gmodel = long("m", 251) }, []fieldCode{{"items[0].gmodel", "too_long"}}},
		{"itemNo 21", func(d *parcel.Draft) { d.Items[0].ItemNo = long("n", 21) }, []fieldCode{{"items[0].itemNo", "too_long"}}},
		{"itemNo absent", func(d *parcel.Draft) { d.Items[0].ItemNo = "" }, nil},
		// items: quantity and unit
		{"qty zero", func(d *parcel.Draft) { d.Items[0].Qty = dec("0") }, []fieldCode{{"items[0].qty", "must_be_positive"}}},
		{"qty negative", func(d *parcel.Draft) { d.Items[0].Qty = dec("-1") }, []fieldCode{{"items[0].qty", "must_be_positive"}}},
		{"qty fractional", func(d *parcel.Draft) { d.Items[0].Qty, d.Items[0].Unit = dec("0.5"), "035" }, nil},
		{"unit missing", func(d *parcel.Draft) { d.Items[0].Unit = "" }, []fieldCode{{"items[0].unit", "required"}}},
		{"unit unknown", func(d *parcel.Draft) { d.Items[0].Unit = "024" }, []fieldCode{{"items[0].unit", "invalid_unit"}}},
		{"unit short", func(d *parcel.Draft) { d.Items[0].Unit = "7" }, []fieldCode{{"items[0].unit", "invalid_unit"}}},
		// items: prices
		{"price missing", func(d *parcel.Draft) { d.Items[0].Price = nil }, []fieldCode{{"items[0].price", "required"}}},
		{"price negative", func(d *parcel.Draft) { d.Items[0].Price = decp("-0.01") }, []fieldCode{{"items[0].price", "must_not_be_negative"}}},
		{"price zero", func(d *parcel.Draft) { d.Items[0].Price = decp("0") }, nil},
		{"price 4 decimals", func(d *parcel.Draft) { d.Items[0].Price = decp("19.9999") }, nil},
		{"total exact", func(d *parcel.Draft) { d.Items[0].TotalPrice = decp("59.97") }, nil},
		{"total +0.01", func(d *parcel.Draft) { d.Items[0].TotalPrice = decp("59.98") }, nil},
		{"total -0.01", func(d *parcel.Draft) { d.Items[0].TotalPrice = decp("59.96") }, nil},
		{"total +0.0101", func(d *parcel.Draft) { d.Items[0].TotalPrice = decp("59.9801") }, []fieldCode{{"items[0].totalPrice", "total_price_mismatch"}}},
		{"total -0.02", func(d *parcel.Draft) { d.Items[0].TotalPrice = decp("59.95") }, []fieldCode{{"items[0].totalPrice", "total_price_mismatch"}}},
		{"total of price only", func(d *parcel.Draft) { d.Items[0].TotalPrice = decp("19.99") }, []fieldCode{{"items[0].totalPrice", "total_price_mismatch"}}},
		{"total negative", func(d *parcel.Draft) { d.Items[0].TotalPrice = decp("-59.97") }, []fieldCode{{"items[0].totalPrice", "must_not_be_negative"}}},
		{"qty × price overflows", func(d *parcel.Draft) {
			d.Items[0].Qty, d.Items[0].Price = dec("922337203685477"), decp("2")
		}, []fieldCode{{"items[0].totalPrice", "out_of_range"}}},
		{"goods value overflows", func(d *parcel.Draft) {
			d.Items[0].Qty, d.Items[0].Price = dec("1"), decp("500000000000000")
			d.Items[1].Qty, d.Items[1].Price, d.Items[1].TotalPrice = dec("1"), decp("500000000000000"), nil
		}, []fieldCode{{"items", "out_of_range"}}},
		// items: origin and bar code
		{"origin missing", func(d *parcel.Draft) { d.Items[0].OriginCountry = "" }, []fieldCode{{"items[0].originCountry", "required"}}},
		{"origin bad", func(d *parcel.Draft) { d.Items[0].OriginCountry = "ZZ" }, []fieldCode{{"items[0].originCountry", "invalid_country"}}},
		{"barCode 50", func(d *parcel.Draft) { d.Items[0].BarCode = long("1", 50) }, nil},
		{"barCode 51", func(d *parcel.Draft) { d.Items[0].BarCode = long("1", 51) }, []fieldCode{{"items[0].barCode", "too_long"}}},
		// weights and charges
		{"gross zero", func(d *parcel.Draft) { d.GrossWeightKg = dec("0") }, []fieldCode{{"grossWeightKg", "must_be_positive"}}},
		{"gross negative", func(d *parcel.Draft) { d.GrossWeightKg = dec("-1.25") }, []fieldCode{{"grossWeightKg", "must_be_positive"}}},
		{"net zero", func(d *parcel.Draft) { d.NetWeightKg = dec("0") }, []fieldCode{{"netWeightKg", "must_be_positive"}}},
		{"net equals gross", func(d *parcel.Draft) { d.NetWeightKg = dec("1.25") }, nil},
		{"net exceeds gross", func(d *parcel.Draft) { d.NetWeightKg = dec("1.2501") }, []fieldCode{{"netWeightKg", "net_exceeds_gross"}}},
		{"freight zero", func(d *parcel.Draft) { d.Freight = dec("0") }, nil},
		{"freight negative", func(d *parcel.Draft) { d.Freight = dec("-1") }, []fieldCode{{"freight", "must_not_be_negative"}}},
		{"insuredFee negative", func(d *parcel.Draft) { d.InsuredFee = dec("-0.0001") }, []fieldCode{{"insuredFee", "must_not_be_negative"}}},
		// bonded fields under 9610, note
		{"9610 emsNo optional", func(d *parcel.Draft) { d.EmsNo = "T4206W000001" }, nil},
		{"9610 itemRecordNo optional", func(d *parcel.Draft) { d.Items[0].ItemRecordNo = "7" }, nil},
		{"emsNo 31", func(d *parcel.Draft) { d.EmsNo = long("E", 31) }, []fieldCode{{"emsNo", "too_long"}}},
		{"note 1000", func(d *parcel.Draft) { d.Note = long("注", 1000) }, nil},
		{"note 1001", func(d *parcel.Draft) { d.Note = long("注", 1001) }, []fieldCode{{"note", "too_long"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validDraft()
			c.mutate(&d)
			_, err := parcel.Validate(d)
			if c.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %v", c.want)
			}
			if got := fieldsOf(t, err); !slices.Equal(got, c.want) {
				t.Errorf("fields = %v, want %v", got, c.want)
			}
		})
	}
}

func repeatItem(it parcel.DraftItem, n int) []parcel.DraftItem {
	out := make([]parcel.DraftItem, n)
	for i := range out {
		out[i] = it
	}
	return out
}

func TestValidateBondedRules(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(d *parcel.Draft)
		want   []fieldCode
	}{
		{"complete", func(d *parcel.Draft) {}, nil},
		{"emsNo missing", func(d *parcel.Draft) { d.EmsNo = "" }, []fieldCode{{"emsNo", "required"}}},
		{"emsNo 30", func(d *parcel.Draft) { d.EmsNo = strings.Repeat("E", 30) }, nil},
		{"emsNo 31", func(d *parcel.Draft) { d.EmsNo = strings.Repeat("E", 31) }, []fieldCode{{"emsNo", "too_long"}}},
		{"itemRecordNo missing", func(d *parcel.Draft) { d.Items[1].ItemRecordNo = " " }, []fieldCode{{"items[1].itemRecordNo", "required"}}},
		{"itemRecordNo 31", func(d *parcel.Draft) { d.Items[0].ItemRecordNo = strings.Repeat("9", 31) }, []fieldCode{{"items[0].itemRecordNo", "too_long"}}},
		{"all bonded fields missing", func(d *parcel.Draft) {
			d.EmsNo, d.Items[0].ItemRecordNo, d.Items[1].ItemRecordNo = "", "", ""
		}, []fieldCode{{"items[0].itemRecordNo", "required"}, {"items[1].itemRecordNo", "required"}, {"emsNo", "required"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validBondedDraft()
			c.mutate(&d)
			_, err := parcel.Validate(d)
			if c.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if got := fieldsOf(t, err); !slices.Equal(got, c.want) {
				t.Errorf("fields = %v, want %v", got, c.want)
			}
		})
	}
}

func TestValidateReportsEverythingAtOnce(t *testing.T) {
	d := validDraft()
	d.TradeMode = "1234"
	d.OrderNo = ""
	d.Consignee.Name = ""
	d.DestinationCountry = "XX"
	d.Currency = "ABC"
	d.Items[0].Gcode = "12"
	d.Items[0].Unit = "999"
	d.Items[1].Price = nil
	d.Items[1].Qty = dec("0")
	d.NetWeightKg = dec("2")
	_, err := parcel.Validate(d)
	want := []fieldCode{
		{"tradeMode", "invalid_trade_mode"},
		{"orderNo", "required"},
		{"consignee.name", "required"},
		{"destinationCountry", "invalid_country"},
		{"currency", "invalid_currency"},
		{"items[0].gcode", "invalid_hs_code"},
		{"items[0].unit", "invalid_unit"},
		{"items[1].qty", "must_be_positive"},
		{"items[1].price", "required"},
		{"netWeightKg", "net_exceeds_gross"},
	}
	if got := fieldsOf(t, err); !slices.Equal(got, want) {
		t.Errorf("fields =\n%v\nwant\n%v", got, want)
	}
	if domain.CodeOf(err) != "invalid_trade_mode" {
		t.Errorf("code = %s", domain.CodeOf(err))
	}

	// A batch caller prefixes the paths.
	var v domain.Violations
	v.AddError("parcels[3]", err)
	if got := v.Fields()[5].Field; got != "parcels[3].items[0].gcode" {
		t.Errorf("prefixed path = %s", got)
	}
}

func TestDraftJSON(t *testing.T) {
	body := `{
		"tradeMode": "9610", "exporterId": "org-1", "orderNo": "SO-1",
		"ebpCode": "3301961Q43", "ebpName": "平台",
		"logisticsCode": "4206930001", "logisticsNo": "XY1",
		"consignee": {"name": "Иван Петров", "country": "RU", "city": "Москва", "address": "ул. Тверская, 1", "phone": "+7 495 000-00-00"},
		"destinationCountry": "RUS", "currency": "CNY",
		"items": [{"itemNo": "A1", "gcode": "9503008900", "gname": "玩具熊", "gmodel": "毛绒|无品牌", "qty": 2, "unit": "007",
		           "price": "35.50", "totalPrice": 71, "originCountry": "CN", "barCode": "无"}],
		"grossWeightKg": "0.8", "netWeightKg": 0.6, "freight": "10", "insuredFee": "0.5",
		"note": "gift"
	}`
	jd := json.NewDecoder(strings.NewReader(body))
	jd.DisallowUnknownFields()
	var d parcel.Draft
	if err := jd.Decode(&d); err != nil {
		t.Fatal(err)
	}
	f, err := parcel.Validate(d)
	if err != nil {
		t.Fatal(err)
	}
	if f.DestinationCountry != "RU" || f.Items[0].TotalPrice.String() != "71" || f.GoodsValue().String() != "71" ||
		f.NetWeightKg.String() != "0.6" || f.Consignee.City != "Москва" {
		t.Errorf("decoded %+v", f)
	}

	// Fields marshal with the same camelCase names, decimals as strings.
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"tradeMode":"9610"`, `"logisticsNo":"XY1"`, `"price":"35.5"`, `"totalPrice":"71"`,
		`"grossWeightKg":"0.8"`, `"destinationCountry":"RU"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("marshalled fields lack %s: %s", want, b)
		}
	}
	// ... and read back as a Draft.
	var back parcel.Draft
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, err := parcel.Validate(back)
	if err != nil || !reflect.DeepEqual(again, f) {
		t.Errorf("round trip: %+v, %v", again, err)
	}

	// A price with five decimals never reaches Validate.
	bad := strings.Replace(body, `"35.50"`, `"35.50001"`, 1)
	var d2 parcel.Draft
	err = json.Unmarshal([]byte(bad), &d2)
	if domain.CodeOf(err) != "too_many_decimals" {
		t.Errorf("five decimals: %v", err)
	}
}

// TestChineseTextRoundTrip checks that limits count characters, not bytes, all the way through
// registration, storage form and JSON.
func TestChineseTextRoundTrip(t *testing.T) {
	d := validDraft()
	d.Items[0].Gname = strings.Repeat("纯棉男士短袖", 41) + "衫衫衫衫" // 250 characters
	d.Items[0].Gmodel = strings.Repeat("规格", 125)
	d.Consignee.Name = strings.Repeat("王", 100)
	d.Note = strings.Repeat("请小心轻放", 200)
	if n := utf8.RuneCountInString(d.Items[0].Gname); n != 250 {
		t.Fatalf("gname has %d characters", n)
	}
	if len(d.Items[0].Gname) != 750 {
		t.Fatalf("gname has %d bytes", len(d.Items[0].Gname))
	}
	p, err := parcel.New("p-zh", d, at(0), "org-exporter-1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p.Fields())
	if err != nil {
		t.Fatal(err)
	}
	var back parcel.Draft
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	f, err := parcel.Validate(back)
	if err != nil {
		t.Fatal(err)
	}
	if f.Items[0].Gname != d.Items[0].Gname || f.Items[0].Gmodel != d.Items[0].Gmodel ||
		f.Consignee.Name != d.Consignee.Name || f.Note != d.Note {
		t.Error("Chinese text changed on the way")
	}
	d.Items[0].Gname += "衫"
	_, err = parcel.New("p-zh2", d, at(0), "x")
	if got := fieldsOf(t, err); !slices.Equal(got, []fieldCode{{"items[0].gname", "too_long"}}) {
		t.Errorf("251 characters: %v", got)
	}
}

func TestKey(t *testing.T) {
	if parcel.Key("4206930001", "XY1") != "4206930001:XY1" {
		t.Error(parcel.Key("4206930001", "XY1"))
	}
	// Distinct pairs give distinct keys because neither part may contain ':'.
	seen := map[string]string{}
	for _, pair := range [][2]string{{"4206930001", "A1"}, {"4206930002", "A1"}, {"4206930001", "A2"}} {
		k := parcel.Key(pair[0], pair[1])
		if prev, dup := seen[k]; dup {
			t.Errorf("%v and %s share key %s", pair, prev, k)
		}
		seen[k] = fmt.Sprint(pair)
	}
}
