package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// BenchmarkBatchIntake posts batches of 1,000 new parcels through the HTTP API to the service
// on the embedded store (or MONGO_URI) and reports parcels per second — everything a parcel's
// registration sets off included: its events are published and cleared in the request, and
// the benchmark fails if any background task was queued — beside raw insertMany of the very
// documents stored, read back, through the same connection.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench BatchIntake -benchmem -benchtime 10x .
func BenchmarkBatchIntake(b *testing.B) {
	s := startService(b, map[string]string{"SILKGATE_LOG_LEVEL": "error", "SILKGATE_RECONCILE_INTERVAL": "1h"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	bodies := make([][]byte, b.N)
	for n := range bodies {
		batch := make([]any, 1000)
		for i := range batch {
			batch[i] = parcelBody(fmt.Sprintf("BN%05dP%04d", n, i))
		}
		bodies[n], _ = json.Marshal(map[string]any{"parcels": batch})
	}
	before := s.counts()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var ids []string
	for n := 0; n < b.N; n++ {
		res := s.do("POST", "/v1/parcels/batch", exp.key, bodies[n])
		if res.Status != 200 {
			b.Fatalf("batch %d: %d %.300s", n, res.Status, res.Body)
		}
		for _, r := range res.JSON(b)["results"].([]any) {
			ids = append(ids, r.(map[string]any)["id"].(string))
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if tasks := costsBetween(before, s.counts(), 1).queueTasks(); tasks > 0 {
		b.Fatalf("%d background tasks queued: the rate above would leave work out", tasks)
	}
	rate := float64(len(ids)) / elapsed.Seconds()
	raw := rawInsertMany(b, s, ids)
	b.ReportMetric(rate, "parcels/s")
	b.ReportMetric(raw, "raw-insertMany-docs/s")
	b.ReportMetric(rate/raw, "ratio-to-raw")
}

// rawInsertMany reads the stored parcels back and inserts them again into a scratch collection,
// 1,000 a command, through the service's connection: documents per second.
func rawInsertMany(tb testing.TB, s *service, ids []string) float64 {
	tb.Helper()
	ctx := context.Background()
	db := s.main.store.Database()
	docs := make([]any, 0, len(ids))
	for _, id := range ids {
		raw, err := db.Collection("parcels").FindOne(ctx, bson.M{"_id": id}).Raw()
		if err != nil {
			tb.Fatal(err)
		}
		docs = append(docs, raw)
	}
	scratch := db.Collection("parcels_raw_baseline")
	defer func() { _ = scratch.Drop(ctx) }()
	start := time.Now()
	for chunk := range slices.Chunk(docs, 1000) {
		if _, err := scratch.InsertMany(ctx, chunk, options.InsertMany().SetOrdered(false)); err != nil {
			tb.Fatal(err)
		}
	}
	return float64(len(docs)) / time.Since(start).Seconds()
}

// BenchmarkCustomsPipeline files inventory lists end to end — submit, send to the simulated
// customs authority, receipts back through the queue, parcels following — on real Redis, 100
// lists per iteration submitted in one bulk call, and reports lists released per second beside
// the raw baseline of the same store: its ceiling is raw findOne by _id per second over the
// store commands a list costs (TestCustomsPipelineStoreEconomy).
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench CustomsPipeline -benchtime 100x -timeout 60m .
func BenchmarkCustomsPipeline(b *testing.B) {
	s := startService(b, map[string]string{"SILKGATE_LOG_LEVEL": "error", "SILKGATE_SIM_STEP": "0",
		"SILKGATE_SIM_DELIVERY": "100ms", "SILKGATE_RECONCILE_INTERVAL": "1h"})
	raw := rawBaseline(b, s)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	const perIteration = 100
	var ids []string
	for n := 0; n < b.N; n += 10 { // parcels and drafts ahead, a thousand at a time
		batch := make([]any, 0, 10*perIteration)
		for i := n * perIteration; i < min(n+10, b.N)*perIteration; i++ {
			batch = append(batch, parcelBody(fmt.Sprintf("BP%07d", i)))
		}
		res := s.expect(s.do("POST", "/v1/parcels/batch", exp.key, map[string]any{"parcels": batch}), 200)
		var pids []string
		for _, r := range res["results"].([]any) {
			pids = append(pids, r.(map[string]any)["id"].(string))
		}
		ids = append(ids, s.declare(exp.key, pids...)...)
	}
	released := s.eventCounter("parcel.released")
	before := s.counts()
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		chunk := ids[n*perIteration : (n+1)*perIteration]
		s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": chunk}), 202)
	}
	pollWithin(b, 60*60, 100*time.Millisecond, "every list is released", func() bool { return released() >= len(ids) })
	elapsed := time.Since(start)
	b.StopTimer()
	all, _ := costsBetween(before, s.counts(), len(ids)).storeCommands()
	perList := float64(all) / float64(len(ids))
	rate := float64(len(ids)) / elapsed.Seconds()
	ceiling := raw.FindByID / perList
	b.ReportMetric(rate, "lists/s")
	b.ReportMetric(perList, "commands/list")
	b.ReportMetric(ceiling, "ceiling-lists/s")
	b.ReportMetric(rate/ceiling, "ratio-to-ceiling")
}

// BenchmarkContendedBookings sends 300 booking requests at once against one 110 TEU departure
// (a fresh departure per iteration) and reports booking requests answered per second: about a
// third are confirmed, the rest waitlisted or refused, every one through the departure's
// conditional update (never oversold: TestConcurrentBookingsNeverOversell). Beside it, the raw
// updateOne by _id of the same store, over the store commands a request costs.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench ContendedBookings -benchmem -benchtime 5x .
func BenchmarkContendedBookings(b *testing.B) {
	s := startService(b, map[string]string{"SILKGATE_LOG_LEVEL": "error", "SILKGATE_RECONCILE_INTERVAL": "1h"})
	raw := rawBaseline(b, s)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	deps := make([]string, b.N)
	for n := range deps {
		deps[n] = s.planDeparture(10+n, 110)
	}
	before := s.counts()
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		outcomes, err := bookConcurrently(s.url, exp.key, deps[n], 300)
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range outcomes {
			if o.status != 201 && o.status != 409 {
				b.Fatalf("answer %+v", o)
			}
		}
	}
	rate := float64(b.N*300) / time.Since(start).Seconds()
	b.StopTimer()
	all, _ := costsBetween(before, s.quiet(), b.N*300).storeCommands()
	perRequest := float64(all) / float64(b.N*300)
	b.ReportMetric(rate, "bookings/s")
	b.ReportMetric(perRequest, "commands/request")
	b.ReportMetric(raw.UpdateByID/perRequest, "ceiling-bookings/s")
	b.ReportMetric(rate/(raw.UpdateByID/perRequest), "ratio-to-ceiling")
}

// BenchmarkAt100kParcels stores 100,000 parcels of one exporter (and a few of another), then
// measures what must stay fast however many are stored: tracking by waybill number (p50, p99 of
// 1,000 lookups through HTTP), one reconciler run, and — measured, not promised on the embedded
// store — the first page of the exporter's parcel list (a failed answer is logged with its time).
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench At100kParcels -benchtime 1x -timeout 60m .
func BenchmarkAt100kParcels(b *testing.B) {
	s := startService(b, map[string]string{"SILKGATE_LOG_LEVEL": "error", "SILKGATE_RECONCILE_INTERVAL": "1h"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	const stored = 100_000
	for n := 0; n < stored; n += 1000 {
		batch := make([]any, 1000)
		for i := range batch {
			batch[i] = parcelBody(fmt.Sprintf("XK%07d", n+i))
		}
		s.expect(s.do("POST", "/v1/parcels/batch", exp.key, map[string]any{"parcels": batch}), 200)
	}
	latencies := func(n int, path func(i int) string) (p50, p99 time.Duration) {
		took := make([]time.Duration, n)
		for i := range took {
			start := time.Now()
			s.expect(s.do("GET", path(i), exp.key, nil), 200)
			took[i] = time.Since(start)
		}
		slices.Sort(took)
		return took[n/2], took[n*99/100]
	}
	b.ResetTimer()
	for range b.N {
		p50, p99 := latencies(1000, func(i int) string { return fmt.Sprintf("/v1/tracking/XK%07d", i*97%stored) })
		b.ReportMetric(float64(p50.Microseconds())/1000, "tracking-p50-ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, "tracking-p99-ms")
		start := time.Now()
		if err := s.main.Worker.Reconcile(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "reconcile-ms")
		// The page filters on the exporter and sorts by time: on MongoDB index exporter_created
		// answers it; the embedded store reads and decodes every parcel, and may not finish
		// within the request timeout — which is then what it costs.
		start = time.Now()
		page := s.do("GET", "/v1/parcels?limit=50", exp.key, nil)
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "first-page-ms")
		if page.Status != 200 {
			b.Logf("first page of the exporter's parcels: %d after %v (%.200s)", page.Status, time.Since(start), page.Body)
		}
	}
}

// BenchmarkBondedFilings files 100 1210 lists at once, one request each, against a stock of 60
// of one item record (a fresh account per round): exactly 60 are filed and 40 refused
// insufficient_stock, every time. It reports filings a second (filed and refused), store
// commands per filing, and the ceiling the raw updateOne by `_id` of the same run gives for that
// many commands.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench BondedFilings -benchtime 5x .
func BenchmarkBondedFilings(b *testing.B) {
	s := startService(b, dxpCustoms(b))
	raw := rawBaseline(b, s)
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	lists := make([][]string, b.N)
	for n := range lists {
		emsNo := fmt.Sprintf("T4206W%06d", n+1)
		s.bondedAccount(exp, emsNo, 60)
		batch := make([]any, 100)
		for i := range batch {
			batch[i] = parcel1210(fmt.Sprintf("XB%02d%03d", n, i), emsNo, testItemRec, "1")
		}
		res := s.expect(s.do("POST", "/v1/parcels/batch", exp.key, map[string]any{"parcels": batch}), 200)
		var pids []string
		for _, r := range arr(res["results"]) {
			pids = append(pids, r.(map[string]any)["id"].(string))
		}
		lists[n] = s.declare(exp.key, pids...)
	}
	before := s.counts()
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		var filed, refused atomic.Int32
		var wg sync.WaitGroup
		for _, id := range lists[n] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch r := s.do("POST", "/v1/declarations/"+id+"/submit", exp.key, nil); r.Status {
				case 202:
					filed.Add(1)
				case 409:
					refused.Add(1)
				default:
					b.Errorf("submit %s: %d %s", id, r.Status, r.Body)
				}
			}()
		}
		wg.Wait()
		if filed.Load() != 60 || refused.Load() != 40 {
			b.Fatalf("round %d: %d filed, %d refused; want 60 and 40", n, filed.Load(), refused.Load())
		}
	}
	rate := float64(b.N*100) / time.Since(start).Seconds()
	b.StopTimer()
	all, _ := costsBetween(before, s.quiet(), b.N*100).storeCommands()
	perFiling := float64(all) / float64(b.N*100)
	b.ReportMetric(rate, "filings/s")
	b.ReportMetric(perFiling, "commands/filing")
	b.ReportMetric(raw.UpdateByID/perFiling, "ceiling-filings/s")
	b.ReportMetric(rate/(raw.UpdateByID/perFiling), "ratio-to-ceiling")
}
