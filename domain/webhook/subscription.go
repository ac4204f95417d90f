package webhook

import (
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// Subscription is an organisation's receiver: where events of the types it names are sent, and
// the secrets they are signed with. The secrets are stored as they are, because signing needs
// them (an HMAC cannot be made from a hash of its key); they are shown only when made.
type Subscription struct {
	ID          string
	OrgID       string
	OrgKind     string // the organisation's kind (it never changes): what it may see
	URL         string
	EventTypes  []string
	Description string
	Secret      string
	// PreviousSecret still signs, beside Secret, until PreviousUntil (a rotation).
	PreviousSecret string
	PreviousUntil  time.Time
	Enabled        bool
	// DisabledReason and DisabledAt tell why and when deliveries stopped: the retry budget ran
	// out ("delivery_failed") or the organisation asked ("by_request").
	DisabledReason string
	DisabledAt     *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64
}

// Draft is what a client sends to make or change a subscription; nil leaves a field unchanged.
type Draft struct {
	URL         *string
	EventTypes  []string
	Description *string
	Enabled     *bool
}

// Disabled reasons.
const (
	ReasonDeliveryFailed = "delivery_failed"
	ReasonByRequest      = "by_request"
)

// New makes a subscription from a complete draft, with a fresh secret.
func New(id, orgID string, d Draft, at time.Time) (*Subscription, error) {
	var v domain.Violations
	if d.URL == nil {
		v.Add("url", "required", "url is required / 必须填写回调地址")
	} else {
		CheckURL(&v, "url", strings.TrimSpace(*d.URL))
	}
	CheckPatterns(&v, "eventTypes", d.EventTypes)
	if d.Description != nil {
		v.CheckText("description", *d.Description, false, MaxDescription)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	secret, err := NewSecret()
	if err != nil {
		return nil, domain.Internal(err, "webhook secret")
	}
	s := &Subscription{ID: id, OrgID: orgID, URL: strings.TrimSpace(*d.URL), EventTypes: dedupe(d.EventTypes),
		Secret: secret, Enabled: true, CreatedAt: at.UTC(), UpdatedAt: at.UTC()}
	if d.Description != nil {
		s.Description = *d.Description
	}
	if d.Enabled != nil && !*d.Enabled {
		s.disable(ReasonByRequest, at)
	}
	return s, nil
}

// Apply changes what the draft names. Enabling a disabled subscription starts deliveries again
// (of events from then on; missed ones can be redelivered one by one).
func (s *Subscription) Apply(d Draft, at time.Time) error {
	var v domain.Violations
	if d.URL != nil {
		CheckURL(&v, "url", strings.TrimSpace(*d.URL))
	}
	if d.EventTypes != nil {
		CheckPatterns(&v, "eventTypes", d.EventTypes)
	}
	if d.Description != nil {
		v.CheckText("description", *d.Description, false, MaxDescription)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if d.URL != nil {
		s.URL = strings.TrimSpace(*d.URL)
	}
	if d.EventTypes != nil {
		s.EventTypes = dedupe(d.EventTypes)
	}
	if d.Description != nil {
		s.Description = *d.Description
	}
	if d.Enabled != nil {
		if *d.Enabled {
			s.Enable(at)
		} else if s.Enabled {
			s.disable(ReasonByRequest, at)
		}
	}
	s.UpdatedAt = at.UTC()
	return nil
}

// Enable starts deliveries again.
func (s *Subscription) Enable(at time.Time) {
	s.Enabled, s.DisabledReason, s.DisabledAt = true, "", nil
	s.UpdatedAt = at.UTC()
}

// DisableForFailures stops deliveries once one delivery exhausted its retries.
func (s *Subscription) DisableForFailures(at time.Time) { s.disable(ReasonDeliveryFailed, at) }

func (s *Subscription) disable(reason string, at time.Time) {
	at = at.UTC()
	s.Enabled, s.DisabledReason, s.DisabledAt, s.UpdatedAt = false, reason, &at, at
}

// Rotate makes a new secret; the current one keeps signing beside it for RotationOverlap.
func (s *Subscription) Rotate(at time.Time) error {
	secret, err := NewSecret()
	if err != nil {
		return domain.Internal(err, "webhook secret")
	}
	s.PreviousSecret, s.PreviousUntil, s.Secret = s.Secret, at.UTC().Add(RotationOverlap), secret
	s.UpdatedAt = at.UTC()
	return nil
}

// Secrets are the secrets that sign a delivery at t: the current one, and the previous one while
// the rotation lasts.
func (s *Subscription) Secrets(t time.Time) []string {
	if s.PreviousSecret != "" && t.Before(s.PreviousUntil) {
		return []string{s.Secret, s.PreviousSecret}
	}
	return []string{s.Secret}
}

// Wants reports whether the subscription takes events of type typ now.
func (s *Subscription) Wants(typ string) bool { return s.Enabled && Matches(s.EventTypes, typ) }

func dedupe(in []string) []string {
	var out []string
	for _, p := range in {
		if !containsString(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Delivery is one event sent to one subscription, with every attempt made.
type Delivery struct {
	ID             string
	SubscriptionID string
	OrgID          string
	EventID        string
	EventType      string
	// Body is the event's payload as sent, without deliveryId and attempt (added per attempt).
	Event    Payload
	Status   string // pending, delivered, failed, refused, skipped
	Attempts []Attempt
	// Round is how many attempts were made before the current round of retries (a redelivery
	// starts a round of its own, with a retry budget of its own).
	Round     int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Delivery statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"  // the retry budget ran out
	StatusRefused   = "refused" // the receiver's address is not one deliveries may go to
	StatusSkipped   = "skipped" // the subscription was disabled or deleted meanwhile
)

// Attempt is one request made (or refused).
type Attempt struct {
	At         time.Time `json:"at"`
	StatusCode int       `json:"statusCode,omitempty"`
	DurationMs int64     `json:"durationMs"`
	Error      string    `json:"error,omitempty"`
	// Response is the start of the receiver's answer (at most a few hundred bytes).
	Response string `json:"response,omitempty"`
}

// Payload is the JSON body of a delivery.
type Payload struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Aggregate  string         `json:"aggregate"`
	SubjectID  string         `json:"subjectId"`
	Sequence   int64          `json:"sequence"`
	OccurredAt time.Time      `json:"occurredAt"`
	Data       map[string]any `json:"data,omitempty"`
	DeliveryID string         `json:"deliveryId"`
	Attempt    int            `json:"attempt"`
}

// PayloadOf is the payload of event e (deliveryId and attempt left for the sender).
func PayloadOf(e domain.Event) Payload {
	return Payload{ID: e.ID, Type: e.Type, Aggregate: e.Aggregate, SubjectID: e.SubjectID,
		Sequence: Sequence(e.ID), OccurredAt: e.At.UTC(), Data: e.Data}
}
