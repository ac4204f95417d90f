package app

import (
	"context"
	"errors"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// KeptReceipt is a body of receipts the service could not apply: a document it cannot read, a
// receipt for a guid it never filed under, a receipt that does not fit its declaration. It is
// kept whole, with the error, for a person to look at — a receipt is customs' word on a filing
// and is never thrown away.
type KeptReceipt struct {
	ID         string              // "rcpt_" + a time-ordered id
	ReceivedAt time.Time           //
	Body       []byte              // the body exactly as it came
	Code       string              // the error's code: malformed_receipt, unknown_guid, ...
	Error      string              // the error's message
	Fields     []domain.FieldError // where in the body, when the error says
}

// KeptReceiptStore keeps the receipt bodies that could not be applied (in MongoDB:
// "kept_receipts", an insert each; nothing reads them on a hot path).
type KeptReceiptStore interface {
	KeepReceipt(ctx context.Context, r KeptReceipt) error
}

// ReceiveReceipts applies a body of receipt documents, from the receipts endpoint or a receipt
// task (the simulated authority, the DXP inbox). Every document is read and every guid found
// before anything is applied, so a body with a malformed document (Invalid) or an unknown guid
// (NotFound) changes nothing: such a body is kept whole with its error (KeptReceiptStore) and
// the error is returned. A receipt that does not fit its declaration (Conflict, e.g. another
// filing's guid; FailedPrecondition) is left out while the body's other receipts apply, and the
// body is kept with that receipt's error too. When it cannot even be kept, that failure is returned instead, so that a
// receipt task is retried rather than the body lost. Applying is idempotent and order-tolerant
// (the declaration decides), and what follows from a change — the parcel's status, a
// cancellation, a summary's lists — follows through the outbox.
func (c *Customs) ReceiveReceipts(ctx context.Context, body []byte) ([]ReceiptResult, error) {
	out, err := c.applyReceipts(ctx, body)
	if err == nil || domain.KindOf(err) == domain.KindInternal {
		return out, err
	}
	if kerr := c.keepReceipt(ctx, body, err); kerr != nil {
		return nil, kerr
	}
	return out, err
}

// keepReceipt stores body with the error that stopped it.
func (c *Customs) keepReceipt(ctx context.Context, body []byte, cause error) error {
	k := KeptReceipt{ID: c.ids.New("rcpt"), ReceivedAt: c.clock.Now(), Body: append([]byte(nil), body...),
		Code: string(domain.CodeOf(cause)), Error: cause.Error()}
	var e *domain.Error
	if errors.As(cause, &e) {
		k.Error, k.Fields = e.Message, e.Fields
	}
	if c.kept == nil {
		c.log.Error("receipt body not applied and no store to keep it", "code", k.Code, "err", cause, "body", string(body))
		return nil
	}
	if err := c.kept.KeepReceipt(ctx, k); err != nil {
		return err
	}
	c.log.Warn("receipt body not applied; kept", "kept", k.ID, "code", k.Code, "err", cause)
	return nil
}
