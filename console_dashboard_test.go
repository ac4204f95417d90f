package main

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dashWorld is a service whose dashboards have something in every part: an exporter with lists
// released, rejected and under inspection, a confirmed and a waitlisted booking; another
// exporter with a parcel and an agreement waiting for its consent; a broker the first exporter
// authorised; a user of each and of the operator.
type dashWorld struct {
	s                             *service
	a, b, broker                  firm
	rejected, inspected, released string
	waitlisted, pending, train    string
	users                         map[string][2]string // role → email, password
}

func newDashWorld(t *testing.T) *dashWorld {
	env := dxpCustoms(t)
	maps.Copy(env, consoleEnv)
	w := &dashWorld{s: startService(t, env), users: map[string][2]string{}}
	s := w.s
	w.a = s.firmWithUser("exporter", "襄阳甲跨境电商有限公司", usccA, "4206360A21", "admin@a.example")
	w.b = s.firmWithUser("exporter", "襄阳乙进出口有限公司", usccB, "4206340017", "admin@b.example")
	w.broker = s.firmWithUser("broker", "襄阳丙报关行", usccC, "4206380015", "admin@c.example")
	w.users["exporter"] = [2]string{"admin@a.example", "password-" + w.a.id}
	w.users["other"] = [2]string{"admin@b.example", "password-" + w.b.id}
	w.users["broker"] = [2]string{"admin@c.example", "password-" + w.broker.id}
	s.expect(s.do("POST", "/v1/orgs/org_operator/users", testOperatorKey, map[string]any{
		"email": "ops@zone.example", "name": "赵运营", "role": "admin", "password": "operator-password"}), 201)
	w.users["operator"] = [2]string{"ops@zone.example", "operator-password"}
	s.authorize(w.a, w.a, w.broker, "9610")
	w.pending = s.authorize(w.broker, w.b, w.broker, "9610")["id"].(string)
	w.train = s.planDeparture(10, 2)

	t0 := time.Now().UTC()
	var guids [3]string
	w.released, guids[0] = s.submitted(w.a.key, "XYD1")
	w.rejected, guids[1] = s.submitted(w.a.key, "XYD2")
	w.inspected, guids[2] = s.submitted(w.a.key, "XYD3")
	s.expect(s.postReceipts(testOperatorKey,
		inventoryReceipt(t, guids[0], "800", t0.Add(10*time.Minute)),
		inventoryReceipt(t, guids[1], "100", t0.Add(time.Minute)),
		inventoryReceipt(t, guids[2], "500", t0.Add(time.Minute))), 200)
	s.expect(s.do("POST", "/v1/parcels", w.b.key, parcelBody("XYD4")), 201)
	s.expect(s.book(w.a.key, w.train, "40HQ", 1, false, nil), 201)
	w.waitlisted = s.expect(s.book(w.a.key, w.train, "40HQ", 1, true, nil), 201)["id"].(string)
	s.dashboardWhen(w.a.key, "the exporter's figures", func(d map[string]any) bool {
		n, _ := attentionOf(d, "waitlistedBookings")
		return len(byStatus(d, "lists")) == 3 && n == 1 && len(arr(d["trains"])) == 1
	})
	s.dashboardWhen(w.b.key, "the other exporter's figures", func(d map[string]any) bool {
		n, _ := attentionOf(d, "pendingAuthorizations")
		return byStatus(d, "parcels")["registered"] == 1.0 && n == 1
	})
	s.streamSettled()
	return w
}

