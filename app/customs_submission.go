package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/party"
)

// newGUID makes a message guid: an upper-case random (version 4) UUID.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// SubmitDeclarations files drafts with customs: each gets its message (guid, copNo, the exact
// XML) in the same write that marks it submitted — one read each, the writes in bulk — and the
// request then sends them all to customs at once and declares their parcels (dispatch).
// Submitting one that is already under way is harmless; a send failure or processing error is
// filed again under a new guid. Only the filer submits.
func (c *Customs) SubmitDeclarations(ctx context.Context, actor Actor, ids []string) ([]DeclarationResult, error) {
	if err := requireAnyFiler(actor); err != nil {
		return nil, err
	}
	if len(ids) == 0 || len(ids) > MaxBatch {
		return nil, domain.InvalidField("ids", "invalid_batch_size", "name 1 to 1000 declarations")
	}
	updated, err := c.declarations.UpdateMany(ctx, ids, c.submitChange(ctx, actor, c.tenancy.rightsOf(ctx, actor)))
	if err != nil {
		return nil, err
	}
	results := make([]DeclarationResult, len(ids))
	var submitted []*customs.Declaration
	for i, u := range updated {
		r := &results[i]
		r.Index, r.Ref, r.ID = i, ids[i], ids[i]
		switch {
		case u.Err == nil:
			r.Status, r.Declaration = ItemCreated, u.Value
			submitted = append(submitted, u.Value)
		case u.Err == errUnchanged: // under way already
			r.Status, r.Declaration = ItemCreated, u.Value
		case domain.KindOf(u.Err) == domain.KindInternal:
			// The others are written already: this one fails on its own, and the answer says
			// which, rather than a 500 that hides what was submitted.
			c.log.Error("declaration not submitted", "id", ids[i], "err", u.Err)
			r.Status, r.Errors = ItemInvalid, []domain.FieldError{{Field: "ids[" + strconv.Itoa(i) + "]", Code: "internal",
				Message: "this declaration could not be submitted because of an internal error; it is left unchanged; quote the request id to the operator"}}
		default:
			r.Status, r.Errors = ItemInvalid, itemError("ids["+strconv.Itoa(i)+"]", u.Err)
		}
	}
	c.dispatch(ctx, submitted)
	return results, nil
}

// SubmitDeclaration files one declaration (see SubmitDeclarations).
func (c *Customs) SubmitDeclaration(ctx context.Context, actor Actor, id string) (*customs.Declaration, error) {
	if err := requireAnyFiler(actor); err != nil {
		return nil, err
	}
	d, err := c.declarations.Update(ctx, id, c.submitChange(ctx, actor, c.tenancy.rightsOf(ctx, actor)))
	if err == errUnchanged {
		return c.declarations.Get(ctx, id)
	}
	if err == nil {
		c.dispatch(ctx, []*customs.Declaration{d})
	}
	return d, err
}

// submitChange is the change that submits a declaration for actor, who must be its filer.
func (c *Customs) submitChange(ctx context.Context, actor Actor, rights *filingRights) func(*customs.Declaration) error {
	return func(d *customs.Declaration) error {
		if d.FilerID() != actor.OrgID {
			ok, err := rights.covers(d.ExporterID())
			if err != nil {
				return err
			}
			if !ok {
				return notFoundDeclaration
			}
			return forbidden("filer_only", "only the organisation that drafted a declaration submits it")
		}
		if !d.Editable() && !d.Resubmittable() {
			return errUnchanged // under way already: submitting again changes nothing
		}
		// A broker files for an exporter only while its authorisation covers the trade mode;
		// a firm filing a document or an arrival in its own name needs nobody's authorisation.
		ownName := d.Kind().IsDocument() || d.Kind() == customs.KindArrival
		if !ownName || actor.Kind == party.KindBroker {
			if err := rights.check(ctx, d.ExporterID(), d.TradeMode()); err != nil {
				return err
			}
		}
		// A 1210 list holds its bonded stock in the write that files it (customs_bonded.go).
		if err := c.reserveStock(ctx, d, actor.OrgID); err != nil {
			return err
		}
		if err := c.file(d, c.clock.Now()); err != nil {
			c.unreserveStock(ctx, d, nil)
			return err
		}
		return nil
	}
}

