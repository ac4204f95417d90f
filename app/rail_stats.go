package app

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/silkgate/silkgate/domain/rail"
)

// Now is the application's clock, for adapters that derive views.
func (r *Rail) Now() time.Time { return r.clock.Now() }

// StandardTrainFEU is how many loaded 40 ft boxes count as one train in the statistics
// (docs/customs.md §7: 41 loaded FEU make one train, whatever the train's length).
const StandardTrainFEU = 41

// LineUtilisation sums up one line's departures in a period.
type LineUtilisation struct {
	LineCode       string  `json:"routeCode"`
	LineName       string  `json:"lineName"`
	Departures     int     `json:"departures"`
	Departed       int     `json:"departed"` // departed or arrived
	Cancelled      int     `json:"cancelled"`
	CapacityTEU    int     `json:"capacityTEU"`
	ConfirmedTEU   int     `json:"confirmedTEU"`
	WaitlistedTEU  int     `json:"waitlistedTEU"`
	CargoKg        int64   `json:"cargoKg"`
	Utilisation    float64 `json:"utilisation"`    // confirmedTEU / capacityTEU, 0..1
	StandardTrains float64 `json:"standardTrains"` // confirmed FEU / 41
}

// TrainStatistics are the zone's train figures for departures in [from, to).
type TrainStatistics struct {
	Lines []LineUtilisation `json:"lines"`
	Total LineUtilisation   `json:"total"`
}

// TrainUtilisation sums the departures planned in [from, to) by line (operator): capacity,
// what confirmed bookings hold of it, the waiting list, and the train count of the statistics
// (41 FEU a train). Cancelled departures are counted but add no capacity.
func (r *Rail) TrainUtilisation(ctx context.Context, actor Actor, from, to time.Time, lineCode string) (TrainStatistics, error) {
	if err := requireOperator(actor); err != nil {
		return TrainStatistics{}, err
	}
	byLine := map[string]*LineUtilisation{}
	var order []string
	f := rail.DepartureFilter{LineCode: lineCode, From: from, To: to, Limit: MaxLimit}
	for {
		deps, next, err := r.departures.List(ctx, f)
		if err != nil {
			return TrainStatistics{}, err
		}
		for _, d := range deps {
			u := byLine[d.LineCode()]
			if u == nil {
				u = &LineUtilisation{LineCode: d.LineCode(), LineName: d.LineName()}
				byLine[d.LineCode()] = u
				order = append(order, d.LineCode())
			}
			u.Departures++
			switch d.Status() {
			case rail.DepartureCancelled:
				u.Cancelled++
				continue
			case rail.DepartureDeparted, rail.DepartureArrived:
				u.Departed++
			}
			c := d.Capacity()
			u.CapacityTEU += c.CapacityTEU
			u.ConfirmedTEU += c.ConfirmedTEU
			u.CargoKg += c.CargoKg
			u.WaitlistedTEU += d.WaitlistedTEU()
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	slices.Sort(order)
	st := TrainStatistics{Lines: []LineUtilisation{}, Total: LineUtilisation{LineCode: "*", LineName: "all lines"}}
	for _, code := range order {
		u := byLine[code]
		u.finish()
		st.Lines = append(st.Lines, *u)
		t := &st.Total
		t.Departures += u.Departures
		t.Departed += u.Departed
		t.Cancelled += u.Cancelled
		t.CapacityTEU += u.CapacityTEU
		t.ConfirmedTEU += u.ConfirmedTEU
		t.WaitlistedTEU += u.WaitlistedTEU
		t.CargoKg += u.CargoKg
	}
	st.Total.finish()
	return st, nil
}

func (u *LineUtilisation) finish() {
	if u.CapacityTEU > 0 {
		u.Utilisation = math.Round(float64(u.ConfirmedTEU)/float64(u.CapacityTEU)*1000) / 1000
	}
	u.StandardTrains = math.Round(float64(u.ConfirmedTEU)/2/StandardTrainFEU*100) / 100
}
