package main

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// BenchmarkBatchIntake posts batches of 1,000 new parcels through the HTTP API to the service
// on the embedded store (or MONGO_URI) and reports parcels per second and allocations.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench BatchIntake -benchmem -benchtime 10x .
func BenchmarkBatchIntake(b *testing.B) {
	s := startService(b, map[string]string{"SILKGATE_LOG_LEVEL": "error"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	bodies := make([][]byte, b.N)
	for n := range bodies {
		batch := make([]any, 1000)
		for i := range batch {
			batch[i] = parcelBody(fmt.Sprintf("BN%05dP%04d", n, i))
		}
		bodies[n], _ = json.Marshal(map[string]any{"parcels": batch})
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		res := s.do("POST", "/v1/parcels/batch", exp.key, bodies[n])
		if res.Status != 200 {
			b.Fatalf("batch %d: %d %.300s", n, res.Status, res.Body)
		}
	}
	b.ReportMetric(float64(b.N*1000)/time.Since(start).Seconds(), "parcels/s")
}

// BenchmarkCustomsPipeline files inventory lists end to end — submit, send to the simulated
// customs authority, receipts back through the queue, parcel updates — on real Redis, 100 lists
// per iteration submitted in one bulk call, and reports lists released per second and the p99 of
// submitted → released.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench CustomsPipeline -benchtime 5x .
func BenchmarkCustomsPipeline(b *testing.B) {
	s := startService(b, map[string]string{"SILKGATE_LOG_LEVEL": "error", "SILKGATE_SIM_STEP": "0",
		"SILKGATE_WORKER_CONCURRENCY": "32"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	const perIteration = 100
	var ids []string
	for n := 0; n < b.N; n++ {
		batch := make([]any, perIteration)
		for i := range batch {
			batch[i] = parcelBody(fmt.Sprintf("BP%05dP%03d", n, i))
		}
		res := s.expect(s.do("POST", "/v1/parcels/batch", exp.key, map[string]any{"parcels": batch}), 200)
		var pids []string
		for _, r := range res["results"].([]any) {
			pids = append(pids, r.(map[string]any)["id"].(string))
		}
		ids = append(ids, s.declare(exp.key, pids...)...)
	}
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		chunk := ids[n*perIteration : (n+1)*perIteration]
		s.expect(s.do("POST", "/v1/declarations/submit", exp.key, map[string]any{"ids": chunk}), 202)
	}
	eventuallyWithin(b, 30*60, "every list is released", func() bool {
		st := s.expect(s.do("GET", "/v1/stats/clearance", exp.key, nil), 200)
		return int(st["count"].(float64)) >= len(ids)
	})
	elapsed := time.Since(start)
	b.StopTimer()
	st := s.expect(s.do("GET", "/v1/stats/clearance", exp.key, nil), 200)
	b.ReportMetric(float64(len(ids))/elapsed.Seconds(), "lists/s")
	b.ReportMetric(st["p99Seconds"].(float64), "p99-s")
	b.ReportMetric(st["p50Seconds"].(float64), "p50-s")
}

// BenchmarkContendedBookings sends 300 booking requests at once against one 110 TEU departure
// (a fresh departure per iteration) and reports booking requests answered per second: about a
// third are confirmed, the rest waitlisted or refused, every one through the departure's
// conditional update.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench ContendedBookings -benchtime 5x .
func BenchmarkContendedBookings(b *testing.B) {
	s := startService(b, map[string]string{"SILKGATE_LOG_LEVEL": "error"})
	exp := s.register("exporter", "甲", usccA, "4206360A21")
	deps := make([]string, b.N)
	for n := range deps {
		deps[n] = s.planDeparture(10+n, 110)
	}
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
	b.ReportMetric(float64(b.N*300)/time.Since(start).Seconds(), "bookings/s")
}
