// Package parcel models a cross-border e-commerce export parcel (trade modes 9610 and 1210): its
// contents as the CEB inventory list (CEB603) will carry them, its status from registration to
// arrival abroad, and its timeline.
//
// A Parcel is made by New from a Draft, which Validate checks completely (all problems at once,
// with JSON paths). Behaviour is methods that refuse illegal moves; ids and times are passed in.
// Each change appends an entry to the timeline the parcel keeps and a domain.Event to its outbox,
// which the store writes in the same document update (docs/architecture.md §3).
// UnmarshalFromDatabase rebuilds a stored parcel without checking it again.
package parcel

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

// aggregateName is the Aggregate of the parcel's events.
const aggregateName = "parcel"

// TimelineEntry is one thing that happened to a parcel, kept for as long as the parcel: what
// (Type, one of the Event… constants), the status it left the parcel in, when, by whom (an
// organisation, user or "customs"), and a human-readable detail.
type TimelineEntry struct {
	At     time.Time `json:"at"`
	Type   string    `json:"type"`
	Status Status    `json:"status"`
	Detail string    `json:"detail,omitempty"`
	Actor  string    `json:"actor"`
}

// Parcel is a registered parcel. Its natural key, unique across the zone, is (logisticsCode,
// logisticsNo); neither changes after registration, nor does the exporter.
//
// Repeats: customs answers a filing with several receipts, sometimes twice, and carriers report
// the same scan more than once. So re-applying a transition to the status it already reached —
// Accept on an accepted parcel, Reject on a rejected one, Depart on a departed one, Cancel on a
// cancelled one, Declare with the same declaration, Load into the same container — succeeds and
// changes nothing (no timeline entry, no event). The same call with different facts (another
// declaration id, another container) is an illegal_transition. Edit with identical contents is
// likewise a no-op.
type Parcel struct {
	id            string
	fields        Fields
	status        Status
	declarationID string
	exitCustoms   string // the exit office its list names (portCode)
	containerNo   string
	departureID   string
	rejectReason  string
	cancelReason  string
	yard          *YardArrival // received at the supervised site (运抵), once
	createdAt     time.Time
	updatedAt     time.Time
	timeline      []TimelineEntry
	version       int64
	outbox        []domain.Event
}

// New registers a parcel after checking the draft (see Validate). id is the new parcel's id,
// at the registration time, actor who registered it.
func New(id string, d Draft, at time.Time, actor string) (*Parcel, error) {
	if id == "" {
		return nil, domain.Internal(nil, "parcel.New needs an id")
	}
	f, err := Validate(d)
	if err != nil {
		return nil, err
	}
	p := &Parcel{id: id, fields: f, status: StatusRegistered, createdAt: at.UTC()}
	p.addEvent(at, actor, EventRegistered, "registered "+f.TradeMode+" parcel "+f.LogisticsNo, p.contents())
	return p, nil
}

// Edit replaces the parcel's contents; only a registered or rejected parcel may be edited
// (parcel_locked otherwise). The draft is checked like a new one; exporterId, logisticsCode and
// logisticsNo must stay as they are (code immutable). A rejected parcel stays rejected until it
// is declared again.
func (p *Parcel) Edit(d Draft, at time.Time, actor string) error {
	if !p.status.Editable() {
		return domain.Errorf(domain.KindFailedPrecondition, "parcel_locked",
			"a %s parcel can no longer be edited", p.status)
	}
	var v domain.Violations
	f, err := Validate(d)
	if err != nil {
		v.AddError("", err)
	}
	keep := func(field, was, now string) {
		if now = strings.TrimSpace(now); now != "" && now != was {
			v.Add(field, "immutable", field+" cannot change after registration")
		}
	}
	keep("exporterId", p.fields.ExporterID, d.ExporterID)
	keep("logisticsCode", p.fields.LogisticsCode, strings.ToUpper(d.LogisticsCode))
	keep("logisticsNo", p.fields.LogisticsNo, d.LogisticsNo)
	if err := v.Err(); err != nil {
		return err
	}
	if reflect.DeepEqual(f, p.fields) {
		return nil
	}
	p.fields = f
	p.addEvent(at, actor, EventEdited, "contents edited", p.contents())
	return nil
}

