package main

import (
	"strings"
	"testing"
)

// quietCustoms is a simulated authority that answers quickly and plainly: no review, no
// inspection, no duplicates, no reordering — for tests that follow one path.
var quietCustoms = map[string]string{
	"SILKGATE_SIM_STEP": "10ms", "SILKGATE_SIM_REVIEW_SHARE": "0", "SILKGATE_SIM_INSPECTION_SHARE": "0",
	"SILKGATE_SIM_DUPLICATE_RATE": "0", "SILKGATE_SIM_REORDER_RATE": "0",
}

func (s *service) declare(key string, parcelIDs ...string) []string {
	s.t.Helper()
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
	if released["invtNo"] == "" || released["preNo"] == "" || len(released["receipts"].([]any)) != 3 {
		t.Errorf("released declaration %v", released)
	}
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