// kpi is the value of a KPI card of the page.
func kpi(page, id string) string {
	m := regexp.MustCompile(`<li id="` + id + `"><span class="kpi-label">[^<]*</span> <strong class="kpi-value">([^<]*)</strong>`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

// The dashboard over plain HTTP for each role: the exporter's own figures, the broker's those of
// the exporter that authorised it, the operator's the zone's, the other exporter the agreement
// waiting for it; the links of what needs attention; the chart data in the page's language; and
// the page costs what GET /v1/orgs/{id} and GET /v1/dashboard cost plus the session's read.
func TestConsoleDashboard(t *testing.T) {
	t.Parallel()
	w := newDashWorld(t)
	s := w.s
	clients := map[string]*consoleClient{}
	for role, u := range w.users {
		clients[role] = s.consoleClient()
		clients[role].signIn(u[0], u[1])
	}
	pages := map[string]string{}
	for role, c := range clients {
		status, page := c.get("/")
		if status != 200 {
			t.Fatalf("%s: %d", role, status)
		}
		pages[role] = page
	}
	links := []string{`href="/declarations/` + w.rejected + `"`, `href="/declarations/` + w.inspected + `"`,
		`href="/bookings/` + w.waitlisted + `"`, `href="/trains/` + w.train + `"`}
	for _, role := range []string{"exporter", "broker", "operator"} {
		page := pages[role]
		if !strings.Contains(page, `id="greeting"`) || !strings.Contains(page, `id="dashboard"`) {
			t.Errorf("%s: no greeting or dashboard", role)
		}
		for _, l := range links {
			if !strings.Contains(page, l) {
				t.Errorf("%s: no link %s", role, l)
			}
		}
		if got := kpi(page, "kpi-released") + "/" + kpi(page, "kpi-rejected"); got != "1/1" {
			t.Errorf("%s: released/rejected lists %s, want 1/1", role, got)
		}
		if got := kpi(page, "kpi-trains"); got != "100%" {
			t.Errorf("%s: train space used %q, want 100%%", role, got)
		}
		for _, want := range []string{"海关退单", "海关查验", "放行", `"countries":["波兰"]`, `"minutes":"分钟"`, `id="chart-parcels"`,
			`<tr data-country="PL"><th scope="row">波兰</th><td>EUR</td>`, "≤ 15 分钟"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the page lacks %q", role, want)
			}
		}
		if strings.Contains(page, "att-pendingAuthorizations") {
			t.Errorf("%s: agreements to consent to shown", role)
		}
	}
	if a, k, o := kpi(pages["exporter"], "kpi-parcels"), kpi(pages["broker"], "kpi-parcels"), kpi(pages["operator"], "kpi-parcels"); a != "3" || k != "3" || o != "4" {
		t.Errorf("parcels: exporter %s, broker %s, operator %s; want 3, 3, 4", a, k, o)
	}
	if !strings.Contains(pages["broker"], "已授权的 1 家出口企业的数据") || !strings.Contains(pages["operator"], "全区数据") {
		t.Error("the broker's or the operator's scope is not said")
	}
	other := pages["other"]
	if !strings.Contains(other, `id="att-pendingAuthorizations"`) || !strings.Contains(other, `href="/authorizations"`) ||
		kpi(other, "kpi-parcels") != "1" || strings.Contains(other, w.rejected) {
		t.Errorf("the other exporter's dashboard: %s", mainOf(other))
	}
	// A carrier sees no exporter's records: the trains only, and no chart script.
	carrier := s.carrier(carrierCode)
	s.expect(s.do("POST", "/v1/orgs/"+carrier.id+"/users", testOperatorKey, map[string]any{
		"email": "ops@carrier.example", "name": "孙铁", "role": "admin", "password": "carrier-password"}), 201)
	cc := s.consoleClient()
	cc.signIn("ops@carrier.example", "carrier-password")
	if status, page := cc.get("/"); status != 200 || !strings.Contains(page, `href="/trains/`+w.train+`"`) ||
		strings.Contains(page, "chart-parcels") || strings.Contains(page, "echarts") || kpi(page, "kpi-trains") != "100%" ||
		strings.Contains(page, "att-rejectedLists") {
		t.Errorf("the carrier's dashboard: %d %s", status, mainOf(page))
	}
	if !strings.Contains(pages["exporter"], `id="dash-asof"`) {
		t.Error("no as-of time")
	}
	// English at the switch: statuses, countries and chart labels.
	c := clients["exporter"]
	c.post("/", "/lang", map[string][]string{"lang": {"en"}, "back": {"/"}}, true)
	_, en := c.get("/")
	for _, want := range []string{"Rejected by customs", `"countries":["Poland"]`, `"minutes":"minutes"`, "≤ 15 min", "Needs attention"} {
		if !strings.Contains(en, want) {
			t.Errorf("in English the page lacks %q", want)
		}
	}

	s.quiet()
	for role, key := range map[string]string{"exporter": w.a.key, "broker": w.broker.key, "operator": testOperatorKey} {
		org := map[string]string{"exporter": w.a.id, "broker": w.broker.id, "operator": "org_operator"}[role]
		t.Run(fmt.Sprintf("%s's page costs", role), func(t *testing.T) {
			pageCosts(t, s, clients[role], "/", key, "/v1/orgs/"+org, "/v1/dashboard?trains=5")
		})
	}
}

// The dashboard in a real browser: the exporter, the broker and the operator each see the charts
// drawn (ECharts puts a canvas in each chart's box) with the tables folded beside them, and the
// items that need attention; English at the switch; at phone width the charts fit the screen.
// Pictures of each in both languages.
func TestConsoleDashboardInBrowser(t *testing.T) {
	t.Parallel()
	if chromiumPath() == "" {
		newTab(t) // skips, or fails in CI
	}
	w := newDashWorld(t)
	s := w.s
	charts := []string{"#chart-parcels", "#chart-lists", "#chart-month", "#chart-country", "#chart-hist", "#chart-trend"}
	drawn := func(p *page) bool {
		for _, c := range charts {
			if !p.has(c + " canvas") {
				return false
			}
		}
		return true
	}
	for _, role := range []string{"exporter", "broker", "operator"} {
		p := s.browse(t)
		p.signIn(w.users[role][0], w.users[role][1])
		pollWithin(t, 100, 50*time.Millisecond, role+": the charts are drawn", func() bool { return drawn(p) })
		if n := eval[int](p, `document.querySelectorAll("details.dash-table[open]").length`); n != 0 {
			t.Errorf("%s: %d tables still open beside drawn charts", role, n)
		}
		if n := eval[int](p, `document.querySelectorAll("details.dash-table table").length`); n != len(charts) {
			t.Errorf("%s: %d tables beside the charts, want %d", role, n, len(charts))
		}
		for _, sel := range []string{`#att-rejectedLists a[href="/declarations/` + w.rejected + `"]`,
			`#att-listsUnderInspection a[href="/declarations/` + w.inspected + `"]`,
			`#att-waitlistedBookings a[href="/bookings/` + w.waitlisted + `"]`, `#dash-trains a[href="/trains/` + w.train + `"]`} {
			if !p.has(sel) {
				t.Errorf("%s: no %s", role, sel)
			}
		}
		p.screenshot("zh-dashboard-" + role)
		if status := p.submit("#lang-switch"); status != 200 {
			t.Fatalf("%s: switching: %d", role, status)
		}
		pollWithin(t, 100, 50*time.Millisecond, role+": the charts are drawn in English", func() bool { return drawn(p) })
		// The folded table is in the page (its text, not shown, is what a screen reader reads).
		if h, lists := p.text("#dash-title"), eval[string](p, `document.querySelector("#table-lists").textContent`); h != "Dashboard" || !strings.Contains(lists, "Rejected by customs") {
			t.Errorf("%s in English: heading %q, lists %q", role, h, lists)
		}
		p.screenshot("en-dashboard-" + role)
		if role == "exporter" {
			p.viewport(390, 844)
			pollWithin(t, 100, 50*time.Millisecond, "the charts fit a phone", func() bool {
				return eval[bool](p, `[...document.querySelectorAll(".dash-chart canvas")].every(c => c.getBoundingClientRect().right <= 390)`)
			})
			if wide := eval[bool](p, `document.documentElement.scrollWidth > 420`); wide {
				t.Errorf("the dashboard is wider than a phone: %d px", eval[int](p, `document.documentElement.scrollWidth`))
			}
			p.screenshot("en-dashboard-phone")
			p.viewport(1280, 900)
		}
		p.submit("#lang-switch") // back to 中文 for the next user
		p.submit("#signout")
	}
	t.Logf("screenshots in %s", screenshotDir())
}

// BenchmarkConsoleDashboardAt10kParcels stores 10,000 parcels of one exporter (the batch route,
// 1,000 a request) and five coming trains, then signs in as the exporter's admin and loads the
// dashboard as a browser's first visit does: the page (html-bytes, first-load-ms: the server's
// answer, measured by the client on this machine; ns/op: each load after it) and every file it
// links (assets-bytes; each also as sent gzipped to a client that accepts it: *-gzip-bytes).
// Beside it, on the same service, one GET /v1/dashboard by the exporter's key (api-ms, the
// figures' raw read) and its JSON size (api-bytes).
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench ConsoleDashboardAt10kParcels -benchtime 20x .
func BenchmarkConsoleDashboardAt10kParcels(b *testing.B) {
	env := map[string]string{"SILKGATE_LOG_LEVEL": "error"}
	maps.Copy(env, consoleEnv)
	s := startService(b, env)
	exp := s.firmWithUser("exporter", "甲", usccA, "4206360A21", "admin@a.example")
	s.dashboardAt10k(exp.key)
	c := s.consoleClient()
	c.signIn("admin@a.example", "password-"+exp.id)

	// fetch GETs a path with the given Accept-Encoding and returns the bytes as sent.
	fetch := func(path, encoding string) (int, time.Duration, string) {
		req, _ := http.NewRequest("GET", s.url+path, nil)
		req.Header.Set("Accept-Encoding", encoding) // set by hand: the client leaves the body as sent
		start := time.Now()
		res, err := c.http.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		took := time.Since(start)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("%s: %d", path, res.StatusCode)
		}
		return len(body), took, res.Header.Get("Content-Encoding")
	}
	htmlBytes, first, _ := fetch("/", "identity")
	htmlGzip, _, enc := fetch("/", "gzip")
	if enc != "gzip" {
		htmlGzip = htmlBytes
	}
	_, page := c.get("/")
	if kpi(page, "kpi-parcels") != strconv.Itoa(stored) {
		b.Fatalf("the page shows %q parcels", kpi(page, "kpi-parcels"))
	}
	var assetBytes, assetGzip int
	for _, m := range regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		path := strings.ReplaceAll(m[1], "&amp;", "&")
		n, _, _ := fetch(path, "identity")
		z, _, enc := fetch(path, "gzip")
		if enc != "gzip" {
			z = n
		}
		b.Logf("%s: %d bytes, %d as sent gzipped", path, n, z)
		assetBytes, assetGzip = assetBytes+n, assetGzip+z
	}
	start := time.Now()
	r := s.do("GET", "/v1/dashboard", exp.key, nil)
	api := time.Since(start)
	if r.Status != 200 {
		b.Fatalf("GET /v1/dashboard: %d", r.Status)
	}
	b.ResetTimer()
	for range b.N {
		fetch("/", "gzip")
	}
	b.StopTimer()
	b.ReportMetric(float64(htmlBytes), "html-bytes")
	b.ReportMetric(float64(htmlGzip), "html-gzip-bytes")
	b.ReportMetric(float64(assetBytes), "assets-bytes")
	b.ReportMetric(float64(assetGzip), "assets-gzip-bytes")
	b.ReportMetric(float64(first.Microseconds())/1000, "first-load-ms")
	b.ReportMetric(float64(api.Microseconds())/1000, "api-ms")
	b.ReportMetric(float64(len(r.Body)), "api-bytes")
}
