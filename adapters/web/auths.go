package web

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

// Authorisations between a broker and an exporter (/v1/authorizations' use cases): the list, a
// request (a broker asks an exporter; an exporter grants it at once), an agreement with its
// other side, confirming and revoking. The other side of a pending request the user asked for
// is shown by its card only (app.Parties.GetOrg), as the API shows it.

func (w *Console) authorizationRoutes(f *fiber.App) {
	f.Get("/authorizations", w.handle(signedIn, authsPage))
	f.Get("/authorizations/new", w.handle(signedIn, func(r *req) error { return newAuthPage(r, nil) }))
	f.Post("/authorizations", w.handle(signedIn, requestAuth))
	f.Get("/authorizations/:id", w.handle(signedIn, authPage))
	f.Post("/authorizations/:id/confirm", w.handle(signedIn, func(r *req) error { return changeAuth(r, "confirmed") }))
	f.Post("/authorizations/:id/revoke", w.handle(signedIn, func(r *req) error { return changeAuth(r, "revoked") }))
}

var authStatuses = []party.AuthorizationStatus{party.AuthPending, party.AuthActive, party.AuthRevoked}

type authsData struct {
	Auths    []*party.Authorization
	Status   string
	Statuses []party.AuthorizationStatus
	Page     pager
	Me       string // the user's organisation
	MayAsk   bool
}

func authsPage(r *req) error {
	d := authsData{Statuses: authStatuses, Me: r.actor.OrgID, MayAsk: mayAsk(r)}
	f := party.AuthorizationFilter{Limit: pageSize, Cursor: r.cursor()}
	if s := party.AuthorizationStatus(r.c.Query("status")); slices.Contains(authStatuses, s) {
		f.Status, d.Status = s, string(s)
	}
	p, err := r.w.uc.Parties.ListAuthorizations(r.ctx(), r.actor, f)
	if err != nil {
		return err
	}
	d.Auths, d.Page = p.Items, r.pageOf(p.NextCursor, len(p.Items))
	return r.render(fiber.StatusOK, "auths", "auths.title", d)
}

// mayAsk: the exporter or the broker named in an agreement starts it, never the operator.
func mayAsk(r *req) bool {
	return r.actor.Kind == party.KindExporter || r.actor.Kind == party.KindBroker
}

type newAuthData struct {
	Form       *form
	Other      string // the form field naming the other side: brokerId for an exporter, exporterId for a broker
	OtherKey   string // its label's key
	Exporter   bool   // an exporter grants at once; a broker asks
	TradeModes []string
}

// Checked reports whether the form has trade mode m ticked.
func (d newAuthData) Checked(m string) bool {
	return slices.Contains(strings.Split(d.Form.Value("tradeModes"), ","), m)
}

func newAuthPage(r *req, f *form) error {
	if !mayAsk(r) {
		return r.notFound()
	}
	d := newAuthData{Form: f, Exporter: r.actor.Kind == party.KindExporter, TradeModes: party.TradeModes,
		Other: "exporterId", OtherKey: "auths.exporter"}
	if d.Exporter {
		d.Other, d.OtherKey = "brokerId", "auths.broker"
	}
	status := fiber.StatusOK
	if d.Form == nil {
		today := time.Now().In(r.w.zone)
		d.Form = &form{Values: map[string]string{"tradeModes": "9610", "validFrom": today.Format(time.DateOnly),
			"validTo": today.AddDate(1, 0, 0).Format(time.DateOnly)}}
	} else if len(d.Form.All) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return r.render(status, "authnew", "auths.new.title", d)
}

// requestAuth starts an agreement with the use case of POST /v1/authorizations; the user's
// organisation is its own side.
func requestAuth(r *req) error {
	if !mayAsk(r) {
		return r.notFound()
	}
	args := r.c.Request().PostArgs()
	var modes []string
	for _, m := range args.PeekMulti("tradeModes") {
		modes = append(modes, string(m))
	}
	other := strings.TrimSpace(r.c.FormValue("other"))
	req := party.AuthorizationRequest{TradeModes: modes}
	if r.actor.Kind == party.KindExporter {
		req.ExporterID, req.BrokerID = r.actor.OrgID, other
	} else {
		req.ExporterID, req.BrokerID = other, r.actor.OrgID
	}
	f := &form{Values: map[string]string{"other": other, "tradeModes": strings.Join(modes, ","),
		"validFrom": r.c.FormValue("validFrom"), "validTo": r.c.FormValue("validTo")}}
	var v domain.Violations
	req.ValidFrom = r.day(&v, "validFrom", f.Values["validFrom"])
	req.ValidTo = r.day(&v, "validTo", f.Values["validTo"])
	err := v.Err()
	var auth *party.Authorization
	if err == nil {
		auth, err = r.w.uc.Parties.RequestAuthorization(r.ctx(), r.actor, req)
	}
	if err != nil {
		if de, ok := err.(*domain.Error); ok {
			for i, fe := range de.Fields { // the form's names: the other side is "other"
				switch {
				case fe.Field == "exporterId" || fe.Field == "brokerId":
					de.Fields[i].Field = "other"
				case strings.HasPrefix(fe.Field, "tradeModes"):
					de.Fields[i].Field = "tradeModes"
				}
			}
		}
		if !r.refused(f, err) {
			return err
		}
		return newAuthPage(r, f)
	}
	return r.c.Redirect("/authorizations/"+url.PathEscape(auth.ID())+"?done=requested", fiber.StatusSeeOther)
}

