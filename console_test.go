package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// consoleWorld is a service with a user of every role and parcels of two exporters.
type consoleWorld struct {
	s                  *service
	a, b, broker       firm
	parcelA, parcelB   string // a parcel of each exporter
	waybillA           string
	operatorUser       [2]string // email, password
	adminA, memberA    [2]string
	adminB, brokerUser [2]string
}

func newConsoleWorld(t *testing.T) *consoleWorld {
	w := &consoleWorld{s: startService(t, consoleEnv)}
	s := w.s
	user := func(orgID, key, email, name, role string) [2]string {
		password := "pw-" + strings.ReplaceAll(email, "@", "-")
		s.expect(s.do("POST", "/v1/orgs/"+orgID+"/users", key, map[string]any{
			"email": email, "name": name, "role": role, "password": password}), 201)
		return [2]string{email, password}
	}
	w.operatorUser = user("org_operator", testOperatorKey, "ops@zone.example", "赵运营", "admin")
	w.a = s.register("exporter", "襄阳甲跨境电商有限公司", usccA, "4206360A21")
	w.b = s.register("exporter", "襄阳乙进出口有限公司", usccB, "4206340017")
	w.broker = s.register("broker", "襄阳丙报关行", usccC, "4206380015")
	w.adminA = user(w.a.id, testOperatorKey, "admin@a.example", "王丽", "admin")
	w.memberA = user(w.a.id, w.a.key, "member@a.example", "刘洋", "member")
	w.adminB = user(w.b.id, testOperatorKey, "admin@b.example", "陈刚", "admin")
	w.brokerUser = user(w.broker.id, testOperatorKey, "broker@c.example", "李敏", "admin")
	batch := make([]any, 22) // more than a page
	for i := range batch {
		batch[i] = parcelBody(fmt.Sprintf("XYA%05d", i))
	}
	res := s.expect(s.do("POST", "/v1/parcels/batch", w.a.key, map[string]any{"parcels": batch}), 200)
	w.parcelA = arr(res["results"])[0].(map[string]any)["id"].(string)
	w.waybillA = "XYA00000"
	w.parcelB = s.expect(s.do("POST", "/v1/parcels", w.b.key, parcelBody("XYB00001")), 201)["id"].(string)
	return w
}

