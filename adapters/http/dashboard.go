package http

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

// registerDashboardRoutes adds GET /v1/dashboard: the caller's dashboard figures (app.Dashboard).
func (h *handlers) registerDashboardRoutes(v1 fiber.Router) {
	v1.Get("/dashboard", h.getDashboard)
}

type dashValueView struct {
	Month    string `json:"month,omitempty"`
	Country  string `json:"country,omitempty"`
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

type dashWeekView struct {
	Week       string `json:"week"`
	Released   int    `json:"released"`
	P50Seconds *int64 `json:"p50Seconds"`
	P90Seconds *int64 `json:"p90Seconds"`
	P90Over    bool   `json:"p90AtLeast,omitempty"`
}

type dashTrainView struct {
	DepartureID   string    `json:"departureId"`
	RouteCode     string    `json:"routeCode"`
	DepartsAt     time.Time `json:"departsAt"`
	Status        string    `json:"status"`
	CapacityTEU   int       `json:"capacityTEU"`
	ConfirmedTEU  int       `json:"confirmedTEU"`
	WaitlistedTEU int       `json:"waitlistedTEU"`
}

type dashRefView struct {
	ID    string    `json:"id"`
	Since time.Time `json:"since"`
}

type dashAttentionView struct {
	Count int           `json:"count"`
	First []dashRefView `json:"first"`
}

func (h *handlers) getDashboard(c *fiber.Ctx) error {
	var v domain.Violations
	count := func(field string, most int) int {
		s := c.Query(field)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > most {
			v.Add(field, "out_of_range", field+" must be a whole number from 1 to "+strconv.Itoa(most))
		}
		return n
	}
	q := app.DashboardQuery{Months: count("months", app.DashboardMaxMonths), Weeks: count("weeks", app.DashboardMaxWeeks),
		Trains: count("trains", app.DashboardMaxTrains)}
	if err := v.Err(); err != nil {
		return err
	}
	d, err := h.dashboard.Read(c.UserContext(), actorOf(c), q)
	if err != nil {
		return err
	}
	parcels := map[string]int{}
	for _, s := range parcel.Statuses() {
		parcels[string(s)] = d.Parcels[string(s)]
	}
	values := func(in []app.DashValue) []dashValueView {
		out := make([]dashValueView, len(in))
		for i, x := range in {
			out[i] = dashValueView{Month: x.Month, Country: x.Country, Currency: x.Currency, Value: x.Value.String()}
		}
		return out
	}
	weeks := make([]dashWeekView, len(d.Weeks))
	for i, w := range d.Weeks {
		weeks[i] = dashWeekView{Week: w.Week, Released: w.Released, P90Over: w.Over}
		if w.Released > 0 {
			weeks[i].P50Seconds, weeks[i].P90Seconds = &d.Weeks[i].P50, &d.Weeks[i].P90
		}
	}
	trains := make([]dashTrainView, len(d.Trains))
	for i, t := range d.Trains {
		trains[i] = dashTrainView{DepartureID: t.DepartureID, RouteCode: t.LineCode, DepartsAt: t.DepartsAt, Status: t.Status,
			CapacityTEU: t.CapacityTEU, ConfirmedTEU: t.ConfirmedTEU, WaitlistedTEU: t.WaitlistedTEU}
	}
	attention := map[string]dashAttentionView{}
	for cat, a := range d.Attention {
		first := make([]dashRefView, len(a.First))
		for i, r := range a.First {
			first[i] = dashRefView{ID: r.ID, Since: r.Since}
		}
		attention[cat] = dashAttentionView{Count: a.Count, First: first}
	}
	body := fiber.Map{
		"role": d.Role, "asOf": d.AsOf,
		"parcels":    fiber.Map{"byStatus": parcels},
		"lists":      fiber.Map{"byStatus": d.Lists},
		"tradeValue": fiber.Map{"byMonth": values(d.ByMonth), "byCountry": values(d.ByCountry)},
		"clearance":  fiber.Map{"bucketsSeconds": d.Buckets, "histogram": d.Histogram, "weeks": weeks},
		"trains":     trains, "attention": attention, "incomplete": d.Incomplete,
	}
	if d.Exporters != nil {
		body["exporters"] = d.Exporters
	}
	return c.JSON(body)
}
