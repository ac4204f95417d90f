package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

// Lines stores the train lines in "rail_lines", by code.
type Lines struct {
	store *Store
	coll  *mongo.Collection
}

var _ rail.LineRepository = (*Lines)(nil)

// NewLines returns the line repository.
func NewLines(s *Store) *Lines { return &Lines{store: s, coll: s.db.Collection(collLines)} }

var errLineNotFound = domain.NotFound("line")

// Create stores a new line (version 1).
func (r *Lines) Create(ctx context.Context, l rail.Line) error {
	l.Version = 1
	_, err := r.coll.InsertOne(ctx, lineToDoc(l))
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, "line_exists", "line %s exists", l.Code)
	}
	return internal(err, "insert line")
}

// Get loads a line by code.
func (r *Lines) Get(ctx context.Context, code string) (rail.Line, error) {
	return getByID(ctx, r.coll, code, errLineNotFound, (*lineDoc).line)
}

// Update changes a line under optimistic concurrency (the embedded store: a lock per line).
func (r *Lines) Update(ctx context.Context, code string, change func(*rail.Line) error) (rail.Line, error) {
	if r.store.local != nil {
		defer r.store.local.lock(collLines + "\x00" + code)()
	}
	for attempt := 0; attempt < maxUpdateAttempts; attempt++ {
		l, err := r.Get(ctx, code)
		if err != nil {
			return rail.Line{}, err
		}
		read := l.Version
		if err := change(&l); err != nil {
			return rail.Line{}, err
		}
		l.Code, l.Version = code, read+1
		filter := bson.M{"_id": code, "version": read}
		if r.store.local != nil {
			filter = bson.M{"_id": code}
		}
		res, err := r.coll.ReplaceOne(ctx, filter, lineToDoc(l))
		if err != nil {
			return rail.Line{}, internal(err, "update line")
		}
		if res.MatchedCount == 1 {
			return l, nil
		}
	}
	return rail.Line{}, domain.Errorf(domain.KindConflict, "concurrent_update", "the line is being changed by others; try again")
}

// List returns every line by code.
func (r *Lines) List(ctx context.Context) ([]rail.Line, error) {
	cur, err := r.coll.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, internal(err, "list lines")
	}
	var docs []lineDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, internal(err, "list lines")
	}
	out := make([]rail.Line, len(docs))
	for i := range docs {
		out[i] = docs[i].line()
	}
	return out, nil
}

// Departures stores departures in "departures" with their capacity counters, holders and
// waiting list (see rail.DepartureRepository for the single-document operations).
type Departures struct {
	store *Store
	coll  *mongo.Collection

	found foundEntries // what Unsettled found on the agenda, for Settle
}

var _ rail.DepartureRepository = (*Departures)(nil)

// NewDepartures returns the departure repository.
func NewDepartures(s *Store) *Departures {
	return &Departures{store: s, coll: s.db.Collection(collDepartures)}
}

type departureDoc struct {
	ID                string               `bson:"_id"`
	LineCode          string               `bson:"lineCode"`
	LineName          string               `bson:"lineName"`
	Itinerary         []stopDoc            `bson:"itinerary"`
	TransitDays       int                  `bson:"transitDays"`
	DepartsAt         time.Time            `bson:"departsAt"`
	CapacityTEU       int                  `bson:"capacityTeu"`
	ConfirmedTEU      int                  `bson:"confirmedTeu"`
	FreeTEU           int                  `bson:"freeTeu"`
	MaxCargoKg        int64                `bson:"maxCargoKg"`
	CargoKg           int64                `bson:"cargoKg"`
	FreeKg            int64                `bson:"freeKg"`
	WaitlistedTEU     int                  `bson:"waitlistedTeu"`
	Holds             map[string]string    `bson:"holds"`   // booking id → the place it holds (slotText)
	Waiting           map[string]string    `bson:"waiting"` // booking id → the place it waits for
	CapacityChangedAt *time.Time           `bson:"capacityChangedAt,omitempty"`
	CapacityVersion   int64                `bson:"capacityVersion,omitempty"` // moved by every capacity change (Admit's condition)
	BookingOpensAt    time.Time            `bson:"bookingOpensAt"`
	CutoffAt          time.Time            `bson:"cutoffAt"`
	Status            rail.DepartureStatus `bson:"status"`
	Events            []movementDoc        `bson:"events"`
	CancelReason      string               `bson:"cancelReason,omitempty"`
	CreatedAt         time.Time            `bson:"createdAt"`
	UpdatedAt         time.Time            `bson:"updatedAt"`
	Version           int64                `bson:"version"`
	Outbox            []eventDoc           `bson:"outbox"`
}

