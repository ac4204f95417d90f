package code

import (
	"bytes"
	"encoding/json"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
)

// DecimalPlaces is the number of fractional digits a Decimal keeps.
const DecimalPlaces = 4

// decScale is 10^DecimalPlaces: the int64 that stands for 1.
const decScale = 10_000

// Decimal is a fixed-point number with exactly four fractional digits, kept as an int64 count of
// ten-thousandths: enough for money (CEB amounts, customs duty), quantities and weights in kg,
// and exact where float64 is not. Its range is ±922,337,203,685,477.5807 (math.MinInt64 is left
// out so that every value has a negation). The zero value is 0.
//
// Add, Sub, Mul and Round panic when the result leaves that range, like integer division by
// zero: amounts from outside must go through ParseDecimal, and code that combines untrusted
// amounts whose sum might not fit uses CheckedAdd, CheckedSub and CheckedMul, which return an
// out_of_range error instead.
//
// In JSON a Decimal is a string ("12.5"); a JSON number is accepted on input. As text (XML,
// query parameters) it is its String form.
type Decimal struct {
	v int64 // value × 10^4
}

// MaxDecimal and MinDecimal are the largest and smallest Decimals.
var (
	MaxDecimal = Decimal{math.MaxInt64}
	MinDecimal = Decimal{-math.MaxInt64}
)

var decPow10 = [...]int64{1, 10, 100, 1_000, 10_000}

func decimalError(code domain.Code, message string) error {
	return domain.InvalidField("", code, message)
}

func decimalOverflow() error {
	return decimalError("out_of_range", "the number is out of range (at most 922337203685477.5807 in magnitude)")
}

// ParseDecimal reads a plain decimal number: an optional sign, digits, and optionally a point
// followed by digits ("12", "-3.5", ".5", "5."); spaces around it are ignored. Exponents ("1e3"),
// inner spaces, thousands separators, "NaN" and "Inf" are refused with code invalid_number. Digits
// beyond the fourth after the point must be zeros ("1.50000" is 1.5), else the code is
// too_many_decimals: a Decimal never rounds its input. Values outside the range are out_of_range.
// "-0" is 0.
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, fracPart, _ := strings.Cut(s, ".") // a second point fails decAllDigits
	if intPart == "" && fracPart == "" || !decAllDigits(intPart) || !decAllDigits(fracPart) {
		return Decimal{}, decimalError("invalid_number", "not a decimal number (digits with an optional point; no exponent)")
	}
	if len(fracPart) > DecimalPlaces {
		if strings.Trim(fracPart[DecimalPlaces:], "0") != "" {
			return Decimal{}, decimalError("too_many_decimals", "at most 4 digits after the decimal point")
		}
		fracPart = fracPart[:DecimalPlaces]
	}
	intPart = strings.TrimLeft(intPart, "0")
	// 15 integer digits × 10^4 stays below 10^19 < 2^64, so the sum below cannot wrap.
	if len(intPart) > 15 {
		return Decimal{}, decimalOverflow()
	}
	var u uint64
	for i := 0; i < len(intPart); i++ {
		u = u*10 + uint64(intPart[i]-'0')
	}
	u *= decScale
	var f uint64
	for i := 0; i < DecimalPlaces; i++ {
		f *= 10
		if i < len(fracPart) {
			f += uint64(fracPart[i] - '0')
		}
	}
	u += f
	if u > math.MaxInt64 {
		return Decimal{}, decimalOverflow()
	}
	v := int64(u)
	if neg {
		v = -v
	}
	return Decimal{v}, nil
}

func decAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MustDecimal is ParseDecimal for constants and tests; it panics on a bad number.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic("code.MustDecimal(" + strconv.Quote(s) + "): " + err.Error())
	}
	return d
}

// DecimalFromInt is the whole number n. It panics if n is outside the range
// (|n| > 922,337,203,685,477).
func DecimalFromInt(n int64) Decimal {
	const limit = math.MaxInt64 / decScale
	if n > limit || n < -limit {
		panic("code.DecimalFromInt: " + strconv.FormatInt(n, 10) + " is out of range")
	}
	return Decimal{n * decScale}
}

// DecimalFromScaled is the Decimal whose value is scaled / 10^4: the inverse of Scaled, for
// storage that keeps the integer. math.MinInt64 is out of range and becomes MinDecimal.
func DecimalFromScaled(scaled int64) Decimal {
	if scaled == math.MinInt64 {
		return MinDecimal
	}
	return Decimal{scaled}
}

// Scaled is the value × 10^4 as an integer: exact, sortable and summable by a database.
func (d Decimal) Scaled() int64 { return d.v }

// String is the canonical form: no exponent, no trailing fractional zeros, no point for whole
// numbers, "-" for negatives ("12.5", "3", "0.0001", "-7.25").
func (d Decimal) String() string {
	return string(d.appendText(nil, -1))
}

// StringFixed formats d rounded (half away from zero) to places fractional digits and shows
// exactly that many ("12.50" for places 2). places is clamped to 0..4.
func (d Decimal) StringFixed(places int) string {
	places = decClampPlaces(places)
	return string(d.Round(places).appendText(nil, places))
}

