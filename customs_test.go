package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// quietCustoms is a simulated authority that answers quickly and plainly: no review, no
// inspection, no duplicates, no reordering — for tests that follow one path.
var quietCustoms = map[string]string{
	"SILKGATE_SIM_STEP": "10ms", "SILKGATE_SIM_REVIEW_SHARE": "0", "SILKGATE_SIM_INSPECTION_SHARE": "0",
	"SILKGATE_SIM_DUPLICATE_RATE": "0", "SILKGATE_SIM_REORDER_RATE": "0",
}

func (s *service) declare(key string, parcelIDs ...string) []string {
	s.t.Helper()
	s.carrier(carrierCode)
	res := s.expect(s.do("POST", "/v1/declarations", key, map[string]any{"kind": "inventory", "parcelIds": parcelIDs}), 200)
	var ids []string
	for _, r := range res["results"].([]any) {
		item := r.(map[string]any)
		if item["status"] != "created" && item["status"] != "duplicate" {
			s.t.Fatalf("declaring %v: %v", item["parcelId"], item)
		}
		ids = append(ids, item["id"].(string))
	}
	return ids
}

// testCarriers are the carriers the tests' parcels name, with the USCCs they are registered with.
var testCarriers = map[string]struct{ name, uscc string }{
	carrierCode:  {"襄阳中欧班列物流有限公司", "91420600MA4CAR001M"},
	"4206980002": {"汉江国际货运代理有限公司", "91420600MA4CAR002Q"},
}

// carrier registers the carrier with this customs code once per service (a list names its
// carrier by its registered name) and returns it with a key of its own.
func (s *service) carrier(code string) firm {
	s.t.Helper()
	if f, ok := s.carriers[code]; ok {
		return f
	}
	c, ok := testCarriers[code]
	if !ok {
		s.t.Fatalf("no test carrier with code %s", code)
	}
	f := s.register("carrier", c.name, c.uscc, code)
	if s.carriers == nil {
		s.carriers = map[string]firm{}
	}
	s.carriers[code] = f
	return f
}

func (s *service) waitForStatus(key, declarationID, status string) map[string]any {
	s.t.Helper()
	var d map[string]any
	eventually(s.t, declarationID+" reaches "+status, func() bool {
		d = s.expect(s.do("GET", "/v1/declarations/"+declarationID, key, nil), 200)
		return d["status"] == status
	})
	return d
}

func TestInventoryListToRelease(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XYD1")), 201)["id"].(string)

	id := s.declare(exp.key, pid)[0]
	draft := s.expect(s.do("GET", "/v1/declarations/"+id, exp.key, nil), 200)
	if draft["status"] != "draft" || draft["kind"] != "inventory" {
		t.Fatalf("draft %v", draft)
	}
	// Asking again for the same parcel finds the same list.
	if again := s.declare(exp.key, pid); again[0] != id {
		t.Errorf("second declaration %s, want %s", again[0], id)
	}
	s.expectProblem(s.do("GET", "/v1/declarations/"+id+"/message", exp.key, nil), 404, "message_not_found", "")

	sub := s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)
	if sub["status"] != "submitted" || sub["guid"] == "" {
		t.Fatalf("submit: %v", sub)
	}
	// Submitting twice is harmless.
	if again := s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202); again["guid"] != sub["guid"] {
		t.Errorf("a second submit changed the guid")
	}
	released := s.waitForStatus(exp.key, id, "released")
	if released["invtNo"] == "" || released["preNo"] == "" {
		t.Errorf("released declaration %v", released)
	}
	// Receipts run concurrently: the release may be applied before the earlier ones arrive,
	// which are then kept without moving the status back.
	eventually(t, "all four receipts are kept", func() bool {
		d := s.expect(s.do("GET", "/v1/declarations/"+id, exp.key, nil), 200)
		return len(arr(d["receipts"])) == 4 && d["status"] == "released" // 2, 3 (sent to customs), 120, 800
	})
	eventually(t, "the parcel follows its list", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)["status"] == "released"
	})
	tr := s.expect(s.do("GET", "/v1/tracking/XYD1", exp.key, nil), 200)
	if tr["declarationId"] != id {
		t.Errorf("tracking %v", tr)
	}
	msg := s.do("GET", "/v1/declarations/"+id+"/message", exp.key, nil)
	if msg.Status != 200 || !strings.HasPrefix(msg.Header.Get("Content-Type"), "application/xml") ||
		!strings.Contains(string(msg.Body), "CEB603Message") || !strings.Contains(string(msg.Body), sub["guid"].(string)) {
		t.Errorf("message: %d %s %.200s", msg.Status, msg.Header.Get("Content-Type"), msg.Body)
	}
}

