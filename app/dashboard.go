package app

import (
	"context"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
)

// Dashboard keeps the figures of the role dashboards (GET /v1/dashboard) and reads them.
//
// The figures are a projection of the events the service already publishes (the Redis event
// stream), kept in small documents read by _id only, because the embedded store answers nothing
// but an _id equality without reading its whole collection (docs/dashboard.md):
//
//   - every record the dashboard counts (a parcel, an inventory list, a booking, an
//     authorisation) is one entry in a shard document of the organisation it belongs to,
//     "<orgId>#s<n>" (DashboardShards shards per organisation, by a hash of the record's id).
//     The entry holds what the figures need of the record and the version of the newest event
//     applied to it: an event at or below that version changes nothing, so an event delivered
//     twice, or replayed out of order, is counted once. A shard also holds its own figures,
//     recomputed from its entries in the same single-document write, so the entries and the
//     figures never disagree;
//   - the organisation's summary "<orgId>" holds a copy of each shard's figures (a $set of the
//     shard's part, idempotent), and the zone's summary "*" a copy of each organisation's
//     total: a dashboard read is one summary, the coming trains ("trains", one document) and
//     the next departures themselves by _id — a handful of _id reads, whatever is stored.
//
// A batch of events costs two commands per shard it touches (read, write) plus two per
// organisation (its summary, the zone's), however many events and parcels are in it. Figures
// lag the records by the time the stream takes to deliver (well under a second).
type Dashboard struct {
	store   DashboardStore
	rail    rail.DepartureRepository
	tenancy *Tenancy
	clock   Clock
	sources DashboardSources
}

// DashboardShards is how many shard documents an organisation's entries are spread over: at
// 10,000 parcels about 300 entries, 30 KB, a shard.
const DashboardShards = 32

// Document ids of the projection besides the organisations' shards and summaries.
const (
	DashboardZone   = "*"      // the zone's summary: every organisation's total
	DashboardTrains = "trains" // the coming departures
)

// DashboardStore keeps the projection's documents, by _id only.
type DashboardStore interface {
	// Shards reads the shard documents by _id; a missing one is absent from the answer.
	Shards(ctx context.Context, ids []string) (map[string]*DashShard, error)
	// SaveShards writes the shards read by Shards and changed (whole, by _id), in bulk. A shard
	// changed meanwhile by another process is a Conflict (the batch is applied again).
	SaveShards(ctx context.Context, shards []*DashShard) error
	// SetParts sets the given parts of a summary (creating it) and returns all its parts.
	SetParts(ctx context.Context, summaryID string, parts map[string]Figures) (map[string]Figures, error)
	// Summary reads a summary's parts by _id (none: empty).
	Summary(ctx context.Context, id string) (map[string]Figures, error)
	// Marked reports whether a marker (a finished backfill) is set; Mark sets it.
	Marked(ctx context.Context, marker string) (bool, error)
	Mark(ctx context.Context, marker string) error
}

// DashboardSources are the records the projection is filled from once, at the first start with
// it (Backfill); nil ones are skipped.
type DashboardSources struct {
	Parcels        parcel.Repository
	Declarations   customs.Repository
	Bookings       rail.BookingRepository
	Departures     rail.DepartureRepository
	Authorizations party.AuthorizationRepository
}

// DashboardPorts are what the dashboard runs on.
type DashboardPorts struct {
	Basics
	Store      DashboardStore
	Departures rail.DepartureRepository
	Tenancy    *Tenancy
	Sources    DashboardSources
}

// NewDashboard returns the dashboard's figures over its store.
func NewDashboard(p DashboardPorts) *Dashboard {
	b := p.Basics.withDefaults()
	return &Dashboard{store: p.Store, rail: p.Departures, tenancy: p.Tenancy, clock: b.Clock, sources: p.Sources}
}

// DashShard is one shard document: its entries by key ("<aggregate>:<id>") and the figures
// computed from them.
type DashShard struct {
	ID      string
	Version int64 // as read; 0 for a new one
	Entries map[string]*DashEntry
	Figures Figures
}

