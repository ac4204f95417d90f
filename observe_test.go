package main

import (
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// metricValue reads one series of the /metrics text ("name{labels}" exactly as exported, labels
// sorted by name); false when it is not there.
func metricValue(metrics, series string) (float64, bool) {
	for line := range strings.SplitSeq(metrics, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v, err == nil
		}
	}
	return 0, false
}

func (s *service) metrics() string { return string(s.do("GET", "/metrics", "", nil).Body) }

// A parcel registered, declared and released through the simulated customs, and a booking,
// show on /metrics with the right counts; so does the queue.
func TestBusinessAndQueueMetrics(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XYM1")), 201)["id"].(string)
	id := s.declare(exp.key, pid)[0]
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil), 202)
	s.waitForStatus(exp.key, id, "released")
	eventually(t, "the parcel follows its list", func() bool {
		return s.expect(s.do("GET", "/v1/parcels/"+pid, exp.key, nil), 200)["status"] == "released"
	})
	dep := s.planDeparture(10, 110)
	s.expect(s.book(exp.key, dep, "40HQ", 1, false, nil), 201)

	queue := s.environ["SILKGATE_QUEUE"]
	want := map[string]float64{
		`silkgate_parcel_transitions_total{status="registered"}`:                                     1,
		`silkgate_parcel_transitions_total{status="declared"}`:                                       1,
		`silkgate_parcel_transitions_total{status="released"}`:                                       1,
		`silkgate_customs_lists_total{outcome="submitted"}`:                                          1,
		`silkgate_customs_lists_total{outcome="released"}`:                                           1,
		`silkgate_declarations_total{kind="inventory",status="released"}`:                            1,
		`silkgate_customs_clearance_seconds_count{trade_mode="9610"}`:                                1,
		`silkgate_booking_events_total{event="confirmed"}`:                                           1,
		`silkgate_queue_up{queue="` + queue + `"}`:                                                   1,
		`silkgate_queue_task_count{queue="` + queue + `",state="archived"}`:                          0,
		`silkgate_audit_entries_total{result="dropped"}`:                                             0,
		`silkgate_store_audit_commands_total{collection="audit_log",command="insert",filter="none"}`: -1, // present
	}
	var metrics string
	eventually(t, "the figures reach /metrics", func() bool {
		metrics = s.metrics()
		for series, v := range want {
			got, ok := metricValue(metrics, series)
			if !ok || (v >= 0 && got != v) {
				return false
			}
		}
		return true
	})
	for _, series := range []string{`silkgate_parcel_transitions_total{status="rejected"}`, `silkgate_customs_lists_total{outcome="rejected"}`} {
		if v, ok := metricValue(metrics, series); ok && v != 0 {
			t.Errorf("%s = %v, want none", series, v)
		}
	}
	// The clearance observed is the one the statistics compute from the stored times.
	st := s.expect(s.do("GET", "/v1/stats/clearance", testOperatorKey, nil), 200)
	if sum, _ := metricValue(metrics, `silkgate_customs_clearance_seconds_sum{trade_mode="9610"}`); sum <= 0 || math.Abs(sum-st["p50Seconds"].(float64)) > 0.001 {
		t.Errorf("clearance seconds sum %v, the statistics' one list %v", sum, st["p50Seconds"])
	}
	for _, series := range []string{
		`silkgate_queue_size{queue="` + queue + `"}`,
		`silkgate_queue_latency_seconds{queue="` + queue + `"}`,
		`silkgate_queue_task_count{queue="` + queue + `",state="retry"}`,
		`silkgate_queue_task_count{queue="` + queue + `",state="pending"}`,
	} {
		if _, ok := metricValue(metrics, series); !ok {
			t.Errorf("metrics lack %s", series)
		}
	}
	if v, ok := metricValue(metrics, `silkgate_queue_processed_total{queue="`+queue+`"}`); !ok || v < 1 {
		t.Errorf("queue processed total %v (%v), want the tasks that ran", v, ok)
	}
	// The release is counted once, however often its events are published.
	if v, _ := metricValue(metrics, `silkgate_customs_lists_total{outcome="released"}`); v != 1 {
		t.Errorf("lists released %v, want 1", v)
	}
}

