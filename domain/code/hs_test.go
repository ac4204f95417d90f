package code_test

import (
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain/code"
)

func TestCheckHSCode(t *testing.T) {
	for _, hs := range []string{"8517130000", "8541401000", "6109100022", "0101210010", "9503008900"} {
		if err := code.CheckHSCode(hs); err != nil {
			t.Errorf("CheckHSCode(%q): %v", hs, err)
		}
	}
	for _, hs := range []string{
		"", "8517", "851713", "85171300", "851713000", "85171300001", "8517.13.00", "8517.130000",
		"85171300OO", " 8517130000", "8517130000 ", "８５１７１３００００", "-851713000", "8517 13000",
	} {
		err := code.CheckHSCode(hs)
		if err == nil {
			t.Errorf("CheckHSCode(%q) succeeded", hs)
			continue
		}
		assertInvalidCode(t, "CheckHSCode("+hs+")", err, "invalid_hs_code")
	}
}

func TestHSHeading(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"8471", "8471", true},
		{"847130", "8471", true},
		{"8471300000", "8471", true},
		{"8507600090", "8507", true},
		{"6109100022", "6109", true},
		{"847", "", false},
		{"84713000001", "", false},
		{"84a1", "", false},
		{"8471.30", "", false},
		{"0101", "", false}, // a real heading (live horses), just not in the table
		{"", "", false},
	}
	for _, c := range cases {
		h, ok := code.HSHeading(c.in)
		if ok != c.ok || h.Code != c.want {
			t.Errorf("HSHeading(%q) = %+v, %v; want %s, %v", c.in, h, ok, c.want, c.ok)
		}
		if ok && (h.NameEn == "" || h.NameZh == "") {
			t.Errorf("HSHeading(%q) has no name", c.in)
		}
	}
	if !code.KnownHSHeading("8517130000") || !code.KnownHSHeading("9503008900") {
		t.Error("KnownHSHeading rejects known headings")
	}
	for _, in := range []string{"0101210010", "8517", "851713000", "85171300000", ""} {
		if code.KnownHSHeading(in) {
			t.Errorf("KnownHSHeading(%q) = true", in)
		}
	}
}

func TestHSTableCoversTypicalGoods(t *testing.T) {
	required := strings.Fields(`
		6101 6102 6103 6104 6105 6106 6107 6108 6109 6110 6111 6112 6114 6115 6116 6117
		6201 6202 6203 6204 6205 6206 6207 6208 6209 6211 6212 6214 6216 6217
		6401 6402 6403 6404 6405 9503 8471 8517 8518 8528 8504 8507 8516 8509 8513
		9401 9403 9405 4202 3304 3924 3926 6911 6912 7013 8205 8467 8708 8712
		8414 8415 8418 8421 8450 8481 8482 6302 6307 9102 9506 7117 7323 4819 8541 8703 8711`)
	for _, h := range required {
		if _, ok := code.HSHeading(h); !ok {
			t.Errorf("heading %s missing", h)
		}
	}
	all := code.HSHeadings()
	if len(all) < 80 {
		t.Errorf("only %d headings", len(all))
	}
	prev := ""
	for _, h := range all {
		if len(h.Code) != 4 || strings.Trim(h.Code, "0123456789") != "" || h.NameEn == "" || h.NameZh == "" {
			t.Errorf("heading %+v malformed", h)
		}
		if h.Code <= prev {
			t.Errorf("headings not in code order (or duplicated) at %s", h.Code)
		}
		prev = h.Code
	}
}
