package spreadsheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
)

// excelDigits is how many significant digits Excel keeps of a number (IEEE 754 doubles shown
// to 15 digits). A number with more integer digits than that has already lost its tail.
const excelDigits = 15

func unreadable(detail string) *FileError {
	return &FileError{Code: CodeUnreadableFile,
		Message: "the file is not a readable .xlsx workbook (" + detail + "): save it from Excel as an Excel Workbook (.xlsx) or as CSV UTF-8"}
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

// Excel's own bounds of a sheet.
const (
	excelRows    = 1_048_576
	excelColumns = 16_384
)

// sheetReader reads the first worksheet of a workbook row by row in one pass over its XML, as it
// unpacks: the sheet is never held whole, nor written anywhere. Before the sheet it reads the
// parts a cell's text needs: the shared strings (held, within maxText) and, of the styles, only
// which number format each cell style has.
//
// Cells are read as what they hold, not as their display format: a text cell is its text
// ("011", "8517130000"); a number cell is its value in plain notation at Excel's 15 significant
// digits ("12.5", "8517130000", never "8.51713E+09" or "12.300000000000001"), whatever its
// number format ("0.00", "#,##0", a currency, a percentage) shows. The one display format
// honoured is zero padding ("000" on 7 shows "007"), because Excel shows and exports exactly
// that text. Nothing else is guessed: a number 7 in a General cell stays "7". A number of more
// than 15 digits (an 18-digit waybill number typed into a number cell) is written out plainly
// and flagged: Excel has already lost its last digits.
type sheetReader struct {
	rc  io.ReadCloser
	gr  *guardedReader
	dec *xml.Decoder
	sst []string
	pad []int // per cell style: the width of its zero-padding number format, 0 for none
	row int   // the last row's number
}

func openXLSX(content []byte) (_ *sheetReader, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = unreadable(fmt.Sprint(r))
		}
	}()
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return nil, unreadable(err.Error())
	}
	if err := checkWorkbook(zr); err != nil {
		return nil, err
	}
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		parts[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
	}
	sheet, err := firstSheet(parts)
	if err != nil {
		return nil, err
	}
	s := &sheetReader{}
	if f := parts["xl/sharedstrings.xml"]; f != nil {
		if s.sst, err = readSharedStrings(f); err != nil {
			return nil, err
		}
	}
	if f := parts["xl/styles.xml"]; f != nil {
		if s.pad, err = readPadding(f); err != nil {
			return nil, err
		}
	}
	if s.rc, s.gr, s.dec, err = openPart(sheet); err != nil {
		return nil, err
	}
	return s, nil
}

// guardedReader unpacks a part through an xmlScanner and within its limit: the first limit
// broken stops it with its FileError.
type guardedReader struct {
	r    io.Reader
	scan *xmlScanner
	left int64
	name string
	err  *FileError
}

func (g *guardedReader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if g.left -= int64(n); g.left < 0 {
		g.err = zipBomb("the workbook's part %s unpacks to more than its limit of %s", g.scan.part, mb(uint64(partLimit(g.name))))
		return 0, g.err
	}
	if ferr := g.scan.scan(p[:n]); ferr != nil {
		g.err = ferr
		return 0, g.err
	}
	if err != nil && err != io.EOF {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) {
			g.err = zipBomb("the workbook's part %s does not unpack to what its zip directory declares (%v)", g.scan.part, err)
		} else {
			g.err = unreadable(err.Error())
		}
		return n, g.err
	}
	return n, err
}

func openPart(f *zip.File) (io.ReadCloser, *guardedReader, *xml.Decoder, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil, nil, unreadable(err.Error())
	}
	g := &guardedReader{r: rc, left: int64(partLimit(f.Name)), name: f.Name,
		scan: &xmlScanner{part: partName(f.Name), xml: true, sheet: isSheet(f.Name), sst: isSharedStrings(f.Name)}}
	dec := xml.NewDecoder(g)
	dec.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		if strings.EqualFold(charset, "utf-8") {
			return input, nil
		}
		return nil, fmt.Errorf("the encoding %s", charset)
	}
	return rc, g, dec, nil
}

// partError is the FileError of a part that could not be read: the guard's, or unreadable.
func partError(g *guardedReader, err error) *FileError {
	if g != nil && g.err != nil {
		return g.err
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return unreadable(err.Error())
}

// eachElement calls fn for every start and end element of a part, and for the text inside
// them, until fn says stop or the part ends.
func eachElement(f *zip.File, fn func(tok xml.Token) (stop bool, err error)) error {
	rc, g, dec, err := openPart(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return partError(g, err)
		}
		stop, err := fn(tok)
		if err != nil || stop {
			return err
		}
	}
}