// contents is what the registration and edit events tell of the goods, for the figures kept
// from the events (app.Dashboard): their declared value, its currency and the destination.
func (p *Parcel) contents() map[string]any {
	return map[string]any{"goodsValue": p.fields.GoodsValue().String(), "currency": p.fields.Currency,
		"destinationCountry": p.fields.DestinationCountry}
}

// Declare records that the parcel's inventory list was filed under declarationID; from
// registered, or again after a rejection.
func (p *Parcel) Declare(at time.Time, actor, declarationID string) error {
	return p.DeclareLeavingAt(at, actor, declarationID, "")
}

// DeclareLeavingAt is Declare for a list that names the customs office where the goods leave
// China (its portCode): the parcel may then only be loaded on a train leaving there.
func (p *Parcel) DeclareLeavingAt(at time.Time, actor, declarationID, exitCustoms string) error {
	declarationID = strings.TrimSpace(declarationID)
	if declarationID == "" {
		return domain.InvalidField("declarationId", "required", "declarationId is required")
	}
	if p.status == StatusDeclared {
		if declarationID == p.declarationID {
			return nil
		}
		return p.illegal(StatusDeclared, "it is already declared under "+p.declarationID)
	}
	if !CanTransition(p.status, StatusDeclared) {
		return p.illegal(StatusDeclared, "")
	}
	p.declarationID = declarationID
	p.exitCustoms = strings.TrimSpace(exitCustoms)
	p.rejectReason = ""
	p.moveTo(StatusDeclared, at, actor, "declared under "+declarationID,
		map[string]any{"declarationId": declarationID})
	return nil
}

// Accept records that customs accepted the inventory list into its database (receipt 120).
func (p *Parcel) Accept(at time.Time, actor string) error {
	return p.simple(StatusAccepted, at, actor, "accepted by customs", nil)
}

// Inspect records that customs ordered an inspection (receipt 500).
func (p *Parcel) Inspect(at time.Time, actor string) error {
	return p.simple(StatusInspection, at, actor, "inspection ordered by customs", nil)
}

// Release records that customs released the goods (receipt 800).
func (p *Parcel) Release(at time.Time, actor string) error {
	return p.simple(StatusReleased, at, actor, "released by customs", nil)
}

// Reject records that customs refused the inventory list (receipt 100) with its reason; the
// parcel becomes editable and may be declared again.
func (p *Parcel) Reject(at time.Time, actor, reason string) error {
	reason = strings.TrimSpace(reason)
	if p.status == StatusRejected {
		return nil
	}
	if !CanTransition(p.status, StatusRejected) {
		return p.illegal(StatusRejected, "")
	}
	p.rejectReason = reason
	p.moveTo(StatusRejected, at, actor, detailWith("rejected by customs", reason), map[string]any{"reason": reason})
	return nil
}

// Load records that the released parcel was stowed in containerNo for departureID (the
// departure may be empty when not known).
func (p *Parcel) Load(at time.Time, actor, containerNo, departureID string) error {
	containerNo = strings.ToUpper(strings.TrimSpace(containerNo))
	departureID = strings.TrimSpace(departureID)
	if containerNo == "" {
		return domain.InvalidField("containerNo", "required", "containerNo is required")
	}
	if p.status == StatusLoaded {
		if containerNo == p.containerNo && departureID == p.departureID {
			return nil
		}
		return p.illegal(StatusLoaded, "it is already loaded in container "+p.containerNo)
	}
	if !CanTransition(p.status, StatusLoaded) {
		return p.illegal(StatusLoaded, "")
	}
	p.containerNo, p.departureID = containerNo, departureID
	data := map[string]any{"containerNo": containerNo}
	detail := "loaded in container " + containerNo
	if departureID != "" {
		data["departureId"] = departureID
		detail += " for departure " + departureID
	}
	p.moveTo(StatusLoaded, at, actor, detail, data)
	return nil
}

