package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/adapters/mongo"
)

// dashboard reads the caller's dashboard.
func (s *service) dashboard(key string) map[string]any {
	s.t.Helper()
	return s.expect(s.do("GET", "/v1/dashboard", key, nil), 200)
}

// dashboardWhen waits until the caller's dashboard satisfies ok (the figures follow the event
// stream) and returns it.
func (s *service) dashboardWhen(key, what string, ok func(map[string]any) bool) map[string]any {
	s.t.Helper()
	var d map[string]any
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if d = s.dashboard(key); ok(d) {
			return d
		}
	}
	s.t.Fatalf("timed out waiting until %s: %v", what, d)
	return nil
}

// streamSettled waits until the dashboard's consumer has read and acknowledged everything on
// the event stream.
func (s *service) streamSettled() {
	s.t.Helper()
	ctx, stream := context.Background(), s.main.cfg.Queue+":events"
	eventually(s.t, "the dashboard has applied the stream", func() bool {
		last, err := s.main.rdb.XRevRangeN(ctx, stream, "+", "-", 1).Result()
		if err != nil || len(last) == 0 {
			return false
		}
		groups, err := s.main.rdb.XInfoGroups(ctx, stream).Result()
		if err != nil {
			s.t.Fatal(err)
		}
		for _, g := range groups {
			if g.Name == "dashboard" {
				return g.LastDeliveredID == last[0].ID && g.Pending == 0
			}
		}
		return false
	})
}

func byStatus(d map[string]any, of string) map[string]any {
	return d[of].(map[string]any)["byStatus"].(map[string]any)
}

func attentionOf(d map[string]any, cat string) (int, []string) {
	a := d["attention"].(map[string]any)[cat].(map[string]any)
	var ids []string
	for _, f := range arr(a["first"]) {
		ids = append(ids, f.(map[string]any)["id"].(string))
	}
	return int(a["count"].(float64)), ids
}

// nonZero keeps the counts above 0.
func nonZero(m map[string]any) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if n := v.(float64); n != 0 {
			out[k] = n
		}
	}
	return out
}

