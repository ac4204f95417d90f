package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestImportZipBomb uploads the workbook of the issue — a sheet of 400 MiB of blank space packed
// into about half a megabyte — to the real service: it is refused at the field "file" while the heap
// stays within 64 MB of where it was, and the service goes on importing.
func TestImportZipBomb(t *testing.T) {
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")

	var packed bytes.Buffer
	zw := zip.NewWriter(&packed)
	w, err := zw.Create("[Content_Types].xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	if w, err = zw.Create("xl/worksheets/sheet1.xml"); err != nil {
		t.Fatal(err)
	}
	spaces := []byte(strings.Repeat(" ", 1<<20))
	io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for range 400 {
		w.Write(spaces)
	}
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if packed.Len() > 600<<10 {
		t.Fatalf("the workbook packs into %d bytes", packed.Len())
	}
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	if err := os.WriteFile(path, packed.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	s.expectProblem(s.upload(a.key, path), 422, "upload_too_large", "file")
	close(done)
	wg.Wait()
	if grew := int64(peak) - int64(before.HeapInuse); grew > 64<<20 {
		t.Errorf("the heap grew by %d MB while the upload was refused", grew>>20)
	}

	if r := s.do("GET", "/healthz", "", nil); r.Status != 200 {
		t.Fatalf("healthz: %d %s", r.Status, r.Body)
	}
	res := s.expect(s.upload(a.key, "adapters/spreadsheet/testdata/parcels.xlsx"), 200)
	if res["created"] != 6.0 {
		t.Errorf("after the refusal: %v", res)
	}
}
