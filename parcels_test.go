package main

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const carrierCode = "4206980001" // the logistics firm's customs code

// parcelBody is a valid 9610 parcel with one line of goods.
func parcelBody(logisticsNo string) map[string]any {
	return map[string]any{
		"tradeMode": "9610", "orderNo": "SO-" + logisticsNo,
		"logisticsCode": carrierCode, "logisticsNo": logisticsNo,
		"consignee": map[string]any{"name": "Jan Kowalski", "country": "PL", "city": "Warszawa",
			"address": "ul. Marszałkowska 1", "phone": "+48 22 000 00 00"},
		"destinationCountry": "POL", "currency": "EUR",
		"items": []any{map[string]any{"gcode": "8518300000", "gname": "蓝牙耳机", "gmodel": "TWS|白色",
			"qty": "2", "unit": "007", "price": "19.90", "originCountry": "CN"}},
		"grossWeightKg": "0.45", "netWeightKg": "0.30", "freight": "3.50", "insuredFee": "0",
	}
}

func TestRegisterParcel(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	p := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XY000001")), 201)
	if p["status"] != "registered" || p["exporterId"] != exp.id || p["destinationCountry"] != "PL" {
		t.Fatalf("parcel %v", p)
	}
	item := p["items"].([]any)[0].(map[string]any)
	if item["totalPrice"] != "39.8" || item["gname"] != "蓝牙耳机" {
		t.Errorf("item %v", item)
	}
	if tl := p["timeline"].([]any); len(tl) != 1 || tl[0].(map[string]any)["type"] != "parcel.registered" {
		t.Errorf("timeline %v", tl)
	}
	// The same parcel again: the existing record, nothing new.
	again := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XY000001")), 200)
	if again["id"] != p["id"] {
		t.Errorf("resent parcel got id %v, want %v", again["id"], p["id"])
	}
	bad := parcelBody("XY000002")
	bad["items"].([]any)[0].(map[string]any)["gcode"] = "85183"
	s.expectProblem(s.do("POST", "/v1/parcels", exp.key, bad), 422, "invalid_hs_code", "items[0].gcode")
	bad = parcelBody("XY000002")
	bad["items"].([]any)[0].(map[string]any)["price"] = "19.12345"
	s.expectProblem(s.do("POST", "/v1/parcels", exp.key, bad), 400, "too_many_decimals", "items[0].price")
	bad = parcelBody("XY000002")
	bad["colour"] = "red"
	s.expectProblem(s.do("POST", "/v1/parcels", exp.key, bad), 400, "unknown_field", "colour")
	if n := len(s.expect(s.do("GET", "/v1/parcels", exp.key, nil), 200)["items"].([]any)); n != 1 {
		t.Errorf("%d parcels stored, want 1: refused ones leave nothing behind", n)
	}
}

