// Package account holds the people who use the service through its console: user accounts of an
// organisation (an email, a name, a role and a password kept only as a slow hash) and their
// sign-in sessions. Keys stand for an organisation; a user stands for one person in it.
package account

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/silkgate/silkgate/domain"
)

// Role is what a user may do within their organisation.
type Role string

// Roles. An admin manages the organisation's users; a member works with its records.
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Roles lists the roles in the order forms offer them.
var Roles = []Role{RoleMember, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleMember }

// Password rules. bcrypt reads at most 72 bytes, so a longer password would be cut silently:
// refused instead.
const (
	MinPasswordChars = 10
	MaxPasswordBytes = 72
	// MaxSessions is how many sessions one user keeps open; signing in again closes the oldest.
	MaxSessions = 10
)

// Errors of accounts that callers tell apart.
var (
	ErrEmailTaken = domain.Errorf(domain.KindConflict, "email_taken", "a user with this email exists").WithField("email")
	// ErrBadCredentials is the one answer to a sign-in that fails, whether the email is unknown or
	// the password wrong.
	ErrBadCredentials = domain.Errorf(domain.KindUnauthorized, "bad_credentials", "email or password is wrong")
	// ErrTooManyAttempts refuses sign-ins from an address or for an email tried too often lately.
	ErrTooManyAttempts = domain.Errorf(domain.KindUnauthorized, "too_many_attempts", "too many sign-in attempts; wait a few minutes")
	ErrWrongPassword   = domain.Errorf(domain.KindInvalid, "wrong_password", "the current password is wrong").WithField("currentPassword")
)

// NormaliseEmail is the form an email is stored and looked up in: trimmed, lower case.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Fields are what a new user is made of.
type Fields struct {
	OrgID string
	Email string
	Name  string
	Role  Role
}

// Check checks a new user's fields and password, every problem at once.
func Check(f Fields, password string) error {
	var v domain.Violations
	checkFields(&v, f)
	if err := CheckPassword("password", password); err != nil {
		v.AddError("", err)
	}
	return v.Err()
}

func checkFields(v *domain.Violations, f Fields) {
	checkEmail(v, "email", f.Email)
	v.CheckText("name", strings.TrimSpace(f.Name), true, 100)
	if !f.Role.Valid() {
		v.Add("role", "invalid_role", `role must be "admin" or "member"`)
	}
}

func checkEmail(v *domain.Violations, field, email string) {
	email = NormaliseEmail(email)
	switch {
	case email == "":
		v.Add(field, "required", field+" is required")
	case len(email) > 254:
		v.Add(field, "too_long", field+" has at most 254 characters")
	default:
		a, err := mail.ParseAddress(email)
		if err != nil || a.Address != email || a.Name != "" || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
			v.Add(field, "invalid_email", field+" is not an email address such as name@example.com")
		}
	}
}

// CheckPassword checks a new password against the rules.
func CheckPassword(field, password string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordChars:
		return domain.InvalidField(field, "password_too_short", "a password has at least 10 characters")
	case len(password) > MaxPasswordBytes:
		return domain.InvalidField(field, "password_too_long", "a password has at most 72 bytes")
	case !utf8.ValidString(password):
		return domain.InvalidField(field, "invalid_character", "a password is text")
	case strings.TrimSpace(password) == "":
		return domain.InvalidField(field, "password_too_short", "a password has at least 10 characters")
	}
	return nil
}

// User is a person who signs in to the console on behalf of their organisation.
type User struct {
	id, orgID, email, name string
	role                   Role
	passwordHash           string
	sessions               []SessionRef // open sessions, oldest first
	createdAt, updatedAt   time.Time
	version                int64
}

// SessionRef is an open session as its user records it: enough to close it.
type SessionRef struct {
	ID        string
	ExpiresAt time.Time
}