// day reads a date (YYYY-MM-DD) as the start of that day in China Standard Time.
func (r *req) day(v *domain.Violations, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(time.DateOnly, s, r.w.zone)
	if err != nil {
		v.Add(field, "invalid_date", field+" must be a date (YYYY-MM-DD)")
	}
	return t
}

type authData struct {
	Auth       *party.Authorization
	Other      *party.Org // the other side, by its card while the user's own request is pending
	OtherIsExp bool
	Me         string
	MayConfirm bool
	MayRevoke  bool
	Asked      bool // the user's organisation is asked: it confirms or declines
	Done       string
	// The two sides and the one that started it as the user reads them: "Us", the other's name
	// and id, or an id.
	ExporterLabel, BrokerLabel, InitiatorLabel string
}

func authPage(r *req) error {
	a, err := r.w.uc.Parties.GetAuthorization(r.ctx(), r.actor, r.c.Params("id"))
	if err != nil {
		return err // another firm's agreement is the 404 page, as one that does not exist
	}
	d := authData{Auth: a, Me: r.actor.OrgID}
	isParty := a.Involves(r.actor.OrgID)
	d.MayConfirm = isParty && a.Status() == "pending" && a.InitiatedBy() != r.actor.OrgID
	d.MayRevoke = isParty && a.Status() != "revoked"
	otherID := a.ExporterID()
	if r.actor.OrgID == a.ExporterID() {
		otherID = a.BrokerID()
	}
	d.OtherIsExp = otherID == a.ExporterID()
	if r.actor.IsOperator() {
		otherID = "" // the operator sees both ids; their records are on the organisations page
	}
	if otherID != "" {
		if d.Other, err = r.w.uc.Parties.GetOrg(r.ctx(), r.actor, otherID); err != nil && domain.KindOf(err) != domain.KindNotFound {
			return err
		}
	}
	d.Asked = d.MayConfirm
	label := func(id string) string {
		switch {
		case id == r.actor.OrgID:
			return T(r.lang, "auths.us")
		case d.Other != nil && d.Other.ID() == id:
			return orgName(r.lang, d.Other) + " (" + id + ")"
		}
		return id
	}
	d.ExporterLabel, d.BrokerLabel, d.InitiatorLabel = label(a.ExporterID()), label(a.BrokerID()), label(a.InitiatedBy())
	switch r.c.Query("done") {
	case "requested", "confirmed", "revoked":
		d.Done = T(r.lang, doneKey(r.c.Query("done")))
	}
	return r.render(fiber.StatusOK, "auth", "auth.title", d)
}

// changeAuth confirms or revokes an agreement (the API's use cases) and shows it again.
func changeAuth(r *req, done string) error {
	id := r.c.Params("id")
	var err error
	if done == "confirmed" {
		_, err = r.w.uc.Parties.ConfirmAuthorization(r.ctx(), r.actor, id)
	} else {
		_, err = r.w.uc.Parties.RevokeAuthorization(r.ctx(), r.actor, id)
	}
	if err != nil {
		return err
	}
	return r.c.Redirect("/authorizations/"+url.PathEscape(id)+"?done="+done, fiber.StatusSeeOther)
}

// AuthStatus is an agreement status's label.
func (v *view) AuthStatus(s party.AuthorizationStatus) string { return v.T(authStatusKey(s)) }

func authStatusKey(s party.AuthorizationStatus) string { return "auths.status" + "." + string(s) }

func doneKey(done string) string { return "auths.done" + "." + done }

// Date shows a day in China Standard Time.
func (v *view) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.r.w.zone).Format(time.DateOnly)
}

// TimeP is Time of a time that may be absent.
func (v *view) TimeP(t *time.Time) string {
	if t == nil {
		return ""
	}
	return v.Time(*t)
}
