package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// planDeparture schedules a train of line XXO (operator) departing in the given number of days,
// with the given capacity, and returns its id.
func (s *service) planDeparture(inDays, capacityTEU int) string {
	s.t.Helper()
	at := time.Now().UTC().AddDate(0, 0, inDays).Truncate(time.Hour)
	d := s.expect(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
		"routeCode": "XXO", "departsAt": at.Format(time.RFC3339), "capacityTEU": capacityTEU,
	}), 201)
	return d["id"].(string)
}

// book asks for count boxes of one type; it returns the answer as it came.
func (s *service) book(key, departureID, boxType string, count int, allowWaitlist bool, extra map[string]any) response {
	s.t.Helper()
	body := map[string]any{
		"departureId": departureID, "containers": []any{map[string]any{"type": boxType, "count": count}},
		"cargoDescription": "蓝牙耳机 / Bluetooth earphones", "hsCodes": []string{"851830"},
		"grossKg": 9000 * count, "allowWaitlist": allowWaitlist,
	}
	for k, v := range extra {
		body[k] = v
	}
	return s.do("POST", "/v1/bookings", key, body)
}

func capacityOf(s *service, departureID string) map[string]any {
	s.t.Helper()
	return s.expect(s.do("GET", "/v1/departures/"+departureID, testOperatorKey, nil), 200)["capacity"].(map[string]any)
}

func num(v any) int { f, _ := v.(float64); return int(f) }

func TestRoutesAndTimetable(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")

	routes := arr(s.expect(s.do("GET", "/v1/routes", exp.key, nil), 200)["items"])
	if len(routes) != 9 {
		t.Fatalf("%d seed lines, want 9", len(routes))
	}
	xxo := s.expect(s.do("GET", "/v1/routes/XXO", exp.key, nil), 200)
	if xxo["name"] != "襄西欧" || xxo["border"] != "ALASHANKOU" || xxo["mode"] != "rail" || num(xxo["transitDays"]) != 21 {
		t.Fatalf("XXO %v", xxo)
	}
	s.expectProblem(s.do("GET", "/v1/routes/NOPE", exp.key, nil), 404, "line_not_found", "")

	// Only the operator edits lines; an edit is checked like a new line.
	xxo["transitDays"] = 19
	s.expectProblem(s.do("PUT", "/v1/routes/XXO", exp.key, xxo), 403, "operator_only", "")
	s.expectProblem(s.do("PUT", "/v1/routes/XXO", exp.key, `{"nonsense": 1}`), 403, "operator_only", "")
	stops := xxo["itinerary"].([]any)
	stops[len(stops)-1].(map[string]any)["dayOffset"] = 19
	edited := s.expect(s.do("PUT", "/v1/routes/XXO", testOperatorKey, xxo), 200)
	if num(edited["transitDays"]) != 19 || num(edited["version"]) != 2 {
		t.Fatalf("edited %v", edited)
	}
	bad := map[string]any{}
	for k, v := range xxo {
		bad[k] = v
	}
	bad["border"] = "PARIS"
	s.expectProblem(s.do("PUT", "/v1/routes/XXO", testOperatorKey, bad), 422, "unknown_border", "border")
	bad["border"], bad["capacityTEU"] = "ALASHANKOU", 111
	s.expectProblem(s.do("PUT", "/v1/routes/XXO", testOperatorKey, bad), 422, "invalid_capacity", "capacityTEU")
	if xnb := s.expect(s.do("GET", "/v1/routes/XNB", exp.key, nil), 200); num(xnb["capacityTEU"]) != 80 {
		t.Errorf("XNB capacity %v, want capacityTEU 80", xnb)
	}
	// A restart keeps the operator's edit: seeding fills in missing lines only.
	s.restart()
	if l := s.expect(s.do("GET", "/v1/routes/XXO", exp.key, nil), 200); num(l["transitDays"]) != 19 {
		t.Errorf("after restart XXO has %v transit days", l["transitDays"])
	}

	// The weekly timetable, planned twice, is planned once.
	s.expectProblem(s.do("POST", "/v1/routes/XXO/timetable", exp.key, map[string]any{"weeks": 2}), 403, "operator_only", "")
	s.expectProblem(s.do("POST", "/v1/routes/XXO/timetable", testOperatorKey, map[string]any{"weeks": 0}), 422, "invalid_weeks", "weeks")
	first := s.expect(s.do("POST", "/v1/routes/XXO/timetable", testOperatorKey, map[string]any{"weeks": 3}), 201)
	created := arr(first["created"])
	if len(created) != 3 {
		t.Fatalf("3 weeks of a weekly line planned %d trains: %v", len(created), first)
	}
	again := s.expect(s.do("POST", "/v1/routes/XXO/timetable", testOperatorKey, map[string]any{"weeks": 3}), 200)
	if len(arr(again["created"])) != 0 || len(arr(again["existing"])) != 3 {
		t.Fatalf("planning again: %v", again)
	}
	dep := created[0].(map[string]any)
	departs, _ := time.Parse(time.RFC3339, dep["departsAt"].(string))
	if departs.In(time.FixedZone("CST", 8*3600)).Weekday() != time.Friday || num(dep["transitDays"]) != 19 {
		t.Errorf("XXO runs on Fridays for 19 days now: %v", dep)
	}
	c := dep["capacity"].(map[string]any)
	if num(c["capacityTEU"]) != 110 || num(c["availableTEU"]) != 110 || num(c["confirmedTEU"]) != 0 ||
		num(c["waitlistedTEU"]) != 0 || num(c["maxCargoKg"]) != 1_300_000 {
		t.Errorf("capacity %v", c)
	}
	opens, _ := time.Parse(time.RFC3339, dep["bookingOpensAt"].(string))
	cutoff, _ := time.Parse(time.RFC3339, dep["cutoffAt"].(string))
	if departs.Sub(opens) != 14*24*time.Hour || cutoff.In(time.FixedZone("CST", 8*3600)).Weekday() != time.Tuesday {
		t.Errorf("booking window %v .. %v for a Friday train", opens, cutoff)
	}

	// Listing by line and time.
	list := s.expect(s.do("GET", "/v1/departures?routeCode=XXO&limit=2", exp.key, nil), 200)
	if len(arr(list["items"])) != 2 || list["nextCursor"] == nil {
		t.Fatalf("page 1: %v", list)
	}
	rest := s.expect(s.do("GET", "/v1/departures?routeCode=XXO&cursor="+list["nextCursor"].(string), exp.key, nil), 200)
	if len(arr(rest["items"])) != 1 {
		t.Fatalf("page 2: %v", rest)
	}
	to := departs.Add(time.Hour).Format(time.RFC3339)
	if n := len(arr(s.expect(s.do("GET", "/v1/departures?routeCode=XXO&to="+to, exp.key, nil), 200)["items"])); n != 1 {
		t.Errorf("departures before %s: %d", to, n)
	}
	s.expectProblem(s.do("GET", "/v1/departures?from=yesterday", exp.key, nil), 422, "invalid_time", "from")

	// A single departure: defaults, the once-a-day rule and checked fields.
	at := time.Now().UTC().AddDate(0, 0, 30).Truncate(time.Hour).Format(time.RFC3339)
	one := s.expect(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{"routeCode": "XQM", "departsAt": at, "capacityTEU": 60}), 201)
	if num(one["capacity"].(map[string]any)["capacityTEU"]) != 60 || one["routeCode"] != "XQM" || one["status"] != "scheduled" {
		t.Errorf("departure %v", one)
	}
	s.expectProblem(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{"routeCode": "XQM", "departsAt": at}), 409, "departure_exists", "")
	s.expectProblem(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{"routeCode": "XQM", "departsAt": "soon"}), 422, "invalid_time", "departsAt")
	s.expectProblem(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{"routeCode": "XQM", "departsAt": at, "capacityTEU": 200}), 422, "invalid_capacity", "capacityTEU")
	s.expectProblem(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{"routeCode": "NOPE", "departsAt": at}), 422, "unknown_route", "routeCode")
	s.expectProblem(s.do("POST", "/v1/departures", exp.key, map[string]any{"routeCode": "XQM", "departsAt": at}), 403, "operator_only", "")
}

