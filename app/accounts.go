package app

import (
	"context"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/party"
)

// Passwords hashes passwords slowly and checks them against a hash (bcrypt in production).
type Passwords interface {
	Hash(password string) (string, error)
	// Matches reports whether password is the one hash was made of, in time independent of where
	// they differ.
	Matches(hash, password string) bool
}

// AttemptLimiter counts attempts under a key within a fixed window and says whether one more is
// allowed (Redis in production).
type AttemptLimiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error)
}

// SignInLimits bound sign-in attempts per client address and per email.
type SignInLimits struct {
	PerAddress, PerEmail int
	Window               time.Duration
}

// DefaultSignInLimits: 30 attempts per address and 10 per email in 15 minutes.
var DefaultSignInLimits = SignInLimits{PerAddress: 30, PerEmail: 10, Window: 15 * time.Minute}

// Accounts are the use cases of the people who sign in: users of an organisation, their
// passwords and sessions. Who may manage whom is decided with the same tenancy as the rest.
type Accounts struct {
	users     account.Repository
	sessions  account.Sessions
	orgs      party.OrgRepository
	tenancy   *Tenancy
	passwords Passwords
	limiter   AttemptLimiter
	limits    SignInLimits
	idle, max time.Duration
	clock     Clock
	ids       IDs
	// decoy is a hash checked when the email is unknown, so that an unknown email costs the
	// time a wrong password does.
	decoy string
}

// AccountsPorts are what Accounts run on.
type AccountsPorts struct {
	Basics
	Users     account.Repository
	Sessions  account.Sessions
	Orgs      party.OrgRepository
	Tenancy   *Tenancy
	Passwords Passwords
	Limiter   AttemptLimiter // nil: sign-ins are not limited
	Limits    SignInLimits   // zero: DefaultSignInLimits
	// SessionIdle ends a session unused that long; SessionMax ends any session that old (zero:
	// account.DefaultIdleTimeout, account.DefaultAbsoluteTimeout).
	SessionIdle, SessionMax time.Duration
}

// NewAccounts returns the account use cases.
func NewAccounts(p AccountsPorts) *Accounts {
	b := p.Basics.withDefaults()
	if p.Limits == (SignInLimits{}) {
		p.Limits = DefaultSignInLimits
	}
	if p.SessionIdle <= 0 {
		p.SessionIdle = account.DefaultIdleTimeout
	}
	if p.SessionMax <= 0 {
		p.SessionMax = account.DefaultAbsoluteTimeout
	}
	decoy, _ := p.Passwords.Hash("decoy password, matched by nobody")
	return &Accounts{users: p.Users, sessions: p.Sessions, orgs: p.Orgs, tenancy: p.Tenancy, passwords: p.Passwords,
		limiter: p.Limiter, limits: p.Limits, idle: p.SessionIdle, max: p.SessionMax, clock: b.Clock, ids: b.IDs, decoy: decoy}
}

// CreateUser is the command to make a user of an organisation with a first password.
type CreateUser struct {
	Email, Name, Password string
	Role                  account.Role
}

var notFoundUser = domain.NotFound("user")

// mayManageUsers decides who manages an organisation's users: the operator any organisation's
// (its first admin above all), an organisation its own through an admin or one of its keys.
func (a *Accounts) mayManageUsers(ctx context.Context, actor Actor, orgID string, write bool) error {
	ok, err := a.tenancy.MaySeeOrg(ctx, actor, orgID)
	if err != nil {
		return err
	}
	if !ok {
		return notFoundOrg
	}
	if actor.IsOperator() && (actor.UserID == "" || actor.Role == account.RoleAdmin || !write) {
		return nil
	}
	if actor.OrgID != orgID {
		return forbidden("not_your_org", "an organisation manages only its own users")
	}
	if write && actor.UserID != "" && actor.Role != account.RoleAdmin {
		return forbidden("admin_only", "only an admin of the organisation may add users")
	}
	return nil
}