func auditEntries(t testing.TB, s *service, key, query string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range arr(s.expect(s.do("GET", "/v1/audit-log"+query, key, nil), 200)["items"]) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// A change by an exporter's key is recorded with the key's id, the route, the status and the
// address; a refused attempt too; each organisation reads its own, the operator everyone's.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	s := startService(t, nil)
	a := s.register("exporter", "甲", usccA, "4206360A21")
	b := s.register("exporter", "乙", usccB, "4206360A22")

	created := s.expect(s.do("POST", "/v1/parcels", a.key, parcelBody("XYA1")), 201)
	pid := created["id"].(string)
	// A client naming another address is not believed: no proxy is trusted.
	hreq, _ := http.NewRequest("POST", s.url+"/v1/parcels/"+pid+"/cancel", strings.NewReader(`{"reason":"客户取消"}`))
	hreq.Header.Set("Authorization", "Bearer "+a.key)
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("User-Agent", "erp-connector/2.1 "+strings.Repeat("x", 300))
	hreq.Header.Set("X-Forwarded-For", "203.0.113.9")
	hreq.Header.Set("X-Request-Id", "audit-cancel-1")
	if r := s.send(hreq); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	// Refused: A may not change B.
	refused := s.do("PATCH", "/v1/orgs/"+b.id, a.key, map[string]any{"name": "改名"})
	if refused.Status < 400 || refused.Status >= 500 {
		t.Fatalf("A changing B: %d", refused.Status)
	}
	s.expect(s.do("POST", "/v1/parcels", b.key, parcelBody("XYB1")), 201)
	// Reads and unauthenticated attempts are not recorded.
	s.expect(s.do("GET", "/v1/parcels/"+pid, a.key, nil), 200)
	s.do("POST", "/v1/parcels", "sg_nobody.nothing", parcelBody("XYA2"))

	var own []map[string]any
	eventually(t, "A's three changes reach the audit log", func() bool {
		own = auditEntries(t, s, a.key, "")
		return len(own) >= 3
	})
	if len(own) != 3 {
		t.Fatalf("A reads %d entries, want 3: %v", len(own), own)
	}
	byRoute := map[string]map[string]any{}
	for _, e := range own {
		if e["orgId"] != a.id || e["orgKind"] != "exporter" || e["keyId"] != keyIDOf(a.key) {
			t.Errorf("entry of another actor in A's log: %v", e)
		}
		byRoute[e["method"].(string)+" "+e["route"].(string)] = e
	}
	reg := byRoute["POST /v1/parcels"]
	if reg == nil || reg["status"] != 201.0 || reg["ip"] != "127.0.0.1" || reg["requestId"] == "" {
		t.Errorf("registration entry %v", reg)
	}
	cancel := byRoute["POST /v1/parcels/:id/cancel"]
	if cancel == nil || cancel["status"] != 200.0 || cancel["requestId"] != "audit-cancel-1" ||
		cancel["targets"].(map[string]any)["id"] != pid || cancel["ip"] != "127.0.0.1" {
		t.Errorf("cancellation entry %v", cancel)
	} else if ua := cancel["userAgent"].(string); !strings.HasPrefix(ua, "erp-connector/2.1 ") || len(ua) != 200 {
		t.Errorf("user agent %q (%d bytes), want the first 200 bytes", ua, len(ua))
	}
	patch := byRoute["PATCH /v1/orgs/:id"]
	if patch == nil || patch["status"] != float64(refused.Status) || patch["targets"].(map[string]any)["id"] != b.id {
		t.Errorf("refused attempt entry %v", patch)
	}
	if newest := own[0]["route"]; newest != "/v1/orgs/:id" {
		t.Errorf("newest entry is %v, want the refused PATCH", newest)
	}
	// Nothing of the request bodies is kept.
	if strings.Contains(string(s.do("GET", "/v1/audit-log", a.key, nil).Body), "客户取消") {
		t.Error("the audit log holds a request body")
	}

	// B reads its own only; A may not read B's.
	eventually(t, "B's change reaches the audit log", func() bool { return len(auditEntries(t, s, b.key, "")) == 1 })
	for _, e := range auditEntries(t, s, b.key, "") {
		if e["orgId"] != b.id {
			t.Errorf("B reads %v", e)
		}
	}
	s.expectProblem(s.do("GET", "/v1/audit-log?orgId="+b.id, a.key, nil), 403, "operator_only", "")
	// The operator reads everyone's, and one organisation's on asking.
	all := auditEntries(t, s, testOperatorKey, "?limit=500")
	orgs := map[any]int{}
	for _, e := range all {
		orgs[e["orgId"]]++
	}
	if orgs[a.id] != 3 || orgs[b.id] != 1 || len(orgs) != 3 { // the operator's own registrations and keys
		t.Errorf("the operator reads entries by organisation %v", orgs)
	}
	if got := auditEntries(t, s, testOperatorKey, "?orgId="+a.id); len(got) != 3 {
		t.Errorf("the operator reads %d of A's entries, want 3", len(got))
	}
	// Paging and a time window.
	p := s.expect(s.do("GET", "/v1/audit-log?limit=2", a.key, nil), 200)
	if len(arr(p["items"])) != 2 || p["nextCursor"] == nil {
		t.Fatalf("first page %v", p)
	}
	rest := auditEntries(t, s, a.key, "?cursor="+p["nextCursor"].(string))
	if len(rest) != 1 || rest[0]["id"] != own[2]["id"] {
		t.Errorf("second page %v", rest)
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if got := auditEntries(t, s, a.key, "?since="+future); len(got) != 0 {
		t.Errorf("since the future: %v", got)
	}
	if got := auditEntries(t, s, a.key, "?until="+future); len(got) != 3 {
		t.Errorf("until the future: %d entries", len(got))
	}
	s.expectProblem(s.do("GET", "/v1/audit-log?since=yesterday", a.key, nil), 422, "invalid_time", "since")

	// Nothing changes or removes an entry: the audit log has a read route only.
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		if r := s.do(m, "/v1/audit-log", testOperatorKey, nil); r.Status != 404 {
			t.Errorf("%s /v1/audit-log: %d, want 404", m, r.Status)
		}
		if r := s.do(m, "/v1/audit-log/"+own[0]["id"].(string), testOperatorKey, nil); r.Status != 404 {
			t.Errorf("%s /v1/audit-log/{id}: %d, want 404", m, r.Status)
		}
	}
	if got := auditEntries(t, s, a.key, ""); len(got) != 3 {
		t.Errorf("after the attempts on the log A reads %d entries, want 3", len(got))
	}

	// The entries survive a restart; one written just before the stop is flushed by it.
	s.expect(s.do("POST", "/v1/parcels", a.key, parcelBody("XYA3")), 201)
	audit := s.main.store.Commands().AuditSnapshot()
	s.restart()
	if got := auditEntries(t, s, a.key, ""); len(got) != 4 {
		t.Errorf("after a restart A reads %d entries, want 4", len(got))
	}
	var n uint64
	for _, c := range audit {
		n += c
	}
	t.Logf("audit writer's store commands before the restart: %d (%v)", n, audit)
}