func (d departureDoc) id() string         { return d.ID }
func (d departureDoc) version() int64     { return d.Version }
func (d departureDoc) outbox() []eventDoc { return d.Outbox }

// managed: the capacity fields belong to Reserve, Release, Waitlist, Unwaitlist and Settle.
func (d departureDoc) managed() []string {
	return []string{"capacityTeu", "confirmedTeu", "freeTeu", "maxCargoKg", "cargoKg", "freeKg",
		"waitlistedTeu", "holds", "waiting", "capacityChangedAt", "capacityVersion"}
}

func departureToDoc(d *rail.Departure) departureDoc {
	r := d.Snapshot()
	doc := departureDoc{
		ID: r.ID, LineCode: r.LineCode, LineName: r.LineName, Itinerary: eachOf(r.Itinerary, stopToDoc), TransitDays: r.TransitDays,
		DepartsAt: r.DepartsAt, CapacityTEU: r.Capacity.CapacityTEU, ConfirmedTEU: r.Capacity.ConfirmedTEU,
		FreeTEU: r.Capacity.FreeTEU(), MaxCargoKg: r.Capacity.MaxCargoKg, CargoKg: r.Capacity.CargoKg,
		FreeKg: r.Capacity.FreeKg(), WaitlistedTEU: r.WaitlistedTEU, Holds: slotMap(r.Holders), Waiting: slotMap(r.Waitlist),
		BookingOpensAt: r.BookingOpensAt, CutoffAt: r.CutoffAt, Status: r.Status, Events: eachOf(r.Events, movementToDoc),
		CancelReason: r.CancelReason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Version: r.Version + 1, Outbox: outboxDocs(d.Outbox()),
	}
	if !r.CapacityChangedAt.IsZero() {
		doc.CapacityChangedAt = &r.CapacityChangedAt
	}
	if doc.Events == nil {
		doc.Events = []movementDoc{}
	}
	return doc
}

func departureFromDoc(d *departureDoc) *rail.Departure {
	r := rail.DepartureRecord{
		ID: d.ID, LineCode: d.LineCode, LineName: d.LineName, Itinerary: eachOf(d.Itinerary, stopDoc.stop), TransitDays: d.TransitDays,
		DepartsAt: d.DepartsAt,
		Capacity: rail.Capacity{CapacityTEU: d.CapacityTEU, ConfirmedTEU: d.ConfirmedTEU,
			MaxCargoKg: d.MaxCargoKg, CargoKg: d.CargoKg},
		WaitlistedTEU: d.WaitlistedTEU, Holders: slotList(d.Holds), Waitlist: slotList(d.Waiting),
		BookingOpensAt: d.BookingOpensAt, CutoffAt: d.CutoffAt, Status: d.Status, Events: eachOf(d.Events, movementDoc.event),
		CancelReason: d.CancelReason, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version,
	}
	if d.CapacityChangedAt != nil {
		r.CapacityChangedAt = *d.CapacityChangedAt
	}
	return rail.DepartureFromDatabase(r)
}

// slotMap keys slots by booking id: a place is then set and removed with $set / $unset of
// "holds.<id>", which every MongoDB-compatible server honours (booking ids have no dots). A
// slot is stored as one short string (slotText): a departure carries hundreds of them, and the
// embedded store decodes every value of a document at every read.
func slotMap(slots []rail.Slot) map[string]string {
	m := make(map[string]string, len(slots))
	for _, s := range slots {
		m[s.Booking] = slotText(s)
	}
	return m
}