// DashEntry is what the figures need of one record, and the newest event applied to it.
type DashEntry struct {
	Version  int64     // of the newest event applied (with Seq)
	Seq      int       // the event's place in its write
	Status   string    // the record's status (its code)
	At       time.Time // when it took Status
	Month    string    // parcel: month of registration, "2006-01" (UTC)
	Country  string    // parcel: destination, ISO 3166 alpha-2
	Currency string    // parcel: ISO 4217
	Value    int64     // parcel: declared goods value, scaled by 10⁴ (code.Decimal)
	Line     string    // departure: line code
	Departs  time.Time // departure: departure time
	TEU      int       // departure: capacity
	Sub      time.Time // inventory list: submitted
	Rel      time.Time // inventory list: released
}

// Figures are what a dashboard shows of a set of records; they add up (Merge).
type Figures struct {
	Parcels   map[string]int   // parcel status → count
	Lists     map[string]int   // inventory list status → count
	Value     map[string]int64 // "<month>|<country>|<currency>" → goods value × 10⁴
	Clearance map[string][]int // week (its Monday, "2006-01-02") → lists released, per ClearanceBucketsSeconds
	Attention map[string]int   // attention category → count
	First     map[string][]string
}

// ClearanceBucketsSeconds are the upper bounds of the clearance-time histogram (submitted →
// released), in seconds; a last bucket holds the longer ones.
var ClearanceBucketsSeconds = []int64{60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 24 * 3600,
	48 * 3600, 96 * 3600}

// Attention categories: what waits for the caller.
const (
	AttentionRejected       = "rejectedLists"          // inventory lists customs refused (100)
	AttentionInspection     = "listsUnderInspection"   // inventory lists under inspection (500)
	AttentionManualReview   = "listsUnderManualReview" // inventory lists an officer reviews (300)
	AttentionWaitlisted     = "waitlistedBookings"     // bookings on a waiting list
	AttentionAuthorizations = "pendingAuthorizations"  // agreements waiting for the caller's consent
)

// dashFirst is how many ids of each attention category are kept: the oldest first.
const dashFirst = 5

func (f *Figures) init() {
	if f.Parcels == nil {
		f.Parcels, f.Lists, f.Value = map[string]int{}, map[string]int{}, map[string]int64{}
		f.Clearance, f.Attention, f.First = map[string][]int{}, map[string]int{}, map[string][]string{}
	}
}

// Merge adds o to f.
func (f *Figures) Merge(o Figures) {
	f.init()
	for k, n := range o.Parcels {
		f.Parcels[k] += n
	}
	for k, n := range o.Lists {
		f.Lists[k] += n
	}
	for k, n := range o.Value {
		f.Value[k] += n
	}
	for k, b := range o.Clearance {
		cur := f.Clearance[k]
		if len(cur) < len(b) {
			cur = append(cur, make([]int, len(b)-len(cur))...)
		}
		for i, n := range b {
			cur[i] += n
		}
		f.Clearance[k] = cur
	}
	for k, n := range o.Attention {
		f.Attention[k] += n
	}
	for k, ids := range o.First {
		f.First[k] = firstOf(append(slices.Clone(f.First[k]), ids...))
	}
}

// firstOf keeps the dashFirst oldest of "<RFC 3339 time>|<id>" values.
func firstOf(v []string) []string {
	slices.Sort(v)
	v = slices.Compact(v)
	return v[:min(len(v), dashFirst)]
}

