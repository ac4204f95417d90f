package app

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

// newGUID makes a message guid: an upper-case random (version 4) UUID.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

func copSeq() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) % 1_000_000
}

// SubmitDeclarations files drafts with customs: each gets its message (guid, copNo, the exact
// XML) in the same write that marks it submitted, with an event whose relay sends it. Submitting
// one that is already under way is harmless; a send failure or processing error is filed again
// under a new guid. Only the filer submits.
func (c *Customs) SubmitDeclarations(ctx context.Context, actor Actor, ids []string) ([]DeclarationResult, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	if len(ids) == 0 || len(ids) > MaxBatch {
		return nil, domain.InvalidField("ids", "invalid_batch_size", "name 1 to 1000 declarations")
	}
	results := make([]DeclarationResult, len(ids))
	var submitted []string
	rights := c.tenancy.rightsOf(ctx, actor)
	for i, id := range ids {
		r := &results[i]
		r.Index, r.Ref, r.ID = i, id, id
		field := "ids[" + strconv.Itoa(i) + "]"
		d, err := c.submit(ctx, actor, id, rights)
		switch {
		case err == nil:
			r.Status, r.Declaration = ItemCreated, d
			submitted = append(submitted, id)
		case domain.KindOf(err) == domain.KindInternal:
			return nil, err
		default:
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
		}
	}
	c.relay.soon(ctx, "declaration", submitted...)
	return results, nil
}

// SubmitDeclaration files one declaration (see SubmitDeclarations).
func (c *Customs) SubmitDeclaration(ctx context.Context, actor Actor, id string) (*customs.Declaration, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	d, err := c.submit(ctx, actor, id, c.tenancy.rightsOf(ctx, actor))
	if err == nil {
		c.relay.soon(ctx, "declaration", id)
	}
	return d, err
}

func (c *Customs) submit(ctx context.Context, actor Actor, id string, rights *filingRights) (*customs.Declaration, error) {
	d, err := c.declarations.Update(ctx, id, func(d *customs.Declaration) error {
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
		if err := rights.check(ctx, d.ExporterID(), d.TradeMode()); err != nil {
			return err
		}
		return c.file(d, c.clock.Now())
	})
	if err == errUnchanged {
		return c.declarations.Get(ctx, id)
	}
	return d, err
}

// file gives d a new filing — a guid, a copNo and the message built for them — and submits it.
func (c *Customs) file(d *customs.Declaration, now time.Time) error {
	copNo, err := customs.FormatCopNo(c.settings.CopPrefix, now, copSeq())
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
	if err := c.gateway.Send(ctx, OutgoingMessage{DeclarationID: d.ID(), GUID: d.GUID(), Type: messageType(d.Kind()), XML: d.Message()}); err != nil {
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
			// Nothing more is owed by customs (an approved cancellation): note it as handled, so
			// that it does not take a place in every batch.
			if err := c.declarations.MarkSent(ctx, d.ID(), c.clock.Now()); err != nil {
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
