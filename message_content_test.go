package main

import (
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
)

// declareOn drafts inventory lists for parcels that travel on a booking and answers the results.
func (s *service) declareOn(key, bookingID string, parcelIDs ...string) response {
	s.t.Helper()
	s.carrier(carrierCode)
	return s.do("POST", "/v1/declarations", key, map[string]any{"kind": "inventory", "parcelIds": parcelIDs, "bookingId": bookingID})
}

// submittedHead submits a list and reads the head of the CEB603 it sent.
func (s *service) submittedHead(key, id string) ceb.InventoryHead {
	s.t.Helper()
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", key, nil), 202)
	msg := s.do("GET", "/v1/declarations/"+id+"/message", key, nil)
	if msg.Status != 200 {
		s.t.Fatalf("message of %s: %d %s", id, msg.Status, msg.Body)
	}
	m, err := ceb.ParseCEB603(msg.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return m.Inventories[0].Head
}

// A list that names the booking its parcel travels on says where that train leaves China
// (portCode), how (trafMode), on which train (trafName, voyageNo) and where it is unloaded
// (country, POD); a list without a booking names the configured exit office.
func TestInventoryListNamesItsTrainsExit(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	other := s.register("exporter", "乙", usccB, "4206340017")

	europe := s.planDeparture(10, 80) // 襄西欧: Alashankou, unloaded in Duisburg
	at := time.Now().UTC().AddDate(0, 0, 11).Truncate(time.Hour)
	asia := s.expect(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
		"routeCode": "XQM", "departsAt": at.Format(time.RFC3339), "capacityTEU": 40,
	}), 201)["id"].(string) // 襄钦马: rail to Qinzhou port, ship to Port Klang
	toEurope := s.expect(s.book(exp.key, europe, "40HQ", 1, false, nil), 201)["id"].(string)
	toAsia := s.expect(s.book(exp.key, asia, "40HQ", 1, false, nil), 201)["id"].(string)

	p1 := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XEX1")), 201)["id"].(string)
	p2 := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XEX2")), 201)["id"].(string)
	p3 := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XEX3")), 201)["id"].(string)

	res := s.expect(s.declareOn(exp.key, toEurope, p1), 200)["results"].([]any)[0].(map[string]any)
	h := s.submittedHead(exp.key, res["id"].(string))
	if h.PortCode != "9402" || h.TrafMode != "3" || h.Country != "304" || h.POD != "304" || h.TrafName == "" || h.VoyageNo == "" {
		t.Errorf("襄西欧 list head: portCode %s trafMode %s country %s POD %s trafName %q voyageNo %q",
			h.PortCode, h.TrafMode, h.Country, h.POD, h.TrafName, h.VoyageNo)
	}
	res = s.expect(s.declareOn(exp.key, toAsia, p2), 200)["results"].([]any)[0].(map[string]any)
	if h := s.submittedHead(exp.key, res["id"].(string)); h.PortCode != "7200" || h.TrafMode != "2" || h.Country != "122" {
		t.Errorf("襄钦马 list head: portCode %s trafMode %s country %s (want 7200, 2, 122 Malaysia)", h.PortCode, h.TrafMode, h.Country)
	}
	// Without a booking: the configured exit office, by rail, the parcel's destination.
	if h := s.submittedHead(exp.key, s.declare(exp.key, p3)[0]); h.PortCode != "9402" || h.TrafMode != "3" || h.Country != "327" {
		t.Errorf("list without a booking: portCode %s trafMode %s country %s", h.PortCode, h.TrafMode, h.Country)
	}

	// Another exporter's booking is not found; one's own parcels only go on one's own booking.
	p4 := s.expect(s.do("POST", "/v1/parcels", other.key, parcelBody("XEX4")), 201)["id"].(string)
	s.expectProblem(s.declareOn(other.key, toEurope, p4), 404, "booking_not_found", "bookingId")
	theirs := s.expect(s.book(other.key, europe, "40HQ", 1, false, nil), 201)["id"].(string)
	p5 := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XEX5")), 201)["id"].(string)
	s.expectProblem(s.declareOn(exp.key, theirs, p5), 404, "booking_not_found", "bookingId")
	// A cancelled booking carries nothing.
	s.expect(s.do("POST", "/v1/bookings/"+toAsia+"/cancel", exp.key, map[string]any{"reason": "moved"}), 200)
	s.expectProblem(s.declareOn(exp.key, toAsia, p5), 409, "booking_cancelled", "bookingId")
}

