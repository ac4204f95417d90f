package spreadsheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// memoryBound is what one import may cost, hostile or not.
const memoryBound = 64 << 20

// workbookParts are the parts a minimal workbook needs besides its sheet.
var workbookParts = []struct{ name, body string }{
	{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
	{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
	{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
	{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
}

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
)

// repeat is n bytes of a pattern repeated, written out in chunks: never held whole.
type repeat struct {
	pattern string
	n       int64
}

func (r repeat) writeTo(w io.Writer) error {
	if r.n == 0 {
		return nil
	}
	chunk := []byte(strings.Repeat(r.pattern, max(1, (64<<10)/len(r.pattern))))
	for left := r.n; left > 0; {
		k := min(int64(len(chunk)), left)
		if _, err := w.Write(chunk[:k]); err != nil {
			return err
		}
		left -= k
	}
	return nil
}

// hostileWorkbook is a workbook whose sheet is sheetHead, rows, fill, sheetTail, and whose shared
// strings are sst (none when empty). With lie, the zip's directory declares the sheet 1 KB
// unpacked, whatever it holds.
func hostileWorkbook(t testing.TB, rows string, fill repeat, sst string, lie bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, p := range workbookParts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.body)
	}
	if sst != "" {
		w, _ := zw.Create("xl/sharedStrings.xml")
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+sst+`</sst>`)
	}
	// The sheet is packed by hand, so that its directory entry can say anything.
	packed, crc := packedSheet(t, rows, fill)
	size := uint64(len(sheetHead)+len(rows)+len(sheetTail)) + uint64(fill.n)
	if lie {
		size = 1 << 10
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(packed)), UncompressedSize64: size})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(packed)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// packedSheets holds the sheets packedSheet made, by rows and fill: packing hundreds of MiB is
// most of these tests' time (under the race detector, a minute each), and two cases share one.
var packedSheets sync.Map

type sheetPacking struct {
	packed []byte
	crc    uint32
}

// packedSheet is sheetHead, rows, fill and sheetTail deflated, and their CRC-32. BestSpeed packs
// blank space about 800 to 1 (the default level a little more, at five times the time).
func packedSheet(t testing.TB, rows string, fill repeat) ([]byte, uint32) {
	key := fmt.Sprint(rows, "\x00", fill.pattern, "\x00", fill.n)
	if p, ok := packedSheets.Load(key); ok {
		return p.(sheetPacking).packed, p.(sheetPacking).crc
	}
	var packed bytes.Buffer
	crc := crc32.NewIEEE()
	fw, _ := flate.NewWriter(&packed, flate.BestSpeed)
	out := io.MultiWriter(fw, crc)
	io.WriteString(out, sheetHead+rows)
	if err := fill.writeTo(out); err != nil {
		t.Fatal(err)
	}
	io.WriteString(out, sheetTail)
	fw.Close()
	packedSheets.Store(key, sheetPacking{packed.Bytes(), crc.Sum32()})
	return packed.Bytes(), crc.Sum32()
}

