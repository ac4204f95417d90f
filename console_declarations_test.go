package main

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/silkgate/silkgate/adapters/mongo"
)

// declarationsEnv is the console's settings with a simulated customs that answers quickly.
func declarationsEnv() map[string]string {
	env := maps.Clone(consoleEnv)
	maps.Copy(env, quietCustoms)
	return env
}

// registerParcels registers parcels of an exporter by waybill number and returns their ids.
func (s *service) registerParcels(key string, waybills ...string) []string {
	s.t.Helper()
	s.carrier(carrierCode)
	var ids []string
	for _, no := range waybills {
		ids = append(ids, s.expect(s.do("POST", "/v1/parcels", key, parcelBody(no)), 201)["id"].(string))
	}
	return ids
}

var declarationLink = regexp.MustCompile(`href="/declarations/((?:inv|cnl|sum)[^"/?]+)"`)

// Declarations over plain HTTP: lists drafted for chosen parcels with each item's result (a
// stranger's parcel and a made-up one refused by name), submitted at once, watched through the
// status part until customs releases them; another exporter's declaration is the 404 page; the
// status part costs the session and one read by _id, as the API's route plus the session; the
// message escaped and downloadable; a cancellation needs its reason; a month not ended is
// refused on the summary form; the operator reads and files nothing.
func TestConsoleDeclarations(t *testing.T) {
	t.Parallel()
	s := startService(t, declarationsEnv())
	a := s.firmWithUser("exporter", "甲", usccA, "4206360A21", "admin@a.example")
	b := s.firmWithUser("exporter", "乙", usccB, "4206340017", "admin@b.example")
	mine := s.registerParcels(a.key, "XYK00001", "XYK00002")
	theirs := s.registerParcels(b.key, "XYK00003")
	c := s.consoleClient()
	c.signIn("admin@a.example", "password-"+a.id)

	if status, page := c.get("/declare"); status != 200 || !strings.Contains(page, `value="`+mine[0]+`"`) || strings.Contains(page, theirs[0]) {
		t.Fatalf("declare page %d: own parcels to choose, not another exporter's", status)
	}
	// Per-item results: the two parcels drafted, a stranger's and a made-up one refused alike.
	status, page, _ := c.post("/declare", "/declarations/inventory", url.Values{"parcelIds": {mine[0], theirs[0], mine[1], "pcl_4206980001_NOSUCH"}}, true)
	if status != 200 || strings.Count(page, `class="outcome o-created"`) != 2 || strings.Count(page, `class="outcome o-invalid"`) != 2 ||
		strings.Count(page, "没有找到该包裹。") != 2 || !strings.Contains(page, "成功 2 项，失败 2 项") {
		t.Fatalf("drafting: %d %s", status, page)
	}
	var ids []string
	for _, m := range declarationLink.FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) != 2 || strings.Count(page, `name="ids"`) != 2 {
		t.Fatalf("drafted %v", ids)
	}
	// The form without its CSRF token is refused.
	if status, _, _ := c.post("/declare", "/declarations/submit", url.Values{"ids": ids}, false); status != http.StatusForbidden {
		t.Errorf("submitting without the token: %d, want 403", status)
	}
	if d := s.expect(s.do("GET", "/v1/declarations/"+ids[0], a.key, nil), 200); d["status"] != "draft" {
		t.Fatalf("after a refused form: %v", d["status"])
	}
	status, page, _ = c.post("/declare", "/declarations/submit", url.Values{"ids": ids}, true)
	if status != 200 || strings.Count(page, `class="outcome o-submitted"`) != 2 || !strings.Contains(page, "已申报 2 项，失败 0 项") {
		t.Fatalf("submitting: %d %s", status, page)
	}
	// Submitting again: the lists are under way already; a made-up one is refused by name.
	status, page, _ = c.post("/declare", "/declarations/submit", url.Values{"ids": {ids[0], "inv_NOSUCH_1"}}, true)
	if status != 200 || strings.Count(page, `class="outcome o-submitted"`) != 1 || strings.Count(page, `class="outcome o-invalid"`) != 1 ||
		!strings.Contains(page, "没有找到该申报单。") || !strings.Contains(page, "已申报 1 项，失败 1 项") {
		t.Errorf("submitting again with a made-up id: %d %s", status, page)
	}
	// The status part says whether to ask again: while customs may answer, then no more.
	eventually(t, "customs releases the lists", func() bool {
		_, part := c.get("/declarations/" + ids[0] + "/status")
		if strings.Contains(part, "<html") {
			t.Fatalf("the status part came in the layout")
		}
		done := strings.Contains(part, `id="decl-status">放行<`)
		if done == strings.Contains(part, "hx-trigger") {
			t.Fatalf("released %v, and polling %v: %s", done, !done, part)
		}
		return done && strings.Count(part, "CEB604") == 4
	})
	if _, row := c.get("/declarations/" + ids[0] + "/status?row=1"); !strings.HasPrefix(row, `<span class="status d-released" id="row-`+ids[0]+`">放行</span>`) {
		t.Errorf("the row's status: %q", row)
	}
	status, page = c.get("/declarations/" + ids[0])
	if status != 200 || !strings.Contains(page, "海关入库") || !strings.Contains(page, "XYK00001") || !strings.Contains(page, `id="cancel-form"`) ||
		strings.Contains(page, `id="submit-form"`) || strings.Contains(page, "hx-trigger") {
		t.Errorf("the released list: %d %s", status, page)
	}

	t.Run("another exporter's declaration is the 404 page", func(t *testing.T) {
		other := s.consoleClient()
		other.signIn("admin@b.example", "password-"+b.id)
		st1, p1 := other.get("/declarations/" + ids[0])
		st2, p2 := other.get("/declarations/inv_NOSUCH")
		if st1 != 404 || st2 != 404 || strings.ReplaceAll(p1, ids[0], "") != strings.ReplaceAll(p2, "inv_NOSUCH", "") {
			t.Errorf("another exporter's %d, a made-up one %d: want the same 404 page", st1, st2)
		}
		for _, path := range []string{"/status", "/status?row=1", "/message", "/message.xml"} {
			if st, _ := other.get("/declarations/" + ids[0] + path); st != 404 {
				t.Errorf("%s of another exporter's declaration: %d", path, st)
			}
		}
		if st, _, _ := other.post("/declarations", "/declarations/"+ids[0]+"/cancel", url.Values{"reason": {"x"}}, true); st != 404 {
			t.Errorf("cancelling another exporter's list: %d", st)
		}
		if _, list := other.get("/declarations"); strings.Contains(list, ids[0]) {
			t.Error("another exporter's list is listed")
		}
	})

	t.Run("a page costs what the API's route costs plus the session", func(t *testing.T) {
		s.quiet()
		for _, pair := range [][2]string{
			{"/declarations/" + ids[0] + "/status", "/v1/declarations/" + ids[0]},
			{"/declarations/" + ids[0] + "/status?row=1", "/v1/declarations/" + ids[0]},
			{"/declarations/" + ids[0], "/v1/declarations/" + ids[0]},
			{"/declarations/" + ids[0] + "/message", "/v1/declarations/" + ids[0] + "/message"},
			{"/declarations?status=released&kind=inventory&tradeMode=9610", "/v1/declarations?limit=20&status=released&kind=inventory&tradeMode=9610"},
			{"/declare", "/v1/parcels?limit=20&status=registered"},
		} {
			_, page := pageCosts(t, s, c, pair[0], a.key, pair[1])
			if read := (mongo.CommandKey{Command: "find", Collection: "declarations", Filter: mongo.FilterID}); strings.Contains(pair[0], "/status") && (page[read] != 1 || len(page) > 1) {
				t.Errorf("%s costs %v besides the session: want one read of the declaration by _id", pair[0], page)
			}
		}
	})

	t.Run("the message, escaped, and its file", func(t *testing.T) {
		st, page := c.get("/declarations/" + ids[0] + "/message")
		if st != 200 || !strings.Contains(page, "&lt;") || !strings.Contains(page, "CEB603Message") || strings.Contains(page, "<ceb:CEB603Message") {
			t.Errorf("message page %d %.500s", st, page)
		}
		res, err := c.http.Get(s.url + "/declarations/" + ids[0] + "/message.xml")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/xml") ||
			res.Header.Get("Content-Disposition") != `attachment; filename="`+ids[0]+`.xml"` {
			t.Errorf("message file %d %v", res.StatusCode, res.Header)
		}
	})

	t.Run("an entry declaration prints as a PDF, a list does not", func(t *testing.T) {
		entry := s.expect(s.do("POST", "/v1/declarations", a.key, map[string]any{"kind": "entry", "exporterId": a.id, "entry": entryBody()}), 201)["id"].(string)
		if _, page := c.get("/declarations/" + entry); !strings.Contains(page, `href="/declarations/`+entry+`/pdf"`) {
			t.Errorf("no PDF link on the entry declaration's page")
		}
		res, err := c.http.Get(s.url + "/declarations/" + entry + "/pdf")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
			t.Errorf("PDF: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if _, page := c.get("/declarations/" + ids[0]); strings.Contains(page, "/pdf") {
			t.Errorf("a PDF link on an inventory list's page")
		}
		if st, _ := c.get("/declarations/" + ids[0] + "/pdf"); st != 422 {
			t.Errorf("an inventory list's PDF: %d", st)
		}
	})

	t.Run("a cancellation needs its reason", func(t *testing.T) {
		st, page, _ := c.post("/declarations/"+ids[1], "/declarations/"+ids[1]+"/cancel", url.Values{"reason": {"  "}}, true)
		if st != 422 || !strings.Contains(page, `id="reason-error"`) || !strings.Contains(page, "此项必填") {
			t.Errorf("no reason: %d %s", st, page)
		}
		eventually(t, "the second list is released", func() bool {
			_, part := c.get("/declarations/" + ids[1] + "/status")
			return strings.Contains(part, `id="decl-status">放行<`)
		})
		st, _, res := c.post("/declarations/"+ids[1], "/declarations/"+ids[1]+"/cancel", url.Values{"reason": {"买家取消订单"}}, true)
		loc := res.Header.Get("Location")
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/declarations/cnl") {
			t.Fatalf("cancelling: %d %s", st, loc)
		}
		st, page = c.get(loc)
		if st != 200 || !strings.Contains(page, "买家取消订单") || !strings.Contains(page, `id="submit-form"`) || !strings.Contains(page, "撤销申请单") {
			t.Errorf("the cancellation: %d %s", st, page)
		}
		st, _, res = c.post(loc, loc+"/submit", url.Values{}, true)
		if st != http.StatusSeeOther || res.Header.Get("Location") != loc {
			t.Errorf("submitting the cancellation: %d %s", st, res.Header.Get("Location"))
		}
		if d := s.expect(s.do("GET", "/v1"+loc, a.key, nil), 200); d["status"] == "draft" {
			t.Errorf("the cancellation is still a draft")
		}
	})

	t.Run("the summary form shows the month's problem", func(t *testing.T) {
		next := time.Now().AddDate(0, 1, 0).Format("2006-01")
		st, page, _ := c.post("/declarations/summary", "/declarations/summary", url.Values{"month": {next}}, true)
		if st != 422 || !strings.Contains(page, `id="month-error"`) || !strings.Contains(page, "该月份尚未结束") {
			t.Errorf("a month not ended: %d %s", st, page)
		}
		st, page, _ = c.post("/declarations/summary", "/declarations/summary", url.Values{"month": {"2020-13"}}, true)
		if st != 422 || !strings.Contains(page, "YYYY-MM") {
			t.Errorf("no month: %d %s", st, page)
		}
	})

	t.Run("a broker files with the exporter's authorisation", func(t *testing.T) {
		brk := s.firmWithUser("broker", "丙报关", usccC, "4206380015", "admin@c.example")
		parcel := s.registerParcels(a.key, "XYK00009")[0]
		broker := s.consoleClient()
		broker.signIn("admin@c.example", "password-"+brk.id)
		if _, page := broker.get("/declare"); strings.Contains(page, parcel) {
			t.Errorf("a broker without authorisation sees the exporter's parcel")
		}
		s.authorize(a, a, brk, "1210")
		st, page, _ := broker.post("/declare", "/declarations/inventory", url.Values{"parcelIds": {parcel}}, true)
		if st != 422 || !strings.Contains(page, "需要出口企业对该监管方式的有效授权") {
			t.Errorf("filing under a 1210 authorisation a 9610 parcel: %d %s", st, page)
		}
		s.authorize(a, a, brk, "9610")
		st, page, _ = broker.post("/declare", "/declarations/inventory", url.Values{"parcelIds": {parcel}}, true)
		m := declarationLink.FindStringSubmatch(page)
		if st != 200 || m == nil || !strings.Contains(page, `class="outcome o-created"`) {
			t.Fatalf("the broker drafting: %d %s", st, page)
		}
		// The exporter sees the broker's draft, and only the broker submits it.
		if _, page := c.get("/declarations/" + m[1]); !strings.Contains(page, "XYK00009") || strings.Contains(page, `id="submit-form"`) {
			t.Errorf("the exporter's view of the broker's draft offers to submit it")
		}
		if _, page := broker.get("/declarations/" + m[1]); !strings.Contains(page, `id="submit-form"`) {
			t.Errorf("the broker cannot submit its draft")
		}
		if st, _, _ := broker.post("/declarations/"+m[1], "/declarations/"+m[1]+"/submit", url.Values{}, true); st != http.StatusSeeOther {
			t.Errorf("the broker submitting: %d", st)
		}
		if st, page := broker.get("/declarations/summary"); st != 200 || !strings.Contains(page, `id="exporterId"`) {
			t.Errorf("a broker's summary form names no exporter: %d", st)
		}
	})

	t.Run("the operator reads and files nothing", func(t *testing.T) {
		s.expect(s.do("POST", "/v1/orgs/org_operator/users", testOperatorKey, map[string]any{
			"email": "ops@zone.example", "name": "运营", "role": "admin", "password": "operator-password"}), 201)
		op := s.consoleClient()
		op.signIn("ops@zone.example", "operator-password")
		if st, page := op.get("/declarations/" + ids[0]); st != 200 || strings.Contains(page, "<form method=\"post\" action=\"/declarations/") {
			t.Errorf("the operator's view of a list: %d, with a form", st)
		}
		if st, list := op.get("/declarations?kind=inventory&status=released"); st != 200 || !strings.Contains(list, ids[0]) || strings.Contains(list, `id="to-declare"`) {
			t.Errorf("the operator's list: %d", st)
		}
		for _, path := range []string{"/declare", "/declarations/summary"} {
			if st, _ := op.get(path); st != 404 {
				t.Errorf("the operator opened %s: %d", path, st)
			}
		}
		if st, _, _ := op.post("/declarations", "/declarations/inventory", url.Values{"parcelIds": {mine[0]}}, true); st != 404 {
			t.Errorf("the operator drafted a list: %d", st)
		}
	})
}

