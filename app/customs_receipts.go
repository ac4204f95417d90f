package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

// MayReceiveReceipts admits the operator (and the keys it gives the customs-gateway client).
func MayReceiveReceipts(actor Actor) error {
	return requireOperator(actor)
}

// ReceiptResult is what became of one receipt.
type ReceiptResult struct {
	GUID          string          `json:"guid"`
	ReturnStatus  string          `json:"returnStatus"`
	DeclarationID string          `json:"declarationId"`
	Outcome       customs.Outcome `json:"outcome"`
	Status        customs.Status  `json:"status"`
}

// applyReceipts applies a body of receipt documents (ReceiveReceipts). Every document is read and every guid found before anything is applied, so a body with
// a malformed document (Invalid) or an unknown guid (NotFound) changes nothing. Applying is
// idempotent and order-tolerant (the declaration decides), and what follows from a change — the
// parcel's status, a cancellation, a summary's lists — follows through the outbox.
func (c *Customs) applyReceipts(ctx context.Context, body []byte) ([]ReceiptResult, error) {
	receipts, err := c.messages.DecodeReceipts(body)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(receipts))
	for i, r := range receipts {
		id, err := c.declarationOf(ctx, strings.ToUpper(r.GUID))
		if isNotFound(err) {
			return nil, &domain.Error{Kind: domain.KindNotFound, Code: "unknown_guid",
				Message: "no declaration was filed under guid " + r.GUID,
				Fields:  []domain.FieldError{{Field: fmt.Sprintf("receipts[%d].guid", i), Code: "unknown_guid", Message: r.GUID}}}
		}
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	// One read-modify-write per declaration, for all its receipts in the body, in their order;
	// the writes go out in bulk.
	now := c.clock.Now()
	out := make([]ReceiptResult, len(receipts))
	byDeclaration := map[string][]int{}
	var order []string
	for i, id := range ids {
		if _, ok := byDeclaration[id]; !ok {
			order = append(order, id)
		}
		byDeclaration[id] = append(byDeclaration[id], i)
	}
	// The statuses each list's parcel is to go through, in order.
	parcelSteps := map[string][]parcel.Status{}
	// A receipt that does not fit its declaration (another filing's guid, a declaration not
	// submitted) is left out; the others apply, and the body is kept with its error.
	var misfitMu sync.Mutex
	misfits := map[int]error{}
	updated, err := c.declarations.UpdateMany(ctx, order, func(d *customs.Declaration) error {
		steps, changed := []parcel.Status(nil), false
		for _, i := range byDeclaration[d.ID()] {
			r := receipts[i]
			r.ReceivedAt = now
			outcome, err := d.ApplyReceipt(r, now)
			if err != nil && domain.KindOf(err) != domain.KindInternal {
				misfitMu.Lock()
				misfits[i] = err
				misfitMu.Unlock()
				continue
			}
			if err != nil {
				return err
			}
			out[i] = ReceiptResult{GUID: r.GUID, ReturnStatus: r.ReturnStatus, DeclarationID: d.ID(), Outcome: outcome, Status: d.Status()}
			if outcome == customs.Duplicate {
				continue
			}
			changed = true
			if st, ok := d.ParcelStatus(); ok && (len(steps) == 0 || steps[len(steps)-1] != st) {
				steps = append(steps, st)
			}
		}
		parcelSteps[d.ID()] = steps
		if !changed {
			return errUnchanged
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	changed, err := writtenOf(updated, func(err error) bool { return err == errUnchanged })
	if err != nil {
		return nil, err
	}
	c.followed(ctx, changed, parcelSteps)
	for i := range receipts {
		if err, ok := misfits[i]; ok {
			return out, withReceiptField(err, i)
		}
	}
	return out, nil
}

// withReceiptField names receipt i of the body in a receipt's error.
func withReceiptField(err error, i int) error {
	var e *domain.Error
	if !errors.As(err, &e) {
		return err
	}
	named := *e
	named.Fields = []domain.FieldError{{Field: fmt.Sprintf("receipts[%d]", i), Code: e.Code, Message: e.Message}}
	return &named
}

// followed carries the declarations just written over to what depends on them — the parcels of
// inventory lists in one bulk update, the rest one by one (followDeclaration) — and publishes the
// events of both from memory. steps, when given, are the statuses each list's parcel is to go
// through (else the one its list stands for now). A declaration whose reaction fails keeps its
// events, and a relay task does it again.
func (c *Customs) followed(ctx context.Context, ds []*customs.Declaration, steps map[string][]parcel.Status) {
	var lists, documents, others []*customs.Declaration
	for _, d := range ds {
		switch {
		case d.Kind() == customs.KindInventory:
			lists = append(lists, d)
		case d.Kind().IsDocument():
			documents = append(documents, d)
		default:
			others = append(others, d)
		}
	}
	var done []*customs.Declaration
	parcels, err := c.followParcels(ctx, lists, steps)
	if err == nil {
		err = c.followStock(ctx, lists) // 1210: the bonded account follows its lists
	}
	if err != nil {
		c.log.Warn("parcels not moved with their lists; relaying the lists", "count", len(lists), "err", err)
		c.relay.later(ctx, written("declaration", lists...))
	} else {
		done = lists
	}
	done = append(done, documents...) // nothing follows from a document: the parcel reads them
	for _, d := range others {
		if err := c.followDeclaration(ctx, d); err != nil {
			c.log.Warn("declaration not followed; relaying it", "declaration", d.ID(), "err", err)
			c.relay.later(ctx, written("declaration", d))
			continue
		}
		done = append(done, d)
	}
	c.relay.now(ctx, append(written("parcel", parcels...), written("declaration", done...)...)...)
}

// react carries out what a declaration's new events oblige the service to do, in the relay task
// that found them: a submitted declaration is sent to customs at once (not through a send task of
// its own), and what depends on the declaration follows it. One read serves both.
func (c *Customs) react(ctx context.Context, id string, submitted bool) error {
	d, err := c.declarations.Get(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if submitted {
		if err := c.send(ctx, d); err != nil {
			return err
		}
	}
	return c.followDeclaration(ctx, d)
}

// followDeclaration carries a declaration's change over to what depends on it: the parcel of
// an inventory list follows its status; an approved cancellation cancels its target; a finished
// summary marks its lists. Each step is idempotent, so the relay may run it again after a crash.
func (c *Customs) followDeclaration(ctx context.Context, d *customs.Declaration) error {
	now := c.clock.Now()
	switch d.Kind() {
	case customs.KindInventory:
		if err := c.followStock(ctx, []*customs.Declaration{d}); err != nil {
			return err
		}
		return c.followParcel(ctx, d)
	case customs.KindArrival:
		return c.followArrival(ctx, d)
	case customs.KindCancel:
		cancellation, _ := d.Cancellation()
		if !d.CancelApproved() {
			return nil
		}
		target, err := c.declarations.Update(ctx, cancellation.TargetID, func(t *customs.Declaration) error {
			return t.CancelledBy(d.ID(), now)
		})
		if err != nil && domain.KindOf(err) != domain.KindFailedPrecondition {
			return err
		}
		if target != nil {
			c.relay.now(ctx, written("declaration", target)...)
			if err := c.followStock(ctx, []*customs.Declaration{target}); err != nil {
				return err
			}
			return c.cancelParcel(ctx, target)
		}
	case customs.KindSummary:
		res, ok := d.SummaryResult()
		if !ok {
			return nil
		}
		for _, l := range res.Lists {
			list, err := c.declarations.Update(ctx, l.DeclarationID, func(list *customs.Declaration) error {
				return list.MarkSummarised(d.ID(), res.EntryIDs, now, "customs")
			})
			if err != nil && domain.KindOf(err) != domain.KindFailedPrecondition {
				return err
			}
			if err == nil {
				c.relay.now(ctx, written("declaration", list)...)
			}
		}
	}
	return nil
}

// followParcel drives an inventory list's parcel to the status the list stands for, and
// publishes the parcel's events.
func (c *Customs) followParcel(ctx context.Context, d *customs.Declaration) error {
	parcels, err := c.followParcels(ctx, []*customs.Declaration{d}, nil)
	if err == nil {
		c.relay.now(ctx, written("parcel", parcels...)...)
	}
	return err
}

// followParcels moves the parcels of inventory lists through the statuses their lists went
// through (steps by list id; without, the one each list stands for now), one read each and the
// writes in bulk, and returns the parcels it changed. A move a parcel refuses as stale (a late
// "accepted" after "released") is skipped; a parcel that is gone is left alone.
func (c *Customs) followParcels(ctx context.Context, lists []*customs.Declaration, steps map[string][]parcel.Status) ([]*parcel.Parcel, error) {
	type follow struct {
		list  *customs.Declaration
		steps []parcel.Status
	}
	byParcel := map[string]follow{}
	var ids []string
	var again []*customs.Declaration // a second list of a parcel in this batch: followed after
	for _, d := range lists {
		inv, _ := d.Inventory()
		current, ok := d.ParcelStatus()
		if !ok || inv.ParcelID == "" {
			continue
		}
		f := follow{list: d, steps: []parcel.Status{current}}
		if s, given := steps[d.ID()]; given {
			f.steps = s
		}
		if len(f.steps) == 0 {
			continue
		}
		if _, taken := byParcel[inv.ParcelID]; taken {
			again = append(again, d)
			continue
		}
		byParcel[inv.ParcelID] = f
		ids = append(ids, inv.ParcelID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	now := c.clock.Now()
	updated, err := c.parcels.UpdateMany(ctx, ids, func(p *parcel.Parcel) error {
		f := byParcel[p.ID()]
		for _, st := range f.steps {
			err := moveParcel(p, f.list, st, now)
			if errors.Is(err, domain.ErrIllegalTransition) {
				c.log.Debug("parcel left as it is", "parcel", p.ID(), "declaration", f.list.ID(), "target", st, "err", err)
				continue
			}
			if err != nil {
				return err
			}
		}
		if f.list.Status() == customs.StatusCleared && p.DeclarationID() == f.list.ID() {
			p.RecordClosure(now, customs.ActorCustoms, f.list.InvtNo())
		}
		if len(p.Outbox()) == 0 {
			return errUnchanged
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	changed, err := writtenOf(updated, func(err error) bool { return err == errUnchanged || isNotFound(err) })
	if err != nil {
		return nil, err
	}
	if len(again) > 0 {
		more, err := c.followParcels(ctx, again, steps)
		if err != nil {
			return nil, err
		}
		changed = append(changed, more...)
	}
	return changed, nil
}

// moveParcel moves p to the status target that its list d stands for.
func moveParcel(p *parcel.Parcel, d *customs.Declaration, target parcel.Status, now time.Time) error {
	if p.DeclarationID() != d.ID() || p.Status() == parcel.StatusRejected && target != parcel.StatusRejected {
		// Not (yet) declared under this list: declare it first, as the list was filed.
		inv, _ := d.Inventory()
		if err := p.DeclareLeavingAt(now, d.FilerID(), d.ID(), inv.PortCode); err != nil {
			return err
		}
	}
	switch target {
	case parcel.StatusAccepted:
		return p.Accept(now, "customs")
	case parcel.StatusInspection:
		return p.Inspect(now, "customs")
	case parcel.StatusReleased:
		return p.Release(now, "customs")
	case parcel.StatusRejected:
		return p.Reject(now, "customs", orDefault(d.FailReason(), "rejected by customs"))
	}
	return nil
}

// cancelParcel withdraws the parcel of a cancelled inventory list. Before release the parcel
// machine rejects and then cancels it; a released or loaded parcel is withdrawn (the release no
// longer holds: it may not be loaded, and the rail context takes a loaded one out of its
// container on the withdrawal's event, relayed through a task so that the reaction runs); goods
// that left with their train are only noted on the timeline (docs/customs.md §3.4).
func (c *Customs) cancelParcel(ctx context.Context, list *customs.Declaration) error {
	inv, ok := list.Inventory()
	if !ok || list.Status() != customs.StatusCancelled {
		return nil
	}
	now := c.clock.Now()
	withdrawn, withdrawnBefore := false, false
	p, err := c.parcels.Update(ctx, inv.ParcelID, func(p *parcel.Parcel) error {
		switch p.Status() {
		case parcel.StatusWithdrawn:
			withdrawnBefore = true // a repeat: its stock return may not have been written
			return errUnchanged
		case parcel.StatusDeclared, parcel.StatusAccepted, parcel.StatusInspection:
			if err := p.Reject(now, "customs", "inventory list cancelled by "+list.CancelledByID()); err != nil {
				return err
			}
			return p.Cancel(now, "customs", "inventory list cancelled")
		case parcel.StatusRejected:
			return p.Cancel(now, "customs", "inventory list cancelled")
		case parcel.StatusReleased, parcel.StatusLoaded:
			withdrawn = true
			return p.WithdrawRelease(now, "customs", list.CancelledByID())
		case parcel.StatusDeparted, parcel.StatusArrived:
			if !p.NoteListCancelledAfterDeparture(now, "customs", list.CancelledByID()) {
				return errUnchanged
			}
		}
		return nil
	})
	if err == nil && withdrawn {
		c.relay.soon(ctx, "parcel", p.ID())
	}
	if withdrawnBefore || (err == nil && withdrawn) {
		// The goods are still in the zone: a 1210 list's stock comes back to its account (an
		// error has the list followed again, which finds the parcel withdrawn and repeats this).
		if serr := c.returnWithdrawnStock(ctx, list); serr != nil {
			return serr
		}
	}
	if errors.Is(err, domain.ErrIllegalTransition) || err == errUnchanged || (err == nil && withdrawn) {
		return nil
	}
	if err == nil {
		c.relay.now(ctx, written("parcel", p)...)
	}
	return err
}

// declarationOf finds the declaration filed under guid. A guid never changes its declaration,
// so the answer is remembered: receipts of filings seen lately cost no store read to place.
func (c *Customs) declarationOf(ctx context.Context, guid string) (string, error) {
	if id, ok := c.filedUnder.get(guid); ok {
		return id, nil
	}
	id, err := c.declarations.IDByGUID(ctx, guid)
	if err == nil {
		c.filedUnder.put(guid, id)
	}
	return id, err
}
