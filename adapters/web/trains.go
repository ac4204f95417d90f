package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
)

// Freight trains: the timetable by line and week (a page of departures at a time, each with its
// capacity), a departure with the bookings the user may see and its movements on the line, a
// booking with its containers and its consignment note; booking a slot, loading a container,
// cancelling a booking; and the operator's planning, movement reports and cancellations. Every
// page and form calls the use case of the API's route (app.Rail) as the signed-in user.

//go:embed assets/trains.js
var trainsAssetFS embed.FS

func init() {
	// trains.js (the ISO 6346 check digit as one types) is served like the frame's own files.
	body, err := trainsAssetFS.ReadFile("assets/trains.js")
	if err == nil {
		sum := sha256.Sum256(body)
		assets["trains.js"] = asset{body: body, version: hex.EncodeToString(sum[:])[:12], mime: "text/javascript; charset=utf-8"}
	}
}

func (w *Console) trainRoutes(f *fiber.App) {
	f.Get("/trains", w.handle(signedIn, func(r *req) error { return departuresPage(r, nil) }))
	f.Get("/trains/timetable", w.handle(signedIn, func(r *req) error { return r.c.Redirect("/trains", fiber.StatusSeeOther) }))
	f.Get("/trains/departures", w.handle(signedIn, func(r *req) error { return r.c.Redirect("/trains", fiber.StatusSeeOther) }))
	f.Post("/trains/timetable", w.handle(operator, planTimetable))
	f.Post("/trains/departures", w.handle(operator, planDeparture))
	f.Get("/trains/:id", w.handle(signedIn, func(r *req) error { return departurePage(r, nil) }))
	f.Post("/trains/:id/book", w.handle(signedIn, bookSlot))
	f.Post("/trains/:id/events", w.handle(operator, reportMovement))
	f.Post("/trains/:id/cancel", w.handle(operator, cancelDeparture))
	f.Get("/bookings", w.handle(signedIn, bookingsPage))
	f.Get("/bookings/:id", w.handle(signedIn, func(r *req) error { return bookingPage(r, nil) }))
	f.Get("/bookings/:id/consignment-note", w.handle(signedIn, consignmentNote))
	f.Post("/bookings/:id/containers", w.handle(signedIn, loadContainer))
	f.Post("/bookings/:id/cancel", w.handle(signedIn, cancelBooking))
	// A form's address opened (the language switched on a refused form, a reload) is its page.
	toPage := func(page string) fiber.Handler {
		return w.handle(signedIn, func(r *req) error {
			return r.c.Redirect(strings.ReplaceAll(page, ":id", url.PathEscape(r.c.Params("id"))), fiber.StatusSeeOther)
		})
	}
	for _, form := range []string{"book", "events", "cancel"} {
		f.Get("/trains/:id/"+form, toPage("/trains/:id"))
	}
	for _, form := range []string{"containers", "cancel"} {
		f.Get("/bookings/:id/"+form, toPage("/bookings/:id"))
	}
}

// pagerAt is a list's paging as the page at path shows it (a refused form is shown again at
// the form's address).
func pagerAt(p pager, from, path string) pager {
	fix := func(link string) string {
		if rest, ok := strings.CutPrefix(link, from); ok {
			return path + rest
		}
		return link
	}
	p.Next, p.First = fix(p.Next), fix(p.First)
	return p
}

// maySeeBookings reports whether the actor's kind takes part in train bookings (the menu).
func maySeeBookings(a app.Actor) bool {
	return a.IsOperator() || a.Kind == party.KindExporter || a.Kind == party.KindBroker
}

// ----- the timetable -----

type departuresData struct {
	View             string
	Lines            []rail.Line
	Line             string
	Week             time.Time // Monday 00:00, China time
	WeekEnd          time.Time // the Sunday
	Prev, Next, This string    // links to the weeks around, keeping the line
	Departures       []departureRow
	Page             pager
	Operator         bool
	Plan             *form // the timetable form (operator)
	Extra            *form // the one-train form (operator)
	Types            []rail.ContainerType
}