// figuresOf computes a shard's figures from its entries.
func figuresOf(entries map[string]*DashEntry) Figures {
	var f Figures
	f.init()
	attention := func(cat string, e *DashEntry, id string) {
		f.Attention[cat]++
		f.First[cat] = append(f.First[cat], e.At.UTC().Format(time.RFC3339Nano)+"|"+id)
	}
	for key, e := range entries {
		kind, id, _ := strings.Cut(key, ":")
		switch kind {
		case "parcel":
			f.Parcels[e.Status]++
			if e.Status != "cancelled" && e.Status != "withdrawn" && e.Month != "" {
				f.Value[e.Month+"|"+e.Country+"|"+e.Currency] += e.Value
			}
		case "declaration":
			f.Lists[e.Status]++
			switch customs.Status(e.Status) {
			case customs.StatusRejected:
				attention(AttentionRejected, e, id)
			case customs.StatusInspection:
				attention(AttentionInspection, e, id)
			case customs.StatusManualReview:
				attention(AttentionManualReview, e, id)
			}
			if !e.Sub.IsZero() && !e.Rel.IsZero() && !e.Rel.Before(e.Sub) {
				week := weekOf(e.Rel)
				b := f.Clearance[week]
				if b == nil {
					b = make([]int, len(ClearanceBucketsSeconds)+1)
				}
				b[clearanceBucket(e.Rel.Sub(e.Sub))]++
				f.Clearance[week] = b
			}
		case "booking":
			if e.Status == string(rail.BookingWaitlisted) {
				attention(AttentionWaitlisted, e, id)
			}
		case "authorization":
			if e.Status == string(party.AuthPending) {
				attention(AttentionAuthorizations, e, id)
			}
		}
	}
	for k, v := range f.First {
		f.First[k] = firstOf(v)
	}
	return f
}

// weekOf is the Monday (UTC) of t's week, "2006-01-02".
func weekOf(t time.Time) string {
	t = t.UTC()
	d := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

func clearanceBucket(d time.Duration) int {
	s := int64(d / time.Second)
	for i, b := range ClearanceBucketsSeconds {
		if s < b {
			return i
		}
	}
	return len(ClearanceBucketsSeconds)
}

// shardOf is the shard document of a record of org.
func shardOf(org, key string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	// A letter first: a field name of digits alone reads as an array index to some stores.
	return org + "#s" + strconv.Itoa(int(h.Sum32()%DashboardShards))
}

// routed is where an event goes: the shard document and the entry's key.
func routed(e domain.Event) (shard, key string, ok bool) {
	str := func(k string) string { s, _ := e.Data[k].(string); return s }
	key = e.Aggregate + ":" + e.SubjectID
	switch e.Aggregate {
	case "parcel", "booking":
		org := str("exporterId")
		return shardOf(org, key), key, org != ""
	case "declaration":
		org := str("exporterId")
		return shardOf(org, key), key, org != "" && str("kind") == string(customs.KindInventory)
	case "authorization":
		// The side that must act: the counterparty of whoever started the agreement.
		org := str("exporterId")
		if str("initiatedBy") == org {
			org = str("brokerId")
		}
		return shardOf(org, key), key, org != "" && str("initiatedBy") != ""
	case "departure":
		return DashboardTrains, key, true
	}
	return "", "", false
}

// eventPosition is an event's version and place in its write, from its id (domain.NewEvent).
func eventPosition(id string) (int64, int, bool) {
	rest, seqText, ok1 := cutLast(id, ":")
	_, verText, ok2 := cutLast(rest, ":")
	v, err1 := strconv.ParseInt(verText, 10, 64)
	seq, err2 := strconv.Atoi(seqText)
	return v, seq, ok1 && ok2 && err1 == nil && err2 == nil
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// applyTo changes the entry by the event, when the event is newer than what the entry holds;
// it reports whether it did.
func applyTo(e *DashEntry, ev domain.Event) bool {
	v, seq, ok := eventPosition(ev.ID)
	if !ok || v < e.Version || v == e.Version && seq <= e.Seq {
		return false // applied before, or older than what is counted
	}
	e.Version, e.Seq = v, seq
	str := func(k string) string { s, _ := ev.Data[k].(string); return s }
	if s := str("status"); s != "" {
		if s != e.Status {
			e.At = ev.At
		}
		e.Status = s
	}
	switch ev.Aggregate {
	case "parcel":
		if ev.Type == "parcel.registered" {
			e.Month = ev.At.UTC().Format("2006-01")
		}
		if gv := str("goodsValue"); gv != "" {
			if d, err := code.ParseDecimal(gv); err == nil {
				e.Value = d.Scaled()
			}
			e.Currency, e.Country = str("currency"), str("destinationCountry")
		}
	case "declaration":
		switch ev.Type {
		case customs.EventSubmitted:
			e.Sub, e.Rel = ev.At, time.Time{}
		case string(customs.EventType(customs.StatusReleased)):
			if e.Rel.IsZero() {
				e.Rel = ev.At
			}
		}
		if t, ok := timeOf(ev.Data["submittedAt"]); ok { // a record backfilled
			e.Sub = t
		}
		if t, ok := timeOf(ev.Data["releasedAt"]); ok { // customs' release time
			e.Rel = t
		}
	case "authorization":
		switch ev.Type {
		case "authorization.requested":
			e.Status, e.At = string(party.AuthPending), ev.At
		case "authorization.activated":
			e.Status, e.At = string(party.AuthActive), ev.At
		case "authorization.revoked":
			e.Status, e.At = string(party.AuthRevoked), ev.At
		}
	case "departure":
		if l := str("lineCode"); l != "" {
			e.Line = l
		}
		if t, ok := timeOf(ev.Data["departsAt"]); ok {
			e.Departs = t
		}
		if n, ok := number(ev.Data["capacityTEU"]); ok {
			e.TEU = n
		}
		if str("status") != "" {
			break // a record backfilled
		}
		if ev.Type == "departure.scheduled" {
			e.Status = string(rail.DepartureScheduled)
		} else if ev.Type == rail.EventDepartureCancelled {
			e.Status = string(rail.DepartureCancelled)
		} else if s, ok := strings.CutPrefix(ev.Type, "departure."); ok {
			e.Status = s // a movement: departed, arrived, ...
		}
	}
	return true
}

// timeOf reads a time of an event's data: a time.Time in memory, a string once through JSON.
func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), !t.IsZero()
	case string:
		p, err := time.Parse(time.RFC3339Nano, t)
		return p.UTC(), err == nil && !p.IsZero()
	}
	return time.Time{}, false
}

