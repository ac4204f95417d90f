package spreadsheet

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain"
)

var fileErrorCodes = []domain.Code{CodeUnknownColumn, CodeMissingColumn, CodeDuplicateColumn, CodeEmptyFile,
	CodeTooManyRows, CodeNotUTF8, CodeUnreadableFile, CodeUploadTooLarge, CodeZipBomb, CodeCellTooLarge, CodeTooManyColumns}

// FuzzParseCSV feeds Parse arbitrary CSV bytes: it must never panic, refuse only with a
// FileError of a known code, and give parcels whose rows and items agree.
//
//	go test ./adapters/spreadsheet -run '^$' -fuzz FuzzParseCSV -fuzztime 20s -fuzzminimizetime 10x
//
// (Without -fuzzminimizetime the engine spends up to 60 s minimising each new input before it
// counts it, which shows as 0 execs/sec.)
func FuzzParseCSV(f *testing.F) {
	for _, name := range []string{"parcels.csv", "parcels-with-errors.csv", "parcels-chinese-headers.csv"} {
		f.Add(readSample(f, name))
	}
	f.Add(csvOf(header, line(parcelCells("A1")...), line(parcelCells("A1", "currency", "USD", "qty", "x")...)))
	f.Add([]byte("gcode,qty\n\"a\"\"b\",1\n"))
	f.Add([]byte("logisticsNo;gcode\r\n1;2"))
	f.Add([]byte{0xEF, 0xBB, 0xBF, 0xFF})
	f.Add([]byte("\"unterminated\n"))
	f.Add([]byte("PK\x03\x04 a broken workbook"))
	f.Add([]byte("logisticsNo,gcode\n" + strings.Repeat("x", maxCellChars+1) + ",1\n"))
	f.Add([]byte("logisticsNo,gcode\n\"" + strings.Repeat(" ", 1<<16) + "\",1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, "fuzz.csv", data)
	})
}

// FuzzParseXLSX feeds Parse workbooks: the samples, the hostile shapes of hostile_test.go made
// small, and what the engine makes of them. The same properties as FuzzParseCSV, and one
// import never allocates more than memoryBound.
//
//	go test ./adapters/spreadsheet -run '^$' -fuzz FuzzParseXLSX -fuzztime 20s -fuzzminimizetime 10x
func FuzzParseXLSX(f *testing.F) {
	for _, name := range []string{"parcels.xlsx", "parcels-with-errors.xlsx"} {
		f.Add(readSample(f, name))
	}
	row := `<row r="2"><c r="B2" t="inlineStr"><is><t>N2</t></is></c><c r="M2" t="s"><v>0</v></c><c r="P2"><v>1.23456789012346E+17</v></c></row>`
	f.Add(hostileWorkbook(f, headerRow+row, repeat{" ", 100}, `<si><t>8517130000</t></si>`, false))
	f.Add(hostileWorkbook(f, headerRow+row, repeat{" ", 1000}, `<si><r><t>85</t></r><r><t>17130000</t></r></si>`, true))
	f.Add(hostileWorkbook(f, headerRow, repeat{" ", maxRun + 1}, "", false))
	f.Add(hostileWorkbook(f, headerRow+`<row r="2">`+strings.Repeat(`<c t="s"><v>0</v></c>`, maxCellsPerRow+1)+`</row>`, repeat{}, `<si><t>x</t></si>`, false))
	f.Add(hostileWorkbook(f, headerRow+`<row r="1048577"><c><v>1</v></c></row>`, repeat{}, "", false))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		checkParse(t, "fuzz.xlsx", data)
		runtime.ReadMemStats(&after)
		if a := after.TotalAlloc - before.TotalAlloc; a > memoryBound {
			t.Fatalf("%d bytes allocated for a %d-byte file", a, len(data))
		}
	})
}

// checkParse parses data and checks what comes back: a FileError of a known code, or parcels
// whose rows and items agree.
func checkParse(t *testing.T, name string, data []byte) {
	imp, err := Parse(name, data, 50)
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || !slices.Contains(fileErrorCodes, fe.Code) {
			t.Fatalf("error %T %v", err, err)
		}
		_ = fe.Error()
		return
	}
	if imp.DataRows < 1 || imp.DataRows > 50 || len(imp.Parcels) < 1 || len(imp.Parcels) > imp.DataRows {
		t.Fatalf("%d rows, %d parcels", imp.DataRows, len(imp.Parcels))
	}
	n := 0
	for _, p := range imp.Parcels {
		if len(p.Rows) == 0 || len(p.Rows) != len(p.Draft.Items) || !slices.IsSorted(p.Rows) || p.Rows[0] < 2 {
			t.Fatalf("rows %v for %d items", p.Rows, len(p.Draft.Items))
		}
		n += len(p.Rows)
		for _, field := range []string{"items[0].gcode", "consignee.name", "items", "items[", "items[-1].qty", "items[99999999999999999999].x"} {
			_ = p.Locate(field)
		}
		p.Draft.ExporterID = "e"
		_, _ = p.Validate()
	}
	if n != imp.DataRows {
		t.Fatalf("%d rows in parcels, %d data rows", n, imp.DataRows)
	}
}