// slotList is the map's slots (the domain orders them); an unreadable entry keeps its booking
// id with no amounts, so that it is still seen (and its booking repaired) rather than lost.
func slotList(m map[string]string) []rail.Slot {
	out := make([]rail.Slot, 0, len(m))
	for id, text := range m {
		s, _ := parseSlot(text)
		s.Booking = id
		out = append(out, s)
	}
	return out
}

// slotText is "teu/kg/unix milliseconds".
func slotText(s rail.Slot) string {
	return strconv.Itoa(s.TEU) + "/" + strconv.FormatInt(s.Kg, 10) + "/" + strconv.FormatInt(s.At.UnixMilli(), 10)
}

func parseSlot(text string) (rail.Slot, error) {
	parts := strings.Split(text, "/")
	if len(parts) != 3 {
		return rail.Slot{}, fmt.Errorf("slot %q", text)
	}
	teu, err1 := strconv.Atoi(parts[0])
	kg, err2 := strconv.ParseInt(parts[1], 10, 64)
	ms, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return rail.Slot{}, fmt.Errorf("slot %q: %w", text, err)
	}
	return rail.Slot{TEU: teu, Kg: kg, At: time.UnixMilli(ms).UTC()}, nil
}

var errDepartureNotFound = domain.NotFound("departure")

func isNotFound(err error) bool { return domain.KindOf(err) == domain.KindNotFound }

func ignoreNotFound(err error) error {
	if isNotFound(err) {
		return nil
	}
	return err
}

// Create stores a new departure.
func (r *Departures) Create(ctx context.Context, d *rail.Departure) error {
	doc := departureToDoc(d)
	if err := noteWrites(ctx, r.store, collDepartures, nil, []departureDoc{doc}); err != nil {
		return err
	}
	_, err := r.coll.InsertOne(ctx, doc)
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, domain.CodeDepartureExists, "departure %s is planned already", d.ID())
	}
	return internal(err, "insert departure")
}

// Get loads a departure.
func (r *Departures) Get(ctx context.Context, id string) (*rail.Departure, error) {
	return getByID(ctx, r.coll, id, errDepartureNotFound, departureFromDoc)
}

// Update changes a departure under optimistic concurrency, never writing its capacity fields.
func (r *Departures) Update(ctx context.Context, id string, change func(*rail.Departure) error) (*rail.Departure, error) {
	return updateVersioned(ctx, r.store, r.coll, id, errDepartureNotFound, departureFromDoc, change, departureToDoc)
}

// List returns departures soonest first; the cursor is the (departsAt, _id) of the last one.
func (r *Departures) List(ctx context.Context, f rail.DepartureFilter) ([]*rail.Departure, string, error) {
	and := bson.A{}
	if f.LineCode != "" {
		and = append(and, bson.M{"lineCode": f.LineCode})
	}
	if f.Status != "" {
		and = append(and, bson.M{"status": f.Status})
	}
	if !f.From.IsZero() {
		and = append(and, bson.M{"departsAt": bson.M{"$gte": f.From}})
	}
	if !f.To.IsZero() {
		and = append(and, bson.M{"departsAt": bson.M{"$lt": f.To}})
	}
	if f.Cursor != "" {
		at, id, err := decodeTimeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		and = append(and, bson.M{"$or": bson.A{
			bson.M{"departsAt": bson.M{"$gt": at}},
			bson.M{"departsAt": at, "_id": bson.M{"$gt": id}},
		}})
	}
	filter := bson.M{}
	if len(and) > 0 {
		filter["$and"] = and
	}
	// MongoDB: index "line_departs" for one line, "departs" otherwise.
	docs, more, err := findPage[departureDoc](ctx, r.coll, filter, bson.D{{Key: "departsAt", Value: 1}, {Key: "_id", Value: 1}}, f.Limit)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if more {
		last := docs[len(docs)-1]
		next = encodeTimeCursor(last.DepartsAt, last.ID)
	}
	out := make([]*rail.Departure, len(docs))
	for i := range docs {
		out[i] = departureFromDoc(&docs[i])
	}
	return out, next, nil
}