func number(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		return int(n), true
	case int:
		return n, true
	case int64:
		return int(n), true
	case int32:
		return int(n), true
	}
	return 0, false
}

// trainsKept is how long a departure stays in the trains document after it left.
const trainsKept = 48 * time.Hour

// Apply counts a batch of published events into the figures: each shard the batch touches is
// read, changed and written once, then each organisation's summary and the zone's. Events
// already counted (the same id, or older than what an entry holds) change nothing. It is what
// the event stream's consumer calls (adapters/redis Events.Consume); a failure leaves the
// batch to be delivered again.
func (d *Dashboard) Apply(ctx context.Context, events []domain.Event) error {
	var err error
	for range 5 {
		if err = d.apply(ctx, events); domain.KindOf(err) != domain.KindConflict {
			return err
		}
	}
	return err
}

func (d *Dashboard) apply(ctx context.Context, events []domain.Event) error {
	type routedEvent struct {
		key string
		ev  domain.Event
	}
	byShard := map[string][]routedEvent{}
	for _, ev := range events {
		if shard, key, ok := routed(ev); ok {
			byShard[shard] = append(byShard[shard], routedEvent{key, ev})
		}
	}
	if len(byShard) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(byShard))
	shards, err := d.store.Shards(ctx, ids)
	if err != nil {
		return err
	}
	now := d.clock.Now()
	var changed []*DashShard
	for _, id := range ids {
		sh := shards[id]
		if sh == nil {
			sh = &DashShard{ID: id, Entries: map[string]*DashEntry{}}
		}
		dirty := false
		for _, r := range byShard[id] {
			e := sh.Entries[r.key]
			if e == nil {
				e = &DashEntry{}
			}
			if applyTo(e, r.ev) {
				sh.Entries[r.key], dirty = e, true
			}
		}
		if id == DashboardTrains {
			for k, e := range sh.Entries {
				if !e.Departs.IsZero() && e.Departs.Before(now.Add(-trainsKept)) {
					delete(sh.Entries, k)
					dirty = true
				}
			}
		}
		if dirty {
			sh.Figures = figuresOf(sh.Entries)
			changed = append(changed, sh)
		}
		shards[id] = sh
	}
	if err := d.store.SaveShards(ctx, changed); err != nil {
		return err
	}
	// The summaries are set from the shards as they now stand — also those the batch did not
	// change (all its events counted before): a summary a crash left behind its shard catches up.
	byOrg := map[string]map[string]Figures{}
	for _, id := range ids {
		org, part, ok := cutLast(id, "#")
		if !ok {
			continue
		}
		if byOrg[org] == nil {
			byOrg[org] = map[string]Figures{}
		}
		byOrg[org][part] = shards[id].Figures
	}
	totals := map[string]Figures{}
	for _, org := range slices.Sorted(maps.Keys(byOrg)) {
		parts, err := d.store.SetParts(ctx, org, byOrg[org])
		if err != nil {
			return err
		}
		totals[org] = sumOf(parts)
	}
	if len(totals) > 0 {
		if _, err := d.store.SetParts(ctx, DashboardZone, totals); err != nil {
			return err
		}
	}
	return nil
}

