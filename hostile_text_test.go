package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// Text no customs message can carry — control characters, U+FFFE, U+FFFF — is refused where it
// comes in, naming the field, for one parcel, in a batch (that item only, the others stored),
// and in an entry declaration; nothing reaches a filing to fail there.
func TestTextXMLCannotCarryIsRefusedAtIntake(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")

	for _, c := range []struct {
		set   func(map[string]any)
		field string
	}{
		{func(p map[string]any) { p["items"].([]any)[0].(map[string]any)["gname"] = "蓝牙\u0001耳机" }, "items[0].gname"},
		{func(p map[string]any) { p["consignee"].(map[string]any)["name"] = "\u001b[31mJan" }, "consignee.name"},
		{func(p map[string]any) { p["note"] = "fragile \ufffe" }, "note"},
		{func(p map[string]any) { p["items"].([]any)[0].(map[string]any)["gmodel"] = "TWS\uffff" }, "items[0].gmodel"},
	} {
		body := parcelBody("XHT1")
		c.set(body)
		s.expectProblem(s.do("POST", "/v1/parcels", exp.key, body), 422, "invalid_character", c.field)
	}

	bad := parcelBody("XHT3")
	bad["orderNo"] = "SO-\u0007"
	res := s.expect(s.do("POST", "/v1/parcels/batch", exp.key, map[string]any{"parcels": []any{parcelBody("XHT2"), bad}}), 200)
	items := arr(res["results"])
	if items[0].(map[string]any)["status"] != "created" || items[1].(map[string]any)["status"] != "invalid" {
		t.Fatalf("batch: %v", res)
	}
	if e := arr(items[1].(map[string]any)["errors"])[0].(map[string]any); e["code"] != "invalid_character" || e["field"] != "parcels[1].orderNo" {
		t.Errorf("batch error %v", e)
	}

	brk := s.register("broker", "丙报关", usccC, "4206380015")
	s.authorize(exp, exp, brk, "0110")
	entry := entryBody()
	entry["lines"].([]any)[0].(map[string]any)["gName"] = "汽车\u0000零部件"
	s.expectProblem(s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "entry", "exporterId": exp.id, "entry": entry}),
		422, "invalid_character", "entry.lines[0].gName")
}

// A date far off is refused, and nothing is stored that cannot be read back: the departures
// list still answers afterwards.
func TestFarOffDepartureDatesAreRefused(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	s.expectProblem(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
		"routeCode": "XXO", "departsAt": "9999-12-31T23:59:59Z", "capacityTEU": 80}), 422, "out_of_range", "departsAt")
	in3Years := time.Now().UTC().AddDate(3, 0, 0).Format(time.RFC3339)
	s.expectProblem(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
		"routeCode": "XXO", "departsAt": in3Years, "capacityTEU": 80}), 422, "out_of_range", "departsAt")
	inAMonth := time.Now().UTC().AddDate(0, 1, 0)
	s.expectProblem(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
		"routeCode": "XXO", "departsAt": inAMonth.Format(time.RFC3339), "capacityTEU": 80,
		"bookingOpensAt": "0001-01-01T00:00:01Z"}), 422, "out_of_range", "bookingOpensAt")
	s.expect(s.do("GET", "/v1/departures?routeCode=XXO&limit=5", testOperatorKey, nil), 200)
	s.expect(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
		"routeCode": "XXO", "departsAt": inAMonth.Format(time.RFC3339), "capacityTEU": 80}), 201)
}

// Every time the API accepts, in a body or a query, falls in the years 2000–2099: an
// authorisation valid until 9999 is refused naming the field, and so is a query from year 1.
func TestEveryDateHasAWindow(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	s.expectProblem(s.do("POST", "/v1/authorizations", exp.key, map[string]any{
		"exporterId": exp.id, "brokerId": brk.id, "tradeModes": []string{"9610"},
		"validFrom": "2026-01-01", "validTo": "9999-12-31T23:59:59Z"}), 422, "out_of_range", "validTo")
	s.expectProblem(s.do("GET", "/v1/parcels?createdFrom=0001-01-01", exp.key, nil), 422, "out_of_range", "createdFrom")
	s.expectProblem(s.do("GET", "/v1/stats/clearance?to=2100-01-01T00:00:00Z", testOperatorKey, nil), 422, "out_of_range", "to")
	s.expectProblem(s.do("GET", "/v1/departures?from=1999-12-31", exp.key, nil), 422, "out_of_range", "from")
	s.expect(s.do("GET", "/v1/departures?from=2000-01-01&to=2099-12-31T23:59:59Z", exp.key, nil), 200)
}

