package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/silkgate/silkgate/adapters/mongo"
)

// intakeSample is the workbook the intake tests upload: four parcels in six rows, one of them
// right (row 2) and a problem in each of rows 4 (an HS code of 5 digits), 5 (a quantity that is
// not a number) and 6 (a country that does not exist). It is written by intakeSampleXLSX to
// testdata/console-import-with-errors.xlsx, and the test fails if the committed file differs.
var intakeSample = [][]string{
	{"logisticsCode", "logisticsNo", "tradeMode", "orderNo", "consigneeName", "consigneeCountry", "consigneeCity", "consigneeAddress",
		"destinationCountry", "currency", "grossWeightKg", "netWeightKg", "gcode", "gname", "gmodel", "qty", "unit", "price", "originCountry"},
	{carrierCode, "XLS0001", "9610", "SO-XLS0001", "Jan Nowak", "PL", "Kraków", "Rynek Główny 1", "PL", "EUR", "0.5", "0.4", "8518300000", "蓝牙耳机", "TWS|白色", "1", "007", "19.9", "CN"},
	{carrierCode, "XLS0002", "9610", "SO-XLS0002", "Zofia Wójcik", "PL", "Warszawa", "ul. Marszałkowska 84", "PL", "EUR", "0.9", "0.7", "6109100000", "纯棉T恤", "纯棉|L码", "2", "011", "6.5", "CN"},
	{carrierCode, "XLS0002", "9610", "SO-XLS0002", "Zofia Wójcik", "PL", "Warszawa", "ul. Marszałkowska 84", "PL", "EUR", "0.9", "0.7", "85183", "蓝牙耳机", "TWS|黑色", "1", "007", "19.9", "CN"},
	{carrierCode, "XLS0003", "9610", "SO-XLS0003", "Jürgen Müller", "DE", "Berlin", "Friedrichstraße 123", "DE", "EUR", "0.6", "0.4", "8518300000", "蓝牙耳机", "TWS|白色", "two", "007", "19.9", "CN"},
	{carrierCode, "XLS0004", "9610", "SO-XLS0004", "Kovács Éva", "ZZ", "Budapest", "Váci utca 12", "HU", "EUR", "0.6", "0.4", "8518300000", "蓝牙耳机", "TWS|白色", "1", "007", "19.9", "CN"},
}

// intakeSampleXLSX makes the sample workbook and returns its path (in testdata/).
func intakeSampleXLSX(t *testing.T) (string, []byte) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range intakeSample {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "console-import-with-errors.xlsx")
	if old, err := os.ReadFile(path); err != nil || !bytes.Equal(old, b.Bytes()) {
		// excelize writes the same bytes for the same cells; a first run (or a changed sample)
		// writes the file, which is committed.
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	abs, _ := filepath.Abs(path)
	return abs, b.Bytes()
}

