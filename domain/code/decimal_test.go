package code_test

import (
	"encoding"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

var (
	_ json.Marshaler           = code.Decimal{}
	_ json.Unmarshaler         = (*code.Decimal)(nil)
	_ encoding.TextMarshaler   = code.Decimal{}
	_ encoding.TextUnmarshaler = (*code.Decimal)(nil)
)

// assertInvalidCode checks that err is an Invalid domain.Error with the given code whose single
// field error has an empty field (callers prefix the path).
func assertInvalidCode(t *testing.T, what string, err error, wantCode string) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %v is not a *domain.Error", what, err)
		return
	}
	if e.Kind != domain.KindInvalid || string(e.Code) != wantCode {
		t.Errorf("%s: kind/code = %s/%s, want invalid/%s", what, e.Kind, e.Code, wantCode)
	}
	if len(e.Fields) != 1 || e.Fields[0].Field != "" || string(e.Fields[0].Code) != wantCode {
		t.Errorf("%s: fields = %+v, want one with an empty field and code %s", what, e.Fields, wantCode)
	}
}

func TestParseDecimalValid(t *testing.T) {
	cases := []struct {
		in, want string
		scaled   int64
	}{
		{"0", "0", 0},
		{"-0", "0", 0},
		{"+0", "0", 0},
		{"-0.0000", "0", 0},
		{"12", "12", 120000},
		{"12.5", "12.5", 125000},
		{"12.50", "12.5", 125000},
		{"12.5000", "12.5", 125000},
		{"1.50000", "1.5", 15000}, // zeros beyond the 4th decimal lose nothing
		{"1.000000000", "1", 10000},
		{".5", "0.5", 5000},
		{"-.5", "-0.5", -5000},
		{"5.", "5", 50000},
		{"-5.", "-5", -50000},
		{"+3.1", "3.1", 31000},
		{"  7.25 ", "7.25", 72500},
		{"\t1\n", "1", 10000},
		{"0.0001", "0.0001", 1},
		{"-0.0001", "-0.0001", -1},
		{"1.2345", "1.2345", 12345},
		{"007", "7", 70000},
		{"000000000000000000000001.5", "1.5", 15000},
		{"100.0000", "100", 1000000},
		{"922337203685477.5807", "922337203685477.5807", math.MaxInt64},
		{"-922337203685477.5807", "-922337203685477.5807", -math.MaxInt64},
	}
	for _, c := range cases {
		d, err := code.ParseDecimal(c.in)
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", c.in, err)
			continue
		}
		if d.String() != c.want || d.Scaled() != c.scaled {
			t.Errorf("ParseDecimal(%q) = %s (%d), want %s (%d)", c.in, d, d.Scaled(), c.want, c.scaled)
		}
	}
}

func TestParseDecimalInvalid(t *testing.T) {
	cases := []struct{ in, code string }{
		{"", "invalid_number"},
		{"   ", "invalid_number"},
		{"-", "invalid_number"},
		{"+", "invalid_number"},
		{".", "invalid_number"},
		{"-.", "invalid_number"},
		{"1e3", "invalid_number"},
		{"1E3", "invalid_number"},
		{"1.5e2", "invalid_number"},
		{"1e-2", "invalid_number"},
		{"0x10", "invalid_number"},
		{"1,000", "invalid_number"},
		{"1,5", "invalid_number"},
		{"1 000", "invalid_number"},
		{"1. 5", "invalid_number"},
		{"- 1", "invalid_number"},
		{"12a", "invalid_number"},
		{"NaN", "invalid_number"},
		{"Inf", "invalid_number"},
		{"-Infinity", "invalid_number"},
		{"--1", "invalid_number"},
		{"+-1", "invalid_number"},
		{"1.2.3", "invalid_number"},
		{"1..2", "invalid_number"},
		{"١٢", "invalid_number"}, // Arabic-Indic digits
		{"１２", "invalid_number"}, // full-width digits
		{"\"12\"", "invalid_number"},
		{"0.00001", "too_many_decimals"},
		{"1.23456", "too_many_decimals"},
		{"-1.00001", "too_many_decimals"},
		{"1.000010", "too_many_decimals"},
		{"922337203685477.5808", "out_of_range"},
		{"-922337203685477.5808", "out_of_range"},
		{"999999999999999", "out_of_range"},
		{"1000000000000000", "out_of_range"},
		{"99999999999999999999999", "out_of_range"},
	}
	for _, c := range cases {
		_, err := code.ParseDecimal(c.in)
		if err == nil {
			t.Errorf("ParseDecimal(%q) succeeded, want %s", c.in, c.code)
			continue
		}
		assertInvalidCode(t, "ParseDecimal("+c.in+")", err, c.code)
	}
}

func TestDecimalStringRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values := []int64{0, 1, -1, 9, 10, 9999, 10000, 10001, 123450, math.MaxInt64, -math.MaxInt64}
	for range 2000 {
		values = append(values, r.Int64()-r.Int64()/2, r.Int64N(1_000_000_000)-500_000_000)
	}
	for _, v := range values {
		if v == math.MinInt64 {
			continue
		}
		d := code.DecimalFromScaled(v)
		back, err := code.ParseDecimal(d.String())
		if err != nil || back != d {
			t.Fatalf("%d: String %q parses to %v, %v", v, d.String(), back, err)
		}
		s := d.String()
		if strings.Contains(s, ".") && strings.HasSuffix(s, "0") {
			t.Fatalf("%d: %q has a trailing zero", v, s)
		}
	}
}

func TestDecimalStringFixed(t *testing.T) {
	cases := []struct {
		in     string
		places int
		want   string
	}{
		{"12.5", 2, "12.50"},
		{"12", 2, "12.00"},
		{"0", 2, "0.00"},
		{"12.345", 2, "12.35"},
		{"-12.345", 2, "-12.35"},
		{"12.344", 2, "12.34"},
		{"0.0001", 4, "0.0001"},
		{"0.0001", 3, "0.000"},
		{"-0.0004", 3, "0.000"},
		{"-0.0005", 3, "-0.001"},
		{"9.99", 0, "10"},
		{"1.5", -3, "2"},
		{"1.2", 9, "1.2000"},
	}
	for _, c := range cases {
		if got := dec(c.in).StringFixed(c.places); got != c.want {
			t.Errorf("%s.StringFixed(%d) = %q, want %q", c.in, c.places, got, c.want)
		}
	}
}

func TestDecimalConstructors(t *testing.T) {
	if got := code.DecimalFromInt(5).String(); got != "5" {
		t.Errorf("DecimalFromInt(5) = %s", got)
	}
	if got := code.DecimalFromInt(-3).String(); got != "-3" {
		t.Errorf("DecimalFromInt(-3) = %s", got)
	}
	if got := code.DecimalFromInt(922337203685477).String(); got != "922337203685477" {
		t.Errorf("DecimalFromInt(max) = %s", got)
	}
	mustPanic(t, "DecimalFromInt(922337203685478)", func() { code.DecimalFromInt(922337203685478) })
	mustPanic(t, "DecimalFromInt(-922337203685478)", func() { code.DecimalFromInt(-922337203685478) })
	if code.MustDecimal("1.25") != code.DecimalFromScaled(12500) {
		t.Error("MustDecimal(1.25) != 12500 ten-thousandths")
	}
	mustPanic(t, "MustDecimal(abc)", func() { code.MustDecimal("abc") })
	if code.DecimalFromScaled(math.MinInt64) != code.MinDecimal {
		t.Error("DecimalFromScaled(MinInt64) should clamp to MinDecimal")
	}
	if code.MaxDecimal.Scaled() != math.MaxInt64 || code.MinDecimal.Scaled() != -math.MaxInt64 {
		t.Error("MaxDecimal/MinDecimal bounds")
	}
	var zero code.Decimal
	if !zero.IsZero() || zero.String() != "0" {
		t.Error("the zero value is 0")
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

func dec(s string) code.Decimal { return code.MustDecimal(s) }

func TestDecimalAddSub(t *testing.T) {
	cases := []struct{ a, b, sum, diff string }{
		{"1", "2", "3", "-1"},
		{"0.1", "0.2", "0.3", "-0.1"},
		{"-1.5", "1.5", "0", "-3"},
		{"12.3456", "0.0001", "12.3457", "12.3455"},
		{"-0.0001", "-0.0001", "-0.0002", "0"},
		{"922337203685477.5806", "0.0001", "922337203685477.5807", "922337203685477.5805"},
	}
	for _, c := range cases {
		if got := dec(c.a).Add(dec(c.b)); got != dec(c.sum) {
			t.Errorf("%s + %s = %s, want %s", c.a, c.b, got, c.sum)
		}
		if got := dec(c.a).Sub(dec(c.b)); got != dec(c.diff) {
			t.Errorf("%s - %s = %s, want %s", c.a, c.b, got, c.diff)
		}
	}
	overflows := []struct {
		name string
		f    func() (code.Decimal, error)
	}{
		{"max+0.0001", func() (code.Decimal, error) { return code.MaxDecimal.CheckedAdd(dec("0.0001")) }},
		{"max+max", func() (code.Decimal, error) { return code.MaxDecimal.CheckedAdd(code.MaxDecimal) }},
		{"min-0.0001", func() (code.Decimal, error) { return code.MinDecimal.CheckedSub(dec("0.0001")) }},
		{"min+min", func() (code.Decimal, error) { return code.MinDecimal.CheckedAdd(code.MinDecimal) }},
		{"max-min", func() (code.Decimal, error) { return code.MaxDecimal.CheckedSub(code.MinDecimal) }},
	}
	for _, o := range overflows {
		_, err := o.f()
		assertInvalidCode(t, o.name, err, "out_of_range")
	}
	if d, err := code.MaxDecimal.CheckedAdd(code.MinDecimal); err != nil || !d.IsZero() {
		t.Errorf("max+min = %v, %v", d, err)
	}
	mustPanic(t, "Add overflow", func() { code.MaxDecimal.Add(dec("1")) })
	mustPanic(t, "Sub overflow", func() { code.MinDecimal.Sub(dec("1")) })
}

func TestDecimalMul(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"3", "19.99", "59.97"},
		{"1.1", "1.1", "1.21"},
		{"0.3333", "3", "0.9999"},
		{"2.5", "-2", "-5"},
		{"-2.5", "-2", "5"},
		{"0", "-123.4567", "0"},
		{"0.0001", "0.5", "0.0001"},      // 0.00005 rounds half up
		{"-0.0001", "0.5", "-0.0001"},    // half away from zero
		{"0.0001", "0.4999", "0"},        // 0.00004999 rounds down
		{"0.0001", "0.0001", "0"},        // 0.00000001
		{"1.2345", "1.2345", "1.524"},    // 1.52399025 → 1.5240
		{"1.2345", "-1.2345", "-1.524"},  // symmetric
		{"2.0005", "1.5", "3.0008"},      // 3.00075 → 3.0008
		{"-2.0005", "1.5", "-3.0008"},    // −3.00075 → −3.0008
		{"19.9999", "0.15", "3"},         // 2.999985 → 3.0000
		{"100000000", "0.0001", "10000"}, // large × small
		{"922337203685477.5807", "1", "922337203685477.5807"},
		{"-922337203685477.5807", "-1", "922337203685477.5807"},
		{"30000000", "30000000", "900000000000000"},
	}
	for _, c := range cases {
		got, err := dec(c.a).CheckedMul(dec(c.b))
		if err != nil || got != dec(c.want) {
			t.Errorf("%s × %s = %s, %v; want %s", c.a, c.b, got, err, c.want)
		}
		if got2 := dec(c.a).Mul(dec(c.b)); got2 != got {
			t.Errorf("Mul and CheckedMul disagree on %s × %s", c.a, c.b)
		}
		if rev := dec(c.b).Mul(dec(c.a)); rev != got {
			t.Errorf("%s × %s is not commutative", c.a, c.b)
		}
	}
	overflows := [][2]string{
		{"922337203685477.5807", "2"},
		{"922337203685477.5807", "922337203685477.5807"},
		{"-922337203685477.5807", "922337203685477.5807"},
		{"100000000", "100000000"},
		{"922337203685477.5807", "1.0001"},
	}
	for _, o := range overflows {
		_, err := dec(o[0]).CheckedMul(dec(o[1]))
		assertInvalidCode(t, o[0]+"×"+o[1], err, "out_of_range")
	}
	mustPanic(t, "Mul overflow", func() { code.MaxDecimal.Mul(dec("2")) })
}

