package customs

import (
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// chinaTime is China Standard Time, UTC+8 all year (no daylight saving since 1991). Customs
// dates — the day in a preNo, appTime, returnTime, a summary's month — are China dates. A fixed
// zone keeps the domain independent of the host's time-zone database.
var chinaTime = time.FixedZone("CST", 8*60*60)

// ChinaTime is the time zone customs dates are written in (UTC+8).
func ChinaTime() *time.Location { return chinaTime }

// Lengths of the identity numbers (CEB 2022-05 schema).
const (
	GUIDLength      = 36 // guid: upper-case UUID
	MaxCopNo        = 30 // copNo: the filer's own id
	PreNoLength     = 18 // preNo: "B" + YYYYMMDD + 9 digits
	EntryIDLength   = 18 // entryId: district 4 + year 4 + flag 1 + serial 9
	InvtNoLength    = 18 // invtNo as customs assigns it today (the schema allows up to 20)
	MaxInvtNo       = 20 // invtNo in the 2022-05 schema
	MaxCopNoPrefix  = 10 // FormatCopNo's prefix
	maxSerial       = 999_999_999
	copNoSeqMinimum = 4 // FormatCopNo pads the sequence to at least this many digits
)

// InvtNoExportFlag is the import/export mark FormatInvtNo writes in position 9 of an export
// inventory list number. The 2022-05 schema documents the layout "4位关区+4位年+1位进出口标记+
// 9位流水号" without the mark's values; the official 2018 samples carry a placeholder
// ("Invt20180507000001") that shows no layout at all; a real import receipt published in public
// code reads "49212020I046118061", i.e. the mark is a letter (I import), unlike the 0/1 of an
// entry number. So export lists are written with "E". CheckInvtNo accepts E, I, 0 and 1.
const InvtNoExportFlag = 'E'

// CheckGUID accepts a message guid as CEB wants it: 36 characters, a UUID (8-4-4-4-12
// hexadecimal digits) in upper case. Code invalid_guid.
func CheckGUID(s string) error {
	bad := func() error {
		return domain.InvalidField("", "invalid_guid",
			"a guid is an upper-case UUID of 36 characters (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)")
	}
	if len(s) != GUIDLength {
		return bad()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return bad()
			}
		default:
			if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
				return bad()
			}
		}
	}
	return nil
}

// FormatCopNo makes a copNo, the filer's own id of a message: prefix (1-10 letters or digits,
// upper-cased) + the China time of at as YYYYMMDDhhmmss + node (CopNoNodeLength characters,
// digits or upper-case letters: the process that issues it) + seq, zero-padded to at least four
// digits. It is deterministic. copNos are unique by construction when no two processes issuing
// at once share a node and each process never repeats (second, seq) — which CopNoNode and the
// app's sequence (a counter per second, time never going back) see to; the store's unique index
// on the copNo is the second guard. The result has at most 30 characters, else an Invalid error
// too_long (a 10-character prefix leaves room for 9,999 copNos a second and process).
func FormatCopNo(prefix string, at time.Time, node string, seq uint64) (string, error) {
	prefix = strings.ToUpper(strings.TrimSpace(prefix))
	if prefix == "" || len(prefix) > MaxCopNoPrefix || !alnum(prefix) {
		return "", domain.InvalidField("prefix", "invalid_prefix",
			"a copNo prefix has 1 to 10 letters or digits")
	}
	if len(node) != CopNoNodeLength || strings.ToUpper(node) != node || !alnum(node) {
		return "", domain.InvalidField("node", "invalid_node",
			"a copNo node has 2 digits or upper-case letters")
	}
	n := strconv.FormatUint(seq, 10)
	if len(n) < copNoSeqMinimum {
		n = strings.Repeat("0", copNoSeqMinimum-len(n)) + n
	}
	s := prefix + at.In(chinaTime).Format("20060102150405") + node + n
	if len(s) > MaxCopNo {
		return "", domain.InvalidField("copNo", "too_long", "a copNo has at most 30 characters")
	}
	return s, nil
}

// CopNoNodeLength is the length of the node part of a copNo (FormatCopNo).
const CopNoNodeLength = 2

// CopNoNode writes a process's number (claimed from the store at start, one more at each start)
// as the node of its copNos: two base-36 characters, the number modulo 1,296. Two processes
// share a node only if 1,296 others started between them — and even then their copNos differ
// unless both issue in the same second with the same sequence number.
func CopNoNode(n uint64) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	n %= 36 * 36
	return string([]byte{digits[n/36], digits[n%36]})
}

// CheckCopNo accepts a copNo: 1 to 30 letters, digits, '-' or '_'. Code invalid_cop_no.
func CheckCopNo(s string) error {
	if s == "" || len(s) > MaxCopNo || strings.Trim(s, "-_") == "" || !alnumDash(s) {
		return domain.InvalidField("", "invalid_cop_no",
			"a copNo has 1 to 30 letters, digits, '-' or '_'")
	}
	return nil
}