// upload posts a file to the console as the import form does (with the page's CSRF token).
func (c *consoleClient) upload(path, filename string, content []byte) (int, string, *http.Response) {
	c.s.t.Helper()
	_, page := c.get(path)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		c.s.t.Fatalf("%s has no CSRF field", path)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", m[1])
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = w.Close()
	res, err := c.http.Post(c.s.url+path, w.FormDataContentType(), &body)
	if err != nil {
		c.s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res
}

var (
	downloadRE = regexp.MustCompile(`href="(/parcels/import/[^"]+/errors\.csv)"`)
	authLinkRE = regexp.MustCompile(`/authorizations/(auth_[A-Za-z0-9]+)`)
)

// rowOf is the problems table's row for a sheet row.
func rowOf(page string, row string) string {
	return regexp.MustCompile(`(?s)<tr data-row="` + row + `">.*?</tr>`).FindString(page)
}

// intakeWorld: an exporter and a broker with their admins, another exporter, the operator's user.
type intakeWorld struct {
	s                     *service
	a, b, broker          firm
	adminA, adminB, brk   string // emails; the password is "password-" + the firm's id
	operator, operatorPwd string
}

func newIntakeWorld(t *testing.T) *intakeWorld {
	s := startService(t, consoleEnv)
	w := &intakeWorld{s: s, adminA: "admin@a.example", adminB: "admin@b.example", brk: "admin@c.example",
		operator: "ops@zone.example", operatorPwd: "operator-password"}
	w.a = s.firmWithUser("exporter", "甲", usccA, "4206360A21", w.adminA)
	w.b = s.firmWithUser("exporter", "乙", usccB, "4206340017", w.adminB)
	w.broker = s.firmWithUser("broker", "丙", usccC, "4206380015", w.brk)
	s.expect(s.do("POST", "/v1/orgs/org_operator/users", testOperatorKey, map[string]any{
		"email": w.operator, "name": "运营", "role": "admin", "password": w.operatorPwd}), 201)
	return w
}

func (w *intakeWorld) client(email string, f firm) *consoleClient {
	c := w.s.consoleClient()
	c.signIn(email, "password-"+f.id)
	return c
}

// Intake, authorisations and administration over plain HTTP: the upload's problems at their
// rows and as a CSV only its session downloads; a parcel refused at its field then registered;
// a broker's request confirmed by the exporter, shown by its card until then, the 404 page to
// a third firm; an exporter and a broker meet the 404 page on the operator's pages; the
// operator registers a firm, issues a key (shown once) and revokes it, and reads the audit log.
func TestConsoleIntakeAPI(t *testing.T) {
	t.Parallel()
	w := newIntakeWorld(t)
	s := w.s
	_, sample := intakeSampleXLSX(t)
	a := w.client(w.adminA, w.a)

	t.Run("an upload's problems at their rows, and as a CSV", func(t *testing.T) {
		status, page, _ := a.upload("/parcels/import", "parcels.xlsx", sample)
		if status != 200 {
			t.Fatalf("upload: %d %s", status, alertOf(page))
		}
		for id, want := range map[string]string{"result-rows": "5", "result-accepted": "1", "result-created": "1", "result-invalid": "3"} {
			if got := regexp.MustCompile(`id="` + id + `">([^<]*)<`).FindStringSubmatch(page); got == nil || got[1] != want {
				t.Errorf("%s: %v, want %s", id, got, want)
			}
		}
		for row, want := range map[string]string{"4": "商品编码应为 10 位数字", "5": "不是有效的数字", "6": "不是有效的国家代码"} {
			if tr := rowOf(page, row); !strings.Contains(tr, want) {
				t.Errorf("row %s: %q, want %q", row, tr, want)
			}
		}
		if rowOf(page, "2") != "" || rowOf(page, "3") != "" {
			t.Error("problems shown at rows without any")
		}
		link := downloadRE.FindStringSubmatch(page)
		if link == nil {
			t.Fatal("no download link")
		}
		res, err := a.http.Get(s.url + link[1])
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
		if err != nil || len(records) != 4 {
			t.Fatalf("the list: %v %q", err, body)
		}
		if r := records[1]; r[0] != "4" || !strings.Contains(r[1], "gcode") || r[2] != "invalid_hs_code" || r[3] != "商品编码应为 10 位数字。" {
			t.Errorf("first problem %q", r)
		}
		// Another session, even of the same firm, does not get it.
		if status, _ := w.client(w.adminA, w.a).get(link[1]); status != 404 {
			t.Errorf("another session's download: %d, want 404", status)
		}
		// The parcel of row 2 is registered, those with problems are not.
		s.expect(s.do("GET", "/v1/tracking/XLS0001", w.a.key, nil), 200)
		s.expectProblem(s.do("GET", "/v1/tracking/XLS0002", w.a.key, nil), 404, "parcel_not_found", "")
		// A file that cannot be read is refused at the file field.
		if status, page, _ := a.upload("/parcels/import", "parcels.csv", []byte("just,a,header\n")); status != 422 || !strings.Contains(page, `id="file-error"`) {
			t.Errorf("a file without the columns: %d", status)
		}
	})

	t.Run("a parcel refused at its field, then registered", func(t *testing.T) {
		form := url.Values{"tradeMode": {"9610"}, "orderNo": {"SO-FORM1"}, "logisticsCode": {carrierCode}, "logisticsNo": {"FORM0001"},
			"consignee.name": {"Jan Nowak"}, "consignee.country": {"PL"}, "consignee.city": {"Kraków"}, "consignee.address": {"Rynek 1"},
			"destinationCountry": {"PL"}, "currency": {"EUR"}, "grossWeightKg": {"0.8"}, "netWeightKg": {"0.6"},
			"items[0].gname": {"蓝牙耳机"}, "items[0].gcode": {"8518300000"}, "items[0].gmodel": {"TWS"}, "items[0].qty": {"1"},
			"items[0].unit": {"007"}, "items[0].price": {"19.9"}, "items[0].originCountry": {"CN"},
			// row 1 blank: left out; row 2 is the draft's second item
			"items[2].gname": {"纯棉T恤"}, "items[2].gcode": {"61091"}, "items[2].gmodel": {"L"}, "items[2].qty": {"1"},
			"items[2].unit": {"011"}, "items[2].price": {"6.5"}, "items[2].originCountry": {"CN"}}
		status, page, _ := a.post("/parcels/new", "/parcels/new", form, true)
		if status != 422 || !strings.Contains(page, `id="f-items-2-gcode-error"`) || !strings.Contains(page, `value="61091"`) {
			t.Fatalf("a wrong HS code: %d, errors %q", status, alertOf(page))
		}
		if !strings.Contains(alertOf(page), `href="#f-items-2-gcode"`) {
			t.Errorf("the summary does not lead to the field: %q", alertOf(page))
		}
		noItems := url.Values{}
		for k, v := range form {
			if !strings.HasPrefix(k, "items[") {
				noItems[k] = v
			}
		}
		if status, page, _ := a.post("/parcels/new", "/parcels/new", noItems, true); status != 422 || !strings.Contains(alertOf(page), "至少需要一行商品") {
			t.Errorf("no goods: %d %q", status, alertOf(page))
		}
		form.Set("items[2].gcode", "6109100000")
		status, _, res := a.post("/parcels/new", "/parcels/new", form, true)
		if status != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/parcels/pcl_") {
			t.Fatalf("fixed: %d %s", status, res.Header.Get("Location"))
		}
		p := s.expect(s.do("GET", "/v1/tracking/FORM0001", w.a.key, nil), 200)
		if p["status"] != "registered" {
			t.Errorf("registered parcel %v", p)
		}
		// The operator names the exporter.
		op := s.consoleClient()
		op.signIn(w.operator, w.operatorPwd)
		if _, page := op.get("/parcels/new"); !strings.Contains(page, `name="exporterId"`) {
			t.Error("the operator's form has no exporter field")
		}
		if _, page := a.get("/parcels/new"); strings.Contains(page, `name="exporterId"`) {
			t.Error("an exporter's form has an exporter field")
		}
		form.Set("logisticsNo", "FORM0002")
		if status, _, _ := op.post("/parcels/new", "/parcels/new", form, true); status != 422 {
			t.Errorf("the operator without an exporter: %d", status)
		}
		form.Set("exporterId", w.a.id)
		if status, _, _ := op.post("/parcels/new", "/parcels/new", form, true); status != 303 {
			t.Errorf("the operator for an exporter: %d", status)
		}
		s.expect(s.do("GET", "/v1/tracking/FORM0002", w.a.key, nil), 200)
	})

	t.Run("a broker asks, the exporter confirms", func(t *testing.T) {
		brk := w.client(w.brk, w.broker)
		today := time.Now().Format(time.DateOnly)
		next := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
		status, page, _ := brk.post("/authorizations/new", "/authorizations", url.Values{"other": {"org_nosuch"}, "tradeModes": {"9610"},
			"validFrom": {today}, "validTo": {next}}, true)
		if status != 422 || !strings.Contains(page, `id="other-error"`) {
			t.Errorf("an unknown organisation: %d", status)
		}
		status, _, res := brk.post("/authorizations/new", "/authorizations", url.Values{"other": {w.a.id}, "tradeModes": {"9610", "1210"},
			"validFrom": {today}, "validTo": {next}}, true)
		m := authLinkRE.FindStringSubmatch(res.Header.Get("Location"))
		if status != 303 || m == nil {
			t.Fatalf("request: %d %s", status, res.Header.Get("Location"))
		}
		id := m[1]
		_, asked := brk.get("/authorizations/" + id)
		if !strings.Contains(asked, `id="card-only"`) || strings.Contains(asked, usccA) || strings.Contains(asked, `id="confirm-auth"`) {
			t.Error("the asker sees more than the exporter's card, or may confirm its own request")
		}
		_, exp := a.get("/authorizations?status=pending")
		if !strings.Contains(exp, id) {
			t.Error("the exporter's pending list lacks the request")
		}
		_, detail := a.get("/authorizations/" + id)
		if !strings.Contains(detail, usccC) || !strings.Contains(detail, `id="confirm-auth"`) {
			t.Error("the exporter does not see the broker in full, or cannot confirm")
		}
		if status, _, _ := a.post("/authorizations/"+id, "/authorizations/"+id+"/confirm", url.Values{}, true); status != 303 {
			t.Fatalf("confirm: %d", status)
		}
		if _, page := brk.get("/authorizations/" + id); !strings.Contains(page, usccA) || !strings.Contains(page, "生效中") {
			t.Error("after the confirmation the broker does not see the exporter in full")
		}
		// A third firm: the 404 page, as for an id that names nothing; it cannot act on it either.
		b := w.client(w.adminB, w.b)
		theirs, theirsPage := b.get("/authorizations/" + id)
		madeUp, madeUpPage := b.get("/authorizations/auth_01JD0000000000000000000000")
		if theirs != 404 || madeUp != 404 || mainOf(theirsPage) != mainOf(madeUpPage) {
			t.Errorf("another firm's authorisation %d, a made-up one %d: want one 404 page", theirs, madeUp)
		}
		if status, _, _ := b.post("/authorizations", "/authorizations/"+id+"/revoke", url.Values{}, true); status != 404 {
			t.Errorf("another firm revokes: %d", status)
		}
		if _, list := b.get("/authorizations"); strings.Contains(list, id) {
			t.Error("another firm lists the authorisation")
		}
		// An exporter grants at once; the operator asks nobody.
		status, _, res = b.post("/authorizations/new", "/authorizations", url.Values{"other": {w.broker.id}, "tradeModes": {"9610"},
			"validFrom": {today}, "validTo": {next}}, true)
		if status != 303 {
			t.Fatalf("an exporter grants: %d", status)
		}
		if _, page := b.get(res.Header.Get("Location")); !strings.Contains(page, `id="auth-status">生效中`) || strings.Contains(page, `id="confirm-auth"`) {
			t.Error("a grant by the exporter is not active at once")
		}
		op := s.consoleClient()
		op.signIn(w.operator, w.operatorPwd)
		if status, _ := op.get("/authorizations/new"); status != 404 {
			t.Errorf("the operator opens the request form: %d", status)
		}
		if _, list := op.get("/authorizations"); !strings.Contains(list, id) {
			t.Error("the operator's list lacks the agreement")
		}
	})

	t.Run("the operator's pages are the 404 page to firms", func(t *testing.T) {
		_, madeUp := a.get("/no-such-page")
		brk := w.client(w.brk, w.broker)
		for _, c := range []*consoleClient{a, brk} {
			for _, path := range []string{"/orgs/new", "/orgs/" + w.a.id + "/keys", "/audit-log"} {
				if status, page := c.get(path); status != 404 || mainOf(page) != mainOf(madeUp) {
					t.Errorf("%s: %d, want the 404 page", path, status)
				}
			}
		}
		if status, _, _ := a.post("/parcels", "/orgs/"+w.a.id+"/keys", url.Values{}, true); status != 404 {
			t.Errorf("an exporter issues a key in the console: %d", status)
		}
		if status, _ := brk.get("/parcels/new"); status != 404 {
			t.Errorf("a broker opens the parcel form: %d", status)
		}
	})

	t.Run("the operator registers a firm, issues and revokes a key, reads the audit log", func(t *testing.T) {
		op := s.consoleClient()
		op.signIn(w.operator, w.operatorPwd)
		status, page, _ := op.post("/orgs/new", "/orgs/new", url.Values{"kind": {"exporter"}, "name": {"丁"}, "uscc": {"123"}}, true)
		if status != 422 || !strings.Contains(page, `id="f-uscc-error"`) {
			t.Errorf("a wrong USCC: %d %q", status, alertOf(page))
		}
		status, _, res := op.post("/orgs/new", "/orgs/new", url.Values{"kind": {"exporter"}, "name": {"襄阳丁商贸有限公司"}, "nameEn": {"Ding Trading"},
			"uscc": {usccD}, "customsCode": {"4206360B22"}, "contact.name": {"周敏"}, "contact.email": {"zhou@d.example"}}, true)
		keys := res.Header.Get("Location")
		if status != 303 || !strings.HasSuffix(keys, "/keys?registered=1") {
			t.Fatalf("register: %d %s", status, keys)
		}
		keys = strings.TrimSuffix(keys, "?registered=1")
		status, page, _ = op.post(keys, keys, url.Values{"name": {"ERP"}}, true)
		secret := regexp.MustCompile(`id="key-secret">([^<]+)<`).FindStringSubmatch(page)
		if status != 200 || secret == nil {
			t.Fatalf("issue: %d", status)
		}
		orgID := strings.Split(keys, "/")[2]
		s.expect(s.do("GET", "/v1/orgs/"+orgID, secret[1], nil), 200)
		if _, again := op.get(keys); strings.Contains(again, secret[1]) {
			t.Error("the secret is shown again")
		}
		keyID := regexp.MustCompile(`action="` + keys + `/(key_[A-Za-z0-9]+)/revoke"`).FindStringSubmatch(page)
		if keyID == nil {
			t.Fatal("no revoke button")
		}
		if status, _, _ := op.post(keys, keys+"/"+keyID[1]+"/revoke", url.Values{}, true); status != 303 {
			t.Fatalf("revoke: %d", status)
		}
		if r := s.do("GET", "/v1/orgs/"+orgID, secret[1], nil); r.Status != 401 {
			t.Errorf("the revoked key: %d", r.Status)
		}
		eventually(t, "the operator's changes in the audit log", func() bool {
			_, page := op.get("/audit-log?orgId=org_operator")
			return strings.Contains(page, "POST /orgs/new") && strings.Contains(page, "/revoke")
		})
		today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
		if status, page := op.get("/audit-log?since=" + today + "&until=" + today); status != 200 || !strings.Contains(page, "/parcels/import") {
			t.Errorf("today's entries: %d", status)
		}
		if status, _ := op.get("/audit-log?since=yesterday"); status != 422 {
			t.Errorf("a date that is no date: %d", status)
		}
	})
}