// Behind a trusted proxy the client's address comes from X-Forwarded-For: the nearest address
// that is not a trusted proxy.
func TestAuditTrustedProxy(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"SILKGATE_TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8"})
	a := s.register("exporter", "甲", usccA, "4206360A21")
	for i, xff := range []string{
		"203.0.113.9",                         // the client, as the proxy saw it
		"198.51.100.1, 203.0.113.9, 10.1.2.3", // a hop the client made up, the client, a second proxy
		"not-an-address, 10.1.2.3",            // garbage left of the proxies: the last proxy is all we know
	} {
		r, _ := http.NewRequest("POST", s.url+"/v1/parcels", strings.NewReader(`{}`))
		r.Header.Set("Authorization", "Bearer "+a.key)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Forwarded-For", xff)
		r.Header.Set("X-Request-Id", "xff-"+strconv.Itoa(i))
		s.send(r) // refused (422): recorded all the same
	}
	want := map[string]string{"xff-0": "203.0.113.9", "xff-1": "203.0.113.9", "xff-2": "10.1.2.3"}
	var got map[string]string
	eventually(t, "the three attempts reach the audit log", func() bool {
		got = map[string]string{}
		for _, e := range auditEntries(t, s, a.key, "") {
			got[e["requestId"].(string)] = e["ip"].(string)
			if e["status"] != 422.0 {
				t.Errorf("entry %v, want status 422", e)
			}
		}
		return len(got) == 3
	})
	for id, ip := range want {
		if got[id] != ip {
			t.Errorf("%s: ip %q, want %q", id, got[id], ip)
		}
	}
}

