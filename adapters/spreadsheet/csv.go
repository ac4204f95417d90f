package spreadsheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

const saveAsUTF8 = `in Excel choose File → Save As → "CSV UTF-8 (Comma delimited) (*.csv)" (另存为 "CSV UTF-8(逗号分隔)")`

// csvReader reads UTF-8 CSV records and numbers them as a spreadsheet program shows them: a
// record spanning several lines (a quoted value with line breaks) is one row, and an empty line
// is an empty row.
type csvReader struct {
	r       *csv.Reader
	row     int // sheet row of the last record
	endLine int // the line the last record ended on
}

func openCSV(content []byte) (*csvReader, error) {
	if bytes.HasPrefix(content, bomUTF16LE) || bytes.HasPrefix(content, bomUTF16BE) {
		return nil, &FileError{Code: CodeNotUTF8,
			Message: "the file is UTF-16 (Excel's \"Unicode Text\"), not UTF-8: " + saveAsUTF8}
	}
	content = bytes.TrimPrefix(content, bomUTF8)
	if bad := invalidUTF8(content); bad >= 0 {
		line := bytes.Count(content[:bad], []byte{'\n'}) + 1
		return nil, &FileError{Row: line, Code: CodeNotUTF8, Message: fmt.Sprintf(
			"the file is not UTF-8: line %d holds other bytes, probably GBK from an older Excel or WPS; %s", line, saveAsUTF8)}
	}
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	r.Comma = sniffComma(content)
	return &csvReader{r: r}, nil
}

// invalidUTF8 is the offset of the first byte that is not UTF-8, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// sniffComma picks the separator from the first non-empty line: a comma unless that line has
// none and has semicolons (a European Excel) or tabs.
func sniffComma(content []byte) rune {
	for len(content) > 0 {
		line, rest, _ := bytes.Cut(content, []byte{'\n'})
		content = rest
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		switch {
		case bytes.IndexByte(line, ',') >= 0:
			return ','
		case bytes.IndexByte(line, ';') >= 0:
			return ';'
		case bytes.IndexByte(line, '\t') >= 0:
			return '\t'
		}
		break
	}
	return ','
}

func (c *csvReader) next() (sheetRow, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return sheetRow{}, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return sheetRow{}, &FileError{Row: c.row + max(pe.StartLine-c.endLine, 1), Code: CodeUnreadableFile,
				Message: fmt.Sprintf("the CSV cannot be read at line %d, character %d (%v): a value holding a comma, a line break or a double quote must be enclosed in double quotes, with each of its own double quotes doubled (\"\")",
					pe.Line, pe.Column, pe.Err)}
		}
		return sheetRow{}, &FileError{Code: CodeUnreadableFile, Message: "the CSV cannot be read: " + err.Error()}
	}
	line, _ := c.r.FieldPos(0)
	c.row += line - c.endLine
	c.endLine = line
	for _, f := range rec {
		c.endLine += strings.Count(f, "\n")
	}
	return sheetRow{num: c.row, cells: rec}, nil
}

func (c *csvReader) close() {}
