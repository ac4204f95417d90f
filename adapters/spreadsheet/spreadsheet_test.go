package spreadsheet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/parcel"
)

func dec(s string) code.Decimal   { return code.MustDecimal(s) }
func pdec(s string) *code.Decimal { d := code.MustDecimal(s); return &d }

const ebpCode, ebpName = "420636E018", "丝路优选跨境商城"

// goodDrafts are the parcels of testdata/parcels.csv, exactly as Parse must give them.
var goodDrafts = []parcel.Draft{
	{
		TradeMode: "9610", OrderNo: "SO240901001", EbpCode: ebpCode, EbpName: ebpName,
		LogisticsCode: "4206360A21", LogisticsNo: "SG24090100001",
		Consignee: parcel.Consignee{Name: "Zofia Wójcik-Łęczyńska", Country: "PL", City: "Warszawa",
			Address: "ul. Marszałkowska 84/92 m. 15, 00-514 Warszawa", Phone: "+48 512 345 678"},
		DestinationCountry: "PL", Currency: "EUR",
		GrossWeightKg: dec("0.85"), NetWeightKg: dec("0.7"), Freight: dec("4.5"), InsuredFee: dec("0"),
		Items: []parcel.DraftItem{
			{ItemNo: "ITM-EAR-001", Gcode: "8518300000", Gname: "蓝牙耳机", Gmodel: "品牌:声悦|型号:TWS-X3|无线蓝牙",
				Qty: dec("2"), Unit: "007", Price: pdec("19.9"), TotalPrice: pdec("39.8"), OriginCountry: "CN", BarCode: "6901234567892", NetWeightKg: pdec("0.35")},
			{ItemNo: "ITM-TEE-L", Gcode: "6109100000", Gname: "纯棉T恤", Gmodel: "纯棉|男款|L码|白色",
				Qty: dec("3"), Unit: "011", Price: pdec("6.5"), TotalPrice: pdec("19.5"), OriginCountry: "CN", NetWeightKg: pdec("0.35")},
		},
	},
	{
		TradeMode: "9610", OrderNo: "SO240901002", EbpCode: ebpCode, EbpName: ebpName,
		LogisticsCode: "4206360A21", LogisticsNo: "SG24090100002",
		Consignee: parcel.Consignee{Name: "Jürgen Müller", Country: "DE", City: "Berlin",
			Address: "Friedrichstraße 123", Phone: "+49 30 1234567"},
		DestinationCountry: "DE", Currency: "EUR",
		GrossWeightKg: dec("0.62"), NetWeightKg: dec("0.48"), Freight: dec("6"), InsuredFee: dec("0.5"),
		Items: []parcel.DraftItem{
			{ItemNo: "ITM-PH-128", Gcode: "8517130000", Gname: "智能手机", Gmodel: "品牌:星联|型号:XL-6|128GB|蓝色",
				Qty: dec("1"), Unit: "007", Price: pdec("189"), TotalPrice: pdec("189"), OriginCountry: "CN", BarCode: "6901234567885"},
		},
	},
	{
		TradeMode: "1210", OrderNo: "SO240901003", EbpCode: ebpCode, EbpName: ebpName,
		LogisticsCode: "4206360A21", LogisticsNo: "SG24090100003",
		Consignee: parcel.Consignee{Name: "Kovács Éva", Country: "HU", City: "Budapest",
			Address: "Váci utca 12. 2/4", Phone: "+36 1 234 5678"},
		DestinationCountry: "HU", Currency: "USD",
		GrossWeightKg: dec("1.6"), NetWeightKg: dec("1.35"), Freight: dec("8"), InsuredFee: dec("0.8"),
		EmsNo: "T4206W000123",
		Items: []parcel.DraftItem{
			{ItemNo: "TOY-BLK-01", ItemRecordNo: "10001", Gcode: "9503008900", Gname: "积木玩具", Gmodel: "塑料|拼装积木|6岁以上",
				Qty: dec("2"), Unit: "140", Price: pdec("12.5"), TotalPrice: pdec("25"), OriginCountry: "CN", BarCode: "6923456789012", NetWeightKg: pdec("0.45")},
			{ItemNo: "TEE-KIDS-M", ItemRecordNo: "10002", Gcode: "6109100000", Gname: "儿童T恤", Gmodel: "纯棉|儿童|M码",
				Qty: dec("5"), Unit: "011", Price: pdec("4.2"), TotalPrice: pdec("21"), OriginCountry: "CN", NetWeightKg: pdec("0.45")},
			{ItemNo: "EAR-MINI", ItemRecordNo: "10003", Gcode: "8518300000", Gname: "迷你耳机", Gmodel: "有线|3.5mm",
				Qty: dec("1"), Unit: "007", Price: pdec("25"), OriginCountry: "CN", NetWeightKg: pdec("0.45")},
		},
	},
	{
		TradeMode: "9610", OrderNo: "SO240901004", EbpCode: ebpCode, EbpName: ebpName,
		LogisticsCode: "4206360A21", LogisticsNo: "SG24090100004",
		Consignee: parcel.Consignee{Name: "Nur Aisyah binti Ahmad", Country: "MY", City: "Kuala Lumpur",
			Address: "No. 8, Jalan Bukit Bintang, 55100", Phone: "+60 12-345 6789"},
		DestinationCountry: "MY", Currency: "CNY",
		GrossWeightKg: dec("0.45"), NetWeightKg: dec("0.4"), Freight: dec("35"), InsuredFee: dec("0"),
		Note: "寄件仓：杭州市西湖区文三路90号",
		Items: []parcel.DraftItem{
			{ItemNo: "TOY-PLUSH-02", Gcode: "9503008900", Gname: "毛绒玩具熊", Gmodel: "填充棉|30cm",
				Qty: dec("1"), Unit: "140", Price: pdec("68"), TotalPrice: pdec("68"), OriginCountry: "CN"},
		},
	},
	{
		TradeMode: "1210", OrderNo: "SO240901005",
		LogisticsCode: "4206980B15", LogisticsNo: "YT2409010005",
		Consignee: parcel.Consignee{Name: "Олександр Коваленко", Country: "POL", City: "Kraków",
			Address: "ul. Floriańska 15/3", Phone: "+48 600 100 200"},
		DestinationCountry: "PL", Currency: "CNY",
		GrossWeightKg: dec("2.3"), NetWeightKg: dec("2"), Freight: dec("40"), InsuredFee: dec("2"),
		EmsNo: "T4206W000123",
		Items: []parcel.DraftItem{
			{ItemNo: "ITM-PH-64", ItemRecordNo: "10004", Gcode: "8517130000", Gname: "智能手机", Gmodel: "品牌:星联|型号:XL-5|64GB",
				Qty: dec("1"), Unit: "007", Price: pdec("899"), TotalPrice: pdec("899"), OriginCountry: "CN", NetWeightKg: pdec("1")},
			{ItemNo: "ITM-TEE-M", ItemRecordNo: "10002", Gcode: "6109100000", Gname: "纯棉T恤", Gmodel: "纯棉|男款|M码|黑色",
				Qty: dec("2"), Unit: "011", Price: pdec("29.9"), TotalPrice: pdec("59.8"), OriginCountry: "CN", NetWeightKg: pdec("1")},
		},
	},
	{
		TradeMode: "9610", OrderNo: "SO240901006",
		LogisticsCode: "4206980B15", LogisticsNo: "YT2409010006",
		Consignee:          parcel.Consignee{Name: "Anna Schmidt", Country: "DE", City: "München", Address: "Leopoldstraße 7"},
		DestinationCountry: "DE", Currency: "USD",
		GrossWeightKg: dec("0.3"), NetWeightKg: dec("0.25"), Freight: dec("3.2"), InsuredFee: dec("0"),
		Items: []parcel.DraftItem{
			{ItemNo: "ITM-TEE-S", Gcode: "6109100000", Gname: "纯棉T恤", Gmodel: "纯棉|女款|S码",
				Qty: dec("1"), Unit: "011", Price: pdec("7.5"), TotalPrice: pdec("7.5"), OriginCountry: "CN", BarCode: "无"},
		},
	},
}

