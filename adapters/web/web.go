// Package web is Silkgate's web console: server-rendered pages (html/template, htmx for partial
// updates) served by the same binary as the API, outside /v1. People sign in as users of their
// organisation (app.Accounts) and every page calls the same use cases as the API, as the same
// app.Actor, so the tenancy policy is the API's.
//
// The frame: web.go (routing, sessions, CSRF, rendering, errors), i18n.go (the one catalogue of
// texts, 中文 and English), list.go (cursor paging), assets.go (embedded, long-cached files) and
// templates/layout.html. Pages come in groups, one file each (auth.go, home.go, orgs.go,
// parcels.go) with their templates in templates/. A new group adds a file with a routes
// method, its templates and its texts in messages, and a line in Mount.
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai on any machine, with or without a zoneinfo database

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/adapters/internal/audited"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
)

//go:embed templates/*.html
var templateFS embed.FS

// Cookies of the console.
const (
	cookieSession = "sg_session" // the session token
	cookieCSRF    = "sg_csrf"    // the form token before sign-in (double submit)
	cookieLang    = "sg_lang"    // "en" for English; 中文 otherwise
	fieldCSRF     = "_csrf"      // the form field every form carries
	fieldOnce     = "_once"      // the form's one-time token (once.go)
	maxFormBytes  = 64 << 10
	pageSize      = 20 // rows of a list page: never more is read
)

// UseCases are the application's use cases the console calls.
type UseCases struct {
	Accounts *app.Accounts
	Parties  *app.Parties
	Parcels  *app.Parcels
	Audit    *app.Audit // nil: no audit log
	// Customs files and reads declarations (declarations.go).
	Customs *app.Customs
	Rail    *app.Rail // freight trains (trains.go)
	// Dashboard gives the home page's figures (dashboard.go); nil: the home page without them.
	Dashboard *app.Dashboard
}

// Options are the console's settings.
type Options struct {
	Log *slog.Logger
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed for the client's
	// address (sign-in limits, the audit log).
	TrustedProxies []netip.Prefix
}

// Console serves the pages.
type Console struct {
	uc      UseCases
	log     *slog.Logger
	trusted []netip.Prefix
	zone    *time.Location
	pages   map[string]*template.Template
	uploads UploadStore // where the problems of uploads are kept for their download (intake.go)
	once    FormTokens  // spent form tokens (once.go)
}

// New parses the templates; it fails only on a broken template.
func New(uc UseCases, o Options) (*Console, error) {
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Console{uc: uc, log: log, trusted: o.TrustedProxies, zone: zone, pages: pages, once: newMemoryOnce()}, nil
}

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(template.FuncMap{"asset": assetURL}).
			ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, err
		}
		pages[base] = t
	}
	return pages, nil
}

// Mount adds the console's routes to the server (httpadapter.Options.Console).
func (w *Console) Mount(f *fiber.App) {
	f.Get("/assets/:name", serveAsset)
	f.Use(compressPages) // the console's pages gzipped for clients that accept it (dashboard.go)
	w.authRoutes(f)
	w.homeRoutes(f)
	w.orgRoutes(f)
	w.intakeRoutes(f) // before parcelRoutes: /parcels/new and /parcels/import are not parcel ids
	w.parcelRoutes(f)
	w.declarationRoutes(f)
	w.trainRoutes(f)
	w.authorizationRoutes(f)
	w.adminRoutes(f)
	// Anything else outside the API is the console's 404 page.
	f.Use(func(c *fiber.Ctx) error {
		if c.Path() == "/v1" || strings.HasPrefix(c.Path(), "/v1/") {
			return c.Next()
		}
		return w.handle(public, func(r *req) error { return r.notFound() })(c)
	})
}

// access is who may open a page.
type access int

const (
	public   access = iota // anyone; the session is read when there is one
	signedIn               // any signed-in user
	operator               // a user of the zone operator
	admin                  // an admin of their organisation
)

// req is one request to the console: who asks, in which language, with the session's CSRF token.
type req struct {
	w       *Console
	c       *fiber.Ctx
	lang    Lang
	session *account.Session // nil before sign-in
	actor   app.Actor
	csrf    string
}

func (r *req) ctx() context.Context { return r.c.UserContext() }

// handle wraps a page: language, session, access, CSRF on every request that is not a GET, the
// security headers, and errors turned into pages.
func (w *Console) handle(need access, page func(r *req) error) fiber.Handler {
	return w.handleUpTo(need, maxFormBytes, page)
}