func TestBookingWaitlistAndCancel(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	dep := s.planDeparture(10, 8)
	status := func(id string) any {
		return s.expect(s.do("GET", "/v1/bookings/"+id, exp.key, nil), 200)["status"]
	}

	first := s.expect(s.book(exp.key, dep, "40HQ", 2, false, nil), 201) // 4 TEU
	if first["status"] != "confirmed" || num(first["teu"]) != 4 || first["exporterId"] != exp.id || first["routeCode"] != "XXO" {
		t.Fatalf("first booking %v", first)
	}
	if first["delivery"].(map[string]any)["transportStatus"] != "not_departed" {
		t.Errorf("delivery %v", first["delivery"])
	}
	second := s.expect(s.book(exp.key, dep, "20GP", 2, false, nil), 201) // 2 TEU: 2 left
	if second["status"] != "confirmed" {
		t.Fatalf("second booking %v", second)
	}
	s.expectProblem(s.book(exp.key, dep, "40GP", 2, false, nil), 409, "departure_full", "containers")
	big := s.expect(s.book(exp.key, dep, "40GP", 2, true, nil), 201) // 4 TEU waits
	if big["status"] != "waitlisted" || big["waitlistedAt"] == nil {
		t.Fatalf("big %v", big)
	}
	// 2 TEU are free and the waiting 4 TEU do not fit in them: the first that fits gets them,
	// waiting list allowed or not.
	small := s.expect(s.book(exp.key, dep, "40HQ", 1, false, nil), 201)
	if small["status"] != "confirmed" {
		t.Fatalf("a booking that fits while the waiting one does not: %v", small["status"])
	}
	// Now the train is full: a new booking queues behind the waiting one.
	later := s.expect(s.book(exp.key, dep, "40HQ", 1, true, nil), 201)
	if later["status"] != "waitlisted" {
		t.Fatalf("later %v", later["status"])
	}
	c := capacityOf(s, dep)
	if num(c["confirmedTEU"]) != 8 || num(c["availableTEU"]) != 0 || num(c["waitlistedTEU"]) != 6 {
		t.Fatalf("capacity %v", c)
	}
	// Refused requests leave nothing behind.
	if all := arr(s.expect(s.do("GET", "/v1/bookings?departureId="+dep, exp.key, nil), 200)["items"]); len(all) != 5 {
		t.Fatalf("%d bookings stored, want 5", len(all))
	}

	// Cancelling 4 TEU promotes the first come that fits: the waiting 4 TEU, not the later 2.
	cancelled := s.expect(s.do("POST", "/v1/bookings/"+first["id"].(string)+"/cancel", exp.key, map[string]any{"reason": "order moved"}), 200)
	if cancelled["status"] != "cancelled" || cancelled["cancelReason"] != "order moved" {
		t.Fatalf("cancelled %v", cancelled)
	}
	if st := status(big["id"].(string)); st != "confirmed" {
		t.Errorf("the first waiting booking is %v", st)
	}
	if st := status(later["id"].(string)); st != "waitlisted" {
		t.Errorf("the later waiting booking is %v", st)
	}
	c = capacityOf(s, dep)
	if num(c["confirmedTEU"]) != 8 || num(c["waitlistedTEU"]) != 2 {
		t.Fatalf("capacity after promotion %v", c)
	}
	// Cancelling twice is harmless and gives nothing back twice.
	s.expect(s.do("POST", "/v1/bookings/"+first["id"].(string)+"/cancel", exp.key, nil), 200)
	if c := capacityOf(s, dep); num(c["confirmedTEU"]) != 8 {
		t.Fatalf("second cancellation changed capacity: %v", c)
	}
	// Cancelling a waiting booking takes it off the list.
	s.expect(s.do("POST", "/v1/bookings/"+later["id"].(string)+"/cancel", exp.key, nil), 200)
	if c := capacityOf(s, dep); num(c["waitlistedTEU"]) != 0 {
		t.Fatalf("after cancelling the waiting booking: %v", c)
	}
	confirmed := arr(s.expect(s.do("GET", "/v1/bookings?departureId="+dep+"&status=confirmed", exp.key, nil), 200)["items"])
	if len(confirmed) != 3 {
		t.Errorf("%d confirmed bookings, want 3", len(confirmed))
	}
	s.expectProblem(s.do("GET", "/v1/bookings?status=lost", exp.key, nil), 422, "invalid_status", "status")

	// Rules of the request.
	s.expectProblem(s.book(exp.key, dep, "20GP", 1, true, nil), 422, "twenty_foot_in_pairs", "containers[0].count")
	s.expectProblem(s.book(exp.key, dep, "40HQ", 1, true, map[string]any{"grossKg": 26_000}), 422, "over_weight", "grossKg")
	s.expectProblem(s.book(exp.key, dep, "45GP", 1, true, nil), 422, "invalid_container_type", "containers[0].type")
	s.expectProblem(s.book(exp.key, dep, "40HQ", 5, true, nil), 422, "exceeds_capacity", "containers")
	s.expectProblem(s.book(exp.key, dep, "40HQ", 1, true, map[string]any{"grossKg": 0}), 422, "required", "grossKg")
	s.expectProblem(s.book(exp.key, "dep_XXO_19990101", "40HQ", 1, true, nil), 422, "unknown_departure", "departureId")
	s.expectProblem(s.book(exp.key, dep, "40HQ", 1, true, map[string]any{"consignee": map[string]any{"name": "DE GmbH", "country": "XX"}}), 422, "invalid_country", "consignee.country")
	s.expectProblem(s.do("POST", "/v1/bookings", exp.key, `{"departureId": 5}`), 400, "invalid_type", "departureId")

	// Outside the booking window.
	at := time.Now().UTC().AddDate(0, 0, 5)
	closed := s.expect(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
		"routeCode": "XHO", "departsAt": at.Format(time.RFC3339),
		"bookingOpensAt": at.AddDate(0, 0, -9).Format(time.RFC3339), "cutoffAt": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339),
	}), 201)
	s.expectProblem(s.book(exp.key, closed["id"].(string), "40HQ", 1, true, nil), 422, "booking_closed", "")
}

