package mongo

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/silkgate/silkgate/adapters/internal/counter"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/event"
)

// Filter shapes of a store command, as the embedded store sees them: it answers fast only an
// exact _id equality; any other filter reads and decodes the whole collection.
const (
	FilterID    = "id"    // every filter of the command is {_id: <string or ObjectID>}
	FilterOther = "other" // any other filter: a scan on the embedded store
	FilterNone  = "none"  // no filter: inserts, getMore, administrative commands
)

// CommandKey names one kind of store command: what it was, on which collection, with which
// filter shape.
type CommandKey struct {
	Command    string
	Collection string
	Filter     string
}

// CommandCounts counts the commands a Store sends, by CommandKey, from the driver's command
// monitor. The counts do not depend on the machine, so tests assert them; /metrics exports
// them as silkgate_store_commands_total{command, collection, filter}.
//
// The audit log's writes (AuditLog) are counted apart, as
// silkgate_store_audit_commands_total: they are the audit writer's own cost, a few commands a
// batch of entries (not a request), sent in the background, and are left out of the counts of
// the work the entries record.
type CommandCounts struct {
	vec   *counter.Vec
	audit *counter.Vec

	mu    sync.Mutex
	scans map[string]uint64 // ScanShape → count
}

func newCommandCounts() *CommandCounts {
	return &CommandCounts{scans: map[string]uint64{}, vec: counter.New("silkgate_store_commands_total",
		"Store (MongoDB) commands sent, by command, collection and filter shape (id: an exact _id equality; other: any other filter; none: no filter).",
		"command", "collection", "filter"),
		audit: counter.New("silkgate_store_audit_commands_total",
			"Store (MongoDB) commands the audit log's writer sent, by command, collection and filter shape.",
			"command", "collection", "filter")}
}

// auditWrites marks the context of the audit writer's commands, which are counted apart.
type auditWrites struct{}

func auditContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, auditWrites{}, true)
}

// monitor is the driver hook that counts every command as it starts.
func (c *CommandCounts) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(ctx context.Context, e *event.CommandStartedEvent) {
		k := classify(e.CommandName, e.Command)
		if ctx != nil && ctx.Value(auditWrites{}) != nil {
			c.audit.Inc(k.Command, k.Collection, k.Filter)
			return
		}
		c.vec.Inc(k.Command, k.Collection, k.Filter)
		if k.Filter == FilterOther {
			shape := ScanShape(e.CommandName, e.Command)
			c.mu.Lock()
			c.scans[shape]++
			c.mu.Unlock()
		}
	}}
}

// Scans returns how often each shape of command with a filter other than an exact _id was sent
// (ScanShape): what reads whole collections on the embedded store.
func (c *CommandCounts) Scans() map[string]uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.scans)
}

// ScanShape names a command by what it filters on: "find parcels {exporterId createdAt}" — the
// command, the collection and the filter's fields, sorted — so that the places that send it can
// be told apart without the values.
func ScanShape(name string, cmd bson.Raw) string {
	k := classify(name, cmd)
	if name == "aggregate" {
		return "aggregate " + k.Collection
	}
	where, ok := filterFields[name]
	if !ok {
		return name + " " + k.Collection
	}
	v, err := cmd.LookupErr(where.field)
	if err != nil {
		return name + " " + k.Collection
	}
	if where.each != "" { // the first statement whose filter is not an _id equality
		arr, _ := v.ArrayOK()
		vals, _ := arr.Values()
		for _, st := range vals {
			doc, _ := st.DocumentOK()
			if q, err := doc.LookupErr(where.each); err == nil && shapeOf(q) != FilterID {
				v = q
				break
			}
		}
	}
	doc, _ := v.DocumentOK()
	elems, _ := doc.Elements()
	keys := make([]string, len(elems))
	for i, e := range elems {
		keys[i] = e.Key()
	}
	slices.Sort(keys)
	return name + " " + k.Collection + " {" + strings.Join(keys, " ") + "}"
}

