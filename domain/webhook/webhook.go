// Package webhook is the model of signed webhooks: the catalogue of event types an organisation
// may subscribe to, subscriptions and their rules, whom an event concerns (its audience), the
// signature every delivery carries, and the retry schedule. See docs/webhooks.md.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// Limits of a subscription.
const (
	MaxPerOrg         = 20   // subscriptions per organisation
	MaxURLLength      = 2048 // characters
	MaxDescription    = 200  // characters
	MaxEventPatterns  = 50   // entries of eventTypes
	SecretPrefix      = "whsec_"
	RotationOverlap   = 24 * time.Hour // how long the previous secret still signs after a rotation
	SignatureHeader   = "Silkgate-Signature"
	EventIDHeader     = "Silkgate-Event-Id"
	DeliveryIDHeader  = "Silkgate-Delivery-Id"
	DefaultTolerance  = 5 * time.Minute // how old a signed timestamp a receiver accepts
	EventPing         = "webhook.ping"
	EventDisabled     = "webhook.disabled"
	AggregateWebhook  = "webhook"
	sequenceMultiplex = 1_000_000
)

// Catalogue is every event type an organisation may subscribe to, grouped by what it is about.
// A subscription names exact types or a group's pattern ("parcel.*"), or "*" for all.
var Catalogue = []CatalogueEntry{
	{Group: "parcel", Types: []string{"parcel.registered", "parcel.edited", "parcel.declared", "parcel.accepted",
		"parcel.inspection", "parcel.released", "parcel.loaded", "parcel.departed", "parcel.arrived", "parcel.rejected",
		"parcel.cancelled", "parcel.withdrawn", "parcel.closed", "parcel.received", "parcel.arrival_accepted",
		"parcel.list_cancelled_after_departure"}},
	{Group: "declaration", Types: []string{"declaration.created", "declaration.edited", "declaration.submitted",
		"declaration.summary_assigned", "declaration.summary_unassigned", "declaration.summarised", "declaration.cancelled"}},
	// What customs answers: each receipt moves a declaration (or, moving nothing, notes it).
	{Group: "receipt", Types: []string{"declaration.staged", "declaration.declaring", "declaration.sent",
		"declaration.send_failed", "declaration.error", "declaration.accepted", "declaration.manual_review",
		"declaration.review_finished", "declaration.inspection", "declaration.rejected", "declaration.released",
		"declaration.cleared", "declaration.numbered", "declaration.number_conflict", "declaration.receipt_unknown"}},
	{Group: "booking", Types: []string{"booking.requested", "booking.confirmed", "booking.waitlisted", "booking.promoted",
		"booking.cancelled", "booking.container_loaded", "booking.container_unloaded", "booking.parcel_taken_out"}},
	{Group: "departure", Types: []string{"departure.scheduled", "departure.cancelled"}},
	// A train's movements, on the departure and on each booking aboard.
	{Group: "movement", Types: []string{"departure.departed", "departure.border_crossed", "departure.transshipped",
		"departure.arrived", "booking.movement"}},
	{Group: "authorization", Types: []string{"authorization.requested", "authorization.activated", "authorization.revoked"}},
	{Group: "webhook", Types: []string{EventDisabled}},
}

// CatalogueEntry is one group of event types.
type CatalogueEntry struct {
	Group string   `json:"group"`
	Types []string `json:"types"`
}

// known reports whether typ is in the catalogue.
func known(typ string) bool {
	for _, c := range Catalogue {
		if slices.Contains(c.Types, typ) {
			return true
		}
	}
	return false
}

// groupTypes returns the types of a group, nil for an unknown one.
func groupTypes(group string) []string {
	for _, c := range Catalogue {
		if c.Group == group {
			return c.Types
		}
	}
	return nil
}

// Matches reports whether an event of type typ is wanted by patterns: "*", a group's "group.*"
// or the exact type. "parcel.*" means the parcel group; declaration.* every declaration event
// (receipts included), departure.* and booking.* their movements too.
func Matches(patterns []string, typ string) bool {
	for _, p := range patterns {
		switch {
		case p == "*" || p == typ:
			return true
		case strings.HasSuffix(p, ".*"):
			g := strings.TrimSuffix(p, ".*")
			if strings.HasPrefix(typ, g+".") || slices.Contains(groupTypes(g), typ) {
				return true
			}
		}
	}
	return false
}

// CheckPatterns records in v what is wrong with a subscription's event types.
func CheckPatterns(v *domain.Violations, field string, patterns []string) {
	if len(patterns) == 0 {
		v.Add(field, "required", "name at least one event type (see GET /v1/webhooks/event-types) / 至少订阅一种事件类型")
		return
	}
	if len(patterns) > MaxEventPatterns {
		v.Add(field, "too_many", field+" has at most "+strconv.Itoa(MaxEventPatterns)+" entries")
		return
	}
	for i, p := range patterns {
		ok := p == "*" || known(p) || (strings.HasSuffix(p, ".*") && groupTypes(strings.TrimSuffix(p, ".*")) != nil)
		if !ok {
			v.Add(field+"["+strconv.Itoa(i)+"]", "unknown_event_type", p+" is not an event type or group of the catalogue (GET /v1/webhooks/event-types) / 未知的事件类型")
		}
	}
}

