package http

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/domain"
)

// A request that runs out of its time is told so (503 request_timeout), not answered with a
// bare internal error, whichever error its work returned when the deadline cut it short.
func TestARequestOutOfTimeIsAnsweredAsSuch(t *testing.T) {
	f := fiber.New(fiber.Config{ErrorHandler: errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	f.Use(requestContext(20*time.Millisecond, 20*time.Millisecond))
	f.Get("/slow", func(c *fiber.Ctx) error {
		<-c.UserContext().Done()
		return domain.Internal(c.UserContext().Err(), "list parcels") // as a store read cut short returns it
	})
	f.Get("/broken", func(c *fiber.Ctx) error { return domain.Internal(io.ErrUnexpectedEOF, "list parcels") })
	for path, want := range map[string]struct {
		status int
		code   string
	}{"/slow": {503, "request_timeout"}, "/broken": {500, "internal"}} {
		res, err := f.Test(httptest.NewRequest("GET", path, nil), 5000)
		if err != nil {
			t.Fatal(err)
		}
		var p problem
		if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != want.status || p.Code != domain.Code(want.code) || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s %q; want %d %s", path, res.StatusCode, p.Code, res.Header.Get("Content-Type"), want.status, want.code)
		}
	}
}