// FormatPreNo makes an E-Port pre-entry number: "B" + the China date of date as YYYYMMDD + the
// serial as 9 digits (0 to 999999999, else out_of_range).
func FormatPreNo(date time.Time, serial int64) (string, error) {
	if serial < 0 || serial > maxSerial {
		return "", domain.InvalidField("serial", "out_of_range", "a serial has at most 9 digits")
	}
	return "B" + date.In(chinaTime).Format("20060102") + pad9(serial), nil
}

// CheckPreNo accepts a pre-entry number: "B", a real date YYYYMMDD, 9 digits. Code
// invalid_pre_no.
func CheckPreNo(s string) error {
	bad := domain.InvalidField("", "invalid_pre_no", `a preNo is "B" + YYYYMMDD + 9 digits`)
	if len(s) != PreNoLength || s[0] != 'B' || !allDigits(s[1:]) {
		return bad
	}
	if _, err := time.Parse("20060102", s[1:9]); err != nil {
		return bad
	}
	return nil
}

// FormatEntryID makes a customs declaration number (海关编号): district (4 digits) + year (4
// digits) + 1 for import or 0 for export + serial (9 digits).
func FormatEntryID(district string, year int, export bool, serial int64) (string, error) {
	flag := "1"
	if export {
		flag = "0"
	}
	return formatNumber(district, year, flag, serial)
}

// CheckEntryID accepts a declaration number: 18 digits whose ninth (the import/export flag) is
// 0 or 1. Code invalid_entry_id.
func CheckEntryID(s string) error {
	if len(s) != EntryIDLength || !allDigits(s) || (s[8] != '0' && s[8] != '1') {
		return domain.InvalidField("", "invalid_entry_id",
			"an entry id is 18 digits: district 4, year 4, 0 export / 1 import, serial 9")
	}
	return nil
}

// FormatInvtNo makes an export inventory list number: district (4 digits) + year (4 digits) +
// InvtNoExportFlag + serial (9 digits).
func FormatInvtNo(district string, year int, serial int64) (string, error) {
	return formatNumber(district, year, string(InvtNoExportFlag), serial)
}

// CheckInvtNo accepts an inventory list number in the layout customs assigns: district (4
// digits), year (4 digits), an import/export mark (E or I as seen in real receipts, 0 or 1 as
// in entry numbers), serial (9 digits). Code invalid_invt_no. Receipts are not refused for an
// odd invtNo (ApplyReceipt keeps what customs says); this check is for numbers we make.
func CheckInvtNo(s string) error {
	if len(s) != InvtNoLength || !allDigits(s[:8]) || !allDigits(s[9:]) || !strings.ContainsRune("EI01", rune(s[8])) {
		return domain.InvalidField("", "invalid_invt_no",
			"an invtNo is district 4 digits, year 4 digits, E/I (or 0/1), serial 9 digits")
	}
	return nil
}

// CheckDistrict accepts a customs district code (关区代码): exactly 4 digits ("4700" Wuhan).
// Code invalid_customs_district.
func CheckDistrict(s string) error {
	if len(s) != 4 || !allDigits(s) {
		return domain.InvalidField("", "invalid_customs_district", "a customs district code has 4 digits")
	}
	return nil
}

func formatNumber(district string, year int, flag string, serial int64) (string, error) {
	var v domain.Violations
	if err := CheckDistrict(district); err != nil {
		v.AddError("district", err)
	}
	if year < 1000 || year > 9999 {
		v.Add("year", "out_of_range", "a year has 4 digits")
	}
	if serial < 0 || serial > maxSerial {
		v.Add("serial", "out_of_range", "a serial has at most 9 digits")
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return district + strconv.Itoa(year) + flag + pad9(serial), nil
}

// ParseReturnTime reads a receipt's returnTime (or a CEB792 opDate): 17 digits
// yyyyMMddHHmmssfff, China time. Code invalid_return_time.
func ParseReturnTime(s string) (time.Time, error) {
	if len(s) != 17 || !allDigits(s) {
		return time.Time{}, domain.InvalidField("returnTime", "invalid_return_time",
			"a returnTime has 17 digits: yyyyMMddHHmmssfff")
	}
	t, err := time.ParseInLocation("20060102150405.000", s[:14]+"."+s[14:], chinaTime)
	if err != nil {
		return time.Time{}, domain.InvalidField("returnTime", "invalid_return_time",
			"returnTime is not a real date and time")
	}
	return t, nil
}

// FormatReturnTime writes t as a returnTime: yyyyMMddHHmmssfff in China time.
func FormatReturnTime(t time.Time) string {
	s := t.In(chinaTime).Format("20060102150405.000")
	return s[:14] + s[15:]
}

func pad9(n int64) string {
	s := strconv.FormatInt(n, 10)
	return strings.Repeat("0", 9-len(s)) + s
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

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

func alnumDash(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func quote(s string) string { return strconv.Quote(s) }
