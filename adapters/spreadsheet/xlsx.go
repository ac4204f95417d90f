package spreadsheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// excelDigits is how many significant digits Excel keeps of a number (IEEE 754 doubles shown
// to 15 digits). A number with more integer digits than that has already lost its tail.
const excelDigits = 15

// xlsxReader reads the first worksheet of a workbook row by row, streaming: the sheet is never
// held in memory as a whole.
//
// Cells are read as what they hold, not as their display format: a text cell is its text
// ("011", "8517130000"); a number cell is its value in plain notation at Excel's 15 significant
// digits ("12.5", "8517130000", never "8.51713E+09" or "12.300000000000001"), whatever its
// number format ("0.00", "#,##0", a currency, a percentage) shows. The one display format
// honoured is zero padding ("000" on 7 shows "007"), because Excel shows and exports exactly
// that text. Nothing else is guessed: a number 7 in a General cell stays "7".
//
// To tell the two apart, two iterators walk the sheet together: one gives each cell's stored
// value, the other what Excel displays. A text cell displays its text unchanged; a number whose
// display differs from its stored value is taken from the stored value. A number Excel stored
// in exponent form because it has more than 15 digits (an 18-digit waybill number typed into a
// number cell) is written out plainly and flagged: its last digits are already lost.
type xlsxReader struct {
	f          *excelize.File
	raw, shown *excelize.Rows
	row        int
}

func openXLSX(content []byte) (x *xlsxReader, err error) {
	var f *excelize.File
	defer func() {
		if r := recover(); r != nil {
			if f != nil {
				_ = f.Close()
			}
			x, err = nil, unreadable(fmt.Sprint(r))
		}
	}()
	if err := checkWorkbook(content); err != nil {
		return nil, err
	}
	// Sheets and shared strings over xmlInMemory are unpacked into temporary files, which Close
	// removes.
	f, err = excelize.OpenReader(bytes.NewReader(content), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: xmlInMemory})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookPassword) || errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return nil, &FileError{Code: CodeUnreadableFile, Message: "the workbook is password-protected or not an .xlsx file: remove the password and save it as an Excel Workbook (.xlsx) or as CSV UTF-8"}
		}
		return nil, unreadable(err.Error())
	}
	x = &xlsxReader{f: f}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		x.close()
		return nil, unreadable("the workbook has no worksheet")
	}
	if x.raw, err = f.Rows(sheets[0]); err == nil {
		x.shown, err = f.Rows(sheets[0])
	}
	if err != nil {
		x.close()
		return nil, unreadable(err.Error())
	}
	return x, nil
}

func unreadable(detail string) *FileError {
	return &FileError{Code: CodeUnreadableFile,
		Message: "the file is not a readable .xlsx workbook (" + detail + "): save it from Excel as an Excel Workbook (.xlsx) or as CSV UTF-8"}
}

func (x *xlsxReader) close() {
	for _, r := range []*excelize.Rows{x.raw, x.shown} {
		if r != nil {
			_ = r.Close()
		}
	}
	_ = x.f.Close()
}

func (x *xlsxReader) next() (r sheetRow, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = sheetRow{}, unreadable(fmt.Sprint(p))
		}
	}()
	more, moreShown := x.raw.Next(), x.shown.Next()
	if !more || !moreShown {
		for _, it := range []*excelize.Rows{x.raw, x.shown} {
			if err := it.Error(); err != nil {
				return sheetRow{}, unreadable(err.Error())
			}
		}
		return sheetRow{}, io.EOF
	}
	x.row++
	cells, err := x.raw.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return sheetRow{}, unreadable(err.Error())
	}
	shown, err := x.shown.Columns()
	if err != nil {
		return sheetRow{}, unreadable(err.Error())
	}
	r = sheetRow{num: x.row, cells: cells}
	for i, raw := range cells {
		var s string
		if i < len(shown) {
			s = shown[i]
		}
		v, lost := cellText(raw, s)
		cells[i] = v
		if lost {
			r.notes = append(r.notes, cellNote{col: i, code: CodePrecisionLost, message: fmt.Sprintf(
				"the number %s has more than %d digits, and Excel keeps only %d: format the column as Text and type the value again",
				v, excelDigits, excelDigits)})
		}
	}
	return r, nil
}

// cellText is the text of a cell from its stored value and its display, and whether it is a
// number that has lost digits.
func cellText(raw, shown string) (string, bool) {
	if !looksNumeric(raw) {
		return raw, false
	}
	v, f, ok := canonicalNumber(raw)
	if !ok {
		return raw, false
	}
	big := math.Abs(f) >= math.Pow10(excelDigits)
	if raw == shown && (!big || raw != strconv.FormatFloat(f, 'G', excelDigits, 64)) {
		// Text shows as it is stored ("011", "420636E018", a 16-digit bar code), and so does a
		// number in plain notation ("12.5"). The one number that also shows as stored but is not
		// plain is one of more than 15 digits, stored and shown as "1.23456789012346E+17".
		return raw, false
	}
	if big {
		return v, true
	}
	// Excel shows a zero-padding format ("000") as padded digits: take what it shows.
	if f >= 0 && f == math.Trunc(f) && len(shown) > len(v) && allDigits(shown) && strings.TrimLeft(shown, "0") == strings.TrimLeft(v, "0") {
		return shown, false
	}
	return v, false
}

// looksNumeric reports whether a raw cell value could be the value of a number cell.
func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

// canonicalNumber writes the stored value of a number cell in plain notation at Excel's 15
// significant digits: "12.300000000000001" → "12.3", "8.5171300000E+9" → "8517130000".
func canonicalNumber(raw string) (string, float64, bool) {
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", 0, false
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', excelDigits, 64), 64)
	if f == 0 {
		return "0", 0, true
	}
	return strconv.FormatFloat(f, 'f', -1, 64), f, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
