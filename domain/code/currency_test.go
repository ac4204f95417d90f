package code_test

import (
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain/code"
)

func TestNormalizeCurrencyDomainTable(t *testing.T) {
	// docs/customs.md §5
	want := map[string]string{
		"CNY": "142", "USD": "502", "EUR": "300", "HKD": "110", "JPY": "116", "GBP": "303",
		"SGD": "132", "KRW": "133", "CAD": "501", "AUD": "601",
	}
	for iso, customs := range want {
		for _, in := range []string{iso, strings.ToLower(iso), " " + iso + "\t"} {
			c, err := code.NormalizeCurrency(in)
			if err != nil || c != (code.Currency{ISO: iso, Customs: customs}) {
				t.Errorf("NormalizeCurrency(%q) = %+v, %v; want %s/%s", in, c, err, iso, customs)
			}
		}
		c, ok := code.LookupCustomsCurrency(customs)
		if !ok || c.ISO != iso {
			t.Errorf("LookupCustomsCurrency(%s) = %+v, %v; want %s", customs, c, ok, iso)
		}
	}
}

func TestNormalizeCurrencyOthers(t *testing.T) {
	want := map[string]string{
		"MYR": "122", "THB": "136", "PHP": "129", "MOP": "121", "TWD": "143", "CHF": "331",
		"SEK": "330", "NOK": "326", "DKK": "302", "NZD": "609",
	}
	for iso, customs := range want {
		c, err := code.NormalizeCurrency(iso)
		if err != nil || c.Customs != customs {
			t.Errorf("NormalizeCurrency(%s) = %+v, %v; want %s", iso, c, err, customs)
		}
	}
}

func TestNormalizeCurrencyInvalid(t *testing.T) {
	for _, in := range []string{"", " ", "RMB", "US", "USDD", "U SD", "142", "XYZ", "XXX", "$", "人民币", "RUB"} {
		_, err := code.NormalizeCurrency(in)
		if err == nil {
			t.Errorf("NormalizeCurrency(%q) succeeded", in)
			continue
		}
		assertInvalidCode(t, "NormalizeCurrency("+in+")", err, "invalid_currency")
	}
	for _, customs := range []string{"", "999", "156", "CNY", "0142"} {
		if c, ok := code.LookupCustomsCurrency(customs); ok {
			t.Errorf("LookupCustomsCurrency(%q) = %+v", customs, c)
		}
	}
}

func TestCurrencyTableIntegrity(t *testing.T) {
	isos, customs := map[string]bool{}, map[string]bool{}
	for _, c := range code.Currencies() {
		if len(c.ISO) != 3 || strings.Trim(c.ISO, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Errorf("%+v: bad ISO code", c)
		}
		if len(c.Customs) != 3 || strings.Trim(c.Customs, "0123456789") != "" {
			t.Errorf("%+v: bad customs code", c)
		}
		if isos[c.ISO] || customs[c.Customs] {
			t.Errorf("%+v: duplicate", c)
		}
		isos[c.ISO], customs[c.Customs] = true, true
		if got, err := code.NormalizeCurrency(c.ISO); err != nil || got != c {
			t.Errorf("NormalizeCurrency(%s) = %+v, %v", c.ISO, got, err)
		}
		if got, ok := code.LookupCustomsCurrency(c.Customs); !ok || got != c {
			t.Errorf("LookupCustomsCurrency(%s) = %+v", c.Customs, got)
		}
	}
}
