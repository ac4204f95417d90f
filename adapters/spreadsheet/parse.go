// Package spreadsheet imports parcels from the spreadsheets trade firms keep them in: a CSV
// (UTF-8, with or without a byte-order mark) or an Excel workbook (.xlsx, first worksheet), a
// header row, then one row per goods line. Rows with the same logisticsCode and logisticsNo form
// one parcel. Parse turns the file into parcel drafts and remembers the row and column each value
// came from, so that every problem, its own or one parcel.Validate finds, reads
// "row 4, column V (gcode)".
//
// The columns are listed in Columns; the files in testdata/ are samples a firm can start from.
package spreadsheet

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/parcel"
)

// DefaultMaxRows is the row limit Parse applies when given none.
const DefaultMaxRows = 100_000

// Bounds of what a file's cells may hold, whatever the format: a cell at most what Excel allows
// (longer than any field a parcel takes), and all the cells read together at most maxText bytes,
// so that an import's memory follows what the file says (a workbook cell that refers to a
// shared string counts the string again) and stays bounded.
const (
	maxCellChars = 32_767
	maxText      = 32 << 20
)

// Formats Parse reads.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Codes of a FileError: the whole file is refused.
const (
	CodeUnknownColumn   domain.Code = "unknown_column"   // a header that names no column
	CodeMissingColumn               = "missing_column"   // a required column is absent
	CodeDuplicateColumn             = "duplicate_column" // two headers name the same column
	CodeEmptyFile                   = "empty_file"       // no header, or no rows below it
	CodeTooManyRows                 = "too_many_rows"    // more data rows than allowed
	CodeNotUTF8                     = "not_utf8"         // a CSV in another encoding (GBK, UTF-16)
	CodeUnreadableFile              = "unreadable_file"  // not a CSV or .xlsx that can be read
	CodeUploadTooLarge              = "upload_too_large" // unpacks to more, or holds more text, than an import may
	CodeZipBomb                     = "zip_bomb"         // packed far tighter than a workbook, or unpacks to more than it declares
	CodeCellTooLarge                = "cell_too_large"   // a cell longer than Excel allows (32,767 characters)
	CodeTooManyColumns              = "too_many_columns" // a row wider than maxCellsPerRow cells
)

// Codes of a problem in ParcelRows.Problems: the parcel is invalid, the others are not affected.
// A cell that is not a number has ParseDecimal's code: invalid_number, too_many_decimals or
// out_of_range.
const (
	CodeInvalidNumber    domain.Code = "invalid_number"    // a number column holds something else
	CodeConflictingValue             = "conflicting_value" // a later row of a parcel disagrees with its first row
	CodeTooManyCells                 = "too_many_cells"    // a CSV row has more cells than the header
	CodeNoHeader                     = "no_header"         // a value in a column whose header is empty
	CodePrecisionLost                = "precision_lost"    // an Excel number with more than 15 digits
)

// FileError refuses a whole file: a header that cannot be used, an encoding that is not UTF-8, a
// file too long, empty or unreadable. Row and Column say where, when there is a where.
//
// A FileError is also a domain.Error of kind Invalid (errors.As), so an adapter maps it like
// any other invalid input: its Code, its Message, and one field error at its location.
type FileError struct {
	Row     int    // 1-based sheet row (a line for an encoding error); 0 when none
	Column  string // column letter ("F"); "" when none
	Code    domain.Code
	Message string
}

// Location is "row 1, column F", "row 1", or "" for the file as a whole.
func (e *FileError) Location() string {
	switch {
	case e.Row > 0 && e.Column != "":
		return fmt.Sprintf("row %d, column %s", e.Row, e.Column)
	case e.Row > 0:
		return fmt.Sprintf("row %d", e.Row)
	case e.Column != "":
		return "column " + e.Column
	}
	return ""
}

func (e *FileError) Error() string {
	if loc := e.Location(); loc != "" {
		return loc + ": " + e.Message
	}
	return e.Message
}

// As lets errors.As see a FileError as an Invalid *domain.Error.
func (e *FileError) As(target any) bool {
	p, ok := target.(**domain.Error)
	if !ok {
		return false
	}
	d := &domain.Error{Kind: domain.KindInvalid, Code: e.Code, Message: e.Error()}
	if loc := e.Location(); loc != "" {
		d.Fields = []domain.FieldError{{Field: loc, Code: e.Code, Message: e.Message}}
	}
	*p = d
	return true
}