// Unload takes a loaded parcel out of its container again, back to released (the container was
// not recorded after all, or the parcel was stowed by mistake). A parcel that is not loaded is
// left alone.
func (p *Parcel) Unload(at time.Time, actor, reason string) error {
	if p.status != StatusLoaded {
		return nil
	}
	from := p.containerNo
	p.containerNo, p.departureID = "", ""
	p.moveTo(StatusReleased, at, actor, detailWith("unloaded from container "+from, strings.TrimSpace(reason)),
		map[string]any{"containerNo": from})
	return nil
}

// RecordMovement notes on the timeline a movement of the parcel's train that changes no status
// (a border crossing, a transshipment), with where it happened. A movement noted before (same
// kind, place and time) is not noted again.
func (p *Parcel) RecordMovement(at time.Time, actor, movement, location string) {
	at = at.UTC()
	detail := movement + " at " + location
	for _, t := range p.timeline {
		if t.Type == "parcel.movement" && t.Detail == detail && t.At.Equal(at) {
			return
		}
	}
	p.addEvent(at, actor, "parcel.movement", detail, map[string]any{"movement": movement, "location": location})
}

// EventClosed is the timeline type of customs closing the parcel's inventory list (结关, 899).
const EventClosed = "parcel.closed"

// RecordClosure notes that customs closed (结关, returnStatus 899) the parcel's inventory list
// invtNo after the goods left the country: the end of its customs story. It changes no status
// (the parcel travels on) and is noted once.
func (p *Parcel) RecordClosure(at time.Time, actor, invtNo string) {
	for _, t := range p.timeline {
		if t.Type == EventClosed {
			return
		}
	}
	p.addEvent(at.UTC(), actor, EventClosed, "inventory list "+invtNo+" closed by customs (结关 899)",
		map[string]any{"invtNo": invtNo})
}

// Depart records that the parcel's train left.
func (p *Parcel) Depart(at time.Time, actor string) error {
	return p.simple(StatusDeparted, at, actor, "departed", nil)
}

// Arrive records that the parcel arrived at its destination.
func (p *Parcel) Arrive(at time.Time, actor string) error {
	return p.simple(StatusArrived, at, actor, "arrived", nil)
}

// Cancel withdraws a registered or rejected parcel (see the status machine for why not later).
func (p *Parcel) Cancel(at time.Time, actor, reason string) error {
	reason = strings.TrimSpace(reason)
	if p.status == StatusCancelled {
		return nil
	}
	var v domain.Violations
	if !v.CheckText("reason", reason, false, MaxCancelReason) {
		return v.Err()
	}
	if !CanTransition(p.status, StatusCancelled) {
		return p.illegal(StatusCancelled, "")
	}
	p.cancelReason = reason
	p.moveTo(StatusCancelled, at, actor, detailWith("cancelled", reason), map[string]any{"reason": reason})
	return nil
}

// WithdrawRelease records that customs approved cancellationID, the cancellation (CEB605) of
// the released parcel's inventory list: the release no longer holds. A released or loaded
// parcel becomes withdrawn, a final status: it may not be loaded, and one in a container comes
// off it — the event names the container, the departure and the parcel's gross mass, for the
// rail context to take it out (the parcel itself no longer names them). The timeline says why,
// in Chinese and English. Repeating it is harmless; a parcel whose train left is refused
// (illegal_transition): see NoteListCancelledAfterDeparture.
func (p *Parcel) WithdrawRelease(at time.Time, actor, cancellationID string) error {
	cancellationID = strings.TrimSpace(cancellationID)
	if p.status == StatusWithdrawn {
		return nil
	}
	if !CanTransition(p.status, StatusWithdrawn) {
		return p.illegal(StatusWithdrawn, "")
	}
	detail := "放行已撤销：清单已被撤销申请 " + cancellationID + " 撤销（CEB605 审核通过），货物不得装运" +
		" / release withdrawn: customs approved cancellation " + cancellationID + " of the inventory list; the goods may not be loaded"
	data := map[string]any{"cancelDeclarationId": cancellationID, "grossWeightKg": p.fields.GrossWeightKg.String()}
	if p.containerNo != "" {
		detail += "; 已从集装箱 " + p.containerNo + " 卸下 / taken out of container " + p.containerNo
		data["containerNo"], data["departureId"] = p.containerNo, p.departureID
	}
	p.containerNo, p.departureID = "", ""
	p.cancelReason = "inventory list cancelled by " + cancellationID
	p.moveTo(StatusWithdrawn, at, actor, detail, data)
	return nil
}

