package http

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

type pageQuery struct {
	limit  int
	cursor string
}

// listQuery reads the list parameters every list shares: limit (1..500) and cursor.
func listQuery(c *fiber.Ctx) (pageQuery, error) {
	q := pageQuery{cursor: c.Query("cursor")}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > app.MaxLimit {
			return q, queryProblem("limit", "invalid_limit", "limit must be a whole number from 1 to 500")
		}
		q.limit = n
	}
	return q, nil
}

// The window of every time the API accepts: wide for any record or query of this service, narrow
// enough that each stores, reads back and prints (years of four digits). Uses narrow it further
// (a train is planned at most two years ahead).
var (
	earliestTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	latestTime   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// parseTime reads an optional RFC 3339 time (a date alone means its midnight UTC); a bad one, or
// one outside 2000–2099, is recorded against field. Empty gives the zero time, for the domain to
// require or not.
func parseTime(v *domain.Violations, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
	}
	if err != nil {
		v.Add(field, "invalid_time", field+" must be an RFC 3339 time such as 2026-11-25T08:00:00Z, or a date")
		return time.Time{}
	}
	if t.Before(earliestTime) || !t.Before(latestTime) {
		v.Add(field, "out_of_range", field+" must fall in the years 2000 to 2099")
		return time.Time{}
	}
	return t.UTC()
}

func queryProblem(field string, code domain.Code, msg string) error {
	return domain.InvalidField(field, code, msg)
}
