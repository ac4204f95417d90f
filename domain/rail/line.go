package rail

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// ChinaTime is the zone timetables are written in (Beijing time, UTC+8, no daylight saving).
// Weekdays, departure clocks and working days are counted in it.
var ChinaTime = time.FixedZone("CST", 8*3600)

// Mode is how a line carries its containers.
type Mode string

// Line modes.
const (
	ModeRail    Mode = "rail"     // by train to the destination, across a land border
	ModeRailSea Mode = "rail-sea" // by train to a sea port (铁海联运), then by ship
)

// Stop is one place of a line's itinerary: the location code, its names, the movement event
// expected there (empty at a hub the train passes without a report) and the planned day offset
// from departure.
type Stop struct {
	Location  string    `json:"location"`
	Name      string    `json:"name"`
	NameEn    string    `json:"nameEn"`
	Event     EventType `json:"event,omitempty"`
	DayOffset int       `json:"dayOffset"`
}

// Line is a scheduled freight-train route (班列线路), seed data the operator edits: identified by a
// short ASCII Code that never changes. Origin, Via, Border, Port and Destination are location
// codes; Itinerary lists the same places in order with the events expected there. A rail line
// leaves China at a Border crossing; a rail–sea line hands its boxes to a ship at a Port (which
// may be its Destination when the ship leg is not tracked). Weekdays and DepartureTime (HH:MM,
// China time) make the weekly timetable; CapacityTEU, when set, is the default capacity of the
// line's departures (else MaxTrainTEU). Note carries remarks such as unconfirmed facts.
//
// A Line is a checked value: ValidateLine normalises and checks one, UpdateLine applies an
// operator's edit. Departures copy what they need of it, so editing a line never changes a
// train already scheduled.
type Line struct {
	Code          string
	Name          string
	NameEn        string
	Origin        string
	Via           string
	Border        string
	Port          string
	Destination   string
	TransitDays   int
	Mode          Mode
	Weekdays      []time.Weekday
	DepartureTime string
	CapacityTEU   int
	Itinerary     []Stop
	Note          string
	UpdatedAt     time.Time
	Version       int64
}

// Border crossings and sea ports a line may use (docs/customs.md §7). Extend the lists to open a
// new one.
var (
	BorderCrossings = []string{"ALASHANKOU", "KHORGOS", "ERENHOT", "MANZHOULI"}
	SeaPorts        = []string{"QINZHOU", "NINGBO", "SHANGHAI", "XIAMEN"}
)

// Limits of a line's fields.
const (
	MinTransitDays = 1
	MaxTransitDays = 60
)

// DefaultDepartureTime is the departure clock of a line that names none.
const DefaultDepartureTime = "10:00"

// StopIndex is the position of location in the itinerary, or -1.
func (l Line) StopIndex(location string) int {
	for i, s := range l.Itinerary {
		if s.Location == location {
			return i
		}
	}
	return -1
}

// Runs reports whether the line has a departure on weekday d.
func (l Line) Runs(d time.Weekday) bool { return slices.Contains(l.Weekdays, d) }

// Clock is the departure time of day as hours and minutes (DefaultDepartureTime when unset or
// malformed).
func (l Line) Clock() (hour, minute int) {
	t, err := time.Parse("15:04", l.DepartureTime)
	if err != nil {
		t, _ = time.Parse("15:04", DefaultDepartureTime)
	}
	return t.Hour(), t.Minute()
}

// Clone is a deep copy.
func (l Line) Clone() Line {
	l.Weekdays = slices.Clone(l.Weekdays)
	l.Itinerary = slices.Clone(l.Itinerary)
	return l
}

func validLineCode(s string) bool {
	if len(s) < 2 || len(s) > 8 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return s[0] >= 'A' && s[0] <= 'Z'
}