// The new list pages read one page, and cost what their API routes cost plus the session:
// the authorisations, an organisation's keys (with the organisation) and the audit log.
func TestConsoleIntakePageCommands(t *testing.T) {
	t.Parallel()
	w := newIntakeWorld(t)
	s := w.s
	for i := 0; i < 22; i++ { // more than a page of authorisations, and of audit entries
		s.expect(s.do("POST", "/v1/authorizations", w.a.key, map[string]any{"exporterId": w.a.id, "brokerId": w.broker.id,
			"tradeModes": []string{"9610"}, "validFrom": time.Now().Format(time.RFC3339),
			"validTo": time.Now().AddDate(1, 0, 0).Format(time.RFC3339)}), 201)
	}
	op := s.consoleClient()
	op.signIn(w.operator, w.operatorPwd)
	a := w.client(w.adminA, w.a)
	eventually(t, "the audit log has a page", func() bool {
		_, page := op.get("/audit-log")
		return strings.Contains(page, `id="next-page"`)
	})
	s.quiet()
	for _, c := range []struct {
		client    *consoleClient
		key       string
		page, api string
		rows      int
	}{
		{a, w.a.key, "/authorizations", "/v1/authorizations?limit=20", 20},
		{a, w.a.key, "/authorizations?status=active", "/v1/authorizations?limit=20&status=active", 20},
		{op, testOperatorKey, "/audit-log", "/v1/audit-log?limit=20", 20},
		// The keys page names the organisation too.
		{op, testOperatorKey, "/orgs/" + w.a.id + "/keys", "/v1/orgs/" + w.a.id + "/api-keys?limit=20 /v1/orgs/" + w.a.id, 1},
	} {
		page, _ := pageCosts(t, s, c.client, c.page, c.key, strings.Fields(c.api)...) // a page may stand for more than one route
		if n := strings.Count(page, "<tr>") - 1; n != c.rows {                        // less the header row
			t.Errorf("%s shows %d rows, want %d", c.page, n, c.rows)
		}
		if c.rows == 20 && !strings.Contains(page, `id="next-page"`) {
			t.Errorf("%s: no next page", c.page)
		}
	}
}

