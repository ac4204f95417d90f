package spreadsheet

import (
	"errors"
	"slices"
	"testing"

	"github.com/silkgate/silkgate/domain"
)

var fileErrorCodes = []domain.Code{CodeUnknownColumn, CodeMissingColumn, CodeDuplicateColumn, CodeEmptyFile,
	CodeTooManyRows, CodeNotUTF8, CodeUnreadableFile, CodeUploadTooLarge, CodeZipBomb, CodeCellTooLarge, CodeTooManyColumns}

// FuzzParseCSV feeds Parse arbitrary CSV bytes: it must never panic, refuse only with a
// FileError of a known code, and give parcels whose rows and items agree.
//
//	go test ./adapters/spreadsheet -run '^$' -fuzz FuzzParseCSV -fuzztime 20s -fuzzminimizetime 2s
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
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := Parse("fuzz.csv", data, 50)
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
	})
}