// appendText writes d; places < 0 means "as many as needed", else exactly places digits (d must
// already be rounded to places).
func (d Decimal) appendText(b []byte, places int) []byte {
	u := uint64(d.v)
	if d.v < 0 {
		b = append(b, '-')
		u = uint64(-d.v)
	}
	b = strconv.AppendUint(b, u/decScale, 10)
	frac := u % decScale
	digits := DecimalPlaces
	if places < 0 {
		for digits > 0 && frac%10 == 0 {
			frac /= 10
			digits--
		}
	} else {
		frac /= uint64(decPow10[DecimalPlaces-places])
		digits = places
	}
	if digits == 0 {
		return b
	}
	b = append(b, '.')
	s := strconv.FormatUint(frac, 10)
	for i := len(s); i < digits; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// Add is d + o; it panics when the sum is out of range (see CheckedAdd).
func (d Decimal) Add(o Decimal) Decimal {
	r, err := d.CheckedAdd(o)
	if err != nil {
		panic("code.Decimal.Add: " + d.String() + " + " + o.String() + " is out of range")
	}
	return r
}

// Sub is d − o; it panics when the difference is out of range (see CheckedSub).
func (d Decimal) Sub(o Decimal) Decimal {
	r, err := d.CheckedSub(o)
	if err != nil {
		panic("code.Decimal.Sub: " + d.String() + " - " + o.String() + " is out of range")
	}
	return r
}

// Mul is d × o rounded half away from zero to four decimals; it panics when the product is out
// of range (see CheckedMul).
func (d Decimal) Mul(o Decimal) Decimal {
	r, err := d.CheckedMul(o)
	if err != nil {
		panic("code.Decimal.Mul: " + d.String() + " * " + o.String() + " is out of range")
	}
	return r
}

// CheckedAdd is d + o, or an out_of_range error.
func (d Decimal) CheckedAdd(o Decimal) (Decimal, error) {
	s := d.v + o.v
	// Signed overflow happened iff both operands have the sign the sum lacks.
	if (d.v >= 0) == (o.v >= 0) && (s >= 0) != (d.v >= 0) || s == math.MinInt64 {
		return Decimal{}, decimalOverflow()
	}
	return Decimal{s}, nil
}

// CheckedSub is d − o, or an out_of_range error.
func (d Decimal) CheckedSub(o Decimal) (Decimal, error) {
	return d.CheckedAdd(o.Neg())
}

// CheckedMul is d × o rounded half away from zero to four decimals, or an out_of_range error.
// The product is formed in 128 bits, so no intermediate overflow goes unnoticed.
func (d Decimal) CheckedMul(o Decimal) (Decimal, error) {
	neg := (d.v < 0) != (o.v < 0)
	hi, lo := bits.Mul64(decAbs(d.v), decAbs(o.v))
	if hi >= decScale { // the quotient would not fit in 64 bits
		return Decimal{}, decimalOverflow()
	}
	q, r := bits.Div64(hi, lo, decScale)
	if r*2 >= decScale {
		q++
	}
	if q > math.MaxInt64 {
		return Decimal{}, decimalOverflow()
	}
	v := int64(q)
	if neg {
		v = -v
	}
	return Decimal{v}, nil
}

func decAbs(v int64) uint64 {
	if v < 0 {
		return uint64(-v) // v is never math.MinInt64
	}
	return uint64(v)
}

// Neg is −d.
func (d Decimal) Neg() Decimal { return Decimal{-d.v} }

// Abs is |d|.
func (d Decimal) Abs() Decimal {
	if d.v < 0 {
		return Decimal{-d.v}
	}
	return d
}

// Cmp is −1, 0 or +1 as d is less than, equal to or greater than o.
func (d Decimal) Cmp(o Decimal) int {
	switch {
	case d.v < o.v:
		return -1
	case d.v > o.v:
		return 1
	}
	return 0
}

// Sign is −1, 0 or +1 as d is negative, zero or positive.
func (d Decimal) Sign() int {
	switch {
	case d.v < 0:
		return -1
	case d.v > 0:
		return 1
	}
	return 0
}

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.v == 0 }

// Float64 is the nearest float64, for display and statistics only; never compute money with it.
func (d Decimal) Float64() float64 {
	return float64(d.v) / decScale
}

// Round is d rounded half away from zero (the commercial "half-up": 2.345 → 2.35, −2.345 →
// −2.35) to places fractional digits; places is clamped to 0..4. It panics only when rounding up
// the very largest values leaves the range.
func (d Decimal) Round(places int) Decimal {
	places = decClampPlaces(places)
	unit := decPow10[DecimalPlaces-places]
	if unit == 1 {
		return d
	}
	r := d.v % unit // has the sign of d.v
	q := d.v - r
	if r < 0 {
		r = -r
	}
	if r*2 < unit {
		return Decimal{q}
	}
	step := Decimal{unit}
	if d.v < 0 {
		step = step.Neg()
	}
	res, err := Decimal{q}.CheckedAdd(step)
	if err != nil {
		panic("code.Decimal.Round: " + d.String() + " rounds out of range")
	}
	return res
}

func decClampPlaces(places int) int {
	return min(max(places, 0), DecimalPlaces)
}

// MarshalJSON writes d as a JSON string in canonical form ("12.5").
func (d Decimal) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 24)
	b = append(b, '"')
	b = d.appendText(b, -1)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a JSON string ("12.50") or a JSON number (12.5) with ParseDecimal's rules;
// the errors are ParseDecimal's (codes invalid_number, too_many_decimals, out_of_range). JSON
// null leaves d unchanged, as encoding/json does for other types.
func (d *Decimal) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	text := string(data)
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &text); err != nil {
			return decimalError("invalid_number", "not a decimal number")
		}
	} else if len(data) == 0 || data[0] != '-' && (data[0] < '0' || data[0] > '9') {
		// true, false, objects, arrays: not numbers. A JSON number never starts with '+' or '.'.
		return decimalError("invalid_number", "a decimal number is a JSON string such as \"12.50\" or a JSON number")
	}
	v, err := ParseDecimal(text)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText writes the canonical form.
func (d Decimal) MarshalText() ([]byte, error) {
	return d.appendText(nil, -1), nil
}

// UnmarshalText reads text with ParseDecimal.
func (d *Decimal) UnmarshalText(text []byte) error {
	v, err := ParseDecimal(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
