package mongo

import (
	"maps"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/rail"
)

// The stored shapes of the domain's value types. Domain types carry no storage tags: the field
// names below are the database's, fixed so that existing documents keep reading whatever the
// domain or the API call the fields.

// eachOf converts a slice element by element, keeping nil nil (stored as null, not []).
func eachOf[A, B any](xs []A, f func(A) B) []B {
	if xs == nil {
		return nil
	}
	out := make([]B, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// eventDoc is an outbox entry (domain.Event). Its data is stored with its keys in order, so that
// an event always encodes to the same bytes: a later write that keeps it in the outbox
// (updateFor) rewrites it unchanged, and a relay that read it before still removes it by exact
// value ($pullAll, the removal both MongoDB and the embedded store honour).
type eventDoc struct {
	ID        string    `bson:"id"`
	Type      string    `bson:"type"`
	Aggregate string    `bson:"aggregate"`
	SubjectID string    `bson:"subjectId"`
	At        time.Time `bson:"at"`
	Data      bson.D    `bson:"data,omitempty"`
}

func eventToDoc(e domain.Event) eventDoc {
	return eventDoc{ID: e.ID, Type: e.Type, Aggregate: e.Aggregate, SubjectID: e.SubjectID, At: e.At, Data: orderedDoc(e.Data)}
}

func (d eventDoc) event() domain.Event {
	var data map[string]any
	if d.Data != nil {
		data = plainValue(d.Data).(map[string]any)
	}
	return domain.Event{ID: d.ID, Type: d.Type, Aggregate: d.Aggregate, SubjectID: d.SubjectID, At: d.At, Data: data}
}

// orderedDoc is m as a document with its keys sorted, nested maps likewise.
func orderedDoc(m map[string]any) bson.D {
	if m == nil {
		return nil
	}
	keys := slices.Sorted(maps.Keys(m))
	d := make(bson.D, len(keys))
	for i, k := range keys {
		d[i] = bson.E{Key: k, Value: orderedValue(m[k])}
	}
	return d
}

func orderedValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return orderedDoc(v)
	case []any:
		out := make(bson.A, len(v))
		for i, x := range v {
			out[i] = orderedValue(x)
		}
		return out
	}
	return v
}

// plainValue turns decoded documents and arrays back into the maps and slices events carry.
func plainValue(v any) any {
	switch v := v.(type) {
	case bson.D:
		m := make(map[string]any, len(v))
		for _, e := range v {
			m[e.Key] = plainValue(e.Value)
		}
		return m
	case bson.M:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = plainValue(x)
		}
		return m
	case bson.A:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plainValue(x)
		}
		return out
	}
	return v
}

// outboxDocs is an aggregate's new events as stored; never nil (an outbox is an array).
func outboxDocs(events []domain.Event) []eventDoc {
	out := make([]eventDoc, len(events))
	for i, e := range events {
		out[i] = eventToDoc(e)
	}
	return out
}

// lineDoc is a rail.Line in "rail_lines".
type lineDoc struct {
	Code          string         `bson:"_id"`
	Name          string         `bson:"name"`
	NameEn        string         `bson:"nameEn"`
	Origin        string         `bson:"origin"`
	Via           string         `bson:"via,omitempty"`
	Border        string         `bson:"border,omitempty"`
	Port          string         `bson:"port,omitempty"`
	Destination   string         `bson:"destination"`
	TransitDays   int            `bson:"transitDays"`
	Mode          rail.Mode      `bson:"mode"`
	Weekdays      []time.Weekday `bson:"weekdays"`
	DepartureTime string         `bson:"departureTime"`
	CapacityTEU   int            `bson:"capacityTeu,omitempty"`
	Itinerary     []stopDoc      `bson:"itinerary"`
	Note          string         `bson:"note,omitempty"`
	UpdatedAt     time.Time      `bson:"updatedAt"`
	Version       int64          `bson:"version"`
}

func lineToDoc(l rail.Line) lineDoc {
	return lineDoc{
		Code: l.Code, Name: l.Name, NameEn: l.NameEn, Origin: l.Origin, Via: l.Via, Border: l.Border, Port: l.Port,
		Destination: l.Destination, TransitDays: l.TransitDays, Mode: l.Mode, Weekdays: l.Weekdays,
		DepartureTime: l.DepartureTime, CapacityTEU: l.CapacityTEU, Itinerary: eachOf(l.Itinerary, stopToDoc),
		Note: l.Note, UpdatedAt: l.UpdatedAt, Version: l.Version,
	}
}

func (d *lineDoc) line() rail.Line {
	return rail.Line{
		Code: d.Code, Name: d.Name, NameEn: d.NameEn, Origin: d.Origin, Via: d.Via, Border: d.Border, Port: d.Port,
		Destination: d.Destination, TransitDays: d.TransitDays, Mode: d.Mode, Weekdays: d.Weekdays,
		DepartureTime: d.DepartureTime, CapacityTEU: d.CapacityTEU, Itinerary: eachOf(d.Itinerary, stopDoc.stop),
		Note: d.Note, UpdatedAt: d.UpdatedAt, Version: d.Version,
	}
}