// Import is a parsed file.
type Import struct {
	Format   string // FormatCSV or FormatXLSX
	DataRows int    // non-blank rows below the header
	Parcels  []ParcelRows
}

// ParcelRows is one parcel assembled from its rows: the draft, the rows it came from, and the
// problems found while reading cells (an unreadable number, say) — such a parcel is invalid.
//
// Draft.ExporterID is left empty: the exporter is whoever uploads the file, which the caller
// knows and sets before validating.
type ParcelRows struct {
	Draft    parcel.Draft
	Rows     []int               // 1-based sheet row numbers (the header is row 1), one per item, in item order
	Problems []domain.FieldError // Field already in the form "row N, column X"

	layout    *layout   // where the columns are, for Locate
	problemAt []cellRef // where each problem is, for ordering
}

// cellRef is a position in the sheet; col is the 0-based sheet column, -1 for a whole row.
type cellRef struct{ row, col int }

// Locate turns a field path reported by parcel.Validate for this parcel ("items[2].gcode",
// "consignee.name", "grossWeightKg", "items" ...) into "row N, column X": item fields point at
// the item's row and its column; parcel fields at the parcel's first row and the parcel column
// (consignee.name → column consigneeName); paths without a column ("items", "exporterId") →
// "row N".
//
// X is the column's letter and its header as written in the file: "row 4, column V (商品编码)".
// A column the file does not have is named by its documented name: "row 2, column emsNo".
func (p ParcelRows) Locate(field string) string {
	_, s := p.locate(field)
	return s
}

func (p ParcelRows) locate(field string) (cellRef, string) {
	if len(p.Rows) == 0 {
		return cellRef{0, -1}, field
	}
	row := p.Rows[0]
	path, level := field, LevelParcel
	if rest, ok := strings.CutPrefix(field, "items["); ok {
		idx, after, ok := strings.Cut(rest, "]")
		if !ok {
			return cellRef{row, -1}, rowText(row)
		}
		if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < len(p.Rows) {
			row = p.Rows[i]
		}
		path, level = strings.TrimPrefix(after, "."), LevelItem
	}
	c, ok := columnByField[fieldAt{path, level}]
	if !ok {
		return cellRef{row, -1}, rowText(row)
	}
	return cellRef{row, p.layout.sheetCol(c)}, p.layout.at(row, c)
}

func rowText(row int) string { return "row " + strconv.Itoa(row) }

// Validate runs parcel.Validate on the draft (set Draft.ExporterID first) and returns the checked
// fields, or every problem of the parcel located in the sheet: the reading problems and
// Validate's field errors, in row and column order. A Validate error at a cell that already has
// a reading problem is left out: it only repeats it (an unreadable qty is also not positive).
func (p ParcelRows) Validate() (parcel.Fields, []domain.FieldError) {
	type located struct {
		at cellRef
		fe domain.FieldError
	}
	var all []located
	seen := make(map[string]bool)
	for i, fe := range p.Problems {
		at := cellRef{0, -1}
		if i < len(p.problemAt) {
			at = p.problemAt[i]
		}
		all = append(all, located{at, fe})
		seen[fe.Field] = true
	}
	f, err := parcel.Validate(p.Draft)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && len(de.Fields) > 0 {
			for _, fe := range de.Fields {
				at, loc := p.locate(fe.Field)
				if !seen[loc] {
					all = append(all, located{at, domain.FieldError{Field: loc, Code: fe.Code, Message: fe.Message}})
				}
			}
		} else {
			at, loc := p.locate("")
			all = append(all, located{at, domain.FieldError{Field: loc, Code: domain.CodeOf(err), Message: err.Error()}})
		}
	}
	if len(all) == 0 {
		return f, nil
	}
	slices.SortStableFunc(all, func(a, b located) int {
		return cmp.Or(cmp.Compare(a.at.row, b.at.row), cmp.Compare(a.at.col, b.at.col))
	})
	out := make([]domain.FieldError, len(all))
	for i, l := range all {
		out[i] = l.fe
	}
	return parcel.Fields{}, out
}

// layout is where the file keeps each column.
type layout struct {
	pos     []int    // per column (index into columns): 0-based sheet column, -1 when absent
	colOf   []int    // per header cell: index into columns, -1 for an empty header
	headers []string // per header cell: the header as written, trimmed
}

