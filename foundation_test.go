package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	usccA = "91420600MA4F2K7Q1L"
	usccB = "91420606MA4B3C5D72"
	usccC = "91420600MA4K9X2R38"
	usccD = "91420600MA49DEM01W"
	usccE = "91420600MA4DEM0B2Q"
)

func orgBody(kind, name, uscc, customsCode string) map[string]any {
	return map[string]any{"kind": kind, "name": name, "uscc": uscc, "customsCode": customsCode,
		"contact": map[string]any{"name": "联系人", "email": "ops@example.com"}}
}

// firm is an organisation registered by the operator, with a key of its own.
type firm struct{ id, key string }

func (s *service) register(kind, name, uscc, customsCode string) firm {
	s.t.Helper()
	org := s.expect(s.do("POST", "/v1/orgs", testOperatorKey, orgBody(kind, name, uscc, customsCode)), 201)
	id := org["id"].(string)
	k := s.expect(s.do("POST", "/v1/orgs/"+id+"/api-keys", testOperatorKey, map[string]any{"name": "test"}), 201)
	return firm{id: id, key: k["key"].(string)}
}

func (s *service) authorize(by firm, exporter, broker firm, modes ...string) map[string]any {
	s.t.Helper()
	return s.expect(s.do("POST", "/v1/authorizations", by.key, map[string]any{
		"exporterId": exporter.id, "brokerId": broker.id, "tradeModes": modes,
		"validFrom": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339),
		"validTo":   time.Now().UTC().AddDate(1, 0, 0).Format(time.RFC3339),
	}), 201)
}

