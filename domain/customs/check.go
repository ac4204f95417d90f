package customs

import (
	"slices"
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

// Limits shared by the kinds (CEB 2022-05 schema where it has one).
const (
	MaxPartyCode = 18   // a 10-character customs code or an 18-character USCC
	MaxPartyName = 100  // agentName, ebcName, ...
	MaxReason    = 1000 // a cancellation's reason (CEB605)
	MaxLoctNo    = 10   // loctNo (supervised site)
)

// checkText records required / too_long for a trimmed string and reports whether it passed.
func checkText(v *domain.Violations, field, s string, required bool, max int) bool {
	return v.CheckText(field, s, required, max)
}

// checkPartyCode accepts what CEB accepts in a party field: a 10-character customs
// registration code or an 18-character USCC.
func checkPartyCode(v *domain.Violations, field, s string, required bool) {
	if s == "" {
		if required {
			v.Add(field, "required", field+" is required")
		}
		return
	}
	if err := code.CheckPartyCode(s); err != nil {
		v.AddError(field, err)
	}
}

// checkDistrict records required / invalid_customs_district.
func checkDistrict(v *domain.Violations, field, s string) {
	if s == "" {
		v.Add(field, "required", field+" is required")
	} else if err := CheckDistrict(s); err != nil {
		v.AddError(field, err)
	}
}

// checkCurrency normalises a required ISO currency code.
func checkCurrency(v *domain.Violations, field, s string, required bool) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.Add(field, "required", field+" is required")
		}
		return ""
	}
	c, err := code.NormalizeCurrency(s)
	if err != nil {
		v.AddError(field, err)
		return s
	}
	return c.ISO
}

func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func index(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// checkTrafMode defaults an empty transport mode to railway (the zone's trains) and checks a
// given one against JGS-20.
func checkTrafMode(v *domain.Violations, mode *string) {
	if *mode == "" {
		*mode = TrafModeRailway
	} else if !slices.Contains(TrafModes, *mode) {
		v.Add("trafMode", "invalid_traf_mode", "trafMode is a JGS-20 code: 2, 3, 4, 5, 6, 7 or 9")
	}
}
