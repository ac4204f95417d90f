package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"
)

// listAndStatisticsQueries are the only commands allowed to filter on anything but an exact _id.
// They serve list pages and statistics: on MongoDB each is answered from the index its query
// names (adapters/mongo, EnsureIndexes); on the embedded store each reads its collection, which
// is that store's limit (README, "Measured here"). Hot and periodic paths — registering parcels,
// filing, receipts, bookings, tracking, authentication, the simulated authority, the reconciler —
// never send one. The key is mongo.ScanShape: command, collection, the filter's fields.
var listAndStatisticsQueries = map[string]string{
	"find parcels {$and}":                            "GET /v1/parcels: a page of parcels by exporter, status, waybill or order (indexes exporter_created, created, status_created)",
	"find declarations {$and}":                       "GET /v1/declarations: a page of declarations by exporter, kind, status (indexes exporter_created, created)",
	"find declarations {exporterId kind releasedAt}": "GET /v1/stats/clearance: the two times of each list released in the month (index released)",
	"find bookings {$or}":                            "GET /v1/bookings: a page of the organisation's bookings (indexes exporter, booked_by)",
	"find departures {}":                             "GET /v1/departures, /v1/stats/trains: the timetable's page (index departs)",
	"find orgs {}":                                   "GET /v1/orgs: the operator's page of organisations (index kind_id)",
	"find authorizations {}":                         "GET /v1/authorizations: the operator's page of authorisations (_id)",
	"find api_keys {orgId}":                          "GET /v1/orgs/{id}/api-keys: an organisation's keys (index org)",
	// Webhooks: lists, the subscriptions' memory (read at start and after a change, never per
	// event) and the deliveries resumed at start-up.
	"find webhooks {}":                        "GET /v1/webhooks (operator), and the memory of every subscription (_id)",
	"find webhooks {orgId}":                   "GET /v1/webhooks, POST /v1/webhooks (the limit): an organisation's subscriptions (index org)",
	"find webhooks {_id orgId}":               "GET /v1/webhooks, a page after the first (index org)",
	"find webhook_deliveries {webhookId}":     "GET /v1/webhooks/{id}/deliveries (index webhook_deliveries_by_webhook)",
	"find webhook_deliveries {_id webhookId}": "GET /v1/webhooks/{id}/deliveries, a page after the first",
	"find webhook_deliveries {status}":        "start-up: the deliveries still owed (index webhook_deliveries_pending)",
	"find users {orgId}":                      "GET /v1/orgs/{id}/users and the console's members page: an organisation's users (index org)",
}

// scansSince is the scans sent after before (an earlier Scans), by shape.
func (s *service) scansSince(before map[string]uint64) map[string]uint64 {
	out := map[string]uint64{}
	for shape, n := range s.main.store.Commands().Scans() {
		if d := n - before[shape]; d > 0 {
			out[shape] = d
		}
	}
	return out
}

// Every path a unit of work takes, the reconciler's included, reads and writes by _id only;
// what list pages and statistics send is in listAndStatisticsQueries, with the reason.
func TestScansOnlyWhereAllowed(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{
		"SILKGATE_SIM_STEP": "1ms", "SILKGATE_SIM_REVIEW_SHARE": "0", "SILKGATE_SIM_INSPECTION_SHARE": "0",
		"SILKGATE_RECONCILE_INTERVAL": "1h", // run below, on purpose
	})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	dep := s.planDeparture(10, 110)
	before := s.main.store.Commands().Scans()

	// The hot and periodic paths.
	batch := make([]any, 20)
	for i := range batch {
		batch[i] = parcelBody(fmt.Sprintf("XYS%04d", i))
	}
	res := s.expect(s.do("POST", "/v1/parcels/batch", exp.key, map[string]any{"parcels": batch}), 200)
	var parcelIDs []string
	for _, r := range res["results"].([]any) {
		parcelIDs = append(parcelIDs, r.(map[string]any)["id"].(string))
	}
	ids := s.declare(exp.key, parcelIDs...)
	s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": ids}), 202)
	eventuallyWithin(t, 120, "every list is released", func() bool { return s.published("parcel.released") == len(ids) })
	s.expect(s.book(exp.key, dep, "40HQ", 1, false, nil), 201)
	s.expect(s.do("GET", "/v1/tracking/XYS0003", exp.key, nil), 200)
	s.expect(s.do("GET", "/v1/parcels/"+parcelIDs[0], exp.key, nil), 200)
	s.expect(s.do("GET", "/v1/dashboard", exp.key, nil), 200)
	s.expect(s.do("GET", "/v1/dashboard", testOperatorKey, nil), 200)
	if err := s.main.Worker.Reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.quiet()
	if scans := s.scansSince(before); len(scans) > 0 {
		t.Errorf("hot and periodic paths sent commands that filter on more than an _id: %v", scans)
	}

	// List pages and statistics.
	before = s.main.store.Commands().Scans()
	month := time.Now().UTC().Format("2006-01")
	for _, path := range []string{"/v1/parcels", "/v1/parcels?status=released", "/v1/declarations", "/v1/declarations?kind=inventory&status=released",
		"/v1/bookings", "/v1/departures", "/v1/stats/clearance?month=" + month} {
		s.expect(s.do("GET", path, exp.key, nil), 200)
	}
	for _, path := range []string{"/v1/stats/trains", "/v1/orgs", "/v1/authorizations", "/v1/orgs/" + exp.id + "/api-keys"} {
		s.expect(s.do("GET", path, testOperatorKey, nil), 200)
	}
	scans := s.scansSince(before)
	for _, shape := range slices.Sorted(maps.Keys(scans)) {
		if _, ok := listAndStatisticsQueries[shape]; !ok {
			t.Errorf("not an allowed list or statistics query: %q", shape)
		}
	}
}