func TestOperationalEndpoints(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	if r := s.do("GET", "/healthz", "", nil); r.Status != 200 || r.JSON(t)["status"] != "ok" {
		t.Fatalf("healthz: %d %s", r.Status, r.Body)
	}
	ready := s.expect(s.do("GET", "/readyz", "", nil), 200)
	if checks := ready["checks"].(map[string]any); checks["mongo"] != "ok" || checks["redis"] != "ok" {
		t.Errorf("readyz checks %v", checks)
	}
	r := s.do("GET", "/openapi.yaml", "", nil)
	if r.Status != 200 || !strings.HasPrefix(string(r.Body), "openapi:") {
		t.Errorf("openapi.yaml: %d %.60s", r.Status, r.Body)
	}
	s.do("GET", "/v1/orgs", testOperatorKey, nil)
	metrics := string(s.do("GET", "/metrics", "", nil).Body)
	for _, want := range []string{
		`silkgate_http_requests_total{method="GET",route="/v1/orgs",status="200"} 1`,
		`silkgate_http_request_duration_seconds_bucket{method="GET",route="/v1/orgs",status="200"`,
		// authentication reads the key by _id
		`silkgate_store_commands_total{collection="api_keys",command="find",filter="id"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if id := s.do("GET", "/healthz", "", nil).Header.Get("X-Request-Id"); id == "" {
		t.Error("no X-Request-Id")
	}
	req, _ := http.NewRequest("GET", s.url+"/healthz", nil)
	req.Header.Set("X-Request-Id", "trace-123")
	if got := s.send(req).Header.Get("X-Request-Id"); got != "trace-123" {
		t.Errorf("a caller's request id should be kept, got %q", got)
	}
	s.expectProblem(s.do("GET", "/v1/nothing-here", testOperatorKey, nil), 404, "route_not_found", "")
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	s.expectProblem(s.do("GET", "/v1/orgs", "", nil), 401, "unauthorized", "")
	s.expectProblem(s.do("GET", "/v1/orgs", "not-a-key", nil), 401, "unauthorized", "")
	s.expectProblem(s.do("GET", "/v1/orgs", "sg_key_nothing.secret", nil), 401, "unauthorized", "")
	req, _ := http.NewRequest("GET", s.url+"/v1/orgs", nil)
	req.Header.Set("Authorization", "Basic "+testOperatorKey)
	if res := s.send(req); res.Status != 401 || res.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("basic auth: %d %q", res.Status, res.Header.Get("WWW-Authenticate"))
	}

	a := s.register("exporter", "甲公司", usccA, "4206360A21")
	s.expect(s.do("GET", "/v1/orgs/"+a.id, a.key, nil), 200)
	// A right id with a wrong secret is refused.
	forged := a.key[:strings.Index(a.key, ".")+1] + "AAAA"
	s.expectProblem(s.do("GET", "/v1/orgs/"+a.id, forged, nil), 401, "unauthorized", "")
}

func TestRegisterOrg(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	body := orgBody("exporter", "襄阳丝路跨境电商有限公司", usccA, "4206360A21")
	body["nameEn"] = "Silk Road & Co."
	org := s.expect(s.do("POST", "/v1/orgs", testOperatorKey, body), 201)
	if org["uscc"] != usccA || org["nameEn"] != "Silk Road & Co." || org["kind"] != "exporter" || org["id"] == "" {
		t.Errorf("created org %v", org)
	}
	got := s.expect(s.do("GET", "/v1/orgs/"+org["id"].(string), testOperatorKey, nil), 200)
	if got["name"] != "襄阳丝路跨境电商有限公司" {
		t.Errorf("Chinese name did not round-trip: %v", got["name"])
	}

	// The same USCC again, even with other details, is a conflict.
	s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, orgBody("broker", "别名", usccA, "4206380015")), 409, "org_exists", "uscc")

	bad := []struct {
		name         string
		body         map[string]any
		code, field  string
		status       int
		problemCodes int
	}{
		{"check character", orgBody("exporter", "x", "914403001922038217", "4206360A21"), "invalid_uscc", "uscc", 422, 1},
		{"forbidden letter", orgBody("exporter", "x", "9144030019220382O6", "4206360A21"), "invalid_uscc", "uscc", 422, 1},
		{"short uscc", orgBody("exporter", "x", "91440300192203821", "4206360A21"), "invalid_uscc", "uscc", 422, 1},
		{"customs code letter early", orgBody("exporter", "x", usccB, "42069A0001"), "invalid_customs_code", "customsCode", 422, 1},
		{"customs code length", orgBody("exporter", "x", usccB, "420693"), "invalid_customs_code", "customsCode", 422, 1},
		{"operator kind", orgBody("operator", "x", usccB, "4206360A21"), "invalid_kind", "kind", 422, 1},
		{"missing name", orgBody("exporter", "", usccB, "4206360A21"), "required", "name", 422, 1},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, c.body), c.status, c.code, c.field)
		})
	}
	s.t = t

	// Strict JSON: unknown fields and wrong types are 400 naming the field.
	withExtra := orgBody("exporter", "x", usccB, "4206360A21")
	withExtra["taxNo"] = "1"
	s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, withExtra), 400, "unknown_field", "taxNo")
	s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, `{"kind":"exporter","name":12}`), 400, "invalid_type", "name")
	s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, `{"kind":"exporter","contact":{"name":true}}`), 400, "invalid_type", "contact.name")
	s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, `{"kind":`), 400, "malformed_json", "")
	s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, `{} {}`), 400, "malformed_json", "")
	s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, ""), 400, "body_required", "")
	req, _ := http.NewRequest("POST", s.url+"/v1/orgs", strings.NewReader("kind=exporter"))
	req.Header.Set("Authorization", "Bearer "+testOperatorKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s.expectProblem(s.send(req), 415, "unsupported_media_type", "") // as openapi.yaml names it

	// Nothing half-written: only the one good registration (and the operator) exist.
	list := s.expect(s.do("GET", "/v1/orgs", testOperatorKey, nil), 200)
	if n := len(list["items"].([]any)); n != 2 {
		t.Errorf("%d organisations after one good registration, want 2 (with the operator)", n)
	}

	// Only the operator registers firms.
	a := s.register("broker", "报关行", usccC, "4206380015")
	s.expectProblem(s.do("POST", "/v1/orgs", a.key, orgBody("exporter", "x", usccD, "4206360A21")), 403, "operator_only", "")
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	// A small configured limit keeps the oversize body within the socket buffers: the server
	// answers 413 without reading it, and a body of megabytes could meet a reset connection
	// before the client reads that answer.
	s := startService(t, map[string]string{"SILKGATE_BODY_LIMIT": "4096"})
	huge := `{"kind":"exporter","name":"` + strings.Repeat("x", 8000) + `"}`
	s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, huge), 413, "request_entity_too_large", "")
	fits := orgBody("exporter", strings.Repeat("名", 100), usccA, "4206360A21")
	s.expect(s.do("POST", "/v1/orgs", testOperatorKey, fits), 201)
}

func TestConcurrentRegistrationOfOneUSCC(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses <- s.do("POST", "/v1/orgs", testOperatorKey, orgBody("exporter", fmt.Sprint("公司", i), usccE, "4206360A21")).Status
		}(i)
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[201] != 1 || count[409] != n-1 {
		t.Fatalf("want one 201 and %d 409, got %v", n-1, count)
	}
	list := s.expect(s.do("GET", "/v1/orgs?kind=exporter", testOperatorKey, nil), 200)
	if len(list["items"].([]any)) != 1 {
		t.Errorf("stored %d exporters", len(list["items"].([]any)))
	}
}

func TestOrgTenancy(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	b := s.register("exporter", "乙", usccB, "4206340017")
	brk := s.register("broker", "丙报关", usccC, "4206380015")

	// Before any authorisation each firm sees only itself.
	s.expect(s.do("GET", "/v1/orgs/"+a.id, a.key, nil), 200)
	s.expectProblem(s.do("GET", "/v1/orgs/"+b.id, a.key, nil), 404, "org_not_found", "")
	s.expectProblem(s.do("GET", "/v1/orgs/"+a.id, brk.key, nil), 404, "org_not_found", "")
	s.expectProblem(s.do("PATCH", "/v1/orgs/"+b.id, a.key, map[string]any{"nameEn": "B"}), 404, "org_not_found", "")
	s.expectProblem(s.do("POST", "/v1/orgs/"+b.id+"/api-keys", a.key, nil), 404, "org_not_found", "")
	s.expectProblem(s.do("GET", "/v1/orgs/"+b.id+"/api-keys", a.key, nil), 404, "org_not_found", "")
	if items := s.expect(s.do("GET", "/v1/orgs", a.key, nil), 200)["items"].([]any); len(items) != 1 {
		t.Errorf("exporter A lists %d organisations, want itself only", len(items))
	}

	// An authorisation makes the two parties visible to each other, and no one else.
	s.authorize(a, a, brk, "9610")
	s.expect(s.do("GET", "/v1/orgs/"+a.id, brk.key, nil), 200)
	s.expect(s.do("GET", "/v1/orgs/"+brk.id, a.key, nil), 200)
	s.expectProblem(s.do("GET", "/v1/orgs/"+b.id, brk.key, nil), 404, "org_not_found", "")
	ids := map[string]bool{}
	for _, it := range s.expect(s.do("GET", "/v1/orgs", brk.key, nil), 200)["items"].([]any) {
		ids[it.(map[string]any)["id"].(string)] = true
	}
	if len(ids) != 2 || !ids[a.id] || !ids[brk.id] {
		t.Errorf("broker lists %v, want itself and exporter A", ids)
	}
	// Visible is not changeable: 403.
	s.expectProblem(s.do("PATCH", "/v1/orgs/"+a.id, brk.key, map[string]any{"nameEn": "x"}), 403, "not_your_org", "")
	s.expectProblem(s.do("POST", "/v1/orgs/"+a.id+"/api-keys", brk.key, nil), 403, "not_your_org", "")
	s.expectProblem(s.do("GET", "/v1/orgs/"+a.id+"/api-keys", brk.key, nil), 403, "not_your_org", "")

	// A firm edits its own contact and settings, not its registered identity.
	on := s.expect(s.do("PATCH", "/v1/orgs/"+a.id, a.key, map[string]any{"autoConfirmAuthorizations": true,
		"contact": map[string]any{"name": "新联系人", "phone": "+86 710 000"}}), 200)
	if on["autoConfirmAuthorizations"] != true || on["contact"].(map[string]any)["name"] != "新联系人" {
		t.Errorf("patch: %v", on)
	}
	s.expectProblem(s.do("PATCH", "/v1/orgs/"+a.id, a.key, map[string]any{"name": "改名"}), 403, "operator_only", "")
	s.expectProblem(s.do("PATCH", "/v1/orgs/"+brk.id, brk.key, map[string]any{"autoConfirmAuthorizations": true}), 422, "not_applicable", "autoConfirmAuthorizations")
	s.expectProblem(s.do("PATCH", "/v1/orgs/"+a.id, testOperatorKey, map[string]any{"customsCode": "bad"}), 422, "invalid_customs_code", "customsCode")
	s.expectProblem(s.do("PATCH", "/v1/orgs/"+a.id, testOperatorKey, map[string]any{"uscc": usccD}), 400, "unknown_field", "uscc")
	renamed := s.expect(s.do("PATCH", "/v1/orgs/"+a.id, testOperatorKey, map[string]any{"name": "甲（更名）"}), 200)
	if renamed["name"] != "甲（更名）" || renamed["uscc"] != usccA {
		t.Errorf("operator rename: %v", renamed)
	}
	s.expectProblem(s.do("GET", "/v1/orgs/org_missing", testOperatorKey, nil), 404, "org_not_found", "")
}

func TestListOrgsPagination(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	uscc := []string{usccA, usccB, usccC, usccD, usccE}
	for i, u := range uscc {
		s.register("exporter", fmt.Sprint("公司", i), u, "4206360A21")
	}
	seen := map[string]bool{}
	cursor, pages := "", 0
	for {
		path := "/v1/orgs?kind=exporter&limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		page := s.expect(s.do("GET", path, testOperatorKey, nil), 200)
		pages++
		for _, it := range page["items"].([]any) {
			id := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("%s on two pages", id)
			}
			seen[id] = true
		}
		next, _ := page["nextCursor"].(string)
		if next == "" {
			break
		}
		// A registration between pages must not shift what comes next.
		if pages == 1 {
			s.expect(s.do("POST", "/v1/orgs", testOperatorKey, orgBody("broker", "新", "914403001922038216", "4206380015")), 201)
		}
		cursor = next
	}
	if len(seen) != 5 || pages != 3 {
		t.Errorf("saw %d exporters in %d pages, want 5 in 3", len(seen), pages)
	}
	s.expectProblem(s.do("GET", "/v1/orgs?limit=501", testOperatorKey, nil), 422, "invalid_limit", "limit")
	s.expectProblem(s.do("GET", "/v1/orgs?cursor=%25%25", testOperatorKey, nil), 422, "invalid_cursor", "cursor")
	s.expectProblem(s.do("GET", "/v1/orgs?kind=bank", testOperatorKey, nil), 422, "invalid_kind", "kind")
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	b := s.register("exporter", "乙", usccB, "4206340017")

	own := s.expect(s.do("POST", "/v1/orgs/"+a.id+"/api-keys", a.key, map[string]any{"name": "shop system"}), 201)
	second := own["key"].(string)
	s.expect(s.do("GET", "/v1/orgs/"+a.id, second, nil), 200)

	keys := s.expect(s.do("GET", "/v1/orgs/"+a.id+"/api-keys", a.key, nil), 200)["items"].([]any)
	if len(keys) != 2 {
		t.Fatalf("%d keys listed, want 2", len(keys))
	}
	for _, k := range keys {
		if _, shown := k.(map[string]any)["key"]; shown {
			t.Fatal("a listed key shows its secret")
		}
	}

	s.expectProblem(s.do("DELETE", "/v1/api-keys/"+own["id"].(string), b.key, nil), 404, "api_key_not_found", "")
	revoked := s.expect(s.do("DELETE", "/v1/api-keys/"+own["id"].(string), a.key, nil), 200)
	if revoked["revokedAt"] == nil {
		t.Errorf("revoke: %v", revoked)
	}
	s.expectProblem(s.do("GET", "/v1/orgs/"+a.id, second, nil), 401, "unauthorized", "")
	s.expect(s.do("GET", "/v1/orgs/"+a.id, a.key, nil), 200) // the other key still works
	s.expectProblem(s.do("DELETE", "/v1/api-keys/key_missing", testOperatorKey, nil), 404, "api_key_not_found", "")
	// The operator may revoke any key.
	s.expect(s.do("DELETE", "/v1/api-keys/"+keyIDOf(b.key), testOperatorKey, nil), 200)
	s.expectProblem(s.do("GET", "/v1/orgs/"+b.id, b.key, nil), 401, "unauthorized", "")
	s.expectProblem(s.do("POST", "/v1/orgs/"+a.id+"/api-keys", a.key, map[string]any{"name": strings.Repeat("k", 101)}), 422, "too_long", "name")
}

func keyIDOf(key string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(key, "sg_"), ".")
	return id
}

func TestAuthorizations(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	other := s.register("exporter", "乙", usccB, "4206340017")
	brk := s.register("broker", "丙报关", usccC, "4206380015")

	// Started by the exporter: active at once.
	active := s.authorize(exp, exp, brk, "9610", "1210")
	if active["status"] != "active" || active["initiatedBy"] != exp.id {
		t.Fatalf("exporter-started: %v", active)
	}
	// Started by the broker: pending until the exporter confirms.
	pending := s.authorize(brk, other, brk, "0110")
	id := pending["id"].(string)
	if pending["status"] != "pending" {
		t.Fatalf("broker-started: %v", pending)
	}
	s.expectProblem(s.do("POST", "/v1/authorizations/"+id+"/confirm", brk.key, nil), 403, "counterparty_only", "")
	s.expectProblem(s.do("POST", "/v1/authorizations/"+id+"/confirm", exp.key, nil), 404, "authorization_not_found", "")
	s.expectProblem(s.do("POST", "/v1/authorizations/"+id+"/confirm", testOperatorKey, nil), 403, "party_only", "")
	confirmed := s.expect(s.do("POST", "/v1/authorizations/"+id+"/confirm", other.key, nil), 200)
	if confirmed["status"] != "active" || confirmed["confirmedAt"] == nil {
		t.Fatalf("confirm: %v", confirmed)
	}
	revoked := s.expect(s.do("POST", "/v1/authorizations/"+id+"/revoke", brk.key, nil), 200)
	if revoked["status"] != "revoked" || revoked["revokedBy"] != brk.id {
		t.Fatalf("revoke: %v", revoked)
	}
	s.expectProblem(s.do("POST", "/v1/authorizations/"+id+"/confirm", other.key, nil), 409, "authorization_revoked", "")

	// Auto-confirmation.
	s.expect(s.do("PATCH", "/v1/orgs/"+other.id, other.key, map[string]any{"autoConfirmAuthorizations": true}), 200)
	if auto := s.authorize(brk, other, brk, "9710"); auto["status"] != "active" {
		t.Errorf("auto-confirming exporter: %v", auto)
	}

	// Who may start one, and with what.
	s.expectProblem(s.do("POST", "/v1/authorizations", testOperatorKey, map[string]any{"exporterId": exp.id, "brokerId": brk.id}), 403, "party_only", "")
	s.expectProblem(s.do("POST", "/v1/authorizations", other.key, map[string]any{"exporterId": exp.id, "brokerId": brk.id}), 403, "party_only", "")
	valid := func(mod func(map[string]any)) map[string]any {
		b := map[string]any{"exporterId": exp.id, "brokerId": brk.id, "tradeModes": []string{"9610"},
			"validFrom": "2026-01-01T00:00:00Z", "validTo": time.Now().UTC().AddDate(1, 0, 0).Format(time.RFC3339)}
		mod(b)
		return b
	}
	s.expectProblem(s.do("POST", "/v1/authorizations", exp.key, valid(func(b map[string]any) { b["tradeModes"] = []string{"9610", "1234"} })), 422, "invalid_trade_mode", "tradeModes[1]")
	s.expectProblem(s.do("POST", "/v1/authorizations", exp.key, valid(func(b map[string]any) { b["tradeModes"] = []string{} })), 422, "required", "tradeModes")
	s.expectProblem(s.do("POST", "/v1/authorizations", exp.key, valid(func(b map[string]any) { b["validTo"] = "2025-01-01T00:00:00Z" })), 422, "before_valid_from", "validTo")
	s.expectProblem(s.do("POST", "/v1/authorizations", exp.key, valid(func(b map[string]any) { b["validTo"] = "next year" })), 422, "invalid_time", "validTo")
	s.expectProblem(s.do("POST", "/v1/authorizations", exp.key, valid(func(b map[string]any) { b["brokerId"] = "org_nobody" })), 422, "unknown_org", "brokerId")
	s.expectProblem(s.do("POST", "/v1/authorizations", exp.key, valid(func(b map[string]any) { b["brokerId"] = other.id })), 422, "not_a_broker", "brokerId")

	// Lists: each party sees its own; filters; the operator sees all.
	count := func(key, query string) int {
		return len(s.expect(s.do("GET", "/v1/authorizations"+query, key, nil), 200)["items"].([]any))
	}
	if n := count(testOperatorKey, ""); n != 3 {
		t.Errorf("operator sees %d authorisations, want 3", n)
	}
	if n := count(exp.key, ""); n != 1 {
		t.Errorf("exporter sees %d, want 1", n)
	}
	if n := count(brk.key, "?status=revoked"); n != 1 {
		t.Errorf("broker sees %d revoked, want 1", n)
	}
	if n := count(brk.key, "?exporterId="+other.id); n != 2 {
		t.Errorf("broker sees %d with exporter B, want 2", n)
	}
	if n := count(exp.key, "?exporterId="+other.id); n != 0 {
		t.Errorf("exporter A sees B's authorisations: %d", n)
	}
	s.expectProblem(s.do("GET", "/v1/authorizations?status=maybe", exp.key, nil), 422, "invalid_status", "status")
	s.expectProblem(s.do("GET", "/v1/authorizations/"+active["id"].(string), other.key, nil), 404, "authorization_not_found", "")
	s.expect(s.do("GET", "/v1/authorizations/"+active["id"].(string), testOperatorKey, nil), 200)
}

func TestCanFile(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	ctx := context.Background()
	now := time.Now()
	can := func(filer, mode string, at time.Time) bool {
		ok, err := s.main.Parties.CanFile(ctx, filer, exp.id, mode, at)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !can(exp.id, "0110", now) {
		t.Error("an exporter always files for itself")
	}
	if can(brk.id, "9610", now) {
		t.Error("a broker without authorisation may not file")
	}
	pending := s.authorize(brk, exp, brk, "9610")
	if can(brk.id, "9610", now) {
		t.Error("a pending authorisation does not let a broker file")
	}
	s.expect(s.do("POST", "/v1/authorizations/"+pending["id"].(string)+"/confirm", exp.key, nil), 200)
	if !can(brk.id, "9610", now) {
		t.Error("an active authorisation covering 9610 lets the broker file")
	}
	if can(brk.id, "1210", now) {
		t.Error("outside the scope")
	}
	if can(brk.id, "9610", now.AddDate(2, 0, 0)) || can(brk.id, "9610", now.AddDate(0, 0, -1)) {
		t.Error("outside the validity window")
	}
	s.expect(s.do("POST", "/v1/authorizations/"+pending["id"].(string)+"/revoke", exp.key, nil), 200)
	if can(brk.id, "9610", now) {
		t.Error("revoked")
	}
}

func TestConcurrentConfirmAndRevoke(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	id := s.authorize(brk, exp, brk, "9610")["id"].(string)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%2 == 0 {
				s.do("POST", "/v1/authorizations/"+id+"/confirm", exp.key, nil)
			} else {
				s.do("POST", "/v1/authorizations/"+id+"/revoke", brk.key, nil)
			}
		}(i)
	}
	wg.Wait()
	got := s.expect(s.do("GET", "/v1/authorizations/"+id, exp.key, nil), 200)
	if got["status"] != "revoked" {
		t.Fatalf("after confirms and revokes the authorisation is %v, want revoked (revocation is final)", got["status"])
	}
	// Each change was stored once: one activation and one revocation event reach the stream.
	events := streamEvents(t, s, id)
	if events["authorization.activated"] > 1 || events["authorization.revoked"] != 1 {
		t.Errorf("events for %s: %v", id, events)
	}
}

// streamEvents waits until the relay has emptied the outbox of authorisation id and returns how
// many events of each type reached the Redis stream for it.
func streamEvents(t testing.TB, s *service, id string) map[string]int {
	t.Helper()
	ctx := context.Background()
	var counts map[string]int
	eventually(t, "the outbox of "+id+" is published", func() bool {
		var doc struct {
			Outbox []any `bson:"outbox"`
		}
		if err := s.main.store.Database().Collection("authorizations").FindOne(ctx, map[string]any{"_id": id}).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		return len(doc.Outbox) == 0
	})
	msgs, err := s.main.rdb.XRange(ctx, s.environ["SILKGATE_QUEUE"]+":events", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	counts = map[string]int{}
	seen := map[string]bool{}
	for _, m := range msgs {
		evID := m.Values["id"].(string)
		if strings.HasPrefix(evID, "authorization:"+id+":") && !seen[evID] {
			seen[evID] = true
			counts[m.Values["type"].(string)]++
		}
	}
	return counts
}

func TestOutboxIsRelayedToTheEventStream(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	id := s.authorize(brk, exp, brk, "9610")["id"].(string)
	s.expect(s.do("POST", "/v1/authorizations/"+id+"/confirm", exp.key, nil), 200)
	events := streamEvents(t, s, id)
	if events["authorization.requested"] != 1 || events["authorization.activated"] != 1 {
		t.Errorf("stream events %v", events)
	}
}

func TestDataSurvivesRestart(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	s.restart()
	got := s.expect(s.do("GET", "/v1/orgs/"+a.id, a.key, nil), 200)
	if got["uscc"] != usccA {
		t.Errorf("after restart: %v", got)
	}
	s.expectProblem(s.do("POST", "/v1/orgs", testOperatorKey, orgBody("exporter", "again", usccA, "4206360A21")), 409, "org_exists", "uscc")
}

// TestOwnEmbeddedStore runs the service as it runs with nothing configured: on an embedded
// server of its own, with its files in the data folder, which keeps the data across a restart.
// (The other tests share one server, mongotest's, a database each.)
func TestOwnEmbeddedStore(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"MONGO_URI": "", "SILKGATE_MONGO_SINGLE_CONNECTION": "false"})
	dir := filepath.Join(s.environ["SILKGATE_DATA_DIR"], "mongo")
	line := "Embedded Mongo: mongodb://"
	if b := s.banner.String(); !strings.Contains(b, line) || !strings.Contains(b, "/"+s.environ["MONGO_DB"]) || !strings.Contains(b, "(data in "+dir+")") {
		t.Errorf("the banner does not name the embedded server, its database and %s:\n%s", dir, b)
	}
	a := s.register("exporter", "甲", usccA, "4206360A21")
	if _, err := os.Stat(filepath.Join(dir, s.environ["MONGO_DB"]+".sqlite")); err != nil {
		t.Errorf("the database is not stored in the data folder: %v", err)
	}
	s.restart()
	if !strings.Contains(s.banner.String(), line) {
		t.Errorf("after the restart the banner names no embedded server:\n%s", s.banner.String())
	}
	if got := s.expect(s.do("GET", "/v1/orgs/"+a.id, a.key, nil), 200); got["uscc"] != usccA {
		t.Errorf("after restart: %v", got)
	}
}

func TestOperatorKeyIsGeneratedOnceWhenNotConfigured(t *testing.T) {
	t.Parallel()
	env := testEnviron(t, nil)
	delete(env, "SILKGATE_OPERATOR_KEY")
	s := startWith(t, env)
	key := s.main.GeneratedOperatorKey
	if key == "" || !strings.Contains(s.banner.String(), key) {
		t.Fatalf("no operator key generated and printed: %q", s.banner.String())
	}
	s.expect(s.do("GET", "/v1/orgs", key, nil), 200)
	s.restart()
	if s.main.GeneratedOperatorKey != "" || strings.Contains(s.banner.String(), key) {
		t.Error("the operator key must be printed only once")
	}
	s.expect(s.do("GET", "/v1/orgs", key, nil), 200)
}

func TestDemoData(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"SILKGATE_DEMO": "true"})
	if len(s.main.DemoKeys) != 6 {
		t.Fatalf("demo keys %v", s.main.DemoKeys)
	}
	for _, d := range s.main.DemoKeys {
		if !strings.Contains(s.banner.String(), d.Key) {
			t.Errorf("demo key of %s not printed", d.OrgID)
		}
		s.expect(s.do("GET", "/v1/orgs/"+d.OrgID, d.Key, nil), 200)
	}
	auths := s.expect(s.do("GET", "/v1/authorizations?status=active", testOperatorKey, nil), 200)["items"].([]any)
	if len(auths) != 1 {
		t.Errorf("demo authorisations %v", auths)
	}
	// Last month's closed lists are there, so that the demo broker files a summary at once.
	lastMonth := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -time.Now().In(time.FixedZone("CST", 8*3600)).Day()).Format("2006-01")
	sums := s.expect(s.do("POST", "/v1/declarations", "demo-broker-hitech-key", map[string]any{
		"kind": "summary", "exporterId": "org_demo_exporter", "month": lastMonth}), 201)["items"].([]any)
	if len(sums) != 1 || len(sums[0].(map[string]any)["summary"].(map[string]any)["lists"].([]any)) != 6 {
		t.Errorf("summary of the demo history: %v", sums)
	}
	s.restart() // seeding again changes nothing
	if n := len(s.expect(s.do("GET", "/v1/orgs", testOperatorKey, nil), 200)["items"].([]any)); n != 7 {
		t.Errorf("%d organisations after a second start, want 7", n)
	}
	if n := len(s.expect(s.do("GET", "/v1/parcels?exporterId=org_demo_exporter", testOperatorKey, nil), 200)["items"].([]any)); n != 6 {
		t.Errorf("%d demo parcels after a second start, want 6", n)
	}
}