func TestParcelRights(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	b := s.register("exporter", "乙", usccB, "4206340017")
	brk := s.register("broker", "丙报关", usccC, "4206380015")

	// Brokers do not register parcels; the operator must name the exporter.
	s.expectProblem(s.do("POST", "/v1/parcels", brk.key, parcelBody("XY1")), 403, "exporter_or_operator_only", "")
	s.expectProblem(s.do("POST", "/v1/parcels", testOperatorKey, parcelBody("XY1")), 422, "required", "exporterId")
	forB := parcelBody("XY1")
	forB["exporterId"] = b.id
	byOp := s.expect(s.do("POST", "/v1/parcels", testOperatorKey, forB), 201)
	if byOp["exporterId"] != b.id {
		t.Errorf("operator-registered parcel belongs to %v", byOp["exporterId"])
	}
	forB["exporterId"] = brk.id
	forB["logisticsNo"] = "XY2"
	s.expectProblem(s.do("POST", "/v1/parcels", testOperatorKey, forB), 422, "unknown_exporter", "exporterId")
	s.expectProblem(s.do("POST", "/v1/parcels", a.key, map[string]any{"exporterId": b.id}), 422, "not_your_org", "exporterId")

	pa := s.expect(s.do("POST", "/v1/parcels", a.key, parcelBody("XYA1")), 201)
	id := pa["id"].(string)
	// B cannot see, edit, cancel or track A's parcel.
	s.expectProblem(s.do("GET", "/v1/parcels/"+id, b.key, nil), 404, "parcel_not_found", "")
	s.expectProblem(s.do("PATCH", "/v1/parcels/"+id, b.key, parcelBody("XYA1")), 404, "parcel_not_found", "")
	s.expectProblem(s.do("POST", "/v1/parcels/"+id+"/cancel", b.key, nil), 404, "parcel_not_found", "")
	s.expectProblem(s.do("GET", "/v1/tracking/XYA1", b.key, nil), 404, "parcel_not_found", "")
	s.expectProblem(s.do("GET", "/v1/tracking/XYA1?logisticsCode="+carrierCode, b.key, nil), 404, "parcel_not_found", "")
	if n := len(s.expect(s.do("GET", "/v1/parcels", b.key, nil), 200)["items"].([]any)); n != 1 {
		t.Errorf("B lists %d parcels, want its own 1", n)
	}
	// A key already taken by another exporter's parcel is a conflict, not a view of it.
	s.expectProblem(s.do("POST", "/v1/parcels", b.key, parcelBody("XYA1")), 409, "parcel_exists", "logisticsNo")

	// A broker sees the parcels of exporters that authorised it, and changes none.
	s.expectProblem(s.do("GET", "/v1/parcels/"+id, brk.key, nil), 404, "parcel_not_found", "")
	s.authorize(a, a, brk, "9610")
	s.expect(s.do("GET", "/v1/parcels/"+id, brk.key, nil), 200)
	s.expect(s.do("GET", "/v1/tracking/XYA1", brk.key, nil), 200)
	s.expectProblem(s.do("PATCH", "/v1/parcels/"+id, brk.key, parcelBody("XYA1")), 403, "exporter_or_operator_only", "")
	if n := len(s.expect(s.do("GET", "/v1/parcels", brk.key, nil), 200)["items"].([]any)); n != 1 {
		t.Errorf("broker lists %d parcels, want A's 1", n)
	}
	// The operator sees all.
	if n := len(s.expect(s.do("GET", "/v1/parcels", testOperatorKey, nil), 200)["items"].([]any)); n != 2 {
		t.Errorf("operator lists %d parcels, want 2", n)
	}
}

func TestEditAndCancelParcel(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	id := s.expect(s.do("POST", "/v1/parcels", a.key, parcelBody("XYE1")), 201)["id"].(string)
	edit := parcelBody("XYE1")
	edit["items"].([]any)[0].(map[string]any)["qty"] = "3"
	edited := s.expect(s.do("PATCH", "/v1/parcels/"+id, a.key, edit), 200)
	if edited["items"].([]any)[0].(map[string]any)["totalPrice"] != "59.7" {
		t.Errorf("edit: %v", edited["items"])
	}
	moved := parcelBody("XYE2")
	s.expectProblem(s.do("PATCH", "/v1/parcels/"+id, a.key, moved), 422, "immutable", "logisticsNo")
	cancelled := s.expect(s.do("POST", "/v1/parcels/"+id+"/cancel", a.key, map[string]any{"reason": "order withdrawn"}), 200)
	if cancelled["status"] != "cancelled" || cancelled["cancelReason"] != "order withdrawn" {
		t.Errorf("cancel: %v", cancelled)
	}
	s.expectProblem(s.do("PATCH", "/v1/parcels/"+id, a.key, edit), 409, "parcel_locked", "")
	tl := s.expect(s.do("GET", "/v1/parcels/"+id, a.key, nil), 200)["timeline"].([]any)
	var types []string
	for _, e := range tl {
		types = append(types, e.(map[string]any)["type"].(string))
	}
	if strings.Join(types, ",") != "parcel.registered,parcel.edited,parcel.cancelled" {
		t.Errorf("timeline %v", types)
	}
}

