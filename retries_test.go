package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// post sends a POST with an Idempotency-Key (none when empty).
func (s *service) post(path, key, idempotencyKey string, body []byte) response {
	s.t.Helper()
	req, err := http.NewRequest("POST", s.url+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	return s.send(req)
}

// metric reads one figure of /metrics (0 when it is not there yet).
func (s *service) metric(t *testing.T, series string) float64 {
	t.Helper()
	res, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(raw)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// TestIdempotentConcurrentPosts: 20 concurrent identical POST /v1/parcels with one
// Idempotency-Key register one parcel and get the same answer, 19 of them replayed; the key with
// another body is 422; keys are per organisation; refusals are kept and replayed too.
func TestIdempotentConcurrentPosts(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	b := s.register("exporter", "乙", usccB, "4206360B22")
	body, _ := json.Marshal(parcelBody("IDEM000001"))

	const n = 20
	answers := make([]response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = s.post("/v1/parcels", a.key, "order-7781-parcel", body)
		}()
	}
	wg.Wait()
	replayed := 0
	for i, r := range answers {
		if r.Status != 201 || !bytes.Equal(r.Body, answers[0].Body) {
			t.Fatalf("answer %d: %d %s; answer 0: %d %s — want the same 201", i, r.Status, r.Body, answers[0].Status, answers[0].Body)
		}
		if r.Header.Get("Idempotent-Replayed") == "true" {
			replayed++
		}
	}
	if replayed != n-1 {
		t.Errorf("%d answers replayed, want %d (one ran)", replayed, n-1)
	}
	if items := arr(s.expect(s.do("GET", "/v1/parcels", a.key, nil), 200)["items"]); len(items) != 1 {
		t.Fatalf("%d parcels registered, want 1", len(items))
	}
	if got := s.metric(t, `silkgate_idempotency_requests_total{outcome="replayed"}`); got != n-1 {
		t.Errorf("replayed counter %v, want %d", got, n-1)
	}

	// The same key with another request.
	other, _ := json.Marshal(parcelBody("IDEM000002"))
	s.expectProblem(s.post("/v1/parcels", a.key, "order-7781-parcel", other), 422, "idempotency_key_reused", "Idempotency-Key")
	// The same key in another organisation is another key.
	r := s.post("/v1/parcels", b.key, "order-7781-parcel", other)
	s.expect(r, 201)
	if r.Header.Get("Idempotent-Replayed") != "" {
		t.Error("another organisation's request with the same key was replayed")
	}
	if items := arr(s.expect(s.do("GET", "/v1/parcels", b.key, nil), 200)["items"]); len(items) != 1 {
		t.Fatalf("%d parcels of B, want 1", len(items))
	}

	// A refusal (422) is kept and replayed as well; a malformed key is 400 naming the header.
	bad := parcelBody("IDEM000003")
	bad["items"].([]any)[0].(map[string]any)["gcode"] = "85183"
	badBody, _ := json.Marshal(bad)
	s.expectProblem(s.post("/v1/parcels", a.key, "bad-1", badBody), 422, "invalid_hs_code", "items[0].gcode")
	again := s.post("/v1/parcels", a.key, "bad-1", badBody)
	s.expectProblem(again, 422, "invalid_hs_code", "items[0].gcode")
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("the kept 422 was not replayed")
	}
	for _, k := range []string{strings.Repeat("k", 256), "ключ", "tab\there"} {
		s.expectProblem(s.post("/v1/parcels", a.key, k, body), 400, "invalid_idempotency_key", "Idempotency-Key")
	}
	fresh, _ := json.Marshal(parcelBody("IDEM000004"))
	s.expect(s.post("/v1/parcels", a.key, strings.Repeat("k", 255), fresh), 201) // the longest key
}

