package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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

// ReceiveReceipts applies a body of receipt documents (from the receipts endpoint or a receipt
// task). Every document is read and every guid found before anything is applied, so a body with
// a malformed document (Invalid) or an unknown guid (NotFound) changes nothing. Applying is
// idempotent and order-tolerant (the declaration decides), and what follows from a change — the
// parcel's status, a cancellation, a summary's lists — follows through the outbox.
func (c *Customs) ReceiveReceipts(ctx context.Context, body []byte) ([]ReceiptResult, error) {
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
	now := c.clock.Now()
	out := make([]ReceiptResult, len(receipts))
	var changed []string
	for i, r := range receipts {
		r.ReceivedAt = now
		var outcome customs.Outcome
		d, err := c.declarations.Update(ctx, ids[i], func(d *customs.Declaration) error {
			var err error
			outcome, err = d.ApplyReceipt(r, now)
			if outcome == customs.Duplicate {
				return errUnchanged
			}
			return err
		})
		if err == errUnchanged {
			d, err = c.declarations.Get(ctx, ids[i])
		}
		if err != nil {
			return nil, err
		}
		out[i] = ReceiptResult{GUID: r.GUID, ReturnStatus: r.ReturnStatus, DeclarationID: ids[i], Outcome: outcome, Status: d.Status()}
		if outcome != customs.Duplicate && !slices.Contains(changed, ids[i]) {
			changed = append(changed, ids[i])
		}
	}
	c.relay.soon(ctx, "declaration", changed...)
	return out, nil
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
		return c.followParcel(ctx, d)
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
			return c.cancelParcel(ctx, target)
		}
	case customs.KindSummary:
		res, ok := d.SummaryResult()
		if !ok {
			return nil
		}
		for _, l := range res.Lists {
			if _, err := c.declarations.Update(ctx, l.DeclarationID, func(list *customs.Declaration) error {
				return list.MarkSummarised(d.ID(), res.EntryIDs, now, "customs")
			}); err != nil && domain.KindOf(err) != domain.KindFailedPrecondition {
				return err
			}
		}
	}
	return nil
}

// followParcel drives an inventory list's parcel to the status the list stands for. A move the
// parcel refuses as stale (a late "accepted" after "released") is left alone.
func (c *Customs) followParcel(ctx context.Context, d *customs.Declaration) error {
	target, ok := d.ParcelStatus()
	inv, _ := d.Inventory()
	if !ok || inv.ParcelID == "" {
		return nil
	}
	now := c.clock.Now()
	_, err := c.parcels.Update(ctx, inv.ParcelID, func(p *parcel.Parcel) error {
		if p.DeclarationID() != d.ID() || p.Status() == parcel.StatusRejected && target != parcel.StatusRejected {
			// Not (yet) declared under this list: declare it first, as the list was filed.
			if err := p.Declare(now, d.FilerID(), d.ID()); err != nil {
				return err
			}
		}
		var err error
		switch target {
		case parcel.StatusDeclared:
			return nil
		case parcel.StatusAccepted:
			err = p.Accept(now, "customs")
		case parcel.StatusInspection:
			err = p.Inspect(now, "customs")
		case parcel.StatusReleased:
			err = p.Release(now, "customs")
		case parcel.StatusRejected:
			err = p.Reject(now, "customs", orDefault(d.FailReason(), "rejected by customs"))
		}
		return err
	})
	if errors.Is(err, domain.ErrIllegalTransition) {
		c.log.Debug("parcel left as it is", "parcel", inv.ParcelID, "declaration", d.ID(), "target", target, "err", err)
		return nil
	}
	if err == nil {
		c.relay.soon(ctx, "parcel", inv.ParcelID)
	}
	return err
}

// cancelParcel withdraws the parcel of a cancelled inventory list where the parcel machine
// allows it (Reject, then Cancel); a released parcel cannot be cancelled by the parcel machine
// yet, so it is left released and the cancellation stands on the declaration.
func (c *Customs) cancelParcel(ctx context.Context, list *customs.Declaration) error {
	inv, ok := list.Inventory()
	if !ok || list.Status() != customs.StatusCancelled {
		return nil
	}
	now := c.clock.Now()
	_, err := c.parcels.Update(ctx, inv.ParcelID, func(p *parcel.Parcel) error {
		switch p.Status() {
		case parcel.StatusDeclared, parcel.StatusAccepted, parcel.StatusInspection:
			if err := p.Reject(now, "customs", "inventory list cancelled by "+list.CancelledByID()); err != nil {
				return err
			}
			return p.Cancel(now, "customs", "inventory list cancelled")
		case parcel.StatusRejected:
			return p.Cancel(now, "customs", "inventory list cancelled")
		}
		return nil
	})
	if errors.Is(err, domain.ErrIllegalTransition) {
		return nil
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