func TestParcelBatch(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	s.expect(s.do("POST", "/v1/parcels", a.key, parcelBody("XYB0")), 201)
	badHS := parcelBody("XYB3")
	badHS["items"].([]any)[0].(map[string]any)["gcode"] = "12"
	badNet := parcelBody("XYB4")
	badNet["netWeightKg"] = "9"
	wrongType := parcelBody("XYB5")
	wrongType["orderNo"] = 7
	batch := []any{parcelBody("XYB1"), parcelBody("XYB0"), parcelBody("XYB2"), badHS, badNet, parcelBody("XYB1"), wrongType}
	res := s.expect(s.do("POST", "/v1/parcels/batch", a.key, map[string]any{"parcels": batch}), 200)
	if res["created"] != 2.0 || res["duplicates"] != 2.0 || res["invalid"] != 3.0 {
		t.Fatalf("summary %v", res)
	}
	results := res["results"].([]any)
	want := []struct{ status, field string }{
		{"created", ""}, {"duplicate", ""}, {"created", ""},
		{"invalid", "parcels[3].items[0].gcode"}, {"invalid", "parcels[4].netWeightKg"},
		{"duplicate", ""}, {"invalid", "parcels[6].orderNo"},
	}
	for i, w := range want {
		r := results[i].(map[string]any)
		if r["index"] != float64(i) || r["status"] != w.status {
			t.Errorf("result %d: %v, want %s", i, r, w.status)
		}
		if w.field != "" && r["errors"].([]any)[0].(map[string]any)["field"] != w.field {
			t.Errorf("result %d errors %v, want field %s", i, r["errors"], w.field)
		}
	}
	if results[1].(map[string]any)["id"] != "pcl_"+carrierCode+"_XYB0" || results[5].(map[string]any)["id"] != results[0].(map[string]any)["id"] {
		t.Errorf("duplicates should carry the existing id: %v %v", results[1], results[5])
	}
	s.expectProblem(s.do("POST", "/v1/parcels/batch", a.key, map[string]any{"parcels": []any{}}), 422, "invalid_batch_size", "parcels")
}