func TestRejectionThenResubmissionAfterEdit(t *testing.T) {
	t.Parallel()
	// The test plays customs (DXP folders): a list the service drafts is one customs would take
	// (a commodity code without legal units is refused when drafted), so the rejection comes
	// from customs' own judgement, here as a receipt.
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	body := parcelBody("XYR1")
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, body), 201)["id"].(string)
	first := s.declare(exp.key, pid)[0]
	guid := s.expect(s.do("POST", "/v1/declarations/"+first+"/submit", exp.key, nil), 202)["guid"].(string)
	t0 := time.Now()
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "2", t0), inventoryReceipt(t, guid, "3", t0.Add(time.Second)),
		inventoryReceipt(t, guid, "100", t0.Add(2*time.Second))), 200)
	rejected := s.waitForStatus(exp.key, first, "rejected")
	if !strings.Contains(rejected["failReason"].(string), "100") {
		t.Errorf("rejection reason %q", rejected["failReason"])
	}
	eventually(t, "the parcel is rejected", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)["status"] == "rejected"
	})
	// A rejected parcel is editable again; the corrected one is filed as a new list.
	body["items"].([]any)[0].(map[string]any)["gmodel"] = "TWS|白色|蓝牙5.3"
	s.expect(s.do("PATCH", "/v1/parcels/"+pid, exp.key, body), 200)
	second := s.declare(exp.key, pid)[0]
	if second == first {
		t.Fatalf("the corrected parcel reused the rejected list %s", first)
	}
	s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": []string{second}}), 202)
	d2 := s.expect(s.do("GET", "/v1/declarations/"+second, exp.key, nil), 200)
	g2 := d2["guid"].(string)
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, g2, "120", t0.Add(3*time.Second)),
		inventoryReceipt(t, g2, "800", t0.Add(4*time.Second))), 200)
	s.waitForStatus(exp.key, second, "released")
	eventually(t, "the parcel is released", func() bool {
		p := s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)
		return p["status"] == "released" && p["declarationId"] == second
	})
	// Editing a declared parcel is refused.
	s.expectProblem(s.do("PATCH", "/v1/parcels/"+pid, exp.key, body), 409, "parcel_locked", "")
}

func TestBrokerFilingNeedsAuthorisation(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XYK1")), 201)["id"].(string)

	// Without an authorisation the broker does not even see the parcel (strangers_test.go).
	res := s.expect(s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "inventory", "parcelIds": []string{pid}}), 200)
	if item := res["results"].([]any)[0].(map[string]any); item["status"] != "invalid" || !strings.Contains(fmt.Sprint(item["errors"]), "parcel_not_found") {
		t.Fatalf("a broker without authorisation declaring: %v", item)
	}
	// An authorisation for another trade mode lets it see the parcel but not file it.
	s.authorize(exp, exp, brk, "1210")
	s.expectProblem(s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "inventory", "parcelIds": []string{pid}}), 403, "authorization_required", "")
	s.authorize(exp, exp, brk, "9610")
	id := s.declare(brk.key, pid)[0]
	d := s.expect(s.do("GET", "/v1/declarations/"+id, brk.key, nil), 200)
	if d["filerId"] != brk.id || d["inventory"].(map[string]any)["parties"].(map[string]any)["agentCode"] != "4206380015" {
		t.Errorf("broker's list %v", d)
	}
	// The exporter sees it but only the filer submits.
	s.expectProblem(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 403, "filer_only", "")
	s.expectProblem(s.do("POST", "/v1/declarations/"+id+"/submit", testOperatorKey, nil), 403, "filer_only", "")
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", brk.key, nil), 202)
	s.waitForStatus(brk.key, id, "released")
	// Another exporter sees nothing of it.
	other := s.register("exporter", "乙", usccB, "4206340017")
	s.expectProblem(s.do("GET", "/v1/declarations/"+id, other.key, nil), 404, "declaration_not_found", "")
	if n := len(s.expect(s.do("GET", "/v1/declarations", other.key, nil), 200)["items"].([]any)); n != 0 {
		t.Errorf("another exporter lists %d declarations", n)
	}
}