func validLocation(s string) bool {
	if len(s) < 2 || len(s) > 32 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// ValidateLine normalises l (codes upper-cased and trimmed, weekdays sorted without repeats,
// an empty departure time set to DefaultDepartureTime) and checks it completely:
//   - code: 2..8 upper-case letters and digits, starting with a letter (invalid_line_code);
//   - name, nameEn: required;
//   - origin, destination, via, border, port: location codes, 2..32 of A–Z, 0–9, _ (invalid_location);
//   - mode: rail (needs a border crossing, no port) or rail-sea (needs a sea port, no border);
//     border one of BorderCrossings (unknown_border), port one of SeaPorts (unknown_port);
//   - transitDays: 1..60 (invalid_transit_days);
//   - weekdays: at least one, each 0 (Sunday) .. 6 (invalid_weekday);
//   - departureTime: HH:MM (invalid_departure_time); capacityTEU: 0..110 (invalid_capacity);
//   - itinerary: at least origin and destination, distinct locations; the first stop is the
//     origin with event departed at day 0, the last the destination with arrived at day
//     transitDays; stops between expect border_crossed, transshipped or nothing, at day offsets
//     that never decrease and stay within 0..transitDays; via, the border and the port are on
//     it, the border with border_crossed, the port with transshipped unless it is the
//     destination (itinerary_mismatch, invalid_event, invalid_day_offset).
func ValidateLine(l Line) (Line, error) {
	l = l.Clone()
	up := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	l.Code, l.Origin, l.Via, l.Border, l.Port, l.Destination = up(l.Code), up(l.Origin), up(l.Via), up(l.Border), up(l.Port), up(l.Destination)
	l.Name, l.NameEn, l.Note = strings.TrimSpace(l.Name), strings.TrimSpace(l.NameEn), strings.TrimSpace(l.Note)
	l.DepartureTime = strings.TrimSpace(l.DepartureTime)
	if l.DepartureTime == "" {
		l.DepartureTime = DefaultDepartureTime
	}
	var v domain.Violations
	if !validLineCode(l.Code) {
		v.Add("code", "invalid_line_code", "code is 2 to 8 upper-case letters and digits, starting with a letter")
	}
	v.CheckText("name", l.Name, true, MaxLineName)
	v.CheckText("nameEn", l.NameEn, true, MaxLineName)
	v.CheckText("note", l.Note, false, MaxLineNote)
	for _, f := range []struct{ field, val string }{{"origin", l.Origin}, {"destination", l.Destination}} {
		if f.val == "" {
			v.Add(f.field, "required", f.field+" is required")
		} else if !validLocation(f.val) {
			v.Add(f.field, "invalid_location", "a location code is 2 to 32 of A-Z, 0-9 and _")
		}
	}
	if l.Via != "" && !validLocation(l.Via) {
		v.Add("via", "invalid_location", "a location code is 2 to 32 of A-Z, 0-9 and _")
	}
	switch l.Mode {
	case ModeRail:
		if l.Border == "" {
			v.Add("border", "required", "a rail line names its border crossing")
		} else if !slices.Contains(BorderCrossings, l.Border) {
			v.Add("border", "unknown_border", "border must be one of "+strings.Join(BorderCrossings, ", "))
		}
		if l.Port != "" {
			v.Add("port", "not_allowed", "a rail line has no sea port; use mode rail-sea")
		}
	case ModeRailSea:
		if l.Port == "" {
			v.Add("port", "required", "a rail-sea line names its sea port")
		} else if !slices.Contains(SeaPorts, l.Port) {
			v.Add("port", "unknown_port", "port must be one of "+strings.Join(SeaPorts, ", "))
		}
		if l.Border != "" {
			v.Add("border", "not_allowed", "a rail-sea line crosses no land border; use mode rail")
		}
	default:
		v.Add("mode", "invalid_mode", "mode must be rail or rail-sea")
	}
	transitOK := l.TransitDays >= MinTransitDays && l.TransitDays <= MaxTransitDays
	if !transitOK {
		v.Add("transitDays", "invalid_transit_days", "transitDays must be between 1 and 60")
	}
	if len(l.Weekdays) == 0 {
		v.Add("weekdays", "required", "name at least one weekday the line runs")
	}
	for i, d := range l.Weekdays {
		if d < time.Sunday || d > time.Saturday {
			v.Add("weekdays["+strconv.Itoa(i)+"]", "invalid_weekday", "a weekday is 0 (Sunday) to 6 (Saturday)")
		}
	}
	slices.Sort(l.Weekdays)
	l.Weekdays = slices.Compact(l.Weekdays)
	if _, err := time.Parse("15:04", l.DepartureTime); err != nil || len(l.DepartureTime) != 5 {
		v.Add("departureTime", "invalid_departure_time", "departureTime is HH:MM, China time")
	}
	if l.CapacityTEU < 0 || l.CapacityTEU > MaxTrainTEU {
		v.Add("capacityTEU", "invalid_capacity", "capacityTEU is between 1 and "+strconv.Itoa(MaxTrainTEU)+" (0 for the default)")
	}
	checkItinerary(&v, &l, transitOK)
	if err := v.Err(); err != nil {
		return Line{}, err
	}
	return l, nil
}

func checkItinerary(v *domain.Violations, l *Line, transitOK bool) {
	if len(l.Itinerary) < 2 {
		v.Add("itinerary", "required", "an itinerary has at least the origin and the destination")
		return
	}
	seen := map[string]bool{}
	last := len(l.Itinerary) - 1
	prev := 0
	for i := range l.Itinerary {
		s := &l.Itinerary[i]
		path := "itinerary[" + strconv.Itoa(i) + "]"
		s.Location = strings.ToUpper(strings.TrimSpace(s.Location))
		s.Name, s.NameEn = strings.TrimSpace(s.Name), strings.TrimSpace(s.NameEn)
		if !validLocation(s.Location) {
			v.Add(path+".location", "invalid_location", "a location code is 2 to 32 of A-Z, 0-9 and _")
		} else if seen[s.Location] {
			v.Add(path+".location", "duplicate_stop", "each location appears once in an itinerary")
		}
		seen[s.Location] = true
		var want []EventType
		switch i {
		case 0:
			want = []EventType{EventDeparted}
			if s.Location != l.Origin {
				v.Add(path+".location", "itinerary_mismatch", "the itinerary starts at the origin")
			}
			if s.DayOffset != 0 {
				v.Add(path+".dayOffset", "invalid_day_offset", "the origin is at day 0")
			}
		case last:
			want = []EventType{EventArrived}
			if s.Location != l.Destination {
				v.Add(path+".location", "itinerary_mismatch", "the itinerary ends at the destination")
			}
			if transitOK && s.DayOffset != l.TransitDays {
				v.Add(path+".dayOffset", "invalid_day_offset", "the destination is reached at day transitDays")
			}
		default:
			want = []EventType{"", EventBorderCrossed, EventTransshipped}
			if s.DayOffset < prev || (transitOK && s.DayOffset > l.TransitDays) {
				v.Add(path+".dayOffset", "invalid_day_offset", "day offsets never decrease and stay within transitDays")
			}
		}
		if !slices.Contains(want, s.Event) {
			v.Add(path+".event", "invalid_event", "the origin expects departed, the destination arrived, the stops between border_crossed, transshipped or nothing")
		}
		prev = max(prev, s.DayOffset)
	}
	if l.Via != "" && l.StopIndex(l.Via) <= 0 {
		v.Add("via", "itinerary_mismatch", "via must be a stop of the itinerary")
	}
	if l.Border != "" {
		if i := l.StopIndex(l.Border); i <= 0 || i == last || l.Itinerary[i].Event != EventBorderCrossed {
			v.Add("border", "itinerary_mismatch", "the border crossing must be a stop of the itinerary expecting border_crossed")
		}
	}
	if l.Port != "" && l.Port != l.Destination {
		if i := l.StopIndex(l.Port); i <= 0 || l.Itinerary[i].Event != EventTransshipped {
			v.Add("port", "itinerary_mismatch", "the sea port must be a stop of the itinerary expecting transshipped")
		}
	}
}

// UpdateLine applies the operator's edit of current: the edit replaces every field and is
// checked like a new line (ValidateLine). The code cannot change (immutable). The version is
// kept for the store to compare and bump; UpdatedAt becomes at.
func UpdateLine(current, edit Line, at time.Time) (Line, error) {
	code := strings.ToUpper(strings.TrimSpace(edit.Code))
	if code == "" {
		code = current.Code
	}
	var v domain.Violations
	if code != current.Code {
		v.Add("code", "immutable", "a line's code cannot change")
	}
	edit.Code = current.Code
	l, err := ValidateLine(edit)
	if err != nil {
		v.AddError("", err)
	}
	if err := v.Err(); err != nil {
		return Line{}, err
	}
	l.Version = current.Version
	l.UpdatedAt = at.UTC()
	return l, nil
}

// LineRepository stores lines by code.
type LineRepository interface {
	// Create stores a new line; a line with the same code is a Conflict (line_exists).
	Create(ctx context.Context, l Line) error
	// Get returns the line or a NotFound error (line_not_found).
	Get(ctx context.Context, code string) (Line, error)
	// Update loads the line, lets change edit it (UpdateLine) and stores it if its version has
	// not moved meanwhile, bumping the version.
	Update(ctx context.Context, code string, change func(*Line) error) (Line, error)
	// List returns every line, by code.
	List(ctx context.Context) ([]Line, error)
}

// place is a location's names and its country (ISO 3166 alpha-2).
type place struct{ zh, en, country string }

// places names the seed lines' locations.
var places = map[string]place{
	"XIANGYANG":    {"襄阳（郜营铁路物流园 / 襄阳北编组站）", "Xiangyang (Gaoying rail logistics park / Xiangyang North yard)", "CN"},
	"WUHAN_WJS":    {"武汉吴家山", "Wuhan Wujiashan", "CN"},
	"XIAN":         {"西安国际港站", "Xi'an International Port Station", "CN"},
	"CHONGQING":    {"重庆团结村", "Chongqing Tuanjiecun", "CN"},
	"ALASHANKOU":   {"阿拉山口", "Alashankou", "CN"},
	"KHORGOS":      {"霍尔果斯", "Khorgos", "CN"},
	"ERENHOT":      {"二连浩特", "Erenhot", "CN"},
	"MANZHOULI":    {"满洲里", "Manzhouli", "CN"},
	"QINZHOU":      {"钦州港", "Qinzhou Port", "CN"},
	"NINGBO":       {"宁波舟山港", "Ningbo-Zhoushan Port", "CN"},
	"SHANGHAI":     {"上海港", "Port of Shanghai", "CN"},
	"XIAMEN":       {"厦门港", "Port of Xiamen", "CN"},
	"HAMBURG":      {"汉堡", "Hamburg", "DE"},
	"DUISBURG":     {"杜伊斯堡", "Duisburg", "DE"},
	"PORT_KLANG":   {"巴生港（马来西亚）", "Port Klang (Malaysia)", "MY"},
	"LAEM_CHABANG": {"林查班港（泰国）", "Laem Chabang (Thailand)", "TH"},
	"TASHKENT":     {"塔什干（乌兹别克斯坦）", "Tashkent (Uzbekistan)", "UZ"},
	"MOSCOW":       {"莫斯科", "Moscow", "RU"},
}

// LocationCountry is the ISO country of a known location ("" for one the seed data does not know).
func LocationCountry(loc string) string { return places[loc].country }

func stop(loc string, ev EventType, day int) Stop {
	p := places[loc]
	return Stop{Location: loc, Name: p.zh, NameEn: p.en, Event: ev, DayOffset: day}
}

// SeedLines returns the nine scheduled lines of docs/customs.md §7 as the operator starts with
// them. Transit days, the weekly departure and Ningbo's 40 boxes are from the sources ([C]); every
// weekday, departure clock and intermediate day offset is a plausible guess ([U]) the operator
// corrects, as is everything about 襄渝欧 and the two Central Asia / Russia lines.
func SeedLines() []Line {
	return []Line{
		{
			Code: "XHO", Name: "襄汉欧", NameEn: "Xiangyang–Wuhan–Europe",
			Origin: "XIANGYANG", Via: "WUHAN_WJS", Border: "ALASHANKOU", Destination: "HAMBURG",
			TransitDays: 15, Mode: ModeRail, Weekdays: []time.Weekday{time.Tuesday}, DepartureTime: "10:00",
			Itinerary: []Stop{stop("XIANGYANG", EventDeparted, 0), stop("WUHAN_WJS", "", 1),
				stop("ALASHANKOU", EventBorderCrossed, 5), stop("HAMBURG", EventArrived, 15)},
			Note: "via Kazakhstan, Russia, Belarus, Poland; ~15 days [C]; weekday and offsets [U]",
		},
		{
			Code: "XXO", Name: "襄西欧", NameEn: "Xiangyang–Xi'an–Europe",
			Origin: "XIANGYANG", Via: "XIAN", Border: "ALASHANKOU", Destination: "DUISBURG",
			TransitDays: 21, Mode: ModeRail, Weekdays: []time.Weekday{time.Friday}, DepartureTime: "10:00",
			Itinerary: []Stop{stop("XIANGYANG", EventDeparted, 0), stop("XIAN", "", 2),
				stop("ALASHANKOU", EventBorderCrossed, 6), stop("DUISBURG", EventArrived, 21)},
			Note: "joins the Chang'an trains at Xi'an (~36 h); ~21 days, weekly [C]; Khorgos is the alternative exit; weekday [U]",
		},
		{
			Code: "XQM", Name: "襄钦马", NameEn: "Xiangyang–Qinzhou–Malaysia",
			Origin: "XIANGYANG", Port: "QINZHOU", Destination: "PORT_KLANG",
			TransitDays: 13, Mode: ModeRailSea, Weekdays: []time.Weekday{time.Monday, time.Thursday}, DepartureTime: "10:00",
			Itinerary: []Stop{stop("XIANGYANG", EventDeparted, 0), stop("QINZHOU", EventTransshipped, 3),
				stop("PORT_KLANG", EventArrived, 13)},
			Note: "Jiaozuo–Liuzhou line to Qinzhou, then ship to Malaysia / South-East Asia; ~13 days [C]; weekdays and offsets [U]",
		},
		{
			Code: "XYO", Name: "襄渝欧", NameEn: "Xiangyang–Chongqing–Europe",
			Origin: "XIANGYANG", Via: "CHONGQING", Border: "KHORGOS", Destination: "DUISBURG",
			TransitDays: 17, Mode: ModeRail, Weekdays: []time.Weekday{time.Wednesday}, DepartureTime: "10:00",
			Itinerary: []Stop{stop("XIANGYANG", EventDeparted, 0), stop("CHONGQING", "", 1),
				stop("KHORGOS", EventBorderCrossed, 6), stop("DUISBURG", EventArrived, 17)},
			Note: "[U] route as named in the source; ~16 days from Chongqing; border and destination assumed",
		},
		{
			Code: "XNB", Name: "襄阳—宁波舟山港", NameEn: "Xiangyang–Ningbo-Zhoushan Port",
			Origin: "XIANGYANG", Port: "NINGBO", Destination: "NINGBO",
			TransitDays: 2, Mode: ModeRailSea, Weekdays: []time.Weekday{time.Saturday}, DepartureTime: "10:00",
			CapacityTEU: 80,
			Itinerary:   []Stop{stop("XIANGYANG", EventDeparted, 0), stop("NINGBO", EventArrived, 2)},
			Note:        "rail–sea; 50 h to the port, weekly, 40 boxes [C] (taken as 40 ft: 80 TEU [U]); the ship leg is not tracked",
		},
		{
			Code: "XSH", Name: "襄阳—上海", NameEn: "Xiangyang–Shanghai",
			Origin: "XIANGYANG", Port: "SHANGHAI", Destination: "SHANGHAI",
			TransitDays: 2, Mode: ModeRailSea, Weekdays: []time.Weekday{time.Tuesday, time.Friday}, DepartureTime: "10:00",
			Itinerary: []Stop{stop("XIANGYANG", EventDeparted, 0), stop("SHANGHAI", EventArrived, 2)},
			Note:      "rail–sea; ~48 h to the port [C]; weekdays [U]; the ship leg is not tracked",
		},
		{
			Code: "XXM", Name: "襄阳—厦门港", NameEn: "Xiangyang–Xiamen Port–Thailand",
			Origin: "XIANGYANG", Port: "XIAMEN", Destination: "LAEM_CHABANG",
			TransitDays: 12, Mode: ModeRailSea, Weekdays: []time.Weekday{time.Thursday}, DepartureTime: "10:00",
			Itinerary: []Stop{stop("XIANGYANG", EventDeparted, 0), stop("XIAMEN", EventTransshipped, 3),
				stop("LAEM_CHABANG", EventArrived, 12)},
			Note: "rail–sea; first cargo went to Thailand [C]; transit, port of discharge and weekday [U]",
		},
		{
			Code: "XCA", Name: "襄阳—中亚", NameEn: "Xiangyang–Central Asia",
			Origin: "XIANGYANG", Border: "KHORGOS", Destination: "TASHKENT",
			TransitDays: 11, Mode: ModeRail, Weekdays: []time.Weekday{time.Monday}, DepartureTime: "10:00",
			Itinerary: []Stop{stop("XIANGYANG", EventDeparted, 0), stop("KHORGOS", EventBorderCrossed, 5),
				stop("TASHKENT", EventArrived, 11)},
			Note: "[U] via Khorgos to Uzbekistan, 10–12 days",
		},
		{
			Code: "XRU", Name: "襄阳—俄罗斯", NameEn: "Xiangyang–Russia",
			Origin: "XIANGYANG", Border: "ERENHOT", Destination: "MOSCOW",
			TransitDays: 16, Mode: ModeRail, Weekdays: []time.Weekday{time.Sunday}, DepartureTime: "10:00",
			Itinerary: []Stop{stop("XIANGYANG", EventDeparted, 0), stop("ERENHOT", EventBorderCrossed, 3),
				stop("MOSCOW", EventArrived, 16)},
			Note: "[U] via Erenhot (or Manzhouli) to Russia; transit and weekday assumed",
		},
	}
}