// NoteListCancelledAfterDeparture notes that customs approved cancellationID, the cancellation
// of the parcel's inventory list, after the goods had left with their train: nothing can be
// withdrawn, so the status stays, and the timeline says so (once).
func (p *Parcel) NoteListCancelledAfterDeparture(at time.Time, actor, cancellationID string) bool {
	for _, t := range p.timeline {
		if t.Type == EventListCancelledAfterDeparture {
			return false
		}
	}
	p.addEvent(at, actor, EventListCancelledAfterDeparture,
		"清单已被撤销申请 "+cancellationID+" 撤销，但货物已随班列离境，无法撤回 / customs approved cancellation "+
			cancellationID+" of the inventory list after the goods had left with their train: nothing could be withdrawn",
		map[string]any{"cancelDeclarationId": cancellationID})
	return true
}

// simple is a transition without facts of its own: a repeat is a no-op.
func (p *Parcel) simple(to Status, at time.Time, actor, detail string, data map[string]any) error {
	if p.status == to {
		return nil
	}
	if !CanTransition(p.status, to) {
		return p.illegal(to, "")
	}
	p.moveTo(to, at, actor, detail, data)
	return nil
}

func (p *Parcel) illegal(to Status, why string) error {
	msg := "a " + string(p.status) + " parcel cannot become " + string(to)
	if why != "" {
		msg += ": " + why
	}
	return domain.Errorf(domain.KindFailedPrecondition, domain.CodeIllegalTransition, "%s", msg)
}

func (p *Parcel) moveTo(to Status, at time.Time, actor, detail string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["from"] = string(p.status)
	p.status = to
	p.addEvent(at, actor, eventType(to), detail, data)
}

// addEvent appends a timeline entry and the matching outbox event.
func (p *Parcel) addEvent(at time.Time, actor, typ, detail string, extra map[string]any) {
	at = at.UTC()
	p.timeline = append(p.timeline, TimelineEntry{At: at, Type: typ, Status: p.status, Detail: detail, Actor: actor})
	data := map[string]any{
		"status":        string(p.status),
		"exporterId":    p.fields.ExporterID,
		"tradeMode":     p.fields.TradeMode,
		"orderNo":       p.fields.OrderNo,
		"logisticsCode": p.fields.LogisticsCode,
		"logisticsNo":   p.fields.LogisticsNo,
		"actor":         actor,
	}
	if detail != "" {
		data["detail"] = detail
	}
	for k, v := range extra {
		data[k] = v
	}
	p.outbox = append(p.outbox, domain.NewEvent(aggregateName, p.id, p.version+1, len(p.outbox), typ, at, data))
	p.updatedAt = at
}

func detailWith(what, reason string) string {
	if reason == "" {
		return what
	}
	return what + ": " + reason
}

// ID is the parcel's opaque identifier.
func (p *Parcel) ID() string { return p.id }

// Key is the natural key (logisticsCode, logisticsNo) as one string; see Key.
func (p *Parcel) Key() string { return p.fields.Key() }

// Fields are the parcel's checked contents (a copy).
func (p *Parcel) Fields() Fields { return p.fields.clone() }

// TradeMode is 9610 or 1210.
func (p *Parcel) TradeMode() string { return p.fields.TradeMode }

// ExporterID is the exporter the parcel belongs to.
func (p *Parcel) ExporterID() string { return p.fields.ExporterID }