var goodRows = [][]int{{2, 3}, {4}, {5, 6, 7}, {8}, {9, 10}, {11}}

// goodSamples are the files that hold testdata/parcels.csv's parcels.
var goodSamples = []string{"parcels.csv", "parcels.xlsx", "parcels-chinese-headers.csv"}

func TestGoodSamples(t *testing.T) {
	for _, name := range goodSamples {
		t.Run(name, func(t *testing.T) {
			imp := mustParse(t, name, readSample(t, name))
			if imp.DataRows != 10 || len(imp.Parcels) != len(goodDrafts) {
				t.Fatalf("%d rows, %d parcels; want 10 rows, %d parcels", imp.DataRows, len(imp.Parcels), len(goodDrafts))
			}
			for i, p := range imp.Parcels {
				if !reflect.DeepEqual(p.Draft, goodDrafts[i]) {
					t.Errorf("parcel %d:\n got %s\nwant %s", i, show(p.Draft), show(goodDrafts[i]))
				}
				if !slices.Equal(p.Rows, goodRows[i]) {
					t.Errorf("parcel %d rows %v, want %v", i, p.Rows, goodRows[i])
				}
				if len(p.Problems) != 0 {
					t.Errorf("parcel %d problems: %v", i, p.Problems)
				}
				// Every draft passes the domain's own check once the uploader is known.
				d := p.Draft
				d.ExporterID = "exp-1"
				if _, err := parcel.Validate(d); err != nil {
					t.Errorf("parcel %d: Validate: %v", i, err)
				}
				p.Draft.ExporterID = "exp-1"
				f, errs := p.Validate()
				if errs != nil {
					t.Errorf("parcel %d: ParcelRows.Validate: %v", i, errs)
				}
				if f.LogisticsNo != goodDrafts[i].LogisticsNo || len(f.Items) != len(goodDrafts[i].Items) {
					t.Errorf("parcel %d: fields %+v", i, f)
				}
			}
		})
	}
}

