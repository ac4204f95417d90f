package spreadsheet

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/silkgate/silkgate/domain/parcel"
)

// formatted is a number cell with a custom number format.
type formatted struct {
	v   float64
	fmt string
}

// rich is a text cell written as rich text runs.
type rich []string

// workbook writes rows into the first sheet of a new workbook ("Sheet1"): a string is a text
// cell, a float64 or int a number cell, a formatted a number cell with a number format, nil
// nothing. A nil row is an empty row. extra sheets follow with a text header each.
func workbook(t testing.TB, rows [][]any, extra ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			var err error
			switch v := v.(type) {
			case nil:
			case string:
				err = f.SetCellStr("Sheet1", ref, v)
			case formatted:
				code := v.fmt
				style, serr := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
				if serr != nil {
					t.Fatal(serr)
				}
				if err = f.SetCellFloat("Sheet1", ref, v.v, -1, 64); err == nil {
					err = f.SetCellStyle("Sheet1", ref, ref, style)
				}
			case rich:
				var runs []excelize.RichTextRun
				for _, s := range v {
					runs = append(runs, excelize.RichTextRun{Text: s, Font: &excelize.Font{Bold: true}})
				}
				err = f.SetCellRichText("Sheet1", ref, runs)
			default:
				err = f.SetCellValue("Sheet1", ref, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range extra {
		if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStr(name, "A1", "not a column"); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var xlsxHeader = []any{"logisticsCode", "logisticsNo", "tradeMode", "orderNo", "consigneeName", "consigneeCountry",
	"consigneeCity", "consigneeAddress", "destinationCountry", "currency", "grossWeightKg", "netWeightKg",
	"gcode", "gname", "gmodel", "qty", "unit", "price", "totalPrice", "originCountry"}

func xlsxRow(no any, gcode, qty, unit, price, total any) []any {
	return []any{"4206360A21", no, "9610", "SO-1", "Paweł Żuk", "PL", "Poznań", "ul. Święty Marcin 1", "PL", "EUR",
		1.25, 1, gcode, rich{"蓝牙", "耳机"}, "无线", qty, unit, price, total, "CN"}
}

func TestXLSXCellValues(t *testing.T) {
	content := workbook(t, [][]any{
		xlsxHeader,
		xlsxRow("A1", 8517130000, 2, "011", 12.5, 25),   // row 2: numbers as numbers, a unit as text
		xlsxRow("A1", "8518300000", 3, 7, 0.1+0.2, nil), // row 3: a unit typed as the number 7; float noise
		xlsxRow("A1", 6109100000, formatted{12.5, "0"}, formatted{7, "000"}, formatted{1234.5, "#,##0.00"}, formatted{0.5, "0%"}),
		nil, // row 5: empty
		{nil, "  ", nil},
		xlsxRow(123456789012345678, 9503008900, 1, "001", formatted{8.2, `"¥"#,##0.00`}, nil), // row 7
	})
	imp := mustParse(t, "cells.xlsx", content)
	if imp.Format != FormatXLSX || imp.DataRows != 4 || len(imp.Parcels) != 2 {
		t.Fatalf("%s, %d rows, %d parcels", imp.Format, imp.DataRows, len(imp.Parcels))
	}
	a, b := imp.Parcels[0], imp.Parcels[1]
	if !slices.Equal(a.Rows, []int{2, 3, 4}) || !slices.Equal(b.Rows, []int{7}) {
		t.Errorf("rows %v %v", a.Rows, b.Rows)
	}
	type cell struct{ gcode, qty, unit, price, total string }
	var got []cell
	for _, p := range imp.Parcels {
		for _, it := range p.Draft.Items {
			c := cell{it.Gcode, it.Qty.String(), it.Unit, "-", "-"}
			if it.Price != nil {
				c.price = it.Price.String()
			}
			if it.TotalPrice != nil {
				c.total = it.TotalPrice.String()
			}
			got = append(got, c)
		}
	}
	want := []cell{
		{"8517130000", "2", "011", "12.5", "25"},
		{"8518300000", "3", "7", "0.3", "-"},           // 7 stays 7: Validate says it is no unit
		{"6109100000", "12.5", "007", "1234.5", "0.5"}, // what the cells hold; "000" shows 007
		{"9503008900", "1", "001", "8.2", "-"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cells\n got %v\nwant %v", got, want)
	}
	if d := a.Draft; d.GrossWeightKg != dec("1.25") || d.NetWeightKg != dec("1") || d.Consignee.Name != "Paweł Żuk" ||
		d.Consignee.City != "Poznań" || d.Items[0].Gname != "蓝牙耳机" {
		t.Errorf("draft %+v", d)
	}
	// An 18-digit number has lost its tail in Excel: say so at the cell.
	if len(b.Problems) != 1 || b.Problems[0].Field != "row 7, column B (logisticsNo)" || b.Problems[0].Code != CodePrecisionLost {
		t.Errorf("problems %v", b.Problems)
	}
	if b.Draft.LogisticsNo != "123456789012346000" { // what Excel kept (15 digits)
		t.Errorf("logisticsNo %q", b.Draft.LogisticsNo)
	}
	a.Draft.ExporterID = "e"
	_, errs := a.Validate()
	if len(errs) != 2 || errs[0].Field != "row 3, column Q (unit)" || errs[0].Code != "invalid_unit" ||
		errs[1].Field != "row 4, column S (totalPrice)" || errs[1].Code != "total_price_mismatch" {
		t.Errorf("errors %v", errs)
	}
}

func TestXLSXFirstSheetOnly(t *testing.T) {
	content := workbook(t, [][]any{xlsxHeader, xlsxRow("A1", 8517130000, 1, "007", 10, nil)}, "Notes", "Lists")
	imp := mustParse(t, "two-sheets.xlsx", content)
	if len(imp.Parcels) != 1 || imp.Parcels[0].Draft.Items[0].Gcode != "8517130000" {
		t.Errorf("parcels %+v", imp.Parcels)
	}
}

func TestXLSXHeaderAndValues(t *testing.T) {
	hdr := slices.Clone(xlsxHeader)
	hdr = append(hdr, nil, "颜色")
	_, err := Parse("h.xlsx", workbook(t, [][]any{hdr, xlsxRow("A1", 8517130000, 1, "007", 10, nil)}), 0)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Code != CodeUnknownColumn || fe.Row != 1 || fe.Column != "V" || !strings.Contains(fe.Message, "颜色") {
		t.Fatalf("err %v", err)
	}
	// A value beyond the header is a problem of its row; an empty styled cell is not.
	row := append(xlsxRow("A1", 8517130000, 1, "007", 10, nil), nil, nil, "stray")
	imp := mustParse(t, "v.xlsx", workbook(t, [][]any{xlsxHeader, row}))
	if p := imp.Parcels[0].Problems; len(p) != 1 || p[0].Field != "row 2, column W" || p[0].Code != CodeNoHeader {
		t.Errorf("problems %v", p)
	}
}

// TestXLSXMatchesCSV builds a workbook and a CSV of the same rows and expects the same import.
func TestXLSXMatchesCSV(t *testing.T) {
	for _, name := range []string{"parcels.csv", "parcels-with-errors.csv", "parcels-chinese-headers.csv"} {
		data := readSample(t, name)
		fromCSV := mustParse(t, name, data)
		fromXLSX := mustParse(t, "x.xlsx", workbookFromCSV(t, data))
		if !reflect.DeepEqual(fromCSV.Parcels, fromXLSX.Parcels) || fromCSV.DataRows != fromXLSX.DataRows {
			t.Errorf("%s: CSV and XLSX differ", name)
		}
	}
}

func TestParcelRowsValidateKeepsFields(t *testing.T) {
	imp := mustParse(t, "p.csv", readSample(t, "parcels.csv"))
	p := imp.Parcels[4]
	p.Draft.ExporterID = "exp"
	f, errs := p.Validate()
	if errs != nil {
		t.Fatal(errs)
	}
	// Validate normalises: POL → PL, totalPrice present on every line.
	if f.Consignee.Country != "PL" || f.Consignee.Name != "Олександр Коваленко" || f.GoodsValue() != dec("958.8") {
		t.Errorf("fields %+v", f)
	}
	var _ parcel.Fields = f
}

// TestNumberText: a number cell is its value at Excel's 15 digits, padded only by a format of
// zeros; text cells keep their text as it is (TestXLSXCellValues).
func TestNumberText(t *testing.T) {
	for _, c := range []struct {
		raw  string
		pad  int
		want string
		lost bool
	}{
		{"8517130000", 0, "8517130000", false},                  // a 10-digit HS code typed as a number
		{"1.23456789012346E+17", 0, "123456789012346000", true}, // Excel's 18-digit number
		{"123456789012345678", 0, "123456789012346000", true},
		{"123456789012345678", 3, "123456789012346000", true},
		{"12.300000000000001", 0, "12.3", false},
		{"0.30000000000000004", 0, "0.3", false},
		{"12.5", 0, "12.5", false}, // format "0" shows 13: the value, not the rounding
		{"1234.5", 0, "1234.5", false},
		{"1E-3", 0, "0.001", false},
		{"7", 0, "7", false},   // General: no guessing
		{"7", 3, "007", false}, // "000": what Excel shows and exports
		{"0", 3, "000", false},
		{"-7", 3, "-7", false},
		{"7.5", 3, "7.5", false},
		{"1234", 3, "1234", false},
		{"1E400", 0, "1E400", false}, // not a number Excel holds: as it is
		{"abc", 0, "abc", false},
		{"", 0, "", false},
	} {
		got, lost := numberText(c.raw, c.pad)
		if got != c.want || lost != c.lost {
			t.Errorf("numberText(%q, %d) = %q, %v; want %q, %v", c.raw, c.pad, got, lost, c.want, c.lost)
		}
	}
	for code, want := range map[string]int{"000": 3, "00000": 5, "0": 0, "000;-000": 3, "0.00": 0, `"¥"#,##0.00`: 0, "@": 0, "": 0} {
		if got := zeroPadding(code); got != want {
			t.Errorf("zeroPadding(%q) = %d, want %d", code, got, want)
		}
	}
}

// TestSharedStringsAndEscapes: a shared string is its runs without their phonetic guide, and
// Excel's escapes of characters XML cannot hold come back as the characters.
func TestSharedStringsAndEscapes(t *testing.T) {
	for in, want := range map[string]string{"a_x000D_b": "a\rb", "_x005F_x000D_": "_x000D_", "_x00": "_x00", "x_xZZZZ_y": "x_xZZZZ_y", "": ""} {
		if got := unescapeExcel(in); got != want {
			t.Errorf("unescapeExcel(%q) = %q, want %q", in, got, want)
		}
	}
	row := `<row r="2"><c r="B2" t="s"><v>1</v></c><c r="M2" t="s"><v>0</v></c><c r="N2" t="inlineStr"><is><t>耳_x000A_机</t></is></c></row>`
	content := hostileWorkbook(t, headerRow+row, repeat{}, `<si><t>8517130000</t></si><si><r><t>东京</t></r><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><r><t xml:space="preserve"> 1</t></r></si>`, false)
	imp := mustParse(t, "sst.xlsx", content)
	d := imp.Parcels[0].Draft
	if d.LogisticsNo != "东京 1" || d.Items[0].Gcode != "8517130000" || d.Items[0].Gname != "耳\n机" {
		t.Errorf("logisticsNo %q, gcode %q, gname %q", d.LogisticsNo, d.Items[0].Gcode, d.Items[0].Gname)
	}
}

// TestXLSXStoredExponent writes a number the way Excel stores an 18-digit one.
func TestXLSXStoredExponent(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	for c, h := range xlsxHeader {
		ref, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := f.SetCellStr("Sheet1", ref, h.(string)); err != nil {
			t.Fatal(err)
		}
	}
	for c, v := range xlsxRow("A1", "8517130000", "1", "007", "10", nil) {
		ref, _ := excelize.CoordinatesToCellName(c+1, 2)
		s, ok := v.(string)
		if !ok {
			s = "1"
		}
		if err := f.SetCellStr("Sheet1", ref, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellDefault("Sheet1", "B2", "1.23456789012346E+17"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	imp := mustParse(t, "e.xlsx", buf.Bytes())
	p := imp.Parcels[0]
	if p.Draft.LogisticsNo != "123456789012346000" || len(p.Problems) != 1 || p.Problems[0].Code != CodePrecisionLost ||
		p.Problems[0].Field != "row 2, column B (logisticsNo)" {
		t.Errorf("logisticsNo %q, problems %v", p.Draft.LogisticsNo, p.Problems)
	}
}
