package customs

import (
	"strconv"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/parcel"
)

// LegalQuantity is one goods line's quantity in the legal units of its commodity code
// (法定计量单位, code.LegalUnitsOf): CEB603 qty1/unit1 always, qty2/unit2 where the tariff has a
// second unit. The message copies it; it is worked out when the list is drafted.
type LegalQuantity struct {
	Qty1  code.Decimal `json:"qty1"`
	Unit1 string       `json:"unit1"`
	Qty2  code.Decimal `json:"qty2,omitempty,omitzero"`
	Unit2 string       `json:"unit2,omitempty"`
}

// Unit codes the conversion knows.
const (
	unitPiece    = "007" // 个
	unitKilogram = "035" // 千克
	unitGram     = "036" // 克
	unitTonne    = "070" // 吨
)

// unitFactors convert a declared unit into a legal unit of the same kind: quantity in `to` =
// quantity in `from` × factor.
var unitFactors = map[[2]string]code.Decimal{
	{unitKilogram, unitGram}:  code.MustDecimal("1000"),
	{unitGram, unitKilogram}:  code.MustDecimal("0.001"),
	{unitTonne, unitKilogram}: code.MustDecimal("1000"),
	{unitTonne, unitGram}:     code.MustDecimal("1000000"),
	{"043", unitPiece}:        code.MustDecimal("100"),   // 百个
	{"054", unitPiece}:        code.MustDecimal("1000"),  // 千个
	{"038", unitPiece}:        code.MustDecimal("10000"), // 万个
}

// LegalQuantities works out every line's quantity in its legal units:
//
//   - a legal unit that is the declared unit takes the declared quantity;
//   - one convertible from it by a fixed factor (克 ↔ 千克, 吨 → 千克, 千个 → 个, …) the converted
//     quantity;
//   - a weight (千克, 克) otherwise is the line's net weight: its own netWeightKg, or — for a
//     parcel of one line — the parcel's netWeightKg;
//   - anything else cannot be worked out: an Invalid error legal_unit_unconvertible naming
//     "items[i].unit" (declare the line in its legal unit), or "items[i].netWeightKg" for a
//     weight the line of a parcel of several lines does not give.
//
// A commodity code the legal-unit table does not cover is legal_unit_unknown on
// "items[i].gcode": a list customs would refuse for a missing or wrong legal quantity is never
// filed. All problems come back at once.
func LegalQuantities(f parcel.Fields) ([]LegalQuantity, error) {
	var v domain.Violations
	out := make([]LegalQuantity, len(f.Items))
	for i, it := range f.Items {
		p := "items[" + strconv.Itoa(i) + "]"
		units, ok := code.LegalUnitsOf(it.Gcode)
		if !ok {
			v.Add(p+".gcode", "legal_unit_unknown",
				"the legal units (法定计量单位) of commodity code "+it.Gcode+" are not in Silkgate's table; it cannot be filed yet")
			continue
		}
		q1, field, msg := inLegalUnit(units.First, it, f)
		if msg != "" {
			v.Add(p+"."+field, "legal_unit_unconvertible", msg)
			continue
		}
		out[i] = LegalQuantity{Qty1: q1, Unit1: units.First}
		if units.Second != "" {
			q2, field, msg := inLegalUnit(units.Second, it, f)
			if msg != "" {
				v.Add(p+"."+field, "legal_unit_unconvertible", msg)
				continue
			}
			out[i].Qty2, out[i].Unit2 = q2, units.Second
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// inLegalUnit is the line's quantity in unit, or the field to blame and why not.
func inLegalUnit(unit string, it parcel.Item, f parcel.Fields) (code.Decimal, string, string) {
	name := code.UnitName(unit) + " (" + unit + ")"
	if unit == it.Unit {
		return it.Qty, "", ""
	}
	if factor, ok := unitFactors[[2]string{it.Unit, unit}]; ok {
		if q, err := it.Qty.CheckedMul(factor); err == nil && q.Sign() > 0 {
			return q, "", ""
		}
		return code.Decimal{}, "qty", "qty does not convert to the legal unit " + name
	}
	if unit != unitKilogram && unit != unitGram {
		return code.Decimal{}, "unit", "the legal unit of " + it.Gcode + " is " + name + ", which " +
			code.UnitName(it.Unit) + " (" + it.Unit + ") does not convert to: declare the item in " + name
	}
	kg := it.NetWeightKg
	if kg.IsZero() && len(f.Items) == 1 {
		kg = f.NetWeightKg
	}
	if kg.Sign() <= 0 {
		return code.Decimal{}, "netWeightKg", "the legal unit of " + it.Gcode + " is " + name +
			": give the item's netWeightKg (a parcel of several items has no single net weight per item)"
	}
	if unit == unitGram {
		g, err := kg.CheckedMul(unitFactors[[2]string{unitKilogram, unitGram}])
		if err != nil {
			return code.Decimal{}, "netWeightKg", "netWeightKg is out of range in grams"
		}
		return g, "", ""
	}
	return kg, "", ""
}
