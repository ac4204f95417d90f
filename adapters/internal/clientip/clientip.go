// Package clientip says which address a request came from, believing X-Forwarded-For only from
// the reverse proxies the deployment names (SILKGATE_TRUSTED_PROXIES): the API's audit log and
// rate limits and the console's sign-in limits ask it the same way.
package clientip

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Of is the caller's address: the connection's peer, or — when that peer is a trusted
// proxy — the nearest address in X-Forwarded-For that is not one of the trusted proxies
// (read from the right, as each proxy appends the address it received the request from).
func Of(c *fiber.Ctx, trusted []netip.Prefix) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return ""
	}
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a forged or garbled hop: trust nothing further left
		}
		a = a.Unmap()
		if !isTrusted(a, trusted) {
			return a.String()
		}
		peer = a
	}
	return peer.String()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
