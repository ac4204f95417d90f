package rail

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

// bookingAggregate is the Aggregate of a booking's outbox events.
const bookingAggregate = "booking"

// BookingStatus is where a booking stands.
type BookingStatus string

// Booking statuses.
//
//	requested  → confirmed | waitlisted | cancelled
//	waitlisted → confirmed (Promote) | cancelled
//	confirmed  → cancelled
//	cancelled: final
//
// requested is the recorded state of the booking saga (docs/architecture.md §3: work across
// documents is a saga): the app stores the booking requested, reserves capacity on the departure
// (DepartureRepository.Reserve), then confirms it — or waitlists it when the train is full and
// the booker allows it. A reconciler finds bookings left requested by a crash and finishes them.
const (
	BookingRequested  BookingStatus = "requested"
	BookingConfirmed  BookingStatus = "confirmed"
	BookingWaitlisted BookingStatus = "waitlisted"
	BookingCancelled  BookingStatus = "cancelled"
)

var bookingTransitions = map[BookingStatus][]BookingStatus{
	BookingRequested:  {BookingConfirmed, BookingWaitlisted, BookingCancelled},
	BookingWaitlisted: {BookingConfirmed, BookingCancelled},
	BookingConfirmed:  {BookingCancelled},
	BookingCancelled:  nil,
}

// CanMove reports whether a booking may go from one status to another.
func CanMove(from, to BookingStatus) bool { return slices.Contains(bookingTransitions[from], to) }

// Booking event and timeline types.
const (
	EventBookingRequested  = "booking.requested"
	EventBookingConfirmed  = "booking.confirmed"
	EventBookingWaitlisted = "booking.waitlisted"
	EventBookingPromoted   = "booking.promoted"
	EventBookingCancelled  = "booking.cancelled"
	EventContainerLoaded   = "booking.container_loaded"
	EventContainerUnloaded = "booking.container_unloaded"
	EventParcelTakenOut    = "booking.parcel_taken_out" // one parcel came out of a loaded container
	EventBookingMovement   = "booking.movement"         // the train reported a movement (departed, arrived, ...)
)

// Consignee is who receives the goods at the destination, as the consignment note names it.
type Consignee struct {
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Country string `json:"country"` // ISO 3166-1 alpha-2
}

// BookingRequest is what a trade firm asks for.
type BookingRequest struct {
	DepartureID      string
	BookedBy         string // the organisation booking (exporter or its forwarder)
	ExporterID       string // the exporter whose goods travel
	Containers       []ContainerRequest
	GrossKg          int64
	CargoDescription string
	HSCodes          []string // optional: 4-digit headings up to 10-digit commodity codes
	AllowWaitlist    bool
	Consignee        *Consignee // optional: printed on the consignment note
}

// LoadedContainer is one box stuffed and sealed for a booking: its ISO 6346 number, type, seal,
// optional gross mass, and the parcels and declarations inside.
type LoadedContainer struct {
	ContainerNo    string        `json:"containerNo"`
	Type           ContainerType `json:"type"`
	SealNo         string        `json:"sealNo"`
	GrossKg        int64         `json:"grossKg,omitempty"`
	ParcelIDs      []string      `json:"parcelIds,omitempty"`
	DeclarationIDs []string      `json:"declarationIds,omitempty"`
	LoadedAt       time.Time     `json:"loadedAt"`
}

func (c LoadedContainer) clone() LoadedContainer {
	c.ParcelIDs = slices.Clone(c.ParcelIDs)
	c.DeclarationIDs = slices.Clone(c.DeclarationIDs)
	return c
}

func (c LoadedContainer) sameAs(o LoadedContainer) bool {
	return c.ContainerNo == o.ContainerNo && c.Type == o.Type && c.SealNo == o.SealNo && c.GrossKg == o.GrossKg &&
		slices.Equal(c.ParcelIDs, o.ParcelIDs) && slices.Equal(c.DeclarationIDs, o.DeclarationIDs)
}

// TimelineEntry is one thing that happened to a booking.
type TimelineEntry struct {
	At     time.Time     `json:"at"`
	Type   string        `json:"type"`
	Status BookingStatus `json:"status"`
	Detail string        `json:"detail,omitempty"`
	Actor  string        `json:"actor"`
}