// The dashboard's figures, per role, after parcels, filings, customs' receipts (the test plays
// customs), bookings and authorisations; an event delivered twice counts once.
func TestDashboardFigures(t *testing.T) {
	t.Parallel()
	s := startService(t, dxpCustoms(t))
	a := s.register("exporter", "甲", usccA, "4206360A21")
	b := s.register("exporter", "乙", usccB, "4206340017")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	s.authorize(a, a, brk, "9610")              // started by the exporter: in force at once
	pending := s.authorize(brk, b, brk, "9610") // started by the broker: b must consent
	dep := s.planDeparture(10, 2)

	t0 := time.Now().UTC()
	released, guid1 := s.submitted(a.key, "XYD1")
	rejected, guid2 := s.submitted(a.key, "XYD2")
	inspected, guid3 := s.submitted(a.key, "XYD3")
	s.expect(s.postReceipts(testOperatorKey,
		inventoryReceipt(t, guid1, "800", t0.Add(10*time.Minute)),
		inventoryReceipt(t, guid2, "100", t0.Add(time.Minute)),
		inventoryReceipt(t, guid3, "500", t0.Add(time.Minute))), 200)
	s.expect(s.do("POST", "/v1/parcels", b.key, parcelBody("XYD4")), 201)
	s.expect(s.book(a.key, dep, "40HQ", 1, false, nil), 201)
	waitlisted := s.expect(s.book(a.key, dep, "40HQ", 1, true, nil), 201)
	if waitlisted["status"] != "waitlisted" {
		t.Fatalf("second booking %v", waitlisted["status"])
	}

	// The parcels follow their lists as the service moves them; the figures follow the parcels.
	statuses := func() map[string]float64 {
		out := map[string]float64{}
		for _, id := range []string{released, rejected, inspected} {
			pid := s.expect(s.do("GET", "/v1/declarations/"+id, a.key, nil), 200)["inventory"].(map[string]any)["parcelId"].(string)
			out[s.expect(s.do("GET", "/v1/parcels/"+pid, a.key, nil), 200)["status"].(string)]++
		}
		return out
	}
	var parcelStatus map[string]float64
	da := s.dashboardWhen(a.key, "the exporter's figures", func(d map[string]any) bool {
		n, _ := attentionOf(d, "waitlistedBookings")
		parcelStatus = statuses()
		return maps.Equal(nonZero(byStatus(d, "parcels")), parcelStatus) && len(byStatus(d, "lists")) == 3 && n == 1 &&
			len(arr(d["trains"])) == 1
	})
	if got, want := nonZero(byStatus(da, "parcels")), parcelStatus; !maps.Equal(got, want) {
		t.Errorf("exporter's parcels %v, want %v", got, want)
	}
	if got, want := nonZero(byStatus(da, "lists")), map[string]float64{"released": 1, "rejected": 1, "inspection": 1}; !maps.Equal(got, want) {
		t.Errorf("exporter's lists %v, want %v", got, want)
	}
	month := time.Now().UTC().Format("2006-01")
	tv := da["tradeValue"].(map[string]any)
	if got, want := fmt.Sprint(tv["byMonth"]), fmt.Sprintf("[map[currency:EUR month:%s value:119.4]]", month); got != want {
		t.Errorf("value by month %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(tv["byCountry"]), "[map[country:PL currency:EUR value:119.4]]"; got != want {
		t.Errorf("value by country %s, want %s", got, want)
	}
	cl := da["clearance"].(map[string]any)
	// Released 10 minutes after submission: the third bucket (5–15 min).
	if got := fmt.Sprint(cl["histogram"]); got != "[0 0 1 0 0 0 0 0 0 0 0 0 0]" {
		t.Errorf("clearance histogram %s", got)
	}
	weeks := arr(cl["weeks"])
	last := weeks[len(weeks)-1].(map[string]any)
	if len(weeks) != 12 || last["released"] != 1.0 || last["p50Seconds"] != 900.0 || last["p90Seconds"] != 900.0 {
		t.Errorf("clearance weeks: %d, this week %v", len(weeks), last)
	}
	for cat, want := range map[string]string{"rejectedLists": rejected, "listsUnderInspection": inspected, "waitlistedBookings": waitlisted["id"].(string)} {
		if n, ids := attentionOf(da, cat); n != 1 || len(ids) != 1 || ids[0] != want {
			t.Errorf("%s: %d %v, want 1 [%s]", cat, n, ids, want)
		}
	}
	if n, _ := attentionOf(da, "pendingAuthorizations"); n != 0 {
		t.Errorf("the exporter has %d agreements to consent to, want 0", n)
	}
	trains := arr(da["trains"])
	if len(trains) != 1 {
		t.Fatalf("trains %v", trains)
	}
	if tr := trains[0].(map[string]any); tr["departureId"] != dep || tr["routeCode"] != "XXO" || tr["capacityTEU"] != 2.0 ||
		tr["confirmedTEU"] != 2.0 || tr["waitlistedTEU"] != 2.0 {
		t.Errorf("train %v", tr)
	}

	// The other exporter sees its own: one parcel, and the agreement waiting for it.
	db := s.dashboardWhen(b.key, "the other exporter's figures", func(d map[string]any) bool {
		n, _ := attentionOf(d, "pendingAuthorizations")
		return byStatus(d, "parcels")["registered"] == 1.0 && n == 1
	})
	if got := nonZero(byStatus(db, "parcels")); !maps.Equal(got, map[string]float64{"registered": 1}) {
		t.Errorf("other exporter's parcels %v", got)
	}
	if n, ids := attentionOf(db, "pendingAuthorizations"); n != 1 || ids[0] != pending["id"] {
		t.Errorf("pending agreements %d %v, want [%v]", n, ids, pending["id"])
	}
	for _, cat := range []string{"rejectedLists", "listsUnderInspection", "waitlistedBookings"} {
		if n, _ := attentionOf(db, cat); n != 0 {
			t.Errorf("the other exporter sees %d %s", n, cat)
		}
	}
	if len(byStatus(db, "lists")) != 0 || fmt.Sprint(db["tradeValue"].(map[string]any)["byCountry"]) != "[map[country:PL currency:EUR value:39.8]]" {
		t.Errorf("other exporter's lists %v, value %v", byStatus(db, "lists"), db["tradeValue"])
	}

	// The broker: the exporter that authorised it, not the one whose consent is pending, and no
	// agreement of its own to consent to (it started the pending one).
	dk := s.dashboard(brk.key)
	if fmt.Sprint(dk["exporters"]) != "["+a.id+"]" || dk["role"] != "broker" {
		t.Errorf("broker's exporters %v, role %v", dk["exporters"], dk["role"])
	}
	if !reflect.DeepEqual(byStatus(dk, "parcels"), byStatus(da, "parcels")) || !reflect.DeepEqual(dk["tradeValue"], da["tradeValue"]) {
		t.Errorf("broker's figures %v %v, want the exporter's", byStatus(dk, "parcels"), dk["tradeValue"])
	}
	if n, _ := attentionOf(dk, "pendingAuthorizations"); n != 0 {
		t.Errorf("the broker has %d agreements to consent to, want 0", n)
	}

	// The operator: the zone.
	do := s.dashboard(testOperatorKey)
	parcelStatus["registered"]++
	if got, want := nonZero(byStatus(do, "parcels")), parcelStatus; !maps.Equal(got, want) {
		t.Errorf("zone's parcels %v, want %v", got, want)
	}
	if got := fmt.Sprint(do["tradeValue"].(map[string]any)["byCountry"]); got != "[map[country:PL currency:EUR value:159.2]]" {
		t.Errorf("zone's value %s", got)
	}

	// A carrier sees no exporter's records: the trains only.
	dc := s.dashboard(s.carrier(carrierCode).key)
	if dc["role"] != "carrier" || len(nonZero(byStatus(dc, "parcels"))) != 0 || len(byStatus(dc, "lists")) != 0 || len(arr(dc["trains"])) != 1 {
		t.Errorf("carrier's dashboard: role %v, parcels %v, lists %v, trains %v", dc["role"], byStatus(dc, "parcels"), byStatus(dc, "lists"), dc["trains"])
	}

	// Consent moves the agreement off b's list and b into the broker's scope.
	s.expect(s.do("POST", "/v1/authorizations/"+pending["id"].(string)+"/confirm", b.key, nil), 200)
	s.dashboardWhen(b.key, "the consent counted", func(d map[string]any) bool {
		n, _ := attentionOf(d, "pendingAuthorizations")
		return n == 0
	})
	if dk := s.dashboard(brk.key); len(arr(dk["exporters"])) != 2 || byStatus(dk, "parcels")["registered"] != 1.0 {
		t.Errorf("broker after consent: exporters %v, parcels %v", dk["exporters"], byStatus(dk, "parcels"))
	}

	// Every event delivered again — the stream as it stands, once more — counts nothing twice.
	s.streamSettled()
	before := map[string]map[string]any{"a": s.dashboard(a.key), "b": s.dashboard(b.key), "op": s.dashboard(testOperatorKey)}
	ctx, stream := context.Background(), s.main.cfg.Queue+":events"
	entries, err := s.main.rdb.XRange(ctx, stream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := s.main.rdb.XAdd(ctx, &goredis.XAddArgs{Stream: stream, Values: e.Values}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	s.streamSettled()
	for who, key := range map[string]string{"a": a.key, "b": b.key, "op": testOperatorKey} {
		after := s.dashboard(key)
		for _, part := range []string{"parcels", "lists", "tradeValue", "clearance", "attention"} {
			if !reflect.DeepEqual(after[part], before[who][part]) {
				t.Errorf("%s's %s changed when the events came again: %v → %v", who, part, before[who][part], after[part])
			}
		}
	}
	var firstEvent struct{ ID string }
	_ = json.Unmarshal([]byte(entries[0].Values["event"].(string)), &firstEvent)
	if firstEvent.ID == "" {
		t.Errorf("the stream's entries carry no event id: %v", entries[0].Values)
	}
}

// A dashboard read is a handful of _id reads: the caller's summary, the coming trains and each
// train shown; none filters on anything but an _id, however much is stored.
func TestDashboardReadCommands(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"SILKGATE_SIM_STEP": "1ms", "SILKGATE_RECONCILE_INTERVAL": "1h"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	brk := s.register("broker", "丙报关", usccC, "4206380015")
	s.authorize(exp, exp, brk, "9610")
	for i := range 3 {
		s.planDeparture(10+i, 110)
	}
	batch := make([]any, 50)
	for i := range batch {
		batch[i] = parcelBody(fmt.Sprintf("XYR%04d", i))
	}
	s.expect(s.do("POST", "/v1/parcels/batch", exp.key, map[string]any{"parcels": batch}), 200)
	s.dashboardWhen(exp.key, "the parcels counted", func(d map[string]any) bool {
		return byStatus(d, "parcels")["registered"] == 50.0 && len(arr(d["trains"])) == 3
	})
	for _, who := range []struct {
		name, key string
	}{{"exporter", exp.key}, {"operator", testOperatorKey}, {"broker", brk.key}} {
		before := s.quiet()
		d := s.dashboard(who.key)
		c := costsBetween(before, s.counts(), 1)
		for _, coll := range []string{"api_keys", "orgs"} { // authentication, when the key cache is cold
			delete(c.commands, mongo.CommandKey{Command: "find", Collection: coll, Filter: mongo.FilterID})
		}
		// A broker's agreements are read by the tenancy policy, as for every broker request: a
		// query on authorizations (the only one), counted apart.
		tenancy := c.apart("authorizations")
		c.report(t, who.name+"'s dashboard read")
		want := map[mongo.CommandKey]uint64{
			{Command: "find", Collection: "dashboard", Filter: mongo.FilterID}:  2, // summary, trains
			{Command: "find", Collection: "departures", Filter: mongo.FilterID}: 3, // each train shown
		}
		wantTenancy := map[mongo.CommandKey]uint64{}
		if who.name == "broker" { // the exporter's summary and the broker's own
			want[mongo.CommandKey{Command: "find", Collection: "dashboard", Filter: mongo.FilterID}] = 3
			wantTenancy[mongo.CommandKey{Command: "find", Collection: "authorizations", Filter: mongo.FilterOther}] = 1
		}
		if !maps.Equal(tenancy.commands, wantTenancy) {
			t.Errorf("%s's dashboard read sent %v on authorizations, want %v", who.name, tenancy.commands, wantTenancy)
		}
		if !maps.Equal(c.commands, want) {
			t.Errorf("%s's dashboard read sent %v, want %v", who.name, c.commands, want)
		}
		if len(arr(d["trains"])) != 3 {
			t.Errorf("trains %v", d["trains"])
		}
	}
}

// BenchmarkDashboardAt10kParcels stores 10,000 parcels of one exporter and five coming trains,
// then reads the exporter's dashboard through HTTP (ns/op, dashboard-ms) beside, on the same
// store connection, one findOne of a parcel by _id (raw-findOne-ms: the cheapest store command)
// and one read of the exporter's parcels by a filter (scan-ms: what recomputing the figures on
// each read would cost at the least).
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench DashboardAt10kParcels -benchtime 50x .
func BenchmarkDashboardAt10kParcels(b *testing.B) {
	s := startService(b, map[string]string{"SILKGATE_LOG_LEVEL": "error", "SILKGATE_RECONCILE_INTERVAL": "1h"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	s.dashboardAt10k(exp.key)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		s.dashboard(exp.key)
	}
	perRead := time.Since(start) / time.Duration(b.N)
	b.StopTimer()
	ctx, parcels := context.Background(), s.main.store.Database().Collection("parcels")
	start = time.Now()
	for i := range b.N {
		var doc bson.M
		if err := parcels.FindOne(ctx, bson.M{"_id": fmt.Sprintf("pcl_%s_XQ%06d", carrierCode, i*37%stored)}).Decode(&doc); err != nil {
			b.Fatal(err)
		}
	}
	perFind := time.Since(start) / time.Duration(b.N)
	start = time.Now()
	cur, err := parcels.Find(ctx, bson.M{"exporterId": exp.id}, options.Find().SetProjection(bson.M{"status": 1}))
	if err != nil {
		b.Fatal(err)
	}
	var all []bson.M
	if err := cur.All(ctx, &all); err != nil || len(all) != stored {
		b.Fatalf("scan: %d parcels, %v", len(all), err)
	}
	scan := time.Since(start)
	b.ReportMetric(float64(perRead.Microseconds())/1000, "dashboard-ms")
	b.ReportMetric(float64(perFind.Microseconds())/1000, "raw-findOne-ms")
	b.ReportMetric(float64(scan.Microseconds())/1000, "scan-ms")
}

// The figures filled from the records (the first start with the dashboard, or after its
// documents are lost) are those the events gave: parcels released, one edited into another
// currency, bookings confirmed and waitlisted, the trains.
func TestDashboardBackfill(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"SILKGATE_SIM_STEP": "1ms", "SILKGATE_SIM_REVIEW_SHARE": "0",
		"SILKGATE_SIM_INSPECTION_SHARE": "0", "SILKGATE_RECONCILE_INTERVAL": "1h"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	dep := s.planDeparture(10, 2)
	batch := make([]any, 5)
	for i := range batch {
		batch[i] = parcelBody(fmt.Sprintf("XYB%04d", i))
	}
	res := s.expect(s.do("POST", "/v1/parcels/batch", exp.key, map[string]any{"parcels": batch}), 200)
	var ids []string
	for _, r := range arr(res["results"]) {
		ids = append(ids, r.(map[string]any)["id"].(string))
	}
	edited := parcelBody("XYB0004")
	edited["currency"] = "USD"
	s.expect(s.do("PATCH", "/v1/parcels/"+ids[4], exp.key, edited), 200)
	lists := s.declare(exp.key, ids[:2]...)
	s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": lists}), 202)
	s.expect(s.book(exp.key, dep, "40HQ", 1, false, nil), 201)
	s.expect(s.book(exp.key, dep, "40HQ", 1, true, nil), 201)

	before := s.dashboardWhen(exp.key, "the figures", func(d map[string]any) bool {
		n, _ := attentionOf(d, "waitlistedBookings")
		return byStatus(d, "parcels")["released"] == 2.0 && n == 1 && len(arr(d["trains"])) == 1 &&
			fmt.Sprint(d["tradeValue"].(map[string]any)["byCountry"]) == "[map[country:PL currency:EUR value:159.2] map[country:PL currency:USD value:39.8]]"
	})
	s.streamSettled()

	ctx := context.Background()
	if err := s.main.store.Database().Collection("dashboard").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.main.store.Database().Collection("silkgate_meta").DeleteOne(ctx, bson.M{"_id": "dashboard_backfilled"}); err != nil {
		t.Fatal(err)
	}
	s.restart()
	after := s.dashboard(exp.key)
	for _, part := range []string{"parcels", "lists", "tradeValue", "clearance", "attention", "trains"} {
		if !reflect.DeepEqual(after[part], before[part]) {
			t.Errorf("%s from the records %v, from the events %v", part, after[part], before[part])
		}
	}
}

// stored is how many parcels the dashboard benchmarks store.
const stored = 10_000

// dashboardAt10k stores what the dashboard benchmarks read: five trains and 10,000 parcels of
// the exporter whose key is given, counted in its figures, the service quiet.
func (s *service) dashboardAt10k(key string) {
	for i := range 5 {
		s.planDeparture(10+i, 110)
	}
	for n := 0; n < stored; n += 1000 {
		batch := make([]any, 1000)
		for i := range batch {
			batch[i] = parcelBody(fmt.Sprintf("XQ%06d", n+i))
		}
		s.expect(s.do("POST", "/v1/parcels/batch", key, map[string]any{"parcels": batch}), 200)
	}
	s.dashboardWhen(key, "every parcel counted", func(d map[string]any) bool {
		return byStatus(d, "parcels")["registered"] == float64(stored) && len(arr(d["trains"])) == 5
	})
	s.quiet()
}
