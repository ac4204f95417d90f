package code

import (
	"slices"
	"strings"

	"github.com/silkgate/silkgate/domain"
)

// Currency is an ISO 4217 currency and the old 3-digit customs currency code (海关币制代码) that
// CEB messages carry in currency, fCurrency and iCurrency.
type Currency struct {
	ISO     string
	Customs string
}

// currencyTable holds the currencies of the customs table that are still in use. Currencies of
// big trading partners whose customs code is not certain here (RUB, KZT, PLN, CZK, HUF, VND,
// IDR, INR, TRY, AED, BYN, UZS, ...) are left out on purpose: an invented code would be filed
// with customs. Amounts in those are converted before they reach a declaration.
var currencyTable = []Currency{
	{"HKD", "110"},
	{"IRR", "113"},
	{"JPY", "116"},
	{"KWD", "118"},
	{"MOP", "121"},
	{"MYR", "122"},
	{"PKR", "127"},
	{"PHP", "129"},
	{"SGD", "132"},
	{"KRW", "133"},
	{"THB", "136"},
	{"CNY", "142"},
	{"TWD", "143"},
	{"EUR", "300"},
	{"DKK", "302"},
	{"GBP", "303"},
	{"NOK", "326"},
	{"SEK", "330"},
	{"CHF", "331"},
	{"CAD", "501"},
	{"USD", "502"},
	{"AUD", "601"},
	{"NZD", "609"},
}

var (
	currencyByISO     = map[string]int{}
	currencyByCustoms = map[string]int{}
)

func init() {
	for i, c := range currencyTable {
		currencyByISO[c.ISO] = i
		currencyByCustoms[c.Customs] = i
	}
}

// NormalizeCurrency accepts an ISO 4217 alphabetic code ("usd", " EUR ") and returns the
// currency with its customs code; anything else is refused with code invalid_currency.
func NormalizeCurrency(s string) (Currency, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	i, ok := currencyByISO[s]
	if !ok {
		return Currency{}, domain.InvalidField("", "invalid_currency",
			"not a supported ISO 4217 currency code (e.g. CNY, USD, EUR)")
	}
	return currencyTable[i], nil
}

// LookupCustomsCurrency finds a currency by its 3-digit customs code ("142" → CNY).
func LookupCustomsCurrency(customs string) (Currency, bool) {
	i, ok := currencyByCustoms[customs]
	if !ok {
		return Currency{}, false
	}
	return currencyTable[i], true
}

// Currencies lists every mapped currency in customs-code order.
func Currencies() []Currency {
	return slices.Clone(currencyTable)
}