func TestBookingTenancy(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	other := s.register("exporter", "乙", usccB, "4206340017")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	dep := s.planDeparture(10, 110)

	own := s.expect(s.book(exp.key, dep, "40HQ", 1, false, nil), 201)
	id := own["id"].(string)
	s.expectProblem(s.book(exp.key, dep, "40HQ", 1, false, map[string]any{"exporterId": other.id}), 422, "not_your_org", "exporterId")
	s.expectProblem(s.do("GET", "/v1/bookings/"+id, other.key, nil), 404, "booking_not_found", "")
	s.expectProblem(s.do("POST", "/v1/bookings/"+id+"/cancel", other.key, nil), 404, "booking_not_found", "")
	if n := len(arr(s.expect(s.do("GET", "/v1/bookings", other.key, nil), 200)["items"])); n != 0 {
		t.Errorf("another exporter lists %d bookings", n)
	}

	// A broker books only for exporters that authorise it, and then sees their bookings.
	s.expectProblem(s.book(brk.key, dep, "40HQ", 1, false, nil), 422, "required", "exporterId")
	// One that has not is answered as an id naming no exporter (strangers_test.go).
	s.expectProblem(s.book(brk.key, dep, "40HQ", 1, false, map[string]any{"exporterId": exp.id}), 422, "unknown_exporter", "exporterId")
	auth := s.authorize(exp, exp, brk, "9610")
	forExp := s.expect(s.book(brk.key, dep, "40HQ", 1, false, map[string]any{"exporterId": exp.id}), 201)
	if forExp["bookedBy"] != brk.id || forExp["exporterId"] != exp.id {
		t.Fatalf("broker's booking %v", forExp)
	}
	if n := len(arr(s.expect(s.do("GET", "/v1/bookings", brk.key, nil), 200)["items"])); n != 2 {
		t.Errorf("the broker lists %d bookings, want 2", n)
	}
	s.expect(s.do("GET", "/v1/bookings/"+forExp["id"].(string), exp.key, nil), 200)
	// Once the authorisation is revoked the broker keeps nothing, not even what it booked.
	s.expect(s.do("POST", "/v1/authorizations/"+auth["id"].(string)+"/revoke", exp.key, nil), 200)
	s.expectProblem(s.do("GET", "/v1/bookings/"+forExp["id"].(string), brk.key, nil), 404, "booking_not_found", "")
	s.expectProblem(s.do("POST", "/v1/bookings/"+forExp["id"].(string)+"/cancel", brk.key, nil), 404, "booking_not_found", "")
	if n := len(arr(s.expect(s.do("GET", "/v1/bookings", brk.key, nil), 200)["items"])); n != 0 {
		t.Errorf("a revoked broker lists %d bookings", n)
	}

	// The operator books for any exporter and sees everything.
	s.expectProblem(s.book(testOperatorKey, dep, "40HQ", 1, false, map[string]any{"exporterId": brk.id}), 422, "unknown_exporter", "exporterId")
	s.expect(s.book(testOperatorKey, dep, "40HQ", 1, false, map[string]any{"exporterId": other.id}), 201)
	if n := len(arr(s.expect(s.do("GET", "/v1/bookings?departureId="+dep, testOperatorKey, nil), 200)["items"])); n != 3 {
		t.Errorf("the operator lists %d bookings, want 3", n)
	}
	if c := capacityOf(s, dep); num(c["confirmedTEU"]) != 6 {
		t.Errorf("capacity %v", c)
	}
	s.expectProblem(s.do("POST", "/v1/departures/"+dep+"/events", exp.key, map[string]any{"type": "departed"}), 403, "operator_only", "")
}