type departureRow struct {
	D    *rail.Departure
	Bar  capBar
	Name string // the line's name in the page's language
}

// capBar is a departure's capacity as a bar: confirmed TEU of the capacity, the waiting list
// after it (the scale stretches when the list runs past the capacity).
type capBar struct {
	Capacity, Confirmed, Waitlisted, Available int
	Scale                                      int // the bar's length in TEU
	Full                                       bool
}

func capacityBar(d *rail.Departure) capBar {
	c := d.Capacity()
	b := capBar{Capacity: c.CapacityTEU, Confirmed: c.ConfirmedTEU, Waitlisted: d.WaitlistedTEU(), Available: max(c.FreeTEU(), 0)}
	b.Scale = max(b.Capacity+b.Waitlisted, b.Confirmed, 1) // the waiting list beyond the capacity
	b.Full = b.Available == 0
	return b
}

// weekOf is the Monday 00:00 (China time) of the week the query names (YYYY-MM-DD of any of its
// days), else of this week.
func (r *req) weekOf(q string) time.Time {
	day, err := time.ParseInLocation("2006-01-02", q, r.w.zone)
	if err != nil {
		day = r.w.uc.Rail.Now().In(r.w.zone)
	}
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, r.w.zone)
	back := (int(day.Weekday()) + 6) % 7 // days since Monday
	return day.AddDate(0, 0, -back)
}

func departuresPage(r *req, f *form) error {
	lines, err := r.w.uc.Rail.ListLines(r.ctx(), r.actor)
	if err != nil {
		return err
	}
	d := departuresData{View: "departures", Lines: lines, Week: r.weekOf(r.c.Query("week")), Operator: r.actor.IsOperator(), Types: rail.ContainerTypes()}
	if code := r.c.Query("line"); code != "" {
		for _, l := range lines {
			if l.Code == code {
				d.Line = code
			}
		}
	}
	d.WeekEnd = d.Week.AddDate(0, 0, 6)
	weekLink := func(t time.Time) string {
		q := url.Values{"week": {t.Format("2006-01-02")}}
		if d.Line != "" {
			q.Set("line", d.Line)
		}
		return "/trains?" + q.Encode()
	}
	d.Prev, d.Next, d.This = weekLink(d.Week.AddDate(0, 0, -7)), weekLink(d.Week.AddDate(0, 0, 7)), weekLink(r.weekOf(""))
	p, err := r.w.uc.Rail.ListDepartures(r.ctx(), r.actor, rail.DepartureFilter{LineCode: d.Line, From: d.Week,
		To: d.Week.AddDate(0, 0, 7), Limit: pageSize, Cursor: r.cursor()})
	if err != nil {
		return err
	}
	for _, dep := range p.Items {
		row := departureRow{D: dep, Bar: capacityBar(dep), Name: dep.LineName()}
		for _, l := range lines {
			if l.Code == dep.LineCode() && r.lang == LangEn && l.NameEn != "" {
				row.Name = l.NameEn
			}
		}
		d.Departures = append(d.Departures, row)
	}
	d.Page = pagerAt(r.pageOf(p.NextCursor, len(p.Items)), r.c.Path(), "/trains")
	status := fiber.StatusOK
	if d.Operator {
		d.Plan, d.Extra = &form{Values: map[string]string{"weeks": "4", "line": d.Line}}, &form{Values: map[string]string{"line": d.Line}}
		if f != nil && r.c.FormValue("form") == "timetable" {
			d.Plan, status = f, fiber.StatusUnprocessableEntity
		} else if f != nil {
			d.Extra, status = f, fiber.StatusUnprocessableEntity
		}
		if n := r.c.Query("planned"); n != "" {
			d.Plan.Done = Tf(r.lang, "trains.planned", n, r.c.Query("existing"))
		}
	}
	return r.render(status, "trains", "trains.title", d)
}