// The declaration pages in a real browser, in both languages: an exporter chooses parcels on the
// declare page, drafts their lists, submits them all at once; then drafts one more and submits
// it from its page, which shows customs' receipts arriving and the list released without being
// reloaded; the message, the cancellation form, the summary form and the list. A picture of
// every page.
func TestConsoleDeclarationsInBrowser(t *testing.T) {
	t.Parallel()
	if chromiumPath() == "" {
		newTab(t) // skips, or fails in CI
	}
	s := startService(t, declarationsEnv())
	a := s.firmWithUser("exporter", "襄阳甲跨境电商有限公司", usccA, "4206360A21", "admin@a.example")
	p := s.browse(t)
	p.signIn("admin@a.example", "password-"+a.id)
	for i, lang := range []string{"zh", "en"} {
		if lang == "en" {
			p.submit("#lang-switch")
		}
		released, declStatus := map[string]string{"zh": "放行", "en": "Released"}[lang], map[string]string{"zh": "已申报", "en": "Declared, awaiting customs"}[lang]
		ids := s.registerParcels(a.key, fmt.Sprintf("XYW%d0001", i), fmt.Sprintf("XYW%d0002", i), fmt.Sprintf("XYW%d0003", i))

		// Two lists drafted from the declare page and submitted at once.
		p.open("/declare")
		p.screenshot(lang + "-declare")
		for _, id := range ids[:2] {
			if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`input[value="`+id+`"]`))); err != nil {
				t.Fatal(err)
			}
		}
		if status := p.submit("#declare-submit"); status != 200 || eval[int](p, `document.querySelectorAll("#results-table .o-created").length`) != 2 {
			t.Fatalf("%s: drafting from the declare page: %d", lang, status)
		}
		p.screenshot(lang + "-declare-results")
		if status := p.submit("#submit-all"); status != 200 || eval[int](p, `document.querySelectorAll("#results-table .o-submitted").length`) != 2 {
			t.Fatalf("%s: submitting both: %d", lang, status)
		}
		p.screenshot(lang + "-submit-results")

		// One more, submitted from its page, watched until customs releases it.
		p.open("/declare")
		if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`input[value="`+ids[2]+`"]`))); err != nil {
			t.Fatal(err)
		}
		p.submit("#declare-submit")
		id := eval[string](p, `document.querySelector('#results-table a[href^="/declarations/inv"]').getAttribute("href")`)
		p.open(id)
		p.screenshot(lang + "-declaration-draft")
		if status := p.submit("#submit-form button[type=submit]"); status != 200 {
			t.Fatalf("%s: submitting %s: %d", lang, id, status)
		}
		if got := p.text("#decl-status"); got != declStatus {
			t.Errorf("%s: just submitted, the page says %q, want %q", lang, got, declStatus)
		}
		eval[bool](p, `window.samePage = true`) // gone if the browser loaded a new page instead
		pollWithin(t, 60, 100*time.Millisecond, "the page shows the release", func() bool {
			// Read in one script: htmx may swap the part between a query and a read.
			return eval[string](p, `(document.querySelector("#decl-status") || {textContent: ""}).textContent.trim()`) == released
		})
		pollWithin(t, 10, 100*time.Millisecond, "the cancellation form comes with the release", func() bool { return p.has("#cancel-form") })
		if !eval[bool](p, `window.samePage === true`) || !p.has("#receipts tbody tr") || p.has("#decl-live[hx-trigger]") || p.has("#submit-form") {
			t.Errorf("%s: the release came by a reload, or without receipts, or the page still polls or offers to submit", lang)
		}
		p.screenshot(lang + "-declaration-released")
		p.open(id + "/message")
		if !strings.Contains(p.text("#message-xml"), "CEB603Message") {
			t.Errorf("%s: the message page shows %.100q", lang, p.text("#message-xml"))
		}
		p.screenshot(lang + "-declaration-message")
		p.open(id)
		p.fill("#reason", map[string]string{"zh": "买家取消订单", "en": "The buyer cancelled the order"}[lang])
		if status := p.submit("#cancel-form button[type=submit]"); status != 200 || !p.has("#submit-form") {
			t.Fatalf("%s: drafting the cancellation: %d", lang, status)
		}
		p.screenshot(lang + "-cancellation")
		p.open("/declarations/summary")
		p.screenshot(lang + "-summary")
		p.open("/declarations")
		if n := eval[int](p, `document.querySelectorAll("#results tbody tr").length`); n != 4*(i+1) {
			t.Errorf("%s: %d declarations listed, want %d", lang, n, 4*(i+1))
		}
		p.screenshot(lang + "-declarations")
		p.open("/declarations?kind=inventory&status=released")
		p.screenshot(lang + "-declarations-filtered")
		p.viewport(390, 844)
		p.open(id)
		if wide := eval[bool](p, `document.documentElement.scrollWidth > 420`); wide {
			t.Errorf("%s: the declaration page is wider than a phone", lang)
		}
		p.screenshot(lang + "-declaration-phone")
		p.viewport(1280, 900)
	}
}