// The intake pages in a real browser: the sample workbook's problems at their rows, the list
// downloaded; a parcel refused at items[1].gcode, then registered; a goods row added by the
// script; a broker's request confirmed by the exporter; a picture of each page in both languages.
func TestConsoleIntakeInBrowser(t *testing.T) {
	t.Parallel()
	if chromiumPath() == "" {
		newTab(t) // skips, or fails in CI
	}
	w := newIntakeWorld(t)
	s := w.s
	sample, _ := intakeSampleXLSX(t)

	for _, lang := range []string{"zh", "en"} {
		shot := func(p *page, name, path string, want int64) {
			t.Helper()
			if status := p.open(path); status != want {
				t.Errorf("%s %s: %d, want %d", lang, path, status, want)
			}
			p.screenshot(lang + "-" + name)
		}
		inLang := func(p *page) {
			if lang == "en" {
				p.submit("#lang-switch")
			}
		}

		// The exporter uploads the workbook.
		p := s.browse(t)
		p.signIn(w.adminA, "password-"+w.a.id)
		inLang(p)
		shot(p, "import", "/parcels/import", 200)
		if err := chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{sample})); err != nil {
			t.Fatal(err)
		}
		if status := p.submit("#upload"); status != 200 {
			t.Fatalf("%s: upload %d", lang, status)
		}
		want := map[string]string{"zh": "商品编码应为 10 位数字", "en": "An HS code is 10 digits"}[lang]
		if got := p.text(`tr[data-row="4"]`); !strings.Contains(got, want) || !strings.Contains(got, "gcode") {
			t.Errorf("%s: row 4 reads %q", lang, got)
		}
		for _, row := range []string{"5", "6"} {
			if !p.has(`tr[data-row="` + row + `"]`) {
				t.Errorf("%s: no problem at row %s", lang, row)
			}
		}
		p.screenshot(lang + "-import-result")
		got, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`fetch(document.querySelector("#download-errors").href).then(r => r.status + " " + r.headers.get("content-type"))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got, "200 text/csv") {
			t.Errorf("%s: the download answers %q", lang, got)
		}

		// One parcel: a wrong HS code on the second goods row, then right.
		shot(p, "parcel-new", "/parcels/new", 200)
		if n := eval[int](p, `document.querySelectorAll(".item-row").length`); n != 3 {
			t.Errorf("%s: %d goods rows, want 3", lang, n)
		}
		if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#add-item"))); err != nil {
			t.Fatal(err)
		}
		if n := eval[int](p, `document.querySelectorAll(".item-row").length`); n != 4 || !p.has(`input[name="items[3].gcode"]#f-items-3-gcode`) {
			t.Errorf("%s: after adding a row, %d rows", lang, n)
		}
		no := "BRW" + lang
		p.fill("#f-orderNo", "SO-"+no, "#f-logisticsCode", carrierCode, "#f-logisticsNo", no,
			"#f-consignee-name", "Jan Nowak", "#f-consignee-country", "PL", "#f-consignee-city", "Kraków",
			"#f-consignee-address", "Rynek Główny 1", "#f-destinationCountry", "PL", "#f-currency", "EUR",
			"#f-grossWeightKg", "0.8", "#f-netWeightKg", "0.6",
			"#f-items-0-gname", "蓝牙耳机", "#f-items-0-gcode", "8518300000", "#f-items-0-gmodel", "TWS", "#f-items-0-qty", "1",
			"#f-items-0-unit", "007", "#f-items-0-price", "19.9", "#f-items-0-originCountry", "CN",
			"#f-items-1-gname", "纯棉T恤", "#f-items-1-gcode", "61091", "#f-items-1-gmodel", "L", "#f-items-1-qty", "2",
			"#f-items-1-unit", "011", "#f-items-1-price", "6.5", "#f-items-1-originCountry", "CN")
		if status := p.submit("#register-parcel"); status != 422 {
			t.Errorf("%s: a wrong HS code: %d", lang, status)
		}
		if !p.has(`#f-items-1-gcode[aria-invalid="true"]`) || !strings.Contains(p.text("#f-items-1-gcode-error"), want) {
			t.Errorf("%s: the problem is not at items[1].gcode", lang)
		}
		p.screenshot(lang + "-parcel-new-refused")
		p.fill("#f-items-1-gcode", "6109100000")
		if status := p.submit("#register-parcel"); status != 200 || !p.has("#parcel-status") {
			t.Errorf("%s: fixed, %d at %s", lang, status, eval[string](p, "location.pathname"))
		}

		// The broker asks an exporter it has no agreement with yet (A, then B); it confirms.
		asked, askedEmail := w.a, w.adminA
		if lang == "en" {
			asked, askedEmail = w.b, w.adminB
		}
		brk := s.browse(t)
		brk.signIn(w.brk, "password-"+w.broker.id)
		inLang(brk)
		shot(brk, "auth-new", "/authorizations/new", 200)
		brk.fill("#other", asked.id)
		if status := brk.submit("#request-auth"); status != 200 || !brk.has("#card-only") {
			t.Fatalf("%s: request %d, or more than the exporter's card shown", lang, status)
		}
		authID := strings.TrimPrefix(eval[string](brk, "location.pathname"), "/authorizations/")
		brk.screenshot(lang + "-auth-pending-asker")
		ex := s.browse(t)
		ex.signIn(askedEmail, "password-"+asked.id)
		inLang(ex)
		shot(ex, "auths", "/authorizations?status=pending", 200)
		if !ex.has(`a[href="/authorizations/` + authID + `"]`) {
			t.Errorf("%s: the exporter's pending list lacks the request", lang)
		}
		if status := ex.open("/authorizations/" + authID); status != 200 || !ex.has("#confirm-auth") {
			t.Fatalf("%s: the exporter opens the request: %d", lang, status)
		}
		ex.screenshot(lang + "-auth-pending-asked")
		if status := ex.submit("#confirm-auth"); status != 200 || ex.text("#auth-status") != map[string]string{"zh": "生效中", "en": "Active"}[lang] {
			t.Errorf("%s: confirm %d, status %q", lang, status, ex.text("#auth-status"))
		}
		ex.screenshot(lang + "-auth-active")
		shot(brk, "auths-broker", "/authorizations", 200)

		// The operator's pages.
		op := s.browse(t)
		op.signIn(w.operator, w.operatorPwd)
		inLang(op)
		shot(op, "org-new", "/orgs/new", 200)
		shot(op, "orgs-with-links", "/orgs", 200)
		shot(op, "keys", "/orgs/"+w.b.id+"/keys", 200)
		op.fill("#key-name", "ERP "+lang)
		if status := op.submit("#issue-key"); status != 200 || !op.has("#key-secret") {
			t.Errorf("%s: issue %d", lang, status)
		}
		op.screenshot(lang + "-key-issued")
		shot(op, "audit-log", "/audit-log", 200)
		op.viewport(390, 844)
		shot(op, "audit-log-phone", "/audit-log", 200)
		if wide := eval[bool](op, `document.documentElement.scrollWidth > 420`); wide {
			t.Errorf("%s: the audit log is wider than a phone", lang)
		}
		p.viewport(390, 844)
		shot(p, "parcel-new-phone", "/parcels/new", 200)
		if wide := eval[bool](p, `document.documentElement.scrollWidth > 420`); wide {
			t.Errorf("%s: the parcel form is wider than a phone", lang)
		}
	}
	t.Logf("screenshots in %s", screenshotDir())
}

