package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/silkgate/silkgate/domain/rail"
)

// trainDay is a day whose trains take bookings now (the window opens 14 days before departure
// and closes 3 working days before): nine days ahead, in China time.
func trainDay() time.Time {
	zone, _ := time.LoadLocation("Asia/Shanghai")
	d := time.Now().In(zone).AddDate(0, 0, 9)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, zone)
}

// planTrainAt schedules a 襄西欧 train at the hour of trainDay with the given capacity.
func (s *service) planTrainAt(hour, capacityTEU int) string {
	s.t.Helper()
	at := trainDay().Add(time.Duration(hour) * time.Hour)
	return s.expect(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
		"routeCode": "XXO", "departsAt": at.UTC().Format(time.RFC3339), "capacityTEU": capacityTEU}), 201)["id"].(string)
}

// setValue sets a field the way a date picker does (typing into datetime-local depends on the
// browser's locale).
func (p *page) setValue(sel, value string) {
	p.t.Helper()
	eval[bool](p, `(document.querySelector(`+jsString(sel)+`).value = `+jsString(value)+`) !== null`)
}

// The freight-train pages in a real browser: an exporter books a slot on a nearly full train and
// lands on the waiting list (and without the list is refused); loads a container whose check
// digit is wrong (told as it types and by the server, naming the digit expected, in both
// languages), then the right one; downloads the consignment note. The operator plans an extra
// train (a refused capacity named at its field), reports its movements (the line view moves,
// a movement out of order is refused), plans a timetable and cancels a train. A picture of
// each page in both languages, and at phone width.
func TestConsoleTrainsInBrowser(t *testing.T) {
	t.Parallel()
	if chromiumPath() == "" {
		newTab(t) // skips, or fails in CI
	}
	s := startService(t, consoleEnv)
	s.expect(s.do("POST", "/v1/orgs/org_operator/users", testOperatorKey, map[string]any{
		"email": "ops@zone.example", "name": "赵运营", "role": "admin", "password": "ops-password-1"}), 201)
	a := s.firmWithUser("exporter", "襄阳甲跨境电商有限公司", usccA, "4206360A21", "admin@a.example")
	dep := s.planTrainAt(10, 6)
	first := s.book(a.key, dep, "40HQ", 2, false, nil) // 4 of the 6 TEU
	s.expect(first, 201)
	bk1 := first.JSON(t)["id"].(string)
	week := trainDay().Format("2006-01-02")

	p := s.browse(t)
	p.signIn("admin@a.example", "password-"+a.id)
	shots := func(lang string) {
		t.Helper()
		for _, sh := range []struct{ name, path string }{
			{"trains", "/trains?line=XXO&week=" + week}, {"train", "/trains/" + dep},
			{"bookings", "/bookings"}, {"booking", "/bookings/" + bk1},
		} {
			if status := p.open(sh.path); status != 200 {
				t.Errorf("%s %s: %d", lang, sh.path, status)
			}
			p.screenshot(lang + "-trains-" + sh.name)
		}
	}

	t.Run("a slot on a nearly full train waits", func(t *testing.T) {
		if status := p.open("/trains?line=XXO&week=" + week); status != 200 {
			t.Fatalf("timetable: %d", status)
		}
		if row := p.text("#departures tbody"); !strings.Contains(row, "4 / 6 TEU") || !strings.Contains(row, "襄西欧") {
			t.Errorf("timetable row %q: want the line and 4 / 6 TEU confirmed", row)
		}
		// The filters through htmx: the results replaced in place, the address kept in step.
		eval[bool](p, `window.samePage = true`)
		p.setValue("#line", "XHO")
		if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(".filters button[type=submit]"))); err != nil {
			t.Fatal(err)
		}
		pollWithin(t, 30, 50*time.Millisecond, "htmx replaces the timetable", func() bool {
			return p.has("#no-departures") && strings.Contains(eval[string](p, "location.search"), "line=XHO")
		})
		if !eval[bool](p, `window.samePage === true`) {
			t.Error("a new page loaded: htmx did not run")
		}
		p.open("/trains?line=XXO&week=" + week)
		shown := p.text("#week-range")
		p.submit("#next-week")
		if next := p.text("#week-range"); next == shown || !p.has("#no-departures") {
			t.Errorf("next week %q after %q: want another, empty week", next, shown)
		}
		p.submit("#prev-week")
		if back := p.text("#week-range"); back != shown {
			t.Errorf("back to %q, want %q", back, shown)
		}
		p.open("/trains/" + dep)
		p.fill("#count40HQ", "2", "#grossKg", "30000", "#cargoDescription", "蓝牙耳机", "#hsCodes", "851830, 8517",
			"#consigneeName", "Duisport Logistics GmbH", "#consigneeCountry", "DE")
		eval[bool](p, `(document.querySelector("#allowWaitlist").checked = false) === false`)
		if status := p.submit("#book-form button[type=submit]"); status != 422 || !strings.Contains(p.text("#book-errors"), "舱位已满") {
			t.Errorf("a full train without the waiting list: %d", status)
		}
		if v := eval[string](p, `document.querySelector("#consigneeName").value`); v != "Duisport Logistics GmbH" {
			t.Errorf("the refused form lost its values: %q", v)
		}
		p.screenshot("zh-trains-book-refused")
		eval[bool](p, `document.querySelector("#allowWaitlist").checked = true`)
		if status := p.submit("#book-form button[type=submit]"); status != 200 {
			t.Fatalf("booking with the waiting list: %d", status)
		}
		if st, msg := p.text("#booking-status"), p.text("#booked"); st != "候补" || !strings.Contains(msg, "候补") {
			t.Errorf("booked: status %q, message %q: want waitlisted", st, msg)
		}
		p.screenshot("zh-trains-booking-waitlisted")
		waiting := eval[string](p, "location.pathname")
		p.open("/trains/" + dep)
		if capacity := p.text("#capacity"); !strings.Contains(capacity, "4 / 6 TEU") || !strings.Contains(capacity, "候补 4 TEU") {
			t.Errorf("capacity %q: want 4 / 6 confirmed and 4 waitlisted", capacity)
		}
		if n := eval[int](p, `document.querySelectorAll("#booking-table tbody tr").length`); n != 2 {
			t.Errorf("the train shows %d of the exporter's bookings, want 2", n)
		}
		// The waiting booking is withdrawn, with a reason; the train's waiting list empties.
		p.open(waiting)
		p.fill("#reason", "改走海运")
		if status := p.submit("#cancel-booking-form button[type=submit]"); status != 200 || p.text("#booking-status") != "已取消" ||
			!strings.Contains(p.text("main"), "改走海运") {
			t.Errorf("cancelled: %d %q", status, p.text("#booking-status"))
		}
		p.screenshot("zh-trains-booking-cancelled")
		p.open("/trains/" + dep)
		if capacity := p.text("#capacity"); !strings.Contains(capacity, "4 / 6 TEU") || strings.Contains(capacity, "候补") {
			t.Errorf("capacity after the cancellation %q", capacity)
		}
	})

	t.Run("a wrong check digit is named as typed and by the server", func(t *testing.T) {
		p.open("/bookings/" + bk1)
		// The page's check digit is rail.ContainerCheckDigit's.
		var prefixes []string
		want := map[string]int{}
		for i := 0; i < 200; i++ {
			no := fmt.Sprintf("%c%c%c%c%06d", 'A'+rand.IntN(26), 'A'+rand.IntN(26), 'A'+rand.IntN(26), "UJZ"[rand.IntN(3)], rand.IntN(1000000))
			want[no], _ = rail.ContainerCheckDigit(no)
			prefixes = append(prefixes, no)
		}
		digits := eval[map[string]int](p, `(function () { var out = {};
			`+jsString(strings.Join(prefixes, ","))+`.split(",").forEach(function (n) { out[n] = window.silkgateCheckDigit(n); });
			return out; })()`)
		for no, d := range want {
			if digits[no] != d {
				t.Errorf("check digit of %s: the page says %d, rail.ContainerCheckDigit %d", no, digits[no], d)
			}
		}
		p.fill("#containerNo", "csqu 305438-4", "#sealNo", "SG123456")
		if msg := p.text("#containerNo-check"); !strings.Contains(msg, "CSQU305438 的校验码应为 3，而不是 4") {
			t.Errorf("as typed: %q", msg)
		}
		p.screenshot("zh-trains-load-typing")
		if status := p.submit("#load-form button[type=submit]"); status != 422 {
			t.Errorf("a wrong check digit: %d, want 422", status)
		}
		if msg := p.text("#containerNo-error"); msg != "CSQU305438 的校验码应为 3，而不是 4。" {
			t.Errorf("the server says %q", msg)
		}
		p.screenshot("zh-trains-load-refused")
		p.fill("#containerNo", "CSQU3054383")
		if msg := p.text("#containerNo-check"); msg != "校验码正确。" {
			t.Errorf("as typed, a right number: %q", msg)
		}
		if status := p.submit("#load-form button[type=submit]"); status != 200 || !strings.Contains(p.text("#loaded"), "CSQU3054383") {
			t.Errorf("loading: %d", status)
		}
		got := eval[string](p, `(function () { var x = new XMLHttpRequest();
			x.open("GET", document.querySelector("#consignment-note").href, false); x.send();
			return x.status + " " + x.getResponseHeader("Content-Type") + " " + x.responseText.slice(0, 5); })()`)
		if got != "200 application/pdf %PDF-" {
			t.Errorf("the consignment note link answers %q", got)
		}
		shots("zh")
		p.submit("#lang-switch")
		shots("en")
		p.open("/bookings/" + bk1)
		p.fill("#containerNo", "CSQU3054384", "#sealNo", "SG123457")
		if msg := p.text("#containerNo-check"); msg != "The check digit of CSQU305438 is 3, not 4." {
			t.Errorf("as typed, in English: %q", msg)
		}
		if status := p.submit("#load-form button[type=submit]"); status != 422 || p.text("#containerNo-error") != "The check digit of CSQU305438 is 3, not 4." {
			t.Errorf("in English: %d %q", status, p.text("#containerNo-error"))
		}
		p.screenshot("en-trains-load-refused")
		p.viewport(390, 844)
		p.open("/trains/" + dep)
		p.screenshot("en-trains-train-phone")
		if wide := eval[bool](p, `document.documentElement.scrollWidth > 420`); wide {
			t.Error("the train page is wider than a phone")
		}
		p.viewport(1280, 900)
	})

	t.Run("the operator plans, reports movements and cancels", func(t *testing.T) {
		o := s.browse(t)
		o.signIn("ops@zone.example", "ops-password-1")
		o.open("/trains?line=XXO&week=" + week)
		day := trainDay().AddDate(0, 0, 1).Format("2006-01-02") // one train a day per line
		o.setValue("#departsAt", day+"T15:00")
		o.fill("#capacityTEU", "500")
		if status := o.submit("#departure-form button[type=submit]"); status != 422 || !strings.Contains(o.text("#capacityTEU-error"), "1 到 110") {
			t.Errorf("capacity 500: %d", status)
		}
		o.screenshot("zh-trains-plan-refused")
		o.fill("#capacityTEU", "40")
		if status := o.submit("#departure-form button[type=submit]"); status != 200 || !o.has("#planned") {
			t.Fatalf("an extra train: %d", status)
		}
		if capacity := o.text("#capacity"); !strings.Contains(capacity, "0 / 40 TEU") {
			t.Errorf("the extra train's capacity %q", capacity)
		}
		now := time.Now().In(trainDay().Location()).Format("2006-01-02T15:04")
		o.setValue("#at", now)
		if status := o.submit("#event-form button[type=submit]"); status != 200 || !strings.Contains(o.text(".rl-current"), "襄阳") {
			t.Fatalf("departed: %d, current %q", status, o.text("#railline"))
		}
		o.setValue("#event-type", "border_crossed")
		o.setValue("#event-location", "ALASHANKOU")
		o.setValue("#at", now)
		if status := o.submit("#event-form button[type=submit]"); status != 200 || !strings.Contains(o.text(".rl-current"), "阿拉山口") {
			t.Errorf("border crossed: %d, current %q", status, o.text("#railline"))
		}
		if n := eval[int](o, `document.querySelectorAll("#railline .rl-passed").length`); n != 3 {
			t.Errorf("%d stops passed, want 3 (Xiangyang, Xi'an, Alashankou)", n)
		}
		if st := o.text("#departure-status"); st != "已发车" {
			t.Errorf("status %q", st)
		}
		o.screenshot("zh-trains-train-moving")
		o.setValue("#event-type", "border_crossed")
		o.setValue("#event-location", "XIAN") // passed already
		o.setValue("#at", now)
		if status := o.submit("#event-form button[type=submit]"); status != 422 || !strings.Contains(o.text("#event-errors"), "顺序") {
			t.Errorf("a movement at a stop passed: %d", status)
		}
		o.screenshot("zh-trains-event-refused")

		o.open("/trains?line=XHO&week=" + week)
		o.setValue("#plan-line", "XHO")
		o.fill("#plan-weeks", "2")
		if status := o.submit("#timetable-form button[type=submit]"); status != 200 || !o.has("#plan-done") {
			t.Fatalf("timetable: %d", status)
		}
		o.screenshot("zh-trains-timetable-planned")
		o.submit("#departures tbody a")
		eval[bool](o, `document.querySelector("#reason").removeAttribute("required"), true`)
		if status := o.submit("#cancel-train-form button[type=submit]"); status != 422 || !o.has("#reason-error") {
			t.Errorf("a cancellation without a reason: %d", status)
		}
		o.fill("#reason", "线路施工停运")
		if status := o.submit("#cancel-train-form button[type=submit]"); status != 200 || o.text("#departure-status") != "已停运" {
			t.Errorf("cancelled: %d %q", status, o.text("#departure-status"))
		}
		o.screenshot("zh-trains-train-cancelled")
		o.submit("#lang-switch")
		o.open("/trains?line=XXO&week=" + week)
		o.screenshot("en-trains-operator")
		o.open("/trains?line=XXO&week=" + week)
		o.submit(`#departures tbody tr:last-child a`)
		o.screenshot("en-trains-train-moving")
	})
}

