package rail_test

import (
	"slices"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

func TestSeedLinesAreNineValidLines(t *testing.T) {
	lines := rail.SeedLines()
	if len(lines) != 9 {
		t.Fatalf("%d seed lines, want 9", len(lines))
	}
	codes := map[string]bool{}
	for _, l := range lines {
		got, err := rail.ValidateLine(l)
		if err != nil {
			t.Errorf("%s: %v", l.Code, err)
			continue
		}
		if codes[l.Code] {
			t.Errorf("%s twice", l.Code)
		}
		codes[l.Code] = true
		if len(got.Weekdays) == 0 || got.Name == "" || got.NameEn == "" {
			t.Errorf("%s: %+v", l.Code, got)
		}
		for _, s := range got.Itinerary {
			if s.Name == "" || s.NameEn == "" {
				t.Errorf("%s: stop %s has no names", l.Code, s.Location)
			}
		}
	}
	want := []struct {
		code, name, border, port, dest string
		mode                           rail.Mode
		days                           int
	}{
		{"XHO", "襄汉欧", "ALASHANKOU", "", "HAMBURG", rail.ModeRail, 15},
		{"XXO", "襄西欧", "ALASHANKOU", "", "DUISBURG", rail.ModeRail, 21},
		{"XQM", "襄钦马", "", "QINZHOU", "PORT_KLANG", rail.ModeRailSea, 13},
		{"XYO", "襄渝欧", "KHORGOS", "", "DUISBURG", rail.ModeRail, 17},
		{"XNB", "襄阳—宁波舟山港", "", "NINGBO", "NINGBO", rail.ModeRailSea, 2},
		{"XSH", "襄阳—上海", "", "SHANGHAI", "SHANGHAI", rail.ModeRailSea, 2},
		{"XXM", "襄阳—厦门港", "", "XIAMEN", "LAEM_CHABANG", rail.ModeRailSea, 12},
		{"XCA", "襄阳—中亚", "KHORGOS", "", "TASHKENT", rail.ModeRail, 11},
		{"XRU", "襄阳—俄罗斯", "ERENHOT", "", "MOSCOW", rail.ModeRail, 16},
	}
	for i, w := range want {
		l := lines[i]
		if l.Code != w.code || l.Name != w.name || l.Border != w.border || l.Port != w.port ||
			l.Destination != w.dest || l.Mode != w.mode || l.TransitDays != w.days || l.Origin != "XIANGYANG" {
			t.Errorf("line %d: %+v", i, l)
		}
	}
	if l := lines[1]; len(l.Weekdays) != 1 {
		t.Errorf("襄西欧 runs weekly: %v", l.Weekdays)
	}
	if l := lines[4]; len(l.Weekdays) != 1 || l.CapacityTEU != 80 {
		t.Errorf("Ningbo: %v %d", l.Weekdays, l.CapacityTEU)
	}
	// The seed is a fresh copy each time: editing one does not change the next.
	lines[0].Weekdays[0] = time.Sunday
	if rail.SeedLines()[0].Weekdays[0] != time.Tuesday {
		t.Error("SeedLines shares its slices")
	}
}

func TestValidateLineNormalises(t *testing.T) {
	l := seedLine(t, "XXO")
	l.Code, l.Origin, l.Border = " xxo ", "xiangyang", " alashankou"
	l.Itinerary[0].Location = "xiangyang"
	l.Weekdays = []time.Weekday{time.Friday, time.Monday, time.Friday}
	l.DepartureTime = ""
	got, err := rail.ValidateLine(l)
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != "XXO" || got.Origin != "XIANGYANG" || got.Border != "ALASHANKOU" || got.Itinerary[0].Location != "XIANGYANG" {
		t.Errorf("not normalised: %+v", got)
	}
	if !slices.Equal(got.Weekdays, []time.Weekday{time.Monday, time.Friday}) || got.DepartureTime != "10:00" {
		t.Errorf("weekdays %v time %q", got.Weekdays, got.DepartureTime)
	}
	if h, m := got.Clock(); h != 10 || m != 0 {
		t.Errorf("clock %d:%d", h, m)
	}
	if l.Weekdays[0] != time.Friday {
		t.Error("ValidateLine changed its argument")
	}
}

func TestValidateLineRejects(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*rail.Line)
		wants []string
	}{
		{"bad code", func(l *rail.Line) { l.Code = "襄西欧" }, []string{"code:invalid_line_code"}},
		{"code too long", func(l *rail.Line) { l.Code = "ABCDEFGHI" }, []string{"code:invalid_line_code"}},
		{"names required", func(l *rail.Line) { l.Name, l.NameEn = "", " " }, []string{"name:required", "nameEn:required"}},
		{"transit 0", func(l *rail.Line) { l.TransitDays = 0 }, []string{"transitDays:invalid_transit_days"}},
		{"transit 61", func(l *rail.Line) { l.TransitDays = 61 }, []string{"transitDays:invalid_transit_days"}},
		{"transit 60 but itinerary says 21", func(l *rail.Line) { l.TransitDays = 60 }, []string{"itinerary[3].dayOffset:invalid_day_offset"}},
		{"no weekdays", func(l *rail.Line) { l.Weekdays = nil }, []string{"weekdays:required"}},
		{"bad weekday", func(l *rail.Line) { l.Weekdays = []time.Weekday{7} }, []string{"weekdays[0]:invalid_weekday"}},
		{"bad time", func(l *rail.Line) { l.DepartureTime = "25:00" }, []string{"departureTime:invalid_departure_time"}},
		{"bad time form", func(l *rail.Line) { l.DepartureTime = "9:00" }, []string{"departureTime:invalid_departure_time"}},
		{"capacity", func(l *rail.Line) { l.CapacityTEU = 111 }, []string{"capacityTEU:invalid_capacity"}},
		{"bad mode", func(l *rail.Line) { l.Mode = "air" }, []string{"mode:invalid_mode"}},
		{"unknown border", func(l *rail.Line) { l.Border = "BREST" }, []string{"border:unknown_border", "border:itinerary_mismatch"}},
		{"rail with port", func(l *rail.Line) { l.Port = "NINGBO" }, []string{"port:not_allowed", "port:itinerary_mismatch"}},
		{"rail without border", func(l *rail.Line) { l.Border = "" }, []string{"border:required"}},
		{"origin missing", func(l *rail.Line) { l.Origin = "" },
			[]string{"origin:required", "itinerary[0].location:itinerary_mismatch"}},
		{"bad location", func(l *rail.Line) { l.Via = "XI AN" }, []string{"via:invalid_location", "via:itinerary_mismatch"}},
		{"itinerary too short", func(l *rail.Line) { l.Itinerary = l.Itinerary[:1] }, []string{"itinerary:required"}},
		{"first stop not origin", func(l *rail.Line) { l.Itinerary[0].Location = "WUHAN_WJS" },
			[]string{"itinerary[0].location:itinerary_mismatch"}},
		{"origin event", func(l *rail.Line) { l.Itinerary[0].Event = rail.EventArrived },
			[]string{"itinerary[0].event:invalid_event"}},
		{"border event", func(l *rail.Line) { l.Itinerary[2].Event = rail.EventDeparted },
			[]string{"itinerary[2].event:invalid_event", "border:itinerary_mismatch"}},
		{"offsets decrease", func(l *rail.Line) { l.Itinerary[2].DayOffset = 1 },
			[]string{"itinerary[2].dayOffset:invalid_day_offset"}},
		{"origin offset", func(l *rail.Line) { l.Itinerary[0].DayOffset = 1 },
			[]string{"itinerary[0].dayOffset:invalid_day_offset"}},
		{"duplicate stop", func(l *rail.Line) { l.Itinerary[1].Location = "ALASHANKOU" },
			[]string{"itinerary[2].location:duplicate_stop", "via:itinerary_mismatch", "border:itinerary_mismatch"}},
		{"destination mismatch", func(l *rail.Line) { l.Destination = "HAMBURG" },
			[]string{"itinerary[3].location:itinerary_mismatch"}},
	}
	for _, c := range cases {
		l := seedLine(t, "XXO")
		c.edit(&l)
		_, err := rail.ValidateLine(l)
		wantFields(t, c.name, err, c.wants...)
	}
	// rail-sea: the port must be on the itinerary expecting transshipped unless it is the destination.
	l := seedLine(t, "XQM")
	l.Itinerary[1].Event = ""
	_, err := rail.ValidateLine(l)
	wantFields(t, "port without transshipment", err, "port:itinerary_mismatch")
	l = seedLine(t, "XQM")
	l.Border = "ALASHANKOU"
	l.Port = "DALIAN"
	_, err = rail.ValidateLine(l)
	wantFields(t, "rail-sea with border and unknown port", err,
		"port:unknown_port", "border:not_allowed", "border:itinerary_mismatch", "port:itinerary_mismatch")
}