// A parcel sold on a foreign platform without a Chinese customs code names it "无" with its name,
// and a producer not registered with customs is "NO" with its name: the list and the order carry
// them, the seller files the order, and customs matches the two.
func TestForeignPlatformAndUnregisteredProducer(t *testing.T) {
	t.Parallel()
	s := matching(t, "1h")
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	body := parcelBody("XFP1")
	body["ebpCode"], body["ebpName"] = "无", "Allegro.pl sp. z o.o."
	body["ownerCode"], body["ownerName"] = "no", "深圳市华强北电子厂"
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, body), 201)["id"].(string)

	bad := parcelBody("XFP2")
	bad["ebpCode"] = "无"
	s.expectProblem(s.do("POST", "/v1/parcels", exp.key, bad), 422, "required", "ebpName")
	bad = parcelBody("XFP2")
	bad["ownerName"] = "深圳市华强北电子厂"
	s.expectProblem(s.do("POST", "/v1/parcels", exp.key, bad), 422, "required", "ownerCode")
	bad = parcelBody("XFP2")
	bad["ownerCode"] = "NOPE"
	s.expectProblem(s.do("POST", "/v1/parcels", exp.key, bad), 422, "invalid_party_code", "ownerCode")

	// The seller files the order (standing for the foreign platform's) and its payment receipt;
	// the carrier its waybill.
	if ids := s.fileDocuments(exp.key, []string{"order", "payment"}, pid); len(ids) != 2 {
		t.Fatalf("documents: %v", ids)
	}
	s.fileDocuments(s.carrier(carrierCode).key, []string{"waybill"}, pid)
	id := s.declare(exp.key, pid)[0]
	h := s.submittedHead(exp.key, id)
	if h.EbpCode != "无" || h.EbpName != "Allegro.pl sp. z o.o." || h.OwnerCode != "NO" || h.OwnerName != "深圳市华强北电子厂" {
		t.Errorf("list head parties %q %q %q %q", h.EbpCode, h.EbpName, h.OwnerCode, h.OwnerName)
	}
	s.waitForStatus(exp.key, id, "released")
}

// A parcel whose list names one exit office is not loaded on a train leaving through another:
// declared without a booking (Alashankou, the configured exit) it goes on the 襄西欧 train, not
// on the 襄钦马 one (Qinzhou port); declared on the 襄钦马 booking it goes there.
func TestLoadingNeedsTheListsExitOffice(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	at := time.Now().UTC().AddDate(0, 0, 11).Truncate(time.Hour)
	asia := s.expect(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
		"routeCode": "XQM", "departsAt": at.Format(time.RFC3339), "capacityTEU": 40,
	}), 201)["id"].(string)
	toAsia := s.expect(s.book(exp.key, asia, "40HQ", 2, false, nil), 201)["id"].(string)
	load := func(containerNo string, parcels ...string) response {
		return s.do("POST", "/v1/bookings/"+toAsia+"/containers", exp.key, map[string]any{
			"containerNo": containerNo, "type": "40HQ", "sealNo": "SG123456", "parcelIds": parcels})
	}

	viaAlashankou := s.releasedParcel(exp.key, "XLX1")
	s.expectProblem(load("CSQU3054383", viaAlashankou), 409, "exit_customs_mismatch", "parcelIds[0]")

	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XLX2")), 201)["id"].(string)
	id := s.expect(s.declareOn(exp.key, toAsia, pid), 200)["results"].([]any)[0].(map[string]any)["id"].(string)
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)
	s.waitForStatus(exp.key, id, "released")
	eventually(t, "parcel released", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)["status"] == "released"
	})
	s.receive(pid)
	s.expect(load("CSQU3054383", pid), 201)
}