// A worker alone serves its own figures: /metrics and /healthz, no API.
func TestWorkerServesMetrics(t *testing.T) {
	t.Parallel()
	// One process only, so the store's single-connection guard is not needed here.
	s := startService(t, map[string]string{"SILKGATE_ROLE": "worker", "SILKGATE_MONGO_SINGLE_CONNECTION": "false"})
	queue := s.environ["SILKGATE_QUEUE"]
	r, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b := new(strings.Builder)
	_, _ = io.Copy(b, r.Body)
	r.Body.Close()
	if v, ok := metricValue(b.String(), `silkgate_queue_up{queue="`+queue+`"}`); r.StatusCode != 200 || !ok || v != 1 {
		t.Errorf("worker /metrics: %d, queue up %v %v", r.StatusCode, v, ok)
	}
	// Started as on MongoDB (not the single-connection embedded mode), it counts parcels by
	// status in the store: none yet.
	if v, ok := metricValue(b.String(), `silkgate_parcels{status="registered"}`); !ok || v != 0 {
		t.Errorf("parcels registered %v %v, want 0", v, ok)
	}
	if r, err := http.Get(s.url + "/v1/orgs"); err != nil || r.StatusCode != 404 {
		t.Errorf("a worker serves the API: %v %v", r.StatusCode, err)
	}
}

// What a broker files for an exporter — and an attempt without authority — is in the exporter's
// audit log too, naming it; another exporter sees none of it.
func TestAuditOnBehalfOf(t *testing.T) {
	t.Parallel()
	s := startService(t, quietCustoms)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	other := s.register("exporter", "乙", usccB, "4206340017")
	pid := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XYO1")), 201)["id"].(string)
	// Without authority the broker is told the parcel is not found (README, "What a stranger may
	// learn"); the exporter's log shows the attempt.
	refused := s.do("POST", "/v1/declarations", brk.key, map[string]any{"kind": "inventory", "parcelIds": []string{pid}})
	if !strings.Contains(string(refused.Body), "parcel_not_found") {
		t.Fatalf("unauthorised filing answered %d %s", refused.Status, refused.Body)
	}
	s.authorize(exp, exp, brk, "9610")
	id := s.declare(brk.key, pid)[0]
	s.expect(s.do("POST", "/v1/declarations/"+id+"/submit", brk.key, nil), 202)

	var forExp []map[string]any
	eventually(t, "the broker's three requests reach the exporter's log", func() bool {
		forExp = nil
		for _, e := range auditEntries(t, s, exp.key, "") {
			if e["orgId"] == brk.id {
				forExp = append(forExp, e)
			}
		}
		return len(forExp) == 3
	})
	statuses := map[string]float64{}
	for _, e := range forExp {
		if obo := arr(e["onBehalfOf"]); len(obo) != 1 || obo[0] != exp.id || e["keyId"] != keyIDOf(brk.key) {
			t.Errorf("broker's entry %v", e)
		}
		statuses[e["route"].(string)] += e["status"].(float64)
	}
	if statuses["/v1/declarations"] != float64(refused.Status+200) || statuses["/v1/declarations/:id/submit"] != 202 {
		t.Errorf("broker's entries by route and status %v", statuses)
	}
	// The broker reads them as its own; the other exporter sees nothing of them.
	if n := len(auditEntries(t, s, brk.key, "")); n != 3 {
		t.Errorf("the broker reads %d entries, want 3", n)
	}
	for _, e := range auditEntries(t, s, other.key, "") {
		if e["orgId"] != other.id {
			t.Errorf("another exporter reads %v", e)
		}
	}
	// The operator reading the exporter's log sees the same.
	n := 0
	for _, e := range auditEntries(t, s, testOperatorKey, "?orgId="+exp.id) {
		if e["orgId"] == brk.id {
			n++
		}
	}
	if n != 3 {
		t.Errorf("the operator reads %d of the broker's entries in the exporter's log, want 3", n)
	}
}

// On MongoDB the parcels are counted by status in the store, once a minute at most.
func TestParcelsByStatusGauge(t *testing.T) {
	t.Parallel()
	// As on MongoDB: the gauge is not exported in the embedded store's single-connection mode.
	s := startService(t, map[string]string{"SILKGATE_MONGO_SINGLE_CONNECTION": "false"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	for _, no := range []string{"XYG1", "XYG2"} {
		s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody(no)), 201)
	}
	id := s.expect(s.do("POST", "/v1/parcels", exp.key, parcelBody("XYG3")), 201)["id"].(string)
	s.expect(s.do("POST", "/v1/parcels/"+id+"/cancel", exp.key, map[string]any{"reason": "order withdrawn"}), 200)
	m := s.metrics()
	for status, want := range map[string]float64{"registered": 2, "cancelled": 1, "released": 0} {
		if v, ok := metricValue(m, `silkgate_parcels{status="`+status+`"}`); !ok || v != want {
			t.Errorf("parcels %s: %v (%v), want %v", status, v, ok, want)
		}
	}
}