// An upload in the console costs the store what the same upload through the API costs, plus
// the session's read (the problems are kept in Redis, not in the store); counted with the work
// each starts in the background.
func TestConsoleIntakeUploadCommands(t *testing.T) {
	t.Parallel()
	w := newIntakeWorld(t)
	s := w.s
	sheet := func(suffix string) []byte {
		var b bytes.Buffer
		cw := csv.NewWriter(&b)
		for i, row := range intakeSample {
			row = append([]string(nil), row...)
			if i > 0 {
				row[1] += suffix // other waybills: new parcels each time
			}
			_ = cw.Write(row)
		}
		cw.Flush()
		return b.Bytes()
	}
	a := w.client(w.adminA, w.a)
	a.get("/parcels/import")
	apiFile := filepath.Join(t.TempDir(), "parcels.csv")
	if err := os.WriteFile(apiFile, sheet("A"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.expect(s.upload(w.a.key, apiFile), 200) // the key cached, the service warm
	s.quiet()
	if err := os.WriteFile(apiFile, sheet("B"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := s.main.store.Commands().Snapshot()
	res := s.expect(s.upload(w.a.key, apiFile), 200)
	s.quiet()
	api := s.main.store.Commands().Since(before)
	if res["created"] != float64(1) || res["invalid"] != float64(3) {
		t.Fatalf("the API's import %v", res)
	}
	_, page := a.get("/parcels/import") // the CSRF token, outside the count
	token := csrfField.FindStringSubmatch(page)[1]
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", token)
	fw, _ := mw.CreateFormFile("file", "parcels.csv")
	_, _ = fw.Write(sheet("C"))
	_ = mw.Close()
	before = s.main.store.Commands().Snapshot()
	resp, err := a.http.Post(s.url+"/parcels/import", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s.quiet()
	console := s.main.store.Commands().Since(before)
	if resp.StatusCode != 200 {
		t.Fatalf("the console's import: %d", resp.StatusCode)
	}
	t.Logf("store commands of an upload: the API's %v; the console's %v", api, console)
	session := mongo.CommandKey{Command: "find", Collection: "sessions", Filter: mongo.FilterID}
	if console[session] != 1 {
		t.Errorf("%d reads of the session", console[session])
	}
	delete(console, session)
	delete(console, mongo.CommandKey{Command: "update", Collection: "sessions", Filter: mongo.FilterID})
	for k, n := range console {
		if n > api[k] {
			t.Errorf("the console's upload costs %v besides the session; the API's %v", console, api)
			break
		}
	}
}
