package mongo

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

// AuditLog is the audit log in MongoDB. It is written in pages: each batch the audit writer
// appends becomes one document per organisation it concerns — acting, or acted for
// (OnBehalfOf) — ("<orgId>|<seq>") and one for the whole zone ("*|<seq>"), each holding that
// batch's entries newest first (at most 50 a page: a batch may take several); seq is the
// organisation's page number, taken from its head in audit_log_heads (one atomic $inc by _id
// per organisation per batch). So every read is an exact _id lookup — the only query the embedded
// store answers without reading the whole collection (measured: an _id range, or a filter on
// a field, costs the same as a full scan there, 1.8 s at 20,000 entries) — and a page of the
// log costs a head read and a few page reads, whatever the log's size.
//
// Append-only: the type has no method that updates or removes an entry, and audit_log is only
// ever inserted into (a head is a page counter, not an entry).
type AuditLog struct {
	entries *mongo.Collection
	heads   *mongo.Collection
}

var _ app.AuditStore = (*AuditLog)(nil)

// NewAuditLog returns the audit log on the store.
func NewAuditLog(s *Store) *AuditLog {
	return &AuditLog{entries: s.db.Collection(collAuditLog), heads: s.db.Collection(collAuditHeads)}
}

// allOrgs is the page series of every organisation's entries, the operator's view.
const allOrgs = "*"

// auditScanPages bounds how many page documents one list request reads; a request that reaches
// it returns what it found with a cursor to go on.
const auditScanPages = 64

// auditPageEntries is the most entries one page document holds: a read decodes whole pages
// (measured on the embedded store: about 0.2 ms an entry), so a page of the list (50 by
// default) should not cost the decoding of a whole batch (up to 500).
const auditPageEntries = 50

type auditEntryDoc struct {
	ID         string            `bson:"id"`
	At         time.Time         `bson:"at"`
	OrgID      string            `bson:"orgId"`
	OrgKind    string            `bson:"orgKind"`
	KeyID      string            `bson:"keyId,omitempty"`
	UserID     string            `bson:"userId,omitempty"`
	Method     string            `bson:"method"`
	Route      string            `bson:"route"`
	Targets    map[string]string `bson:"targets,omitempty"`
	Status     int               `bson:"status"`
	RequestID  string            `bson:"requestId,omitempty"`
	IP         string            `bson:"ip,omitempty"`
	UserAgent  string            `bson:"userAgent,omitempty"`
	OnBehalfOf []string          `bson:"onBehalfOf,omitempty"`
}

type auditPageDoc struct {
	ID      string          `bson:"_id"` // "<orgId>|<seq, 12 digits>"
	Org     string          `bson:"org"`
	Seq     int64           `bson:"seq"`
	Newest  time.Time       `bson:"newest"`
	Oldest  time.Time       `bson:"oldest"`
	Entries []auditEntryDoc `bson:"entries"` // newest first
}

func auditPageID(org string, seq int64) string { return fmt.Sprintf("%s|%012d", org, seq) }

// AppendAudit appends a batch: it takes the next page number of each acting organisation and
// of the zone, then inserts the pages in one command.
func (l *AuditLog) AppendAudit(ctx context.Context, entries []app.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	ctx = auditContext(ctx)
	byOrg := map[string][]auditEntryDoc{}
	var orgs []string
	for _, e := range entries {
		d := auditEntryDoc{ID: e.ID, At: e.At.UTC(), OrgID: e.OrgID, OrgKind: e.OrgKind, KeyID: e.KeyID, UserID: e.UserID,
			Method: e.Method, Route: e.Route, Targets: e.Targets, Status: e.Status, RequestID: e.RequestID,
			IP: e.IP, UserAgent: e.UserAgent, OnBehalfOf: e.OnBehalfOf}
		// The entry goes into the acting organisation's pages, those of each organisation it
		// acted for, and the zone's.
		for i, org := range append([]string{e.OrgID}, e.OnBehalfOf...) {
			if org == "" || slices.Contains(e.OnBehalfOf[:max(i-1, 0)], org) || (i > 0 && org == e.OrgID) {
				continue
			}
			if _, ok := byOrg[org]; !ok {
				orgs = append(orgs, org)
			}
			byOrg[org] = append(byOrg[org], d)
		}
		byOrg[allOrgs] = append(byOrg[allOrgs], d)
	}
	orgs = append(orgs, allOrgs)
	pages := make([]any, 0, len(orgs))
	for _, org := range orgs {
		docs := byOrg[org]
		slices.SortFunc(docs, func(a, b auditEntryDoc) int { return strings.Compare(b.ID, a.ID) })
		n := int64((len(docs) + auditPageEntries - 1) / auditPageEntries)
		last, err := l.takePages(ctx, org, n)
		if err != nil {
			return err
		}
		// The newest entries take the highest page number: readers walk the numbers down.
		for i := int64(0); i < n; i++ {
			chunk := docs[i*auditPageEntries : min((i+1)*auditPageEntries, int64(len(docs)))]
			seq := last - i
			pages = append(pages, auditPageDoc{ID: auditPageID(org, seq), Org: org, Seq: seq,
				Newest: chunk[0].At, Oldest: chunk[len(chunk)-1].At, Entries: chunk})
		}
	}
	if _, err := l.entries.InsertMany(ctx, pages, options.InsertMany().SetOrdered(false)); err != nil {
		return internal(err, "append audit log")
	}
	return nil
}