func TestUpdateLine(t *testing.T) {
	cur, err := rail.ValidateLine(seedLine(t, "XXO"))
	if err != nil {
		t.Fatal(err)
	}
	cur.Version = 4
	at := cst(2024, 6, 3, 9, 0)

	edit := cur.Clone()
	edit.Weekdays = []time.Weekday{time.Wednesday, time.Saturday}
	edit.TransitDays = 20
	edit.Itinerary[3].DayOffset = 20
	edit.Version = 99 // ignored
	got, err := rail.UpdateLine(cur, edit, at)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 4 || !got.UpdatedAt.Equal(at) || got.TransitDays != 20 || len(got.Weekdays) != 2 {
		t.Errorf("updated: %+v", got)
	}

	edit = cur.Clone()
	edit.Code = ""
	if got, err := rail.UpdateLine(cur, edit, at); err != nil || got.Code != "XXO" {
		t.Errorf("empty code keeps the current one: %v %q", err, got.Code)
	}

	edit = cur.Clone()
	edit.Code = "XYZ"
	edit.Weekdays = nil
	edit.TransitDays = 0
	_, err = rail.UpdateLine(cur, edit, at)
	wantFields(t, "immutable code, empty weekdays, transit 0", err,
		"code:immutable", "transitDays:invalid_transit_days", "weekdays:required")
	wantKindCode(t, "update", err, domain.KindInvalid, "immutable")
}