// releasedParcel registers a parcel and takes it through customs to released.
func (s *service) releasedParcel(key, logisticsNo string) string {
	s.t.Helper()
	pid := s.releasedOnly(key, logisticsNo)
	s.receive(pid)
	return pid
}

// releasedOnly registers a parcel and has customs release it; it has not arrived at the yard.
func (s *service) releasedOnly(key, logisticsNo string) string {
	s.t.Helper()
	pid := s.expect(s.do("POST", "/v1/parcels", key, parcelBody(logisticsNo)), 201)["id"].(string)
	id := s.declare(key, pid)[0]
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", key, nil), 202)
	s.waitForStatus(key, id, "released")
	eventually(s.t, "parcel "+pid+" released", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, key, nil), 200)["status"] == "released"
	})
	return pid
}

// receive has the yard receive the parcels (the operator reports it) and waits until customs
// has their arrival (CEB507) on file.
func (s *service) receive(parcelIDs ...string) {
	s.t.Helper()
	res := s.expect(s.do("POST", "/v1/parcels/arrivals", testOperatorKey, map[string]any{
		"parcelIds": parcelIDs, "domesticTrafNo": "鄂F·A1234"}), 200)
	if res["invalid"].(float64) != 0 {
		s.t.Fatalf("arrivals: %v", res)
	}
	for _, pid := range parcelIDs {
		eventually(s.t, "the arrival of "+pid+" is on file", func() bool {
			y, _ := s.expect(s.do("GET", "/v1/parcels/"+pid, testOperatorKey, nil), 200)["yard"].(map[string]any)
			return y != nil && y["acceptedAt"] != nil
		})
	}
}