func (l *layout) sheetCol(c int) int {
	if l == nil {
		return -1
	}
	return l.pos[c]
}

// at is "row N, column X" for a column: its letter and header, or its name when absent.
func (l *layout) at(row, c int) string {
	return rowText(row) + ", column " + l.columnText(c)
}

func (l *layout) columnText(c int) string {
	if l == nil || l.pos[c] < 0 {
		return columns[c].Name
	}
	p := l.pos[c]
	return columnLetter(p) + " (" + l.headers[p] + ")"
}

// sheetRow is one row as a reader returns it.
type sheetRow struct {
	num   int      // 1-based sheet row
	cells []string // as read, untrimmed; may be shorter or longer than the header
	notes []cellNote
}

// cellNote is a problem the reader found with one cell.
type cellNote struct {
	col     int // 0-based sheet column
	code    domain.Code
	message string
}

type rowReader interface {
	next() (sheetRow, error) // io.EOF after the last row
	close()
}

// Parse reads a CSV or XLSX upload. filename (the upload's name) and the content's magic bytes
// decide the format ("PK\x03\x04" = xlsx; else CSV). maxRows bounds the data rows (e.g. 100000;
// DefaultMaxRows when 0 or less).
//
// A file that cannot be used as a whole is refused with a *FileError. Otherwise every parcel
// comes back, each with the problems found in its own cells; parcel.Validate (or
// ParcelRows.Validate) then checks the drafts.
func Parse(filename string, content []byte, maxRows int) (*Import, error) {
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	var (
		rr     rowReader
		format string
	)
	switch {
	case bytes.HasPrefix(content, []byte("PK\x03\x04")):
		x, err := openXLSX(content)
		if err != nil {
			return nil, err
		}
		rr, format = x, FormatXLSX
	case bytes.HasPrefix(content, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, &FileError{Code: CodeUnreadableFile,
			Message: "this is an old Excel 97-2003 workbook (.xls) or a password-protected one: save it as an Excel Workbook (.xlsx) or as CSV UTF-8"}
	case isExcelName(filename):
		return nil, &FileError{Code: CodeUnreadableFile,
			Message: fmt.Sprintf("%q is named like an Excel workbook but is not one: save it from Excel as an Excel Workbook (.xlsx) or as CSV UTF-8", filepath.Base(filename))}
	default:
		c, err := openCSV(content)
		if err != nil {
			return nil, err
		}
		rr, format = c, FormatCSV
	}
	defer rr.close()
	return assemble(format, rr, maxRows)
}

func isExcelName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm", ".xls", ".xltx":
		return true
	}
	return false
}

// boundedReader refuses a cell longer than maxCellChars and more than maxText bytes of cells.
type boundedReader struct {
	rowReader
	text int
}

func (br *boundedReader) next() (sheetRow, error) {
	r, err := br.rowReader.next()
	if err != nil {
		return r, err
	}
	for i, c := range r.cells {
		if br.text += len(c); br.text > maxText {
			return sheetRow{}, &FileError{Row: r.num, Code: CodeUploadTooLarge, Message: fmt.Sprintf(
				"the file's cells hold more than %d MB of text: split it into several files (请拆分为多个文件)", maxText>>20)}
		}
		if len(c) > maxCellChars && utf8.RuneCountInString(c) > maxCellChars {
			return sheetRow{}, &FileError{Row: r.num, Column: columnLetter(i), Code: CodeCellTooLarge, Message: fmt.Sprintf(
				"the cell holds more than %d characters, more than Excel allows and than any column takes (单元格内容过长)", maxCellChars)}
		}
	}
	return r, nil
}