// TestRateLimits: tight limits on one service — a key's burst, then 429 naming the key's limit;
// a second key of the organisation spends the rest of the organisation's; failed
// authentications from one address are limited, and then even a valid key from it is refused.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{
		"SILKGATE_RATE_LIMIT_KEY": "0.01", "SILKGATE_RATE_LIMIT_KEY_BURST": "4",
		"SILKGATE_RATE_LIMIT_ORG": "0.01", "SILKGATE_RATE_LIMIT_ORG_BURST": "6",
		"SILKGATE_RATE_LIMIT_AUTH_FAILURES": "0.01", "SILKGATE_RATE_LIMIT_AUTH_FAILURES_BURST": "3",
	})
	a := s.register("exporter", "甲", usccA, "4206360A21") // two requests of the operator's key
	second := s.expect(s.do("POST", "/v1/orgs/"+a.id+"/api-keys", testOperatorKey, map[string]any{"name": "second"}), 201)["key"].(string)

	for i := range 4 {
		r := s.do("GET", "/v1/orgs/"+a.id, a.key, nil)
		s.expect(r, 200)
		if got := r.Header.Get("RateLimit-Remaining"); got != strconv.Itoa(3-i) || r.Header.Get("RateLimit-Limit") != "4" {
			t.Fatalf("request %d: RateLimit-Limit %q, -Remaining %q, want 4 and %d", i, r.Header.Get("RateLimit-Limit"), got, 3-i)
		}
		if p := r.Header.Get("RateLimit-Policy"); !strings.Contains(p, `4;w=400;name="key"`) || !strings.Contains(p, `6;w=600;name="org"`) {
			t.Fatalf("RateLimit-Policy %q", p)
		}
	}
	r := s.do("GET", "/v1/orgs/"+a.id, a.key, nil)
	s.expectProblem(r, 429, "rate_limited", "")
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 100 {
		t.Errorf("Retry-After %q, want 1 to 100 seconds (one request every 100 s)", r.Header.Get("Retry-After"))
	}
	if !strings.Contains(string(r.Body), `limit \"key\"`) || r.Header.Get("RateLimit-Remaining") != "0" {
		t.Errorf("refusal does not name the key's limit: %s %v", r.Body, r.Header)
	}

	// The organisation's other key: 2 left of its 6.
	s.expect(s.do("GET", "/v1/orgs/"+a.id, second, nil), 200)
	s.expect(s.do("GET", "/v1/orgs/"+a.id, second, nil), 200)
	r = s.do("GET", "/v1/orgs/"+a.id, second, nil)
	s.expectProblem(r, 429, "rate_limited", "")
	if !strings.Contains(string(r.Body), `limit \"org\"`) || r.Header.Get("RateLimit-Limit") != "6" {
		t.Errorf("refusal does not name the organisation's limit: %s %v", r.Body, r.Header)
	}

	// Failed authentications from this address: 3, then 429 — for a valid key too.
	for range 3 {
		s.expectProblem(s.do("GET", "/v1/orgs", "sg_key_nothing.secret", nil), 401, "unauthorized", "")
	}
	r = s.do("GET", "/v1/orgs", "sg_key_nothing.secret", nil)
	s.expectProblem(r, 429, "rate_limited", "")
	if r.Header.Get("WWW-Authenticate") != "" || r.Header.Get("Retry-After") == "" {
		t.Errorf("refused failure: WWW-Authenticate %q, Retry-After %q — want none, and one", r.Header.Get("WWW-Authenticate"), r.Header.Get("Retry-After"))
	}
	r = s.do("GET", "/v1/orgs", testOperatorKey, nil)
	s.expectProblem(r, 429, "rate_limited", "")
	if !strings.Contains(string(r.Body), `limit \"ip\"`) {
		t.Errorf("refusal does not name the address's limit: %s", r.Body)
	}
	for limit, want := range map[string]float64{"key": 1, "org": 1, "ip": 2} {
		if got := s.metric(t, `silkgate_rate_limited_total{limit="`+limit+`"}`); got != want {
			t.Errorf("rate_limited_total{limit=%q} = %v, want %v", limit, got, want)
		}
	}
}