func (r *Departures) find(ctx context.Context, filter bson.M, opts *options.FindOptions) ([]departureDoc, error) {
	cur, err := r.coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, internal(err, "find departures")
	}
	var docs []departureDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, internal(err, "find departures")
	}
	return docs, nil
}

// capacityOp runs one conditional single-document update of a departure's capacity fields and
// reports whether it matched. filter is the condition as MongoDB applies it, in the update;
// cond is the same condition as the domain states it (rail.Departure.CanReserve and the like),
// applied instead on the embedded store, which answers a filter on anything besides _id by
// scanning the collection: there the departure's lock (held by every read-change-write of the
// document in this, its only, process) guards a read, cond, and a write by _id. The departure
// read is returned too (nil on MongoDB), as it stood before the update, so that callers need
// not read it again.
func (r *Departures) capacityOp(ctx context.Context, id string, filter, update bson.M, cond func(*rail.Departure) bool) (bool, *rail.Departure, error) {
	set, _ := update["$set"].(bson.M)
	if set == nil {
		set = bson.M{}
		update["$set"] = set
	}
	set["capacityChangedAt"] = time.Now().UTC().Truncate(time.Millisecond)
	inc, _ := update["$inc"].(bson.M)
	if inc == nil {
		inc = bson.M{}
		update["$inc"] = inc
	}
	inc["capacityVersion"] = int64(1)
	// Noted before the change, and outside the departure's lock, which every request on the
	// departure waits for: a crash after the change leaves the departure for the reconciler.
	if _, err := r.store.agenda.note(ctx, map[string][]string{agendaSettle: {id}}); err != nil {
		return false, nil, err
	}
	var before *rail.Departure
	if r.store.local != nil {
		defer r.store.local.lock(collDepartures + "\x00" + id)()
		doc, err := loadDoc[departureDoc](ctx, r.coll, id, errDepartureNotFound)
		if err != nil {
			return false, nil, err
		}
		if before = departureFromDoc(doc); !cond(before) {
			return false, before, nil
		}
		filter = bson.M{}
	}
	filter["_id"] = id
	res, err := r.coll.UpdateOne(ctx, filter, update)
	if err != nil {
		return false, before, internal(err, "update departure capacity")
	}
	return res.MatchedCount == 1, before, nil
}

// current is the departure as capacityOp read it, or as it is now when it read nothing.
func (r *Departures) current(ctx context.Context, id string, read *rail.Departure) (*rail.Departure, error) {
	if read != nil {
		return read, nil
	}
	return r.Get(ctx, id)
}

// Reserve makes s's booking a holder if the departure admits it (rail.Departure.CanReserve;
// rail.DepartureRepository spells the filter out).
func (r *Departures) Reserve(ctx context.Context, departureID string, s rail.Slot, fromWaitlist bool) (bool, error) {
	if err := rail.CheckAmount(s.TEU, s.Kg); err != nil {
		return false, err // the filter below would take a negative amount as fitting
	}
	held, waiting := "holds."+s.Booking, "waiting."+s.Booking
	filter := bson.M{
		"status":  rail.DepartureScheduled,
		"freeTeu": bson.M{"$gte": s.TEU},
		"freeKg":  bson.M{"$gte": s.Kg},
		held:      bson.M{"$exists": false},
	}
	inc := bson.M{"confirmedTeu": s.TEU, "freeTeu": -s.TEU, "cargoKg": s.Kg, "freeKg": -s.Kg}
	update := bson.M{"$inc": inc, "$set": bson.M{held: slotText(s)}}
	if fromWaitlist {
		filter[waiting] = bson.M{"$exists": true}
		inc["waitlistedTeu"] = -s.TEU
		update["$unset"] = bson.M{waiting: ""}
	} else {
		filter["waitlistedTeu"] = 0
	}
	ok, read, err := r.capacityOp(ctx, departureID, filter, update, func(d *rail.Departure) bool {
		return d.CanReserve(s, fromWaitlist)
	})
	if err != nil || ok {
		return ok, err
	}
	d, err := r.current(ctx, departureID, read) // refused, or held already (a repeat)?
	if err != nil {
		return false, err
	}
	return d.HeldBy(s.Booking), nil
}

