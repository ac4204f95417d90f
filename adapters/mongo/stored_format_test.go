package mongo_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/rail"
)

// storedPaths lists every field path of a stored document with its BSON type, array elements
// as "[]": "itinerary[].dayOffset int64".
func storedPaths(t *testing.T, s *mongo.Store, coll, id string) []string {
	t.Helper()
	var doc bson.Raw
	if err := s.Database().Collection(coll).FindOne(context.Background(), bson.M{"_id": id}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(prefix string, v bson.RawValue)
	walk = func(prefix string, v bson.RawValue) {
		switch v.Type {
		case bson.TypeEmbeddedDocument:
			elems, _ := v.Document().Elements()
			for _, e := range elems {
				walk(prefix+"."+e.Key(), e.Value())
			}
			if len(elems) > 0 {
				return
			}
		case bson.TypeArray:
			vals, _ := v.Array().Values()
			for _, e := range vals {
				walk(prefix+"[]", e)
			}
			if len(vals) > 0 {
				return
			}
		}
		seen[strings.TrimPrefix(prefix, ".")+" "+typeName(v.Type)] = true
	}
	walk("", bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: doc})
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func typeName(t bsontype.Type) string {
	switch t {
	case bson.TypeString:
		return "string"
	case bson.TypeInt32:
		return "int32"
	case bson.TypeInt64:
		return "int64"
	case bson.TypeDateTime:
		return "datetime"
	case bson.TypeBoolean:
		return "bool"
	case bson.TypeArray:
		return "array"
	case bson.TypeEmbeddedDocument:
		return "document"
	case bson.TypeNull:
		return "null"
	}
	return strings.ReplaceAll(t.String(), " ", "_")
}

func wantPaths(t *testing.T, what string, got []string, want string) {
	t.Helper()
	w := strings.Fields(want)
	var pairs []string
	for i := 0; i+1 < len(w); i += 2 {
		pairs = append(pairs, w[i]+" "+w[i+1])
	}
	slices.Sort(pairs)
	if !slices.Equal(got, pairs) {
		t.Errorf("%s is stored as\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(pairs, "\n"))
	}
}

// The documents keep the field names and types they were first written with, so that data
// stored by earlier versions still reads: the names are the database's, not the API's.
func TestStoredFormat(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	now := time.Date(2026, 11, 3, 1, 0, 0, 0, time.UTC)

	lines := mongo.NewLines(s)
	line, err := rail.ValidateLine(rail.SeedLines()[4]) // XNB: capacity set, no via or border
	if err != nil {
		t.Fatal(err)
	}
	line.UpdatedAt = now
	if err := lines.Create(ctx, line); err != nil {
		t.Fatal(err)
	}
	wantPaths(t, "a line", storedPaths(t, s, "rail_lines", line.Code), `
		_id string  capacityTeu int32  departureTime string
		destination string  itinerary[].dayOffset int32  itinerary[].event string
		itinerary[].location string  itinerary[].name string  itinerary[].nameEn string
		mode string  name string  nameEn string
		note string  origin string  port string
		transitDays int32  updatedAt datetime  version int64
		weekdays[] int32`)

	deps := mongo.NewDepartures(s)
	d, err := rail.NewDeparture("dep_XNB_1", line, rail.DepartureInput{DepartsAt: now.AddDate(0, 0, 10)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := deps.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	if ok, err := deps.Reserve(ctx, d.ID(), rail.Slot{Booking: "bkg_1", TEU: 2, Kg: 9000, At: now}, false); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, _, err := deps.Waitlist(ctx, d.ID(), rail.Slot{Booking: "bkg_2", TEU: 2, Kg: 9000, At: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := deps.Update(ctx, d.ID(), func(d *rail.Departure) error {
		return d.RecordEvent(rail.Event{Type: rail.EventDeparted, At: now.AddDate(0, 0, 10), Location: "XIANGYANG", Note: "on time", ReportedBy: "op"})
	}); err != nil {
		t.Fatal(err)
	}
	// outbox[].data is an event's payload, spelled as the event stream publishes it.
	wantPaths(t, "a departure", storedPaths(t, s, "departures", d.ID()), `
		_id string  bookingOpensAt datetime  capacityChangedAt datetime
		capacityTeu int32  capacityVersion int64  cargoKg int64  confirmedTeu int32
		createdAt datetime  cutoffAt datetime  departsAt datetime
		events[].at datetime  events[].location string  events[].note string
		events[].reportedBy string  events[].type string  freeKg int64
		freeTeu int32  holds.bkg_1 string  itinerary[].dayOffset int32
		itinerary[].event string  itinerary[].location string  itinerary[].name string
		itinerary[].nameEn string  lineCode string  lineName string
		maxCargoKg int64  outbox[].aggregate string  outbox[].at datetime
		outbox[].data.capacityTEU int32  outbox[].data.departsAt datetime  outbox[].data.lineCode string
		outbox[].data.location string  outbox[].data.misdirected bool  outbox[].data.status string
		outbox[].id string  outbox[].subjectId string  outbox[].type string
		status string  transitDays int32  updatedAt datetime
		version int64  waiting.bkg_2 string  waitlistedTeu int32`)

	bookings := mongo.NewBookings(s)
	b := rail.BookingFromDatabase(rail.BookingRecord{
		ID: "bkg_1", DepartureID: d.ID(), BookedBy: "org_f", ExporterID: "org_e",
		Containers: []rail.ContainerRequest{{Type: rail.Type40HQ, Count: 1}}, TEU: 2, GrossKg: 9000,
		CargoDescription: "parts", HSCodes: []string{"8708"}, AllowWaitlist: true,
		Consignee: &rail.Consignee{Name: "Duisport", Address: "Hafen 1", Country: "DE"}, Status: rail.BookingCancelled,
		WaitlistedAt: &now, ConfirmedAt: &now, CancelledAt: &now, CancelReason: "train gone",
		Loaded: []rail.LoadedContainer{{ContainerNo: "CSQU3054383", Type: rail.Type40HQ, SealNo: "S1", GrossKg: 9000,
			ParcelIDs: []string{"pcl_1"}, DeclarationIDs: []string{"dec_1"}, LoadedAt: now}},
		CreatedAt: now, UpdatedAt: now,
		Timeline: []rail.TimelineEntry{{At: now, Type: "booking.requested", Status: rail.BookingRequested, Detail: "asked", Actor: "org_f"}},
	})
	if err := bookings.Create(ctx, b); err != nil {
		t.Fatal(err)
	}
	wantPaths(t, "a booking", storedPaths(t, s, "bookings", b.ID()), `
		_id string  allowWaitlist bool  bookedBy string
		cancelReason string  cancelledAt datetime  cargoDescription string
		confirmedAt datetime  consignee.address string  consignee.country string
		consignee.name string  containers[].count int32  containers[].type string
		createdAt datetime  departureId string  exporterId string
		grossKg int64  hsCodes[] string  loaded[].containerNo string
		loaded[].declarationIds[] string  loaded[].grossKg int64  loaded[].loadedAt datetime
		loaded[].parcelIds[] string  loaded[].sealNo string  loaded[].type string
		outbox array  status string  teu int32
		timeline[].actor string  timeline[].at datetime  timeline[].detail string
		timeline[].status string  timeline[].type string  updatedAt datetime
		version int64  waitlistedAt datetime`)

	p, err := parcel.New("pcl_1", parcelDraft(), now, "org_exporter")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mongo.NewParcels(s).Insert(ctx, []*parcel.Parcel{p}); err != nil {
		t.Fatal(err)
	}
	var timeline []string
	for _, path := range storedPaths(t, s, "parcels", p.ID()) {
		if strings.HasPrefix(path, "timeline") {
			timeline = append(timeline, path)
		}
	}
	wantPaths(t, "a parcel's timeline", timeline, `
		timeline[].at datetime  timeline[].type string  timeline[].status string  timeline[].detail string  timeline[].actor string`)
}
