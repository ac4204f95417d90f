package main

import (
	"strings"
	"testing"
)

// The three documents (三单) and the authority's matching of every list against them.

// matching is a service whose simulated authority matches lists against their documents; wait
// is how long a list waits for missing ones ("0s": rejected at once).
func matching(t *testing.T, wait string) *service {
	return startService(t, map[string]string{
		"SILKGATE_SIM_MATCH_DOCUMENTS": "true", "SILKGATE_SIM_DOCUMENT_WAIT": wait,
		"SILKGATE_SIM_STEP": "5ms", "SILKGATE_SIM_REVIEW_SHARE": "0", "SILKGATE_SIM_INSPECTION_SHARE": "0",
	})
}

// fileDocuments files the documents of kinds for the parcels as key's firm (they go to customs
// at once); it returns their ids.
func (s *service) fileDocuments(key string, kinds []string, parcelIDs ...string) []string {
	s.t.Helper()
	res := s.expect(s.do("POST", "/v1/declarations", key, map[string]any{"kind": "documents", "documents": kinds, "parcelIds": parcelIDs}), 200)
	var ids []string
	for _, r := range res["results"].([]any) {
		item := r.(map[string]any)
		if item["status"] != "created" && item["status"] != "duplicate" {
			s.t.Fatalf("documents of %v: %v", item["parcelId"], item)
		}
		ids = append(ids, item["id"].(string))
	}
	return ids
}

// docsParcel registers an exporter (its own platform and payee), the carrier, and one parcel.
func docsParcel(s *service, logisticsNo string) (exp, carrier firm, parcelID string) {
	exp = s.register("exporter", "甲", usccA, "4206360A21")
	carrier = s.carrier(carrierCode)
	p := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody(logisticsNo)), 201)
	return exp, carrier, p["id"].(string)
}

func TestAListWithItsThreeDocumentsIsReleased(t *testing.T) {
	t.Parallel()
	s := matching(t, "0s")
	exp, carrier, pid := docsParcel(s, "XYD1")
	// The exporter sells on its own shop and collected the money: it files the order and the
	// payment receipt; the waybill is the carrier's, and the exporter may not file it.
	ids := s.fileDocuments(exp.key, nil, pid)
	if len(ids) != 2 || !strings.HasPrefix(ids[0], "ord_") || !strings.HasPrefix(ids[1], "pay_") {
		t.Fatalf("exporter's documents %v", ids)
	}
	if res := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "waybill", "parcelIds": []string{pid}}), 200); res["invalid"].(float64) != 1 {
		t.Errorf("the exporter filed the carrier's waybill: %v", res)
	}
	wb := s.fileDocuments(carrier.key, []string{"waybill"}, pid)
	s.waitForStatus(exp.key, ids[0], "accepted")
	s.waitForStatus(exp.key, ids[1], "accepted")
	s.waitForStatus(carrier.key, wb[0], "review_finished")

	list := s.declare(exp.key, pid)[0]
	s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": []string{list}}), 202)
	s.waitForStatus(exp.key, list, "released")
	p := s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)
	documents := map[string]bool{}
	for _, e := range p["timeline"].([]any) {
		if entry := e.(map[string]any); entry["type"] == "parcel.document" {
			documents[strings.SplitN(entry["detail"].(string), ":", 2)[0]] = true
		}
	}
	for _, want := range []string{"order accepted", "payment accepted", "waybill review_finished"} {
		if !documents[want] {
			t.Errorf("the parcel's timeline does not show %q: %v", want, documents)
		}
	}
	// The waybill names the carrier by its registered name; the list too.
	xml := string(s.do("GET", "/v1/declarations/"+wb[0]+"/message", carrier.key, nil).Body)
	if !strings.Contains(xml, "<ceb:logisticsName>"+testCarriers[carrierCode].name+"</ceb:logisticsName>") {
		t.Errorf("waybill message: %s", xml)
	}
}

func TestAListWithoutItsWaybillIsRejectedNamingIt(t *testing.T) {
	t.Parallel()
	s := matching(t, "0s")
	exp, _, pid := docsParcel(s, "XYD2")
	ids := s.fileDocuments(exp.key, nil, pid)
	s.waitForStatus(exp.key, ids[1], "accepted")
	list := s.declare(exp.key, pid)[0]
	s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": []string{list}}), 202)
	d := s.waitForStatus(exp.key, list, "rejected")
	if reason, _ := d["failReason"].(string); !strings.Contains(reason, "运单") || !strings.Contains(reason, "waybill") ||
		strings.Contains(reason, "order") {
		t.Errorf("failReason %q should name the waybill, and only it", reason)
	}
}

