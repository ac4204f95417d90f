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