func show(d parcel.Draft) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%+v", d)
	for _, it := range d.Items {
		fmt.Fprintf(&b, "\n   item %+v price %v total %v", it, it.Price, it.TotalPrice)
	}
	return b.String()
}

// wantSampleErrors are the problems of testdata/parcels-with-errors.*, in file order.
var wantSampleErrors = []domain.FieldError{
	{Field: "row 4, column V (gcode)", Code: "invalid_hs_code"},
	{Field: "row 6, column Y (qty)", Code: "invalid_number"},
	{Field: "row 8, column I (consigneeCity)", Code: "required"},
	{Field: "row 10, column M (currency)", Code: "conflicting_value"},
	{Field: "row 11, column B (logisticsNo)", Code: "required"},
	{Field: "row 12, column O (netWeightKg)", Code: "net_exceeds_gross"},
	{Field: "row 13, column Z (unit)", Code: "invalid_unit"},
	{Field: "row 14, column U (itemRecordNo)", Code: "required"},
	{Field: "row 16, column AA (price)", Code: "invalid_number"},
}

func TestErrorSamples(t *testing.T) {
	for _, name := range []string{"parcels-with-errors.csv", "parcels-with-errors.xlsx"} {
		t.Run(name, func(t *testing.T) {
			imp := mustParse(t, name, readSample(t, name))
			if imp.DataRows != 14 || len(imp.Parcels) != 10 {
				t.Fatalf("%d rows, %d parcels; want 14 rows (the blank one skipped), 10 parcels", imp.DataRows, len(imp.Parcels))
			}
			var got []domain.FieldError
			valid := 0
			for _, p := range imp.Parcels {
				p.Draft.ExporterID = "exp-1"
				_, errs := p.Validate()
				if errs == nil {
					valid++
				}
				for _, fe := range errs {
					if fe.Message == "" {
						t.Errorf("%s %s: no message", fe.Field, fe.Code)
					}
					got = append(got, domain.FieldError{Field: fe.Field, Code: fe.Code})
				}
			}
			if !reflect.DeepEqual(got, wantSampleErrors) {
				t.Errorf("errors:\n got %v\nwant %v", got, wantSampleErrors)
			}
			if valid != 2 {
				t.Errorf("%d valid parcels, want 2", valid)
			}

			// The same, by hand: Problems plus Locate over Validate's field errors.
			var manual []string
			for _, p := range imp.Parcels {
				for _, fe := range p.Problems {
					manual = append(manual, fe.Field+" "+string(fe.Code))
				}
				p.Draft.ExporterID = "exp-1"
				if _, err := parcel.Validate(p.Draft); err != nil {
					var de *domain.Error
					if !errors.As(err, &de) {
						t.Fatal(err)
					}
					for _, fe := range de.Fields {
						manual = append(manual, p.Locate(fe.Field)+" "+string(fe.Code))
					}
				}
			}
			for _, w := range wantSampleErrors {
				if !slices.Contains(manual, w.Field+" "+string(w.Code)) {
					t.Errorf("%s %s not found by Problems + Locate: %v", w.Field, w.Code, manual)
				}
			}
			// The unreadable qty is also "not positive" for Validate; ParcelRows.Validate
			// reports the cell once.
			if !slices.Contains(manual, "row 6, column Y (qty) must_be_positive") {
				t.Errorf("Validate's own view of row 6 missing: %v", manual)
			}
		})
	}
}