// OrderNo is the platform's order number.
func (p *Parcel) OrderNo() string { return p.fields.OrderNo }

// EbpCode is the platform's customs code or USCC, if any.
func (p *Parcel) EbpCode() string { return p.fields.EbpCode }

// EbpName is the platform's name, if any.
func (p *Parcel) EbpName() string { return p.fields.EbpName }

// LogisticsCode is the carrier's customs code or USCC.
func (p *Parcel) LogisticsCode() string { return p.fields.LogisticsCode }

// LogisticsNo is the carrier's waybill number.
func (p *Parcel) LogisticsNo() string { return p.fields.LogisticsNo }

// Consignee is the receiver abroad.
func (p *Parcel) Consignee() Consignee { return p.fields.Consignee }

// DestinationCountry is the ISO alpha-2 destination.
func (p *Parcel) DestinationCountry() string { return p.fields.DestinationCountry }

// Currency is the ISO 4217 currency of the prices, freight and insurance.
func (p *Parcel) Currency() string { return p.fields.Currency }

// Items are the lines of goods (a copy).
func (p *Parcel) Items() []Item { return slices.Clone(p.fields.Items) }

// GrossWeightKg is the gross weight in kg.
func (p *Parcel) GrossWeightKg() code.Decimal { return p.fields.GrossWeightKg }

// NetWeightKg is the net weight in kg.
func (p *Parcel) NetWeightKg() code.Decimal { return p.fields.NetWeightKg }

// Freight is the freight charge, in Currency.
func (p *Parcel) Freight() code.Decimal { return p.fields.Freight }

// InsuredFee is the insurance charge, in Currency.
func (p *Parcel) InsuredFee() code.Decimal { return p.fields.InsuredFee }

// GoodsValue is the sum of the items' total prices.
func (p *Parcel) GoodsValue() code.Decimal { return p.fields.GoodsValue() }

// EmsNo is the bonded account book number (1210).
func (p *Parcel) EmsNo() string { return p.fields.EmsNo }

// Note is the exporter's remark.
func (p *Parcel) Note() string { return p.fields.Note }

// Status is where the parcel stands.
func (p *Parcel) Status() Status { return p.status }

// Editable reports whether Edit is allowed now.
func (p *Parcel) Editable() bool { return p.status.Editable() }

// DeclarationID is the declaration the parcel was last declared under, if any.
func (p *Parcel) DeclarationID() string { return p.declarationID }

// ExitCustoms is the customs office where the parcel's list says it leaves China ("" when the
// list did not say, as before exit offices were recorded).
func (p *Parcel) ExitCustoms() string { return p.exitCustoms }

// ContainerNo is the container the parcel was loaded in, if any.
func (p *Parcel) ContainerNo() string { return p.containerNo }

// DepartureID is the departure the parcel was loaded for, if known.
func (p *Parcel) DepartureID() string { return p.departureID }

// RejectReason is customs' reason for the last rejection, while the parcel is rejected.
func (p *Parcel) RejectReason() string { return p.rejectReason }

// CancelReason is the reason given when the parcel was cancelled.
func (p *Parcel) CancelReason() string { return p.cancelReason }

// CreatedAt is when the parcel was registered.
func (p *Parcel) CreatedAt() time.Time { return p.createdAt }

// UpdatedAt is when it last changed.
func (p *Parcel) UpdatedAt() time.Time { return p.updatedAt }

// Timeline is everything that happened to the parcel, oldest first (a copy).
func (p *Parcel) Timeline() []TimelineEntry { return slices.Clone(p.timeline) }

// Version counts stored changes, for optimistic concurrency; the store bumps it.
func (p *Parcel) Version() int64 { return p.version }

// Outbox holds the events recorded since the parcel was made or loaded, for the store to write
// with the change (a copy).
func (p *Parcel) Outbox() []domain.Event { return slices.Clone(p.outbox) }

