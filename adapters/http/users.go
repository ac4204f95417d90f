package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
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