// Release gives back what s's booking holds.
func (r *Departures) Release(ctx context.Context, departureID string, s rail.Slot) error {
	held := "holds." + s.Booking
	_, _, err := r.capacityOp(ctx, departureID, bson.M{held: bson.M{"$exists": true}}, bson.M{
		"$inc":   bson.M{"confirmedTeu": -s.TEU, "freeTeu": s.TEU, "cargoKg": -s.Kg, "freeKg": s.Kg},
		"$unset": bson.M{held: ""},
	}, func(d *rail.Departure) bool { return d.HeldBy(s.Booking) })
	return err
}

// Waitlist queues s (rail.Departure.CanWaitlist); see rail.DepartureRepository.
func (r *Departures) Waitlist(ctx context.Context, departureID string, s rail.Slot) (*rail.Departure, bool, error) {
	held, waiting := "holds."+s.Booking, "waiting."+s.Booking
	ok, read, err := r.capacityOp(ctx, departureID,
		bson.M{"status": rail.DepartureScheduled, waiting: bson.M{"$exists": false}, held: bson.M{"$exists": false}},
		bson.M{"$inc": bson.M{"waitlistedTeu": s.TEU}, "$set": bson.M{waiting: slotText(s)}},
		func(d *rail.Departure) bool { return d.CanWaitlist(s) })
	if err != nil {
		return nil, false, err
	}
	d, err := r.current(ctx, departureID, read)
	if err != nil {
		return nil, false, err
	}
	return d, ok || d.Waiting(s.Booking) || d.HeldBy(s.Booking), nil
}

// Unwaitlist takes s's booking off the waiting list.
func (r *Departures) Unwaitlist(ctx context.Context, departureID string, s rail.Slot) error {
	waiting := "waiting." + s.Booking
	_, _, err := r.capacityOp(ctx, departureID, bson.M{waiting: bson.M{"$exists": true}}, bson.M{
		"$inc":   bson.M{"waitlistedTeu": -s.TEU},
		"$unset": bson.M{waiting: ""},
	}, func(d *rail.Departure) bool { return d.Waiting(s.Booking) })
	return err
}

// Admit records new bookings of one departure in one go (rail.DepartureRepository.Admit): one
// read of the departure, one note on the agenda (the departure to settle and the bookings'
// outboxes), one update of the departure and one insert of the bookings — for every request
// that arrived together. The condition of the update is the departure's lock on the embedded
// store (see capacityOp) and its capacityVersion as read on MongoDB: any capacity change
// between the read and the write moves it, and the requests are decided again.
func (r *Departures) Admit(ctx context.Context, departureID string, decide func(*rail.Departure) ([]*rail.Booking, error)) (*rail.Departure, error) {
	if r.store.local != nil {
		defer r.store.local.lock(collDepartures + "\x00" + departureID)()
	}
	for range maxUpdateAttempts {
		doc, err := loadDoc[departureDoc](ctx, r.coll, departureID, errDepartureNotFound)
		if err != nil {
			return nil, err
		}
		read, decided := departureFromDoc(doc), departureFromDoc(doc)
		bookings, err := decide(decided)
		if err != nil {
			return read, err
		}
		docs := eachOf(bookings, bookingToDoc)
		notes := map[string][]string{}
		for _, d := range docs {
			notes[agendaOutbox] = append(notes[agendaOutbox], outboxEntry("booking", d.ID, d.Version))
		}
		update := capacityChange(read, decided)
		if update != nil {
			notes[agendaSettle] = []string{departureID}
		}
		if _, err := r.store.agenda.note(ctx, notes); err != nil {
			return read, err
		}
		if update != nil {
			filter := bson.M{"_id": departureID}
			if r.store.local == nil {
				filter["capacityVersion"] = doc.CapacityVersion
				if doc.CapacityVersion == 0 {
					filter["capacityVersion"] = bson.M{"$in": bson.A{0, nil}} // never changed since it was stored
				}
			}
			res, err := r.coll.UpdateOne(ctx, filter, update)
			if err != nil {
				return read, internal(err, "update departure capacity")
			}
			if res.MatchedCount == 0 {
				continue // changed meanwhile: decide again on what it is now
			}
		}
		if len(docs) == 0 {
			return read, nil
		}
		_, err = r.store.db.Collection(collBookings).InsertMany(ctx, eachOf(docs, func(d bookingDoc) any { return d }),
			options.InsertMany().SetOrdered(false))
		return read, internal(err, "insert bookings")
	}
	return nil, domain.Errorf(domain.KindConflict, "concurrent_update", "departure %s keeps changing; try again", departureID)
}