func attr(e xml.StartElement, local string, prefixed bool) string {
	for _, a := range e.Attr {
		if a.Name.Local == local && (a.Name.Space != "") == prefixed {
			return a.Value
		}
	}
	return ""
}

// firstSheet finds the part of the workbook's first worksheet through the workbook and its
// relationships.
func firstSheet(parts map[string]*zip.File) (*zip.File, error) {
	wb := parts["xl/workbook.xml"]
	if wb == nil {
		return nil, unreadable("no xl/workbook.xml")
	}
	var id string
	err := eachElement(wb, func(tok xml.Token) (bool, error) {
		if e, ok := tok.(xml.StartElement); ok && e.Name.Local == "sheet" {
			id = attr(e, "id", true)
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, unreadable("the workbook has no worksheet")
	}
	rels := parts["xl/_rels/workbook.xml.rels"]
	if rels == nil {
		return nil, unreadable("no xl/_rels/workbook.xml.rels")
	}
	var target string
	err = eachElement(rels, func(tok xml.Token) (bool, error) {
		if e, ok := tok.(xml.StartElement); ok && e.Name.Local == "Relationship" && attr(e, "Id", false) == id {
			target = attr(e, "Target", false)
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	name := path.Clean("/xl/" + target)
	if strings.HasPrefix(target, "/") {
		name = path.Clean(target)
	}
	f := parts[strings.ToLower(strings.TrimPrefix(name, "/"))]
	if f == nil || !isSheet(f.Name) {
		return nil, unreadable(fmt.Sprintf("the first sheet (%q) is not a worksheet in the workbook", target))
	}
	return f, nil
}

// readSharedStrings reads the shared strings: each <si> the text of its <t>, or of its runs'
// <t>, without phonetic runs (<rPh>). All of them together at most maxText bytes.
func readSharedStrings(f *zip.File) ([]string, error) {
	var (
		sst         []string
		cur         strings.Builder
		inSI, inT   bool
		inPhonetic  int
		total       int
		tooMuchText = tooLarge("the workbook's shared strings hold more than %d MB of text", maxText>>20)
	)
	err := eachElement(f, func(tok xml.Token) (bool, error) {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				cur.Reset()
			case "t":
				inT = inSI && inPhonetic == 0
			case "rPh":
				inPhonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if total += cur.Len(); total > maxText {
					return true, tooMuchText
				}
				sst = append(sst, unescapeExcel(cur.String()))
				inSI = false
			case "t":
				inT = false
			case "rPh":
				inPhonetic--
			}
		case xml.CharData:
			if inT {
				cur.Write(t)
			}
		}
		return false, nil
	})
	return sst, err
}

// readPadding reads, for each cell style (<cellXfs><xf>), the width of its number format when
// that format only pads with zeros ("000"), else 0.
func readPadding(f *zip.File) ([]int, error) {
	formats := map[string]int{} // numFmtId → padding width
	var (
		pad     []int
		inXfs   bool
		stopped = errors.New("enough")
	)
	err := eachElement(f, func(tok xml.Token) (bool, error) {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				formats[attr(t, "numFmtId", false)] = zeroPadding(attr(t, "formatCode", false))
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					if len(pad) >= 1<<16 {
						return true, stopped
					}
					pad = append(pad, formats[attr(t, "numFmtId", false)])
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				return true, nil
			}
		}
		return false, nil
	})
	if errors.Is(err, stopped) {
		return pad, nil
	}
	return pad, err
}

// zeroPadding is the width of a number format made of zeros only ("000" → 3), else 0. Of a
// format with sections ("000;-000"), the first counts.
func zeroPadding(code string) int {
	code, _, _ = strings.Cut(code, ";")
	if len(code) < 2 || strings.Trim(code, "0") != "" {
		return 0
	}
	return len(code)
}

// unescapeExcel turns Excel's escapes of characters XML cannot hold ("_x000D_") back into
// them, and "_x005F_" into "_".
func unescapeExcel(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 || s[i+6] != '_' {
			b.WriteString(s)
			return b.String()
		}
		n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(n))
		s = s[i+7:]
	}
}

func (s *sheetReader) close() {
	if s.rc != nil {
		_ = s.rc.Close()
	}
}

// cell is what one <c> holds while its row is read.
type cell struct {
	col       int
	typ       string
	style     int
	value     strings.Builder
	inV, inT  bool
	inline    bool
	phonetics int
}