func TestContainersCustomsGateAndMovements(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	dep := s.planDeparture(10, 110)
	b := s.expect(s.book(exp.key, dep, "40HQ", 2, false, map[string]any{
		"consignee": map[string]any{"name": "Duisport Logistics GmbH", "address": "Alte Ruhrorter Str. 42, Duisburg", "country": "de"}}), 201)
	bid := b["id"].(string)
	if b["consignee"].(map[string]any)["country"] != "DE" {
		t.Errorf("consignee %v", b["consignee"])
	}

	released := s.releasedOnly(exp.key, "XYR1")
	pending := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XYR2")), 201)["id"].(string)
	load := func(containerNo string, parcels ...string) response {
		return s.do("POST", "/v1/bookings/"+bid+"/containers", exp.key, map[string]any{
			"containerNo": containerNo, "type": "40HQ", "sealNo": "SG123456", "parcelIds": parcels})
	}
	// Released is not enough: the goods must have arrived at the supervised site (运抵), and the
	// gate says which step is missing.
	s.expectProblem(load("CSQU3054383", released), 409, "not_arrived", "parcelIds[0]")
	s.expectProblem(s.do("POST", "/v1/parcels/arrivals", exp.key, map[string]any{"parcelIds": []string{released}, "domesticTrafNo": "鄂F·A1234"}),
		403, "yard_only", "")
	if res := s.expect(s.do("POST", "/v1/parcels/arrivals", testOperatorKey, map[string]any{
		"parcelIds": []string{pending}, "domesticTrafNo": "鄂F·A1234"}), 200); res["invalid"].(float64) != 1 {
		t.Errorf("a registered parcel, never declared, received at the yard: %v", res)
	}
	s.receive(released)
	arrival := s.expect(s.do("GET", "/v1/declarations?kind=arrival", exp.key, nil), 200)["items"].([]any)
	if len(arrival) != 1 || arrival[0].(map[string]any)["status"] != "review_finished" {
		t.Fatalf("arrival documents %v", arrival)
	}
	msg507 := string(s.do("GET", "/v1/declarations/"+arrival[0].(map[string]any)["id"].(string)+"/message", exp.key, nil).Body)
	if !strings.Contains(msg507, "CEB507Message") || !strings.Contains(msg507, "<ceb:logisticsNo>XYR1</ceb:logisticsNo>") ||
		!strings.Contains(msg507, testCarriers[carrierCode].name) {
		t.Errorf("arrival message %.600s", msg507)
	}
	s.expectProblem(load("CSQU3054384", released), 422, "invalid_container_no", "containerNo")
	// Nothing that customs has not released goes in; the answer names it.
	s.expectProblem(load("CSQU3054383", released, pending), 409, "not_released", "parcelIds[1]")
	if p := s.expect(s.do("GET", "/v1/parcels/"+released, exp.key, nil), 200); p["status"] != "released" {
		t.Fatalf("a refused loading left the parcel %v", p["status"])
	}
	other := s.register("exporter", "乙", usccB, "4206340017")
	foreign := s.expect(s.do("POST", "/v1/parcels", other.key, parcelBody("XYR3")), 201)["id"].(string)
	s.expectProblem(load("CSQU3054383", foreign), 422, "unknown_parcel", "parcelIds[0]")

	loaded := s.expect(load("CSQU3054383", released), 201)
	boxes := arr(loaded["loadedContainers"])
	if len(boxes) != 1 || boxes[0].(map[string]any)["containerNo"] != "CSQU3054383" {
		t.Fatalf("loaded %v", loaded["loadedContainers"])
	}
	s.expect(load("CSQU3054383", released), 201) // the same again changes nothing
	// A parcel goes in one container only.
	s.expectProblem(load("MSKU1234565", released), 409, "parcel_loaded", "parcelIds[0]")
	// A declaration goes in only once customs released it.
	entry := s.expect(s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "entry", "exporterId": exp.id, "entry": entryBody()}), 201)
	s.expectProblem(s.do("POST", "/v1/bookings/"+bid+"/containers", exp.key, map[string]any{
		"containerNo": "MSKU1234565", "type": "40HQ", "sealNo": "SG7", "declarationIds": []string{entry["id"].(string)}}),
		409, "not_released", "declarationIds[0]")
	if n := len(arr(s.expect(s.do("GET", "/v1/bookings/"+bid, exp.key, nil), 200)["loadedContainers"])); n != 1 {
		t.Fatalf("refused loadings left %d containers", n)
	}
	s.expect(load("MSKU1234565"), 201)
	s.expectProblem(load("TGHU8888889"), 409, "containers_exhausted", "")
	p := s.expect(s.do("GET", "/v1/parcels/"+released, exp.key, nil), 200)
	if p["status"] != "loaded" || p["containerNo"] != "CSQU3054383" || p["departureId"] != dep {
		t.Fatalf("parcel after loading %v", p)
	}
	s.expectProblem(s.do("POST", "/v1/bookings/"+bid+"/cancel", exp.key, nil), 409, "containers_loaded", "")

	// The consignment note.
	note := s.do("GET", "/v1/bookings/"+bid+"/consignment-note", exp.key, nil)
	if note.Status != 200 || note.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(note.Body, []byte("%PDF-")) || len(note.Body) < 5000 {
		t.Fatalf("consignment note: %d %s, %d bytes", note.Status, note.Header.Get("Content-Type"), len(note.Body))
	}
	s.expectProblem(s.do("GET", "/v1/bookings/"+bid+"/consignment-note", other.key, nil), 404, "booking_not_found", "")

	// Movements, in their legal order only, reported once they happened: the journey is dated
	// in the past (a movement dated in the future is refused).
	now := time.Now().UTC().Add(-21 * 24 * time.Hour)
	event := func(typ, location string, at time.Time) response {
		return s.do("POST", "/v1/departures/"+dep+"/events", testOperatorKey, map[string]any{
			"type": typ, "location": location, "at": at.Format(time.RFC3339)})
	}
	s.expectProblem(event("arrived", "DUISBURG", now), 409, "illegal_event_order", "")
	s.expectProblem(event("teleported", "DUISBURG", now), 422, "invalid_event_type", "type")
	d := s.expect(event("departed", "XIANGYANG", now), 200)
	if d["status"] != "departed" || d["delivery"].(map[string]any)["transportStatus"] != "in_transit" {
		t.Fatalf("after departure %v", d)
	}
	s.expect(event("departed", "XIANGYANG", now), 200) // the same report twice is harmless
	eventually(t, "the parcel departs with its train", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+released, exp.key, nil), 200)["status"] == "departed"
	})
	s.expectProblem(s.book(exp.key, dep, "40HQ", 1, true, nil), 422, "booking_closed", "")
	s.expectProblem(s.do("POST", "/v1/bookings/"+bid+"/containers", exp.key, map[string]any{
		"containerNo": "MSKU1234565", "type": "40HQ", "sealNo": "SG999"}), 409, "duplicate_container", "")
	// The CEB509 departure document goes to customs for the parcels on board.
	var ceb509 map[string]any
	eventually(t, "a departure document is reviewed (CEB510 399)", func() bool {
		for _, it := range arr(s.expect(s.do("GET", "/v1/declarations?kind=departure", exp.key, nil), 200)["items"]) {
			ceb509 = it.(map[string]any)
		}
		return ceb509 != nil && ceb509["status"] == "review_finished"
	})
	// Then customs closes the list of every parcel on board (结关, 899), and the parcel shows it.
	eventually(t, "the list on board is closed and its parcel shows it", func() bool {
		p := s.expect(s.do("GET", "/v1/parcels/"+released, exp.key, nil), 200)
		list := s.expect(s.do("GET", "/v1/declarations/"+p["declarationId"].(string), exp.key, nil), 200)
		for _, e := range arr(p["timeline"]) {
			if e.(map[string]any)["type"] == "parcel.closed" {
				return list["status"] == "cleared" && p["status"] == "departed"
			}
		}
		return false
	})
	msg := s.do("GET", "/v1/declarations/"+ceb509["id"].(string)+"/message", exp.key, nil)
	if !strings.Contains(string(msg.Body), "CEB509Message") || !strings.Contains(string(msg.Body), "XYR1") {
		t.Errorf("departure message %.400s", msg.Body)
	}
	s.expect(event("border_crossed", "ALASHANKOU", now.Add(6*24*time.Hour)), 200)
	s.expectProblem(event("border_crossed", "ALASHANKOU", now.Add(5*24*time.Hour)), 409, "illegal_event_order", "")
	track := s.expect(s.do("GET", "/v1/tracking/XYR1", exp.key, nil), 200)
	tr := track["transport"].(map[string]any)
	if tr["departureId"] != dep || tr["containerNo"] != "CSQU3054383" || tr["routeCode"] != "XXO" || tr["eta"] == nil {
		t.Fatalf("tracking transport %v", tr)
	}
	eventually(t, "the border crossing reaches the parcel's timeline", func() bool {
		for _, e := range arr(s.expect(s.do("GET", "/v1/parcels/"+released, exp.key, nil), 200)["timeline"]) {
			if strings.Contains(fmt.Sprint(e.(map[string]any)["detail"]), "border_crossed at ALASHANKOU") {
				return true
			}
		}
		return false
	})
	s.expect(event("arrived", "DUISBURG", now.Add(20*24*time.Hour)), 200)
	eventually(t, "the parcel arrives", func() bool {
		return s.expect(s.do("GET", "/v1/tracking/XYR1", exp.key, nil), 200)["status"] == "arrived"
	})
	track = s.expect(s.do("GET", "/v1/tracking/XYR1", exp.key, nil), 200)
	if tr := track["transport"].(map[string]any); tr["transportStatus"] != "arrived" || tr["lastKnownLocation"] != "DUISBURG" {
		t.Errorf("tracking after arrival %v", tr)
	}
	bk := s.expect(s.do("GET", "/v1/bookings/"+bid, exp.key, nil), 200)
	movements := 0
	for _, e := range arr(bk["timeline"]) {
		if e.(map[string]any)["type"] == "booking.movement" {
			movements++
		}
	}
	if movements != 3 || bk["delivery"].(map[string]any)["transportStatus"] != "arrived" {
		t.Errorf("booking after arrival: %d movements, delivery %v", movements, bk["delivery"])
	}
}

