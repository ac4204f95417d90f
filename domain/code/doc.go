// Package code holds the identifiers and codes of Chinese customs and cross-border trade, and the
// fixed-point money type the domain counts with:
//
//   - USCC (统一社会信用代码) and the 10-character customs registration code (海关编码);
//   - HS codes (10 digits) and a table of the headings typical of cross-border e-commerce and
//     China–Europe rail freight;
//   - ISO 3166-1 countries mapped to the customs 3-digit country codes (海关国别代码) that CEB
//     messages carry, and ISO 4217 currencies mapped to the customs 3-digit currency codes;
//   - the customs measurement units (计量单位);
//   - Decimal, an int64 fixed-point number with four fractional digits for money, quantities and
//     weights.
//
// The API speaks ISO codes; the customs codes exist for the CEB codec. Every check returns a
// domain.Error of kind Invalid whose single field error has an empty field name, so that a caller
// places it with domain.Violations.AddError("items[0].unit", err).
package code