func TestAPaymentThatDisagreesRejectsTheList(t *testing.T) {
	t.Parallel()
	s := matching(t, "0s")
	exp, carrier, pid := docsParcel(s, "XYD3")
	pay := s.fileDocuments(exp.key, []string{"payment"}, pid)
	s.waitForStatus(exp.key, pay[0], "accepted")
	// The price changes after the payment receipt was filed: the order and the list carry the
	// new price, the payment receipt the old amount.
	body := parcelBody("XYD3")
	body["items"].([]any)[0].(map[string]any)["price"] = "24.90"
	s.expect(s.do("PATCH", "/v1/parcels/"+pid, exp.key, body), 200)
	s.fileDocuments(exp.key, []string{"order"}, pid)
	s.fileDocuments(carrier.key, []string{"waybill"}, pid)
	list := s.declare(exp.key, pid)[0]
	s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": []string{list}}), 202)
	d := s.waitForStatus(exp.key, list, "rejected")
	if reason, _ := d["failReason"].(string); !strings.Contains(reason, "收款金额") || !strings.Contains(reason, "payment charge") {
		t.Errorf("failReason %q should name the payment's amount", reason)
	}
}

func TestLateDocumentsReleaseAWaitingList(t *testing.T) {
	t.Parallel()
	s := matching(t, "1h")
	exp, carrier, pid := docsParcel(s, "XYD4")
	list := s.declare(exp.key, pid)[0]
	s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": []string{list}}), 202)
	d := s.waitForStatus(exp.key, list, "accepted")
	waiting := false
	for _, r := range d["receipts"].([]any) {
		if info, _ := r.(map[string]any)["returnInfo"].(string); strings.Contains(info, "waiting for documents") {
			waiting = true
		}
	}
	if !waiting {
		t.Fatalf("the list should wait for its documents: %v", d["receipts"])
	}
	s.fileDocuments(exp.key, nil, pid)
	s.fileDocuments(carrier.key, []string{"waybill"}, pid)
	s.waitForStatus(exp.key, list, "released")
	eventually(t, "the parcel is released", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)["status"] == "released"
	})
}

func TestWhoFilesWhichDocument(t *testing.T) {
	t.Parallel()
	s := matching(t, "0s")
	exp, carrier, pid := docsParcel(s, "XYD5")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	other := s.register("exporter", "乙", usccB, "4206340017")
	// A stranger, and a carrier asking for the exporter's order, find nothing to file.
	for _, f := range []struct {
		key, kind string
	}{{other.key, "documents"}, {carrier.key, "order"}, {brk.key, "order"}} {
		res := s.expect(s.do("POST", "/v1/declarations", f.key, map[string]any{"kind": f.kind, "parcelIds": []string{pid}}), 200)
		if res["invalid"].(float64) != 1 || res["created"].(float64) != 0 {
			t.Errorf("%s filing %s: %v", f.key, f.kind, res)
		}
	}
	// An authorised broker files the exporter's own order and payment receipt, not the waybill.
	s.authorize(exp, exp, brk, "9610")
	res := s.expect(s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "documents", "parcelIds": []string{pid}}), 200)
	if res["created"].(float64) != 2 {
		t.Errorf("broker's documents: %v", res)
	}
	// The operator files none.
	s.expectProblem(s.do("POST", "/v1/declarations", testOperatorKey, map[string]any{"kind": "documents", "parcelIds": []string{pid}}), 403, "document_filer_only", "")
}

func TestAPartyMustBeRegistered(t *testing.T) {
	t.Parallel()
	s := matching(t, "0s")
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	body := parcelBody("XYD6")
	body["logisticsCode"] = "4206989999" // no carrier registered with this code
	body["ebpCode"] = "4206369999"       // nor a platform
	p := s.expect(s.do("POST", "/v1/parcels", exp.key, body), 201)
	res := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "inventory", "parcelIds": []string{p["id"].(string)}}), 200)
	item := res["results"].([]any)[0].(map[string]any)
	fields := map[string]bool{}
	for _, e := range item["errors"].([]any) {
		fe := e.(map[string]any)
		if fe["code"] == "unregistered_party" {
			fields[fe["field"].(string)] = true
		}
	}
	if item["status"] != "invalid" || !fields["parcelIds[0].ebpCode"] || !fields["parcelIds[0].logisticsCode"] {
		t.Errorf("an unregistered carrier and platform: %v", item)
	}
}