func (s *sheetReader) next() (r sheetRow, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = sheetRow{}, unreadable(fmt.Sprint(p))
		}
	}()
	var (
		c     *cell
		inRow bool
		col   = -1
	)
	for {
		tok, err := s.dec.RawToken()
		if err == io.EOF {
			if inRow {
				return sheetRow{}, unreadable("the worksheet ends inside a row")
			}
			return sheetRow{}, io.EOF
		}
		if err != nil {
			return sheetRow{}, partError(s.gr, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch name := t.Name.Local; {
			case name == "row" && !inRow:
				inRow, col = true, -1
				num := s.row + 1
				if v := attr(t, "r", false); v != "" {
					if num, err = strconv.Atoi(v); err != nil || num <= s.row {
						return sheetRow{}, unreadable(fmt.Sprintf("a row numbered %q after row %d", v, s.row))
					}
				}
				if num > excelRows {
					return sheetRow{}, unreadable(fmt.Sprintf("a row numbered beyond Excel's last, %d", excelRows))
				}
				s.row = num
				r = sheetRow{num: num}
			case name == "c" && inRow:
				c = &cell{col: col + 1, typ: attr(t, "t", false)}
				if ref := attr(t, "r", false); ref != "" {
					if c.col, err = refColumn(ref); err != nil || c.col <= col {
						return sheetRow{}, unreadable(fmt.Sprintf("a cell %q out of place in row %d", ref, s.row))
					}
				}
				if v := attr(t, "s", false); v != "" {
					c.style, _ = strconv.Atoi(v)
				}
				col = c.col
			case c == nil:
			case name == "v":
				c.inV = true
			case name == "is":
				c.inline = true
			case name == "t":
				c.inT = c.inline && c.phonetics == 0
			case name == "rPh":
				c.phonetics++
			}
		case xml.EndElement:
			switch name := t.Name.Local; {
			case name == "row" && inRow:
				return r, nil
			case name == "c" && c != nil:
				s.addCell(&r, c)
				c = nil
			case c == nil:
			case name == "v":
				c.inV = false
			case name == "t":
				c.inT = false
			case name == "rPh":
				c.phonetics--
			}
		case xml.CharData:
			if c != nil && (c.inV || c.inT) {
				c.value.Write(t)
			}
		}
	}
}

// refColumn is the 0-based column of a cell reference ("B7" → 1).
func refColumn(ref string) (int, error) {
	n := 0
	for i := 0; i < len(ref); i++ {
		switch b := ref[i]; {
		case b >= 'A' && b <= 'Z':
			n = n*26 + int(b-'A') + 1
		case b >= 'a' && b <= 'z':
			n = n*26 + int(b-'a') + 1
		default:
			if i == 0 {
				return 0, errors.New("no column")
			}
			i = len(ref)
		}
		if n > excelColumns {
			return 0, errors.New("beyond the last column")
		}
	}
	if n == 0 {
		return 0, errors.New("no column")
	}
	return n - 1, nil
}

// addCell puts the text of a cell in its row.
func (s *sheetReader) addCell(r *sheetRow, c *cell) {
	raw := c.value.String()
	var v string
	switch c.typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || i < 0 || i >= len(s.sst) {
			return // a reference to no shared string: an empty cell
		}
		v = s.sst[i]
	case "inlineStr", "str":
		v = unescapeExcel(raw)
	case "", "n":
		pad := 0
		if c.style >= 0 && c.style < len(s.pad) {
			pad = s.pad[c.style]
		}
		var lost bool
		if v, lost = numberText(raw, pad); lost {
			r.notes = append(r.notes, cellNote{col: c.col, code: CodePrecisionLost, message: fmt.Sprintf(
				"the number %s has more than %d digits, and Excel keeps only %d: format the column as Text and type the value again",
				v, excelDigits, excelDigits)})
		}
	default: // "b" (1 or 0), "e" (#N/A), "d" (an ISO date)
		v = raw
	}
	if v == "" {
		return
	}
	for len(r.cells) <= c.col {
		r.cells = append(r.cells, "")
	}
	r.cells[c.col] = v
}

// numberText is the text of a number cell from its stored value and the width of its
// zero-padding format (0 for none), and whether it is a number that has lost digits.
func numberText(raw string, pad int) (string, bool) {
	v, f, ok := canonicalNumber(raw)
	if !ok {
		return raw, false
	}
	if math.Abs(f) >= math.Pow10(excelDigits) {
		return v, true
	}
	if pad > len(v) && f >= 0 && f == math.Trunc(f) {
		return strings.Repeat("0", pad-len(v)) + v, false
	}
	return v, false
}
