package rail_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

func ev(typ rail.EventType, at time.Time, loc string) rail.Event {
	return rail.Event{Type: typ, At: at, Location: loc}
}

func TestCheckNextEvent(t *testing.T) {
	it := seedLine(t, "XXO").Itinerary // XIANGYANG 0 → XIAN 2 (no report) → ALASHANKOU 6 → DUISBURG 21
	dep := cst(2024, 6, 28, 10, 0)
	departed := ev(rail.EventDeparted, dep, "XIANGYANG")
	border := ev(rail.EventBorderCrossed, dep.Add(6*day), "ALASHANKOU")
	arrived := ev(rail.EventArrived, dep.Add(21*day), "DUISBURG")
	cases := []struct {
		name   string
		before []rail.Event
		next   rail.Event
		code   string
	}{
		{"departed first", nil, departed, ""},
		{"departed from elsewhere is legal (misdirected)", nil, ev(rail.EventDeparted, dep, "WUHAN_WJS"), ""},
		{"border first", nil, border, "illegal_event_order"},
		{"arrived first", nil, arrived, "illegal_event_order"},
		{"departed twice", []rail.Event{departed}, ev(rail.EventDeparted, dep.Add(time.Hour), "XIANGYANG"), "illegal_event_order"},
		{"border after departed", []rail.Event{departed}, border, ""},
		{"transshipped at the via hub", []rail.Event{departed}, ev(rail.EventTransshipped, dep.Add(2*day), "XIAN"), ""},
		{"arrived after border", []rail.Event{departed, border}, arrived, ""},
		{"arrived without a border report", []rail.Event{departed}, arrived, "illegal_event_order"},
		{"arrived after a report at the via hub only", []rail.Event{departed, ev(rail.EventTransshipped, dep.Add(2*day), "XIAN")}, arrived, "illegal_event_order"},
		{"border again", []rail.Event{departed, border}, ev(rail.EventBorderCrossed, dep.Add(7*day), "ALASHANKOU"), "illegal_event_order"},
		{"via hub after the border", []rail.Event{departed, border}, ev(rail.EventTransshipped, dep.Add(7*day), "XIAN"), "illegal_event_order"},
		{"off the itinerary", []rail.Event{departed}, ev(rail.EventBorderCrossed, dep.Add(6*day), "KHORGOS"), ""},
		{"on the itinerary after a detour", []rail.Event{departed, ev(rail.EventBorderCrossed, dep.Add(6*day), "KHORGOS")},
			ev(rail.EventArrived, dep.Add(22*day), "DUISBURG"), ""},
		{"anything after arrived", []rail.Event{departed, arrived}, ev(rail.EventBorderCrossed, dep.Add(22*day), "KHORGOS"), "illegal_event_order"},
		{"arrived twice", []rail.Event{departed, arrived}, ev(rail.EventArrived, dep.Add(22*day), "DUISBURG"), "illegal_event_order"},
		{"earlier than the previous", []rail.Event{departed}, ev(rail.EventBorderCrossed, dep.Add(-time.Hour), "ALASHANKOU"), "illegal_event_order"},
		{"same time as the previous", []rail.Event{departed}, ev(rail.EventBorderCrossed, dep, "ALASHANKOU"), ""},
		{"unknown type", nil, ev("loaded", dep, "XIANGYANG"), "invalid_event_type"},
		{"no location", nil, ev(rail.EventDeparted, dep, " "), "required"},
		{"no time", nil, ev(rail.EventDeparted, time.Time{}, "XIANGYANG"), "required"},
	}
	for _, c := range cases {
		err := rail.CheckNextEvent(it, c.before, c.next)
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.code == "illegal_event_order":
			wantKindCode(t, c.name, err, domain.KindFailedPrecondition, c.code)
		case c.code != "":
			wantKindCode(t, c.name, err, domain.KindInvalid, c.code)
		}
	}
}

// An arrival that skips the itinerary's border crossing is refused naming the crossing, and the
// crossing reported late is still taken, then the arrival.
func TestArrivedSkippingACrossing(t *testing.T) {
	dep := cst(2024, 6, 28, 10, 0)
	for _, c := range []struct {
		line, stop string
		move       rail.EventType
	}{{"XXO", "ALASHANKOU", rail.EventBorderCrossed}, {"XQM", "QINZHOU", rail.EventTransshipped}} {
		it := seedLine(t, c.line).Itinerary
		dest := it[len(it)-1].Location
		events := []rail.Event{ev(rail.EventDeparted, dep, "XIANGYANG")}
		err := rail.CheckNextEvent(it, events, ev(rail.EventArrived, dep.Add(20*day), dest))
		wantKindCode(t, c.line+" arrived", err, domain.KindFailedPrecondition, "illegal_event_order")
		var de *domain.Error
		if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Code != "skipped_stop" || !strings.Contains(de.Message, string(c.move)+" at "+c.stop) {
			t.Fatalf("%s: the skipped stop is not named: %v", c.line, err)
		}
		// The crossing, reported after all (dated before the refused arrival), is taken; then the arrival.
		late := ev(c.move, dep.Add(5*day), c.stop)
		if err := rail.CheckNextEvent(it, events, late); err != nil {
			t.Fatalf("%s: the late crossing: %v", c.line, err)
		}
		if err := rail.CheckNextEvent(it, append(events, late), ev(rail.EventArrived, dep.Add(20*day), dest)); err != nil {
			t.Fatalf("%s: arrival after the crossing: %v", c.line, err)
		}
	}
	// A line without a crossing (rail–sea to the port) arrives straight after departing.
	xnb := seedLine(t, "XNB").Itinerary
	if err := rail.CheckNextEvent(xnb, []rail.Event{ev(rail.EventDeparted, dep, "XIANGYANG")}, ev(rail.EventArrived, dep.Add(2*day), "NINGBO")); err != nil {
		t.Fatalf("XNB: %v", err)
	}
}

