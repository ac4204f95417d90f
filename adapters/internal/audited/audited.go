// Package audited builds the audit log's entry of a change request, the same way for the API
// (a key or a session token) and for the console (a signed-in person): who, what, when, from
// where — never the body or a secret.
package audited

import (
	"net/netip"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/silkgate/silkgate/adapters/internal/clientip"
	"github.com/silkgate/silkgate/app"
)

// maxUserAgent is how much of a User-Agent header an entry keeps.
const maxUserAgent = 200

// Entry is the entry of the request c has just been answered: its route and parameters, status,
// request id (the X-Request-Id answered), client address and user agent, for actor and the
// organisations the request acted for.
func Entry(c *fiber.Ctx, actor app.Actor, trusted []netip.Prefix, onBehalfOf []string) app.AuditEntry {
	e := app.AuditEntry{OrgID: actor.OrgID, OrgKind: string(actor.Kind), KeyID: actor.KeyID, UserID: actor.UserID,
		Method: utils.CopyString(c.Method()), Status: c.Response().StatusCode(),
		RequestID: string(c.Response().Header.Peek(fiber.HeaderXRequestID)),
		IP:        clientip.Of(c, trusted), UserAgent: truncate(c.Get(fiber.HeaderUserAgent), maxUserAgent),
		OnBehalfOf: onBehalfOf}
	if route := c.Route(); route != nil {
		e.Route = route.Path
		if len(route.Params) > 0 {
			e.Targets = make(map[string]string, len(route.Params))
			for _, p := range route.Params {
				e.Targets[p] = utils.CopyString(c.Params(p))
			}
		}
	}
	return e
}

// truncate cuts s to at most n bytes on a character boundary (copying it out of fiber's buffer).
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return utils.CopyString(s)
}