// memoryOf runs f and reports the bytes it allocated in all and the highest heap in use seen
// while it ran (sampled every millisecond), above what was in use before.
func memoryOf(f func()) (alloc, peak uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > before.HeapInuse {
				peak = max(peak, m.HeapInuse-before.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, peak
}

// headerRow is the header of xlsxHeader's columns (logisticsNo in B, gcode in M) as inline text.
var headerRow = func() string {
	var b strings.Builder
	b.WriteString(`<row r="1">`)
	for i, h := range xlsxHeader {
		fmt.Fprintf(&b, `<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>`, columnLetter(i), h)
	}
	return b.String() + `</row>`
}()

// TestHostileWorkbooks: workbooks built to exhaust memory are refused, early, within
// memoryBound, each with its code for the field "file".
func TestHostileWorkbooks(t *testing.T) {
	refRow := `<row>` + strings.Repeat(`<c t="s"><v>0</v></c>`, 40) + `</row>`
	wideRow := `<row r="2">` + strings.Repeat(`<c t="inlineStr"><is><t>x</t></is></c>`, maxCellsPerRow+1) + `</row>`
	for _, c := range []struct {
		name string
		rows string
		fill repeat
		sst  string
		lie  bool
		code string
		upTo int // bytes the upload may have
	}{
		// The file: 400 MiB of blank space packed into about half a megabyte.
		{name: "400 MiB of spaces", fill: repeat{" ", 400 << 20}, code: CodeUploadTooLarge, upTo: 600 << 10},
		// Small enough for the size limits, but packed a thousand to one.
		{name: "100 MiB of spaces", rows: headerRow, fill: repeat{" ", 100 << 20}, code: CodeZipBomb},
		// The directory says 1 KB; the part unpacks to 400 MiB.
		{name: "lying directory", fill: repeat{" ", 400 << 20}, lie: true, code: CodeZipBomb},
		// Below the ratio check's floor: the scanner stops at the first long run.
		{name: "6 MiB of spaces", rows: headerRow, fill: repeat{" ", 6 << 20}, code: CodeCellTooLarge},
		{name: "6 MiB cell", rows: headerRow + `<row r="2"><c t="inlineStr"><is><t>`, fill: repeat{"长", 2 << 20}, code: CodeCellTooLarge},
		{name: "a tag of 1 MiB", rows: headerRow + `<row r="2" x="`, fill: repeat{"y", 1 << 20}, code: CodeUploadTooLarge},
		{name: "wide row", rows: headerRow + wideRow, code: CodeTooManyColumns},
		// A shared string of 30 KB referred to by 40 cells in each of 5,000 rows: 6 GB of text
		// from a file of a few dozen KB.
		{name: "shared string referred to again and again", rows: headerRow,
			fill: repeat{refRow, int64(len(refRow)) * 5000},
			sst:  `<si><t>` + strings.Repeat("x", 30_000) + `</t></si>`, code: CodeUploadTooLarge},
		{name: "shared string too long", rows: headerRow, sst: `<si>` + strings.Repeat(`<r><t>`+strings.Repeat("y", 1000)+`</t></r>`, 200) + `</si>`,
			code: CodeCellTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			content := hostileWorkbook(t, c.rows, c.fill, c.sst, c.lie)
			if c.upTo > 0 && len(content) > c.upTo {
				t.Fatalf("the hostile file packs into %d bytes", len(content))
			}
			var err error
			alloc, peak := memoryOf(func() { _, err = Parse("hostile.xlsx", content, 0) })
			t.Logf("%d KB file: %v; allocated %d KB, peak heap %d KB", len(content)>>10, err, alloc>>10, peak>>10)
			if got := fileCode(err); got != c.code {
				t.Fatalf("code %q, want %q (%v)", got, c.code, err)
			}
			if alloc > memoryBound || peak > memoryBound {
				t.Errorf("allocated %d MB, peak heap %d MB: more than %d MB", alloc>>20, peak>>20, memoryBound>>20)
			}
		})
	}
}

// TestHostileWorkbookShape: the workbook the hostile tests build is read like any other when
// it is not hostile, so that their refusals come from the limits and not from its shape.
func TestHostileWorkbookShape(t *testing.T) {
	row := `<row r="%d"><c r="B%[1]d" t="inlineStr"><is><t>N%[1]d</t></is></c><c r="M%[1]d" t="s"><v>0</v></c></row>`
	var rows strings.Builder
	rows.WriteString(headerRow)
	for i := 2; i <= 3; i++ {
		fmt.Fprintf(&rows, row, i)
	}
	content := hostileWorkbook(t, rows.String(), repeat{" ", 1000}, `<si><t>8517130000</t></si>`, false)
	imp, err := Parse("shape.xlsx", content, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Parcels) != 2 || imp.Parcels[1].Draft.LogisticsNo != "N3" || imp.Parcels[1].Draft.Items[0].Gcode != "8517130000" {
		t.Errorf("parcels %+v", imp.Parcels)
	}
}

// TestCellBounds: a cell holds at most 32,767 characters, counted as characters (a cell of
// 32,767 Chinese characters is three times as many bytes), in either format; and a file's cells
// at most maxText bytes together.
func TestCellBounds(t *testing.T) {
	full := strings.Repeat("长", maxCellChars)
	content := csvOf(header, line(parcelCells("A1", "gname", full)...))
	if imp := mustParse(t, "full.csv", content); imp.Parcels[0].Draft.Items[0].Gname != full {
		t.Error("a cell of 32,767 characters is not read whole")
	}
	_, err := Parse("over.csv", csvOf(header, line(parcelCells("A1", "gname", full+"长")...)), 0)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Code != CodeCellTooLarge || fe.Location() != "row 2, column "+columnLetter(slices.Index(strings.Split(header, ","), "gname")) {
		t.Errorf("a cell of 32,768 characters: %v", err)
	}
	row := `<row r="2"><c r="N2" t="inlineStr"><is><t>` + full + `长</t></is></c></row>`
	if _, err := Parse("over.xlsx", hostileWorkbook(t, headerRow+row, repeat{}, "", false), 0); fileCode(err) != CodeCellTooLarge {
		t.Errorf("a workbook cell of 32,768 characters: %v", err)
	}
	// 1,200 rows of a 30,000-character cell: 36 MB of text.
	var b strings.Builder
	b.WriteString(header + "\r\n")
	for i := range 1200 {
		b.WriteString(line(parcelCells(fmt.Sprintf("N%d", i), "gname", strings.Repeat("x", 30_000))...) + "\r\n")
	}
	if _, err := Parse("much.csv", []byte(b.String()), 0); fileCode(err) != CodeUploadTooLarge {
		t.Errorf("36 MB of cells: %v", err)
	}
}