func TestCheckEventTime(t *testing.T) {
	now := cst(2024, 6, 28, 10, 0)
	for _, c := range []struct {
		at   time.Time
		code string
	}{
		{now.Add(-day), ""},
		{now, ""},
		{now.Add(rail.MaxClockSkew), ""},
		{now.Add(rail.MaxClockSkew + time.Second), "in_future"},
		{now.Add(6 * day), "in_future"},
	} {
		err := rail.CheckEventTime(ev(rail.EventBorderCrossed, c.at, "ALASHANKOU"), now)
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: %v", c.at, err)
			}
			continue
		}
		wantKindCode(t, c.at.String(), err, domain.KindInvalid, c.code)
		var de *domain.Error
		if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Field != "at" {
			t.Errorf("%s: the field is not named: %v", c.at, err)
		}
	}
}

func TestDeriveDelivery(t *testing.T) {
	xxo := seedLine(t, "XXO") // 21 days; border at day 6
	dep := cst(2024, 6, 28, 10, 0)
	sched := rail.DepartureSchedule{ID: "dep_XXO_20240628", LineCode: "XXO", DepartsAt: dep}
	eta := dep.Add(21 * day)
	departed := ev(rail.EventDeparted, dep, "XIANGYANG")
	type next struct {
		typ rail.EventType
		loc string
		at  time.Time
	}
	cases := []struct {
		name        string
		line        rail.Line
		events      []rail.Event
		now         time.Time
		status      rail.TransportStatus
		last        string
		eta         time.Time
		delay       time.Duration
		next        *next
		misdirected bool
		overdue     bool
	}{
		{"not departed yet", xxo, nil, dep.Add(-day), rail.NotDeparted, "", eta, 0,
			&next{rail.EventDeparted, "XIANGYANG", dep}, false, false},
		{"not departed, overdue", xxo, nil, dep.Add(time.Hour), rail.NotDeparted, "", eta, 0,
			&next{rail.EventDeparted, "XIANGYANG", dep}, false, true},
		{"departed on time", xxo, []rail.Event{departed}, dep.Add(day), rail.InTransit, "XIANGYANG", eta, 0,
			&next{rail.EventBorderCrossed, "ALASHANKOU", dep.Add(6 * day)}, false, false},
		{"departed two hours early", xxo, []rail.Event{ev(rail.EventDeparted, dep.Add(-2*time.Hour), "XIANGYANG")}, dep,
			rail.InTransit, "XIANGYANG", eta.Add(-2 * time.Hour), -2 * time.Hour,
			&next{rail.EventBorderCrossed, "ALASHANKOU", dep.Add(6*day - 2*time.Hour)}, false, false},
		{"border on time", xxo, []rail.Event{departed, ev(rail.EventBorderCrossed, dep.Add(6*day), "ALASHANKOU")}, dep.Add(7 * day),
			rail.InTransit, "ALASHANKOU", eta, 0, &next{rail.EventArrived, "DUISBURG", eta}, false, false},
		{"late border crossing shifts the ETA", xxo,
			[]rail.Event{departed, ev(rail.EventBorderCrossed, dep.Add(6*day+36*time.Hour), "ALASHANKOU")}, dep.Add(8 * day),
			rail.InTransit, "ALASHANKOU", eta.Add(36 * time.Hour), 36 * time.Hour,
			&next{rail.EventArrived, "DUISBURG", eta.Add(36 * time.Hour)}, false, false},
		{"late departure made up at the border", xxo,
			[]rail.Event{ev(rail.EventDeparted, dep.Add(5*time.Hour), "XIANGYANG"), ev(rail.EventBorderCrossed, dep.Add(6*day-time.Hour), "ALASHANKOU")},
			dep.Add(7 * day), rail.InTransit, "ALASHANKOU", eta.Add(-time.Hour), -time.Hour,
			&next{rail.EventArrived, "DUISBURG", eta.Add(-time.Hour)}, false, false},
		{"border overdue", xxo, []rail.Event{departed}, dep.Add(7 * day), rail.InTransit, "XIANGYANG", eta, 0,
			&next{rail.EventBorderCrossed, "ALASHANKOU", dep.Add(6 * day)}, false, true},
		{"report at the via hub", xxo, []rail.Event{departed, ev(rail.EventTransshipped, dep.Add(3*day), "XIAN")}, dep.Add(3 * day),
			rail.InTransit, "XIAN", eta.Add(day), day, &next{rail.EventBorderCrossed, "ALASHANKOU", dep.Add(7 * day)}, false, false},
		{"misdirected through Khorgos", xxo,
			[]rail.Event{departed, ev(rail.EventBorderCrossed, dep.Add(7*day), "KHORGOS")}, dep.Add(7 * day),
			rail.InTransit, "KHORGOS", eta, 0, &next{rail.EventBorderCrossed, "ALASHANKOU", dep.Add(6 * day)}, true, true},
		{"arrived on time", xxo,
			[]rail.Event{departed, ev(rail.EventBorderCrossed, dep.Add(6*day), "ALASHANKOU"), ev(rail.EventArrived, eta, "DUISBURG")},
			eta.Add(day), rail.Arrived, "DUISBURG", eta, 0, nil, false, false},
		{"arrived late", xxo,
			[]rail.Event{departed, ev(rail.EventBorderCrossed, dep.Add(6*day+36*time.Hour), "ALASHANKOU"), ev(rail.EventArrived, eta.Add(50*time.Hour), "DUISBURG")},
			eta.Add(3 * day), rail.Arrived, "DUISBURG", eta.Add(50 * time.Hour), 50 * time.Hour, nil, false, false},
		{"arrived at the wrong terminal", xxo,
			[]rail.Event{departed, ev(rail.EventArrived, eta, "HAMBURG")}, eta,
			rail.Arrived, "HAMBURG", eta, 0, nil, true, false},
		{"rail-sea: late transshipment at Qinzhou", seedLine(t, "XQM"),
			[]rail.Event{departed, ev(rail.EventTransshipped, dep.Add(4*day), "QINZHOU")}, dep.Add(4 * day),
			rail.InTransit, "QINZHOU", dep.Add(14 * day), day, &next{rail.EventArrived, "PORT_KLANG", dep.Add(14 * day)}, false, false},
		{"rail-sea to the port: arrived at Ningbo", seedLine(t, "XNB"),
			[]rail.Event{departed, ev(rail.EventArrived, dep.Add(50*time.Hour), "NINGBO")}, dep.Add(3 * day),
			rail.Arrived, "NINGBO", dep.Add(50 * time.Hour), 2 * time.Hour, nil, false, false},
	}
	for _, c := range cases {
		d := rail.DeriveDelivery(c.line, sched, c.events, c.now)
		if d.TransportStatus != c.status || d.LastKnownLocation != c.last || !d.ETA.Equal(c.eta) || d.Delay != c.delay ||
			d.Misdirected != c.misdirected || d.Overdue != c.overdue || !d.CalculatedAt.Equal(c.now) {
			t.Errorf("%s: %+v", c.name, d)
		}
		if d.DelayMinutes != int64(c.delay/time.Minute) {
			t.Errorf("%s: delay minutes %d", c.name, d.DelayMinutes)
		}
		switch {
		case c.next == nil && d.NextExpectedEvent != nil:
			t.Errorf("%s: next %+v, want none", c.name, d.NextExpectedEvent)
		case c.next != nil && (d.NextExpectedEvent == nil || d.NextExpectedEvent.Type != c.next.typ ||
			d.NextExpectedEvent.Location != c.next.loc || !d.NextExpectedEvent.ExpectedAt.Equal(c.next.at)):
			t.Errorf("%s: next %+v, want %+v", c.name, d.NextExpectedEvent, c.next)
		}
		if len(c.events) > 0 && (d.LastEvent == nil || d.LastEvent.Location != c.last) {
			t.Errorf("%s: last event %+v", c.name, d.LastEvent)
		}
	}
}

