package code

import (
	"testing"

	"github.com/silkgate/silkgate/domain"
)

func TestCheckUSCC(t *testing.T) {
	cases := []struct {
		uscc string
		ok   bool
	}{
		{"914403001922038216", true},
		{"91350200776049653A", true},
		{"91420600MA4F0XXXXX", false},  // X in a check position it does not compute to
		{"914403001922038217", false},  // wrong check character
		{"91350200776049653B", false},  // wrong check letter
		{"91440300192203821", false},   // 17 characters
		{"9144030019220382160", false}, // 19 characters
		{"9144030019220382I6", false},  // I is not in the alphabet
		{"9144030019220382O6", false},  // O is not in the alphabet
		{"914403001922038S16", false},  // S is not in the alphabet
		{"91440300192203821v", false},  // lower case
		{"", false},
	}
	for _, c := range cases {
		err := CheckUSCC(c.uscc)
		if (err == nil) != c.ok {
			t.Errorf("CheckUSCC(%q) = %v, want ok=%v", c.uscc, err, c.ok)
		}
		if err != nil && domain.CodeOf(err) != "invalid_uscc" {
			t.Errorf("CheckUSCC(%q) code = %q", c.uscc, domain.CodeOf(err))
		}
	}
}

// TestCheckUSCCComputesEveryCheckCharacter makes sure the check character is derived for every
// possible value, including the wrap-around of 31 to 0: exactly one of the 31 candidates passes.
func TestCheckUSCCComputesEveryCheckCharacter(t *testing.T) {
	bodies := []string{"91440300192203821", "91350200776049653", "00000000000000000", "YYYYYYYYYYYYYYYYY"}
	for _, body := range bodies {
		passed := 0
		for i := 0; i < len(usccCharset); i++ {
			if CheckUSCC(body+string(usccCharset[i])) == nil {
				passed++
			}
		}
		if passed != 1 {
			t.Errorf("%s: %d check characters pass, want exactly 1", body, passed)
		}
	}
	if CheckUSCC("000000000000000000") != nil {
		t.Error("an all-zero body has check value 0 (31 wraps to 0)")
	}
}

func TestCheckCustomsCode(t *testing.T) {
	cases := []struct {
		code string
		ok   bool
	}{
		{"3301961Q43", true},
		{"4206930001", true},
		{"420698ABCD", true},
		{"42069A0001", false}, // letter in position 6
		{"A206930001", false}, // letter in position 1
		{"420693000", false},
		{"42069300011", false},
		{"4206930q01", false}, // lower case
		{"420693-001", false},
		{"", false},
	}
	for _, c := range cases {
		err := CheckCustomsCode(c.code)
		if (err == nil) != c.ok {
			t.Errorf("CheckCustomsCode(%q) = %v, want ok=%v", c.code, err, c.ok)
		}
		if err != nil && domain.CodeOf(err) != "invalid_customs_code" {
			t.Errorf("CheckCustomsCode(%q) code = %q", c.code, domain.CodeOf(err))
		}
	}
}
