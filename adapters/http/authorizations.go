package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

type authorizationView struct {
	ID          string     `json:"id"`
	ExporterID  string     `json:"exporterId"`
	BrokerID    string     `json:"brokerId"`
	TradeModes  []string   `json:"tradeModes"`
	ValidFrom   time.Time  `json:"validFrom"`
	ValidTo     time.Time  `json:"validTo"`
	Status      string     `json:"status"`
	InitiatedBy string     `json:"initiatedBy"`
	CreatedAt   time.Time  `json:"createdAt"`
	ConfirmedAt *time.Time `json:"confirmedAt,omitempty"`
	RevokedAt   *time.Time `json:"revokedAt,omitempty"`
	RevokedBy   string     `json:"revokedBy,omitempty"`
}

func viewAuthorization(a *party.Authorization) authorizationView {
	return authorizationView{
		ID: a.ID(), ExporterID: a.ExporterID(), BrokerID: a.BrokerID(), TradeModes: a.TradeModes(),
		ValidFrom: a.ValidFrom(), ValidTo: a.ValidTo(), Status: string(a.Status()), InitiatedBy: a.InitiatedBy(),
		CreatedAt: a.CreatedAt(), ConfirmedAt: a.ConfirmedAt(), RevokedAt: a.RevokedAt(), RevokedBy: a.RevokedBy(),
	}
}

type authorizationRequest struct {
	ExporterID string   `json:"exporterId"`
	BrokerID   string   `json:"brokerId"`
	TradeModes []string `json:"tradeModes"`
	ValidFrom  string   `json:"validFrom"`
	ValidTo    string   `json:"validTo"`
}

func (h *handlers) requestAuthorization(c *fiber.Ctx) error {
	var req authorizationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r := party.AuthorizationRequest{ExporterID: req.ExporterID, BrokerID: req.BrokerID, TradeModes: req.TradeModes}
	var v domain.Violations
	r.ValidFrom = parseTime(&v, "validFrom", req.ValidFrom)
	r.ValidTo = parseTime(&v, "validTo", req.ValidTo)
	if err := v.Err(); err != nil {
		return err
	}
	auth, err := h.parties.RequestAuthorization(c.UserContext(), actorOf(c), r)
	if err != nil {
		return err
	}
	c.Location("/v1/authorizations/" + auth.ID())
	return c.Status(fiber.StatusCreated).JSON(viewAuthorization(auth))
}

func (h *handlers) getAuthorization(c *fiber.Ctx) error {
	auth, err := h.parties.GetAuthorization(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(viewAuthorization(auth))
}

func (h *handlers) listAuthorizations(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	f := party.AuthorizationFilter{ExporterID: c.Query("exporterId"), BrokerID: c.Query("brokerId"), Limit: q.limit, Cursor: q.cursor}
	if s := c.Query("status"); s != "" {
		switch st := party.AuthorizationStatus(s); st {
		case party.AuthPending, party.AuthActive, party.AuthRevoked:
			f.Status = st
		default:
			return queryProblem("status", "invalid_status", "status must be pending, active or revoked")
		}
	}
	p, err := h.parties.ListAuthorizations(c.UserContext(), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(p, viewAuthorization))
}

func (h *handlers) confirmAuthorization(c *fiber.Ctx) error {
	auth, err := h.parties.ConfirmAuthorization(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(viewAuthorization(auth))
}

func (h *handlers) revokeAuthorization(c *fiber.Ctx) error {
	auth, err := h.parties.RevokeAuthorization(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(viewAuthorization(auth))
}