// A cancelled inventory list (CEB605 approved) withdraws the release: a parcel in a container
// comes out of it, a released one may no longer be loaded, and each timeline says why; the list
// of goods that left with their train cannot be cancelled.
func TestCancelledListWithdrawsRelease(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	dep := s.planDeparture(10, 110)
	bid := s.expect(s.book(exp.key, dep, "40HQ", 2, false, nil), 201)["id"].(string)
	inBox, stays, waiting := s.releasedOnly(exp.key, "XYW1"), s.releasedOnly(exp.key, "XYW2"), s.releasedOnly(exp.key, "XYW3")
	s.receive(inBox, stays, waiting)
	load := func(containerNo string, parcels ...string) response {
		return s.do("POST", "/v1/bookings/"+bid+"/containers", exp.key, map[string]any{
			"containerNo": containerNo, "type": "40HQ", "sealNo": "SG123456", "grossKg": 9000, "parcelIds": parcels})
	}
	s.expect(load("CSQU3054383", inBox, stays), 201)
	cancel := func(pid string) response {
		list := s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)["declarationId"].(string)
		return s.do("POST", "/v1/declarations", exp.key, map[string]any{"kind": "cancel", "declarationId": list, "reason": "买家取消订单 order withdrawn"})
	}
	for _, pid := range []string{inBox, waiting} {
		cid := s.expect(cancel(pid), 201)["id"].(string)
		s.expect(s.do("POST", "/v1/declarations/"+cid+"/submit", exp.key, nil), 202)
	}
	withdrawn := func(pid string) map[string]any {
		var p map[string]any
		eventually(t, "parcel "+pid+" withdrawn", func() bool {
			p = s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)
			return p["status"] == "withdrawn"
		})
		tl := arr(p["timeline"])
		detail := fmt.Sprint(tl[len(tl)-1].(map[string]any)["detail"])
		if !strings.Contains(detail, "放行已撤销") || !strings.Contains(detail, "release withdrawn") {
			t.Errorf("parcel %s: the timeline does not say why: %q", pid, detail)
		}
		return p
	}
	if p := withdrawn(inBox); p["containerNo"] != nil || p["departureId"] != nil {
		t.Errorf("a withdrawn parcel still names its container: %v %v", p["containerNo"], p["departureId"])
	}
	withdrawn(waiting)
	// The container no longer holds the withdrawn parcel; the other stays, and so does the space.
	eventually(t, "the withdrawn parcel comes out of its container", func() bool {
		b := s.expect(s.do("GET", "/v1/bookings/"+bid, exp.key, nil), 200)
		boxes := arr(b["loadedContainers"])
		if len(boxes) != 1 {
			return false
		}
		ids := fmt.Sprint(boxes[0].(map[string]any)["parcelIds"])
		return !strings.Contains(ids, inBox) && strings.Contains(ids, stays) && b["status"] == "confirmed"
	})
	if p := s.expect(s.do("GET", "/v1/parcels/"+stays, exp.key, nil), 200); p["status"] != "loaded" || p["containerNo"] != "CSQU3054383" {
		t.Errorf("the parcel beside it %v in %v", p["status"], p["containerNo"])
	}
	// Neither withdrawn parcel goes in again, and the answer says why.
	s.expectProblem(load("MSKU1234565", waiting), 409, "release_withdrawn", "parcelIds[0]")
	s.expectProblem(load("MSKU1234565", inBox), 409, "release_withdrawn", "parcelIds[0]")
	if n := len(arr(s.expect(s.do("GET", "/v1/bookings/"+bid, exp.key, nil), 200)["loadedContainers"])); n != 1 {
		t.Fatalf("refused loadings left %d containers", n)
	}
	// Goods that left with their train: their list cannot be cancelled any more.
	s.expect(s.do("POST", "/v1/departures/"+dep+"/events", testOperatorKey, map[string]any{
		"type": "departed", "location": "XIANGYANG", "at": time.Now().UTC().Format(time.RFC3339)}), 200)
	eventually(t, "the parcel departs", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+stays, exp.key, nil), 200)["status"] == "departed"
	})
	s.expectProblem(cancel(stays), 409, "goods_departed", "declarationId")
}