// The polling follows customs, played by the test (DXP folders): a draft's row and page do not
// ask; once submitted both ask every 2 s, still after 120 (海关入库); the 800 (放行) stops them,
// and the last answer brings the cancellation form in place of the page's actions.
func TestConsoleDeclarationsWatched(t *testing.T) {
	t.Parallel()
	env := dxpCustoms(t)
	maps.Copy(env, consoleEnv)
	s := startService(t, env)
	a := s.firmWithUser("exporter", "甲", usccA, "4206360A21", "admin@a.example")
	id := s.declare(a.key, s.registerParcels(a.key, "XYP00001")...)[0]
	c := s.consoleClient()
	c.signIn("admin@a.example", "password-"+a.id)
	polls := func(html string) bool { return strings.Contains(html, `hx-trigger="every 2s"`) }
	rowPolls := `hx-get="/declarations/` + id + `/status?row=1" hx-trigger="every 2s"`

	if _, list := c.get("/declarations"); !strings.Contains(list, id) || polls(list) {
		t.Errorf("a draft's row polls")
	}
	if _, page := c.get("/declarations/" + id); polls(page) || !strings.Contains(page, "暂存（未申报）") || !strings.Contains(page, `id="submit-form"`) {
		t.Errorf("a draft's page: %s", page)
	}
	status, _, res := c.post("/declarations/"+id, "/declarations/"+id+"/submit", url.Values{}, true)
	if status != http.StatusSeeOther || res.Header.Get("Location") != "/declarations/"+id {
		t.Fatalf("submitting: %d %s", status, res.Header.Get("Location"))
	}
	guid := s.expect(s.do("GET", "/v1/declarations/"+id, a.key, nil), 200)["guid"].(string)
	if _, list := c.get("/declarations"); !strings.Contains(list, rowPolls) {
		t.Errorf("the row of a submitted list does not poll")
	}
	if _, page := c.get("/declarations/" + id); !polls(page) || !strings.Contains(page, `id="decl-status">已申报<`) || strings.Contains(page, `id="submit-form"`) {
		t.Errorf("a submitted list's page: %s", page)
	}

	t0 := time.Now()
	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "2", t0), inventoryReceipt(t, guid, "120", t0.Add(time.Second))), 200)
	var part string
	eventually(t, "the status part shows 海关入库", func() bool {
		_, part = c.get("/declarations/" + id + "/status")
		return strings.Contains(part, `id="decl-status">海关入库<`)
	})
	if !polls(part) || strings.Contains(part, "hx-swap-oob") || !strings.Contains(part, "电子口岸申报中") || !strings.Contains(part, "status 120") {
		t.Errorf("accepted: %s", part)
	}
	if _, row := c.get("/declarations/" + id + "/status?row=1"); !strings.Contains(row, rowPolls) || !strings.Contains(row, "海关入库") {
		t.Errorf("the row after 120: %s", row)
	}

	s.expect(s.postReceipts(testOperatorKey, inventoryReceipt(t, guid, "800", t0.Add(2*time.Second))), 200)
	eventually(t, "the status part shows 放行", func() bool {
		_, part = c.get("/declarations/" + id + "/status")
		return strings.Contains(part, `id="decl-status">放行<`)
	})
	if polls(part) || !strings.Contains(part, `<div id="decl-actions" hx-swap-oob="true">`) || !strings.Contains(part, `id="cancel-form"`) {
		t.Errorf("released: %s", part)
	}
	if _, row := c.get("/declarations/" + id + "/status?row=1"); polls(row) || !strings.Contains(row, "放行") {
		t.Errorf("the row after 800: %s", row)
	}

	// A poll after the session ended sends the whole page to sign in, not the sign-in page into
	// the part.
	req, _ := http.NewRequest("GET", s.url+"/declarations/"+id+"/status", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Current-URL", s.url+"/declarations/"+id)
	res, err := s.consoleClient().http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent || res.Header.Get("HX-Redirect") != "/signin?next="+url.QueryEscape("/declarations/"+id) {
		t.Errorf("a poll without a session: %d %q", res.StatusCode, res.Header.Get("HX-Redirect"))
	}
}
