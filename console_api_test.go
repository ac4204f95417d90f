package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/adapters/mongo"
)

// consoleEnv makes bcrypt cheap for tests: the cost is the configuration's, the rules the same.
var consoleEnv = map[string]string{"SILKGATE_PASSWORD_COST": "4", "SILKGATE_RECONCILE_INTERVAL": "1h"}

// consoleClient is a browser without a browser: a cookie jar and the page's CSRF token.
type consoleClient struct {
	s    *service
	http *http.Client
}

func (s *service) consoleClient() *consoleClient {
	jar, _ := cookiejar.New(nil)
	return &consoleClient{s: s, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// get fetches a console page: its status and HTML.
func (c *consoleClient) get(path string) (int, string) {
	c.s.t.Helper()
	res, err := c.http.Get(c.s.url + path)
	if err != nil {
		c.s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// post sends a form; token "" takes the CSRF token of the page at from.
func (c *consoleClient) post(from, path string, form url.Values, withToken bool) (int, string, *http.Response) {
	c.s.t.Helper()
	if withToken {
		_, page := c.get(from)
		m := csrfField.FindStringSubmatch(page)
		if m == nil {
			c.s.t.Fatalf("%s has no CSRF field", from)
		}
		form.Set("_csrf", m[1])
	}
	res, err := c.http.PostForm(c.s.url+path, form)
	if err != nil {
		c.s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res
}

// signIn signs in through the form and returns the session token.
func (c *consoleClient) signIn(email, password string) string {
	c.s.t.Helper()
	status, body, res := c.post("/signin", "/signin", url.Values{"email": {email}, "password": {password}}, true)
	if status != http.StatusSeeOther {
		c.s.t.Fatalf("sign-in of %s: %d %s", email, status, body)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "sg_session" {
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Expires.IsZero() {
				c.s.t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, an expiry", ck)
			}
			return ck.Value
		}
	}
	c.s.t.Fatal("no session cookie")
	return ""
}

// consoleFirms registers an exporter with an admin user and returns both.
func (s *service) firmWithUser(kind, name, uscc, code, email string) firm {
	s.t.Helper()
	f := s.register(kind, name, uscc, code)
	s.expect(s.do("POST", "/v1/orgs/"+f.id+"/users", testOperatorKey, map[string]any{
		"email": email, "name": name + "管理员", "role": "admin", "password": "password-" + f.id}), 201)
	return f
}

// Users through the API: the operator makes a firm's first admin, the firm's key and admin add
// members, a member adds nobody, an email is taken once, another firm's users are not listed; a
// session token acts as its user, and changing the password closes the sessions.
func TestConsoleUsersAPI(t *testing.T) {
	t.Parallel()
	s := startService(t, consoleEnv)
	a := s.firmWithUser("exporter", "甲", usccA, "4206360A21", "admin@a.example")
	b := s.firmWithUser("exporter", "乙", usccB, "4206340017", "admin@b.example")

	s.expectProblem(s.do("POST", "/v1/orgs/"+a.id+"/users", testOperatorKey, map[string]any{
		"email": "ADMIN@a.example ", "name": "x", "role": "member", "password": "0123456789"}), 409, "email_taken", "email")
	s.expectProblem(s.do("POST", "/v1/orgs/"+a.id+"/users", a.key, map[string]any{
		"email": "m@a.example", "name": "成员", "role": "boss", "password": "short"}), 422, "invalid_role", "role")
	s.expectProblem(s.do("POST", "/v1/orgs/"+b.id+"/users", a.key, map[string]any{
		"email": "m@b.example", "name": "成员", "role": "member", "password": "0123456789"}), 404, "org_not_found", "")
	s.expectProblem(s.do("GET", "/v1/orgs/"+b.id+"/users", a.key, nil), 404, "org_not_found", "")
	s.expect(s.do("POST", "/v1/orgs/"+a.id+"/users", a.key, map[string]any{
		"email": "member@a.example", "name": "成员一", "role": "member", "password": "member-password"}), 201)

	// Signing in through the API: the token acts as the user; the same answer for a wrong
	// password and an unknown email; signing out ends it.
	s.expectProblem(s.do("POST", "/v1/sessions", "", map[string]any{"email": "admin@a.example", "password": "wrong-password"}), 401, "bad_credentials", "")
	s.expectProblem(s.do("POST", "/v1/sessions", "", map[string]any{"email": "nobody@a.example", "password": "wrong-password"}), 401, "bad_credentials", "")
	signedIn := s.do("POST", "/v1/sessions", "", map[string]any{"email": "Admin@A.example", "password": "password-" + a.id})
	session := s.expect(signedIn, 201)
	if session["orgId"] != a.id || session["role"] != "admin" || signedIn.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("session %v", session)
	}
	admin := session["token"].(string)
	s.expect(s.do("GET", "/v1/orgs/"+a.id, admin, nil), 200)
	s.expectProblem(s.do("DELETE", "/v1/sessions/current", a.key, nil), 403, "user_only", "")
	s.expect(s.do("DELETE", "/v1/sessions/current", admin, nil), 204)
	s.expectProblem(s.do("GET", "/v1/orgs/"+a.id, admin, nil), 401, "unauthorized", "")
	admin = s.consoleClient().signIn("admin@a.example", "password-"+a.id) // the console's token works alike
	s.expect(s.do("POST", "/v1/orgs/"+a.id+"/users", admin, map[string]any{
		"email": "member2@a.example", "name": "成员二", "role": "member", "password": "member-password"}), 201)
	member := s.consoleClient().signIn("member@a.example", "member-password")
	s.expectProblem(s.do("POST", "/v1/orgs/"+a.id+"/users", member, map[string]any{
		"email": "member3@a.example", "name": "成员三", "role": "member", "password": "member-password"}), 403, "admin_only", "")
	list := s.expect(s.do("GET", "/v1/orgs/"+a.id+"/users?limit=2", member, nil), 200)
	if len(arr(list["items"])) != 2 || list["nextCursor"] == nil {
		t.Fatalf("first page %v", list)
	}
	next := s.expect(s.do("GET", "/v1/orgs/"+a.id+"/users?limit=2&cursor="+list["nextCursor"].(string), member, nil), 200)
	if len(arr(next["items"])) != 1 || next["nextCursor"] != nil {
		t.Fatalf("second page %v", next)
	}
	for _, u := range append(arr(list["items"]), arr(next["items"])...) {
		if u.(map[string]any)["orgId"] != a.id || strings.Contains(fmt.Sprint(u), "password") {
			t.Errorf("listed %v", u)
		}
	}

	// The password: not for a key; proved by the current one; every session closed after.
	s.expectProblem(s.do("POST", "/v1/users/me/password", a.key, map[string]any{"currentPassword": "x", "newPassword": "0123456789"}), 403, "user_only", "")
	s.expectProblem(s.do("POST", "/v1/users/me/password", member, map[string]any{"currentPassword": "wrong-password", "newPassword": "0123456789"}),
		422, "wrong_password", "currentPassword")
	s.expectProblem(s.do("POST", "/v1/users/me/password", member, map[string]any{"currentPassword": "member-password", "newPassword": "short"}),
		422, "password_too_short", "newPassword")
	other := s.consoleClient().signIn("member@a.example", "member-password")
	s.expect(s.do("POST", "/v1/users/me/password", member, map[string]any{"currentPassword": "member-password", "newPassword": "new-member-password"}), 204)
	s.expectProblem(s.do("GET", "/v1/orgs/"+a.id+"/users", member, nil), 401, "unauthorized", "")
	s.expectProblem(s.do("GET", "/v1/orgs/"+a.id+"/users", other, nil), 401, "unauthorized", "")
	s.consoleClient().signIn("member@a.example", "new-member-password")
}

// The console's refusals without a browser: a form without its token, or with another
// session's, is 403; an unknown email and a wrong password read the same; too many attempts
// are refused; the pages of another role and another firm's parcel are the 404 page.
func TestConsoleRefusals(t *testing.T) {
	t.Parallel()
	s := startService(t, consoleEnv)
	a := s.firmWithUser("exporter", "甲", usccA, "4206360A21", "admin@a.example")
	b := s.firmWithUser("exporter", "乙", usccB, "4206340017", "admin@b.example")
	pb := s.expect(s.do("POST", "/v1/parcels", b.key, parcelBody("XYB00001")), 201)

	c := s.consoleClient()
	wrong, _, _ := c.post("/signin", "/signin", url.Values{"email": {"admin@a.example"}, "password": {"not-the-password"}}, true)
	_, wrongPage, _ := c.post("/signin", "/signin", url.Values{"email": {"admin@a.example"}, "password": {"not-the-password"}}, true)
	unknown, unknownPage, _ := c.post("/signin", "/signin", url.Values{"email": {"nobody@a.example"}, "password": {"not-the-password"}}, true)
	if wrong != 401 || unknown != 401 || alertOf(wrongPage) != alertOf(unknownPage) || alertOf(wrongPage) == "" {
		t.Errorf("wrong password %d %q, unknown email %d %q: want the same 401", wrong, alertOf(wrongPage), unknown, alertOf(unknownPage))
	}
	if status, _, _ := c.post("/signin", "/signin", url.Values{"email": {"admin@a.example"}, "password": {"password-" + a.id}}, false); status != 403 {
		t.Errorf("sign-in without the CSRF token: %d, want 403", status)
	}

	c.signIn("admin@a.example", "password-"+a.id)
	for _, form := range []url.Values{{}, {"_csrf": {"forged"}}} {
		status, page, _ := c.post("/password", "/password", url.Values{"currentPassword": {"password-" + a.id}, "newPassword": {"0123456789abc"},
			"_csrf": form["_csrf"]}, false)
		if status != 403 || !strings.Contains(page, `id="error-message"`) {
			t.Errorf("password form with token %q: %d, want the 403 page", form.Get("_csrf"), status)
		}
	}
	madeUp, madeUpPage := c.get("/parcels/prc_01JD000000000000000000000X")
	theirs, theirsPage := c.get("/parcels/" + pb["id"].(string))
	orgs, orgsPage := c.get("/orgs")
	if madeUp != 404 || theirs != 404 || orgs != 404 || mainOf(madeUpPage) != mainOf(theirsPage) || mainOf(orgsPage) != mainOf(theirsPage) {
		t.Errorf("made-up parcel %d, another firm's %d, the operator's page %d: want one 404 page", madeUp, theirs, orgs)
	}

	// Attempts per email: ten in the window, then refused, even with the right password.
	d := s.consoleClient()
	for i := 0; i < 9; i++ {
		d.post("/signin", "/signin", url.Values{"email": {"admin@b.example"}, "password": {"guess"}}, true)
	}
	if status, _, _ := d.post("/signin", "/signin", url.Values{"email": {"admin@b.example"}, "password": {"password-" + b.id}}, true); status != 303 {
		t.Errorf("tenth attempt with the right password: %d, want 303", status)
	}
	if status, page, _ := s.consoleClient().post("/signin", "/signin", url.Values{"email": {"admin@b.example"}, "password": {"password-" + b.id}}, true); status != 429 ||
		!strings.Contains(page, "登录尝试次数过多") {
		t.Errorf("eleventh attempt: %d, want 429 with the message", status)
	}
}

var alertRE = regexp.MustCompile(`(?s)id="form-errors">(.*?)</div>`)

func alertOf(page string) string {
	if m := alertRE.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

var mainRE = regexp.MustCompile(`(?s)<main.*</main>`)

func mainOf(page string) string { return mainRE.FindString(page) }

// A console page costs at most what the API's route costs the same user plus the read of the
// session by _id (a parcel's page leaves out the declarations the API's answer names): the parcels list, a parcel, the home page (the organisation and the dashboard), tracking.
func TestConsolePageCommands(t *testing.T) {
	t.Parallel()
	s := startService(t, consoleEnv)
	a := s.firmWithUser("exporter", "甲", usccA, "4206360A21", "admin@a.example")
	p := s.expect(s.do("POST", "/v1/parcels", a.key, parcelBody("XYC00001")), 201)
	c := s.consoleClient()
	c.signIn("admin@a.example", "password-"+a.id)
	id := p["id"].(string)
	s.quiet() // the registration's background work is over
	for _, pair := range [][2]string{
		{"/parcels", "/v1/parcels?limit=20"},
		{"/parcels?status=registered&logisticsNo=XYC00001", "/v1/parcels?limit=20&status=registered&logisticsNo=XYC00001"},
		{"/parcels/" + id, "/v1/parcels/" + id},
		{"/", "/v1/orgs/" + a.id + " /v1/dashboard?trains=5"}, // the home page is the dashboard
		{"/track?no=XYC00001", "/v1/tracking/XYC00001"},
		{"/members", "/v1/orgs/" + a.id + "/users?limit=20"},
	} {
		pageCosts(t, s, c, pair[0], a.key, strings.Fields(pair[1])...) // a page may stand for more than one route
	}
}

// The demo users are printed beside the demo keys, with their passwords, and each signs in to
// their organisation's home page; the exporter's sees the demo parcels.
func TestConsoleDemoUsers(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"SILKGATE_DEMO": "true", "SILKGATE_PASSWORD_COST": "4"})
	if len(s.main.DemoUsers) != 4 {
		t.Fatalf("demo users %v", s.main.DemoUsers)
	}
	kinds := map[string]bool{}
	for _, u := range s.main.DemoUsers {
		kinds[string(u.Kind)] = true
		if b := s.banner.String(); !strings.Contains(b, u.Email) || !strings.Contains(b, u.Password) {
			t.Errorf("demo user %s not printed with the password", u.Email)
		}
		c := s.consoleClient()
		c.signIn(u.Email, u.Password)
		status, home := c.get("/")
		if status != 200 || !strings.Contains(home, u.Name) {
			t.Errorf("%s: home %d", u.Email, status)
		}
		if u.OrgID == "org_demo_exporter" {
			if _, parcels := c.get("/parcels"); strings.Count(parcels, `href="/parcels/`) < 6 {
				t.Errorf("the demo exporter sees %d parcels", strings.Count(parcels, `href="/parcels/`))
			}
		}
	}
	if !kinds["operator"] || !kinds["exporter"] || !kinds["broker"] {
		t.Errorf("demo users of kinds %v", kinds)
	}
}

// What people change is in the audit log as what keys change is: a form posted in the console
// and a call made with a session token name the user (and no key); a session token is
// rate-limited as its user ("user"), apart from the organisation's keys.
func TestConsoleChangesAreAudited(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SILKGATE_RATE_LIMIT_KEY": "0.01", "SILKGATE_RATE_LIMIT_KEY_BURST": "20"}
	for k, v := range consoleEnv {
		env[k] = v
	}
	s := startService(t, env)
	a := s.firmWithUser("exporter", "甲", usccA, "4206360A21", "admin@a.example")
	admin := s.consoleClient()
	token := admin.signIn("admin@a.example", "password-"+a.id)
	status, body, _ := admin.post("/members", "/members", url.Values{"email": {"clerk@a.example"}, "name": {"职员"},
		"role": {"member"}, "password": {"clerk-password"}}, true)
	if status >= 400 {
		t.Fatalf("adding a member in the console: %d %s", status, alertOf(body))
	}
	s.expect(s.do("POST", "/v1/parcels", token, parcelBody("XYU1")), 201)

	users := arr(s.expect(s.do("GET", "/v1/orgs/"+a.id+"/users", a.key, nil), 200)["items"])
	var adminID string
	for _, u := range users {
		if u := u.(map[string]any); u["email"] == "admin@a.example" {
			adminID = u["id"].(string)
		}
	}
	byRoute := map[string]map[string]any{}
	eventually(t, "the two changes reach the audit log", func() bool {
		for _, e := range auditEntries(t, s, a.key, "") {
			byRoute[e["route"].(string)] = e
		}
		return byRoute["/members"] != nil && byRoute["/v1/parcels"] != nil
	})
	for route, e := range byRoute {
		if route != "/members" && route != "/v1/parcels" {
			continue
		}
		if e["userId"] != adminID || e["keyId"] != nil || e["orgId"] != a.id || e["ip"] == nil {
			t.Errorf("%s: entry %v, want userId %s and no key", route, e, adminID)
		}
	}
	// The user's own limit: its burst spent, the token is refused while the firm's key is not.
	var r response
	for range 25 {
		if r = s.do("GET", "/v1/orgs/"+a.id, token, nil); r.Status == 429 {
			break
		}
	}
	s.expectProblem(r, 429, "rate_limited", "")
	if !strings.Contains(string(r.Body), `limit \"user\"`) {
		t.Errorf("refusal %s, want the user's limit named", r.Body)
	}
	s.expect(s.do("GET", "/v1/orgs/"+a.id, a.key, nil), 200)
}

var onceField = regexp.MustCompile(`name="_once" value="([^"]+)"`)

// A form is done once: sent again with its token (a double click, the back button) it is the
// "already sent" page and nothing is done twice; a refused form may be corrected and sent again
// with the same token.
func TestConsoleFormSentOnce(t *testing.T) {
	t.Parallel()
	s := startService(t, consoleEnv)
	a := s.firmWithUser("exporter", "甲", usccA, "4206360A21", "admin@a.example")
	c := s.consoleClient()
	c.signIn("admin@a.example", "password-"+a.id)
	_, page := c.get("/members")
	csrf, once := csrfField.FindStringSubmatch(page), onceField.FindStringSubmatch(page)
	if csrf == nil || once == nil {
		t.Fatalf("the members page's form has no _csrf or _once field")
	}
	send := func(email string) (int, string) {
		status, body, _ := c.post("/members", "/members", url.Values{"_csrf": {csrf[1]}, "_once": {once[1]},
			"email": {email}, "name": {"职员"}, "role": {"member"}, "password": {"clerk-password"}}, false)
		return status, body
	}
	if status, body := send("not-an-email"); status != 422 {
		t.Fatalf("a refused form: %d %s", status, alertOf(body))
	}
	if status, body := send("clerk@a.example"); status >= 400 {
		t.Fatalf("the corrected form with the same token: %d %s", status, alertOf(body))
	}
	status, body := send("clerk@a.example")
	if status != 409 || !strings.Contains(body, "这份表单已经提交过") {
		t.Fatalf("the same form again: %d %s, want the already-sent page", status, mainOf(body))
	}
	if n := len(arr(s.expect(s.do("GET", "/v1/orgs/"+a.id+"/users", a.key, nil), 200)["items"])); n != 2 {
		t.Errorf("%d users, want the admin and one clerk", n)
	}
	// Every form on a page has a token of its own.
	if ids := onceField.FindAllStringSubmatch(page, -1); len(ids) > 1 && ids[0][1] == ids[1][1] {
		t.Errorf("two forms of one page share the token %s", ids[0][1])
	}
}

// pageCosts fetches a console page and, twice each (the key cached, as in steady use), the API
// routes it stands for, and fails the test unless the page costs at most what the routes cost
// together plus one read of the session (and its keep-alive write, at most once a minute). It
// returns the page and its commands besides the session.
func pageCosts(t *testing.T, s *service, c *consoleClient, path, key string, apis ...string) (string, map[mongo.CommandKey]uint64) {
	t.Helper()
	before := s.main.store.Commands().Snapshot()
	status, html := c.get(path)
	if status != 200 {
		t.Fatalf("%s: %d", path, status)
	}
	page := s.main.store.Commands().Since(before)
	api := map[mongo.CommandKey]uint64{}
	for _, p := range apis {
		s.expect(s.do("GET", p, key, nil), 200)
		before = s.main.store.Commands().Snapshot()
		s.expect(s.do("GET", p, key, nil), 200)
		for k, n := range s.main.store.Commands().Since(before) {
			api[k] += n
		}
	}
	session := mongo.CommandKey{Command: "find", Collection: "sessions", Filter: mongo.FilterID}
	if page[session] != 1 {
		t.Errorf("%s: %d reads of the session, want 1: %v", path, page[session], page)
	}
	delete(page, session)
	if update := (mongo.CommandKey{Command: "update", Collection: "sessions", Filter: mongo.FilterID}); page[update] <= 1 {
		delete(page, update)
	}
	if len(page) == 0 {
		t.Errorf("%s read nothing but the session", path)
	}
	for k, n := range page {
		if n > api[k] {
			t.Errorf("%s costs %v besides the session; %v cost %v", path, page, apis, api)
			break
		}
	}
	return html, page
}