func TestChineseHeaders(t *testing.T) {
	imp := mustParse(t, "parcels-chinese-headers.csv", readSample(t, "parcels-chinese-headers.csv"))
	p := imp.Parcels[0]
	for field, want := range map[string]string{
		"items[1].gcode":     "row 3, column V (商品编码)",
		"consignee.name":     "row 2, column G (收货人)",
		"grossWeightKg":      "row 2, column N (毛重)",
		"destinationCountry": "row 2, column L (运抵国)",
	} {
		if got := p.Locate(field); got != want {
			t.Errorf("Locate(%q) = %q, want %q", field, got, want)
		}
	}
}

func TestBOM(t *testing.T) {
	withBOM := readSample(t, "parcels.csv")
	if !bytes.HasPrefix(withBOM, bomUTF8) {
		t.Fatal("testdata/parcels.csv should start with a BOM (Excel's CSV UTF-8 does)")
	}
	a := mustParse(t, "a.csv", withBOM)
	b := mustParse(t, "b.csv", bytes.TrimPrefix(withBOM, bomUTF8))
	if !reflect.DeepEqual(a, b) {
		t.Error("BOM changes the result")
	}
	if a.Parcels[0].Locate("logisticsCode") != "row 2, column A (logisticsCode)" {
		t.Errorf("the BOM leaked into the first header: %q", a.Parcels[0].Locate("logisticsCode"))
	}
}

// header is the documented header line.
var header = func() string {
	names := make([]string, len(Columns))
	for i, c := range Columns {
		names[i] = c.Name
	}
	return strings.Join(names, ",")
}()

// line builds a CSV data row from column=value pairs over the documented header.
func line(pairs ...string) string {
	cells := make([]string, len(Columns))
	for i := 0; i < len(pairs); i += 2 {
		j := slices.IndexFunc(Columns, func(c Column) bool { return c.Name == pairs[i] })
		if j < 0 {
			panic(pairs[i])
		}
		cells[j] = pairs[i+1]
	}
	return strings.Join(cells, ",")
}

var itemCells = []string{"gcode", "6109100000", "gname", "T恤", "gmodel", "纯棉", "qty", "1", "unit", "011", "price", "5", "originCountry", "CN"}

func parcelCells(no string, more ...string) []string {
	base := []string{"logisticsCode", "4206360A21", "logisticsNo", no, "tradeMode", "9610", "orderNo", "O-" + no,
		"consigneeName", "Jan Kowalski", "consigneeCountry", "PL", "consigneeCity", "Łódź", "consigneeAddress", "ul. Piotrkowska 1",
		"destinationCountry", "PL", "currency", "CNY", "grossWeightKg", "1", "netWeightKg", "0.8"}
	return append(append(base, itemCells...), more...)
}

