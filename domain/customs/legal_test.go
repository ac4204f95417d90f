package customs_test

import (
	"errors"
	"testing"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

// legalInput is an inventory input whose parcel has the given lines (net weight 1 kg).
func legalInput(t *testing.T, items ...parcel.DraftItem) customs.InventoryInput {
	t.Helper()
	in := inventoryInput(t)
	d := in.Parcel.Draft()
	d.Items = items
	f, err := parcel.Validate(d)
	if err != nil {
		t.Fatal(err)
	}
	in.Parcel = f
	return in
}

func line(gcode, qty, unit string, netKg string) parcel.DraftItem {
	it := parcel.DraftItem{Gcode: gcode, Gname: "货物", Gmodel: "型号", Qty: dec(qty), Unit: unit, Price: decp("10"), OriginCountry: "CN"}
	if netKg != "" {
		it.NetWeightKg = decp(netKg)
	}
	return it
}

// TestLegalQuantities: the legal first and second quantities are worked out when a list is
// drafted: the declared quantity where the legal unit is the declared one, the net weight where
// it is 千克 (the parcel's for a parcel of one line, else the line's own), a fixed conversion
// (克, 千个); and what cannot be worked out is refused naming the item's field.
func TestLegalQuantities(t *testing.T) {
	// T-shirts (件 / 千克), one line: qty1 the pieces, qty2 the parcel's net weight.
	inv, err := customs.ValidateInventory(legalInput(t, line("6109100022", "3", "011", "")))
	if err != nil {
		t.Fatal(err)
	}
	if got := inv.Legal; len(got) != 1 || got[0].Qty1.String() != "3" || got[0].Unit1 != "011" ||
		got[0].Qty2.String() != "1" || got[0].Unit2 != "035" {
		t.Fatalf("legal %+v", got)
	}
	// Two lines with their own net weights; toys (千克 only) declared in boxes take their weight.
	inv, err = customs.ValidateInventory(legalInput(t,
		line("8518300000", "2", "007", "0.3"), line("9503008900", "2", "140", "0.45")))
	if err != nil {
		t.Fatal(err)
	}
	if l := inv.Legal; len(l) != 2 || l[0].Qty1.String() != "2" || l[0].Unit1 != "007" || l[0].Qty2.String() != "0.3" ||
		l[1].Qty1.String() != "0.45" || l[1].Unit1 != "035" || l[1].Unit2 != "" || !l[1].Qty2.IsZero() {
		t.Fatalf("legal %+v", l)
	}
	// A toy declared in grams converts to kilograms.
	inv, err = customs.ValidateInventory(legalInput(t, line("9503006000", "750", "036", "")))
	if err != nil || inv.Legal[0].Qty1.String() != "0.75" || inv.Legal[0].Unit1 != "035" {
		t.Fatalf("grams: %+v %v", inv.Legal, err)
	}

	for _, c := range []struct {
		name  string
		items []parcel.DraftItem
		field string
		code  string
	}{
		{"a code outside the table", []parcel.DraftItem{line("0101210010", "1", "007", "")}, "parcel.items[0].gcode", "legal_unit_unknown"},
		{"a phone declared in 个, legal unit 台", []parcel.DraftItem{line("8517130000", "1", "007", "")}, "parcel.items[0].unit", "legal_unit_unconvertible"},
		{"a second line without its net weight", []parcel.DraftItem{line("8518300000", "1", "007", "0.2"), line("6109100000", "2", "011", "")},
			"parcel.items[1].netWeightKg", "legal_unit_unconvertible"},
	} {
		_, err := customs.ValidateInventory(legalInput(t, c.items...))
		if domain.KindOf(err) != domain.KindInvalid || !hasField(err, c.field, c.code) {
			t.Errorf("%s: %v, want %s on %s", c.name, err, c.code, c.field)
		}
	}
	// A list drafted before the legal quantities were stored works them out when built.
	inv, err = customs.ValidateInventory(legalInput(t, line("6109100022", "3", "011", "")))
	if err != nil {
		t.Fatal(err)
	}
	inv.Legal = nil
	if l, err := inv.LegalQuantities(); err != nil || len(l) != 1 || l[0].Qty2.String() != "1" {
		t.Errorf("worked out later: %+v %v", l, err)
	}
}

func hasField(err error, field, code string) bool {
	var e *domain.Error
	if !errors.As(err, &e) {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field && string(f.Code) == code {
			return true
		}
	}
	return false
}