// planTimetable plans a line's weekly trains (POST /v1/routes/:code/timetable).
func planTimetable(r *req) error {
	code, weeksText := r.c.FormValue("line"), strings.TrimSpace(r.c.FormValue("weeks"))
	f := &form{Values: map[string]string{"line": code, "weeks": weeksText}}
	weeks, err := strconv.Atoi(weeksText)
	if err != nil {
		f.ByField, f.All = map[string]string{"weeks": T(r.lang, "err.invalid_weeks")}, []string{T(r.lang, "err.invalid_weeks")}
		return departuresPage(r, f)
	}
	t, err := r.w.uc.Rail.PlanTimetable(r.ctx(), r.actor, code, weeks)
	if domain.KindOf(err) == domain.KindNotFound {
		err = domain.InvalidField("line", "unknown_route", "no such line")
	}
	if err != nil {
		if !r.refusedTrains(f, err, nil) {
			return err
		}
		return departuresPage(r, f)
	}
	q := url.Values{"line": {code}, "planned": {strconv.Itoa(len(t.Created))}, "existing": {strconv.Itoa(len(t.Existing))}}
	if len(t.Created) > 0 {
		q.Set("week", t.Created[0].DepartsAt().In(r.w.zone).Format("2006-01-02"))
	}
	return r.c.Redirect("/trains?"+q.Encode(), fiber.StatusSeeOther)
}

// localTime reads a datetime-local field (China time); "" is the zero time.
func (r *req) localTime(v *domain.Violations, field, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, r.w.zone); err == nil {
			return t
		}
	}
	v.Add(field, "invalid_time", "not a date and time")
	return time.Time{}
}

// intField reads a whole number; "" is 0.
func intField(v *domain.Violations, field, s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		v.Add(field, "invalid_number", "not a whole number")
	}
	return n
}

// planDeparture plans one train (POST /v1/departures).
func planDeparture(r *req) error {
	names := []string{"line", "departsAt", "capacityTEU", "maxCargoKg", "bookingOpensAt", "cutoffAt"}
	f := &form{Values: map[string]string{}}
	for _, n := range names {
		f.Values[n] = r.c.FormValue(n)
	}
	var v domain.Violations
	in := rail.DepartureInput{
		DepartsAt: r.localTime(&v, "departsAt", f.Values["departsAt"]), CapacityTEU: int(intField(&v, "capacityTEU", f.Values["capacityTEU"])),
		MaxCargoKg: intField(&v, "maxCargoKg", f.Values["maxCargoKg"]), BookingOpensAt: r.localTime(&v, "bookingOpensAt", f.Values["bookingOpensAt"]),
		CutoffAt: r.localTime(&v, "cutoffAt", f.Values["cutoffAt"]),
	}
	if f.Values["line"] == "" {
		v.Add("line", "required", "choose a line")
	}
	err := v.Err()
	var d *rail.Departure
	if err == nil {
		d, err = r.w.uc.Rail.PlanDeparture(r.ctx(), r.actor, f.Values["line"], in)
	}
	if err != nil {
		if !r.refusedTrains(f, err, map[string]string{"routeCode": "line"}) {
			return err
		}
		return departuresPage(r, f)
	}
	return r.c.Redirect("/trains/"+url.PathEscape(d.ID())+"?planned=1", fiber.StatusSeeOther)
}

// refusedTrains is req.refused for the train forms: a field the API names in its own terms
// ("containers[1].count", "consignee.name") is shown at the form's field (rename, or a pattern
// rule below), and a refusal of the state (the train left, the booking is not confirmed) is
// shown on the form too.
func (r *req) refusedTrains(f *form, err error, rename map[string]string) bool {
	var de *domain.Error
	if errors.As(err, &de) && de.Kind == domain.KindFailedPrecondition {
		f.All = append(f.All, errorText(r.lang, string(de.Code)))
		return true
	}
	if !r.refused(f, err) {
		return false
	}
	for field, text := range f.ByField {
		to, ok := rename[field]
		if !ok {
			to = fieldOfRequest(field)
		}
		if to != field {
			delete(f.ByField, field)
			if _, seen := f.ByField[to]; !seen {
				f.ByField[to] = text
			}
		}
	}
	return true
}