func assemble(format string, rr rowReader, maxRows int) (*Import, error) {
	rr = &boundedReader{rowReader: rr}
	var hdr sheetRow
	for {
		r, err := rr.next()
		if err == io.EOF {
			return nil, &FileError{Code: CodeEmptyFile, Message: "the file is empty: it needs a header row and one row per goods line"}
		}
		if err != nil {
			return nil, err
		}
		if !blank(r.cells) {
			hdr = r
			break
		}
	}
	lay, err := readHeader(hdr)
	if err != nil {
		return nil, err
	}
	b := builder{imp: &Import{Format: format}, lay: lay, strictWidth: format == FormatCSV, groups: make(map[string]int)}
	for {
		r, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if blank(r.cells) {
			continue
		}
		b.imp.DataRows++
		if b.imp.DataRows > maxRows {
			return nil, &FileError{Row: r.num, Code: CodeTooManyRows,
				Message: fmt.Sprintf("the file has more than %d rows of goods: split it into several files", maxRows)}
		}
		b.add(r)
	}
	if b.imp.DataRows == 0 {
		return nil, &FileError{Row: hdr.num, Code: CodeEmptyFile, Message: "the file has a header but no rows of goods below it"}
	}
	for i := range b.imp.Parcels {
		b.imp.Parcels[i].sortProblems()
	}
	return b.imp, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readHeader maps the header row onto columns, refusing unknown, duplicate and missing ones.
func readHeader(r sheetRow) (*layout, error) {
	lay := &layout{pos: make([]int, len(columns)), colOf: make([]int, len(r.cells)), headers: make([]string, len(r.cells))}
	for i := range lay.pos {
		lay.pos[i] = -1
	}
	var unknown []string
	firstUnknown := -1
	for p, raw := range r.cells {
		h := strings.TrimSpace(strings.TrimPrefix(raw, "\uFEFF"))
		lay.headers[p], lay.colOf[p] = h, -1
		if h == "" {
			continue
		}
		c, ok := columnByHeader[normalizeHeader(h)]
		if !ok {
			if firstUnknown < 0 {
				firstUnknown = p
			}
			unknown = append(unknown, fmt.Sprintf("%q (column %s)", h, columnLetter(p)))
			continue
		}
		if q := lay.pos[c]; q >= 0 {
			return nil, &FileError{Row: r.num, Column: columnLetter(p), Code: CodeDuplicateColumn,
				Message: fmt.Sprintf("%q names the column %s again, already in column %s (%q)", h, columns[c].Name, columnLetter(q), lay.headers[q])}
		}
		lay.pos[c], lay.colOf[p] = p, c
	}
	if len(unknown) > 0 {
		return nil, &FileError{Row: r.num, Column: columnLetter(firstUnknown), Code: CodeUnknownColumn,
			Message: "unknown column " + strings.Join(unknown, ", ") +
				": use the documented headers (logisticsNo, gcode, qty ... or 物流运单编号, 商品编码, 数量 ...) and remove any other column"}
	}
	var missing []string
	for c, col := range columns {
		if col.Required && lay.pos[c] < 0 {
			missing = append(missing, col.Name+" ("+col.Chinese+")")
		}
	}
	if len(missing) > 0 {
		word := "column"
		if len(missing) > 1 {
			word = "columns"
		}
		return nil, &FileError{Row: r.num, Code: CodeMissingColumn,
			Message: "the header lacks the required " + word + " " + strings.Join(missing, ", ")}
	}
	return lay, nil
}

// builder groups rows into parcels.
type builder struct {
	imp         *Import
	lay         *layout
	strictWidth bool           // CSV: a row longer than the header is a problem
	groups      map[string]int // parcel key → index in imp.Parcels
	first       [][]string     // per parcel: the cells of its first row, by column
}

func (b *builder) add(r sheetRow) {
	vals := make([]string, len(columns))
	for c, p := range b.lay.pos {
		if p >= 0 && p < len(r.cells) {
			vals[c] = strings.TrimSpace(r.cells[p])
		}
	}

	key := "\x00" + strconv.Itoa(r.num) // no logisticsNo: a parcel of its own
	if vals[colLogisticsNo] != "" {
		key = strings.ToUpper(vals[colLogisticsCode]) + "\x00" + vals[colLogisticsNo]
	}
	gi, seen := b.groups[key]
	if !seen {
		gi = len(b.imp.Parcels)
		b.groups[key] = gi
		b.imp.Parcels = append(b.imp.Parcels, ParcelRows{layout: b.lay})
		b.first = append(b.first, vals)
	}
	pr := &b.imp.Parcels[gi]

	// Cells outside the columns.
	width := len(b.lay.colOf)
	if b.strictWidth && len(r.cells) > width {
		pr.problem(cellRef{r.num, width}, rowText(r.num)+", column "+columnLetter(width), CodeTooManyCells,
			fmt.Sprintf("this row has %d cells but the header %d: a value holding a comma must be enclosed in double quotes", len(r.cells), width))
	}
	for p, v := range r.cells {
		if p >= width && b.strictWidth {
			break
		}
		if (p >= width || b.lay.colOf[p] < 0) && strings.TrimSpace(v) != "" {
			pr.problem(cellRef{r.num, p}, rowText(r.num)+", column "+columnLetter(p), CodeNoHeader,
				fmt.Sprintf("a value (%q) in column %s, which has no header", strings.TrimSpace(v), columnLetter(p)))
		}
	}
	for _, n := range r.notes {
		where := rowText(r.num) + ", column " + columnLetter(n.col)
		if n.col < width && b.lay.colOf[n.col] >= 0 {
			where = b.lay.at(r.num, b.lay.colOf[n.col])
		}
		pr.problem(cellRef{r.num, n.col}, where, n.code, n.message)
	}

	if !seen {
		for c, col := range columns {
			if col.Level == LevelParcel && vals[c] != "" {
				b.set(pr, r.num, c, &pr.Draft, nil, vals[c])
			}
		}
	} else {
		first, firstRow := b.first[gi], pr.Rows[0]
		for c, col := range columns {
			if col.Level != LevelParcel || c == colLogisticsCode || c == colLogisticsNo || vals[c] == "" || sameValue(col, first[c], vals[c]) {
				continue
			}
			msg := fmt.Sprintf("%s %q differs from %q in row %d, the parcel's first row: a parcel's values are taken from its first row",
				col.Name, vals[c], first[c], firstRow)
			if first[c] == "" {
				msg = fmt.Sprintf("%s %q is given here but left empty in row %d, the parcel's first row: a parcel's values are taken from its first row",
					col.Name, vals[c], firstRow)
			}
			pr.problem(cellRef{r.num, b.lay.pos[c]}, b.lay.at(r.num, c), CodeConflictingValue, msg)
		}
	}

	var it parcel.DraftItem
	for c, col := range columns {
		if col.Level == LevelItem && vals[c] != "" {
			b.set(pr, r.num, c, nil, &it, vals[c])
		}
	}
	pr.Draft.Items = append(pr.Draft.Items, it)
	pr.Rows = append(pr.Rows, r.num)
}

// set stores a non-empty cell in the draft or the item, recording a number it cannot read.
func (b *builder) set(pr *ParcelRows, row, c int, d *parcel.Draft, it *parcel.DraftItem, v string) {
	col := columns[c]
	switch {
	case col.setParcel != nil:
		col.setParcel(d, v)
	case col.setItem != nil:
		col.setItem(it, v)
	default:
		n, err := code.ParseDecimal(v)
		if err != nil {
			msg := err.Error()
			var de *domain.Error
			if errors.As(err, &de) {
				msg = de.Message
			}
			pr.problem(cellRef{row, b.lay.pos[c]}, b.lay.at(row, c), domain.CodeOf(err), fmt.Sprintf("%s %q: %s", col.Name, v, msg))
			return
		}
		if col.setParcelDec != nil {
			col.setParcelDec(d, n)
		} else {
			col.setItemDec(it, n)
		}
	}
}

// sameValue reports whether two cells of a column say the same: numbers by value ("4.50" is
// "4.5"), text exactly.
func sameValue(col column, a, b string) bool {
	if a == b {
		return true
	}
	if col.setParcelDec != nil || col.setItemDec != nil {
		x, errA := code.ParseDecimal(a)
		y, errB := code.ParseDecimal(b)
		return errA == nil && errB == nil && x.Cmp(y) == 0
	}
	return false
}

func (p *ParcelRows) problem(at cellRef, where string, errCode domain.Code, message string) {
	p.Problems = append(p.Problems, domain.FieldError{Field: where, Code: errCode, Message: message})
	p.problemAt = append(p.problemAt, at)
}

func (p *ParcelRows) sortProblems() {
	if len(p.Problems) < 2 {
		return
	}
	idx := make([]int, len(p.Problems))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := p.problemAt[i], p.problemAt[j]
		return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.col, b.col))
	})
	probs, at := make([]domain.FieldError, len(idx)), make([]cellRef, len(idx))
	for k, i := range idx {
		probs[k], at[k] = p.Problems[i], p.problemAt[i]
	}
	p.Problems, p.problemAt = probs, at
}
