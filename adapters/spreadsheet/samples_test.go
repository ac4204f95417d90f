package spreadsheet

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// go test ./adapters/spreadsheet -run TestSampleWorkbooks -update rewrites testdata/*.xlsx from
// the CSV samples of the same name.
var update = flag.Bool("update", false, "rewrite testdata/*.xlsx from the CSV samples")

// workbookSamples are the CSV samples that have an .xlsx twin.
var workbookSamples = []string{"parcels", "parcels-with-errors"}

// numberColumns are written as Excel numbers, as a firm typing the sheet would have them; every
// other column is text (a unit "011" keeps its zero).
var numberColumns = map[string]bool{
	"grossWeightKg": true, "netWeightKg": true, "freight": true, "insuredFee": true,
	"qty": true, "price": true, "totalPrice": true, "gcode": true,
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// workbookFromCSV writes the records of a CSV sample into the first sheet of a new workbook,
// row for row: number columns as numbers (when the cell is a number), the rest as text, the
// header bold, text-formatted columns so that codes typed later keep their zeros.
func workbookFromCSV(t testing.TB, content []byte) []byte {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(content, bomUTF8)))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	if err := f.SetSheetName(sheet, "parcels"); err != nil {
		t.Fatal(err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		t.Fatal(err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@"
	if err != nil {
		t.Fatal(err)
	}
	header := records[0]
	for c, h := range header {
		col := columnLetter(c)
		if !numberColumns[h] {
			if err := f.SetColStyle("parcels", col, text); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SetColWidth("parcels", col, col, 14); err != nil {
			t.Fatal(err)
		}
	}
	for i, rec := range records {
		for c, v := range rec {
			if v == "" {
				continue
			}
			ref, _ := excelize.CoordinatesToCellName(c+1, i+1)
			if n, err := strconv.ParseFloat(v, 64); err == nil && i > 0 && numberColumns[header[c]] {
				err = f.SetCellFloat("parcels", ref, n, -1, 64)
				if err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := f.SetCellStr("parcels", ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SetRowStyle("parcels", 1, 1, bold); err != nil {
		t.Fatal(err)
	}
	if err := f.SetPanes("parcels", &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSampleWorkbooks checks that each .xlsx sample reads exactly as its CSV twin (and rewrites
// the workbooks with -update).
func TestSampleWorkbooks(t *testing.T) {
	for _, name := range workbookSamples {
		t.Run(name, func(t *testing.T) {
			csvData := readSample(t, name+".csv")
			if *update {
				if err := os.WriteFile(filepath.Join("testdata", name+".xlsx"), workbookFromCSV(t, csvData), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			fromCSV := mustParse(t, name+".csv", csvData)
			fromXLSX := mustParse(t, name+".xlsx", readSample(t, name+".xlsx"))
			if fromCSV.Format != FormatCSV || fromXLSX.Format != FormatXLSX {
				t.Fatalf("formats %q and %q", fromCSV.Format, fromXLSX.Format)
			}
			if fromCSV.DataRows != fromXLSX.DataRows {
				t.Errorf("data rows: CSV %d, XLSX %d", fromCSV.DataRows, fromXLSX.DataRows)
			}
			if !reflect.DeepEqual(fromCSV.Parcels, fromXLSX.Parcels) {
				t.Errorf("CSV and XLSX differ:\n csv: %+v\nxlsx: %+v", fromCSV.Parcels, fromXLSX.Parcels)
			}
			// And a workbook made now from the CSV reads the same too (the committed one is not stale).
			fresh := mustParse(t, name+".xlsx", workbookFromCSV(t, csvData))
			if !reflect.DeepEqual(fresh.Parcels, fromXLSX.Parcels) {
				t.Errorf("testdata/%s.xlsx is stale: run go test -run TestSampleWorkbooks -update", name)
			}
		})
	}
}

func mustParse(t testing.TB, name string, content []byte) *Import {
	t.Helper()
	imp, err := Parse(name, content, DefaultMaxRows)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return imp
}