var indexed = regexp.MustCompile(`\[\d+\]`)

// fieldOfRequest maps a request's JSON path to the form's field: "hsCodes[2]" → "hsCodes",
// "consignee.name" → "consigneeName"; container requests are renamed by bookSlot.
func fieldOfRequest(field string) string {
	if strings.HasPrefix(field, "hsCodes[") {
		return "hsCodes"
	}
	if rest, ok := strings.CutPrefix(field, "consignee."); ok && rest != "" {
		return "consignee" + strings.ToUpper(rest[:1]) + rest[1:]
	}
	if strings.HasPrefix(field, "parcelIds[") {
		return "parcelIds"
	}
	return indexed.ReplaceAllString(field, "")
}

// ----- a departure -----

type departureData struct {
	View          string
	D             *rail.Departure
	Bar           capBar
	Line          []lineStop
	OffRoute      []rail.Event // movements reported at a place the itinerary does not have
	Delivery      rail.Delivery
	Bookings      []*rail.Booking
	Page          pager
	Operator      bool
	MayBook       bool
	NamesExporter bool // a broker or the operator names the exporter
	Open          bool // the booking window is open now
	Book          *form
	Event         *form
	Cancel        *form
	Types         []rail.ContainerType
	Movements     []rail.EventType
	Planned       bool
}

// lineStop is one place of the train's itinerary on the line view, with the movements reported
// there.
type lineStop struct {
	Stop     rail.Stop
	Expected time.Time
	Events   []rail.Event
	Passed   bool // the train has been here
	Current  bool // the last place it was reported at
}

// lineOf places the reported movements on the itinerary as the delivery derivation does:
// departed at the origin, arrived at the destination, any other at the stop of its location.
func lineOf(d *rail.Departure) ([]lineStop, []rail.Event) {
	stops := d.Itinerary()
	out := make([]lineStop, len(stops))
	for i, s := range stops {
		out[i] = lineStop{Stop: s, Expected: d.DepartsAt().AddDate(0, 0, s.DayOffset)}
	}
	var off []rail.Event
	current := -1
	for _, e := range d.Events() {
		at := -1
		switch {
		case len(stops) == 0:
		case e.Type == rail.EventDeparted:
			at = 0
		case e.Type == rail.EventArrived:
			at = len(stops) - 1
		default:
			for i := 1; i < len(stops)-1; i++ {
				if stops[i].Location == e.Location {
					at = i
				}
			}
		}
		if at < 0 {
			off = append(off, e)
			continue
		}
		out[at].Events = append(out[at].Events, e)
		current = max(current, at)
	}
	for i := range out {
		out[i].Passed = i <= current
		out[i].Current = i == current
	}
	return out, off
}