// handleUpTo is handle for a page that takes a body of up to limit bytes (an upload).
func (w *Console) handleUpTo(need access, limit int, page func(r *req) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r := &req{w: w, c: c, lang: LangZh}
		if c.Cookies(cookieLang) == string(LangEn) {
			r.lang = LangEn
		}
		c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		c.Set("X-Content-Type-Options", "nosniff")
		c.Set("Referrer-Policy", "same-origin")
		c.Set(fiber.HeaderCacheControl, "no-store")
		if len(c.Body()) > limit {
			return r.fail(fiber.ErrRequestEntityTooLarge)
		}
		if token := c.Cookies(cookieSession); token != "" {
			actor, s, err := w.uc.Accounts.Session(r.ctx(), token)
			switch {
			case err == nil:
				r.actor, r.session, r.csrf = actor, s, s.CSRF
			case domain.KindOf(err) == domain.KindUnauthorized:
				r.clearCookie(cookieSession)
			default:
				return r.fail(err)
			}
		}
		if r.session == nil {
			r.csrf = r.anonymousCSRF()
		}
		switch {
		case need >= signedIn && r.session == nil:
			return r.toSignIn()
		case need == operator && !r.actor.IsOperator(), need == admin && r.actor.Role != account.RoleAdmin:
			return r.notFound() // the same answer as for a page that does not exist
		}
		change := c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead
		if change && !r.csrfOK() {
			return r.render(fiber.StatusForbidden, "error", "error.csrf.title", errorPage{Message: T(r.lang, "error.csrf")})
		}
		if change && r.session != nil {
			return w.spendOnce(r, func() error { return w.changed(r, page) })
		}
		if err := page(r); err != nil {
			return r.fail(err)
		}
		return nil
	}
}

// changed runs a signed-in user's change, its refusal written as a page, and records it in the
// audit log as the API records a key's (adapters/http/audit.go), whatever the outcome.
func (w *Console) changed(r *req, page func(r *req) error) error {
	ctx, onBehalfOf := app.WithOnBehalfOf(r.c.UserContext())
	r.c.SetUserContext(ctx)
	if err := page(r); err != nil {
		if ferr := r.fail(err); ferr != nil {
			return ferr
		}
	}
	if w.uc.Audit != nil {
		w.uc.Audit.Record(audited.Entry(r.c, r.actor, w.trusted, onBehalfOf()))
	}
	return nil
}

// anonymousCSRF is the form token before sign-in: a random value in a cookie, which every form
// repeats (double submit); a page that has none yet sets one.
func (r *req) anonymousCSRF() string {
	if t := r.c.Cookies(cookieCSRF); len(t) >= 32 {
		return t
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	t := base64.RawURLEncoding.EncodeToString(b)
	r.setCookie(cookieCSRF, t, time.Time{})
	return t
}

// csrfOK checks the form's token against the session's (or, before sign-in, the cookie's).
func (r *req) csrfOK() bool {
	sent := r.c.FormValue(fieldCSRF)
	if sent == "" {
		sent = r.c.Get("X-CSRF-Token") // htmx requests may send it as a header
	}
	if r.session == nil && r.c.Cookies(cookieCSRF) == "" {
		return false // a token made for this very request proves nothing
	}
	return sent != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(r.csrf)) == 1
}

func (r *req) setCookie(name, value string, expires time.Time) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: r.c.Protocol() == "https"}
	if !expires.IsZero() {
		ck.Expires = expires
	}
	r.c.Cookie(ck)
}

func (r *req) clearCookie(name string) {
	r.c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: r.c.Protocol() == "https", Expires: time.Unix(1, 0)})
}

// toSignIn sends a visitor who is not signed in to the sign-in page, to come back afterwards.
func (r *req) toSignIn() error {
	next := ""
	if r.c.Method() == fiber.MethodGet {
		next = string(r.c.Request().URI().RequestURI())
	}
	target := "/signin"
	if hx := r.c.Get("HX-Current-URL"); r.c.Get("HX-Request") == "true" && hx != "" {
		// An htmx request (a polled part) would swap the sign-in page into the page: the
		// whole page goes there instead, to come back to where it was.
		if u, err := url.Parse(hx); err == nil {
			next = u.RequestURI()
		}
	}
	if next != "" && next != "/" {
		target += "?next=" + url.QueryEscape(next)
	}
	if r.c.Get("HX-Request") == "true" {
		r.c.Set("HX-Redirect", target)
		return r.c.SendStatus(fiber.StatusNoContent)
	}
	return r.c.Redirect(target, fiber.StatusSeeOther)
}

// localPath accepts a path of this site to go back to ("/parcels?status=x"), else "/".
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

// notFound is the answer for anything the user may not see, and for what does not exist.
func (r *req) notFound() error {
	return r.render(fiber.StatusNotFound, "error", "error.notfound.title", errorPage{Message: T(r.lang, "error.notfound")})
}