// capacityChange is the update that takes a departure's capacity from read to decided: the
// counters by the difference, the slots that came and went by name. nil when nothing changed.
func capacityChange(read, decided *rail.Departure) bson.M {
	before, after := read.Capacity(), decided.Capacity()
	dTEU, dKg := after.ConfirmedTEU-before.ConfirmedTEU, after.CargoKg-before.CargoKg
	dWait := decided.WaitlistedTEU() - read.WaitlistedTEU()
	set, unset := bson.M{}, bson.M{}
	diffSlots("holds.", read.Holders(), decided.Holders(), set, unset)
	diffSlots("waiting.", read.Waitlist(), decided.Waitlist(), set, unset)
	if dTEU == 0 && dKg == 0 && dWait == 0 && len(set) == 0 && len(unset) == 0 {
		return nil
	}
	set["capacityChangedAt"] = time.Now().UTC().Truncate(time.Millisecond)
	update := bson.M{
		"$inc": bson.M{"confirmedTeu": dTEU, "freeTeu": -dTEU, "cargoKg": dKg, "freeKg": -dKg,
			"waitlistedTeu": dWait, "capacityVersion": int64(1)},
		"$set": set,
	}
	if len(unset) > 0 {
		update["$unset"] = unset
	}
	return update
}

// diffSlots adds to set the slots of after that before lacks, and to unset those it lost.
func diffSlots(prefix string, before, after []rail.Slot, set, unset bson.M) {
	had := make(map[string]bool, len(before))
	for _, s := range before {
		had[s.Booking] = true
	}
	for _, s := range after {
		if !had[s.Booking] {
			set[prefix+s.Booking] = slotText(s)
		}
		delete(had, s.Booking)
	}
	for id := range had {
		unset[prefix+id] = ""
	}
}

// Unsettled lists departures whose capacity changed before the given time and was not settled.
// It reads the departures noted on the agenda at each change and each of them by _id, never
// the collection; one settled meanwhile, or changed again since (noted again then), is taken
// off.
func (r *Departures) Unsettled(ctx context.Context, before time.Time, limit int) ([]*rail.Departure, error) {
	entries, err := r.store.agenda.due(ctx, agendaSettle, before, limit)
	if err != nil {
		return nil, err
	}
	var out []*rail.Departure
	var settled []dueEntry
	for _, e := range entries {
		doc, err := loadDoc[departureDoc](ctx, r.coll, e.Entry, errDepartureNotFound)
		switch {
		case isNotFound(err):
			settled = append(settled, e)
		case err != nil:
			return nil, err
		case doc.CapacityChangedAt == nil:
			settled = append(settled, e)
		case !doc.CapacityChangedAt.Before(before):
			// Changed again since, and noted again then: this older note is done with.
			if e.Slot.Before(slotOf(*doc.CapacityChangedAt)) {
				settled = append(settled, e)
			}
		default:
			r.found.put(e)
			if !slices.ContainsFunc(out, func(d *rail.Departure) bool { return d.ID() == e.Entry }) {
				out = append(out, departureFromDoc(doc))
			}
		}
	}
	return out, r.store.agenda.drop(ctx, agendaSettle, settled)
}

