package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/party"
)

// Organisations and their users: the operator's list of organisations and each one's users
// (where it makes an organisation's first admin), an admin's members.

func (w *Console) orgRoutes(f *fiber.App) {
	f.Get("/orgs", w.handle(operator, orgsPage))
	f.Get("/orgs/:id/users", w.handle(operator, func(r *req) error { return usersPage(r, r.c.Params("id"), nil) }))
	f.Post("/orgs/:id/users", w.handle(operator, func(r *req) error { return createUser(r, r.c.Params("id")) }))
	f.Get("/members", w.handle(admin, func(r *req) error { return usersPage(r, r.actor.OrgID, nil) }))
	f.Post("/members", w.handle(admin, func(r *req) error { return createUser(r, r.actor.OrgID) }))
}

type orgsData struct {
	Orgs  []*party.Org
	Kind  string
	Kinds []party.Kind
	Page  pager
}

func orgsPage(r *req) error {
	f := party.OrgFilter{Limit: pageSize, Cursor: r.cursor()}
	kind := r.c.Query("kind")
	if party.Kind(kind).Registrable() || party.Kind(kind) == party.KindOperator {
		f.Kind = party.Kind(kind)
	} else {
		kind = ""
	}
	p, err := r.w.uc.Parties.ListOrgs(r.ctx(), r.actor, f)
	if err != nil {
		return err
	}
	kinds := append([]party.Kind{party.KindOperator}, party.RegisteredKinds...)
	return r.render(fiber.StatusOK, "orgs", "orgs.title", orgsData{Orgs: p.Items, Kind: kind, Kinds: kinds, Page: r.pageOf(p.NextCursor, len(p.Items))})
}

type usersData struct {
	Org     *party.Org
	Users   []*account.User
	Page    pager
	Form    *form
	Action  string // where the form posts
	Members bool   // the admin's own page, not the operator's view of an organisation
	Roles   []account.Role
}

// usersPage lists an organisation's users, a page at a time, with the form to add one.
func usersPage(r *req, orgID string, f *form) error {
	members := r.c.Path() == "/members"
	var org *party.Org
	if !members { // the operator's view names the organisation; an admin knows their own
		var err error
		if org, err = r.w.uc.Parties.GetOrg(r.ctx(), r.actor, orgID); err != nil {
			return err
		}
	}
	p, err := r.w.uc.Accounts.ListUsers(r.ctx(), r.actor, orgID, pageSize, r.cursor())
	if err != nil {
		return err
	}
	d := usersData{Org: org, Users: p.Items, Page: r.pageOf(p.NextCursor, len(p.Items)), Form: f, Roles: account.Roles,
		Action: "/orgs/" + url.PathEscape(orgID) + "/users", Members: members}
	if d.Members {
		d.Action = "/members"
	}
	if d.Form == nil {
		d.Form = &form{Values: map[string]string{"role": string(account.RoleMember)}}
		if len(p.Items) == 0 && r.cursor() == "" {
			d.Form.Values["role"] = string(account.RoleAdmin) // the first user is the admin
		}
		if created := r.c.Query("created"); created != "" {
			d.Form.Done = Tf(r.lang, "users.created", created)
		}
	}
	status := fiber.StatusOK
	if len(d.Form.All) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	if d.Members {
		return r.render(status, "users", "members.title", d)
	}
	return r.render(status, "users", "users.title", d, d.orgName(r.lang))
}

func (d usersData) orgName(lang Lang) string {
	if lang == LangEn && d.Org.NameEn() != "" {
		return d.Org.NameEn()
	}
	return d.Org.Name()
}

// createUser adds a user, then shows the list again (post, redirect, get); a refused form is
// shown again with its problems.
func createUser(r *req, orgID string) error {
	email, name, role := r.c.FormValue("email"), r.c.FormValue("name"), r.c.FormValue("role")
	u, err := r.w.uc.Accounts.CreateUser(r.ctx(), r.actor, orgID, app.CreateUser{Email: email, Name: name,
		Role: account.Role(role), Password: r.c.FormValue("password")})
	if err != nil {
		f := &form{Values: map[string]string{"email": email, "name": name, "role": role}}
		if !r.refused(f, err) {
			return err
		}
		return usersPage(r, orgID, f)
	}
	back := r.c.Path()
	return r.c.Redirect(back+"?created="+url.QueryEscape(u.Email()), fiber.StatusSeeOther)
}