func TestConcurrentOverlappingBatches(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	const workers, perBatch, keys = 20, 50, 200
	var wg sync.WaitGroup
	created := make(chan float64, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var batch []any
			for i := 0; i < perBatch; i++ {
				batch = append(batch, parcelBody(fmt.Sprintf("XYC%04d", (w*17+i*3)%keys)))
			}
			res := s.do("POST", "/v1/parcels/batch", a.key, map[string]any{"parcels": batch})
			if res.Status != 200 {
				t.Errorf("batch %d: %d %s", w, res.Status, res.Body)
				return
			}
			created <- res.JSON(t)["created"].(float64)
		}(w)
	}
	wg.Wait()
	close(created)
	total := 0.0
	for c := range created {
		total += c
	}
	stored := map[string]bool{}
	cursor := ""
	for {
		page := s.expect(s.do("GET", "/v1/parcels?limit=500&cursor="+url.QueryEscape(cursor), a.key, nil), 200)
		for _, it := range page["items"].([]any) {
			id := it.(map[string]any)["id"].(string)
			if stored[id] {
				t.Fatalf("%s listed twice", id)
			}
			stored[id] = true
		}
		next, _ := page["nextCursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	distinct := map[int]bool{}
	for w := 0; w < workers; w++ {
		for i := 0; i < perBatch; i++ {
			distinct[(w*17+i*3)%keys] = true
		}
	}
	if int(total) != len(distinct) || len(stored) != len(distinct) {
		t.Fatalf("created %v in all, stored %d, distinct keys %d: each key must be stored exactly once", total, len(stored), len(distinct))
	}
}

func TestParcelListPaginationAndFilters(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	var batch []any
	for i := 0; i < 300; i++ {
		p := parcelBody(fmt.Sprintf("XYP%04d", i))
		if i%3 == 0 {
			p["tradeMode"] = "1210"
			p["emsNo"] = "T4206W000001"
			p["items"].([]any)[0].(map[string]any)["itemRecordNo"] = "R-0001"
		}
		batch = append(batch, p)
	}
	res := s.expect(s.do("POST", "/v1/parcels/batch", a.key, map[string]any{"parcels": batch}), 200)
	if res["created"] != 300.0 {
		t.Fatalf("batch: %v", res["results"].([]any)[0])
	}
	seen := map[string]bool{}
	cursor, pages := "", 0
	for {
		page := s.expect(s.do("GET", "/v1/parcels?limit=70&cursor="+url.QueryEscape(cursor), a.key, nil), 200)
		pages++
		for _, it := range page["items"].([]any) {
			seen[it.(map[string]any)["id"].(string)] = true
		}
		if pages == 2 { // parcels registered meanwhile come first and never shift later pages
			s.expect(s.do("POST", "/v1/parcels", a.key, parcelBody("XYNEW")), 201)
		}
		next, _ := page["nextCursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 300 || pages != 5 {
		t.Errorf("saw %d parcels in %d pages, want 300 in 5", len(seen), pages)
	}
	count := func(q string) int {
		return len(s.expect(s.do("GET", "/v1/parcels?limit=500&"+q, a.key, nil), 200)["items"].([]any))
	}
	if n := count("tradeMode=1210"); n != 100 {
		t.Errorf("1210 parcels: %d", n)
	}
	if n := count("logisticsNo=XYP0042"); n != 1 {
		t.Errorf("by logisticsNo: %d", n)
	}
	if n := count("orderNo=SO-XYP0042"); n != 1 {
		t.Errorf("by orderNo: %d", n)
	}
	if n := count("status=registered"); n != 301 {
		t.Errorf("registered: %d", n)
	}
	if n := count("createdFrom=2000-01-01T00:00:00Z&createdTo=2001-01-01T00:00:00Z"); n != 0 {
		t.Errorf("created in 2000: %d", n)
	}
	s.expectProblem(s.do("GET", "/v1/parcels?status=lost", a.key, nil), 422, "invalid_status", "status")
	s.expectProblem(s.do("GET", "/v1/parcels?createdFrom=yesterday", a.key, nil), 422, "invalid_time", "createdFrom")
}

func TestTracking(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	s.expect(s.do("POST", "/v1/parcels", a.key, parcelBody("XYT1")), 201)
	tr := s.expect(s.do("GET", "/v1/tracking/XYT1", a.key, nil), 200)
	if tr["status"] != "registered" || tr["logisticsCode"] != carrierCode || len(tr["timeline"].([]any)) != 1 {
		t.Errorf("tracking %v", tr)
	}
	s.expect(s.do("GET", "/v1/tracking/XYT1?logisticsCode="+carrierCode, testOperatorKey, nil), 200)
	s.expectProblem(s.do("GET", "/v1/tracking/NOPE", a.key, nil), 404, "parcel_not_found", "")
	// The same number at another carrier needs the carrier named.
	other := parcelBody("XYT1")
	other["logisticsCode"] = "4206980002"
	s.expect(s.do("POST", "/v1/parcels", a.key, other), 201)
	s.expectProblem(s.do("GET", "/v1/tracking/XYT1", a.key, nil), 422, "ambiguous_logistics_no", "logisticsCode")
	if tr := s.expect(s.do("GET", "/v1/tracking/XYT1?logisticsCode=4206980002", a.key, nil), 200); tr["logisticsCode"] != "4206980002" {
		t.Errorf("tracking by carrier: %v", tr)
	}
}

// upload posts a file to the import endpoint as multipart/form-data.
func (s *service) upload(key, path string) response {
	s.t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		s.t.Fatal(err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", filepath.Base(path))
	if err != nil {
		s.t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	req, _ := http.NewRequest("POST", s.url+"/v1/parcels/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+key)
	return s.send(req)
}

func TestImportSpreadsheets(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	for _, file := range []string{"parcels.csv", "parcels.xlsx"} {
		res := s.expect(s.upload(a.key, "adapters/spreadsheet/testdata/"+file), 200)
		created, dups := res["created"].(float64), res["duplicates"].(float64)
		if file == "parcels.csv" && (created != 6 || dups != 0 || res["invalid"] != 0.0) {
			t.Fatalf("%s: %v", file, res)
		}
		if file == "parcels.xlsx" && (created != 0 || dups != 6) { // the same parcels again
			t.Fatalf("%s: %v", file, res)
		}
	}
	// Chinese text survives the round trip through the file and the store.
	page := s.expect(s.do("GET", "/v1/parcels?limit=10", a.key, nil), 200)["items"].([]any)
	names := ""
	for _, p := range page {
		for _, it := range p.(map[string]any)["items"].([]any) {
			names += it.(map[string]any)["gname"].(string)
		}
	}
	if !strings.ContainsAny(names, "耳机手机玩具") {
		t.Errorf("goods names lost their Chinese: %q", names)
	}

	for _, file := range []string{"parcels-with-errors.csv", "parcels-with-errors.xlsx"} {
		res := s.expect(s.upload(a.key, "adapters/spreadsheet/testdata/"+file), 200)
		var locations []string
		for _, r := range res["results"].([]any) {
			errs, _ := r.(map[string]any)["errors"].([]any)
			for _, e := range errs {
				fe := e.(map[string]any)
				locations = append(locations, fe["field"].(string)+" "+fe["code"].(string))
			}
		}
		all := strings.Join(locations, "\n")
		for _, want := range []string{
			"row 4, column V (gcode) invalid_hs_code", "row 6, column Y (qty) invalid_number",
			"row 8, column I (consigneeCity) required", "row 10, column M (currency) conflicting_value",
			"row 12, column O (netWeightKg) net_exceeds_gross", "row 13, column Z (unit) invalid_unit",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("%s: no error %q among\n%s", file, want, all)
			}
		}
	}
	s.expectProblem(s.do("POST", "/v1/parcels/import", a.key, map[string]any{}), 400, "file_required", "file")
}