// takePages takes the next n page numbers of org's series and returns the last.
func (l *AuditLog) takePages(ctx context.Context, org string, n int64) (int64, error) {
	var head struct {
		Seq int64 `bson:"seq"`
	}
	err := l.heads.FindOneAndUpdate(ctx, bson.M{"_id": org}, bson.M{"$inc": bson.M{"seq": n}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&head)
	if err != nil {
		return 0, internal(err, "audit log head")
	}
	return head.Seq, nil
}

// ListAudit reads entries newest first (in the order they were written: entries of batches
// written at the same moment by two processes may interleave by a fraction of a second), from
// the organisation's pages or, without OrgID, the zone's. The cursor names a page and a place
// in it.
func (l *AuditLog) ListAudit(ctx context.Context, f app.AuditFilter) ([]app.AuditEntry, string, error) {
	org := f.OrgID
	if org == "" {
		org = allOrgs
	}
	var seq int64
	skip := 0
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		s, i, ok := strings.Cut(c, ":")
		seq, _ = strconv.ParseInt(s, 10, 64)
		skip, _ = strconv.Atoi(i)
		if !ok || seq <= 0 || skip < 0 {
			return nil, "", domain.InvalidField("cursor", "invalid_cursor", "cursor is not one this service returned")
		}
	} else {
		var head struct {
			Seq int64 `bson:"seq"`
		}
		err := l.heads.FindOne(ctx, bson.M{"_id": org}).Decode(&head)
		if err == mongo.ErrNoDocuments {
			return []app.AuditEntry{}, "", nil
		}
		if err != nil {
			return nil, "", internal(err, "audit log head")
		}
		seq = head.Seq
	}
	out := []app.AuditEntry{}
	for read := 0; seq > 0; seq, skip = seq-1, 0 {
		if read == auditScanPages {
			return out, encodeCursor(strconv.FormatInt(seq, 10) + ":0"), nil
		}
		read++
		var p auditPageDoc
		err := l.entries.FindOne(ctx, bson.M{"_id": auditPageID(org, seq)}).Decode(&p)
		if err == mongo.ErrNoDocuments {
			continue // a page number taken by a batch that was never written
		}
		if err != nil {
			return nil, "", internal(err, "read audit log")
		}
		if !f.Until.IsZero() && !p.Oldest.Before(f.Until) {
			continue // all of it too new
		}
		if !f.Since.IsZero() && p.Newest.Before(f.Since) {
			break // this page and the older ones are all too old
		}
		for i := skip; i < len(p.Entries); i++ {
			e := p.Entries[i]
			if (!f.Until.IsZero() && !e.At.Before(f.Until)) || (!f.Since.IsZero() && e.At.Before(f.Since)) {
				continue
			}
			if len(out) == f.Limit {
				return out, encodeCursor(strconv.FormatInt(seq, 10) + ":" + strconv.Itoa(i)), nil
			}
			out = append(out, app.AuditEntry{ID: e.ID, At: e.At.UTC(), OrgID: e.OrgID, OrgKind: e.OrgKind, KeyID: e.KeyID, UserID: e.UserID,
				Method: e.Method, Route: e.Route, Targets: e.Targets, Status: e.Status, RequestID: e.RequestID,
				IP: e.IP, UserAgent: e.UserAgent, OnBehalfOf: e.OnBehalfOf})
		}
		if len(out) == f.Limit && seq > 1 {
			// Full at a page's end: the next page is read by the next request, if asked for.
			return out, encodeCursor(strconv.FormatInt(seq-1, 10) + ":0"), nil
		}
	}
	return out, "", nil
}
