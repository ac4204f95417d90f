package code_test

import (
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain/code"
)

func TestNormalizeCountryValid(t *testing.T) {
	cases := []struct{ in, alpha2, alpha3, customs string }{
		{"DE", "DE", "DEU", "304"},
		{"de", "DE", "DEU", "304"},
		{"DEU", "DE", "DEU", "304"},
		{" deu ", "DE", "DEU", "304"},
		{"gB", "GB", "GBR", "303"},
		{"CN", "CN", "CHN", "142"},
		{"chn", "CN", "CHN", "142"},
		{"HK", "HK", "HKG", "110"},
		{"MAC", "MO", "MAC", "121"},
		{"TW", "TW", "TWN", "143"},
		{"RU", "RU", "RUS", "344"},
		{"BLR", "BY", "BLR", "340"},
		{"KZ", "KZ", "KAZ", "145"},
		{"KG", "KG", "KGZ", "146"},
		{"TJ", "TJ", "TJK", "147"},
		{"TM", "TM", "TKM", "148"},
		{"UZ", "UZ", "UZB", "149"},
		{"PL", "PL", "POL", "327"},
		{"CY", "CY", "CYP", "108"}, // an EU member in the customs Asia block
		{"RO", "RO", "ROU", "328"},
		{"ROU", "RO", "ROU", "328"},
		{"US", "US", "USA", "502"},
		{"\tus\n", "US", "USA", "502"},
	}
	for _, c := range cases {
		got, err := code.NormalizeCountry(c.in)
		if err != nil {
			t.Errorf("NormalizeCountry(%q): %v", c.in, err)
			continue
		}
		if got.Alpha2 != c.alpha2 || got.Alpha3 != c.alpha3 || got.Customs != c.customs {
			t.Errorf("NormalizeCountry(%q) = %+v, want %s/%s/%s", c.in, got, c.alpha2, c.alpha3, c.customs)
		}
	}
}

func TestNormalizeCountryInvalid(t *testing.T) {
	for _, in := range []string{
		"", " ", "X", "XX", "XXX", "UK", "EU", "ROM", "D", "DEUT", "D E", "142", "304", "Germany",
		"中国", "de-", "ＤＥ", "AN", "CS",
	} {
		_, err := code.NormalizeCountry(in)
		if err == nil {
			t.Errorf("NormalizeCountry(%q) succeeded", in)
			continue
		}
		assertInvalidCode(t, "NormalizeCountry("+in+")", err, "invalid_country")
	}
}

func TestLookupCustomsCountry(t *testing.T) {
	cases := map[string]string{
		"142": "CN", "110": "HK", "116": "JP", "133": "KR", "132": "SG", "122": "MY", "136": "TH",
		"141": "VN", "112": "ID", "129": "PH", "145": "KZ", "149": "UZ", "148": "TM", "344": "RU",
		"340": "BY", "327": "PL", "304": "DE", "305": "FR", "307": "IT", "309": "NL", "301": "BE",
		"312": "ES", "303": "GB", "502": "US", "501": "CA", "601": "AU", "609": "NZ", "138": "AE",
		"131": "SA", "137": "TR", "215": "EG", "244": "ZA", "410": "BR", "429": "MX",
	}
	for customs, alpha2 := range cases {
		c, ok := code.LookupCustomsCountry(customs)
		if !ok || c.Alpha2 != alpha2 {
			t.Errorf("LookupCustomsCountry(%s) = %+v, %v; want %s", customs, c, ok, alpha2)
		}
	}
	for _, customs := range []string{"", "999", "199", "349", "701", "42", "1420", "CN"} {
		if c, ok := code.LookupCustomsCountry(customs); ok {
			t.Errorf("LookupCustomsCountry(%q) = %+v, want none", customs, c)
		}
	}
}

func TestCountryTableIntegrity(t *testing.T) {
	all := code.Countries()
	if len(all) < 60 {
		t.Fatalf("only %d countries", len(all))
	}
	seen2, seen3, seenC := map[string]bool{}, map[string]bool{}, map[string]bool{}
	prev := ""
	for _, c := range all {
		if len(c.Alpha2) != 2 || strings.Trim(c.Alpha2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Errorf("%+v: bad alpha-2", c)
		}
		if len(c.Alpha3) != 3 || strings.Trim(c.Alpha3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Errorf("%+v: bad alpha-3", c)
		}
		if len(c.Customs) != 3 || strings.Trim(c.Customs, "0123456789") != "" {
			t.Errorf("%+v: bad customs code", c)
		}
		if c.NameEn == "" || c.NameZh == "" {
			t.Errorf("%+v: missing a name", c)
		}
		if seen2[c.Alpha2] || seen3[c.Alpha3] || seenC[c.Customs] {
			t.Errorf("%+v: duplicate code", c)
		}
		seen2[c.Alpha2], seen3[c.Alpha3], seenC[c.Customs] = true, true, true
		if c.Customs <= prev {
			t.Errorf("Countries() not in customs-code order at %s", c.Customs)
		}
		prev = c.Customs

		// every entry is reachable every way
		for _, in := range []string{c.Alpha2, c.Alpha3, strings.ToLower(c.Alpha2), strings.ToLower(c.Alpha3)} {
			if got, err := code.NormalizeCountry(in); err != nil || got != c {
				t.Errorf("NormalizeCountry(%q) = %+v, %v; want %+v", in, got, err, c)
			}
		}
		if got, ok := code.LookupCustomsCountry(c.Customs); !ok || got != c {
			t.Errorf("LookupCustomsCountry(%s) = %+v", c.Customs, got)
		}
	}
}

func TestCountryTableCoversTradingPartners(t *testing.T) {
	eu27 := []string{"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
		"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
	centralAsiaAndRail := []string{"KZ", "KG", "TJ", "TM", "UZ", "RU", "BY", "MN", "GE", "AZ", "AM", "UA", "TR"}
	seAsia := []string{"SG", "MY", "TH", "VN", "ID", "PH", "MM", "KH", "LA", "BN"}
	others := []string{"CN", "HK", "MO", "TW", "JP", "KR", "IN", "PK", "BD", "AE", "SA", "QA", "KW", "OM",
		"BH", "IL", "IR", "IQ", "JO", "EG", "ZA", "NG", "KE", "MA", "GB", "CH", "NO", "IS", "RS", "US", "CA",
		"MX", "BR", "AR", "CL", "PE", "CO", "AU", "NZ"}
	for _, group := range [][]string{eu27, centralAsiaAndRail, seAsia, others} {
		for _, a2 := range group {
			if _, err := code.NormalizeCountry(a2); err != nil {
				t.Errorf("%s is missing", a2)
			}
		}
	}
}
