package web

import (
	"github.com/gofiber/fiber/v2"
)

// The home page: who is signed in, for which organisation, and the role's dashboard
// (dashboard.go).

func (w *Console) homeRoutes(f *fiber.App) {
	f.Get("/", w.handle(signedIn, home))
}
