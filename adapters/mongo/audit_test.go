package mongo_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/silkgate/silkgate/adapters/mongo"
	"github.com/silkgate/silkgate/adapters/mongo/mongotest"
	"github.com/silkgate/silkgate/app"
)

// The audit log can only be appended to and read: the adapter has no other method.
func TestAuditLogIsAppendOnly(t *testing.T) {
	var methods []string
	typ := reflect.TypeFor[*mongo.AuditLog]()
	for i := range typ.NumMethod() {
		methods = append(methods, typ.Method(i).Name)
	}
	if !slices.Equal(methods, []string{"AppendAudit", "ListAudit"}) {
		t.Errorf("AuditLog has methods %v, want AppendAudit and ListAudit only", methods)
	}
}

// Appending a batch costs one insert and one $inc by _id per acting organisation (and one for
// the zone), counted apart from the work it records; reading costs exact _id lookups only.
func TestAuditLogStoreCommands(t *testing.T) {
	store := mongotest.New(t)
	log := mongo.NewAuditLog(store)
	ctx := context.Background()
	before := store.Commands().Snapshot()
	var batch []app.AuditEntry
	for i := range 30 {
		batch = append(batch, app.AuditEntry{ID: fmt.Sprintf("aud_%03d", i), At: time.Now().UTC().Truncate(time.Millisecond),
			OrgID: fmt.Sprintf("org_%d", i%3), OrgKind: "exporter", Method: "POST", Route: "/v1/parcels", Status: 201})
	}
	if err := log.AppendAudit(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if got := store.Commands().Since(before); len(got) != 0 {
		t.Errorf("appending counted among the service's commands: %v", got)
	}
	audit := store.Commands().AuditSnapshot()
	if audit[mongo.CommandKey{Command: "insert", Collection: "audit_log", Filter: mongo.FilterNone}] != 1 ||
		audit[mongo.CommandKey{Command: "findAndModify", Collection: "audit_log_heads", Filter: mongo.FilterID}] != 4 {
		t.Errorf("audit writer's commands %v, want 1 insert and 4 findAndModify by _id", audit)
	}
	before = store.Commands().Snapshot()
	entries, next, err := log.ListAudit(ctx, app.AuditFilter{OrgID: "org_1", Limit: 5})
	if err != nil || len(entries) != 5 || next == "" {
		t.Fatalf("first page: %d, %q, %v", len(entries), next, err)
	}
	if entries[0].ID != "aud_028" || entries[4].ID != "aud_016" {
		t.Errorf("org_1's newest five: %s .. %s", entries[0].ID, entries[4].ID)
	}
	rest, next, err := log.ListAudit(ctx, app.AuditFilter{OrgID: "org_1", Limit: 50, Cursor: next})
	if err != nil || len(rest) != 5 || next != "" || rest[0].ID != "aud_013" {
		t.Fatalf("second page: %d, %q, %v", len(rest), next, err)
	}
	for k := range store.Commands().Since(before) {
		if k.Filter != mongo.FilterID {
			t.Errorf("reading the audit log sent %v", k)
		}
	}
	if _, _, err := log.ListAudit(ctx, app.AuditFilter{Cursor: "bm9wZQ", Limit: 5}); err == nil {
		t.Error("a cursor this service did not return was accepted")
	}
}

// BenchmarkAuditLogPage reads the newest page of 50 entries of one organisation and of the
// zone from a log of 20,000 entries of 50 organisations, written in batches of 100.
func BenchmarkAuditLogPage(b *testing.B) {
	store := mongotest.New(b)
	log := mongo.NewAuditLog(store)
	ctx := context.Background()
	at := time.Now().UTC().Truncate(time.Millisecond)
	for batch := range 200 {
		entries := make([]app.AuditEntry, 100)
		for i := range entries {
			n := batch*100 + i
			entries[i] = app.AuditEntry{ID: fmt.Sprintf("aud_%06d", n), At: at.Add(time.Duration(n) * time.Millisecond),
				OrgID: fmt.Sprintf("org_%02d", n%50), OrgKind: "exporter", KeyID: "k_0123456789", Method: "POST",
				Route: "/v1/parcels/:id/cancel", Targets: map[string]string{"id": "pcl_4206980001_XY240901001"},
				Status: 200, RequestID: "0123456789abcdef01234567", IP: "203.0.113.7", UserAgent: "erp-connector/2.1"}
		}
		if err := log.AppendAudit(ctx, entries); err != nil {
			b.Fatal(err)
		}
	}
	for _, org := range []string{"org_07", ""} {
		name := "zone"
		if org != "" {
			name = "organisation"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				got, _, err := log.ListAudit(ctx, app.AuditFilter{OrgID: org, Limit: 50})
				if err != nil || len(got) != 50 {
					b.Fatal(len(got), err)
				}
			}
		})
	}
}
