package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/domain/party"
)

// The home page: who is signed in, for which organisation.

func (w *Console) homeRoutes(f *fiber.App) {
	f.Get("/", w.handle(signedIn, home))
}

type homeData struct {
	Org *party.Org
}

func home(r *req) error {
	org, err := r.w.uc.Parties.GetOrg(r.ctx(), r.actor, r.actor.OrgID)
	if err != nil {
		return err
	}
	return r.render(fiber.StatusOK, "home", "home.title", homeData{Org: org})
}