func departurePage(r *req, f *form) error {
	dep, err := r.w.uc.Rail.GetDeparture(r.ctx(), r.actor, r.c.Params("id"))
	if err != nil {
		return err
	}
	d := departureData{View: "departure", D: dep, Bar: capacityBar(dep), Delivery: dep.Delivery(r.w.uc.Rail.Now()), Operator: r.actor.IsOperator(),
		MayBook: maySeeBookings(r.actor), NamesExporter: r.actor.Kind == party.KindBroker || r.actor.IsOperator(),
		Open: dep.BookingWindowOpen(r.w.uc.Rail.Now()) == nil, Types: rail.ContainerTypes(), Planned: r.c.Query("planned") != "",
		Movements: []rail.EventType{rail.EventDeparted, rail.EventBorderCrossed, rail.EventTransshipped, rail.EventArrived}}
	d.Line, d.OffRoute = lineOf(dep)
	if d.MayBook {
		p, err := r.w.uc.Rail.ListBookings(r.ctx(), r.actor, rail.BookingFilter{DepartureID: dep.ID(), Limit: pageSize, Cursor: r.cursor()})
		if err != nil {
			return err
		}
		d.Bookings, d.Page = p.Items, pagerAt(r.pageOf(p.NextCursor, len(p.Items)), r.c.Path(), "/trains/"+url.PathEscape(dep.ID()))
	}
	d.Book = &form{Values: map[string]string{"allowWaitlist": "on"}}
	d.Event = &form{Values: map[string]string{"at": r.w.uc.Rail.Now().In(r.w.zone).Format("2006-01-02T15:04")}}
	if next := d.Delivery.NextExpectedEvent; next != nil {
		d.Event.Values["type"], d.Event.Values["location"] = string(next.Type), next.Location
	}
	d.Cancel = &form{}
	status := fiber.StatusOK
	if f != nil {
		status = fiber.StatusUnprocessableEntity
		switch r.c.FormValue("form") {
		case "event":
			d.Event = f
		case "cancel":
			d.Cancel = f
		default:
			d.Book = f
		}
	}
	return r.render(status, "trains", "train.title", d, dep.LineName(), r.w.dayOf(dep.DepartsAt()))
}

func (w *Console) dayOf(t time.Time) string { return t.In(w.zone).Format("2006-01-02") }

// bookSlot books space on the departure (POST /v1/bookings): the form's counts per container
// type become the request's containers.
func bookSlot(r *req) error {
	depID := r.c.Params("id")
	f := &form{Values: map[string]string{}}
	for _, n := range []string{"exporterId", "grossKg", "cargoDescription", "hsCodes", "consigneeName", "consigneeAddress",
		"consigneeCountry", "allowWaitlist"} {
		f.Values[n] = r.c.FormValue(n)
	}
	var v domain.Violations
	req := rail.BookingRequest{DepartureID: depID, ExporterID: strings.TrimSpace(f.Values["exporterId"]),
		CargoDescription: f.Values["cargoDescription"], GrossKg: intField(&v, "grossKg", f.Values["grossKg"]),
		AllowWaitlist: f.Values["allowWaitlist"] != ""}
	rename := map[string]string{"containers": "containers"}
	for _, t := range rail.ContainerTypes() {
		field := "count" + string(t)
		f.Values[field] = r.c.FormValue(field)
		n := intField(&v, field, f.Values[field])
		if n == 0 {
			continue
		}
		i := strconv.Itoa(len(req.Containers))
		rename["containers["+i+"].count"], rename["containers["+i+"].type"] = field, field
		req.Containers = append(req.Containers, rail.ContainerRequest{Type: t, Count: int(n)})
	}
	for _, hs := range strings.FieldsFunc(f.Values["hsCodes"], func(c rune) bool { return c == ',' || c == ' ' || c == '，' || c == '\n' }) {
		req.HSCodes = append(req.HSCodes, hs)
	}
	if f.Values["consigneeName"]+f.Values["consigneeAddress"]+f.Values["consigneeCountry"] != "" {
		req.Consignee = &rail.Consignee{Name: f.Values["consigneeName"], Address: f.Values["consigneeAddress"],
			Country: strings.ToUpper(strings.TrimSpace(f.Values["consigneeCountry"]))}
	}
	err := v.Err()
	var b *rail.Booking
	if err == nil {
		b, _, err = r.w.uc.Rail.BookSpace(r.ctx(), r.actor, req)
	}
	if err != nil {
		if !r.refusedTrains(f, err, rename) {
			return err
		}
		return departurePage(r, f)
	}
	return r.c.Redirect("/bookings/"+url.PathEscape(b.ID())+"?booked=1", fiber.StatusSeeOther)
}