// fail turns a use case's error into a page: what the user may not see is the 404 page, an ended
// session the sign-in page, anything unexpected a 500 page with the request id.
func (r *req) fail(err error) error {
	var fe *fiber.Error
	switch domain.KindOf(err) {
	case domain.KindNotFound, domain.KindForbidden:
		return r.notFound()
	case domain.KindUnauthorized:
		r.clearCookie(cookieSession)
		return r.toSignIn()
	case domain.KindInvalid, domain.KindConflict, domain.KindFailedPrecondition:
		return r.render(fiber.StatusUnprocessableEntity, "error", "error.title", errorPage{Message: errorText(r.lang, string(domain.CodeOf(err)))})
	}
	if errors.As(err, &fe) {
		return r.render(fe.Code, "error", "error.title", errorPage{Message: fe.Message})
	}
	id := r.c.GetRespHeader("X-Request-Id")
	r.w.log.Error("console: internal error", "requestId", id, "path", r.c.Path(), "err", err)
	return r.render(fiber.StatusInternalServerError, "error", "error.title", errorPage{Message: Tf(r.lang, "error.internal", id)})
}

type errorPage struct{ Message string }

// render writes a page in the layout: status, the page's template, the key of its title and
// its data.
func (r *req) render(status int, page, titleKey string, data any, titleArgs ...any) error {
	t, ok := r.w.pages[page]
	if !ok {
		return domain.Internal(nil, "no page %s", page)
	}
	v := &view{r: r, Lang: r.lang, Title: Tf(r.lang, titleKey, titleArgs...), Data: data, CSRF: r.csrf,
		Path: string(r.c.Request().URI().RequestURI())}
	if r.session != nil {
		v.User = r.session
		v.Nav = r.nav()
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout.html", v); err != nil {
		r.w.log.Error("console: render", "page", page, "err", err)
		return r.c.Status(fiber.StatusInternalServerError).SendString("render failed")
	}
	r.c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return r.c.Status(status).Send(b.Bytes())
}

type navItem struct {
	Href, Key string
	Current   bool
}

// nav is the menu of the signed-in user's role: every user sees parcels and tracking, the
// operator its organisations, an admin the members of their organisation.
func (r *req) nav() []navItem {
	items := []navItem{{Href: "/", Key: "nav.home"}, {Href: "/parcels", Key: "nav.parcels"}, {Href: "/track", Key: "nav.track"}}
	items = append(items, navItem{Href: "/declarations", Key: "nav.declarations"}) // declarations.go
	items = append(items, navItem{Href: "/trains", Key: "nav.trains"})             // freight trains (trains.go)
	if maySeeBookings(r.actor) {
		items = append(items, navItem{Href: "/bookings", Key: "nav.bookings"})
	}
	if r.actor.IsOperator() {
		items = append(items, navItem{Href: "/orgs", Key: "nav.orgs"})
	}
	if r.actor.Role == account.RoleAdmin {
		items = append(items, navItem{Href: "/members", Key: "nav.members"})
	}
	items = append(items, r.intakeNav()...) // intake.go, auths.go, admin.go
	items = append(items, navItem{Href: "/password", Key: "nav.password"})
	path := r.c.Path()
	best := -1 // the entry naming the page most closely: /parcels/import, not /parcels
	for i := range items {
		h := items[i].Href
		if (path == h || h != "/" && strings.HasPrefix(path, h+"/")) && (best < 0 || len(h) > len(items[best].Href)) {
			best = i
		}
	}
	if best >= 0 {
		items[best].Current = true
	}
	return items
}

// view is what the layout and every page template see: the page's Data and the helpers that
// speak the user's language ({{$.T "key"}}).
type view struct {
	r     *req
	Lang  Lang
	Title string
	User  *account.Session
	Nav   []navItem
	CSRF  string
	Path  string
	Data  any
}

// T is the text of key in the page's language.
func (v *view) T(key string) string { return T(v.Lang, key) }

// Tf is T with arguments.
func (v *view) Tf(key string, args ...any) string { return Tf(v.Lang, key, args...) }

// HTMLLang is the page's language tag.
func (v *view) HTMLLang() string {
	if v.Lang == LangEn {
		return "en"
	}
	return "zh-CN"
}

// OtherLang is the language the switch changes to.
func (v *view) OtherLang() Lang {
	if v.Lang == LangEn {
		return LangZh
	}
	return LangEn
}

// Time shows a time in China Standard Time (Asia/Shanghai), as people in the zone read it.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.r.w.zone).Format("2006-01-02 15:04")
}

// ISOTime is the machine-readable form of a time for <time datetime>.
func (v *view) ISOTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Status is a parcel status's label.
func (v *view) Status(s parcel.Status) string { return v.T("status." + string(s)) }

// Kind is an organisation kind's label.
func (v *view) Kind(k party.Kind) string { return v.T("kind." + string(k)) }

// Role is a role's label.
func (v *view) Role(r account.Role) string {
	if r == "" {
		return v.T("role.key")
	}
	return v.T("role." + string(r))
}

// OrgName is an organisation's name in the page's language (its Chinese name when it has no
// English one).
func (v *view) OrgName(o *party.Org) string {
	if v.Lang == LangEn && o.NameEn() != "" {
		return o.NameEn()
	}
	return o.Name()
}
