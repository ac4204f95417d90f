package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// A broker without an exporter's authorisation cannot tell the exporter's parcels from ids that
// name nothing: declaring either gets the same answer, word for word.
func TestStrangerCannotProbeParcels(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	existing := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XYK1")), 201)["id"].(string)
	missing := "par_01JZZZZZZZZZZZZZZZZZZZZZZZ"
	s.expectProblem(s.do("GET", "/v1/parcels/"+missing, exp.key, nil), 404, "parcel_not_found", "")

	declare := func(pid string) response {
		return s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "inventory", "parcelIds": []string{pid}})
	}
	if b := sameAnswer(t, "declaring a parcel", declare, existing, missing); !strings.Contains(b, "parcel_not_found") {
		t.Errorf("answer %s, want parcel_not_found", b)
	}
	// Booking a train for the exporter: the same answer as for an id naming no exporter.
	dep := s.planDeparture(10, 110)
	book := func(exporterID string) response {
		return s.book(brk.key, dep, "40HQ", 1, false, map[string]any{"exporterId": exporterID})
	}
	if b := sameAnswer(t, "booking for an exporter", book, exp.id, "org_01JZZZZZZZZZZZZZZZZZZZZZZZ"); !strings.Contains(b, "unknown_exporter") {
		t.Errorf("answer %s, want unknown_exporter", b)
	}
	// Reading it directly is the same 404 as for a missing parcel.
	s.expectProblem(s.do("GET", "/v1/parcels/"+existing, brk.key, nil), 404, "parcel_not_found", "")
	s.expectProblem(s.do("GET", "/v1/parcels/"+missing, brk.key, nil), 404, "parcel_not_found", "")
}

// sameAnswer fails the test unless ask answers an existing id and a made-up one alike: the same
// status and the same body, with the id itself and the request id (different by design) left
// out. It returns that body.
func sameAnswer(t *testing.T, what string, ask func(id string) response, existing, madeUp string) string {
	t.Helper()
	answer := func(id string) string {
		r := ask(id)
		body := strings.ReplaceAll(string(r.Body), id, "<id>")
		if i := strings.Index(body, `"requestId"`); i >= 0 {
			body = body[:i]
		}
		return fmt.Sprint(r.Status, " ", body)
	}
	a, b := answer(existing), answer(madeUp)
	if a != b {
		t.Fatalf("%s, a stranger tells an existing id from a made-up one:\nexisting %s\nmade up  %s", what, a, b)
	}
	return a
}

// A stranger sees nothing of an organisation; the side asking for an authorisation sees only the
// card of the side asked until it confirms; the side asked sees the asker in full.
func TestWhatAPendingAuthorisationShows(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	stranger := s.register("broker", "丁报关", usccB, "4206340017")

	s.expectProblem(s.do("GET", "/v1/orgs/"+exp.id, stranger.key, nil), 404, "org_not_found", "")
	s.expectProblem(s.do("GET", "/v1/orgs/org_01JZZZZZZZZZZZZZZZZZZZZZZZ", stranger.key, nil), 404, "org_not_found", "")

	// The broker asks; the exporter has not confirmed.
	auth := s.authorize(brk, exp, brk, "9610")
	if auth["status"] != "pending" {
		t.Fatalf("authorisation %v, want pending", auth)
	}
	card := s.expect(s.do("GET", "/v1/orgs/"+exp.id, brk.key, nil), 200)
	if card["card"] != true || card["name"] != "甲" {
		t.Errorf("the asker sees %v, want the exporter's card", card)
	}
	for _, hidden := range []string{"uscc", "customsCode", "contact", "autoConfirmAuthorizations"} {
		if _, ok := card[hidden]; ok {
			t.Errorf("the exporter's card shows %s: %v", hidden, card)
		}
	}
	listed := s.expect(s.do("GET", "/v1/orgs", brk.key, nil), 200)["items"].([]any)
	for _, o := range listed {
		o := o.(map[string]any)
		if o["id"] == exp.id && (o["card"] != true || o["uscc"] != nil) {
			t.Errorf("the asker lists the exporter as %v", o)
		}
	}
	// The exporter, asked, sees the broker that asked in full.
	if b := s.expect(s.do("GET", "/v1/orgs/"+brk.id, exp.key, nil), 200); b["uscc"] != usccC || b["card"] != nil {
		t.Errorf("the exporter sees the asking broker as %v", b)
	}
	// Once confirmed, both see each other in full.
	s.expect(s.do("POST", "/v1/authorizations/"+auth["id"].(string)+"/confirm", exp.key, nil), 200)
	if full := s.expect(s.do("GET", "/v1/orgs/"+exp.id, brk.key, nil), 200); full["uscc"] != usccA || full["card"] != nil {
		t.Errorf("after confirmation the broker sees %v", full)
	}
}

// An organisation holds at most 20 active keys, even when many are asked for at once; revoking
// one makes room; the list is paged.
func TestAPIKeysAreCappedAndPaged(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21") // holds one key already

	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			key := exp.key
			if i%2 == 0 {
				key = testOperatorKey
			}
			r := s.do("POST", "/v1/orgs/"+exp.id+"/api-keys", key, map[string]any{"name": fmt.Sprint("k", i)})
			mu.Lock()
			statuses[r.Status]++
			mu.Unlock()
			if r.Status == 409 && !bytes.Contains(r.Body, []byte("api_key_limit")) {
				t.Errorf("refused with %s", r.Body)
			}
		}(i)
	}
	wg.Wait()
	if statuses[201] != 19 || statuses[409] != 11 {
		t.Fatalf("issued/refused %v, want 19 issued and 11 refused", statuses)
	}
	var ids []string
	var firstRevocable string
	for cursor := ""; ; {
		page := s.expect(s.do("GET", "/v1/orgs/"+exp.id+"/api-keys?limit=7&cursor="+cursor, exp.key, nil), 200)
		items := page["items"].([]any)
		if len(items) > 7 {
			t.Fatalf("a page of %d keys, limit 7", len(items))
		}
		for _, it := range items {
			k := it.(map[string]any)
			if _, shown := k["key"]; shown {
				t.Fatalf("a listed key shows its secret: %v", k)
			}
			ids = append(ids, k["id"].(string))
			if firstRevocable == "" && k["name"] != "test" {
				firstRevocable = k["id"].(string)
			}
		}
		next, _ := page["nextCursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("key %s listed twice across pages", id)
		}
		seen[id] = true
	}
	if len(ids) != 20 {
		t.Fatalf("listed %d keys, want 20", len(ids))
	}
	s.expectProblem(s.do("POST", "/v1/orgs/"+exp.id+"/api-keys", testOperatorKey, nil), 409, "api_key_limit", "")
	// Revoking one (twice: the second gives nothing back) makes room for exactly one.
	s.expect(s.do("DELETE", "/v1/api-keys/"+firstRevocable, exp.key, nil), 200)
	s.expect(s.do("DELETE", "/v1/api-keys/"+firstRevocable, exp.key, nil), 200)
	s.expect(s.do("POST", "/v1/orgs/"+exp.id+"/api-keys", exp.key, nil), 201)
	s.expectProblem(s.do("POST", "/v1/orgs/"+exp.id+"/api-keys", exp.key, nil), 409, "api_key_limit", "")
	// Revoked keys stay listed.
	if n := len(s.expect(s.do("GET", "/v1/orgs/"+exp.id+"/api-keys?limit=500", exp.key, nil), 200)["items"].([]any)); n != 21 {
		t.Errorf("listed %d keys after a revocation and a new issue, want 21", n)
	}
}
