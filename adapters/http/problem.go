package http

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/silkgate/silkgate/domain"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Code      domain.Code         `json:"code"`
	Errors    []domain.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"requestId,omitempty"`
}

// statusOf is the one mapping from error kinds to HTTP statuses.
var statusOf = map[domain.Kind]int{
	domain.KindInvalid:            fiber.StatusUnprocessableEntity,
	domain.KindNotFound:           fiber.StatusNotFound,
	domain.KindConflict:           fiber.StatusConflict,
	domain.KindUnauthorized:       fiber.StatusUnauthorized,
	domain.KindForbidden:          fiber.StatusForbidden,
	domain.KindFailedPrecondition: fiber.StatusConflict,
	domain.KindInternal:           fiber.StatusInternalServerError,
}

// badRequest is an input the HTTP layer cannot read at all (malformed JSON, unknown fields, wrong
// types): 400, unlike a readable input that breaks a business rule (422).
type badRequest struct {
	code           domain.Code
	message, field string
}

func (e *badRequest) Error() string { return e.message }

// errorHandler turns every error a handler returns into problem+json. Internal errors are
// logged with the request id and never shown.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := problem{RequestID: requestID(c)}
		var (
			de *domain.Error
			br *badRequest
			fe *fiber.Error
			sp *statusProblem
		)
		switch {
		case errors.Is(c.UserContext().Err(), context.DeadlineExceeded):
			// The request ran out of its time, whatever failed last because of it: tell the
			// caller so, rather than a bare internal error.
			p.Status, p.Code = fiber.StatusServiceUnavailable, "request_timeout"
			p.Detail = "the request did not finish within its time limit; narrow it (filters, a smaller page) or try again later"
			log.Warn("request timed out", "requestId", p.RequestID, "method", c.Method(), "route", routeOf(c), "err", err)
		case errors.As(err, &sp):
			sp.problem(&p)
		case errors.As(err, &br):
			p.Status, p.Code, p.Detail = fiber.StatusBadRequest, br.code, br.message
			if br.field != "" {
				p.Errors = []domain.FieldError{{Field: br.field, Code: br.code, Message: br.message}}
			}
		case errors.As(err, &de) && de.Kind != domain.KindInternal:
			p.Status, p.Code, p.Detail, p.Errors = statusOf[de.Kind], de.Code, de.Message, de.Fields
			if p.Status == 0 {
				p.Status = fiber.StatusInternalServerError
			}
		case errors.As(err, &fe):
			p.Status, p.Code, p.Detail = fe.Code, domain.Code(slug(utils.StatusMessage(fe.Code))), fe.Message
		default:
			p.Status, p.Code, p.Detail = fiber.StatusInternalServerError, "internal", "an internal error occurred; quote the request id"
			log.Error("internal error", "requestId", p.RequestID, "method", c.Method(), "route", routeOf(c), "err", err)
		}
		p.Title = utils.StatusMessage(p.Status)
		p.Type = "/problems/" + string(p.Code)
		c.Set(fiber.HeaderContentType, "application/problem+json")
		return c.Status(p.Status).JSON(p, "application/problem+json")
	}
}

// slug makes "Request Entity Too Large" into "request_entity_too_large".
func slug(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
}