// dispatch carries out, in the request that submitted them, what submitted declarations oblige:
// their messages go to customs in one send, their parcels are declared, and the events of both
// are published, all from memory. Whatever fails here stays in the outboxes and goes to a relay
// task, which does it again (the reconciler, should that be lost too).
func (c *Customs) dispatch(ctx context.Context, ds []*customs.Declaration) {
	if len(ds) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx) // submitted is submitted, even if the caller has gone
	if err := c.sendAll(ctx, ds); err != nil {
		c.log.Warn("submitted declarations not sent at once; relaying them", "count", len(ds), "err", err)
		c.relay.later(ctx, written("declaration", ds...))
		return
	}
	c.followed(ctx, ds, nil)
}

// sendAll hands the messages of the declarations still waiting for customs to the gateway, in
// one call. The write that submitted them is their last change, so the reconciler's clock for a
// silent filing starts there: no separate note of the send.
func (c *Customs) sendAll(ctx context.Context, ds []*customs.Declaration) error {
	var ms []OutgoingMessage
	seen := map[string]bool{}
	for _, d := range ds {
		if !d.AwaitingCustoms() || seen[d.ID()] {
			continue
		}
		seen[d.ID()] = true
		for _, guid := range append(d.HeadGUIDs(), d.GUID()) {
			c.filedUnder.put(guid, d.ID()) // the receipts will name it
		}
		xml, err := c.messageOf(ctx, d)
		if err != nil {
			return err
		}
		ms = append(ms, OutgoingMessage{DeclarationID: d.ID(), GUID: d.GUID(), Type: messageType(d.Kind()), XML: xml})
	}
	if len(ms) == 0 {
		return nil
	}
	return c.gateway.Send(ctx, ms...)
}

// messageOf is the exact message of d's current filing: in memory right after the write that
// submitted it, else read from where the store keeps messages (one _id lookup).
func (c *Customs) messageOf(ctx context.Context, d *customs.Declaration) ([]byte, error) {
	if xml := d.Message(); len(xml) > 0 {
		return xml, nil
	}
	return c.declarations.Message(ctx, d.GUID())
}

// file gives d a new filing — a guid, a copNo and the message built for them — and submits it.
func (c *Customs) file(d *customs.Declaration, now time.Time) error {
	copNo, err := c.copNos.next(c.settings.CopPrefix, now)
	if err != nil {
		return err
	}
	f := Filing{GUID: newGUID(), CopNo: copNo, At: now}
	msg, err := c.messages.Build(d, f)
	if err != nil {
		return err
	}
	return d.Submit(f.GUID, f.CopNo, msg.XML, now)
}

// SendDeclaration hands a submitted declaration's message to the gateway (the send task, which
// the reconciler enqueues for a filing customs has not answered). A declaration that is not
// waiting for customs any more is left alone.
func (c *Customs) SendDeclaration(ctx context.Context, id string) error {
	d, err := c.declarations.Get(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.send(ctx, d)
}

// send hands d's message to the gateway, if d still waits for customs, and notes when.
func (c *Customs) send(ctx context.Context, d *customs.Declaration) error {
	if !d.AwaitingCustoms() {
		return nil
	}
	for _, guid := range append(d.HeadGUIDs(), d.GUID()) {
		c.filedUnder.put(guid, d.ID()) // the receipts will name it
	}
	xml, err := c.messageOf(ctx, d)
	if err != nil {
		return err
	}
	if err := c.gateway.Send(ctx, OutgoingMessage{DeclarationID: d.ID(), GUID: d.GUID(), Type: messageType(d.Kind()), XML: xml}); err != nil {
		return err
	}
	return c.declarations.MarkSent(ctx, d.ID(), c.clock.Now())
}

// resendStale re-sends declarations that made no progress for ResendAfter: their relay or
// their receipts were lost. Customs (and the simulated authority) answer a repeated guid with
// the same receipts, which the declarations recognise as duplicates.
func (c *Customs) resendStale(ctx context.Context) error {
	if c.declarations == nil || c.settings.ResendAfter <= 0 {
		return nil
	}
	stale, err := c.declarations.Unfinished(ctx, c.clock.Now().Add(-c.settings.ResendAfter), 1000)
	if err != nil {
		return err
	}
	for _, d := range stale {
		if !d.AwaitingCustoms() {
			// Nothing more is owed by customs (an approved cancellation): off the agenda, so
			// that it does not take a place in every batch.
			if err := c.declarations.DoneWaiting(ctx, d.ID()); err != nil {
				return err
			}
			continue
		}
		if err := c.queue.Enqueue(ctx, Task{Type: TaskCustomsSend, Payload: []byte(d.ID())}); err != nil {
			return err
		}
	}
	if len(stale) > 0 {
		c.log.Info("reconciler re-sent stale declarations", "count", len(stale))
	}
	return nil
}
