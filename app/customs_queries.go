package app

import (
	"context"
	"slices"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

// GetDeclaration returns a declaration the caller may see: the operator all, an exporter its
// own, a broker those of the exporters that authorised it.
func (c *Customs) GetDeclaration(ctx context.Context, actor Actor, id string) (*customs.Declaration, error) {
	d, err := c.declarations.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	visible, err := c.tenancy.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !visible.Covers(d.ExporterID()) && d.FilerID() != actor.OrgID {
		return nil, notFoundDeclaration
	}
	return d, nil
}

// DeclarationMessage returns the exact XML the current filing of a declaration the caller may
// see sent to customs; a draft has none (NotFound message_not_found).
func (c *Customs) DeclarationMessage(ctx context.Context, actor Actor, id string) ([]byte, error) {
	d, err := c.GetDeclaration(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if d.GUID() == "" {
		return nil, domain.Errorf(domain.KindNotFound, "message_not_found", "the declaration has not been submitted: no message was sent")
	}
	return c.messageOf(ctx, d)
}

// ListDeclarations lists the declarations the caller may see, newest first.
func (c *Customs) ListDeclarations(ctx context.Context, actor Actor, f customs.Filter) (Page[*customs.Declaration], error) {
	f.Limit = clampLimit(f.Limit)
	visible, err := c.tenancy.Visibility(ctx, actor)
	if err != nil {
		return Page[*customs.Declaration]{}, err
	}
	f.ExporterIDs = visible.Restrict(f.ExporterIDs)
	items, next, err := c.declarations.List(ctx, f)
	return Page[*customs.Declaration]{Items: items, NextCursor: next}, err
}

// ClearanceStats are figures of submitted → released times.
type ClearanceStats struct {
	Count         int           `json:"count"`
	P50, P90, P99 time.Duration `json:"-"`
}

// ClearanceStatistics measures how long inventory lists released in [from, to) took from
// submission to release: the operator sees the zone, others their own scope. Only the lists
// released in the period are read, and of each only its two times.
func (c *Customs) ClearanceStatistics(ctx context.Context, actor Actor, from, to time.Time, tradeMode string) (ClearanceStats, error) {
	visible, err := c.tenancy.Visibility(ctx, actor)
	if err != nil {
		return ClearanceStats{}, err
	}
	durations, err := c.declarations.ClearanceTimes(ctx, ClearanceFilter{ExporterIDs: visible.Restrict(nil),
		TradeMode: tradeMode, From: from, To: to})
	if err != nil {
		return ClearanceStats{}, err
	}
	slices.Sort(durations)
	st := ClearanceStats{Count: len(durations)}
	if len(durations) > 0 {
		st.P50, st.P90, st.P99 = percentile(durations, 50), percentile(durations, 90), percentile(durations, 99)
	}
	return st, nil
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}