func TestDecimalRound(t *testing.T) {
	cases := []struct {
		in     string
		places int
		want   string
	}{
		{"2.345", 2, "2.35"},
		{"-2.345", 2, "-2.35"},
		{"2.344", 2, "2.34"},
		{"-2.344", 2, "-2.34"},
		{"1.5", 0, "2"},
		{"-1.5", 0, "-2"},
		{"2.4999", 0, "2"},
		{"0.0005", 3, "0.001"},
		{"1.2345", 4, "1.2345"},
		{"1.2345", 9, "1.2345"},
		{"1.5", -1, "2"},
		{"0", 2, "0"},
		{"922337203685477.4999", 0, "922337203685477"},
	}
	for _, c := range cases {
		if got := dec(c.in).Round(c.places); got != dec(c.want) {
			t.Errorf("Round(%s, %d) = %s, want %s", c.in, c.places, got, c.want)
		}
	}
	mustPanic(t, "Round out of range", func() { code.MaxDecimal.Round(0) })
}

func TestDecimalComparisons(t *testing.T) {
	a, b := dec("1.5"), dec("-2")
	if a.Cmp(b) != 1 || b.Cmp(a) != -1 || a.Cmp(dec("1.50")) != 0 {
		t.Error("Cmp")
	}
	if a.Sign() != 1 || b.Sign() != -1 || dec("-0").Sign() != 0 {
		t.Error("Sign")
	}
	if !dec("-0.0000").IsZero() || a.IsZero() {
		t.Error("IsZero")
	}
	if b.Abs() != dec("2") || a.Abs() != a || code.MinDecimal.Abs() != code.MaxDecimal {
		t.Error("Abs")
	}
	if a.Neg() != dec("-1.5") || dec("0").Neg() != dec("0") {
		t.Error("Neg")
	}
	if a.Float64() != 1.5 || dec("-0.0001").Float64() != -0.0001 {
		t.Error("Float64")
	}
}