func entryBody() map[string]any {
	return map[string]any{
		"customMaster": "4700", "iePort": "4700", "tradeMode": "0110", "trafName": "襄西欧 X8024",
		"tradeCode": "4206360A21", "tradeName": "甲", "agentCode": "4206380015", "agentName": "丙报关",
		"tradeCountry": "DE", "transMode": "3", "packNo": 40, "wrapType": "22",
		"grossWet": "18500", "netWt": "17200",
		"lines": []any{
			map[string]any{"codeTS": "8708999990", "gName": "汽车零部件", "gModel": "制动盘|铸铁|无品牌",
				"gQty": "1200", "gUnit": "007", "firstQty": "17200", "firstUnit": "035", "declPrice": "35.5",
				"tradeCurr": "EUR", "originCountry": "CN", "destinationCountry": "DE"},
		},
	}
}

func TestEntryDeclaration(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	body := entryBody()

	// A broker needs the exporter's authorisation for 0110.
	s.expectProblem(s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "entry", "exporterId": exp.id, "entry": body}), 422, "unknown_exporter", "exporterId")
	s.authorize(exp, exp, brk, "9610")
	s.expectProblem(s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "entry", "exporterId": exp.id, "entry": body}), 403, "authorization_required", "")
	s.authorize(exp, exp, brk, "0110")

	bad := entryBody()
	bad["netWt"] = "19000"
	s.expectProblem(s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "entry", "exporterId": exp.id, "entry": bad}), 422, "net_exceeds_gross", "entry.netWt")
	bad = entryBody()
	bad["lines"].([]any)[0].(map[string]any)["declTotal"] = "1.00"
	s.expectProblem(s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "entry", "exporterId": exp.id, "entry": bad}), 422, "decl_total_mismatch", "entry.lines[0].declTotal")

	d := s.expect(s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "entry", "exporterId": exp.id, "entry": body}), 201)
	id := d["id"].(string)
	if d["entry"].(map[string]any)["trafMode"] != "3" || d["entry"].(map[string]any)["lines"].([]any)[0].(map[string]any)["declTotal"] != "42600" {
		t.Errorf("entry defaults and totals: %v", d["entry"])
	}
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", brk.key, nil), 202)
	done := s.waitForStatus(brk.key, id, "cleared")
	if len(done["entryId"].(string)) != 18 {
		t.Errorf("entry number %v", done["entryId"])
	}
	msg := string(s.do("GET", "/v1/declarations/"+id+"/message", brk.key, nil).Body)
	if !strings.Contains(msg, "<DecMessage") || !strings.Contains(msg, "<CodeTS>8708999990</CodeTS>") || !strings.Contains(msg, "<TrafMode>3</TrafMode>") {
		t.Errorf("entry message: %.400s", msg)
	}
}

