package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/silkgate/silkgate/domain/party"
)

// Session is a signed-in user's session. It is stored under the SHA-256 of its token, which
// only the user's browser holds, and carries what every request needs to act for the user
// (organisation, its kind, role, name), so that a page costs one read of it by _id.
type Session struct {
	ID       string // hex SHA-256 of the token
	UserID   string
	OrgID    string
	OrgKind  party.Kind
	Role     Role
	UserName string
	// CSRF is the synchronizer token every form of the session carries.
	CSRF       string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute end, however active the session is
}

// Lifetimes of sessions, defaults of the configuration.
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	// TouchEvery is how stale a session's LastSeenAt may be before a request writes it again.
	TouchEvery = time.Minute
)

// TokenPrefix marks session tokens, so that a bearer token is told from an API key at a glance.
const TokenPrefix = "sgs_"

// NewSession opens a session for u, whose organisation is of kind; the token is the only copy.
func NewSession(u *User, kind party.Kind, now time.Time, absolute time.Duration) (*Session, string) {
	token := TokenPrefix + randomToken()
	return &Session{ID: HashToken(token), UserID: u.ID(), OrgID: u.OrgID(), OrgKind: kind, Role: u.Role(),
		UserName: u.Name(), CSRF: randomToken(), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(absolute)}, token
}

// Live reports whether the session still stands at now: within its absolute end and used within
// idle.
func (s *Session) Live(now time.Time, idle time.Duration) bool {
	return now.Before(s.ExpiresAt) && now.Before(s.LastSeenAt.Add(idle))
}

// NeedsTouch reports whether a request at now should record the session as seen.
func (s *Session) NeedsTouch(now time.Time) bool { return now.Sub(s.LastSeenAt) >= TouchEvery }

// HashToken is the stored id of a session token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomToken() string { // 256 bits, URL-safe
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Sessions stores sessions by id.
type Sessions interface {
	Create(ctx context.Context, s *Session) error
	// Get reads a session by id; none is NotFound.
	Get(ctx context.Context, id string) (*Session, error)
	// Touch records the session seen at.
	Touch(ctx context.Context, id string, at time.Time) error
	// Delete removes sessions by id (missing ones are no error).
	Delete(ctx context.Context, ids ...string) error
}
