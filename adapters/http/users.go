package http

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/adapters/internal/clientip"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/account"
)

// The users of an organisation, who sign in to the console (app/accounts.go).

type userView struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"orgId"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"createdAt"`
}

func viewUser(u *account.User) userView {
	return userView{ID: u.ID(), OrgID: u.OrgID(), Email: u.Email(), Name: u.Name(), Role: string(u.Role()), CreatedAt: u.CreatedAt()}
}

type createUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

func (h *handlers) createUser(c *fiber.Ctx) error {
	var req createUserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := h.accounts.CreateUser(c.UserContext(), actorOf(c), c.Params("id"), app.CreateUser{
		Email: req.Email, Name: req.Name, Role: account.Role(req.Role), Password: req.Password})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(viewUser(u))
}

func (h *handlers) listUsers(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	p, err := h.accounts.ListUsers(c.UserContext(), actorOf(c), c.Params("id"), q.limit, q.cursor)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(p, viewUser))
}

type changePasswordRequest struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// changePassword sets the signed-in user's password (a session token as bearer); every session
// of theirs is closed, the one asking too.
func (h *handlers) changePassword(c *fiber.Ctx) error {
	var req changePasswordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.accounts.ChangePassword(c.UserContext(), actorOf(c), "", req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type signInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type sessionView struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
	UserID    string    `json:"userId"`
	OrgID     string    `json:"orgId"`
	Role      string    `json:"role"`
}

// signIn opens a session for a user's email and password (no key needed): its token acts as
// the user, as a bearer, until it ends (idle or absolute) or is closed.
func (h *handlers) signIn(c *fiber.Ctx) error {
	var req signInRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	s, token, err := h.accounts.SignIn(c.UserContext(), req.Email, req.Password, clientip.Of(c, h.trusted))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(sessionView{Token: token, ExpiresAt: s.ExpiresAt, UserID: s.UserID, OrgID: s.OrgID, Role: string(s.Role)})
}

// signOut closes the session whose token is the bearer.
func (h *handlers) signOut(c *fiber.Ctx) error {
	if actorOf(c).UserID == "" {
		return domain.Errorf(domain.KindForbidden, "user_only", "the bearer is a key, not a user's session")
	}
	_, key, _ := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	if err := h.accounts.SignOut(c.UserContext(), strings.TrimSpace(key)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
