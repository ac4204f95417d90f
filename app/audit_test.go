package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/party"
)

// readAll pages through the audit log as actor sees it.
func readAll(t *testing.T, a *app.Audit, actor app.Actor, f app.AuditFilter) []app.AuditEntry {
	t.Helper()
	var out []app.AuditEntry
	f.Limit = 500
	for {
		p, err := a.List(context.Background(), actor, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out
		}
		f.Cursor = p.NextCursor
	}
}

// Fifty goroutines record at once; every entry is written, once, and each organisation reads
// exactly its own.
func TestAuditWriterUnderConcurrencyLosesNothing(t *testing.T) {
	t.Parallel()
	store := mongotest.New(t)
	audit := app.NewAudit(app.AuditPorts{Store: mongo.NewAuditLog(store), Buffer: 4096, Batch: 300})
	const goroutines, each, orgs = 50, 40, 5
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				audit.Record(app.AuditEntry{OrgID: fmt.Sprintf("org_%d", g%orgs), OrgKind: "exporter", KeyID: "key",
					Method: "POST", Route: "/v1/parcels", Status: 201, RequestID: fmt.Sprintf("r%d-%d", g, i), IP: "127.0.0.1"})
			}
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	audit.Close(ctx)
	if got, dropped, failed := audit.Written(), audit.Dropped(), audit.Failed(); got != goroutines*each || dropped != 0 || failed != 0 {
		t.Fatalf("written %d, dropped %d, failed %d; want %d, 0, 0", got, dropped, failed, goroutines*each)
	}
	operator := app.Actor{OrgID: "org_operator", Kind: party.KindOperator}
	all := readAll(t, audit, operator, app.AuditFilter{})
	seen := map[string]bool{}
	for _, e := range all {
		if seen[e.RequestID] {
			t.Fatalf("entry %s read twice", e.RequestID)
		}
		seen[e.RequestID] = true
	}
	if len(seen) != goroutines*each {
		t.Fatalf("the operator reads %d entries, want %d", len(seen), goroutines*each)
	}
	for o := range orgs {
		org := fmt.Sprintf("org_%d", o)
		own := readAll(t, audit, app.Actor{OrgID: org, Kind: party.KindExporter}, app.AuditFilter{})
		if len(own) != goroutines*each/orgs {
			t.Errorf("%s reads %d entries, want %d", org, len(own), goroutines*each/orgs)
		}
		for _, e := range own {
			if e.OrgID != org {
				t.Fatalf("%s reads an entry of %s", org, e.OrgID)
			}
		}
		byOperator := readAll(t, audit, operator, app.AuditFilter{OrgID: org})
		if len(byOperator) != len(own) {
			t.Errorf("the operator reads %d entries of %s, the organisation %d", len(byOperator), org, len(own))
		}
	}
	// Another organisation's log is the operator's to read.
	if _, err := audit.List(context.Background(), app.Actor{OrgID: "org_0", Kind: party.KindExporter},
		app.AuditFilter{OrgID: "org_1"}); err == nil {
		t.Error("an exporter read another organisation's audit log")
	}
	// Entries recorded after Close are dropped and counted, not lost silently.
	audit.Record(app.AuditEntry{OrgID: "org_0", Method: "POST", Route: "/v1/parcels", Status: 201})
	if audit.Dropped() != 1 {
		t.Errorf("dropped %d after close, want 1", audit.Dropped())
	}
}

// Entries still buffered when the log is closed are written then: a writer that would not
// flush for an hour loses nothing at shutdown.
func TestAuditEntriesAreWrittenAtClose(t *testing.T) {
	t.Parallel()
	store := mongotest.New(t)
	log := mongo.NewAuditLog(store)
	audit := app.NewAudit(app.AuditPorts{Store: log, FlushEvery: time.Hour, Batch: 1000})
	for i := range 25 {
		audit.Record(app.AuditEntry{OrgID: "org_a", OrgKind: "exporter", Method: "DELETE", Route: "/v1/api-keys/:keyId",
			Targets: map[string]string{"keyId": fmt.Sprint("k", i)}, Status: 200})
	}
	operator := app.Actor{OrgID: "org_operator", Kind: party.KindOperator}
	if got := readAll(t, audit, operator, app.AuditFilter{}); len(got) != 0 {
		t.Fatalf("%d entries written before the first flush", len(got))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	audit.Close(ctx)
	got := readAll(t, audit, operator, app.AuditFilter{})
	if len(got) != 25 || audit.Written() != 25 {
		t.Fatalf("after close: %d entries read, %d written; want 25", len(got), audit.Written())
	}
	if got[0].Targets["keyId"] != "k24" || got[24].Targets["keyId"] != "k0" {
		t.Errorf("newest first: %v ... %v", got[0].Targets, got[24].Targets)
	}
	// since/until select by time and pages continue where they stopped.
	mid := got[12].At
	var n int
	for _, e := range got {
		if !e.At.Before(mid) {
			n++
		}
	}
	if since := readAll(t, audit, operator, app.AuditFilter{Since: mid}); len(since) != n {
		t.Errorf("since %v: %d entries, want %d", mid, len(since), n)
	}
	if until := readAll(t, audit, operator, app.AuditFilter{Until: mid}); len(until) != 25-n {
		t.Errorf("until %v: %d entries, want %d", mid, len(until), 25-n)
	}
	p, err := audit.List(context.Background(), operator, app.AuditFilter{Limit: 10})
	if err != nil || len(p.Items) != 10 || p.NextCursor == "" {
		t.Fatalf("first page: %d items, cursor %q, %v", len(p.Items), p.NextCursor, err)
	}
	rest := readAll(t, audit, operator, app.AuditFilter{Cursor: p.NextCursor})
	if len(rest) != 15 || rest[0].ID != got[10].ID {
		t.Errorf("the second page starts at %v (%d entries), want %s (15)", rest[0].ID, len(rest), got[10].ID)
	}
}

// With a buffer too small for the load, what is not written is counted as dropped: written and
// dropped add up to every entry recorded, and what was written can be read.
func TestAuditWriterCountsWhatItDrops(t *testing.T) {
	t.Parallel()
	store := mongotest.New(t)
	audit := app.NewAudit(app.AuditPorts{Store: mongo.NewAuditLog(store), Buffer: 1, Batch: 10})
	const goroutines, each = 50, 20
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				audit.Record(app.AuditEntry{OrgID: "org_a", OrgKind: "exporter", Method: "POST", Route: "/v1/parcels",
					Status: 201, RequestID: fmt.Sprintf("r%d-%d", g, i)})
			}
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	audit.Close(ctx)
	written, dropped := audit.Written(), audit.Dropped()
	if written+dropped != goroutines*each || audit.Failed() != 0 {
		t.Fatalf("written %d + dropped %d = %d, want %d (failed %d)", written, dropped, written+dropped, goroutines*each, audit.Failed())
	}
	got := readAll(t, audit, app.Actor{OrgID: "org_a", Kind: party.KindExporter}, app.AuditFilter{})
	if uint64(len(got)) != written {
		t.Errorf("%d entries read, %d written", len(got), written)
	}
	t.Logf("buffer of 1 under %d goroutines: %d written, %d dropped", goroutines, written, dropped)
}
