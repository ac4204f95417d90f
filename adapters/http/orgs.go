package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/party"
)

type contactJSON struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

func (c *contactJSON) domain() *party.Contact {
	if c == nil {
		return nil
	}
	return &party.Contact{Name: c.Name, Phone: c.Phone, Email: c.Email}
}

type orgView struct {
	ID                        string       `json:"id"`
	Kind                      string       `json:"kind"`
	Name                      string       `json:"name"`
	NameEn                    string       `json:"nameEn,omitempty"`
	USCC                      string       `json:"uscc,omitempty"`
	CustomsCode               string       `json:"customsCode,omitempty"`
	Contact                   *contactJSON `json:"contact,omitempty"`
	AutoConfirmAuthorizations *bool        `json:"autoConfirmAuthorizations,omitempty"`
	// Card marks an organisation shown only by its card (id, kind, names): the other side of an
	// authorisation the caller asked for and that is not confirmed yet.
	Card      bool      `json:"card,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func viewOrg(o *party.Org) orgView {
	if o.IsCard() {
		return orgView{ID: o.ID(), Kind: string(o.Kind()), Name: o.Name(), NameEn: o.NameEn(), Card: true,
			CreatedAt: o.CreatedAt(), UpdatedAt: o.UpdatedAt()}
	}
	autoConfirm := o.AutoConfirmAuthorizations()
	v := orgView{
		ID: o.ID(), Kind: string(o.Kind()), Name: o.Name(), NameEn: o.NameEn(), USCC: o.USCC(),
		CustomsCode: o.CustomsCode(), AutoConfirmAuthorizations: &autoConfirm,
		CreatedAt: o.CreatedAt(), UpdatedAt: o.UpdatedAt(),
	}
	if c := o.Contact(); c != nil {
		v.Contact = &contactJSON{Name: c.Name, Phone: c.Phone, Email: c.Email}
	}
	return v
}

type listView[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func viewPage[A, V any](p app.Page[A], view func(A) V) listView[V] {
	out := listView[V]{Items: make([]V, len(p.Items)), NextCursor: p.NextCursor}
	for i, item := range p.Items {
		out.Items[i] = view(item)
	}
	return out
}

type registerOrgRequest struct {
	Kind        string       `json:"kind"`
	Name        string       `json:"name"`
	NameEn      string       `json:"nameEn"`
	USCC        string       `json:"uscc"`
	CustomsCode string       `json:"customsCode"`
	Contact     *contactJSON `json:"contact"`
}

func (h *handlers) registerOrg(c *fiber.Ctx) error {
	var req registerOrgRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	org, err := h.parties.RegisterOrg(c.UserContext(), actorOf(c), app.RegisterOrg{Kind: party.Kind(req.Kind), Fields: party.OrgFields{
		Name: req.Name, NameEn: req.NameEn, USCC: req.USCC, CustomsCode: req.CustomsCode, Contact: req.Contact.domain(),
	}})
	if err != nil {
		return err
	}
	c.Location("/v1/orgs/" + org.ID())
	return c.Status(fiber.StatusCreated).JSON(viewOrg(org))
}

func (h *handlers) getOrg(c *fiber.Ctx) error {
	org, err := h.parties.GetOrg(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(viewOrg(org))
}

func (h *handlers) listOrgs(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	f := party.OrgFilter{Limit: q.limit, Cursor: q.cursor}
	if k := c.Query("kind"); k != "" {
		switch party.Kind(k) {
		case party.KindOperator, party.KindExporter, party.KindBroker:
			f.Kind = party.Kind(k)
		default:
			return queryProblem("kind", "invalid_kind", "kind must be operator, exporter or broker")
		}
	}
	p, err := h.parties.ListOrgs(c.UserContext(), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(p, viewOrg))
}

type patchOrgRequest struct {
	Name                      *string      `json:"name"`
	NameEn                    *string      `json:"nameEn"`
	CustomsCode               *string      `json:"customsCode"`
	Contact                   *contactJSON `json:"contact"`
	AutoConfirmAuthorizations *bool        `json:"autoConfirmAuthorizations"`
}

func (h *handlers) patchOrg(c *fiber.Ctx) error {
	var req patchOrgRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	org, err := h.parties.PatchOrg(c.UserContext(), actorOf(c), c.Params("id"), party.OrgPatch{
		Name: req.Name, NameEn: req.NameEn, CustomsCode: req.CustomsCode, Contact: req.Contact.domain(),
		AutoConfirmAuthorizations: req.AutoConfirmAuthorizations,
	})
	if err != nil {
		return err
	}
	return c.JSON(viewOrg(org))
}

type apiKeyView struct {
	ID        string     `json:"id"`
	OrgID     string     `json:"orgId"`
	Name      string     `json:"name,omitempty"`
	Scope     string     `json:"scope,omitempty"`
	Key       string     `json:"key,omitempty"` // only in the answer that issues it
	CreatedAt time.Time  `json:"createdAt"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

func viewAPIKey(k *party.APIKey) apiKeyView {
	return apiKeyView{ID: k.ID, OrgID: k.OrgID, Name: k.Name, Scope: string(k.Scope), CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt}
}

type issueAPIKeyRequest struct {
	Name  string `json:"name"`
	Scope string `json:"scope"`
}

func (h *handlers) issueAPIKey(c *fiber.Ctx) error {
	var req issueAPIKeyRequest
	if len(c.Body()) > 0 { // the name is optional, and so is the body
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	k, secret, err := h.parties.IssueAPIKey(c.UserContext(), actorOf(c), c.Params("id"), req.Name, party.Scope(req.Scope))
	if err != nil {
		return err
	}
	v := viewAPIKey(k)
	v.Key = secret
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Location("/v1/api-keys/" + k.ID) // where it is revoked (DELETE)
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (h *handlers) listAPIKeys(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	keys, err := h.parties.ListAPIKeys(c.UserContext(), actorOf(c), c.Params("id"), q.limit, q.cursor)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(keys, viewAPIKey))
}

func (h *handlers) revokeAPIKey(c *fiber.Ctx) error {
	k, err := h.parties.RevokeAPIKey(c.UserContext(), actorOf(c), c.Params("keyId"))
	if err != nil {
		return err
	}
	return c.JSON(viewAPIKey(k))
}
