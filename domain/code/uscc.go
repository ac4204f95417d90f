package code

import (
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
)

// usccCharset is the GB 32100-2015 alphabet; a character's value is its index. I, O, S, V and Z
// are left out so that they cannot be confused with digits.
const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^(i-1) mod 31 for positions 1..17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CheckUSCC validates a unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters
// of the national alphabet whose 18th is the check character of the first 17.
func CheckUSCC(uscc string) error {
	if len(uscc) != 18 {
		return domain.InvalidField("", "invalid_uscc", "a USCC has 18 characters")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccCharset, uscc[i])
		if v < 0 {
			return domain.InvalidField("", "invalid_uscc",
				"a USCC uses only 0-9 and A-Y without I, O, S, V, Z (position "+strconv.Itoa(i+1)+")")
		}
		sum += v * usccWeights[i]
	}
	check := (31 - sum%31) % 31
	if uscc[17] != usccCharset[check] {
		return domain.InvalidField("", "invalid_uscc", "the USCC check character does not match")
	}
	return nil
}

// CheckCustomsCode validates a 10-character customs registration code (海关编码): positions 1-6
// are digits (area, zone type, firm type), 7-10 a serial of digits or upper-case letters.
func CheckCustomsCode(customsCode string) error {
	if len(customsCode) != 10 {
		return domain.InvalidField("", "invalid_customs_code", "a customs code has 10 characters")
	}
	for i := 0; i < 10; i++ {
		c := customsCode[i]
		digit := c >= '0' && c <= '9'
		letter := c >= 'A' && c <= 'Z'
		if i < 6 && !digit || i >= 6 && !digit && !letter {
			return domain.InvalidField("", "invalid_customs_code",
				"a customs code has digits in positions 1-6 and digits or capital letters in 7-10")
		}
	}
	return nil
}

// CheckPartyCode accepts what CEB messages accept in a party field: a 10-character customs
// registration code or an 18-character USCC.
func CheckPartyCode(s string) error {
	switch len(s) {
	case 18:
		return CheckUSCC(s)
	case 10:
		return CheckCustomsCode(s)
	}
	return domain.InvalidField("", "invalid_party_code", "a 10-character customs code or an 18-character USCC")
}

// Codes the 2022-05 CEB specification allows in place of a party code (docs/customs.md §5):
// a foreign platform that cannot provide one files ebpCode "无" (境外平台企业如无法提供电商平台代码可填“无”),
// and a producer not registered with customs is ownerCode "NO" (未在海关登记的填 NO). Either way
// the name must be given, since no registry can supply it.
const (
	NoPlatformCode = "无"
	NoOwnerCode    = "NO"
)