// Booking is a request for space on one departure. Its load (containers, TEU, gross mass) is
// fixed when made; it is what Reserve takes from the departure while the booking is confirmed.
//
// Repeats are harmless: Confirm on a confirmed booking, Waitlist on a waitlisted one, Promote
// on a confirmed one, Cancel on a cancelled one, LoadContainer with a container already loaded
// with identical facts all succeed and change nothing.
type Booking struct {
	id               string
	departureID      string
	bookedBy         string
	exporterID       string
	containers       []ContainerRequest
	teu              int
	grossKg          int64
	cargoDescription string
	hsCodes          []string
	allowWaitlist    bool
	consignee        *Consignee
	status           BookingStatus
	waitlistedAt     *time.Time
	confirmedAt      *time.Time
	cancelledAt      *time.Time
	cancelReason     string
	loaded           []LoadedContainer
	createdAt        time.Time
	updatedAt        time.Time
	timeline         []TimelineEntry
	version          int64
	outbox           []domain.Event
}

const maxCargoDescription = 512

// ValidateBookingRequest checks a request completely, with JSON paths: departureId, bookedBy,
// exporterId and cargoDescription required (cargoDescription ≤ 512 characters, too_long);
// containers and grossKg as CheckBookingLoad; hsCodes[i] 4 to 10 digits (invalid_hs_code); a
// consignee, when given, with a name (≤ 200), an address (≤ 300) and an ISO country. It
// returns the request normalised (trimmed, HS codes without repeats).
func ValidateBookingRequest(req BookingRequest) (BookingRequest, error) {
	req.DepartureID = strings.TrimSpace(req.DepartureID)
	req.BookedBy = strings.TrimSpace(req.BookedBy)
	req.ExporterID = strings.TrimSpace(req.ExporterID)
	req.CargoDescription = strings.TrimSpace(req.CargoDescription)
	req.Containers = slices.Clone(req.Containers)
	var v domain.Violations
	for _, f := range []struct{ field, val string }{
		{"departureId", req.DepartureID}, {"bookedBy", req.BookedBy}, {"exporterId", req.ExporterID},
		{"cargoDescription", req.CargoDescription},
	} {
		if f.val == "" {
			v.Add(f.field, "required", f.field+" is required")
		}
	}
	if utf8.RuneCountInString(req.CargoDescription) > maxCargoDescription {
		v.Add("cargoDescription", "too_long", "cargoDescription has at most "+strconv.Itoa(maxCargoDescription)+" characters")
	}
	if err := CheckBookingLoad(req.Containers, req.GrossKg); err != nil {
		v.AddError("", err)
	}
	var hs []string
	for i, h := range req.HSCodes {
		h = strings.TrimSpace(h)
		if !validHSPrefix(h) {
			v.Add("hsCodes["+strconv.Itoa(i)+"]", "invalid_hs_code", "an HS code is 4 to 10 digits (heading to commodity code)")
			continue
		}
		if !slices.Contains(hs, h) {
			hs = append(hs, h)
		}
	}
	req.HSCodes = hs
	if c := req.Consignee; c != nil {
		c := *c
		c.Name, c.Address = strings.TrimSpace(c.Name), strings.TrimSpace(c.Address)
		v.CheckText("consignee.name", c.Name, true, 200)
		v.CheckText("consignee.address", c.Address, false, 300)
		c.Country = code.CheckCountry(&v, "consignee.country", c.Country)
		req.Consignee = &c
	}
	if err := v.Err(); err != nil {
		return BookingRequest{}, err
	}
	return req, nil
}

