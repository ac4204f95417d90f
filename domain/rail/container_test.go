package rail_test

import (
	"testing"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

func TestContainerTypes(t *testing.T) {
	cases := []struct {
		typ   rail.ContainerType
		valid bool
		teu   int
		maxKg int64
	}{
		{rail.Type20GP, true, 1, 24_000},
		{rail.Type40GP, true, 2, 25_000},
		{rail.Type40HQ, true, 2, 25_000},
		{rail.Type40RF, true, 2, 25_000},
		{"45HQ", false, 0, 0},
		{"20gp", false, 0, 0},
		{"", false, 0, 0},
	}
	for _, c := range cases {
		if c.typ.Valid() != c.valid || c.typ.TEU() != c.teu || c.typ.MaxGrossKg() != c.maxKg {
			t.Errorf("%q: valid %v teu %d max %d", c.typ, c.typ.Valid(), c.typ.TEU(), c.typ.MaxGrossKg())
		}
	}
	if len(rail.ContainerTypes()) != 4 {
		t.Errorf("types %v", rail.ContainerTypes())
	}
}

func TestTEUAndMaxGross(t *testing.T) {
	cases := []struct {
		name  string
		reqs  []rail.ContainerRequest
		teu   int
		maxKg int64
	}{
		{"none", nil, 0, 0},
		{"one 40HQ", []rail.ContainerRequest{{rail.Type40HQ, 1}}, 2, 25_000},
		{"pair of 20GP", []rail.ContainerRequest{{rail.Type20GP, 2}}, 2, 48_000},
		{"mixed", []rail.ContainerRequest{{rail.Type20GP, 4}, {rail.Type40GP, 3}, {rail.Type40RF, 1}}, 4 + 6 + 2, 4*24_000 + 4*25_000},
		{"full train", []rail.ContainerRequest{{rail.Type40HQ, 55}}, 110, 55 * 25_000},
		{"unknown type adds nothing", []rail.ContainerRequest{{"45HQ", 3}, {rail.Type40GP, 1}}, 2, 25_000},
		{"negative count adds nothing", []rail.ContainerRequest{{rail.Type40GP, -3}}, 0, 0},
	}
	for _, c := range cases {
		if got := rail.TEUOf(c.reqs); got != c.teu {
			t.Errorf("%s: TEU %d, want %d", c.name, got, c.teu)
		}
		if got := rail.MaxGrossOf(c.reqs); got != c.maxKg {
			t.Errorf("%s: max gross %d, want %d", c.name, got, c.maxKg)
		}
	}
}

func TestCheckBookingLoad(t *testing.T) {
	type R = rail.ContainerRequest
	cases := []struct {
		name  string
		reqs  []R
		kg    int64
		wants []string
	}{
		{"one 40HQ at the limit", []R{{rail.Type40HQ, 1}}, 25_000, nil},
		{"one 40HQ one kg over", []R{{rail.Type40HQ, 1}}, 25_001, []string{"grossKg:over_weight"}},
		{"pair of 20GP at the limit", []R{{rail.Type20GP, 2}}, 48_000, nil},
		{"pair of 20GP over", []R{{rail.Type20GP, 2}}, 48_001, []string{"grossKg:over_weight"}},
		{"single 20GP", []R{{rail.Type20GP, 1}}, 10_000, []string{"containers[0].count:twenty_foot_in_pairs"}},
		{"three 20GP beside 40s", []R{{rail.Type40GP, 2}, {rail.Type20GP, 3}}, 10_000, []string{"containers[1].count:twenty_foot_in_pairs"}},
		{"mixed fine", []R{{rail.Type40GP, 2}, {rail.Type20GP, 4}, {rail.Type40RF, 1}}, 100_000, nil},
		{"no containers", nil, 1000, []string{"containers:required"}},
		{"bad type and count", []R{{"45HQ", 1}, {rail.Type40GP, 0}}, 1000,
			[]string{"containers[0].type:invalid_container_type", "containers[1].count:invalid_count"}},
		{"duplicate type", []R{{rail.Type40GP, 1}, {rail.Type40GP, 1}}, 1000, []string{"containers[1].type:duplicate_type"}},
		{"zero weight", []R{{rail.Type40GP, 1}}, 0, []string{"grossKg:required"}},
		{"negative weight", []R{{rail.Type40GP, 1}}, -5, []string{"grossKg:required"}},
		{"a full train", []R{{rail.Type40HQ, 52}}, 1_300_000, nil},
		{"over a train by TEU", []R{{rail.Type40HQ, 55}, {rail.Type20GP, 2}}, 1000, []string{"containers:too_many_containers"}},
		{"over a train by mass", []R{{rail.Type40HQ, 55}}, 1_300_001, []string{"grossKg:over_weight"}},
		{"count beyond bound", []R{{rail.Type40GP, 1_000_000}}, 1000, []string{"containers[0].count:invalid_count"}},
		{"everything at once", []R{{rail.Type20GP, 1}, {"XX", 2}}, 0,
			[]string{"containers[0].count:twenty_foot_in_pairs", "containers[1].type:invalid_container_type", "grossKg:required"}},
	}
	for _, c := range cases {
		wantFields(t, c.name, rail.CheckBookingLoad(c.reqs, c.kg), c.wants...)
	}
}

func TestISO6346LetterValuesAndKnownNumbers(t *testing.T) {
	// Known good numbers: CSQU3054383 is the worked example of ISO 6346 (Wikipedia); the others
	// were computed by hand with the standard's table (A=10, B=12 … skipping 11, 22, 33) and
	// cross-checked with an independent script.
	good := []string{
		"CSQU3054383", "MSCU1234566", "TGHU1234567", "MAEU0000013", "CMAU1234564", "TCLU1234568",
		"OOLU1234567", "HLXU1234561", "COSU8001236", "TRIU5432102", "GESU1234564", "BMOU1234561",
		"ABCJ0000004", "XYZZ9999992",
		"SUDU0000000", // sum mod 11 = 10: the check digit is 0
	}
	for _, s := range good {
		if err := rail.CheckContainerNo(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
		if d, ok := rail.ContainerCheckDigit(s); !ok || byte('0'+d) != s[10] {
			t.Errorf("%s: check digit %d %v", s, d, ok)
		}
	}
	if d, _ := rail.ContainerCheckDigit("SUDU000000"); d != 0 {
		t.Errorf("SUDU000000 check digit %d", d)
	}
	bad := []string{
		"CSQU3054384", "CSQU3054380", "MSCU1234567", "TGHU1234560", "MAEU0000012", // wrong check digits
		"CSQA3054383",  // category must be U, J or Z
		"CSQU305438",   // too short
		"CSQU30543833", // too long
		"csqu3054383",  // lower case (normalise first)
		"C5QU3054383",  // digit in owner code
		"CSQU30A4383",  // letter in serial
		"CSQU305438X",  // letter as check digit
		"",
	}
	for _, s := range bad {
		wantKindCode(t, s, rail.CheckContainerNo(s), domain.KindInvalid, "invalid_container_no")
	}
	if got := rail.NormalizeContainerNo(" csqu 305438-3 "); got != "CSQU3054383" {
		t.Errorf("normalise: %q", got)
	}
}
