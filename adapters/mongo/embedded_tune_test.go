package mongo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

// TestIndexIDsLetsWritesFindTheirDocument checks, through SQLite's own query plan, that after
// IndexIDs the statement the embedded server updates a document by _id with is an index search
// rather than a scan of the collection.
func TestIndexIDsLetsWritesFindTheirDocument(t *testing.T) {
	dir := t.TempDir()
	e, err := StartEmbedded(dir, "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	s, err := Connect(ctx, e.URI(), "tune", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Database().Collection(collParcels).InsertOne(ctx, bson.M{"_id": "p1"}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+dir+"/tune.sqlite?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var table string
	if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collParcels).Scan(&table); err != nil {
		t.Fatal(err)
	}
	plan := func() string {
		rows, err := db.Query(fmt.Sprintf(`EXPLAIN QUERY PLAN UPDATE %q SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->'$._id' = ?`, table), "{}", `"p1"`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out = append(out, detail)
		}
		return strings.Join(out, "; ")
	}
	// The precondition IndexIDs exists for: without it, the update scans the collection. If
	// FerretDB starts finding its documents by itself, IndexIDs may be dropped.
	if p := plan(); !strings.HasPrefix(p, "SCAN") {
		t.Fatalf("without the index the plan is %q, not a scan: FerretDB has changed, and IndexIDs may no longer be needed", p)
	}
	if err := e.IndexIDs(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.IndexIDs(ctx); err != nil {
		t.Fatalf("a second run must be harmless: %v", err)
	}
	// (Reading the schema also makes this connection see the index another connection made.)
	var idx int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = ?`, table+"_silkgate_id").Scan(&idx); err != nil || idx != 1 {
		t.Fatalf("index %s_silkgate_id: %d, %v", table, idx, err)
	}
	if p := plan(); !strings.Contains(p, "USING INDEX "+table+"_silkgate_id") {
		t.Errorf("update by _id does not use the index: %q", p)
	}
}