func validHSPrefix(s string) bool {
	if len(s) < 4 || len(s) > 10 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// NewBooking records a booking request (status requested) after ValidateBookingRequest. Whether
// the departure's booking window is open and whether the load fits is the app's to check
// (Departure.BookingWindowOpen, DepartureRepository.Reserve) before Confirm or Waitlist.
func NewBooking(id string, req BookingRequest, at time.Time, actor string) (*Booking, error) {
	if id == "" {
		return nil, domain.Internal(nil, "rail.NewBooking needs an id")
	}
	req, err := ValidateBookingRequest(req)
	if err != nil {
		return nil, err
	}
	b := &Booking{
		id: id, departureID: req.DepartureID, bookedBy: req.BookedBy, exporterID: req.ExporterID,
		containers: req.Containers, teu: TEUOf(req.Containers), grossKg: req.GrossKg,
		cargoDescription: req.CargoDescription, hsCodes: req.HSCodes, allowWaitlist: req.AllowWaitlist,
		consignee: req.Consignee, status: BookingRequested, createdAt: at.UTC(),
	}
	b.addEvent(at, actor, EventBookingRequested, "requested "+strconv.Itoa(b.teu)+" TEU, "+strconv.FormatInt(b.grossKg, 10)+" kg", nil)
	return b, nil
}

// Confirm records that the booking's capacity was reserved on the departure.
func (b *Booking) Confirm(at time.Time, actor string) error {
	if b.status == BookingConfirmed {
		return nil
	}
	if b.status != BookingRequested {
		return b.illegal(BookingConfirmed, "a waitlisted booking is promoted, not confirmed")
	}
	at = at.UTC()
	b.confirmedAt = &at
	b.moveTo(BookingConfirmed, at, actor, EventBookingConfirmed, "confirmed")
	return nil
}

// Waitlist puts a requested booking on the departure's waiting list (the train was full); only
// when the booker allowed it (FailedPrecondition waitlist_not_allowed). WaitlistedAt orders
// promotions, first come first served.
func (b *Booking) Waitlist(at time.Time, actor string) error {
	if b.status == BookingWaitlisted {
		return nil
	}
	if !CanMove(b.status, BookingWaitlisted) {
		return b.illegal(BookingWaitlisted, "")
	}
	if !b.allowWaitlist {
		return domain.Errorf(domain.KindFailedPrecondition, "waitlist_not_allowed", "the booker did not allow the waiting list")
	}
	at = at.UTC()
	b.waitlistedAt = &at
	b.moveTo(BookingWaitlisted, at, actor, EventBookingWaitlisted, "waitlisted")
	return nil
}

// Promote confirms a waitlisted booking once capacity was reserved for it.
func (b *Booking) Promote(at time.Time, actor string) error {
	if b.status == BookingConfirmed {
		return nil
	}
	if b.status != BookingWaitlisted {
		return b.illegal(BookingConfirmed, "only a waitlisted booking is promoted")
	}
	at = at.UTC()
	b.confirmedAt = &at
	b.moveTo(BookingConfirmed, at, actor, EventBookingPromoted, "promoted from the waiting list")
	return nil
}

// Cancel withdraws the booking. A booking with containers loaded cannot be cancelled
// (containers_loaded): unload them first. The caller releases the capacity when the booking
// held it (Holds before Cancel) and reduces the waiting list when it was waitlisted.
func (b *Booking) Cancel(at time.Time, actor, reason string) error {
	if b.status == BookingCancelled {
		return nil
	}
	var v domain.Violations
	if !v.CheckText("reason", strings.TrimSpace(reason), false, MaxCancelReason) {
		return v.Err()
	}
	if len(b.loaded) > 0 {
		return domain.Errorf(domain.KindFailedPrecondition, "containers_loaded",
			"%d containers are loaded for this booking", len(b.loaded))
	}
	at = at.UTC()
	b.cancelledAt = &at
	b.cancelReason = strings.TrimSpace(reason)
	b.moveTo(BookingCancelled, at, actor, EventBookingCancelled, detailWith("cancelled", b.cancelReason))
	return nil
}

// LoadContainer records a box stuffed for the booking. The booking must be confirmed
// (booking_not_confirmed); the number must be a valid ISO 6346 number (invalid_container_no),
// the type one the booking asked for with boxes left (Conflict containers_exhausted), the seal
// given (required), the gross mass within the box's limit when given (over_weight), and the
// number not loaded already with other facts (Conflict duplicate_container).
func (b *Booking) LoadContainer(c LoadedContainer, at time.Time, actor string) error {
	c = c.clone()
	c.ContainerNo = NormalizeContainerNo(strings.TrimSpace(c.ContainerNo))
	c.SealNo = strings.TrimSpace(c.SealNo)
	c.Type = ContainerType(strings.ToUpper(strings.TrimSpace(string(c.Type))))
	for _, l := range b.loaded {
		if l.ContainerNo != c.ContainerNo {
			continue
		}
		if l.sameAs(c) {
			return nil
		}
		return domain.Errorf(domain.KindConflict, "duplicate_container", "container %s is loaded for this booking already", c.ContainerNo)
	}
	if b.status != BookingConfirmed {
		return domain.Errorf(domain.KindFailedPrecondition, "booking_not_confirmed", "a %s booking takes no containers", b.status)
	}
	var v domain.Violations
	if err := CheckContainerNo(c.ContainerNo); err != nil {
		v.AddError("containerNo", err)
	}
	if !c.Type.Valid() {
		v.Add("type", "invalid_container_type", "container type must be one of 20GP, 40GP, 40HQ, 40RF")
	}
	v.CheckText("sealNo", c.SealNo, true, MaxSealNo)
	if c.GrossKg < 0 || (c.Type.Valid() && c.GrossKg > c.Type.MaxGrossKg()) {
		v.Add("grossKg", "over_weight", "a "+string(c.Type)+" box weighs at most "+strconv.FormatInt(c.Type.MaxGrossKg(), 10)+" kg gross")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if left := b.ContainersLeft(c.Type); left <= 0 {
		return domain.Errorf(domain.KindConflict, "containers_exhausted",
			"every %s box booked (%d) is loaded already", c.Type, b.booked(c.Type))
	}
	c.LoadedAt = at.UTC()
	b.loaded = append(b.loaded, c)
	b.addEvent(at, actor, EventContainerLoaded, "loaded "+string(c.Type)+" "+c.ContainerNo+" seal "+c.SealNo,
		map[string]any{"containerNo": c.ContainerNo, "type": string(c.Type), "sealNo": c.SealNo,
			"parcelIds": slices.Clone(c.ParcelIDs), "declarationIds": slices.Clone(c.DeclarationIDs)})
	return nil
}

// RecordMovement notes a reported movement of the booking's train on its timeline. A movement
// noted before (same type, place and time) is not noted again.
func (b *Booking) RecordMovement(e Event, actor string) {
	detail := string(e.Type) + " at " + e.Location
	for _, t := range b.timeline {
		if t.Type == EventBookingMovement && t.Detail == detail && t.At.Equal(e.At.UTC()) {
			return
		}
	}
	b.addEvent(e.At, actor, EventBookingMovement, detail,
		map[string]any{"movement": string(e.Type), "location": e.Location})
}

// UnloadContainer takes a recorded container off the booking again (its loading could not be
// completed). A container the booking does not have is left alone.
func (b *Booking) UnloadContainer(containerNo string, at time.Time, actor, reason string) {
	containerNo = NormalizeContainerNo(strings.TrimSpace(containerNo))
	i := slices.IndexFunc(b.loaded, func(c LoadedContainer) bool { return c.ContainerNo == containerNo })
	if i < 0 {
		return
	}
	b.loaded = slices.Delete(b.loaded, i, i+1)
	b.addEvent(at, actor, EventContainerUnloaded, detailWith("unloaded "+containerNo, strings.TrimSpace(reason)),
		map[string]any{"containerNo": containerNo})
}

// TakeOutParcel takes one parcel out of a loaded container (customs withdrew its release): the
// container no longer lists it, and its declared gross mass, when it has one, drops by the
// parcel's gross mass in whole kilograms (never below zero). The booking keeps its space on the
// train: the box is still booked. It reports whether anything changed: a parcel the container
// does not hold (taken out before, or never in it) is left alone.
func (b *Booking) TakeOutParcel(containerNo, parcelID string, grossKg float64, at time.Time, actor, reason string) bool {
	containerNo = NormalizeContainerNo(strings.TrimSpace(containerNo))
	i := slices.IndexFunc(b.loaded, func(c LoadedContainer) bool { return c.ContainerNo == containerNo })
	if i < 0 {
		return false
	}
	c := b.loaded[i].clone()
	j := slices.Index(c.ParcelIDs, parcelID)
	if j < 0 {
		return false
	}
	c.ParcelIDs = slices.Delete(c.ParcelIDs, j, j+1)
	if c.GrossKg > 0 && grossKg > 0 {
		c.GrossKg = max(0, c.GrossKg-int64(math.Round(grossKg)))
	}
	b.loaded[i] = c
	b.addEvent(at, actor, EventParcelTakenOut, detailWith("parcel "+parcelID+" taken out of "+containerNo, strings.TrimSpace(reason)),
		map[string]any{"containerNo": containerNo, "parcelId": parcelID, "parcels": len(c.ParcelIDs), "grossKg": c.GrossKg})
	return true
}

func (b *Booking) booked(t ContainerType) int {
	n := 0
	for _, r := range b.containers {
		if r.Type == t {
			n += r.Count
		}
	}
	return n
}

// ContainersLeft is how many more boxes of type t may be loaded.
func (b *Booking) ContainersLeft(t ContainerType) int {
	n := b.booked(t)
	for _, l := range b.loaded {
		if l.Type == t {
			n--
		}
	}
	return n
}

// Holds reports whether the booking holds capacity on its departure (it is confirmed).
func (b *Booking) Holds() bool { return b.status == BookingConfirmed }

func (b *Booking) illegal(to BookingStatus, why string) error {
	msg := "a " + string(b.status) + " booking cannot become " + string(to)
	if why != "" {
		msg += ": " + why
	}
	return domain.Errorf(domain.KindFailedPrecondition, domain.CodeIllegalTransition, "%s", msg)
}

func (b *Booking) moveTo(to BookingStatus, at time.Time, actor, typ, detail string) {
	from := b.status
	b.status = to
	b.addEvent(at, actor, typ, detail, map[string]any{"from": string(from)})
}

func (b *Booking) addEvent(at time.Time, actor, typ, detail string, extra map[string]any) {
	at = at.UTC()
	b.timeline = append(b.timeline, TimelineEntry{At: at, Type: typ, Status: b.status, Detail: detail, Actor: actor})
	data := map[string]any{
		"status": string(b.status), "departureId": b.departureID, "bookedBy": b.bookedBy,
		"exporterId": b.exporterID, "teu": b.teu, "grossKg": b.grossKg, "actor": actor,
	}
	if detail != "" {
		data["detail"] = detail
	}
	for k, v := range extra {
		data[k] = v
	}
	b.outbox = append(b.outbox, domain.NewEvent(bookingAggregate, b.id, b.version+1, len(b.outbox), typ, at, data))
	b.updatedAt = at
}

func detailWith(what, reason string) string {
	if reason == "" {
		return what
	}
	return what + ": " + reason
}

// ID is the booking's identifier.
func (b *Booking) ID() string { return b.id }

// DepartureID is the departure booked.
func (b *Booking) DepartureID() string { return b.departureID }

// BookedBy is the organisation that booked.
func (b *Booking) BookedBy() string { return b.bookedBy }

// ExporterID is the exporter whose goods travel.
func (b *Booking) ExporterID() string { return b.exporterID }

// Containers are the boxes asked for (a copy).
func (b *Booking) Containers() []ContainerRequest { return slices.Clone(b.containers) }

// TEU is the space the booking takes.
func (b *Booking) TEU() int { return b.teu }

// GrossKg is the declared gross mass of the cargo.
func (b *Booking) GrossKg() int64 { return b.grossKg }

// CargoDescription describes the goods.
func (b *Booking) CargoDescription() string { return b.cargoDescription }

// HSCodes are the goods' HS codes or headings, if given (a copy).
func (b *Booking) HSCodes() []string { return slices.Clone(b.hsCodes) }

// Consignee is who receives the goods, when the booker named one.
func (b *Booking) Consignee() *Consignee {
	if b.consignee == nil {
		return nil
	}
	c := *b.consignee
	return &c
}

// AllowWaitlist reports whether the booker accepts the waiting list when the train is full.
func (b *Booking) AllowWaitlist() bool { return b.allowWaitlist }

// Status is requested, confirmed, waitlisted or cancelled.
func (b *Booking) Status() BookingStatus { return b.status }

// WaitlistedAt is when it joined the waiting list, or nil.
func (b *Booking) WaitlistedAt() *time.Time { return b.waitlistedAt }

// ConfirmedAt is when it was confirmed or promoted, or nil.
func (b *Booking) ConfirmedAt() *time.Time { return b.confirmedAt }

// CancelledAt is when it was cancelled, or nil.
func (b *Booking) CancelledAt() *time.Time { return b.cancelledAt }

// CancelReason is the reason given for cancelling.
func (b *Booking) CancelReason() string { return b.cancelReason }

// Loaded are the containers loaded so far (a copy).
func (b *Booking) Loaded() []LoadedContainer {
	out := make([]LoadedContainer, len(b.loaded))
	for i, c := range b.loaded {
		out[i] = c.clone()
	}
	return out
}

// CreatedAt is when the booking was requested.
func (b *Booking) CreatedAt() time.Time { return b.createdAt }

// UpdatedAt is when it last changed.
func (b *Booking) UpdatedAt() time.Time { return b.updatedAt }

// Timeline is everything that happened to the booking, oldest first (a copy).
func (b *Booking) Timeline() []TimelineEntry { return slices.Clone(b.timeline) }

// Version counts stored changes.
func (b *Booking) Version() int64 { return b.version }

// Outbox holds the events recorded since the booking was made or loaded (a copy).
func (b *Booking) Outbox() []domain.Event { return slices.Clone(b.outbox) }

// BookingRecord is the stored form of a booking.
type BookingRecord struct {
	ID, DepartureID, BookedBy, ExporterID  string
	Containers                             []ContainerRequest
	TEU                                    int
	GrossKg                                int64
	CargoDescription                       string
	HSCodes                                []string
	AllowWaitlist                          bool
	Consignee                              *Consignee
	Status                                 BookingStatus
	WaitlistedAt, ConfirmedAt, CancelledAt *time.Time
	CancelReason                           string
	Loaded                                 []LoadedContainer
	CreatedAt, UpdatedAt                   time.Time
	Timeline                               []TimelineEntry
	Version                                int64
}

// Snapshot is the booking's stored form (copies of its slices).
func (b *Booking) Snapshot() BookingRecord {
	return BookingRecord{
		ID: b.id, DepartureID: b.departureID, BookedBy: b.bookedBy, ExporterID: b.exporterID,
		Containers: slices.Clone(b.containers), TEU: b.teu, GrossKg: b.grossKg,
		CargoDescription: b.cargoDescription, HSCodes: slices.Clone(b.hsCodes), AllowWaitlist: b.allowWaitlist,
		Consignee: b.Consignee(), Status: b.status, WaitlistedAt: b.waitlistedAt, ConfirmedAt: b.confirmedAt, CancelledAt: b.cancelledAt,
		CancelReason: b.cancelReason, Loaded: b.Loaded(), CreatedAt: b.createdAt, UpdatedAt: b.updatedAt,
		Timeline: slices.Clone(b.timeline), Version: b.version,
	}
}

// BookingFromDatabase rebuilds a stored booking without checking it again; its outbox starts
// empty.
func BookingFromDatabase(r BookingRecord) *Booking {
	b := &Booking{
		id: r.ID, departureID: r.DepartureID, bookedBy: r.BookedBy, exporterID: r.ExporterID,
		containers: slices.Clone(r.Containers), teu: r.TEU, grossKg: r.GrossKg,
		cargoDescription: r.CargoDescription, hsCodes: slices.Clone(r.HSCodes), allowWaitlist: r.AllowWaitlist,
		consignee: r.Consignee, status: r.Status, waitlistedAt: r.WaitlistedAt, confirmedAt: r.ConfirmedAt, cancelledAt: r.CancelledAt,
		cancelReason: r.CancelReason, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt,
		timeline: slices.Clone(r.Timeline), version: r.Version,
	}
	for _, c := range r.Loaded {
		b.loaded = append(b.loaded, c.clone())
	}
	return b
}

// BookingFilter selects bookings for a list; empty fields match all. Parties, when not nil,
// keeps only bookings booked by or for one of those organisations (tenancy).
type BookingFilter struct {
	DepartureID string
	ExporterID  string
	Status      BookingStatus
	Parties     []string
	Limit       int
	Cursor      string
}

// BookingRepository stores bookings.
type BookingRepository interface {
	// Create stores a new booking; an existing id is a Conflict (booking_exists).
	Create(ctx context.Context, b *Booking) error
	// Get returns the booking or a NotFound error (booking_not_found).
	Get(ctx context.Context, id string) (*Booking, error)
	// Update loads the booking, lets change modify it and stores it with its outbox if the
	// version has not moved meanwhile (else it retries with a fresh copy).
	Update(ctx context.Context, id string, change func(*Booking) error) (*Booking, error)
	// List returns bookings, newest first, and the next page's cursor.
	List(ctx context.Context, f BookingFilter) ([]*Booking, string, error)
	// DeleteRequested removes a booking that is still requested: a request the train refused
	// leaves nothing behind. A booking in any other status is left alone.
	DeleteRequested(ctx context.Context, id string) error
}