// Record is the stored form of a parcel, for rebuilding it from a database.
type Record struct {
	ID            string
	Fields        Fields
	Status        Status
	DeclarationID string
	ExitCustoms   string
	ContainerNo   string
	DepartureID   string
	RejectReason  string
	CancelReason  string
	Yard          *YardArrival
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Timeline      []TimelineEntry
	Version       int64
}

// Snapshot is the parcel's stored form (copies of its slices).
func (p *Parcel) Snapshot() Record {
	return Record{
		ID: p.id, Fields: p.fields.clone(), Status: p.status, DeclarationID: p.declarationID, ExitCustoms: p.exitCustoms,
		ContainerNo: p.containerNo, DepartureID: p.departureID, RejectReason: p.rejectReason,
		CancelReason: p.cancelReason, Yard: p.yard.clone(), CreatedAt: p.createdAt, UpdatedAt: p.updatedAt,
		Timeline: slices.Clone(p.timeline), Version: p.version,
	}
}

// UnmarshalFromDatabase rebuilds a stored parcel as it is, without checking its contents or
// history again (rules change; what was accepted stays readable). Its outbox starts empty.
func UnmarshalFromDatabase(r Record) *Parcel {
	return &Parcel{
		id: r.ID, fields: r.Fields.clone(), status: r.Status, declarationID: r.DeclarationID, exitCustoms: r.ExitCustoms,
		containerNo: r.ContainerNo, departureID: r.DepartureID, rejectReason: r.RejectReason,
		cancelReason: r.CancelReason, yard: r.Yard.clone(), createdAt: r.CreatedAt, updatedAt: r.UpdatedAt,
		timeline: slices.Clone(r.Timeline), version: r.Version,
	}
}

// Filter selects parcels for a list; empty fields match all. ExporterIDs, when not nil, keeps
// only parcels of those exporters: how an exporter sees only its own parcels and a broker those
// of the exporters that authorised it.
type Filter struct {
	ExporterIDs []string
	Status      Status
	TradeMode   string
	LogisticsNo string
	OrderNo     string
	CreatedFrom time.Time // inclusive
	CreatedTo   time.Time // exclusive
	Limit       int
	Cursor      string
}

// InsertOutcome is what became of one parcel of a bulk insert.
type InsertOutcome int

// Insert outcomes.
const (
	Inserted  InsertOutcome = iota
	Duplicate               // its natural key was registered already
)

// Repository stores parcels.
type Repository interface {
	// Insert stores new parcels in one bulk write. The natural key (logisticsCode, logisticsNo) is
	// unique: a parcel whose key exists is not stored and comes back as Duplicate, also when two
	// requests race. outcomes[i] is for ps[i]; err reports a failure of the store, not duplicates.
	Insert(ctx context.Context, ps []*Parcel) (outcomes []InsertOutcome, err error)
	// Get returns the parcel or a NotFound error.
	Get(ctx context.Context, id string) (*Parcel, error)
	// GetByKey finds a parcel by its natural key, or returns a NotFound error.
	GetByKey(ctx context.Context, logisticsCode, logisticsNo string) (*Parcel, error)
	// FindByLogisticsNo returns the parcels of every carrier with this waybill number.
	FindByLogisticsNo(ctx context.Context, logisticsNo string) ([]*Parcel, error)
	// Update loads the parcel, lets change modify it and stores it with its outbox if the stored
	// version has not moved meanwhile (else it retries with a fresh copy).
	Update(ctx context.Context, id string, change func(*Parcel) error) (*Parcel, error)
	// List returns parcels, newest first, and the cursor of the next page.
	List(ctx context.Context, f Filter) ([]*Parcel, string, error)
}

// IDFor is the id of the parcel with this natural key. Deriving the id from the key makes the
// key's uniqueness the primary key's (enforced by every store, under any concurrency) and makes
// a lookup by waybill a primary-key lookup. logisticsCode is a fixed-length customs code or USCC,
// so the id parses back unambiguously.
func IDFor(logisticsCode, logisticsNo string) string {
	return "pcl_" + logisticsCode + "_" + logisticsNo
}
