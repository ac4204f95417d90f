package code_test

import (
	"testing"

	"github.com/silkgate/silkgate/domain/code"
)

// Every legal unit in the table is a code of the unit table, and the goods the product files
// in its samples are covered.
func TestLegalUnits(t *testing.T) {
	for _, hs := range []string{"8518300000", "8517130000", "6109100000", "9503008900", "9503006000", "6402999000", "4202221000"} {
		u, ok := code.LegalUnitsOf(hs)
		if !ok {
			t.Errorf("%s has no legal units", hs)
			continue
		}
		if code.CheckUnit(u.First) != nil || u.Second != "" && code.CheckUnit(u.Second) != nil {
			t.Errorf("%s: legal units %+v are not unit codes", hs, u)
		}
		if code.CheckHSCode(hs) != nil || !code.KnownHSHeading(hs) {
			t.Errorf("%s is not a known heading", hs)
		}
	}
	if u, _ := code.LegalUnitsOf("6109100000"); u.First != "011" || u.Second != "035" || code.UnitName(u.First) != "件" {
		t.Errorf("T-shirts: %+v", u)
	}
	if _, ok := code.LegalUnitsOf("0101210010"); ok {
		t.Error("a code outside the table has legal units")
	}
}