// The console in a real browser: each role signs in and sees its menu; a wrong password is
// refused as an unknown email is; a form without its CSRF token is refused (403); English at the
// switch; another exporter's parcel is the 404 page of a made-up one; and a picture of every
// page in both languages.
func TestConsoleInBrowser(t *testing.T) {
	t.Parallel()
	if chromiumPath() == "" {
		newTab(t) // skips, or fails in CI
	}
	w := newConsoleWorld(t)
	s := w.s

	t.Run("every role signs in", func(t *testing.T) {
		for _, c := range []struct {
			user          [2]string
			name, org     string
			orgs, members bool
		}{
			{w.operatorUser, "赵运营", "", true, true},
			{w.adminA, "王丽", "襄阳甲跨境电商有限公司", false, true},
			{w.memberA, "刘洋", "襄阳甲跨境电商有限公司", false, false},
			{w.brokerUser, "李敏", "襄阳丙报关行", false, true},
		} {
			p := s.browse(t)
			p.signIn(c.user[0], c.user[1])
			if g := p.text("#greeting"); !strings.Contains(g, c.name) {
				t.Errorf("%s: greeting %q", c.user[0], g)
			}
			if org := p.text("#home-org"); !strings.Contains(org, c.org) {
				t.Errorf("%s: organisation %q, want %q", c.user[0], org, c.org)
			}
			if got := p.has(`nav a[href="/orgs"]`); got != c.orgs {
				t.Errorf("%s: organisations in the menu: %v, want %v", c.user[0], got, c.orgs)
			}
			if got := p.has(`nav a[href="/members"]`); got != c.members {
				t.Errorf("%s: members in the menu: %v, want %v", c.user[0], got, c.members)
			}
			if !c.members {
				if status := p.open("/members"); status != 404 {
					t.Errorf("%s opened the members page: %d", c.user[0], status)
				}
			}
		}
	})

	t.Run("a wrong password is refused as an unknown email is", func(t *testing.T) {
		p := s.browse(t)
		p.open("/signin")
		p.fill("#email", w.adminA[0], "#password", "not-the-password")
		if status := p.submit("#signin-form button[type=submit]"); status != 401 {
			t.Errorf("wrong password: %d", status)
		}
		wrong := p.text("#form-errors")
		p.fill("#email", "nobody@a.example", "#password", "not-the-password")
		if status := p.submit("#signin-form button[type=submit]"); status != 401 {
			t.Errorf("unknown email: %d", status)
		}
		if unknown := p.text("#form-errors"); unknown != wrong || !strings.Contains(wrong, "电子邮箱或密码错误") {
			t.Errorf("wrong password %q, unknown email %q: want the same answer", wrong, unknown)
		}
		if p.has("#greeting") {
			t.Error("signed in with a wrong password")
		}
	})

	t.Run("a form without its CSRF token is refused", func(t *testing.T) {
		p := s.browse(t)
		p.signIn(w.memberA[0], w.memberA[1])
		p.open("/password")
		p.fill("#currentPassword", w.memberA[1], "#newPassword", "a-new-password-1")
		eval[bool](p, `document.querySelector('#password-form input[name=_csrf]').remove(), true`)
		if status := p.submit("#password-form button[type=submit]"); status != 403 {
			t.Errorf("the password form without its token: %d, want 403", status)
		}
		if msg := p.text("#error-message"); !strings.Contains(msg, "表单已过期") {
			t.Errorf("403 page says %q", msg)
		}
		p.screenshot("zh-403-csrf")
		p.open("/password")
		p.submit("#lang-switch")
		p.fill("#currentPassword", w.memberA[1], "#newPassword", "a-new-password-1")
		eval[bool](p, `document.querySelector('#password-form input[name=_csrf]').remove(), true`)
		if status := p.submit("#password-form button[type=submit]"); status != 403 || !strings.Contains(p.text("#error-message"), "The form expired") {
			t.Errorf("in English, the password form without its token: %d %q", status, p.text("#error-message"))
		}
		p.screenshot("en-403-csrf")
		// The password did not change: the old one still signs in.
		s.browse(t).signIn(w.memberA[0], w.memberA[1])
	})

	t.Run("English at the switch", func(t *testing.T) {
		p := s.browse(t)
		p.signIn(w.adminA[0], w.adminA[1])
		if h := p.text("h1"); h != "首页" {
			t.Errorf("default heading %q, want 中文", h)
		}
		if status := p.submit("#lang-switch"); status != 200 {
			t.Fatalf("switching: %d", status)
		}
		if h, nav, lang := p.text("h1"), p.text("nav"), eval[string](p, "document.documentElement.lang"); h != "Home" ||
			!strings.Contains(nav, "Parcels") || !strings.Contains(nav, "Members") || lang != "en" {
			t.Errorf("after the switch: heading %q, menu %q, lang %q", h, nav, lang)
		}
		p.open("/parcels")
		if th := p.text("thead"); !strings.Contains(th, "Waybill number") || !strings.Contains(p.text("tbody"), "Registered") {
			t.Errorf("parcels in English: %q", th)
		}
		// The filters through htmx: the results replaced in place, the address kept in step.
		p.fill("#logisticsNo", w.waybillA)
		eval[bool](p, `window.samePage = true`) // gone if the browser loaded a new page instead
		if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(".filters button[type=submit]"))); err != nil {
			t.Fatal(err)
		}
		pollWithin(t, 30, 50*time.Millisecond, "htmx replaces the results", func() bool {
			return eval[int](p, `document.querySelectorAll("#results tbody tr").length`) == 1 &&
				strings.Contains(eval[string](p, "location.search"), "logisticsNo="+w.waybillA)
		})
		if n := eval[int](p, `document.querySelectorAll("#results").length`); n != 1 || !eval[bool](p, `window.samePage === true`) {
			t.Errorf("%d result blocks after the swap, or a new page loaded: htmx did not run", n)
		}
		p.submit("#signout")
		if h := p.text("h1"); h != "Sign in" {
			t.Errorf("signed out, the sign-in page reads %q: the language is kept", h)
		}
	})

	t.Run("another exporter's parcel is not found", func(t *testing.T) {
		p := s.browse(t)
		p.signIn(w.adminB[0], w.adminB[1])
		if status := p.open("/parcels/" + w.parcelB); status != 200 {
			t.Fatalf("own parcel: %d", status)
		}
		theirs := p.open("/parcels/" + w.parcelA)
		theirsPage := p.text("main")
		madeUp := p.open("/parcels/pcl_4206980001_NOSUCH")
		if madeUpPage := p.text("main"); theirs != 404 || madeUp != 404 || theirsPage != madeUpPage {
			t.Errorf("another exporter's parcel %d %q, a made-up one %d %q: want the same 404 page", theirs, theirsPage, madeUp, madeUpPage)
		}
		if p.open("/track?no="+w.waybillA) != 404 {
			t.Error("tracked another exporter's parcel")
		}
	})

	t.Run("screenshots of every page in both languages", func(t *testing.T) {
		p := s.browse(t)
		for _, lang := range []string{"zh", "en"} {
			shot := func(name string, path string, want int64) {
				t.Helper()
				if status := p.open(path); status != want {
					t.Errorf("%s %s: %d, want %d", lang, path, status, want)
				}
				p.screenshot(lang + "-" + name)
			}
			shot("signin", "/signin", 200)
			if lang == "zh" { // the keyboard: the first Tab reaches the skip link, Enter goes to the content
				if err := chromedp.Do(p.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
					t.Fatal(err)
				}
				if cls := eval[string](p, "document.activeElement.className"); cls != "skip" {
					t.Errorf("the first Tab reaches %q, want the skip link", cls)
				}
				if err := chromedp.Do(p.ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
					t.Fatal(err)
				}
				pollWithin(t, 10, 20*time.Millisecond, "the skip link moves the focus to the content", func() bool {
					return eval[string](p, "document.activeElement.id") == "main"
				})
			}
			if lang == "en" && p.text("h1") != "Sign in" {
				p.submit("#lang-switch")
			}
			p.signIn(w.operatorUser[0], w.operatorUser[1])
			p.screenshot(lang + "-home")
			shot("parcels", "/parcels", 200)
			if !p.has("#next-page") {
				t.Errorf("%s: 23 parcels and no next page", lang)
			}
			p.submit("#next-page")
			if n := eval[int](p, `document.querySelectorAll("tbody tr").length`); n != 3 {
				t.Errorf("%s: the second page shows %d parcels, want 3", lang, n)
			}
			p.screenshot(lang + "-parcels-page2")
			shot("parcels-filtered", "/parcels?status=registered&logisticsNo="+w.waybillA, 200)
			if n := eval[int](p, `document.querySelectorAll("tbody tr").length`); n != 1 {
				t.Errorf("%s: filtered by waybill, %d rows", lang, n)
			}
			shot("parcel", "/parcels/"+w.parcelA, 200)
			if !p.has(".timeline li") {
				t.Errorf("%s: the parcel page shows no timeline", lang)
			}
			shot("track", "/track?no="+w.waybillA, 200)
			shot("track-notfound", "/track?no=NOSUCH", 404)
			shot("orgs", "/orgs", 200)
			shot("org-users", "/orgs/"+w.a.id+"/users", 200)
			shot("members", "/members", 200)
			shot("password", "/password", 200)
			shot("404", "/parcels/pcl_NOSUCH", 404)
			p.viewport(390, 844)
			shot("parcels-phone", "/parcels", 200)
			if wide := eval[bool](p, `document.documentElement.scrollWidth > 420`); wide {
				t.Errorf("%s: the parcels page is wider than a phone", lang)
			}
			p.viewport(1280, 900)
			if lang == "zh" {
				p.submit("#lang-switch")
			}
			p.submit("#signout")
		}
		t.Logf("screenshots in %s", screenshotDir())
	})

	t.Run("an operator makes a firm's first admin, who invites a member", func(t *testing.T) {
		p := s.browse(t)
		p.signIn(w.operatorUser[0], w.operatorUser[1])
		newFirm := s.register("exporter", "襄阳丁商贸有限公司", usccD, "4206360B22")
		p.open("/orgs/" + newFirm.id + "/users")
		if checked := eval[string](p, `document.querySelector("input[name=role]:checked").value`); checked != "admin" {
			t.Errorf("the first user's role is %q by default, want admin", checked)
		}
		p.fill("#name", "周敏", "#new-email", "boss@d.example", "#new-password", "short")
		// The browser checks the length itself; without its check, the service refuses it.
		eval[bool](p, `document.querySelector("#new-password").removeAttribute("minlength"), true`)
		if status := p.submit("#user-form button[type=submit]"); status != 422 || !strings.Contains(p.text("#form-errors"), "至少需要 10 个字符") {
			t.Errorf("a short password: %d %q", status, p.text("#form-errors"))
		}
		p.fill("#new-password", "first-admin-password")
		if status := p.submit("#user-form button[type=submit]"); status != 200 || !strings.Contains(p.text("tbody"), "boss@d.example") {
			t.Fatalf("first admin: %d", status)
		}
		p.submit("#signout")
		p.signIn("boss@d.example", "first-admin-password")
		p.open("/members")
		p.fill("#name", "吴婷", "#new-email", "staff@d.example", "#new-password", "member-password-1")
		if status := p.submit("#user-form button[type=submit]"); status != 200 || !strings.Contains(p.text("tbody"), "staff@d.example") {
			t.Fatalf("member: %d", status)
		}
		p.submit("#signout")
		p.signIn("staff@d.example", "member-password-1")
		p.open("/password")
		p.fill("#currentPassword", "member-password-1", "#newPassword", "member-password-2")
		if status := p.submit("#password-form button[type=submit]"); status != 200 || !p.has("#form-done") {
			t.Errorf("password change: %d", status)
		}
	})
}