func TestDeriveDeliveryIsPure(t *testing.T) {
	line := seedLine(t, "XXO")
	dep := cst(2024, 6, 28, 10, 0)
	events := []rail.Event{ev(rail.EventDeparted, dep, "XIANGYANG")}
	a := rail.DeriveDelivery(line, rail.DepartureSchedule{DepartsAt: dep}, events, dep)
	b := rail.DeriveDelivery(line, rail.DepartureSchedule{DepartsAt: dep}, events, dep)
	if a.ETA != b.ETA || *a.NextExpectedEvent != *b.NextExpectedEvent || len(events) != 1 {
		t.Errorf("%+v vs %+v", a, b)
	}
	a.LastEvent.Location = "X"
	if events[0].Location != "XIANGYANG" {
		t.Error("delivery aliases the events")
	}
}

func TestDeriveDeliveryWithoutItinerary(t *testing.T) {
	dep := cst(2024, 6, 28, 10, 0)
	d := rail.DeriveDelivery(rail.Line{TransitDays: 3}, rail.DepartureSchedule{DepartsAt: dep},
		[]rail.Event{ev(rail.EventDeparted, dep, "XIANGYANG")}, dep)
	if d.TransportStatus != rail.InTransit || !d.Misdirected || d.NextExpectedEvent != nil || !d.ETA.Equal(dep.Add(3*day)) {
		t.Errorf("%+v", d)
	}
}