// Customs rejects an entry declaration that names a firm it has not registered, as it rejects a
// list: the shipper (TradeCode) or the declaring broker (AgentCode), named in the receipt.
func TestEntryDeclarationUnregisteredParty(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	file := func(field, code string) map[string]any {
		body := entryBody()
		body["agentCode"] = "4206360A21" // the exporter declares for itself
		body[field] = code
		id := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "entry", "exporterId": exp.id, "entry": body}), 201)["id"].(string)
		s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)
		return s.waitForStatus(exp.key, id, "rejected")
	}
	for _, c := range []struct{ field, code, role string }{
		{"tradeCode", "4206369999", "TradeCode"},
		{"agentCode", "4206389999", "AgentCode"},
	} {
		d := file(c.field, c.code)
		reason, _ := d["failReason"].(string)
		if !strings.Contains(reason, c.role+" "+c.code) || !strings.Contains(reason, "未在海关备案") || !strings.Contains(reason, "not registered") {
			t.Errorf("%s: rejection reason %q should name the code", c.field, reason)
		}
		if d["entryId"] != nil && d["entryId"] != "" {
			t.Errorf("%s: a rejected declaration got an entry number %v", c.field, d["entryId"])
		}
	}
	// Both registered: it goes through.
	body := entryBody()
	body["agentCode"] = "4206360A21" // the exporter declares for itself
	id := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "entry", "exporterId": exp.id, "entry": body}), 201)["id"].(string)
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)
	s.waitForStatus(exp.key, id, "cleared")
}

func TestCancelAnInventoryList(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XYX1")), 201)["id"].(string)
	id := s.declare(exp.key, pid)[0]
	// A draft cannot be cancelled with CEB605.
	s.expectProblem(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "cancel", "declarationId": id, "reason": "order withdrawn"}), 409, "not_cancellable", "")
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)
	s.waitForStatus(exp.key, id, "released")
	s.expectProblem(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "cancel", "declarationId": id}), 422, "required", "reason")
	c := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "cancel", "declarationId": id, "reason": "买家取消订单 order withdrawn"}), 201)
	cid := c["id"].(string)
	s.expect(s.do("POST", "/v1/declarations/"+cid+"/submit", exp.key, nil), 202)
	s.waitForStatus(exp.key, cid, "review_finished")
	list := s.waitForStatus(exp.key, id, "cancelled")
	if list["cancelledBy"] != cid {
		t.Errorf("cancelled list %v", list)
	}
	msg := string(s.do("GET", "/v1/declarations/"+cid+"/message", exp.key, nil).Body)
	if !strings.Contains(msg, "CEB605Message") || !strings.Contains(msg, "买家取消订单") {
		t.Errorf("cancel message %.300s", msg)
	}
}

func TestClearanceStatistics(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	var ids []string
	for i := 0; i < 5; i++ {
		id, _ := s.submitted(exp.key, fmt.Sprintf("XYQ%d", i))
		ids = append(ids, id)
	}
	for _, id := range ids {
		s.waitForStatus(exp.key, id, "released")
	}
	st := s.expect(s.do("GET", "/v1/stats/clearance", testOperatorKey, nil), 200)
	if st["count"] != 5.0 || st["p50Seconds"].(float64) <= 0 || st["p99Seconds"].(float64) < st["p50Seconds"].(float64) {
		t.Errorf("stats %v", st)
	}
	if n := s.expect(s.do("GET", "/v1/stats/clearance?tradeMode=1210", testOperatorKey, nil), 200)["count"]; n != 0.0 {
		t.Errorf("1210 count %v", n)
	}
	if n := s.expect(s.do("GET", "/v1/stats/clearance?from=2020-01-01&tradeMode=9610", exp.key, nil), 200)["count"]; n != 5.0 {
		t.Errorf("the exporter's own lists released since 2020: %v, want 5", n)
	}
	if n := s.expect(s.do("GET", "/v1/stats/clearance?to=2020-01-01", exp.key, nil), 200)["count"]; n != 0.0 {
		t.Errorf("released before 2020: %v", n)
	}
	other := s.register("exporter", "乙", usccB, "4206340017")
	if n := s.expect(s.do("GET", "/v1/stats/clearance", other.key, nil), 200)["count"]; n != 0.0 {
		t.Errorf("another exporter counts %v of A's lists", n)
	}
	s.expectProblem(s.do("GET", "/v1/stats/clearance?from=soon", exp.key, nil), 422, "invalid_time", "from")
}