func sumOf(parts map[string]Figures) Figures {
	var f Figures
	f.init()
	for _, p := range parts {
		f.Merge(p)
	}
	return f
}

// dashboardBackfilled marks a finished backfill.
const dashboardBackfilled = "backfilled"

// Backfill fills the projection from the records stored before it existed, once: a marker says
// it is done; one cut short runs again, whole, at the next start (an entry holds the version of
// its record, so counting a record again changes nothing). The records are read in pages (on the
// embedded store, scans, once); the events published meanwhile are applied after it, and those
// at or below a record's version change nothing. Call it after the stream's consumer group
// exists, so that no event falls between the two.
func (d *Dashboard) Backfill(ctx context.Context) error {
	done, err := d.store.Marked(ctx, dashboardBackfilled)
	if err != nil || done {
		return err
	}
	var batch []domain.Event
	add := func(evs ...domain.Event) error {
		batch = append(batch, evs...)
		if len(batch) < 2000 {
			return nil
		}
		err := d.Apply(ctx, batch)
		batch = batch[:0]
		return err
	}
	s := d.sources
	if s.Parcels != nil {
		if err := eachOf(ctx, func(ctx context.Context, cursor string) ([]*parcel.Parcel, string, error) {
			return s.Parcels.List(ctx, parcel.Filter{Limit: MaxLimit, Cursor: cursor})
		}, func(p *parcel.Parcel) error { return add(parcelEvent(p)) }); err != nil {
			return err
		}
	}
	if s.Declarations != nil {
		if err := eachOf(ctx, func(ctx context.Context, cursor string) ([]*customs.Declaration, string, error) {
			return s.Declarations.List(ctx, customs.Filter{Kind: customs.KindInventory, Limit: MaxLimit, Cursor: cursor})
		}, func(x *customs.Declaration) error { return add(declarationEvent(x)) }); err != nil {
			return err
		}
	}
	if s.Bookings != nil {
		if err := eachOf(ctx, func(ctx context.Context, cursor string) ([]*rail.Booking, string, error) {
			return s.Bookings.List(ctx, rail.BookingFilter{Limit: MaxLimit, Cursor: cursor})
		}, func(b *rail.Booking) error { return add(bookingEvent(b)) }); err != nil {
			return err
		}
	}
	if s.Departures != nil {
		if err := eachOf(ctx, func(ctx context.Context, cursor string) ([]*rail.Departure, string, error) {
			return s.Departures.List(ctx, rail.DepartureFilter{From: d.clock.Now().Add(-trainsKept), Limit: MaxLimit, Cursor: cursor})
		}, func(x *rail.Departure) error { return add(departureEvent(x)) }); err != nil {
			return err
		}
	}
	if s.Authorizations != nil {
		if err := eachOf(ctx, func(ctx context.Context, cursor string) ([]*party.Authorization, string, error) {
			return s.Authorizations.List(ctx, party.AuthorizationFilter{Limit: MaxLimit, Cursor: cursor})
		}, func(a *party.Authorization) error { return add(authorizationEvent(a)) }); err != nil {
			return err
		}
	}
	if len(batch) > 0 {
		if err := d.Apply(ctx, batch); err != nil {
			return err
		}
	}
	return d.store.Mark(ctx, dashboardBackfilled)
}