func TestMisdirectedTrain(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	dep := s.planDeparture(10, 2)
	booked := s.expect(s.book(exp.key, dep, "40HQ", 1, false, nil), 201)
	waiting := s.expect(s.book(exp.key, dep, "40HQ", 1, true, nil), 201)
	if waiting["status"] != "waitlisted" {
		t.Fatalf("waiting %v", waiting["status"])
	}
	now := time.Now().UTC().Add(-5 * 24 * time.Hour) // reported after the fact
	s.expect(s.do("POST", "/v1/departures/"+dep+"/events", testOperatorKey, map[string]any{
		"type": "departed", "location": "XIANGYANG", "at": now.Format(time.RFC3339)}), 200)
	d := s.expect(s.do("POST", "/v1/departures/"+dep+"/events", testOperatorKey, map[string]any{
		"type": "border_crossed", "location": "MANZHOULI", "at": now.Add(4 * 24 * time.Hour).Format(time.RFC3339)}), 200)
	del := d["delivery"].(map[string]any)
	if del["misdirected"] != true || del["lastKnownLocation"] != "MANZHOULI" {
		t.Errorf("delivery after an off-route border crossing %v", del)
	}
	b := s.expect(s.do("GET", "/v1/bookings/"+booked["id"].(string), exp.key, nil), 200)
	if b["delivery"].(map[string]any)["misdirected"] != true {
		t.Errorf("the booking's delivery %v", b["delivery"])
	}
	// Nothing more is loaded on a train that left.
	s.expectProblem(s.do("POST", "/v1/bookings/"+booked["id"].(string)+"/containers", exp.key, map[string]any{
		"containerNo": "MSKU1234565", "type": "40HQ", "sealNo": "SG1"}), 409, "departure_departed", "")
	// The train left without the waiting booking; a booking on it stands.
	// The waiting booking is cancelled first and leaves the list right after: wait for both.
	eventually(t, "the waiting list is cancelled and emptied", func() bool {
		c := capacityOf(s, dep)
		return s.expect(s.do("GET", "/v1/bookings/"+waiting["id"].(string), exp.key, nil), 200)["status"] == "cancelled" &&
			num(c["waitlistedTEU"]) == 0
	})
	if c := capacityOf(s, dep); num(c["confirmedTEU"]) != 2 {
		t.Errorf("capacity after departure %v", c)
	}
	s.expectProblem(s.do("POST", "/v1/bookings/"+booked["id"].(string)+"/cancel", exp.key, nil), 409, "departure_departed", "")
}

// Movements are reported once they happened: one dated in the future (beyond the clock skew) is
// refused naming at; an arrival that skips the itinerary's border crossing is refused naming
// the crossing, and the crossing reported late is taken, then the arrival.
func TestMovementGates(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	dep := s.planDeparture(10, 2) // XXO: XIANGYANG → XIAN → ALASHANKOU (border_crossed) → DUISBURG
	now := time.Now().UTC()
	event := func(typ, location string, at time.Time) response {
		return s.do("POST", "/v1/departures/"+dep+"/events", testOperatorKey, map[string]any{
			"type": typ, "location": location, "at": at.Format(time.RFC3339)})
	}
	s.expectProblem(event("departed", "XIANGYANG", now.Add(time.Hour)), 422, "in_future", "at")
	s.expect(event("departed", "XIANGYANG", now.Add(-20*24*time.Hour)), 200)
	s.expectProblem(event("border_crossed", "ALASHANKOU", now.Add(6*24*time.Hour)), 422, "in_future", "at")
	skipped := s.do("POST", "/v1/departures/"+dep+"/events", testOperatorKey, map[string]any{
		"type": "arrived", "location": "DUISBURG", "at": now.Add(-time.Hour).Format(time.RFC3339)})
	s.expectProblem(skipped, 409, "illegal_event_order", "type")
	if !strings.Contains(string(skipped.Body), "border_crossed at ALASHANKOU") {
		t.Fatalf("the skipped crossing is not named: %s", skipped.Body)
	}
	d := s.expect(event("border_crossed", "ALASHANKOU", now.Add(-14*24*time.Hour)), 200)
	if d["status"] != "departed" {
		t.Fatalf("after the crossing %v", d["status"])
	}
	d = s.expect(event("arrived", "DUISBURG", now.Add(-time.Hour)), 200)
	if d["status"] != "arrived" || d["delivery"].(map[string]any)["misdirected"] != false {
		t.Fatalf("after the arrival %v %v", d["status"], d["delivery"])
	}
	// A clock a little ahead of the service's is tolerated.
	other := s.planDeparture(11, 2)
	s.expect(s.do("POST", "/v1/departures/"+other+"/events", testOperatorKey, map[string]any{
		"type": "departed", "location": "XIANGYANG", "at": time.Now().UTC().Add(time.Minute).Format(time.RFC3339)}), 200)
}