type priced struct {
	Price code.Decimal  `json:"price"`
	Total *code.Decimal `json:"total,omitempty"`
}

func TestDecimalJSON(t *testing.T) {
	b, err := json.Marshal(priced{Price: dec("12.50")})
	if err != nil || string(b) != `{"price":"12.5"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	b, _ = json.Marshal(priced{Price: dec("-0.0001")})
	if string(b) != `{"price":"-0.0001"}` {
		t.Errorf("Marshal negative = %s", b)
	}

	valid := []struct {
		in   string
		want string
	}{
		{`{"price":"12.50"}`, "12.5"},
		{`{"price":12.5}`, "12.5"},
		{`{"price":-0}`, "0"},
		{`{"price":"-0"}`, "0"},
		{`{"price":" 3 "}`, "3"},
		{`{"price":0.0001}`, "0.0001"},
		{`{"price":"5."}`, "5"},
		{`{"price":".5"}`, "0.5"},
		{`{"price":12.50000}`, "12.5"},
		{`{"price":"\u0031\u0032"}`, "12"}, // escaped digits are still digits
	}
	for _, c := range valid {
		var p priced
		if err := json.Unmarshal([]byte(c.in), &p); err != nil || p.Price != dec(c.want) {
			t.Errorf("Unmarshal %s = %s, %v; want %s", c.in, p.Price, err, c.want)
		}
	}

	invalid := []struct{ in, code string }{
		{`{"price":"1e3"}`, "invalid_number"},
		{`{"price":1e3}`, "invalid_number"},
		{`{"price":1E-2}`, "invalid_number"},
		{`{"price":""}`, "invalid_number"},
		{`{"price":"abc"}`, "invalid_number"},
		{`{"price":"1\/2"}`, "invalid_number"}, // a JSON escape, unescaped before parsing
		{`{"price":true}`, "invalid_number"},
		{`{"price":{}}`, "invalid_number"},
		{`{"price":[1]}`, "invalid_number"},
		{`{"price":"1.23456"}`, "too_many_decimals"},
		{`{"price":0.00001}`, "too_many_decimals"},
		{`{"price":1000000000000000}`, "out_of_range"},
		{`{"price":"-922337203685477.5808"}`, "out_of_range"},
	}
	for _, c := range invalid {
		var p priced
		err := json.Unmarshal([]byte(c.in), &p)
		if err == nil {
			t.Errorf("Unmarshal %s succeeded, want %s", c.in, c.code)
			continue
		}
		assertInvalidCode(t, c.in, err, c.code)
	}

	// Called directly with malformed JSON (encoding/json never does this).
	var direct code.Decimal
	assertInvalidCode(t, "unterminated string", direct.UnmarshalJSON([]byte(`"12`)), "invalid_number")
	assertInvalidCode(t, "empty input", direct.UnmarshalJSON(nil), "invalid_number")

	// null leaves the value alone, and a pointer stays nil when the field is absent or null.
	p := priced{Price: dec("7")}
	if err := json.Unmarshal([]byte(`{"price":null,"total":null}`), &p); err != nil || p.Price != dec("7") || p.Total != nil {
		t.Errorf("null: %+v, %v", p, err)
	}
	var q priced
	if err := json.Unmarshal([]byte(`{"price":"1","total":"2.5"}`), &q); err != nil || q.Total == nil || *q.Total != dec("2.5") {
		t.Errorf("pointer: %+v, %v", q, err)
	}

	// round trip of many values
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		d := code.DecimalFromScaled(r.Int64() - r.Int64()/2)
		b, _ := json.Marshal(d)
		var back code.Decimal
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Fatalf("JSON round trip of %s: %s → %s, %v", d, b, back, err)
		}
	}
}

func TestDecimalText(t *testing.T) {
	b, err := dec("0.0100").MarshalText()
	if err != nil || string(b) != "0.01" {
		t.Errorf("MarshalText = %s, %v", b, err)
	}
	var d code.Decimal
	if err := d.UnmarshalText([]byte(" 42.4200 ")); err != nil || d != dec("42.42") {
		t.Errorf("UnmarshalText = %s, %v", d, err)
	}
	err = d.UnmarshalText([]byte("4.20001"))
	assertInvalidCode(t, "UnmarshalText(4.20001)", err, "too_many_decimals")
	if d != dec("42.42") {
		t.Error("a failed UnmarshalText must not change the value")
	}
	// map keys use TextMarshaler
	m := map[code.Decimal]int{dec("1.5"): 1}
	b, err = json.Marshal(m)
	if err != nil || string(b) != `{"1.5":1}` {
		t.Errorf("map key = %s, %v", b, err)
	}
}
