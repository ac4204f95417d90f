package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestInventoryLegalUnits: an inventory list declares its lines in their legal units: a parcel
// of T-shirts and earphones whose lines give their net weights is drafted and filed with qty1/
// unit1 and qty2/unit2 (千克) per line; the same parcel without the lines' weights, or with a
// phone sold in 个 (legal unit 台), is refused when drafted, naming the item's field.
func TestInventoryLegalUnits(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	s.carrier(carrierCode)
	parcelWith := func(no string, items ...map[string]any) string {
		b := parcelBody(no)
		b["items"] = func() []any {
			out := make([]any, len(items))
			for i := range items {
				out[i] = items[i]
			}
			return out
		}()
		b["grossWeightKg"], b["netWeightKg"] = "0.7", "0.5"
		return s.expect(s.do("POST", "/v1/parcels", exp.key, b), 201)["id"].(string)
	}
	earphones := func(w string) map[string]any {
		m := map[string]any{"gcode": "8518300000", "gname": "蓝牙耳机", "gmodel": "TWS|白色", "qty": "2", "unit": "007",
			"price": "19.90", "originCountry": "CN"}
		if w != "" {
			m["netWeightKg"] = w
		}
		return m
	}
	tshirts := func(w string) map[string]any {
		m := map[string]any{"gcode": "6109100000", "gname": "纯棉T恤", "gmodel": "纯棉|男款|L码", "qty": "3", "unit": "011",
			"price": "6.50", "originCountry": "CN"}
		if w != "" {
			m["netWeightKg"] = w
		}
		return m
	}
	phone := map[string]any{"gcode": "8517130000", "gname": "智能手机", "gmodel": "5G|128GB", "qty": "1", "unit": "007",
		"price": "189", "originCountry": "CN"}

	good := parcelWith("XYL1", earphones("0.12"), tshirts("0.36"))
	noWeights := parcelWith("XYL2", earphones(""), tshirts(""))
	phoneInPieces := parcelWith("XYL3", phone)
	res := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "inventory",
		"parcelIds": []string{good, noWeights, phoneInPieces}}), 200)["results"].([]any)
	errs := func(i int) string { return fmt.Sprint(res[i].(map[string]any)["errors"]) }
	if res[0].(map[string]any)["status"] != "created" {
		t.Fatalf("the parcel with its lines' weights: %v", res[0])
	}
	if res[1].(map[string]any)["status"] != "invalid" || !strings.Contains(errs(1), "parcelIds[1].parcel.items[0].netWeightKg") ||
		!strings.Contains(errs(1), "legal_unit_unconvertible") {
		t.Errorf("lines without weights: %v", res[1])
	}
	if res[2].(map[string]any)["status"] != "invalid" || !strings.Contains(errs(2), "parcelIds[2].parcel.items[0].unit") {
		t.Errorf("a phone in 个: %v", res[2])
	}

	id := res[0].(map[string]any)["id"].(string)
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)
	msg := string(s.do("GET", "/v1/declarations/"+id+"/message", exp.key, nil).Body)
	for _, want := range []string{
		"<ceb:qty1>2</ceb:qty1>", "<ceb:unit1>007</ceb:unit1>", "<ceb:qty2>0.12</ceb:qty2>", // earphones: 个 / 千克
		"<ceb:qty1>3</ceb:qty1>", "<ceb:unit1>011</ceb:unit1>", "<ceb:qty2>0.36</ceb:qty2>", // T-shirts: 件 / 千克
		"<ceb:unit2>035</ceb:unit2>",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the list's message lacks %s:\n%s", want, msg)
		}
	}
}