// reportMovement records a movement of the train (POST /v1/departures/:id/events).
func reportMovement(r *req) error {
	f := &form{Values: map[string]string{"type": r.c.FormValue("type"), "at": r.c.FormValue("at"),
		"location": r.c.FormValue("location"), "note": r.c.FormValue("note")}}
	var v domain.Violations
	e := rail.Event{Type: rail.EventType(f.Values["type"]), At: r.localTime(&v, "at", f.Values["at"]),
		Location: strings.ToUpper(strings.TrimSpace(f.Values["location"])), Note: f.Values["note"]}
	err := v.Err()
	if err == nil {
		_, err = r.w.uc.Rail.RecordDepartureEvent(r.ctx(), r.actor, r.c.Params("id"), e)
	}
	if err != nil {
		if !r.refusedTrains(f, err, nil) {
			return err
		}
		return departurePage(r, f)
	}
	return r.c.Redirect("/trains/"+url.PathEscape(r.c.Params("id"))+"#line-h", fiber.StatusSeeOther)
}

// cancelDeparture calls the train off (POST /v1/departures/:id/cancel).
func cancelDeparture(r *req) error {
	f := &form{Values: map[string]string{"reason": r.c.FormValue("reason")}}
	if _, err := r.w.uc.Rail.CancelDeparture(r.ctx(), r.actor, r.c.Params("id"), f.Values["reason"]); err != nil {
		if !r.refusedTrains(f, err, nil) {
			return err
		}
		return departurePage(r, f)
	}
	return r.c.Redirect("/trains/"+url.PathEscape(r.c.Params("id")), fiber.StatusSeeOther)
}

// ----- bookings -----

type bookingsData struct {
	View     string
	Bookings []*rail.Booking
	Status   string
	Statuses []rail.BookingStatus
	Page     pager
}

var bookingStatuses = []rail.BookingStatus{rail.BookingConfirmed, rail.BookingWaitlisted, rail.BookingCancelled, rail.BookingRequested}

func bookingsPage(r *req) error {
	d := bookingsData{View: "bookings", Statuses: bookingStatuses}
	f := rail.BookingFilter{Limit: pageSize, Cursor: r.cursor()}
	for _, s := range bookingStatuses {
		if string(s) == r.c.Query("status") {
			f.Status, d.Status = s, string(s)
		}
	}
	p, err := r.w.uc.Rail.ListBookings(r.ctx(), r.actor, f)
	if err != nil {
		return err
	}
	d.Bookings, d.Page = p.Items, r.pageOf(p.NextCursor, len(p.Items))
	return r.render(fiber.StatusOK, "trains", "bookings.title", d)
}

type bookingData struct {
	View      string
	B         rail.BookingRecord
	D         *rail.Departure // nil when it cannot be read
	Delivery  *rail.Delivery
	Load      *form
	Cancel    *form
	Types     []rail.ContainerType
	MayLoad   bool
	MayCancel bool
	Booked    bool
}

func bookingPage(r *req, f *form) error {
	b, err := r.w.uc.Rail.GetBooking(r.ctx(), r.actor, r.c.Params("id"))
	if err != nil {
		return err // another firm's booking is NotFound, as is one that does not exist
	}
	d := bookingData{View: "booking", B: b.Snapshot(), Types: rail.ContainerTypes(), Load: &form{}, Cancel: &form{}, Booked: r.c.Query("booked") != ""}
	if dep, err := r.w.uc.Rail.GetDeparture(r.ctx(), r.actor, b.DepartureID()); err == nil {
		d.D = dep
		if b.Status() == rail.BookingConfirmed {
			del := dep.Delivery(r.w.uc.Rail.Now())
			d.Delivery = &del
		}
	}
	scheduled := d.D != nil && d.D.Status() == rail.DepartureScheduled
	d.MayLoad = scheduled && b.Status() == rail.BookingConfirmed
	d.MayCancel = scheduled && (b.Status() == rail.BookingConfirmed || b.Status() == rail.BookingWaitlisted) && len(d.B.Loaded) == 0
	for _, t := range d.Types {
		if b.ContainersLeft(t) > 0 {
			d.Load.Values = map[string]string{"type": string(t)}
			break
		}
	}
	status := fiber.StatusOK
	if f != nil {
		status = fiber.StatusUnprocessableEntity
		if r.c.FormValue("form") == "cancel" {
			d.Cancel = f
		} else {
			d.Load = f
		}
	}
	if r.c.Query("loaded") != "" {
		d.Load.Done = Tf(r.lang, "booking.loaded", r.c.Query("loaded"))
	}
	return r.render(status, "trains", "booking.title", d, d.B.ID)
}