// CreateUser makes a user of orgID: the operator for any organisation, an organisation's admin
// (or key) for its own. The password is checked, then kept only as a slow hash.
func (a *Accounts) CreateUser(ctx context.Context, actor Actor, orgID string, cmd CreateUser) (*account.User, error) {
	if err := a.mayManageUsers(ctx, actor, orgID, true); err != nil {
		return nil, err
	}
	f := account.Fields{OrgID: orgID, Email: cmd.Email, Name: cmd.Name, Role: cmd.Role}
	if err := account.Check(f, cmd.Password); err != nil {
		return nil, err
	}
	if _, err := a.orgs.Get(ctx, orgID); err != nil {
		return nil, err
	}
	hash, err := a.passwords.Hash(cmd.Password)
	if err != nil {
		return nil, domain.Internal(err, "hash password")
	}
	u, err := account.NewUser(a.ids.New("usr"), f, hash, a.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := a.users.Create(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// ListUsers lists a page of an organisation's users: the operator's view of any, a firm's of
// itself.
func (a *Accounts) ListUsers(ctx context.Context, actor Actor, orgID string, limit int, cursor string) (Page[*account.User], error) {
	if err := a.mayManageUsers(ctx, actor, orgID, false); err != nil {
		return Page[*account.User]{}, err
	}
	users, next, err := a.users.ListByOrg(ctx, orgID, clampLimit(limit), cursor)
	return Page[*account.User]{Items: users, NextCursor: next}, err
}

// GetUser returns the signed-in user acting.
func (a *Accounts) GetUser(ctx context.Context, actor Actor) (*account.User, error) {
	if actor.UserID == "" {
		return nil, forbidden("user_only", "only a signed-in user has a profile; a key stands for its organisation")
	}
	return a.users.Get(ctx, actor.UserID)
}

// ChangePassword sets the acting user's password, proved by the current one, and closes every
// other session of theirs (keepSession, the one asking, stays open; empty closes all).
func (a *Accounts) ChangePassword(ctx context.Context, actor Actor, keepSession, current, next string) error {
	if actor.UserID == "" {
		return forbidden("user_only", "a key has no password; sign in as a user")
	}
	if err := account.CheckPassword("newPassword", next); err != nil {
		return err
	}
	u, err := a.users.Get(ctx, actor.UserID)
	if err != nil {
		return err
	}
	if !a.passwords.Matches(u.PasswordHash(), current) {
		return account.ErrWrongPassword
	}
	hash, err := a.passwords.Hash(next)
	if err != nil {
		return domain.Internal(err, "hash password")
	}
	var closed []string
	_, err = a.users.Update(ctx, u.ID(), func(u *account.User) error {
		u.SetPasswordHash(hash, a.clock.Now())
		closed = u.CloseSessions(keepSession, a.clock.Now())
		return nil
	})
	if err != nil {
		return err
	}
	return a.sessions.Delete(context.WithoutCancel(ctx), closed...)
}

// SignIn checks an email and password and opens a session; the token returned is its only copy.
// Attempts are limited per client address and per email; an unknown email and a wrong password
// get the same answer, in about the same time.
func (a *Accounts) SignIn(ctx context.Context, email, password, addr string) (*account.Session, string, error) {
	email = account.NormaliseEmail(email)
	if a.limiter != nil {
		for _, l := range []struct {
			key   string
			limit int
		}{{"addr:" + addr, a.limits.PerAddress}, {"email:" + email, a.limits.PerEmail}} {
			ok, err := a.limiter.Allow(ctx, l.key, l.limit, a.limits.Window)
			if err != nil {
				return nil, "", domain.Internal(err, "count sign-in attempts")
			}
			if !ok {
				return nil, "", account.ErrTooManyAttempts
			}
		}
	}
	u, err := a.users.GetByEmail(ctx, email)
	if isNotFound(err) || strings.TrimSpace(email) == "" {
		a.passwords.Matches(a.decoy, password)
		return nil, "", account.ErrBadCredentials
	}
	if err != nil {
		return nil, "", err
	}
	if !a.passwords.Matches(u.PasswordHash(), password) {
		return nil, "", account.ErrBadCredentials
	}
	org, err := a.orgs.Get(ctx, u.OrgID())
	if err != nil {
		return nil, "", err
	}
	now := a.clock.Now()
	s, token := account.NewSession(u, org.Kind(), now, a.max)
	if err := a.sessions.Create(ctx, s); err != nil {
		return nil, "", err
	}
	var closed []string
	if _, err := a.users.Update(ctx, u.ID(), func(u *account.User) error {
		closed = u.OpenSession(account.SessionRef{ID: s.ID, ExpiresAt: s.ExpiresAt}, now)
		return nil
	}); err != nil {
		return nil, "", err
	}
	return s, token, a.sessions.Delete(context.WithoutCancel(ctx), closed...)
}

var errSessionEnded = domain.Errorf(domain.KindUnauthorized, "unauthorized", "the session has ended; sign in again")

// Session resolves a session token to the user acting and their session: one read by _id, and a
// write at most once a minute to keep it alive. An unknown, idle or expired session is
// Unauthorized.
func (a *Accounts) Session(ctx context.Context, token string) (Actor, *account.Session, error) {
	if !strings.HasPrefix(token, account.TokenPrefix) {
		return Actor{}, nil, errSessionEnded
	}
	s, err := a.sessions.Get(ctx, account.HashToken(token))
	if isNotFound(err) {
		return Actor{}, nil, errSessionEnded
	}
	if err != nil {
		return Actor{}, nil, err
	}
	now := a.clock.Now()
	if !s.Live(now, a.idle) {
		_ = a.sessions.Delete(context.WithoutCancel(ctx), s.ID)
		return Actor{}, nil, errSessionEnded
	}
	if s.NeedsTouch(now) {
		if err := a.sessions.Touch(ctx, s.ID, now); err != nil {
			return Actor{}, nil, err
		}
		s.LastSeenAt = now
	}
	return Actor{OrgID: s.OrgID, Kind: s.OrgKind, UserID: s.UserID, Role: s.Role}, s, nil
}

// SignOut ends the session of token (an unknown one is no error).
func (a *Accounts) SignOut(ctx context.Context, token string) error {
	if !strings.HasPrefix(token, account.TokenPrefix) {
		return nil
	}
	return a.sessions.Delete(ctx, account.HashToken(token))
}

// SessionIdle is how long an unused session stays open.
func (a *Accounts) SessionIdle() time.Duration { return a.idle }
