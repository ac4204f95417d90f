package singlewindow

import (
	"strings"
	"testing"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/adapters/singlewindow/ceb/cebtest"
)

// TestInventoryCarriesLegalQuantities: CEB603 carries the legal quantities worked out when the
// list was drafted — earphones (个 / 千克) sold in 个: qty1 the pieces, qty2 the parcel's net
// weight in 千克 — not a copy of the declared quantity, and the message validates against the
// 2022-05 schema.
func TestInventoryCarriesLegalQuantities(t *testing.T) {
	m := inventoryMessage(t, "8518300000", "2", "19.9", "39.8")
	msg, err := ceb.ParseCEB603(m.XML)
	if err != nil {
		t.Fatal(err)
	}
	l := msg.Inventories[0].Lists[0]
	if l.Qty1 != "2" || l.Unit1 != "007" || l.Qty2 != "0.8" || l.Unit2 != "035" || l.Qty != "2" || l.Unit != "007" {
		t.Errorf("list line: qty %s %s, qty1 %s %s, qty2 %s %s", l.Qty, l.Unit, l.Qty1, l.Unit1, l.Qty2, l.Unit2)
	}
	if !strings.Contains(string(m.XML), "<ceb:unit2>035</ceb:unit2>") {
		t.Errorf("no unit2 in\n%s", m.XML)
	}
	cebtest.Validate(t, m.XML)
}