// NewUser makes a user whose fields passed Check, with the hash of their password.
func NewUser(id string, f Fields, passwordHash string, at time.Time) (*User, error) {
	var v domain.Violations
	checkFields(&v, f)
	if f.OrgID == "" {
		v.Add("orgId", "required", "orgId is required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &User{id: id, orgID: f.OrgID, email: NormaliseEmail(f.Email), name: strings.TrimSpace(f.Name), role: f.Role,
		passwordHash: passwordHash, createdAt: at, updatedAt: at}, nil
}

// SetPasswordHash records a new password (checked with CheckPassword before it was hashed).
func (u *User) SetPasswordHash(hash string, at time.Time) {
	u.passwordHash, u.updatedAt = hash, at
}

// OpenSession records a new session; the expired ones and, past MaxSessions, the oldest are
// dropped and returned, for their sessions to be deleted.
func (u *User) OpenSession(ref SessionRef, now time.Time) (closed []string) {
	kept := u.sessions[:0:0]
	for _, s := range u.sessions {
		if now.Before(s.ExpiresAt) {
			kept = append(kept, s)
		} else {
			closed = append(closed, s.ID)
		}
	}
	kept = append(kept, ref)
	for len(kept) > MaxSessions {
		closed = append(closed, kept[0].ID)
		kept = kept[1:]
	}
	u.sessions, u.updatedAt = kept, now
	return closed
}

// CloseSessions drops every session but keep (none when empty) and returns the dropped.
func (u *User) CloseSessions(keep string, at time.Time) (closed []string) {
	var kept []SessionRef
	for _, s := range u.sessions {
		if s.ID == keep {
			kept = append(kept, s)
		} else {
			closed = append(closed, s.ID)
		}
	}
	u.sessions, u.updatedAt = kept, at
	return closed
}

// CloseSession drops one session.
func (u *User) CloseSession(id string, at time.Time) {
	u.sessions = slices.DeleteFunc(u.sessions, func(s SessionRef) bool { return s.ID == id })
	u.updatedAt = at
}

// ID is the user's id.
func (u *User) ID() string { return u.id }

// OrgID is the organisation the user belongs to.
func (u *User) OrgID() string { return u.orgID }

// Email is the normalised email the user signs in with.
func (u *User) Email() string { return u.email }

// Name is how the user is greeted.
func (u *User) Name() string { return u.name }

// Role is what the user may do in their organisation.
func (u *User) Role() Role { return u.role }

// PasswordHash is the stored hash of the password.
func (u *User) PasswordHash() string { return u.passwordHash }

// Sessions are the user's open sessions, oldest first.
func (u *User) Sessions() []SessionRef { return slices.Clone(u.sessions) }

// CreatedAt is when the user was made.
func (u *User) CreatedAt() time.Time { return u.createdAt }

// UpdatedAt is when the user last changed.
func (u *User) UpdatedAt() time.Time { return u.updatedAt }

// Version counts the stored user's writes.
func (u *User) Version() int64 { return u.version }

// UserFromDatabase rebuilds a stored user.
func UserFromDatabase(id, orgID, email, name string, role Role, passwordHash string, sessions []SessionRef,
	createdAt, updatedAt time.Time, version int64) *User {
	return &User{id: id, orgID: orgID, email: email, name: name, role: role, passwordHash: passwordHash,
		sessions: sessions, createdAt: createdAt, updatedAt: updatedAt, version: version}
}

// Repository stores users. The email is unique across the service.
type Repository interface {
	// Create stores a new user; an email in use is ErrEmailTaken.
	Create(ctx context.Context, u *User) error
	Get(ctx context.Context, id string) (*User, error)
	// GetByEmail finds a user by normalised email; none is NotFound.
	GetByEmail(ctx context.Context, email string) (*User, error)
	// ListByOrg returns a page of an organisation's users, newest first.
	ListByOrg(ctx context.Context, orgID string, limit int, cursor string) ([]*User, string, error)
	// Update reads, changes and writes one user.
	Update(ctx context.Context, id string, change func(*User) error) (*User, error)
}