// loadContainer records a container stuffed and sealed (POST /v1/bookings/:id/containers).
func loadContainer(r *req) error {
	f := &form{Values: map[string]string{}}
	for _, n := range []string{"containerNo", "type", "sealNo", "grossKg", "parcelIds"} {
		f.Values[n] = r.c.FormValue(n)
	}
	var v domain.Violations
	c := rail.LoadedContainer{ContainerNo: f.Values["containerNo"], Type: rail.ContainerType(f.Values["type"]),
		SealNo: f.Values["sealNo"], GrossKg: intField(&v, "grossKg", f.Values["grossKg"]),
		ParcelIDs: strings.Fields(strings.ReplaceAll(f.Values["parcelIds"], ",", " "))}
	err := v.Err()
	if err == nil {
		_, err = r.w.uc.Rail.LoadContainer(r.ctx(), r.actor, r.c.Params("id"), c)
	}
	if err != nil {
		if !r.refusedTrains(f, err, nil) {
			return err
		}
		if hasFieldCode(err, "containerNo", "invalid_container_no") {
			f.ByField["containerNo"] = containerNoProblem(r.lang, f.Values["containerNo"])
			f.All = []string{f.ByField["containerNo"]}
			for k, t := range f.ByField {
				if k != "containerNo" {
					f.All = append(f.All, t)
				}
			}
		}
		return bookingPage(r, f)
	}
	no := rail.NormalizeContainerNo(strings.TrimSpace(c.ContainerNo))
	return r.c.Redirect("/bookings/"+url.PathEscape(r.c.Params("id"))+"?loaded="+url.QueryEscape(no)+"#containers-h", fiber.StatusSeeOther)
}

func hasFieldCode(err error, field string, code domain.Code) bool {
	var de *domain.Error
	if !errors.As(err, &de) {
		return false
	}
	for _, fe := range de.Fields {
		if fe.Field == field && fe.Code == code {
			return true
		}
	}
	return false
}

// containerNoProblem says what is wrong with a container number the rules refused: the check
// digit it should have (rail.ContainerCheckDigit, the rule's own), or the shape it lacks.
func containerNoProblem(lang Lang, no string) string {
	no = rail.NormalizeContainerNo(strings.TrimSpace(no))
	if want, ok := rail.ContainerCheckDigit(no); ok && len(no) == 11 {
		return Tf(lang, "err.container_check_digit", no[:10], want, no[10:])
	}
	return T(lang, "err.invalid_container_no")
}

// cancelBooking withdraws the booking with a reason (POST /v1/bookings/:id/cancel).
func cancelBooking(r *req) error {
	f := &form{Values: map[string]string{"reason": r.c.FormValue("reason")}}
	if _, err := r.w.uc.Rail.CancelBooking(r.ctx(), r.actor, r.c.Params("id"), f.Values["reason"]); err != nil {
		if !r.refusedTrains(f, err, nil) {
			return err
		}
		return bookingPage(r, f)
	}
	return r.c.Redirect("/bookings/"+url.PathEscape(r.c.Params("id")), fiber.StatusSeeOther)
}