// TestIdempotentReceiptsAndKeys: the customs gateway's receipts POST is replayed like any other;
// a new API key's or webhook's answer (Cache-Control: no-store) is never kept, so its secret is
// not stored: the retry is told the request succeeded and where its resource is, and makes
// nothing a second time.
func TestIdempotentReceiptsAndKeys(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	gw := s.expect(s.do("POST", "/v1/orgs/org_operator/api-keys", testOperatorKey, map[string]any{"name": "E-Port client", "scope": "customs-gateway"}), 201)["key"].(string)
	id, guid := s.submitted(exp.key, "XYI1")
	receipt := append(inventoryReceipt(t, guid, "120", time.Now()), '\n')
	first := s.post("/v1/singlewindow/receipts", gw, "receipt-batch-1", receipt)
	s.expect(first, 200)
	again := s.post("/v1/singlewindow/receipts", gw, "receipt-batch-1", receipt)
	s.expect(again, 200)
	if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.Body, first.Body) {
		t.Errorf("receipts sent again: replayed %q, body %s, want the first answer %s", again.Header.Get("Idempotent-Replayed"), again.Body, first.Body)
	}
	if d := s.expect(s.do("GET", "/v1/declarations/"+id, exp.key, nil), 200); d["status"] != "accepted" {
		t.Errorf("status %v after the gateway's receipt", d["status"])
	}

	body := []byte(`{"name":"second"}`)
	first = s.post("/v1/orgs/"+exp.id+"/api-keys", exp.key, "new-key-1", body)
	secret := s.expect(first, 201)["key"].(string)
	again = s.post("/v1/orgs/"+exp.id+"/api-keys", exp.key, "new-key-1", body)
	s.expectProblem(again, 409, "idempotent_answer_withheld", "Idempotency-Key")
	if again.Header.Get("Idempotent-Replayed") != "true" || again.Header.Get("Location") != first.Header.Get("Location") ||
		first.Header.Get("Location") == "" || bytes.Contains(again.Body, []byte(secret)) {
		t.Errorf("a new key's retry: replayed %q, Location %q (first %q), body %s", again.Header.Get("Idempotent-Replayed"),
			again.Header.Get("Location"), first.Header.Get("Location"), again.Body)
	}
	keys := s.expect(s.do("GET", "/v1/orgs/"+exp.id+"/api-keys", exp.key, nil), 200)["items"].([]any)
	if len(keys) != 2 {
		t.Errorf("%d keys after a retried issue, want 2 (the first and the one issued once)", len(keys))
	}
	// The same for a webhook's secret: one subscription, its secret nowhere but in the first answer.
	hook := []byte(`{"url":"https://erp.example.com/hook","eventTypes":["parcel.*"]}`)
	first = s.post("/v1/webhooks", exp.key, "new-hook-1", hook)
	secret = s.expect(first, 201)["secret"].(string)
	again = s.post("/v1/webhooks", exp.key, "new-hook-1", hook)
	s.expectProblem(again, 409, "idempotent_answer_withheld", "Idempotency-Key")
	if bytes.Contains(again.Body, []byte(secret)) || again.Header.Get("Location") != first.Header.Get("Location") {
		t.Errorf("a webhook's retry: Location %q (first %q), body %s", again.Header.Get("Location"), first.Header.Get("Location"), again.Body)
	}
	if hooks := s.expect(s.do("GET", "/v1/webhooks", exp.key, nil), 200)["items"].([]any); len(hooks) != 1 {
		t.Errorf("%d subscriptions after a retried create, want 1", len(hooks))
	}
}

// Behind a trusted proxy the failed-authentication limit counts each forwarded client apart: one
// client guessing keys is refused, another behind the same proxy is not.
func TestFailedAuthLimitBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"SILKGATE_TRUSTED_PROXIES": "127.0.0.1",
		"SILKGATE_RATE_LIMIT_AUTH_FAILURES": "0.01", "SILKGATE_RATE_LIMIT_AUTH_FAILURES_BURST": "2"})
	from := func(client, key string) response {
		r, _ := http.NewRequest("GET", s.url+"/v1/orgs", nil)
		r.Header.Set("Authorization", "Bearer "+key)
		r.Header.Set("X-Forwarded-For", client)
		return s.send(r)
	}
	for range 2 {
		s.expectProblem(from("203.0.113.1", "sg_key_nothing.secret"), 401, "unauthorized", "")
	}
	s.expectProblem(from("203.0.113.1", testOperatorKey), 429, "rate_limited", "")
	s.expect(from("203.0.113.2", testOperatorKey), 200)
}