// Every stored string has a limit: cancellation reasons of parcels and bookings, a container's
// seal number, a line's names and note, a movement's location.
func TestStoredTextsHaveLimits(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	long := strings.Repeat("很", 501) // one more than a reason may have (a far longer body is 413 before any check)

	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XTL1")), 201)["id"].(string)
	s.expectProblem(s.do("POST", "/v1/parcels/"+pid+"/cancel", exp.key, map[string]any{"reason": long}), 422, "too_long", "reason")
	s.expect(s.do("POST", "/v1/parcels/"+pid+"/cancel", exp.key, map[string]any{"reason": "order withdrawn"}), 200)

	dep := s.planDeparture(10, 80)
	bid := s.expect(s.book(exp.key, dep, "40HQ", 1, false, nil), 201)["id"].(string)
	s.expectProblem(s.do("POST", "/v1/bookings/"+bid+"/containers", exp.key, map[string]any{
		"containerNo": "CSQU3054383", "type": "40HQ", "sealNo": strings.Repeat("S", 33), "parcelIds": []string{}}), 422, "too_long", "sealNo")
	s.expectProblem(s.do("POST", "/v1/bookings/"+bid+"/cancel", exp.key, map[string]any{"reason": long}), 422, "too_long", "reason")

	xxo := s.expect(s.do("GET", "/v1/routes/XXO", exp.key, nil), 200)
	xxo["note"] = strings.Repeat("注", 501)
	s.expectProblem(s.do("PUT", "/v1/routes/XXO", testOperatorKey, xxo), 422, "too_long", "note")
	xxo["note"], xxo["name"] = "ok", strings.Repeat("襄", 101)
	s.expectProblem(s.do("PUT", "/v1/routes/XXO", testOperatorKey, xxo), 422, "too_long", "name")

	s.expectProblem(s.do("POST", "/v1/departures/"+dep+"/events", testOperatorKey, map[string]any{
		"type": "departed", "at": time.Now().UTC().Format(time.RFC3339), "location": strings.Repeat("X", 1000)}), 422, "invalid_location", "location")
}

// A bulk submit gives per-item results even when one list fails inside the service: here one
// stored before the intake check refused text XML cannot carry. The others are submitted and
// sent; the failed one is named and left a draft; the answer is not a 500 hiding them.
func TestBulkSubmitReportsAFailedListAndSubmitsTheRest(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	var pids []string
	for _, no := range []string{"XBS1", "XBS2", "XBS3"} {
		pids = append(pids, s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody(no)), 201)["id"].(string))
	}
	ids := s.declare(exp.key, pids...)

	// Put a control character into the middle list's goods name, as an old record might hold.
	ctx := context.Background()
	coll := s.main.store.Database().Collection("declarations")
	var doc bson.M
	if err := coll.FindOne(ctx, bson.M{"_id": ids[1]}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	path := pathOf(doc, "蓝牙耳机", "")
	if path == "" {
		t.Fatalf("the goods name is not in the stored list %v", doc)
	}
	if _, err := coll.UpdateOne(ctx, bson.M{"_id": ids[1]}, bson.M{"$set": bson.M{path: "蓝牙\u0001耳机"}}); err != nil {
		t.Fatal(err)
	}

	res := s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": ids}), 202)
	results := res["results"].([]any)
	for i, r := range results {
		item := r.(map[string]any)
		failed := item["status"] == "invalid" && strings.Contains(fmt.Sprint(item["errors"]), "ids["+fmt.Sprint(i)+"]")
		if (i == 1) != failed {
			t.Errorf("item %d: %v", i, item)
		}
	}
	s.waitForStatus(exp.key, ids[0], "released")
	s.waitForStatus(exp.key, ids[2], "released")
	if d := s.expect(s.do("GET", "/v1/declarations/"+ids[1], exp.key, nil), 200); d["status"] != "draft" {
		t.Errorf("the failed list is %v, want still a draft", d["status"])
	}
}

// pathOf is the dotted path of the first string value want in a stored document.
func pathOf(v any, want, prefix string) string {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case string:
		if x == want {
			return prefix
		}
	case bson.M:
		for k, e := range x {
			if p := pathOf(e, want, join(k)); p != "" {
				return p
			}
		}
	case bson.A:
		for i, e := range x {
			if p := pathOf(e, want, join(strconv.Itoa(i))); p != "" {
				return p
			}
		}
	}
	return ""
}