// consignmentNote sends the booking's CIM/SMGS consignment note (GET
// /v1/bookings/:id/consignment-note) as a download.
func consignmentNote(r *req) error {
	id := r.c.Params("id")
	pdf, err := r.w.uc.Rail.ConsignmentNotePDF(r.ctx(), r.actor, id)
	if err != nil {
		return err
	}
	r.c.Set(fiber.HeaderContentType, "application/pdf")
	r.c.Set(fiber.HeaderContentDisposition, `attachment; filename="consignment-note-`+url.PathEscape(id)+`.pdf"`)
	return r.c.Send(pdf)
}

// ----- what the train templates call -----

// Prefixes of the keys of the rail labels (TestTrainLabels checks that every value has one).
const (
	keyDepartureStatus = "train.status."
	keyBookingStatus   = "booking.status."
	keyMovement        = "train.event."
	keyTransport       = "train.transport."
)

// DepStatus is a departure status's label.
func (v *view) DepStatus(s rail.DepartureStatus) string { return v.T(keyDepartureStatus + string(s)) }

// BookingStatus is a booking status's label.
func (v *view) BookingStatus(s rail.BookingStatus) string { return v.T(keyBookingStatus + string(s)) }

// Movement is a movement type's label.
func (v *view) Movement(t rail.EventType) string {
	if t == "" {
		return ""
	}
	return v.T(keyMovement + string(t))
}

// TransportStatus is a delivery's transport status label.
func (v *view) TransportStatus(s rail.TransportStatus) string {
	return v.T(keyTransport + string(s))
}

// LineName is a line's name in the page's language.
func (v *view) LineName(l rail.Line) string {
	if v.Lang == LangEn && l.NameEn != "" {
		return l.NameEn
	}
	return l.Name
}

// StopName is a stop's name in the page's language.
func (v *view) StopName(s rail.Stop) string {
	if v.Lang == LangEn && s.NameEn != "" {
		return s.NameEn
	}
	if s.Name != "" {
		return s.Name
	}
	return s.Location
}

// PlaceName is the name of a location of the itinerary in the page's language (its code when
// the itinerary does not have it).
func (v *view) PlaceName(itinerary []rail.Stop, loc string) string {
	for _, s := range itinerary {
		if s.Location == loc {
			return v.StopName(s)
		}
	}
	return loc
}

// Day is a date in China time.
func (v *view) Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.r.w.zone).Format("2006-01-02")
}

// Percent is part of whole as a percentage for an SVG length (0..100).
func (v *view) Percent(part, whole int) string {
	if whole <= 0 || part <= 0 {
		return "0"
	}
	return strconv.FormatFloat(float64(min(part, whole))*100/float64(whole), 'f', 2, 64)
}

// Sum adds.
func (v *view) Sum(a, b int) int { return a + b }

// Count is the number of boxes of type t a booking asked for.
func (v *view) Count(reqs []rail.ContainerRequest, t rail.ContainerType) int {
	for _, r := range reqs {
		if r.Type == t {
			return r.Count
		}
	}
	return 0
}

// capView is a capacity bar with the page's helpers (the "capbar" block).
type capView struct {
	V *view
	B capBar
}

// Cap hands a capacity bar to the "capbar" block.
func (v *view) Cap(b capBar) capView { return capView{V: v, B: b} }

// fieldView is one input of a train form (the "trainfield" block): its name, type, label and
// hint keys, and the form it belongs to.
type fieldView struct {
	V                           *view
	Form                        *form
	ID, Name, Type, Label, Hint string
	Required                    bool
}

// Field hands an input to the "trainfield" block; its id is the form's name then the field's,
// unique on a page that has several forms.
func (v *view) Field(f *form, name, typ, label, hint string, required bool) fieldView {
	return fieldView{V: v, Form: f, ID: name, Name: name, Type: typ, Label: label, Hint: hint, Required: required}
}

// errsView is a form's summary of problems or its success (the "formerrors" block).
type errsView struct {
	V  *view
	F  *form
	ID string
}

// Errs hands a form's summary to the "formerrors" block, its ids starting with id.
func (v *view) Errs(f *form, id string) errsView { return errsView{V: v, F: f, ID: id} }