// Snapshot returns the counts so far.
func (c *CommandCounts) Snapshot() map[CommandKey]uint64 {
	out := map[CommandKey]uint64{}
	for k, n := range c.vec.Snapshot() {
		l := counter.Labels(k)
		out[CommandKey{Command: l[0], Collection: l[1], Filter: l[2]}] = n
	}
	return out
}

// Since returns the commands sent after before (an earlier Snapshot), by key.
func (c *CommandCounts) Since(before map[CommandKey]uint64) map[CommandKey]uint64 {
	out := map[CommandKey]uint64{}
	for k, n := range c.Snapshot() {
		if d := n - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// Total adds up counts.
func Total(counts map[CommandKey]uint64) uint64 {
	var n uint64
	for _, c := range counts {
		n += c
	}
	return n
}

// Collector exports the counts to Prometheus.
func (c *CommandCounts) Collector() prometheus.Collector { return c.vec }

// AuditCollector exports the audit writer's counts to Prometheus.
func (c *CommandCounts) AuditCollector() prometheus.Collector { return c.audit }

// AuditSnapshot returns the audit writer's counts so far.
func (c *CommandCounts) AuditSnapshot() map[CommandKey]uint64 {
	out := map[CommandKey]uint64{}
	for k, n := range c.audit.Snapshot() {
		l := counter.Labels(k)
		out[CommandKey{Command: l[0], Collection: l[1], Filter: l[2]}] = n
	}
	return out
}

// String is "command collection filter".
func (k CommandKey) String() string { return k.Command + " " + k.Collection + " " + k.Filter }

// filterFields says where each filtering command keeps its filter: a field of the command, or
// (update, delete) the field q of each statement of an array.
var filterFields = map[string]struct{ field, each string }{
	"find":          {"filter", ""},
	"count":         {"query", ""},
	"distinct":      {"query", ""},
	"findAndModify": {"query", ""},
	"update":        {"updates", "q"},
	"delete":        {"deletes", "q"},
}

// classify works out a command's key from its document.
func classify(name string, cmd bson.Raw) CommandKey {
	k := CommandKey{Command: name, Filter: FilterNone}
	if v, err := cmd.LookupErr(name); err == nil && v.Type == bsontype.String {
		k.Collection = v.StringValue()
	}
	if name == "getMore" {
		if v, err := cmd.LookupErr("collection"); err == nil && v.Type == bsontype.String {
			k.Collection = v.StringValue()
		}
	}
	if name == "aggregate" {
		k.Filter = FilterOther // a pipeline is never pushed down as an _id lookup
		return k
	}
	where, ok := filterFields[name]
	if !ok {
		return k
	}
	v, err := cmd.LookupErr(where.field)
	if err != nil {
		return k
	}
	if where.each == "" {
		k.Filter = shapeOf(v)
		return k
	}
	arr, ok := v.ArrayOK()
	if !ok {
		return k
	}
	vals, _ := arr.Values()
	k.Filter = FilterID
	for _, st := range vals {
		doc, ok := st.DocumentOK()
		if !ok {
			k.Filter = FilterOther
			break
		}
		q, err := doc.LookupErr(where.each)
		if err != nil || shapeOf(q) != FilterID {
			k.Filter = FilterOther
			break
		}
	}
	return k
}

// shapeOf classifies one filter document: exactly {_id: <string or ObjectID>} is FilterID, an
// empty filter FilterOther (it reads everything), anything else FilterOther.
func shapeOf(v bson.RawValue) string {
	doc, ok := v.DocumentOK()
	if !ok {
		return FilterOther
	}
	elems, err := doc.Elements()
	if err != nil || len(elems) != 1 || elems[0].Key() != "_id" {
		return FilterOther
	}
	switch elems[0].Value().Type {
	case bsontype.String, bsontype.ObjectID:
		return FilterID
	}
	return FilterOther
}