// Settle clears the capacity-changed mark unless it moved since changedAt, and takes what
// Unsettled found of the departure off the agenda.
func (r *Departures) Settle(ctx context.Context, departureID string, changedAt time.Time) error {
	filter := bson.M{"_id": departureID, "capacityChangedAt": changedAt}
	if r.store.local != nil {
		unlock := r.store.local.lock(collDepartures + "\x00" + departureID)
		doc, err := loadDoc[departureDoc](ctx, r.coll, departureID, errDepartureNotFound)
		if err != nil || doc.CapacityChangedAt == nil || !doc.CapacityChangedAt.Equal(changedAt) {
			unlock()
			return ignoreNotFound(err)
		}
		filter = bson.M{"_id": departureID}
		defer unlock()
	}
	res, err := r.coll.UpdateOne(ctx, filter, bson.M{"$unset": bson.M{"capacityChangedAt": ""}})
	if err != nil {
		return internal(err, "settle departure")
	}
	if res.MatchedCount == 0 {
		return nil // changed again since: still owed
	}
	// Only the notes Unsettled found, all of minutes that are over: a change being made now is
	// noted in the current minute, and that note must stay.
	return r.store.agenda.drop(ctx, agendaSettle, r.found.take(departureID))
}

// backfillSettles notes on the agenda every departure whose capacity changed and was not
// settled: what was owed before the agenda existed. It reads the collection, once.
func (r *Departures) backfillSettles(ctx context.Context) error {
	// MongoDB: index "capacity_changed".
	docs, err := r.find(ctx, bson.M{"capacityChangedAt": bson.M{"$exists": true}}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return r.store.agenda.noteAll(ctx, agendaSettle, ids)
}

// Bookings stores bookings in "bookings"; ids are time-ordered, so lists page by _id.
type Bookings struct {
	store *Store
	coll  *mongo.Collection
}

var _ rail.BookingRepository = (*Bookings)(nil)

// NewBookings returns the booking repository.
func NewBookings(s *Store) *Bookings { return &Bookings{store: s, coll: s.db.Collection(collBookings)} }

type bookingDoc struct {
	ID               string                `bson:"_id"`
	DepartureID      string                `bson:"departureId"`
	BookedBy         string                `bson:"bookedBy"`
	ExporterID       string                `bson:"exporterId"`
	Containers       []containerRequestDoc `bson:"containers"`
	TEU              int                   `bson:"teu"`
	GrossKg          int64                 `bson:"grossKg"`
	CargoDescription string                `bson:"cargoDescription"`
	HSCodes          []string              `bson:"hsCodes,omitempty"`
	AllowWaitlist    bool                  `bson:"allowWaitlist"`
	Consignee        *consigneeDoc         `bson:"consignee,omitempty"`
	Status           rail.BookingStatus    `bson:"status"`
	WaitlistedAt     *time.Time            `bson:"waitlistedAt,omitempty"`
	ConfirmedAt      *time.Time            `bson:"confirmedAt,omitempty"`
	CancelledAt      *time.Time            `bson:"cancelledAt,omitempty"`
	CancelReason     string                `bson:"cancelReason,omitempty"`
	Loaded           []loadedContainerDoc  `bson:"loaded"`
	CreatedAt        time.Time             `bson:"createdAt"`
	UpdatedAt        time.Time             `bson:"updatedAt"`
	Timeline         []bookingEntryDoc     `bson:"timeline"`
	Version          int64                 `bson:"version"`
	Outbox           []eventDoc            `bson:"outbox"`
}

func (d bookingDoc) id() string         { return d.ID }
func (d bookingDoc) version() int64     { return d.Version }
func (d bookingDoc) outbox() []eventDoc { return d.Outbox }

func bookingToDoc(b *rail.Booking) bookingDoc {
	r := b.Snapshot()
	d := bookingDoc{
		ID: r.ID, DepartureID: r.DepartureID, BookedBy: r.BookedBy, ExporterID: r.ExporterID,
		Containers: eachOf(r.Containers, containerRequestToDoc), TEU: r.TEU, GrossKg: r.GrossKg, CargoDescription: r.CargoDescription,
		HSCodes: r.HSCodes, AllowWaitlist: r.AllowWaitlist, Consignee: consigneeToDoc(r.Consignee), Status: r.Status,
		WaitlistedAt: r.WaitlistedAt, ConfirmedAt: r.ConfirmedAt, CancelledAt: r.CancelledAt,
		CancelReason: r.CancelReason, Loaded: eachOf(r.Loaded, loadedContainerToDoc), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Timeline: eachOf(r.Timeline, bookingEntryToDoc), Version: r.Version + 1, Outbox: outboxDocs(b.Outbox()),
	}
	if d.Loaded == nil {
		d.Loaded = []loadedContainerDoc{}
	}
	return d
}

func bookingFromDoc(d *bookingDoc) *rail.Booking {
	return rail.BookingFromDatabase(rail.BookingRecord{
		ID: d.ID, DepartureID: d.DepartureID, BookedBy: d.BookedBy, ExporterID: d.ExporterID,
		Containers: eachOf(d.Containers, containerRequestDoc.request), TEU: d.TEU, GrossKg: d.GrossKg, CargoDescription: d.CargoDescription,
		HSCodes: d.HSCodes, AllowWaitlist: d.AllowWaitlist, Consignee: d.Consignee.consignee(), Status: d.Status,
		WaitlistedAt: d.WaitlistedAt, ConfirmedAt: d.ConfirmedAt, CancelledAt: d.CancelledAt,
		CancelReason: d.CancelReason, Loaded: eachOf(d.Loaded, loadedContainerDoc.container), CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		Timeline: eachOf(d.Timeline, bookingEntryDoc.entry), Version: d.Version,
	})
}

var errBookingNotFound = domain.NotFound("booking")

// Create stores a new booking.
func (r *Bookings) Create(ctx context.Context, b *rail.Booking) error {
	doc := bookingToDoc(b)
	if err := noteWrites(ctx, r.store, collBookings, nil, []bookingDoc{doc}); err != nil {
		return err
	}
	_, err := r.coll.InsertOne(ctx, doc)
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, "booking_exists", "booking %s exists", b.ID())
	}
	return internal(err, "insert booking")
}