// CheckURL records in v what is wrong with a receiver's address: required, at most
// MaxURLLength characters, absolute http or https with a host, no user name or password, no
// fragment.
func CheckURL(v *domain.Violations, field, raw string) *url.URL {
	if raw == "" {
		v.Add(field, "required", field+" is required / 必须填写回调地址")
		return nil
	}
	if len(raw) > MaxURLLength {
		v.Add(field, "too_long", field+" has at most "+strconv.Itoa(MaxURLLength)+" characters / 地址过长")
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || !domain.XMLText(raw) || strings.ContainsAny(raw, " \t\r\n"):
		v.Add(field, "invalid_url", field+" is not a URL / 地址格式不正确")
	case u.Scheme != "https" && u.Scheme != "http":
		v.Add(field, "invalid_url", field+" must be an http or https URL / 仅支持 http 或 https 地址")
	case u.Host == "" || u.Hostname() == "":
		v.Add(field, "invalid_url", field+" must name a host / 地址缺少主机名")
	case u.User != nil:
		v.Add(field, "invalid_url", field+" must not carry a user name or password / 地址中不得包含用户名或密码")
	case u.Fragment != "":
		v.Add(field, "invalid_url", field+" must not have a fragment (#...)")
	default:
		return u
	}
	return nil
}

// NewSecret returns a new signing secret: "whsec_" and 32 random bytes in hex.
func NewSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return SecretPrefix + hex.EncodeToString(b[:]), nil
}

// Sign returns the hex HMAC-SHA256 of "t.body" under secret.
func Sign(secret string, t int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(t, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Signature is the Silkgate-Signature header of body sent at t, signed with every secret given
// (the current one first; during a rotation the previous one too): "t=<unix>,v1=<hex>[,v1=<hex>]".
func Signature(t time.Time, body []byte, secrets ...string) string {
	unix := t.Unix()
	var b strings.Builder
	b.WriteString("t=")
	b.WriteString(strconv.FormatInt(unix, 10))
	for _, s := range secrets {
		b.WriteString(",v1=")
		b.WriteString(Sign(s, unix, body))
	}
	return b.String()
}

// Verify is what a receiver does (docs/webhooks.md shows the same steps): it reads header, and
// accepts body when one v1 signature matches the HMAC under secret and the timestamp is within
// tolerance of now.
func Verify(header string, body []byte, secret string, now time.Time, tolerance time.Duration) bool {
	var ts int64
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return false
			}
			ts = n
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if ts == 0 || len(sigs) == 0 {
		return false
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return false
	}
	want := Sign(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

// Sequence orders an aggregate's events: it grows with every event of one aggregate (the
// version the write was stored as, then the event's place in the outbox), so that a receiver
// can tell an older delivery from a newer one. Event ids are "aggregate:subject:version:seq".
func Sequence(eventID string) int64 {
	parts := strings.Split(eventID, ":")
	if len(parts) < 4 {
		return 0
	}
	version, err1 := strconv.ParseInt(parts[len(parts)-2], 10, 64)
	seq, err2 := strconv.ParseInt(parts[len(parts)-1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return version*sequenceMultiplex + min(seq, sequenceMultiplex-1)
}

// Audience is whom an event concerns, from the event alone (no store read): every
// organisation (a departure's timetable, which every caller may read), the listed
// organisations, and whoever sees the records of Exporter (the exporter itself and the brokers
// it authorises now; party.Visibility). The operator sees everything.
type Audience struct {
	Everyone bool
	Orgs     []string
	Exporter string
}

// AudienceOf reads an event's audience from its aggregate and data: parcels, declarations and
// bookings belong to their exporterId; an authorisation to its two parties; a departure to
// everyone; a webhook notice to its orgId. Anything else concerns the operator alone.
func AudienceOf(e domain.Event) Audience {
	str := func(k string) string { s, _ := e.Data[k].(string); return s }
	switch e.Aggregate {
	case "departure":
		return Audience{Everyone: true}
	case "parcel", "declaration", "booking":
		return Audience{Exporter: str("exporterId")}
	case "authorization":
		var orgs []string
		for _, k := range []string{"exporterId", "brokerId"} {
			if s := str(k); s != "" {
				orgs = append(orgs, s)
			}
		}
		return Audience{Orgs: orgs}
	case AggregateWebhook:
		return Audience{Orgs: []string{str("orgId")}}
	}
	return Audience{}
}

// RetryDelay is the wait before retry n (1 for the first): base, doubling each time, never more
// than limit.
func RetryDelay(n int, base, limit time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
