package web

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// The operator's administration: registering an organisation (POST /v1/orgs), an
// organisation's API keys (list, issue — the secret shown once —, revoke: /v1/orgs/:id/api-keys,
// DELETE /v1/api-keys/:keyId) and the audit log (GET /v1/audit-log). Each calls the API's use
// case as the signed-in operator.

func (w *Console) adminRoutes(f *fiber.App) {
	f.Get("/orgs/new", w.handle(operator, func(r *req) error { return newOrgPage(r, nil) }))
	f.Post("/orgs/new", w.handle(operator, registerOrg))
	f.Get("/orgs/:id/keys", w.handle(operator, func(r *req) error { return keysPage(r, nil, "") }))
	f.Post("/orgs/:id/keys", w.handle(operator, issueKey))
	f.Post("/orgs/:id/keys/:keyId/revoke", w.handle(operator, revokeKey))
	f.Get("/audit-log", w.handle(operator, auditPage))
}

type newOrgData struct {
	Form            *form
	Kinds           []party.Kind
	Fields, Contact []inputField
}

// orgFields are the registration form's inputs, named as the API's fields.
var orgFields = []string{"kind", "name", "nameEn", "uscc", "customsCode", "contact.name", "contact.phone", "contact.email"}

func newOrgPage(r *req, f *form) error {
	status := fiber.StatusOK
	if f == nil {
		f = &form{Values: map[string]string{"kind": string(party.KindExporter)}}
	} else if len(f.All) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	d := newOrgData{Form: f, Kinds: party.RegisteredKinds}
	for _, name := range orgFields[1:] {
		in := inputField{Name: name, ID: fieldID(name), Label: orgLabel(r.lang, name), Required: name == "name" || name == "uscc", Kind: "text"}
		if strings.HasPrefix(name, "contact.") {
			d.Contact = append(d.Contact, in)
		} else {
			d.Fields = append(d.Fields, in)
		}
	}
	return r.render(status, "orgnew", "orgs.new.title", d)
}

func registerOrg(r *req) error {
	v := map[string]string{}
	for _, name := range orgFields {
		v[name] = strings.TrimSpace(r.c.FormValue(name))
	}
	fields := party.OrgFields{Name: v["name"], NameEn: v["nameEn"], USCC: v["uscc"], CustomsCode: v["customsCode"]}
	if v["contact.name"] != "" || v["contact.phone"] != "" || v["contact.email"] != "" {
		fields.Contact = &party.Contact{Name: v["contact.name"], Phone: v["contact.phone"], Email: v["contact.email"]}
	}
	org, err := r.w.uc.Parties.RegisterOrg(r.ctx(), r.actor, app.RegisterOrg{Kind: party.Kind(v["kind"]), Fields: fields})
	if err != nil {
		f := &form{Values: v}
		if !r.refused(f, err) {
			return err
		}
		return newOrgPage(r, f)
	}
	return r.c.Redirect("/orgs/"+url.PathEscape(org.ID())+"/keys?registered=1", fiber.StatusSeeOther)
}

// orgLabel is the label of a registration field.
func orgLabel(lang Lang, name string) string { return T(lang, orgFieldKeys+name) }

const orgFieldKeys = "orgs.f."

type keysData struct {
	Org    *party.Org
	Keys   []*party.APIKey
	Page   pager
	Form   *form
	Secret string // the key just issued: shown on this page only
	Issued *party.APIKey
}

// keysPage lists a page of an organisation's keys with the forms to issue and revoke.
func keysPage(r *req, f *form, secret string) error {
	id := r.c.Params("id")
	org, err := r.w.uc.Parties.GetOrg(r.ctx(), r.actor, id)
	if err != nil {
		return err
	}
	p, err := r.w.uc.Parties.ListAPIKeys(r.ctx(), r.actor, id, pageSize, r.cursor())
	if err != nil {
		return err
	}
	d := keysData{Org: org, Keys: p.Items, Page: r.pageOf(p.NextCursor, len(p.Items)), Form: f, Secret: secret}
	status := fiber.StatusOK
	if d.Form == nil {
		d.Form = &form{}
		switch {
		case r.c.Query("registered") != "":
			d.Form.Done = T(r.lang, "orgs.registered")
		case r.c.Query("revoked") != "":
			d.Form.Done = Tf(r.lang, "keys.revoked", r.c.Query("revoked"))
		}
	} else if len(d.Form.All) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return r.render(status, "keys", "keys.title", d, orgName(r.lang, org))
}

func orgName(lang Lang, o *party.Org) string {
	if lang == LangEn && o.NameEn() != "" {
		return o.NameEn()
	}
	return o.Name()
}

// issueKey issues a key and shows its secret once, on the answer to the post: it is never in a
// link, and the page is not stored (no-store).
func issueKey(r *req) error {
	name := r.c.FormValue("name")
	k, secret, err := r.w.uc.Parties.IssueAPIKey(r.ctx(), r.actor, r.c.Params("id"), name, party.Scope(r.c.FormValue("scope")))
	if err != nil {
		f := &form{Values: map[string]string{"name": name}}
		if !r.refused(f, err) {
			return err
		}
		return keysPage(r, f, "")
	}
	f := &form{Done: Tf(r.lang, "keys.issued", k.ID)}
	return keysPage(r, f, secret)
}

func revokeKey(r *req) error {
	k, err := r.w.uc.Parties.RevokeAPIKey(r.ctx(), r.actor, r.c.Params("keyId"))
	if err != nil {
		return err
	}
	return r.c.Redirect("/orgs/"+url.PathEscape(k.OrgID)+"/keys?revoked="+url.QueryEscape(k.ID), fiber.StatusSeeOther)
}

type auditData struct {
	Entries      []app.AuditEntry
	Since, Until string // the days asked for (YYYY-MM-DD, China Standard Time), Until included
	OrgID        string
	Page         pager
	Form         *form
}

// auditPage lists the audit log, newest first, a page at a time, between two days (China
// Standard Time, both included) and for one organisation.
func auditPage(r *req) error {
	if r.w.uc.Audit == nil {
		return r.notFound()
	}
	d := auditData{Since: r.c.Query("since"), Until: r.c.Query("until"), OrgID: strings.TrimSpace(r.c.Query("orgId")), Form: &form{}}
	var v domain.Violations
	f := app.AuditFilter{OrgID: d.OrgID, Limit: pageSize, Cursor: r.cursor(), Since: r.day(&v, "since", d.Since)}
	if until := r.day(&v, "until", d.Until); !until.IsZero() {
		f.Until = until.Add(24 * time.Hour) // the whole of the last day
	}
	if err := v.Err(); err != nil {
		r.refused(d.Form, err)
		return r.render(fiber.StatusUnprocessableEntity, "audit", "audit.title", d)
	}
	p, err := r.w.uc.Audit.List(r.ctx(), r.actor, f)
	if err != nil {
		if r.refused(d.Form, err) {
			return r.render(fiber.StatusUnprocessableEntity, "audit", "audit.title", d)
		}
		return err
	}
	d.Entries, d.Page = p.Items, r.pageOf(p.NextCursor, len(p.Items))
	return r.render(fiber.StatusOK, "audit", "audit.title", d)
}

// Targets is an audit entry's route parameters, "id=pcl_…", in a stable order.
func (v *view) Targets(t map[string]string) string {
	var parts []string
	for k, val := range t {
		parts = append(parts, k+"="+val)
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// OrgKind is the label of an organisation kind given as a string (an audit entry's).
func (v *view) OrgKind(k string) string { return v.Kind(party.Kind(k)) }
