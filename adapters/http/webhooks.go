package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/domain/webhook"
)

// registerWebhookRoutes adds the webhook routes (docs/webhooks.md).
func (h *handlers) registerWebhookRoutes(v1 fiber.Router) {
	v1.Get("/webhooks/event-types", h.webhookEventTypes)
	v1.Post("/webhooks", h.createWebhook)
	v1.Get("/webhooks", h.listWebhooks)
	v1.Get("/webhooks/:id", h.getWebhook)
	v1.Patch("/webhooks/:id", h.patchWebhook)
	v1.Delete("/webhooks/:id", h.deleteWebhook)
	v1.Post("/webhooks/:id/rotate-secret", h.rotateWebhookSecret)
	v1.Post("/webhooks/:id/ping", h.pingWebhook)
	v1.Get("/webhooks/:id/deliveries", h.listWebhookDeliveries)
	v1.Post("/webhooks/:id/deliveries/:deliveryId/redeliver", h.redeliverWebhook)
}

type webhookView struct {
	ID             string     `json:"id"`
	OrgID          string     `json:"orgId"`
	URL            string     `json:"url"`
	EventTypes     []string   `json:"eventTypes"`
	Description    string     `json:"description,omitempty"`
	Enabled        bool       `json:"enabled"`
	DisabledReason string     `json:"disabledReason,omitempty"`
	DisabledAt     *time.Time `json:"disabledAt,omitempty"`
	// Secret is shown only by the answers that make one (create, rotate-secret).
	Secret string `json:"secret,omitempty"`
	// PreviousSecretValidUntil is when the secret before the last rotation stops signing.
	PreviousSecretValidUntil *time.Time `json:"previousSecretValidUntil,omitempty"`
	CreatedAt                time.Time  `json:"createdAt"`
	UpdatedAt                time.Time  `json:"updatedAt"`
}

func viewWebhook(s *webhook.Subscription) webhookView {
	v := webhookView{ID: s.ID, OrgID: s.OrgID, URL: s.URL, EventTypes: s.EventTypes, Description: s.Description,
		Enabled: s.Enabled, DisabledReason: s.DisabledReason, DisabledAt: s.DisabledAt, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if s.PreviousSecret != "" && time.Now().Before(s.PreviousUntil) {
		until := s.PreviousUntil
		v.PreviousSecretValidUntil = &until
	}
	return v
}

type deliveryView struct {
	ID        string            `json:"id"`
	WebhookID string            `json:"webhookId"`
	EventID   string            `json:"eventId"`
	EventType string            `json:"eventType"`
	Status    string            `json:"status"`
	Attempts  []webhook.Attempt `json:"attempts"`
	Payload   webhook.Payload   `json:"payload"`
	CreatedAt time.Time         `json:"createdAt"`
	UpdatedAt time.Time         `json:"updatedAt"`
}

func viewDelivery(d *webhook.Delivery) deliveryView {
	v := deliveryView{ID: d.ID, WebhookID: d.SubscriptionID, EventID: d.EventID, EventType: d.EventType, Status: d.Status,
		Attempts: d.Attempts, Payload: d.Event, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if v.Attempts == nil {
		v.Attempts = []webhook.Attempt{}
	}
	v.Payload.DeliveryID = d.ID
	return v
}

type webhookRequest struct {
	OrgID       string   `json:"orgId"`
	URL         *string  `json:"url"`
	EventTypes  []string `json:"eventTypes"`
	Description *string  `json:"description"`
	Enabled     *bool    `json:"enabled"`
}

func (h *handlers) webhookEventTypes(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"groups": webhook.Catalogue})
}

func (h *handlers) createWebhook(c *fiber.Ctx) error {
	var req webhookRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	made, err := h.webhooks.CreateWebhook(c.UserContext(), actorOf(c), req.OrgID,
		webhook.Draft{URL: req.URL, EventTypes: req.EventTypes, Description: req.Description, Enabled: req.Enabled})
	if err != nil {
		return err
	}
	v := viewWebhook(made.Subscription)
	v.Secret = made.Secret
	c.Set(fiber.HeaderCacheControl, "no-store") // the secret is shown once, and never kept
	c.Location("/v1/webhooks/" + v.ID)
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (h *handlers) listWebhooks(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	p, err := h.webhooks.ListWebhooks(c.UserContext(), actorOf(c), c.Query("orgId"), q.limit, q.cursor)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(p, viewWebhook))
}

func (h *handlers) getWebhook(c *fiber.Ctx) error {
	s, err := h.webhooks.GetWebhook(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(viewWebhook(s))
}

type webhookPatch struct {
	URL         *string  `json:"url"`
	EventTypes  []string `json:"eventTypes"`
	Description *string  `json:"description"`
	Enabled     *bool    `json:"enabled"`
}

func (h *handlers) patchWebhook(c *fiber.Ctx) error {
	var req webhookPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	s, err := h.webhooks.UpdateWebhook(c.UserContext(), actorOf(c), c.Params("id"),
		webhook.Draft{URL: req.URL, EventTypes: req.EventTypes, Description: req.Description, Enabled: req.Enabled})
	if err != nil {
		return err
	}
	return c.JSON(viewWebhook(s))
}

func (h *handlers) deleteWebhook(c *fiber.Ctx) error {
	if err := h.webhooks.DeleteWebhook(c.UserContext(), actorOf(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *handlers) rotateWebhookSecret(c *fiber.Ctx) error {
	made, err := h.webhooks.RotateSecret(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	v := viewWebhook(made.Subscription)
	v.Secret = made.Secret
	c.Set(fiber.HeaderCacheControl, "no-store") // the secret is shown once, and never kept
	return c.JSON(v)
}

func (h *handlers) pingWebhook(c *fiber.Ctx) error {
	d, err := h.webhooks.Ping(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(viewDelivery(d))
}

func (h *handlers) listWebhookDeliveries(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	p, err := h.webhooks.ListDeliveries(c.UserContext(), actorOf(c), c.Params("id"), q.limit, q.cursor)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(p, viewDelivery))
}

func (h *handlers) redeliverWebhook(c *fiber.Ctx) error {
	d, err := h.webhooks.Redeliver(c.UserContext(), actorOf(c), c.Params("id"), c.Params("deliveryId"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(viewDelivery(d))
}
