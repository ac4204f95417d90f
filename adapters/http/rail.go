package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

func (h *handlers) listRoutes(c *fiber.Ctx) error {
	lines, err := h.rail.ListLines(c.UserContext(), actorOf(c))
	if err != nil {
		return err
	}
	items := make([]routeView, len(lines))
	for i, l := range lines {
		items[i] = viewRoute(l)
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h *handlers) getRoute(c *fiber.Ctx) error {
	l, err := h.rail.GetLine(c.UserContext(), actorOf(c), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(viewRoute(l))
}

// routeView is a line as the API shows it and takes it: a route.
type routeView struct {
	Code          string         `json:"code"`
	Name          string         `json:"name"`
	NameEn        string         `json:"nameEn"`
	Origin        string         `json:"origin"`
	Via           string         `json:"via,omitempty"`
	Border        string         `json:"border,omitempty"`
	Port          string         `json:"port,omitempty"`
	Destination   string         `json:"destination"`
	TransitDays   int            `json:"transitDays"`
	Mode          rail.Mode      `json:"mode"`
	Weekdays      []time.Weekday `json:"weekdays"`
	DepartureTime string         `json:"departureTime"`
	CapacityTEU   int            `json:"capacityTEU,omitempty"`
	Itinerary     []rail.Stop    `json:"itinerary"`
	Note          string         `json:"note,omitempty"`
	UpdatedAt     time.Time      `json:"updatedAt"`
	Version       int64          `json:"version"`
}

func viewRoute(l rail.Line) routeView {
	return routeView{
		Code: l.Code, Name: l.Name, NameEn: l.NameEn, Origin: l.Origin, Via: l.Via, Border: l.Border, Port: l.Port,
		Destination: l.Destination, TransitDays: l.TransitDays, Mode: l.Mode, Weekdays: l.Weekdays,
		DepartureTime: l.DepartureTime, CapacityTEU: l.CapacityTEU, Itinerary: l.Itinerary, Note: l.Note,
		UpdatedAt: l.UpdatedAt, Version: l.Version,
	}
}

func (v routeView) line() rail.Line {
	return rail.Line{
		Code: v.Code, Name: v.Name, NameEn: v.NameEn, Origin: v.Origin, Via: v.Via, Border: v.Border, Port: v.Port,
		Destination: v.Destination, TransitDays: v.TransitDays, Mode: v.Mode, Weekdays: v.Weekdays,
		DepartureTime: v.DepartureTime, CapacityTEU: v.CapacityTEU, Itinerary: v.Itinerary, Note: v.Note,
		UpdatedAt: v.UpdatedAt, Version: v.Version,
	}
}

// putRoute replaces (or adds) a line. updatedAt and version in the body are ignored: a client
// may send back what it read.
func (h *handlers) putRoute(c *fiber.Ctx) error {
	if err := requireOperatorEarly(c); err != nil {
		return err
	}
	var body routeView
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	l, created, err := h.rail.PutLine(c.UserContext(), actorOf(c), c.Params("code"), body.line())
	if err != nil {
		return err
	}
	if created {
		c.Location("/v1/routes/" + l.Code)
		return c.Status(fiber.StatusCreated).JSON(viewRoute(l))
	}
	return c.JSON(viewRoute(l))
}

type timetableRequest struct {
	Weeks int `json:"weeks"`
}

type timetableView struct {
	Created  []departureView `json:"created"`
	Existing []string        `json:"existing"`
}

func (h *handlers) planTimetable(c *fiber.Ctx) error {
	if err := requireOperatorEarly(c); err != nil {
		return err
	}
	var req timetableRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t, err := h.rail.PlanTimetable(c.UserContext(), actorOf(c), c.Params("code"), req.Weeks)
	if err != nil {
		return err
	}
	out := timetableView{Created: []departureView{}, Existing: t.Existing}
	if out.Existing == nil {
		out.Existing = []string{}
	}
	for _, d := range t.Created {
		out.Created = append(out.Created, h.viewDeparture(d))
	}
	status := fiber.StatusOK
	if len(t.Created) > 0 {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(out)
}

type capacityView struct {
	CapacityTEU   int   `json:"capacityTEU"`
	ConfirmedTEU  int   `json:"confirmedTEU"`
	AvailableTEU  int   `json:"availableTEU"`
	WaitlistedTEU int   `json:"waitlistedTEU"`
	MaxCargoKg    int64 `json:"maxCargoKg"`
	CargoKg       int64 `json:"cargoKg"`
	AvailableKg   int64 `json:"availableKg"`
}

type departureView struct {
	ID             string               `json:"id"`
	RouteCode      string               `json:"routeCode"`
	LineName       string               `json:"lineName"`
	DepartsAt      time.Time            `json:"departsAt"`
	TransitDays    int                  `json:"transitDays"`
	BookingOpensAt time.Time            `json:"bookingOpensAt"`
	CutoffAt       time.Time            `json:"cutoffAt"`
	BookingOpen    bool                 `json:"bookingOpen"`
	Status         rail.DepartureStatus `json:"status"`
	CancelReason   string               `json:"cancelReason,omitempty"`
	Capacity       capacityView         `json:"capacity"`
	Itinerary      []rail.Stop          `json:"itinerary"`
	Events         []rail.Event         `json:"events"`
	Delivery       rail.Delivery        `json:"delivery"`
	CreatedAt      time.Time            `json:"createdAt"`
	UpdatedAt      time.Time            `json:"updatedAt"`
}

func (h *handlers) viewDeparture(d *rail.Departure) departureView {
	cp := d.Capacity()
	now := h.rail.Now()
	v := departureView{
		ID: d.ID(), RouteCode: d.LineCode(), LineName: d.LineName(), DepartsAt: d.DepartsAt(), TransitDays: d.TransitDays(),
		BookingOpensAt: d.BookingOpensAt(), CutoffAt: d.CutoffAt(), BookingOpen: d.BookingWindowOpen(now) == nil,
		Status: d.Status(), CancelReason: d.CancelReason(),
		Capacity: capacityView{CapacityTEU: cp.CapacityTEU, ConfirmedTEU: cp.ConfirmedTEU, AvailableTEU: max(cp.FreeTEU(), 0),
			WaitlistedTEU: d.WaitlistedTEU(), MaxCargoKg: cp.MaxCargoKg, CargoKg: cp.CargoKg, AvailableKg: max(cp.FreeKg(), 0)},
		Itinerary: d.Itinerary(), Events: d.Events(), Delivery: d.Delivery(now),
		CreatedAt: d.CreatedAt(), UpdatedAt: d.UpdatedAt(),
	}
	if v.Events == nil {
		v.Events = []rail.Event{}
	}
	return v
}

type departureRequest struct {
	RouteCode      string `json:"routeCode"`
	DepartsAt      string `json:"departsAt"`
	CapacityTEU    int    `json:"capacityTEU"`
	MaxCargoKg     int64  `json:"maxCargoKg"`
	BookingOpensAt string `json:"bookingOpensAt"`
	CutoffAt       string `json:"cutoffAt"`
}

func (h *handlers) planDeparture(c *fiber.Ctx) error {
	if err := requireOperatorEarly(c); err != nil {
		return err
	}
	var req departureRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var v domain.Violations
	in := rail.DepartureInput{
		DepartsAt: parseTime(&v, "departsAt", req.DepartsAt), CapacityTEU: req.CapacityTEU, MaxCargoKg: req.MaxCargoKg,
		BookingOpensAt: parseTime(&v, "bookingOpensAt", req.BookingOpensAt), CutoffAt: parseTime(&v, "cutoffAt", req.CutoffAt),
	}
	if req.RouteCode == "" {
		v.Add("routeCode", "required", "routeCode is required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	d, err := h.rail.PlanDeparture(c.UserContext(), actorOf(c), req.RouteCode, in)
	if err != nil {
		return err
	}
	c.Location("/v1/departures/" + d.ID())
	return c.Status(fiber.StatusCreated).JSON(h.viewDeparture(d))
}

// requireOperatorEarly refuses a non-operator before its body is read, so that it learns 403
// rather than the body's problems.
func requireOperatorEarly(c *fiber.Ctx) error {
	if !actorOf(c).IsOperator() {
		return domain.Errorf(domain.KindForbidden, "operator_only", "only the zone operator may do this")
	}
	return nil
}

func (h *handlers) listDepartures(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	var v domain.Violations
	f := rail.DepartureFilter{Limit: q.limit, Cursor: q.cursor, LineCode: c.Query("routeCode"),
		From: parseTime(&v, "from", c.Query("from")), To: parseTime(&v, "to", c.Query("to"))}
	if s := c.Query("status"); s != "" {
		switch st := rail.DepartureStatus(s); st {
		case rail.DepartureScheduled, rail.DepartureDeparted, rail.DepartureArrived, rail.DepartureCancelled:
			f.Status = st
		default:
			v.Add("status", "invalid_status", "status must be scheduled, departed, arrived or cancelled")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	p, err := h.rail.ListDepartures(c.UserContext(), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(p, h.viewDeparture))
}

func (h *handlers) getDeparture(c *fiber.Ctx) error {
	d, err := h.rail.GetDeparture(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(h.viewDeparture(d))
}

type eventRequest struct {
	Type     rail.EventType `json:"type"`
	At       string         `json:"at"`
	Location string         `json:"location"`
	Note     string         `json:"note"`
}

func (h *handlers) recordDepartureEvent(c *fiber.Ctx) error {
	if err := requireOperatorEarly(c); err != nil {
		return err
	}
	var req eventRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var v domain.Violations
	e := rail.Event{Type: req.Type, At: parseTime(&v, "at", req.At), Location: req.Location, Note: req.Note}
	if err := v.Err(); err != nil {
		return err
	}
	d, err := h.rail.RecordDepartureEvent(c.UserContext(), actorOf(c), c.Params("id"), e)
	if err != nil {
		return err
	}
	return c.JSON(h.viewDeparture(d))
}

type bookingRequest struct {
	DepartureID      string                  `json:"departureId"`
	ExporterID       string                  `json:"exporterId"`
	Containers       []rail.ContainerRequest `json:"containers"`
	CargoDescription string                  `json:"cargoDescription"`
	HSCodes          []string                `json:"hsCodes"`
	GrossKg          int64                   `json:"grossKg"`
	AllowWaitlist    bool                    `json:"allowWaitlist"`
	Consignee        *rail.Consignee         `json:"consignee"`
}

type bookingView struct {
	ID               string                  `json:"id"`
	DepartureID      string                  `json:"departureId"`
	RouteCode        string                  `json:"routeCode,omitempty"`
	DepartsAt        *time.Time              `json:"departsAt,omitempty"`
	ExporterID       string                  `json:"exporterId"`
	BookedBy         string                  `json:"bookedBy"`
	Status           rail.BookingStatus      `json:"status"`
	Containers       []rail.ContainerRequest `json:"containers"`
	TEU              int                     `json:"teu"`
	GrossKg          int64                   `json:"grossKg"`
	CargoDescription string                  `json:"cargoDescription"`
	HSCodes          []string                `json:"hsCodes,omitempty"`
	AllowWaitlist    bool                    `json:"allowWaitlist"`
	Consignee        *rail.Consignee         `json:"consignee,omitempty"`
	WaitlistedAt     *time.Time              `json:"waitlistedAt,omitempty"`
	ConfirmedAt      *time.Time              `json:"confirmedAt,omitempty"`
	CancelledAt      *time.Time              `json:"cancelledAt,omitempty"`
	CancelReason     string                  `json:"cancelReason,omitempty"`
	Loaded           []rail.LoadedContainer  `json:"loadedContainers"`
	Delivery         *rail.Delivery          `json:"delivery,omitempty"`
	Timeline         []rail.TimelineEntry    `json:"timeline,omitempty"`
	CreatedAt        time.Time               `json:"createdAt"`
	UpdatedAt        time.Time               `json:"updatedAt"`
}

// viewBooking shows a booking with its train's delivery state when the departure is known.
func (h *handlers) viewBooking(b *rail.Booking, dep *rail.Departure) bookingView {
	r := b.Snapshot()
	v := bookingView{
		ID: r.ID, DepartureID: r.DepartureID, ExporterID: r.ExporterID, BookedBy: r.BookedBy, Status: r.Status,
		Containers: r.Containers, TEU: r.TEU, GrossKg: r.GrossKg, CargoDescription: r.CargoDescription,
		HSCodes: r.HSCodes, AllowWaitlist: r.AllowWaitlist, Consignee: r.Consignee, WaitlistedAt: r.WaitlistedAt,
		ConfirmedAt: r.ConfirmedAt, CancelledAt: r.CancelledAt, CancelReason: r.CancelReason, Loaded: r.Loaded,
		Timeline: r.Timeline, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if v.Loaded == nil {
		v.Loaded = []rail.LoadedContainer{}
	}
	if dep != nil {
		at := dep.DepartsAt()
		v.RouteCode, v.DepartsAt = dep.LineCode(), &at
		if b.Status() == rail.BookingConfirmed {
			d := dep.Delivery(h.rail.Now())
			v.Delivery = &d
		}
	}
	return v
}

// departureOf loads a booking's departure for its view; a failure only leaves the delivery out.
func (h *handlers) departureOf(c *fiber.Ctx, id string) *rail.Departure {
	d, err := h.rail.GetDeparture(c.UserContext(), actorOf(c), id)
	if err != nil {
		return nil
	}
	return d
}

func (h *handlers) bookSpace(c *fiber.Ctx) error {
	var req bookingRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	b, dep, err := h.rail.BookSpace(c.UserContext(), actorOf(c), rail.BookingRequest{
		DepartureID: req.DepartureID, ExporterID: req.ExporterID, Containers: req.Containers,
		GrossKg: req.GrossKg, CargoDescription: req.CargoDescription, HSCodes: req.HSCodes,
		AllowWaitlist: req.AllowWaitlist, Consignee: req.Consignee,
	})
	if err != nil {
		return err
	}
	c.Location("/v1/bookings/" + b.ID())
	return c.Status(fiber.StatusCreated).JSON(h.viewBooking(b, dep))
}

func (h *handlers) getBooking(c *fiber.Ctx) error {
	b, err := h.rail.GetBooking(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(h.viewBooking(b, h.departureOf(c, b.DepartureID())))
}

func (h *handlers) listBookings(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	f := rail.BookingFilter{Limit: q.limit, Cursor: q.cursor, DepartureID: c.Query("departureId"), ExporterID: c.Query("exporterId")}
	if s := c.Query("status"); s != "" {
		switch st := rail.BookingStatus(s); st {
		case rail.BookingRequested, rail.BookingConfirmed, rail.BookingWaitlisted, rail.BookingCancelled:
			f.Status = st
		default:
			return queryProblem("status", "invalid_status", "status must be requested, confirmed, waitlisted or cancelled")
		}
	}
	p, err := h.rail.ListBookings(c.UserContext(), actorOf(c), f)
	if err != nil {
		return err
	}
	deps := map[string]*rail.Departure{}
	return c.JSON(viewPage(p, func(b *rail.Booking) bookingView {
		dep, ok := deps[b.DepartureID()]
		if !ok {
			dep = h.departureOf(c, b.DepartureID())
			deps[b.DepartureID()] = dep
		}
		v := h.viewBooking(b, dep)
		v.Timeline = nil
		return v
	}))
}

func (h *handlers) cancelBooking(c *fiber.Ctx) error {
	var req cancelRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	b, err := h.rail.CancelBooking(c.UserContext(), actorOf(c), c.Params("id"), req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(h.viewBooking(b, h.departureOf(c, b.DepartureID())))
}

type containerRequest struct {
	ContainerNo    string             `json:"containerNo"`
	Type           rail.ContainerType `json:"type"`
	SealNo         string             `json:"sealNo"`
	GrossKg        int64              `json:"grossKg"`
	ParcelIDs      []string           `json:"parcelIds"`
	DeclarationIDs []string           `json:"declarationIds"`
}

func (h *handlers) loadContainer(c *fiber.Ctx) error {
	var req containerRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	b, err := h.rail.LoadContainer(c.UserContext(), actorOf(c), c.Params("id"), rail.LoadedContainer{
		ContainerNo: req.ContainerNo, Type: req.Type, SealNo: req.SealNo, GrossKg: req.GrossKg,
		ParcelIDs: req.ParcelIDs, DeclarationIDs: req.DeclarationIDs,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.viewBooking(b, h.departureOf(c, b.DepartureID())))
}

func (h *handlers) consignmentNote(c *fiber.Ctx) error {
	pdf, err := h.rail.ConsignmentNotePDF(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="consignment-note-`+c.Params("id")+`.pdf"`)
	return c.Send(pdf)
}

// transportView is where a parcel's train is, for tracking.
type transportView struct {
	DepartureID       string               `json:"departureId"`
	RouteCode         string               `json:"routeCode"`
	LineName          string               `json:"lineName"`
	ContainerNo       string               `json:"containerNo"`
	DepartsAt         time.Time            `json:"departsAt"`
	DepartureStatus   rail.DepartureStatus `json:"departureStatus"`
	TransportStatus   rail.TransportStatus `json:"transportStatus"`
	LastKnownLocation string               `json:"lastKnownLocation,omitempty"`
	ETA               time.Time            `json:"eta"`
	NextExpectedEvent *rail.ExpectedEvent  `json:"nextExpectedEvent,omitempty"`
	Misdirected       bool                 `json:"misdirected"`
}

func viewTransport(t *app.Transport) *transportView {
	if t == nil {
		return nil
	}
	d := t.Departure
	return &transportView{
		DepartureID: d.ID(), RouteCode: d.LineCode(), LineName: d.LineName(), ContainerNo: t.ContainerNo,
		DepartsAt: d.DepartsAt(), DepartureStatus: d.Status(), TransportStatus: t.Delivery.TransportStatus,
		LastKnownLocation: t.Delivery.LastKnownLocation, ETA: t.Delivery.ETA,
		NextExpectedEvent: t.Delivery.NextExpectedEvent, Misdirected: t.Delivery.Misdirected,
	}
}

func (h *handlers) trainStats(c *fiber.Ctx) error {
	var v domain.Violations
	from := parseTime(&v, "from", c.Query("from"))
	to := parseTime(&v, "to", c.Query("to"))
	if err := v.Err(); err != nil {
		return err
	}
	st, err := h.rail.TrainUtilisation(c.UserContext(), actorOf(c), from, to, c.Query("routeCode"))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (h *handlers) cancelDeparture(c *fiber.Ctx) error {
	if err := requireOperatorEarly(c); err != nil {
		return err
	}
	var req cancelRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, err := h.rail.CancelDeparture(c.UserContext(), actorOf(c), c.Params("id"), req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(h.viewDeparture(d))
}
