package spreadsheet

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParse reads 10,000 rows (3,334 parcels of up to three lines) as CSV and as XLSX.
// Measured here: CSV ≈ 45 ms, XLSX ≈ 0.5 s in one pass over the sheet's XML (excelize's two row
// readers took 2 s on the same machine); memory stays flat, the sheet is never held whole.
//
//	go test ./adapters/spreadsheet -run '^$' -bench Parse -benchtime 3x
func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(header + "\r\n")
	for i := 0; i < 10_000; i++ {
		sb.WriteString(line(parcelCells(fmt.Sprintf("N%d", i/3))...) + "\r\n")
	}
	csvData := []byte(sb.String())
	xlsxData := workbookFromCSV(b, csvData)
	for _, c := range []struct {
		name string
		data []byte
	}{{"csv", csvData}, {"xlsx", xlsxData}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				imp, err := Parse("bench."+c.name, c.data, 0)
				if err != nil || len(imp.Parcels) != 3334 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImportMemory reports what one import costs in memory (bytes allocated in all, and
// the highest heap in use above the start) for a workbook of 1,000 and of 20,000 rows and for
// the hostile file of the issue (400 MiB of blank space packed into about 400 KB).
//
//	go test ./adapters/spreadsheet -run '^$' -bench ImportMemory -benchtime 1x
func BenchmarkImportMemory(b *testing.B) {
	csvRows := func(n int) []byte {
		var sb strings.Builder
		sb.WriteString(header + "\r\n")
		for i := 0; i < n; i++ {
			sb.WriteString(line(parcelCells(fmt.Sprintf("N%d", i/3))...) + "\r\n")
		}
		return []byte(sb.String())
	}
	rowsOf := func(n int) []byte { return workbookFromCSV(b, csvRows(n)) }
	for _, c := range []struct {
		name string
		data func() []byte
	}{
		{"xlsx-1000-rows", func() []byte { return rowsOf(1000) }},
		{"xlsx-20000-rows", func() []byte { return rowsOf(20_000) }},
		{"csv-20000-rows", func() []byte { return csvRows(20_000) }},
		{"csv-100000-rows", func() []byte { return csvRows(100_000) }},
		{"hostile-400MiB-spaces", func() []byte { return hostileWorkbook(b, "", repeat{" ", 400 << 20}, "", false) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			data := c.data()
			b.ResetTimer()
			var alloc, peak uint64
			for b.Loop() {
				alloc, peak = memoryOf(func() { _, _ = Parse("bench."+c.name[:4], data, 0) })
			}
			b.ReportMetric(float64(len(data))/1e6, "file-MB")
			b.ReportMetric(float64(alloc)/1e6, "alloc-MB")
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
		})
	}
}
