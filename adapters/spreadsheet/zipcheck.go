package spreadsheet

import (
	"archive/zip"
	"fmt"
	"strings"
)

// Limits of a workbook: first on what the zip's directory declares, refused without unpacking
// anything (checkWorkbook), then on what the parts read really unpack to, as they unpack,
// through a scanner that keeps a few counters and never more than a small buffer (a directory
// can lie; archive/zip also stops a part at its declared size). Within them no XML token is
// longer than maxRun and no row wider than maxCellsPerRow cells.
//
// A 100,000-row sheet of the parcel columns unpacks to about 75 MB, and packs about 10:1.
const (
	maxEntries      = 1000      // parts in the zip
	maxSheetBytes   = 128 << 20 // a worksheet or the shared strings, unpacked
	maxPartBytes    = 8 << 20   // any other part (workbook, styles, an image), unpacked
	maxUnzipped     = 160 << 20 // the whole workbook, unpacked
	maxRatio        = 100       // unpacked : packed, for a part of more than ratioFloor bytes
	ratioFloor      = 8 << 20   // below it a part is small enough, however packed
	maxRun          = 128 << 10 // bytes of text between two tags: a cell's text or a run of blank space
	maxTag          = 64 << 10  // bytes of one tag with its attributes
	maxCellsPerRow  = 128       // <c> elements in one <row>
	maxSharedString = maxRun    // text bytes of one shared string (<si>), all its runs together
)

const splitFile = ": split it into several files, or save it again from Excel as an Excel Workbook (.xlsx) or as CSV UTF-8" +
	" (请拆分为多个文件，或在 Excel 中重新另存为 Excel 工作簿 (.xlsx) 或 CSV UTF-8)"

func tooLarge(format string, a ...any) *FileError {
	return &FileError{Code: CodeUploadTooLarge, Message: fmt.Sprintf(format, a...) + splitFile}
}

func zipBomb(format string, a ...any) *FileError {
	return &FileError{Code: CodeZipBomb, Message: fmt.Sprintf(format, a...) +
		": the workbook is not what Excel writes and is refused (工作簿的压缩数据异常，已拒绝)"}
}

// checkWorkbook refuses a workbook whose zip directory declares more than the limits above.
func checkWorkbook(zr *zip.Reader) error {
	if len(zr.File) > maxEntries {
		return tooLarge("the workbook has %d parts, more than %d", len(zr.File), maxEntries)
	}
	var total uint64
	for _, f := range zr.File {
		size, limit := f.UncompressedSize64, uint64(partLimit(f.Name))
		if size > limit {
			return tooLarge("the workbook's part %s unpacks to %s, more than %s", partName(f.Name), mb(size), mb(limit))
		}
		if total += size; total > maxUnzipped {
			return tooLarge("the workbook unpacks to more than %s", mb(maxUnzipped))
		}
		if size > ratioFloor && size > maxRatio*f.CompressedSize64 {
			return zipBomb("the workbook's part %s unpacks to %s from %s, more than %d times its packed size",
				partName(f.Name), mb(size), mb(f.CompressedSize64), maxRatio)
		}
	}
	return nil
}

func partLimit(name string) int {
	if isSheet(name) || isSharedStrings(name) {
		return maxSheetBytes
	}
	return maxPartBytes
}

func isSheet(name string) bool {
	name = strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	return strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml") && !strings.Contains(name, "/_rels/")
}

func isSharedStrings(name string) bool {
	return strings.EqualFold(strings.ReplaceAll(name, "\\", "/"), "xl/sharedStrings.xml")
}

func partName(name string) string {
	if len(name) > 64 {
		name = name[:64] + "…"
	}
	return fmt.Sprintf("%q", name)
}

func mb(n uint64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
	return fmt.Sprintf("%d MB", (n+(1<<20)-1)>>20)
}

// xmlScanner follows the bytes of an XML part just enough to bound what an XML decoder will
// hold at once: the text between two tags, one tag, the cells of a row, the text of a shared
// string. It does not check that the XML is well formed: the XML decoder reading it does.
type xmlScanner struct {
	part            string
	xml, sheet, sst bool

	inTag  bool
	tagLen int
	name   [8]byte // the tag's local name, up to 8 bytes
	nameN  int
	naming bool // still reading the tag's name
	end    bool // </...>
	slash  bool // the previous byte in the tag was '/'

	run   int // bytes of text since the last tag
	cells int // <c> in the current row
	inSI  bool
	siLen int // text bytes of the current shared string
}

func (s *xmlScanner) scan(p []byte) *FileError {
	if !s.xml {
		return nil
	}
	for _, b := range p {
		if !s.inTag {
			if b == '<' {
				s.inTag, s.tagLen, s.nameN, s.naming, s.end, s.slash = true, 0, 0, true, false, false
				continue
			}
			s.run++
			if s.run > maxRun {
				return s.tooLong()
			}
			if s.inSI {
				if s.siLen++; s.siLen > maxSharedString {
					return &FileError{Code: CodeCellTooLarge, Message: fmt.Sprintf(
						"a text in the workbook's shared strings is longer than %s: a cell holds at most 32,767 characters (单元格内容过长)", mb(maxSharedString))}
				}
			}
			continue
		}
		if s.tagLen++; s.tagLen > maxTag {
			return tooLarge("a tag in the workbook's part %s is longer than %s", s.part, mb(maxTag))
		}
		switch {
		case b == '>':
			s.inTag, s.run = false, 0
			if err := s.tag(); err != nil {
				return err
			}
			continue
		case s.naming && s.tagLen == 1 && b == '/':
			s.end = true
		case s.naming && (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '/'):
			s.naming = false
		case s.naming && b == ':':
			s.nameN = 0 // a prefix: the local name follows
		case s.naming:
			if s.nameN < len(s.name) {
				s.name[s.nameN] = b
			}
			s.nameN++
		}
		s.slash = b == '/'
	}
	return nil
}

func (s *xmlScanner) tooLong() *FileError {
	where := "the workbook's part " + s.part
	if s.sheet {
		where = "the worksheet"
	}
	return &FileError{Code: CodeCellTooLarge, Message: fmt.Sprintf(
		"%s holds a text or a run of blank space longer than %s: a cell holds at most 32,767 characters (单元格内容过长)", where, mb(maxRun))}
}

// tag counts one tag that has just ended.
func (s *xmlScanner) tag() *FileError {
	name := ""
	if s.nameN <= len(s.name) {
		name = string(s.name[:s.nameN])
	}
	closes := s.end || s.slash
	switch {
	case s.sheet && name == "row" && !s.end:
		s.cells = 0
	case s.sheet && name == "c" && !s.end:
		if s.cells++; s.cells > maxCellsPerRow {
			return &FileError{Code: CodeTooManyColumns, Message: fmt.Sprintf(
				"a row of the worksheet has more than %d cells: remove the columns the import does not read (删除多余的列)", maxCellsPerRow)}
		}
	case s.sst && name == "si":
		s.inSI, s.siLen = !closes, 0
	}
	return nil
}