func TestTrainUtilisation(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	first := s.planDeparture(10, 110)
	second := s.planDeparture(11, 82)
	s.expect(s.book(exp.key, first, "40HQ", 4, false, nil), 201)   // 8 TEU
	s.expect(s.book(exp.key, second, "20GP", 2, false, nil), 201)  // 2 TEU
	s.expect(s.book(exp.key, second, "40HQ", 40, false, nil), 201) // full: 82 TEU
	s.expect(s.book(exp.key, second, "40HQ", 1, true, nil), 201)   // waits
	s.expect(s.book(exp.key, second, "40HQ", 1, true, nil), 201)   // waits

	s.expectProblem(s.do("GET", "/v1/stats/trains", exp.key, nil), 403, "operator_only", "")
	s.expectProblem(s.do("GET", "/v1/stats/trains?from=soon", testOperatorKey, nil), 422, "invalid_time", "from")
	st := s.expect(s.do("GET", "/v1/stats/trains?routeCode=XXO", testOperatorKey, nil), 200)
	lines := arr(st["lines"])
	if len(lines) != 1 {
		t.Fatalf("lines %v", st)
	}
	xxo := lines[0].(map[string]any)
	if num(xxo["departures"]) != 2 || num(xxo["capacityTEU"]) != 192 || num(xxo["confirmedTEU"]) != 90 ||
		num(xxo["waitlistedTEU"]) != 4 || xxo["utilisation"] != 0.469 || xxo["standardTrains"] != 1.1 {
		t.Errorf("XXO %v", xxo)
	}
	if total := st["total"].(map[string]any); num(total["confirmedTEU"]) != 90 || total["routeCode"] != "*" {
		t.Errorf("total %v", total)
	}
	to := time.Now().UTC().AddDate(0, 0, 10).Add(12 * time.Hour).Format(time.RFC3339)
	if st := s.expect(s.do("GET", "/v1/stats/trains?to="+to, testOperatorKey, nil), 200); num(st["total"].(map[string]any)["departures"]) != 1 {
		t.Errorf("departures before %s: %v", to, st["total"])
	}
}

func TestCancelDeparture(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	dep := s.planDeparture(10, 4)
	booked := s.expect(s.book(exp.key, dep, "40HQ", 2, false, nil), 201)
	waiting := s.expect(s.book(exp.key, dep, "40HQ", 1, true, nil), 201)
	pid := s.releasedParcel(exp.key, "XYC1")
	s.expect(s.do("POST", "/v1/bookings/"+booked["id"].(string)+"/containers", exp.key, map[string]any{
		"containerNo": "CSQU3054383", "type": "40HQ", "sealNo": "SG1", "parcelIds": []string{pid}}), 201)

	s.expectProblem(s.do("POST", "/v1/departures/"+dep+"/cancel", exp.key, map[string]any{"reason": "x"}), 403, "operator_only", "")
	s.expectProblem(s.do("POST", "/v1/departures/"+dep+"/cancel", testOperatorKey, map[string]any{}), 422, "required", "reason")
	d := s.expect(s.do("POST", "/v1/departures/"+dep+"/cancel", testOperatorKey, map[string]any{"reason": "flooding on the line"}), 200)
	if d["status"] != "cancelled" || d["cancelReason"] != "flooding on the line" || d["bookingOpen"] != false {
		t.Fatalf("cancelled departure %v", d)
	}
	s.expect(s.do("POST", "/v1/departures/"+dep+"/cancel", testOperatorKey, map[string]any{"reason": "again"}), 200)
	// Each booking is cancelled first and gives its capacity back right after: wait for both.
	eventually(t, "the bookings are cancelled, their capacity given back and the parcel released again", func() bool {
		b1 := s.expect(s.do("GET", "/v1/bookings/"+booked["id"].(string), exp.key, nil), 200)
		b2 := s.expect(s.do("GET", "/v1/bookings/"+waiting["id"].(string), exp.key, nil), 200)
		p := s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)
		c := capacityOf(s, dep)
		return b1["status"] == "cancelled" && b2["status"] == "cancelled" && len(arr(b1["loadedContainers"])) == 0 &&
			p["status"] == "released" && p["containerNo"] == nil && num(c["confirmedTEU"]) == 0 && num(c["waitlistedTEU"]) == 0
	})
	s.expectProblem(s.book(exp.key, dep, "40HQ", 1, true, nil), 422, "booking_closed", "")
	s.expectProblem(s.do("POST", "/v1/departures/"+dep+"/events", testOperatorKey, map[string]any{
		"type": "departed", "location": "XIANGYANG", "at": time.Now().UTC().Format(time.RFC3339)}), 409, "departure_cancelled", "")
	// The parcel takes another train.
	other := s.planDeparture(11, 110)
	again := s.expect(s.book(exp.key, other, "40HQ", 1, false, nil), 201)
	s.expect(s.do("POST", "/v1/bookings/"+again["id"].(string)+"/containers", exp.key, map[string]any{
		"containerNo": "MSKU1234565", "type": "40HQ", "sealNo": "SG2", "parcelIds": []string{pid}}), 201)
}
