package ceb

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// China is the time zone of every CEB timestamp (China Standard Time, UTC+8, no daylight saving).
// A fixed zone is used so that the codec needs no tzdata.
var China = time.FixedZone("CST", 8*60*60)

const (
	appTimeLayout = "20060102150405" // appTime, leaveTime, startTime, endTime, accountingDate
	dateLayout    = "20060102"       // ieDate
)

// FormatAppTime formats t as the 14-digit CEB timestamp YYYYMMDDhhmmss in China time
// (appTime, leaveTime, startTime/endTime).
func FormatAppTime(t time.Time) string { return t.In(China).Format(appTimeLayout) }

// FormatReturnTime formats t as the 17-digit receipt timestamp YYYYMMDDhhmmssfff (milliseconds)
// in China time (returnTime, CEB792 opDate).
func FormatReturnTime(t time.Time) string {
	t = t.In(China)
	return t.Format(appTimeLayout) + fmt.Sprintf("%03d", t.Nanosecond()/int(time.Millisecond))
}

// FormatDate formats t as the 8-digit CEB date YYYYMMDD in China time (ieDate).
func FormatDate(t time.Time) string { return t.In(China).Format(dateLayout) }

// ParseAppTime parses a 14-digit YYYYMMDDhhmmss CEB timestamp as China time.
func ParseAppTime(s string) (time.Time, error) {
	if len(s) != 14 || !allDigits(s) {
		return time.Time{}, fmt.Errorf("want 14 digits YYYYMMDDhhmmss, got %q", s)
	}
	return time.ParseInLocation(appTimeLayout, s, China)
}

// ParseReturnTime parses a receipt timestamp as China time: 17 digits YYYYMMDDhhmmssfff as the
// schema requires, or 14 digits YYYYMMDDhhmmss (tolerated, milliseconds taken as zero).
func ParseReturnTime(s string) (time.Time, error) {
	switch {
	case len(s) == 17 && allDigits(s):
		t, err := time.ParseInLocation(appTimeLayout, s[:14], China)
		if err != nil {
			return time.Time{}, err
		}
		ms := int(s[14]-'0')*100 + int(s[15]-'0')*10 + int(s[16]-'0')
		return t.Add(time.Duration(ms) * time.Millisecond), nil
	case len(s) == 14 && allDigits(s):
		return time.ParseInLocation(appTimeLayout, s, China)
	}
	return time.Time{}, fmt.Errorf("want 17 digits YYYYMMDDhhmmssfff (or 14), got %q", s)
}

// ParseDate parses an 8-digit YYYYMMDD CEB date as midnight China time.
func ParseDate(s string) (time.Time, error) {
	if len(s) != 8 || !allDigits(s) {
		return time.Time{}, fmt.Errorf("want 8 digits YYYYMMDD, got %q", s)
	}
	return time.ParseInLocation(dateLayout, s, China)
}

// NewGUID returns a random (version 4) UUID in the upper-case 36-character form the CEB
// messages require for the root guid attribute and the head guid element.
func NewGUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("ceb: crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := strings.ToUpper(hex.EncodeToString(b[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Decimal is an xs:decimal value carried as its exact decimal text, e.g. "12.50" (money, weights,
// quantities). The codec never converts it to a float. Marshal accepts the plain form
// [-]digits[.digits] with at most 19 digits in all and at most 5 after the point
// (totalDigits 19 / fractionDigits 5 in the schema).
type Decimal string

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// checkDecimal reports what is wrong with d for totalDigits/fractionDigits, or "".
func checkDecimal(d string, total, fraction int) string {
	s := d
	if strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if !allDigits(intPart) || (hasPoint && !allDigits(frac)) {
		return fmt.Sprintf("%q is not a plain decimal number ([-]digits[.digits])", d)
	}
	// totalDigits counts significant digits: leading zeros of the integer part and trailing
	// zeros of the fraction do not count.
	sig := strings.TrimLeft(intPart, "0") + strings.TrimRight(frac, "0")
	if len(strings.TrimLeft(intPart, "0")) == 0 {
		sig = strings.TrimLeft(strings.TrimRight(frac, "0"), "0")
	}
	if len(strings.TrimRight(frac, "0")) > fraction {
		return fmt.Sprintf("%q has more than %d digits after the decimal point", d, fraction)
	}
	if len(sig) > total {
		return fmt.Sprintf("%q has more than %d digits", d, total)
	}
	return ""
}