var rowRE = regexp.MustCompile(`<tr>\s*<th scope="row">`)

// The train pages without a browser: another exporter's booking, its consignment note and its
// cancellation are the 404 page of a made-up one, the operator's forms are the 404 page for an
// exporter, a train shows only the user's bookings; lists read one page (20 rows, a next link);
// a page costs what its API routes cost plus the session.
func TestConsoleTrainsRefusals(t *testing.T) {
	t.Parallel()
	s := startService(t, consoleEnv)
	a := s.firmWithUser("exporter", "甲", usccA, "4206360A21", "admin@a.example")
	b := s.firmWithUser("exporter", "乙", usccB, "4206340017", "admin@b.example")
	dep := s.planTrainAt(10, 110)
	theirs := s.expect(s.book(b.key, dep, "40HQ", 1, false, nil), 201)["id"].(string)
	var mine string
	for i := 0; i < 22; i++ {
		mine = s.expect(s.book(a.key, dep, "40HQ", 1, false, nil), 201)["id"].(string)
	}
	// 22 trains in the week (one a day per line): the one booked and 21 more.
	monday := trainDay().AddDate(0, 0, -((int(trainDay().Weekday()) + 6) % 7))
	for n, i := 0, 0; n < 21; i++ {
		at := monday.AddDate(0, 0, i%7).Add(12 * time.Hour)
		line := []string{"XHO", "XXO", "XQM", "XYO"}[i/7]
		if line == "XXO" && at.YearDay() == trainDay().YearDay() {
			continue
		}
		s.expect(s.do("POST", "/v1/departures", testOperatorKey, map[string]any{
			"routeCode": line, "departsAt": at.UTC().Format(time.RFC3339), "capacityTEU": 20}), 201)
		n++
	}

	c := s.consoleClient()
	c.signIn("admin@a.example", "password-"+a.id)
	madeUp, madeUpPage := c.get("/bookings/bkg_01JD000000000000000000000X")
	for _, path := range []string{"/bookings/" + theirs, "/bookings/" + theirs + "/consignment-note"} {
		if status, page := c.get(path); status != 404 || mainOf(page) != mainOf(madeUpPage) || madeUp != 404 {
			t.Errorf("%s: %d, want the 404 page of a made-up booking (%d)", path, status, madeUp)
		}
	}
	for _, post := range []struct {
		path string
		form url.Values
	}{
		{"/bookings/" + theirs + "/cancel", url.Values{"reason": {"mine now"}}},
		{"/bookings/" + theirs + "/containers", url.Values{"containerNo": {"CSQU3054383"}, "type": {"40HQ"}, "sealNo": {"S1"}}},
		{"/trains/" + dep + "/events", url.Values{"type": {"departed"}, "location": {"XIANGYANG"}, "at": {"2026-01-01T10:00"}}},
		{"/trains/" + dep + "/cancel", url.Values{"reason": {"no"}}},
		{"/trains/departures", url.Values{"line": {"XXO"}}},
	} {
		if status, page, _ := c.post("/bookings/"+mine, post.path, post.form, true); status != 404 || mainOf(page) != mainOf(madeUpPage) {
			t.Errorf("POST %s: %d, want the 404 page", post.path, status)
		}
	}
	if b := s.expect(s.do("GET", "/v1/bookings/"+theirs, b.key, nil), 200); b["status"] != "confirmed" || len(b["loadedContainers"].([]any)) != 0 {
		t.Errorf("the other exporter's booking changed: %v", b)
	}
	if st := s.expect(s.do("GET", "/v1/departures/"+dep, testOperatorKey, nil), 200)["status"]; st != "scheduled" {
		t.Errorf("the train is %v after an exporter's forms", st)
	}

	// A form's address opened with GET (a reload, the language switched on a refused form) is
	// its page.
	for form, page := range map[string]string{"/trains/" + dep + "/book": "/trains/" + dep, "/bookings/" + mine + "/containers": "/bookings/" + mine,
		"/trains/departures": "/trains"} {
		res, err := c.http.Get(s.url + form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 303 || res.Header.Get("Location") != page {
			t.Errorf("GET %s: %d to %q, want 303 to %s", form, res.StatusCode, res.Header.Get("Location"), page)
		}
	}

	// One page at a time.
	week := trainDay().Format("2006-01-02")
	for _, l := range []struct{ path, what string }{
		{"/trains?week=" + week, "trains"}, {"/bookings", "bookings"}, {"/trains/" + dep, "the train's bookings"},
	} {
		status, page := c.get(l.path)
		if n := len(rowRE.FindAllString(page, -1)); status != 200 || n != 20 || !strings.Contains(page, `id="next-page"`) {
			t.Fatalf("%s: %d, %d rows: want 20 and a next page", l.what, status, n)
		}
		if strings.Contains(page, theirs) {
			t.Errorf("%s shows the other exporter's booking", l.what)
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next" id="next-page"`).FindStringSubmatch(page)
		status, page = c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		if n := len(rowRE.FindAllString(page, -1)); status != 200 || n != 2 || strings.Contains(page, `id="next-page"`) {
			t.Errorf("%s, second page: %d, %d rows: want the last 2", l.what, status, n)
		}
	}

	// A refused form shows the list again, its next page at the list's address.
	status, page, _ := c.post("/trains/"+dep, "/trains/"+dep+"/book", url.Values{"cargoDescription": {"玩具"}}, true)
	next := regexp.MustCompile(`href="([^"]+)" rel="next" id="next-page"`).FindStringSubmatch(page)
	if status != 422 || next == nil || !strings.HasPrefix(next[1], "/trains/"+dep+"?cursor=") || !strings.Contains(page, `id="grossKg-error"`) {
		t.Errorf("a refused booking form: %d, next page %v", status, next)
	}

	// An exporter books for itself; a broker for an exporter that authorised it, and only then.
	slot := url.Values{"count40GP": {"1"}, "grossKg": {"9000"}, "cargoDescription": {"玩具"}, "exporterId": {b.id}}
	if status, page, _ := c.post("/trains/"+dep, "/trains/"+dep+"/book", slot, true); status != 422 || !strings.Contains(page, "只能为本企业登记包裹或订舱") {
		t.Errorf("an exporter booking for another: %d", status)
	}
	brk := s.firmWithUser("broker", "丙", usccC, "4206380015", "admin@c.example")
	bc := s.consoleClient()
	bc.signIn("admin@c.example", "password-"+brk.id)
	slot.Set("exporterId", a.id)
	status, page, _ = bc.post("/trains/"+dep, "/trains/"+dep+"/book", slot, true)
	if status != 422 || !strings.Contains(page, `id="exporterId-error"`) || !strings.Contains(page, "未授权贵公司") {
		t.Errorf("a broker booking for an exporter that did not authorise it: %d", status)
	}
	s.authorize(a, a, brk, "9610")
	status, _, res := bc.post("/trains/"+dep, "/trains/"+dep+"/book", slot, true)
	if status != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/bookings/bkg_") {
		t.Fatalf("a broker booking for an exporter that authorised it: %d", status)
	}
	if status, page := bc.get(res.Header.Get("Location")); status != 200 || !strings.Contains(page, a.id) {
		t.Errorf("the broker's booking: %d", status)
	}
	if status, _ := bc.get("/bookings/" + theirs); status != 404 {
		t.Errorf("the broker opened a booking of an exporter that did not authorise it: %d", status)
	}

	// A page costs its API routes plus the session's read.
	from := url.QueryEscape(monday.Format(time.RFC3339))
	to := url.QueryEscape(monday.AddDate(0, 0, 7).Format(time.RFC3339))
	s.quiet()
	for _, pair := range []struct {
		page string
		api  []string
	}{
		{"/trains/" + dep, []string{"/v1/departures/" + dep, "/v1/bookings?limit=20&departureId=" + dep}},
		{"/bookings", []string{"/v1/bookings?limit=20"}},
		{"/bookings/" + mine, []string{"/v1/bookings/" + mine}},
		{"/trains?week=" + week, []string{"/v1/routes", "/v1/departures?limit=20&from=" + from + "&to=" + to}},
	} {
		pageCosts(t, s, c, pair.page, a.key, pair.api...)
	}
}
