package rail

import (
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// EventType is a movement of a train (a handling event, in the DDD cargo sample's words).
type EventType string

// Movement events, in the order a train reports them.
const (
	EventDeparted      EventType = "departed"       // left the origin yard
	EventBorderCrossed EventType = "border_crossed" // crossed the border (gauge change)
	EventTransshipped  EventType = "transshipped"   // moved from train to ship at a port
	EventArrived       EventType = "arrived"        // reached the destination; final
)

// Valid reports whether t is a known movement event.
func (t EventType) Valid() bool {
	return t == EventDeparted || t == EventBorderCrossed || t == EventTransshipped || t == EventArrived
}

// Event is one reported movement of a departure: what, when, where (a location code), and who
// reported it.
type Event struct {
	Type       EventType `json:"type"`
	At         time.Time `json:"at"`
	Location   string    `json:"location"`
	Note       string    `json:"note,omitempty"`
	ReportedBy string    `json:"reportedBy,omitempty"`
}

// same reports whether e repeats r: the same movement at the same place and time.
func (e Event) same(r Event) bool {
	return e.Type == r.Type && e.Location == r.Location && e.At.Equal(r.At)
}

// position is where e falls on itinerary: departed is always the origin (0) and arrived the
// destination (last), wherever they were reported; a border crossing or transshipment is the
// stop at its location, or -1 when the location is not on the itinerary. onRoute reports
// whether the location is the one the itinerary expects.
func position(itinerary []Stop, e Event) (idx int, onRoute bool) {
	last := len(itinerary) - 1
	switch e.Type {
	case EventDeparted:
		return 0, last >= 0 && itinerary[0].Location == e.Location
	case EventArrived:
		return last, last >= 0 && itinerary[last].Location == e.Location
	}
	for i := 1; i < last; i++ {
		if itinerary[i].Location == e.Location {
			return i, true
		}
	}
	return -1, false
}

// CheckEvent checks one reported movement on its own: a known type (invalid_event_type), a
// location code (required) and a time (required).
func CheckEvent(e Event) error {
	var v domain.Violations
	if !e.Type.Valid() {
		v.Add("type", "invalid_event_type", "type must be departed, border_crossed, transshipped or arrived")
	}
	if strings.TrimSpace(e.Location) == "" {
		v.Add("location", "required", "location is required")
	} else if !validLocation(strings.TrimSpace(e.Location)) {
		v.Add("location", "invalid_location", "a location code is 2 to 32 of A-Z, 0-9 and _")
	}
	if e.At.IsZero() {
		v.Add("at", "required", "at is required")
	}
	return v.Err()
}

// MaxClockSkew is how far in the future a reported movement may be dated: the reporter's clock
// may run a little ahead of the service's, but a train does not report what it has not done yet.
const MaxClockSkew = 5 * time.Minute

// CheckEventTime refuses a movement dated more than MaxClockSkew after now (Invalid in_future,
// naming at). The domain reads no clock: the caller passes its own.
func CheckEventTime(e Event, now time.Time) error {
	if e.At.After(now.Add(MaxClockSkew)) {
		return domain.InvalidField("at", "in_future", "at "+e.At.UTC().Format(time.RFC3339)+
			" is in the future; a movement is reported once it happened (at most "+MaxClockSkew.String()+" ahead of the service's clock)")
	}
	return nil
}

// CheckNextEvent decides whether next may follow the events a departure already has, given its
// itinerary (FailedPrecondition illegal_event_order otherwise):
//   - departed comes first, and once;
//   - nothing comes after arrived;
//   - a border crossing or transshipment at a stop of the itinerary comes after every stop
//     before it, and each stop once: the itinerary's order is the legal order;
//   - arrived comes after every border crossing and transshipment the itinerary expects (a
//     skipped one is named): arrived is final, so an arrival reported before a crossing would
//     leave the crossing no way in. A crossing reported at a place off the itinerary stands in
//     for one on it (the train was diverted: misdirected, below);
//   - no event is earlier than the one before it.
//
// An event at a place the itinerary does not name is legal (trains get diverted): it is
// recorded and makes the delivery misdirected. A repeat of the last event is not checked here;
// Departure.RecordEvent treats it as harmless.
func CheckNextEvent(itinerary []Stop, events []Event, next Event) error {
	if err := CheckEvent(next); err != nil {
		return err
	}
	illegal := func(why string) error {
		return domain.Errorf(domain.KindFailedPrecondition, "illegal_event_order", "%s", why)
	}
	if len(events) == 0 {
		if next.Type != EventDeparted {
			return illegal("the first event of a departure is departed, not " + string(next.Type))
		}
		return nil
	}
	prev := events[len(events)-1]
	switch {
	case prev.Type == EventArrived:
		return illegal("the train has arrived; nothing follows arrived")
	case next.Type == EventDeparted:
		return illegal("the train has departed already")
	case next.At.Before(prev.At):
		return illegal(string(next.Type) + " at " + next.At.UTC().Format(time.RFC3339) + " is earlier than the previous event")
	}
	lastIdx := 0
	for _, e := range events {
		if i, _ := position(itinerary, e); i > lastIdx {
			lastIdx = i
		}
	}
	if i, _ := position(itinerary, next); i >= 0 && i <= lastIdx && next.Type != EventArrived {
		return illegal(string(next.Type) + " at " + next.Location + " comes before a stop already passed")
	}
	if next.Type == EventArrived {
		if s, ok := skippedStop(itinerary, events); ok {
			return &domain.Error{Kind: domain.KindFailedPrecondition, Code: "illegal_event_order",
				Message: "arrived skips " + string(s.Event) + " at " + s.Location + " on the itinerary; report it first",
				Fields: []domain.FieldError{{Field: "type", Code: "skipped_stop",
					Message: string(s.Event) + " at " + s.Location + " (" + s.NameEn + ") is not reported yet"}}}
		}
	}
	return nil
}

// skippedStop finds the first border crossing or transshipment of the itinerary that events do
// not report, once the same kind of event reported off the itinerary (a diversion) has stood in
// for the stops it replaced.
func skippedStop(itinerary []Stop, events []Event) (Stop, bool) {
	reported := map[string]bool{}
	offRoute := map[EventType]int{}
	for _, e := range events {
		if i, onRoute := position(itinerary, e); onRoute && i > 0 {
			reported[itinerary[i].Location] = true
		} else if !onRoute && e.Type != EventDeparted {
			offRoute[e.Type]++
		}
	}
	for i := 1; i < len(itinerary)-1; i++ {
		s := itinerary[i]
		if (s.Event != EventBorderCrossed && s.Event != EventTransshipped) || reported[s.Location] {
			continue
		}
		if offRoute[s.Event] > 0 {
			offRoute[s.Event]--
			continue
		}
		return s, true
	}
	return Stop{}, false
}

// TransportStatus is how far a departure got.
type TransportStatus string

// Transport statuses.
const (
	NotDeparted TransportStatus = "not_departed"
	InTransit   TransportStatus = "in_transit"
	Arrived     TransportStatus = "arrived"
)

// ExpectedEvent is the movement a departure should report next.
type ExpectedEvent struct {
	Type       EventType `json:"type"`
	Location   string    `json:"location"`
	ExpectedAt time.Time `json:"expectedAt"`
}

// DepartureSchedule is what delivery derivation needs of a departure.
type DepartureSchedule struct {
	ID        string    `json:"id"`
	LineCode  string    `json:"lineCode"`
	DepartsAt time.Time `json:"departsAt"`
}

// Delivery is a departure's transport state derived from its line's itinerary and the events
// so far (never stored; derive it again after every event).
//
// ETA is departsAt + transitDays, shifted by Delay: how late (positive) or early (negative) the
// last event on the itinerary came against its planned day offset; after arrival it is the
// arrival time. NextExpectedEvent is the next itinerary stop expecting a report, its time
// shifted by the same delay; nil after arrival. Misdirected is set once any event happened at a
// place the itinerary does not name. Overdue is set when the next expected event should have
// happened before CalculatedAt.
type Delivery struct {
	TransportStatus   TransportStatus `json:"transportStatus"`
	LastEvent         *Event          `json:"lastEvent,omitempty"`
	LastKnownLocation string          `json:"lastKnownLocation,omitempty"`
	ETA               time.Time       `json:"eta"`
	Delay             time.Duration   `json:"-"`
	DelayMinutes      int64           `json:"delayMinutes"`
	NextExpectedEvent *ExpectedEvent  `json:"nextExpectedEvent,omitempty"`
	Misdirected       bool            `json:"misdirected"`
	Overdue           bool            `json:"overdue"`
	CalculatedAt      time.Time       `json:"calculatedAt"`
}

const day = 24 * time.Hour

// DeriveDelivery derives a departure's delivery from its line's itinerary, its schedule and
// its events (oldest first, as recorded), at now. It is a pure function.
func DeriveDelivery(line Line, dep DepartureSchedule, events []Event, now time.Time) Delivery {
	it := line.Itinerary
	planned := func(i int) time.Time { return dep.DepartsAt.Add(time.Duration(it[i].DayOffset) * day) }
	d := Delivery{TransportStatus: NotDeparted, CalculatedAt: now.UTC()}
	lastIdx, anchored := -1, false
	for _, e := range events {
		i, onRoute := position(it, e)
		if !onRoute {
			d.Misdirected = true
		}
		if i >= 0 && i < len(it) {
			lastIdx, anchored = i, true
			d.Delay = e.At.Sub(planned(i))
		}
	}
	d.ETA = dep.DepartsAt.Add(time.Duration(line.TransitDays)*day + d.Delay).UTC()
	if n := len(events); n > 0 {
		last := events[n-1]
		d.LastEvent = &last
		d.LastKnownLocation = last.Location
		d.TransportStatus = InTransit
		if last.Type == EventArrived {
			d.TransportStatus = Arrived
			d.ETA = last.At.UTC()
		}
	}
	if d.TransportStatus != Arrived {
		start := 0
		if anchored {
			start = lastIdx + 1
		}
		for j := start; j < len(it); j++ {
			if it[j].Event != "" {
				d.NextExpectedEvent = &ExpectedEvent{Type: it[j].Event, Location: it[j].Location,
					ExpectedAt: planned(j).Add(d.Delay).UTC()}
				d.Overdue = d.NextExpectedEvent.ExpectedAt.Before(now)
				break
			}
		}
	}
	d.DelayMinutes = int64(d.Delay / time.Minute)
	return d
}
