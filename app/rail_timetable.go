package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

// EnsureLines stores the seed lines (rail.SeedLines) that do not exist yet, so the timetable has
// lines at first start; a line the operator edited or added is left as it is.
func (r *Rail) EnsureLines(ctx context.Context) error {
	now := r.clock.Now()
	for _, l := range rail.SeedLines() {
		l, err := rail.ValidateLine(l)
		if err != nil {
			return fmt.Errorf("seed line %s: %w", l.Code, err)
		}
		l.UpdatedAt = now
		if err := r.lines.Create(ctx, l); err != nil && domain.KindOf(err) != domain.KindConflict {
			return err
		}
	}
	return nil
}

// ListLines lists every line; the timetable is public to every organisation of the zone.
func (r *Rail) ListLines(ctx context.Context, _ Actor) ([]rail.Line, error) {
	return r.lines.List(ctx)
}

// GetLine returns one line.
func (r *Rail) GetLine(ctx context.Context, _ Actor, code string) (rail.Line, error) {
	return r.lines.Get(ctx, code)
}

// PutLine replaces the operator's line (rail.UpdateLine), or adds it when the code is new
// (created true). Departures already planned keep the itinerary they were planned with.
func (r *Rail) PutLine(ctx context.Context, actor Actor, code string, edit rail.Line) (l rail.Line, created bool, err error) {
	if err := requireOperator(actor); err != nil {
		return rail.Line{}, false, err
	}
	now := r.clock.Now()
	l, err = r.lines.Update(ctx, code, func(cur *rail.Line) error {
		next, err := rail.UpdateLine(*cur, edit, now)
		if err != nil {
			return err
		}
		*cur = next
		return nil
	})
	if !isNotFound(err) {
		return l, false, err
	}
	if edit.Code == "" {
		edit.Code = code
	}
	if edit.Code != code {
		return rail.Line{}, false, domain.InvalidField("code", "immutable", "the code in the body must be the one in the path")
	}
	if l, err = rail.ValidateLine(edit); err != nil {
		return rail.Line{}, false, err
	}
	l.UpdatedAt = now
	if err := r.lines.Create(ctx, l); err != nil {
		return rail.Line{}, false, err
	}
	l.Version = 1
	return l, true, nil
}

// PlanDeparture schedules one train of a line (operator). A line runs at most once a day, so a
// second train of the same line on the same day is a Conflict (departure_exists).
func (r *Rail) PlanDeparture(ctx context.Context, actor Actor, lineCode string, in rail.DepartureInput) (*rail.Departure, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	line, err := r.lines.Get(ctx, lineCode)
	if isNotFound(err) {
		return nil, domain.InvalidField("routeCode", "unknown_route", "routeCode names no line")
	}
	if err != nil {
		return nil, err
	}
	if in.DepartsAt.IsZero() {
		return nil, domain.InvalidField("departsAt", "required", "departsAt is required")
	}
	d, err := rail.NewDeparture(rail.DepartureIDFor(line.Code, in.DepartsAt), line, in, r.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := r.departures.Create(ctx, d); err != nil {
		return nil, err
	}
	r.relay.soon(ctx, "departure", d.ID())
	return d, nil
}

// Timetable is what planning a line's weekly timetable did.
type Timetable struct {
	Created  []*rail.Departure
	Existing []string // departures planned before, left as they are
}

// MaxTimetableWeeks bounds how far ahead a timetable is planned at once.
const MaxTimetableWeeks = 26

// PlanTimetable plans the line's weekly departures for the coming weeks (operator), with the
// defaults of the line. Planning again is harmless: a train already planned is left as it is.
func (r *Rail) PlanTimetable(ctx context.Context, actor Actor, lineCode string, weeks int) (Timetable, error) {
	if err := requireOperator(actor); err != nil {
		return Timetable{}, err
	}
	if weeks < 1 || weeks > MaxTimetableWeeks {
		return Timetable{}, domain.InvalidField("weeks", "invalid_weeks", "weeks must be between 1 and "+strconv.Itoa(MaxTimetableWeeks))
	}
	line, err := r.lines.Get(ctx, lineCode)
	if err != nil {
		return Timetable{}, err
	}
	now := r.clock.Now()
	var out Timetable
	for _, at := range rail.WeeklyDepartures(line, now, weeks) {
		d, err := rail.NewDeparture(rail.DepartureIDFor(line.Code, at), line, rail.DepartureInput{DepartsAt: at}, now)
		if err != nil {
			return out, err
		}
		switch err := r.departures.Create(ctx, d); {
		case errors.Is(err, domain.ErrDepartureExists):
			out.Existing = append(out.Existing, d.ID())
		case err != nil:
			return out, err
		default:
			out.Created = append(out.Created, d)
		}
	}
	ids := make([]string, len(out.Created))
	for i, d := range out.Created {
		ids[i] = d.ID()
	}
	r.relay.soon(ctx, "departure", ids...)
	return out, nil
}

// ListDepartures lists departures soonest first; every organisation may read the timetable.
func (r *Rail) ListDepartures(ctx context.Context, _ Actor, f rail.DepartureFilter) (Page[*rail.Departure], error) {
	f.Limit = clampLimit(f.Limit)
	items, next, err := r.departures.List(ctx, f)
	return Page[*rail.Departure]{Items: items, NextCursor: next}, err
}

// GetDeparture returns one departure.
func (r *Rail) GetDeparture(ctx context.Context, _ Actor, id string) (*rail.Departure, error) {
	return r.departures.Get(ctx, id)
}