// eachOf runs do on every record of a paged list.
func eachOf[T any](ctx context.Context, page func(context.Context, string) ([]T, string, error), do func(T) error) error {
	cursor := ""
	for {
		items, next, err := page(ctx, cursor)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := do(it); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

// backfillSeq is the place a record's backfilled event takes in its version: after every real
// event of that version, which the record already reflects, and before the next version's.
const backfillSeq = 1 << 20

func recordEvent(aggregate, id string, version int64, typ string, at time.Time, data map[string]any) domain.Event {
	e := domain.NewEvent(aggregate, id, version, backfillSeq, typ, at, data)
	return e
}

func parcelEvent(p *parcel.Parcel) domain.Event {
	return recordEvent("parcel", p.ID(), p.Version(), parcel.EventRegistered, p.CreatedAt(), map[string]any{
		"status": string(p.Status()), "exporterId": p.ExporterID(), "goodsValue": p.GoodsValue().String(),
		"currency": p.Currency(), "destinationCountry": p.DestinationCountry()})
}

func declarationEvent(x *customs.Declaration) domain.Event {
	return recordEvent("declaration", x.ID(), x.Version(), "declaration.recorded", x.UpdatedAt(), map[string]any{
		"status": string(x.Status()), "exporterId": x.ExporterID(), "kind": string(x.Kind()),
		"submittedAt": x.SubmittedAt(), "releasedAt": x.ReleasedAt()})
}

func bookingEvent(b *rail.Booking) domain.Event {
	return recordEvent("booking", b.ID(), b.Version(), "booking.recorded", b.UpdatedAt(), map[string]any{
		"status": string(b.Status()), "exporterId": b.ExporterID()})
}

func departureEvent(x *rail.Departure) domain.Event {
	status := string(x.Status())
	return recordEvent("departure", x.ID(), x.Version(), "departure.recorded", x.UpdatedAt(), map[string]any{
		"lineCode": x.LineCode(), "departsAt": x.DepartsAt(), "capacityTEU": x.Capacity().CapacityTEU, "status": status})
}

func authorizationEvent(a *party.Authorization) domain.Event {
	return recordEvent("authorization", a.ID(), a.Version(), "authorization.recorded", a.CreatedAt(), map[string]any{
		"status": string(a.Status()), "exporterId": a.ExporterID(), "brokerId": a.BrokerID(), "initiatedBy": a.InitiatedBy()})
}

// DashboardQuery says how much of each series a dashboard read returns.
type DashboardQuery struct {
	Months int // trade value: this month and the ones before (default 12, at most 36)
	Weeks  int // clearance trend: this week and the ones before (default 12, at most 52)
	Trains int // next departures (default 5, at most 20)
}

// Limits of a dashboard read.
const (
	DashboardMaxMonths = 36
	DashboardMaxWeeks  = 52
	DashboardMaxTrains = 20
)

// DashboardView is what a dashboard shows, as codes (statuses, countries, currencies): the
// console translates them.
type DashboardView struct {
	Role       party.Kind
	Exporters  []string // a broker's: the exporters whose agreement holds now
	AsOf       time.Time
	Parcels    map[string]int
	Lists      map[string]int
	ByMonth    []DashValue // month, currency
	ByCountry  []DashValue // country, currency (over the months shown)
	Buckets    []int64     // the histogram's upper bounds, seconds
	Histogram  []int       // lists released in the weeks shown, per bucket
	Weeks      []DashWeek
	Trains     []DashTrain
	Attention  map[string]DashAttention
	Incomplete bool // a part could not be read (a departure gone); the rest stands
}

// DashValue is a declared goods value of a month or country in one currency.
type DashValue struct {
	Month, Country, Currency string
	Value                    code.Decimal
	Parcels                  int
}

// DashWeek is the clearance of the lists released in one week (Monday, UTC). P50 and P90 are
// the upper bounds of the histogram buckets holding the nearest-rank percentiles (the rank as in
// ClearanceStatistics); Over says the bucket is the open last one.
type DashWeek struct {
	Week     string
	Released int
	P50, P90 int64
	Over     bool
}

// DashTrain is one coming departure and the space taken on it.
type DashTrain struct {
	DepartureID, LineCode, Status            string
	DepartsAt                                time.Time
	CapacityTEU, ConfirmedTEU, WaitlistedTEU int
}

// DashAttention is how many records of a category wait, and the oldest few.
type DashAttention struct {
	Count int
	First []DashRef
}

// DashRef is a record to link to: its id and since when it waits.
type DashRef struct {
	ID    string
	Since time.Time
}

// Read returns the caller's dashboard: the operator the zone's, an exporter its own, a broker
// that of the exporters whose agreement holds now (party.Visibility) and the agreements waiting
// for its own consent, other organisations the trains only. It reads summaries and the coming departures by _id: one summary for the
// operator and an exporter (a broker: one per exporter, after the authorisations the tenancy
// policy reads for every broker request), the trains document, and q.Trains departures.
func (d *Dashboard) Read(ctx context.Context, actor Actor, q DashboardQuery) (DashboardView, error) {
	q.Months = clampTo(q.Months, 12, DashboardMaxMonths)
	q.Weeks = clampTo(q.Weeks, 12, DashboardMaxWeeks)
	q.Trains = clampTo(q.Trains, 5, DashboardMaxTrains)
	now := d.clock.Now()
	v := DashboardView{Role: actor.Kind, AsOf: now}
	var total, own Figures
	total.init()
	own.init()
	switch actor.Kind {
	case party.KindOperator:
		parts, err := d.store.Summary(ctx, DashboardZone)
		if err != nil {
			return v, err
		}
		total = sumOf(parts)
	case party.KindBroker:
		visible, err := d.tenancy.Visibility(ctx, actor)
		if err != nil {
			return v, err
		}
		v.Exporters = visible.Exporters()
		for _, id := range v.Exporters {
			parts, err := d.store.Summary(ctx, id)
			if err != nil {
				return v, err
			}
			total.Merge(sumOf(parts))
		}
		parts, err := d.store.Summary(ctx, actor.OrgID)
		if err != nil {
			return v, err
		}
		own = sumOf(parts)
	case party.KindExporter:
		parts, err := d.store.Summary(ctx, actor.OrgID)
		if err != nil {
			return v, err
		}
		total = sumOf(parts)
		own = total
	default:
		// A carrier, platform or payment firm sees no exporter's records (party.Visibility): the
		// trains only.
	}
	// Agreements wait for the side that must consent: the caller's own, never its exporters'
	// (own and total may be the same figures).
	ownCount, ownFirst := own.Attention[AttentionAuthorizations], own.First[AttentionAuthorizations]
	delete(total.Attention, AttentionAuthorizations)
	delete(total.First, AttentionAuthorizations)
	if actor.Kind != party.KindOperator {
		total.Attention[AttentionAuthorizations], total.First[AttentionAuthorizations] = ownCount, ownFirst
	}
	v.Parcels, v.Lists = total.Parcels, total.Lists
	v.ByMonth, v.ByCountry = tradeValues(total.Value, now, q.Months)
	v.Buckets = ClearanceBucketsSeconds
	v.Histogram, v.Weeks = clearanceOf(total.Clearance, now, q.Weeks)
	v.Attention = map[string]DashAttention{}
	for _, cat := range []string{AttentionRejected, AttentionInspection, AttentionManualReview, AttentionWaitlisted, AttentionAuthorizations} {
		a := DashAttention{Count: total.Attention[cat], First: []DashRef{}}
		for _, f := range total.First[cat] {
			at, id, _ := strings.Cut(f, "|")
			t, _ := time.Parse(time.RFC3339Nano, at)
			a.First = append(a.First, DashRef{ID: id, Since: t})
		}
		v.Attention[cat] = a
	}
	trains, incomplete, err := d.nextTrains(ctx, now, q.Trains)
	v.Trains, v.Incomplete = trains, incomplete
	return v, err
}

func clampTo(n, def, most int) int {
	switch {
	case n <= 0:
		return def
	case n > most:
		return most
	}
	return n
}

// tradeValues sums the values of the months shown by month and by country, per currency.
func tradeValues(values map[string]int64, now time.Time, months int) (byMonth, byCountry []DashValue) {
	first := time.Date(now.Year(), now.Month()-time.Month(months-1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	m, c := map[[2]string]int64{}, map[[2]string]int64{}
	for k, n := range values {
		parts := strings.SplitN(k, "|", 3)
		if len(parts) != 3 || parts[0] < first {
			continue
		}
		m[[2]string{parts[0], parts[2]}] += n
		c[[2]string{parts[1], parts[2]}] += n
	}
	byMonth, byCountry = []DashValue{}, []DashValue{}
	for _, k := range slices.SortedFunc(maps.Keys(m), cmpPair) {
		byMonth = append(byMonth, DashValue{Month: k[0], Currency: k[1], Value: code.DecimalFromScaled(m[k])})
	}
	for _, k := range slices.SortedFunc(maps.Keys(c), cmpPair) {
		byCountry = append(byCountry, DashValue{Country: k[0], Currency: k[1], Value: code.DecimalFromScaled(c[k])})
	}
	return byMonth, byCountry
}

func cmpPair(a, b [2]string) int {
	if c := strings.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return strings.Compare(a[1], b[1])
}

// clearanceOf is the histogram over the weeks shown and each week's figures, oldest first.
func clearanceOf(weeks map[string][]int, now time.Time, n int) ([]int, []DashWeek) {
	histogram := make([]int, len(ClearanceBucketsSeconds)+1)
	out := make([]DashWeek, 0, n)
	monday, _ := time.Parse(time.DateOnly, weekOf(now))
	for i := n - 1; i >= 0; i-- {
		week := monday.AddDate(0, 0, -7*i).Format(time.DateOnly)
		w := DashWeek{Week: week}
		b := weeks[week]
		for j, c := range b {
			histogram[j] += c
			w.Released += c
		}
		if w.Released > 0 {
			w.P50, _ = bucketPercentile(b, w.Released, 50)
			w.P90, w.Over = bucketPercentile(b, w.Released, 90)
		}
		out = append(out, w)
	}
	return histogram, out
}

// bucketPercentile is the upper bound of the bucket holding the nearest-rank percentile p
// (the rank percentile takes), and whether that is the open last bucket (its lower bound given).
func bucketPercentile(buckets []int, count, p int) (int64, bool) {
	rank := max((p*count+99)/100, 1)
	seen := 0
	for i, c := range buckets {
		if seen += c; seen >= rank {
			if i < len(ClearanceBucketsSeconds) {
				return ClearanceBucketsSeconds[i], false
			}
			break
		}
	}
	return ClearanceBucketsSeconds[len(ClearanceBucketsSeconds)-1], true
}

// nextTrains are the next scheduled departures, each read by _id for the space taken now.
func (d *Dashboard) nextTrains(ctx context.Context, now time.Time, n int) ([]DashTrain, bool, error) {
	shards, err := d.store.Shards(ctx, []string{DashboardTrains})
	if err != nil {
		return nil, false, err
	}
	var coming []DashTrain
	if sh := shards[DashboardTrains]; sh != nil {
		for key, e := range sh.Entries {
			if e.Status == string(rail.DepartureScheduled) && !e.Departs.Before(now) {
				coming = append(coming, DashTrain{DepartureID: strings.TrimPrefix(key, "departure:"), LineCode: e.Line,
					DepartsAt: e.Departs, CapacityTEU: e.TEU, Status: e.Status})
			}
		}
	}
	slices.SortFunc(coming, func(a, b DashTrain) int {
		if c := a.DepartsAt.Compare(b.DepartsAt); c != 0 {
			return c
		}
		return strings.Compare(a.DepartureID, b.DepartureID)
	})
	coming = coming[:min(n, len(coming))]
	out, incomplete := make([]DashTrain, 0, len(coming)), false
	for _, t := range coming {
		dep, err := d.rail.Get(ctx, t.DepartureID)
		if domain.KindOf(err) == domain.KindNotFound {
			incomplete = true
			continue
		}
		if err != nil {
			return nil, false, err
		}
		c := dep.Capacity()
		t.LineCode, t.DepartsAt, t.Status = dep.LineCode(), dep.DepartsAt(), string(dep.Status())
		t.CapacityTEU, t.ConfirmedTEU, t.WaitlistedTEU = c.CapacityTEU, c.ConfirmedTEU, dep.WaitlistedTEU()
		out = append(out, t)
	}
	return out, incomplete, nil
}
