package app

import (
	"context"
	"errors"
	"time"
)

// The ports of the API's safe retries and fair use: rate limits per API key, per organisation
// and (for failed authentication) per client address, and the idempotency records of POST
// requests. Both live outside the process (Redis) so that they hold across API processes.

// Rate is a limit: PerSecond requests a second on average, up to Burst at once. A zero rate
// (or burst) switches the limit off.
type Rate struct {
	PerSecond float64
	Burst     int
}

// On reports whether the limit applies.
func (r Rate) On() bool { return r.PerSecond > 0 && r.Burst > 0 }

// RateSubject is who a request is counted against: its API key, the key's organisation, and
// the client address (only failed authentications are counted against an address).
type RateSubject struct {
	KeyID, OrgID, IP string
	UserID           string // a person signed in with a session token, limited as a key is
}

// RateState is where one limit stands after a request.
type RateState struct {
	Name      string // "key", "user", "org" or "ip"
	Rate      Rate
	Remaining int           // requests that may still be sent at once
	Reset     time.Duration // until the limit is back to its full burst
}

// RateDecision is a limiter's answer: Allowed, or refused by Denied (one of States) until
// RetryAfter has passed.
type RateDecision struct {
	Allowed    bool
	Denied     string
	RetryAfter time.Duration
	States     []RateState // the limits that apply, in the order key, org, ip
}

// RateLimiter counts requests against their limits.
type RateLimiter interface {
	// Allow counts an authenticated request against its key's and its organisation's limits
	// (both or neither), and refuses it while its address is blocked for failed authentications.
	Allow(ctx context.Context, s RateSubject) (RateDecision, error)
	// Failed counts a failed authentication against the client address.
	Failed(ctx context.Context, ip string) (RateDecision, error)
}

// IdempotentResponse is an answer kept for replay.
type IdempotentResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    []byte            `json:"body,omitempty"`
}

// IdempotencyRecord is what is known of a key: the request that first used it (Fingerprint),
// and its answer once Done.
type IdempotencyRecord struct {
	Fingerprint string              `json:"fp"`
	Done        bool                `json:"done,omitempty"`
	Token       string              `json:"token,omitempty"` // the claim of the request running it
	Response    *IdempotentResponse `json:"response,omitempty"`
}

// IdempotencyStore keeps, per organisation and key, the request that used the key and its
// answer.
type IdempotencyStore interface {
	// Claim takes the key for a request with the given fingerprint, for at most runFor (so that
	// a process that dies cannot hold it for ever). It returns the claim's token, or, when the
	// key is taken, its record and an empty token.
	Claim(ctx context.Context, org, key, fingerprint string, runFor time.Duration) (token string, existing IdempotencyRecord, err error)
	// Complete keeps the answer of the claimed request (with its fingerprint) for keepFor.
	Complete(ctx context.Context, org, key, token, fingerprint string, r IdempotentResponse, keepFor time.Duration) error
	// Release gives the key back, unused: the next request with it runs afresh.
	Release(ctx context.Context, org, key, token string) error
}

// ErrClaimLost is returned by Complete and Release when the claim has expired (and the key may
// have been claimed again).
var ErrClaimLost = errors.New("idempotency claim expired")