// Get loads a booking.
func (r *Bookings) Get(ctx context.Context, id string) (*rail.Booking, error) {
	return getByID(ctx, r.coll, id, errBookingNotFound, bookingFromDoc)
}

// Update changes a booking under optimistic concurrency.
func (r *Bookings) Update(ctx context.Context, id string, change func(*rail.Booking) error) (*rail.Booking, error) {
	return updateVersioned(ctx, r.store, r.coll, id, errBookingNotFound, bookingFromDoc, change, bookingToDoc)
}

// List returns bookings newest first.
func (r *Bookings) List(ctx context.Context, f rail.BookingFilter) ([]*rail.Booking, string, error) {
	filter := bson.M{}
	if f.DepartureID != "" {
		filter["departureId"] = f.DepartureID
	}
	if f.ExporterID != "" {
		filter["exporterId"] = f.ExporterID
	}
	if f.Status != "" {
		filter["status"] = f.Status
	}
	if f.Parties != nil {
		filter["$or"] = bson.A{
			bson.M{"exporterId": bson.M{"$in": f.Parties}},
			bson.M{"bookedBy": bson.M{"$in": f.Parties}},
		}
	}
	// MongoDB: index "departure_status" for a departure's bookings; "exporter" and "booked_by",
	// one per branch of Parties' $or; _id for the operator's whole list.
	docs, next, err := page(ctx, r.coll, filter, f.Limit, f.Cursor, func(d *bookingDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*rail.Booking, len(docs))
	for i := range docs {
		out[i] = bookingFromDoc(&docs[i])
	}
	return out, next, nil
}

// DeleteRequested removes a booking that is still requested.
func (r *Bookings) DeleteRequested(ctx context.Context, id string) error {
	filter := bson.M{"_id": id, "status": rail.BookingRequested}
	if r.store.local != nil { // read and delete by _id under the document's lock (see capacityOp)
		defer r.store.local.lock(collBookings + "\x00" + id)()
		doc, err := loadDoc[bookingDoc](ctx, r.coll, id, errBookingNotFound)
		if err != nil || doc.Status != rail.BookingRequested {
			return ignoreNotFound(err)
		}
		filter = bson.M{"_id": id}
	}
	_, err := r.coll.DeleteOne(ctx, filter)
	return internal(err, "delete booking")
}