// stopDoc is a rail.Stop of a line's or a departure's itinerary.
type stopDoc struct {
	Location  string         `bson:"location"`
	Name      string         `bson:"name"`
	NameEn    string         `bson:"nameEn"`
	Event     rail.EventType `bson:"event,omitempty"`
	DayOffset int            `bson:"dayOffset"`
}

func stopToDoc(s rail.Stop) stopDoc {
	return stopDoc{Location: s.Location, Name: s.Name, NameEn: s.NameEn, Event: s.Event, DayOffset: s.DayOffset}
}

func (d stopDoc) stop() rail.Stop {
	return rail.Stop{Location: d.Location, Name: d.Name, NameEn: d.NameEn, Event: d.Event, DayOffset: d.DayOffset}
}

// movementDoc is a reported movement of a departure (rail.Event).
type movementDoc struct {
	Type       rail.EventType `bson:"type"`
	At         time.Time      `bson:"at"`
	Location   string         `bson:"location"`
	Note       string         `bson:"note,omitempty"`
	ReportedBy string         `bson:"reportedBy,omitempty"`
}

func movementToDoc(e rail.Event) movementDoc {
	return movementDoc{Type: e.Type, At: e.At, Location: e.Location, Note: e.Note, ReportedBy: e.ReportedBy}
}

func (d movementDoc) event() rail.Event {
	return rail.Event{Type: d.Type, At: d.At, Location: d.Location, Note: d.Note, ReportedBy: d.ReportedBy}
}

// containerRequestDoc is a booking's rail.ContainerRequest.
type containerRequestDoc struct {
	Type  rail.ContainerType `bson:"type"`
	Count int                `bson:"count"`
}

func containerRequestToDoc(c rail.ContainerRequest) containerRequestDoc {
	return containerRequestDoc{Type: c.Type, Count: c.Count}
}

func (d containerRequestDoc) request() rail.ContainerRequest {
	return rail.ContainerRequest{Type: d.Type, Count: d.Count}
}

// consigneeDoc is a booking's rail.Consignee.
type consigneeDoc struct {
	Name    string `bson:"name"`
	Address string `bson:"address,omitempty"`
	Country string `bson:"country"`
}

func consigneeToDoc(c *rail.Consignee) *consigneeDoc {
	if c == nil {
		return nil
	}
	return &consigneeDoc{Name: c.Name, Address: c.Address, Country: c.Country}
}

func (d *consigneeDoc) consignee() *rail.Consignee {
	if d == nil {
		return nil
	}
	return &rail.Consignee{Name: d.Name, Address: d.Address, Country: d.Country}
}

// loadedContainerDoc is a booking's rail.LoadedContainer.
type loadedContainerDoc struct {
	ContainerNo    string             `bson:"containerNo"`
	Type           rail.ContainerType `bson:"type"`
	SealNo         string             `bson:"sealNo"`
	GrossKg        int64              `bson:"grossKg,omitempty"`
	ParcelIDs      []string           `bson:"parcelIds,omitempty"`
	DeclarationIDs []string           `bson:"declarationIds,omitempty"`
	LoadedAt       time.Time          `bson:"loadedAt"`
}

func loadedContainerToDoc(c rail.LoadedContainer) loadedContainerDoc {
	return loadedContainerDoc{ContainerNo: c.ContainerNo, Type: c.Type, SealNo: c.SealNo, GrossKg: c.GrossKg,
		ParcelIDs: c.ParcelIDs, DeclarationIDs: c.DeclarationIDs, LoadedAt: c.LoadedAt}
}

func (d loadedContainerDoc) container() rail.LoadedContainer {
	return rail.LoadedContainer{ContainerNo: d.ContainerNo, Type: d.Type, SealNo: d.SealNo, GrossKg: d.GrossKg,
		ParcelIDs: d.ParcelIDs, DeclarationIDs: d.DeclarationIDs, LoadedAt: d.LoadedAt}
}

// bookingEntryDoc is a rail.TimelineEntry of a booking.
type bookingEntryDoc struct {
	At     time.Time          `bson:"at"`
	Type   string             `bson:"type"`
	Status rail.BookingStatus `bson:"status"`
	Detail string             `bson:"detail,omitempty"`
	Actor  string             `bson:"actor"`
}

func bookingEntryToDoc(e rail.TimelineEntry) bookingEntryDoc {
	return bookingEntryDoc{At: e.At, Type: e.Type, Status: e.Status, Detail: e.Detail, Actor: e.Actor}
}

func (d bookingEntryDoc) entry() rail.TimelineEntry {
	return rail.TimelineEntry{At: d.At, Type: d.Type, Status: d.Status, Detail: d.Detail, Actor: d.Actor}
}

// parcelEntryDoc is a parcel.TimelineEntry.
type parcelEntryDoc struct {
	At     time.Time     `bson:"at"`
	Type   string        `bson:"type"`
	Status parcel.Status `bson:"status"`
	Detail string        `bson:"detail,omitempty"`
	Actor  string        `bson:"actor"`
}

func parcelEntryToDoc(e parcel.TimelineEntry) parcelEntryDoc {
	return parcelEntryDoc{At: e.At, Type: e.Type, Status: e.Status, Detail: e.Detail, Actor: e.Actor}
}

func (d parcelEntryDoc) entry() parcel.TimelineEntry {
	return parcel.TimelineEntry{At: d.At, Type: d.Type, Status: d.Status, Detail: d.Detail, Actor: d.Actor}
}