func csvOf(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n") }

func TestGroupingFirstAppearanceOrder(t *testing.T) {
	imp := mustParse(t, "g.csv", csvOf(header,
		line(parcelCells("A1")...),
		line(parcelCells("B1")...),
		line(append(parcelCells("A1"), "gname", "second line of A1")...),
		line(append(parcelCells("A1"), "logisticsCode", "4206360a21", "gname", "lower-case carrier code, same parcel")...),
		line(append(parcelCells("A1"), "logisticsCode", "4206980B15")...), // another carrier: another parcel
	))
	var got []string
	for _, p := range imp.Parcels {
		got = append(got, fmt.Sprintf("%s:%s %v", p.Draft.LogisticsCode, p.Draft.LogisticsNo, p.Rows))
	}
	want := []string{"4206360A21:A1 [2 4 5]", "4206360A21:B1 [3]", "4206980B15:A1 [6]"}
	if !slices.Equal(got, want) {
		t.Errorf("parcels %v, want %v", got, want)
	}
	if it := imp.Parcels[0].Draft.Items; len(it) != 3 || it[1].Gname != "second line of A1" {
		t.Errorf("items %+v", it)
	}
	if p := imp.Parcels[0]; p.Locate("items[2].gname") != "row 5, column W (gname)" || p.Locate("items") != "row 2" {
		t.Errorf("Locate: %q, %q", p.Locate("items[2].gname"), p.Locate("items"))
	}
}

func TestConflictingValues(t *testing.T) {
	first := parcelCells("A1", "freight", "4.50")
	imp := mustParse(t, "c.csv", csvOf(header,
		line(first...),
		// Same values (4.5 is 4.50) or left empty: no conflict.
		line("logisticsCode", "4206360A21", "logisticsNo", "A1", "freight", "4.5", "currency", "CNY", "gcode", "6109100000"),
		// Different values, and one the first row left empty.
		line(parcelCells("A1", "freight", "5", "consigneeCity", "Kraków", "note", "fragile")...),
	))
	if len(imp.Parcels) != 1 {
		t.Fatalf("%d parcels", len(imp.Parcels))
	}
	var got []string
	for _, fe := range imp.Parcels[0].Problems {
		got = append(got, fe.Field+" "+string(fe.Code))
	}
	want := []string{
		"row 4, column I (consigneeCity) conflicting_value",
		"row 4, column P (freight) conflicting_value",
		"row 4, column S (note) conflicting_value",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	if d := imp.Parcels[0].Draft; d.Consignee.City != "Łódź" || d.Freight != dec("4.5") || d.Note != "" {
		t.Errorf("parcel values must come from the first row: %+v", d)
	}
	if msg := imp.Parcels[0].Problems[2].Message; !strings.Contains(msg, "left empty in row 2") {
		t.Errorf("message %q", msg)
	}
}

func TestRowsWithoutLogisticsNo(t *testing.T) {
	imp := mustParse(t, "n.csv", csvOf(header,
		line(parcelCells("")...),
		line(parcelCells("")...),
	))
	if len(imp.Parcels) != 2 || !slices.Equal(imp.Parcels[1].Rows, []int{3}) {
		t.Fatalf("each row without logisticsNo is a parcel of its own: %+v", imp.Parcels)
	}
	p := imp.Parcels[1]
	p.Draft.ExporterID = "e"
	_, errs := p.Validate()
	if len(errs) != 1 || errs[0].Field != "row 3, column B (logisticsNo)" || errs[0].Code != "required" {
		t.Errorf("errors %v", errs)
	}
}

func TestBlankRowsAndRowNumbers(t *testing.T) {
	content := []byte("\r\n" + // row 1 blank: the header is the first row with something in it
		header + "\r\n" + // row 2
		"\r\n" + // row 3: an empty line
		strings.Repeat(",", len(Columns)-1) + "\r\n" + // row 4: only separators
		"  ,\t, \r\n" + // row 5: only spaces
		line(append(parcelCells("A1"), "consigneeAddress", "\"ul. Długa 5\nm. 3\"")...) + "\r\n" + // rows 6: two lines, one row
		line(parcelCells("B1")...) + "\r\n" + // row 7
		"\r\n\r\n") // trailing blank rows
	imp := mustParse(t, "b.csv", content)
	if imp.DataRows != 2 || len(imp.Parcels) != 2 {
		t.Fatalf("%d rows, %d parcels", imp.DataRows, len(imp.Parcels))
	}
	if imp.Parcels[0].Rows[0] != 6 || imp.Parcels[1].Rows[0] != 7 {
		t.Errorf("rows %v %v, want [6] [7]", imp.Parcels[0].Rows, imp.Parcels[1].Rows)
	}
	if got := imp.Parcels[0].Draft.Consignee.Address; got != "ul. Długa 5\nm. 3" {
		t.Errorf("address %q", got)
	}
}

func TestLocate(t *testing.T) {
	imp := mustParse(t, "l.csv", csvOf(
		"gcode,qty,logisticsNo,logisticsCode,tradeMode,orderNo,consigneeName,consigneeCountry,consigneeCity,consigneeAddress,destinationCountry,currency,grossWeightKg,netWeightKg,gname,gmodel,unit,price,originCountry",
		"6109100000,1,A1,4206360A21,1210,O1,Jan,PL,Gdańsk,ul. X 1,PL,CNY,1,1,T,M,011,1,CN",
		"6109100000,1,A1,4206360A21,,,,,,,,,,,T,M,011,1,CN",
	))
	p := imp.Parcels[0]
	for field, want := range map[string]string{
		"items[0].gcode":        "row 2, column A (gcode)",
		"items[1].qty":          "row 3, column B (qty)",
		"items[1].itemRecordNo": "row 3, column itemRecordNo", // not in the file
		"items[1]":              "row 3",
		"items[7].gcode":        "row 2, column A (gcode)", // no such item: the first row
		"items[x].gcode":        "row 2, column A (gcode)",
		"items":                 "row 2",
		"exporterId":            "row 2",
		"emsNo":                 "row 2, column emsNo",
		"consignee.name":        "row 2, column G (consigneeName)",
		"consignee.phone":       "row 2, column consigneePhone",
		"gcode":                 "row 2", // an item field without an item
		"items[0].tradeMode":    "row 2", // a parcel field inside an item
		"":                      "row 2",
	} {
		if got := p.Locate(field); got != want {
			t.Errorf("Locate(%q) = %q, want %q", field, got, want)
		}
	}
	// A 1210 parcel whose file has no emsNo or itemRecordNo column: Validate's errors still land.
	_, errs := p.Validate()
	var got []string
	for _, fe := range errs {
		got = append(got, fe.Field+" "+string(fe.Code))
	}
	// exporterId (not set here), then in Validate's order: items before emsNo.
	want := []string{"row 2 required", "row 2, column itemRecordNo required", "row 2, column emsNo required", "row 3, column itemRecordNo required"}
	if !slices.Equal(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
	if (ParcelRows{}).Locate("gcode") != "gcode" {
		t.Error("a ParcelRows without rows locates nothing")
	}
}

func TestHeaderMatching(t *testing.T) {
	hdr := strings.Split(header, ",")
	hdr[0] = " LOGISTICSCODE "
	hdr[1] = "*物流运单编号"
	hdr[2] = "监管方式"
	hdr[13] = "毛重（千克）"
	hdr[14] = "NetWeightKg (kg)"
	hdr[21] = "HS编码"
	imp := mustParse(t, "h.csv", csvOf(strings.Join(hdr, ","), line(parcelCells("A1")...)))
	d := imp.Parcels[0].Draft
	if d.LogisticsCode != "4206360A21" || d.LogisticsNo != "A1" || d.TradeMode != "9610" ||
		d.GrossWeightKg != dec("1") || d.NetWeightKg != dec("0.8") || d.Items[0].Gcode != "6109100000" {
		t.Errorf("draft %+v", d)
	}
	if got := imp.Parcels[0].Locate("grossWeightKg"); got != "row 2, column N (毛重（千克）)" {
		t.Errorf("Locate = %q", got)
	}
}

func TestHeaderErrors(t *testing.T) {
	hdr := strings.Split(header, ",")
	with := func(f func(h []string) []string) []byte {
		return csvOf(strings.Join(f(slices.Clone(hdr)), ","), line(parcelCells("A1")...))
	}
	cases := []struct {
		name    string
		content []byte
		want    FileError
		mention string
	}{
		{"unknown", with(func(h []string) []string { h[5] = "platform"; h[6] = "颜色"; return h }),
			FileError{Row: 1, Column: "F", Code: CodeUnknownColumn}, `"颜色" (column G)`},
		{"duplicate", with(func(h []string) []string { return append(h, "物流运单编号") }),
			FileError{Row: 1, Column: "AI", Code: CodeDuplicateColumn}, "already in column B"},
		{"missing", with(func(h []string) []string { return slices.Delete(h, 21, 23) }), // gcode, gname
			FileError{Row: 1, Code: CodeMissingColumn}, "gcode (商品编码), gname (商品名称)"},
		{"missing after blank rows", append([]byte("\n\n"), with(func(h []string) []string { return h[1:] })...),
			FileError{Row: 3, Code: CodeMissingColumn}, "logisticsCode (物流企业代码)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.csv", c.content, 0)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err %v", err)
			}
			if fe.Row != c.want.Row || fe.Column != c.want.Column || fe.Code != c.want.Code {
				t.Errorf("got %+v, want %+v", *fe, c.want)
			}
			if !strings.Contains(fe.Message, c.mention) {
				t.Errorf("message %q does not mention %q", fe.Message, c.mention)
			}
			// It is an Invalid domain error too.
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Code != c.want.Code || domain.KindOf(err) != domain.KindInvalid {
				t.Errorf("as domain error: %+v", de)
			}
		})
	}
}

func TestTooManyRows(t *testing.T) {
	for _, name := range []string{"parcels.csv", "parcels.xlsx"} {
		_, err := Parse(name, readSample(t, name), 3)
		var fe *FileError
		if !errors.As(err, &fe) || fe.Code != CodeTooManyRows || fe.Row != 5 || !strings.Contains(fe.Message, "more than 3") {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := Parse(name, readSample(t, name), 10); err != nil {
			t.Errorf("%s: exactly the limit: %v", name, err)
		}
	}
	// Blank rows do not count.
	if _, err := Parse("b.csv", csvOf(header, line(parcelCells("A1")...), ",,", "", ",,,"), 1); err != nil {
		t.Errorf("blank rows counted: %v", err)
	}
}

func TestNotUTF8(t *testing.T) {
	gbk := []byte("\xce\xef\xc1\xf7\xd4\xcb\xb5\xa5\xb1\xe0\xba\xc5,\xca\xd5\xbb\xf5\xc8\xcb\r\nSG1,\xd5\xc5\xce\xb0\r\n") // 物流运单编号,收货人 / SG1,张伟 in GBK
	utf16 := []byte{0xFF, 0xFE, 'l', 0, 'o', 0}
	late := append(csvOf(header, line(parcelCells("A1")...)), []byte("4206360A21,\xd5\xc5\xce\xb0\r\n")...)
	for name, c := range map[string]struct {
		content []byte
		row     int
	}{"gbk": {gbk, 1}, "utf16": {utf16, 0}, "gbk in row 3": {late, 3}} {
		_, err := Parse("x.csv", c.content, 0)
		var fe *FileError
		if !errors.As(err, &fe) || fe.Code != CodeNotUTF8 || fe.Row != c.row || !strings.Contains(fe.Message, "CSV UTF-8") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEmptyFiles(t *testing.T) {
	for name, content := range map[string][]byte{
		"nothing":        nil,
		"bom":            bomUTF8,
		"blank lines":    []byte("\r\n\r\n ,, \r\n"),
		"header only":    csvOf(header),
		"header, blanks": csvOf(header, ",,,", ""),
	} {
		_, err := Parse("e.csv", content, 0)
		var fe *FileError
		if !errors.As(err, &fe) || fe.Code != CodeEmptyFile {
			t.Errorf("%s: %v", name, err)
		}
	}
	// An empty workbook too.
	f := excelize.NewFile()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("e.xlsx", buf.Bytes(), 0); fileCode(err) != CodeEmptyFile {
		t.Errorf("empty workbook: %v", err)
	}
}

// fileCode is the FileError code of err, "" for nil.
func fileCode(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return string(fe.Code)
	}
	if err != nil {
		return "?" + err.Error()
	}
	return ""
}

func TestExtraCells(t *testing.T) {
	imp := mustParse(t, "x.csv", csvOf(header+",,",
		line(parcelCells("A1")...)+",,",                     // empty cells under empty headers: fine
		line(parcelCells("B1")...)+",,oops",                 // a value under an empty header
		line(parcelCells("C1")...)+",,,",                    // longer than the header
		line(parcelCells("D1")...)+`,,,"Gdańsk, 5"`,         // longer, with a value
		strings.TrimSuffix(line(parcelCells("E1")...), ","), // shorter: fine (the missing cells are empty)
	))
	var got []string
	for _, p := range imp.Parcels {
		for _, fe := range p.Problems {
			got = append(got, fe.Field+" "+string(fe.Code))
		}
	}
	want := []string{"row 3, column AJ no_header", "row 4, column AK too_many_cells", "row 5, column AK too_many_cells"}
	if !slices.Equal(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
}

func TestSemicolonsAndTabs(t *testing.T) {
	want := mustParse(t, "c.csv", csvOf(header, line(parcelCells("A1")...)))
	for _, sep := range []string{";", "\t"} {
		imp := mustParse(t, "s.csv", csvOf(strings.ReplaceAll(header, ",", sep), strings.ReplaceAll(line(parcelCells("A1")...), ",", sep)))
		if !reflect.DeepEqual(imp, want) {
			t.Errorf("separator %q: %+v", sep, imp.Parcels)
		}
	}
}

func TestUnreadableFiles(t *testing.T) {
	for name, c := range map[string]struct {
		filename string
		content  []byte
		row      int
	}{
		"bare quote":      {"q.csv", csvOf(header, line(append(parcelCells("A1"), "gmodel", `5" screen`)...)), 2},
		"xls":             {"old.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, 0},
		"xlsx named, csv": {"p.xlsx", csvOf(header), 0},
		"broken zip":      {"p.xlsx", []byte("PK\x03\x04 not really a zip"), 0},
	} {
		_, err := Parse(c.filename, c.content, 0)
		var fe *FileError
		if !errors.As(err, &fe) || fe.Code != CodeUnreadableFile || fe.Row != c.row {
			t.Errorf("%s: %#v", name, err)
		}
	}
}

// TestDraftFieldsFollowValidate checks the Required flags against parcel.Validate: blanking a
// required column's cell makes a valid 9610 parcel fail at that cell, blanking an optional one
// does not.
func TestDraftFieldsFollowValidate(t *testing.T) {
	base := append(parcelCells("A1"), "ebpCode", "914403001922038216", "ebpName", "平台", "consigneePhone", "+48 1",
		"freight", "1", "insuredFee", "0.1", "emsNo", "E1", "note", "n", "itemNo", "I1", "itemRecordNo", "R1",
		"totalPrice", "5", "barCode", "690")
	check := func(pairs []string) []domain.FieldError {
		imp := mustParse(t, "v.csv", csvOf(header, line(pairs...)))
		p := imp.Parcels[0]
		p.Draft.ExporterID = "e"
		_, errs := p.Validate()
		return errs
	}
	if errs := check(base); errs != nil {
		t.Fatalf("base row invalid: %v", errs)
	}
	var required []string
	for i, c := range Columns {
		blanked := append(slices.Clone(base), c.Name, "")
		errs := check(blanked)
		if c.Required != (errs != nil) {
			t.Errorf("%s: Required %v, but a blank cell gives %v", c.Name, c.Required, errs)
		}
		if errs != nil {
			want := fmt.Sprintf("row 2, column %s (%s)", columnLetter(i), c.Name)
			if errs[0].Field != want {
				t.Errorf("%s blank: %v, want at %s", c.Name, errs, want)
			}
			required = append(required, c.Name)
		}
	}
	want := []string{"logisticsCode", "logisticsNo", "tradeMode", "orderNo", "consigneeName", "consigneeCountry",
		"consigneeCity", "consigneeAddress", "destinationCountry", "currency", "grossWeightKg", "netWeightKg",
		"gcode", "gname", "gmodel", "qty", "unit", "price", "originCountry"}
	if !slices.Equal(required, want) {
		t.Errorf("required %v, want %v", required, want)
	}
}

func TestColumnsTable(t *testing.T) {
	want := strings.Split(strings.TrimPrefix(string(readSample(t, "parcels.csv")), "\uFEFF"), "\r\n")[0]
	if header != want {
		t.Errorf("Columns order %q, sample header %q", header, want)
	}
	zh := strings.Split(strings.TrimPrefix(string(readSample(t, "parcels-chinese-headers.csv")), "\uFEFF"), "\r\n")[0]
	for i, h := range strings.Split(zh, ",") {
		if Columns[i].Chinese != h {
			t.Errorf("column %d: Chinese %q, sample %q", i, Columns[i].Chinese, h)
		}
	}
	for _, c := range columns {
		n := 0
		for _, set := range []bool{c.setParcel != nil, c.setParcelDec != nil, c.setItem != nil, c.setItemDec != nil} {
			if set {
				n++
			}
		}
		if n != 1 || (c.Level == LevelItem) != (c.setItem != nil || c.setItemDec != nil) || (c.Level == LevelItem) != strings.HasPrefix(c.Field, "items[].") {
			t.Errorf("%s: setters or level inconsistent", c.Name)
		}
	}
	// The doc comment on Columns carries the README table: keep it true.
	src, err := os.ReadFile("columns.go")
	if err != nil {
		t.Fatal(err)
	}
	var doc []string
	for _, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "// |") {
			doc = append(doc, strings.TrimPrefix(l, "// "))
		}
	}
	if got, want := strings.Join(doc, "\n"), markdownTable(); got != want {
		t.Errorf("the table in the Columns comment is stale; it should read:\n%s", want)
	}
	// And the aliases paragraph names every alias.
	aliases := regexp.MustCompile(`(?s)// Accepted aliases: (.*?)\nvar Columns`).FindStringSubmatch(string(src))
	if aliases == nil {
		t.Fatal("no aliases paragraph")
	}
	for _, c := range Columns {
		for _, a := range c.Aliases {
			if !strings.Contains(aliases[1], a) {
				t.Errorf("alias %q of %s is not documented", a, c.Name)
			}
		}
	}
}

// markdownTable is the README table of Columns.
func markdownTable() string {
	var b strings.Builder
	b.WriteString("| Column | 中文表头 | Level | Required | Description |\n|---|---|---|---|---|")
	for _, c := range Columns {
		req := "no"
		if c.Required {
			req = "yes"
		}
		fmt.Fprintf(&b, "\n| %s | %s | %s | %s | %s |", c.Name, c.Chinese, c.Level, req, c.Description)
	}
	return b.String()
}

// TestREADMEColumnTable keeps the README's spreadsheet table what Columns says.
func TestREADMEColumnTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := markdownTable(); !strings.Contains(string(readme), want+"\n") {
		t.Errorf("README.md lacks the spreadsheet columns table or has a stale one; it should read:\n%s", want)
	}
}
