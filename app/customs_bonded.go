package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/bonded"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

// How a 1210 list draws on its bonded account (docs/customs.md, "Bonded account"):
//
//   - drafting names the warehouse firm (iacCode, iacName) from the registered account the
//     parcel's emsNo names, and checks every line's item record: registered in that account,
//     the same HS code and unit, and the quantity available now (a check, not a hold);
//   - submitting reserves each item record's quantity, in the write that files the list: one
//     conditional change per item record document, so that concurrent filings can never hold
//     more than the stock (a list over the stock is refused, insufficient_stock, holding
//     nothing);
//   - customs' release (800) turns the reservation into the final decrement (出区); a rejection or
//     a cancellation before release gives it back; a cancellation after release brings it back. Both are keyed by the list's
//     declaration id inside the item's document: a receipt applied twice or late changes
//     nothing the second time.

// bondedLines are the lines of a 1210 parcel as the account sees them.
func bondedLines(f parcel.Fields) []bonded.Line {
	lines := make([]bonded.Line, len(f.Items))
	for i, it := range f.Items {
		lines[i] = bonded.Line{ItemRecordNo: it.ItemRecordNo, Gcode: it.Gcode, Unit: it.Unit, Qty: it.Qty}
	}
	return lines
}

// bondedParties are the iacCode and iacName a 1210 parcel's list names: those of the account
// its emsNo names, which must be the exporter's own, active, and hold every line's item record
// with enough available. Errors name the parcel field ("parcel.emsNo",
// "parcel.items[2].itemRecordNo").
func (c *Customs) bondedParties(ctx context.Context, exporterID string, f parcel.Fields) (iacCode, iacName string, err error) {
	unknown := domain.InvalidField("parcel.emsNo", "unknown_bonded_account",
		"emsNo "+f.EmsNo+" names no bonded account registered for this exporter / 未找到该企业的保税账册")
	if c.bonded == nil {
		return "", "", unknown
	}
	a, err := c.bonded.GetAccount(ctx, f.EmsNo)
	if isNotFound(err) || err == nil && a.FirmOrgID() != exporterID {
		return "", "", unknown
	}
	if err != nil {
		return "", "", err
	}
	if err := a.Usable(); err != nil {
		return "", "", domain.InvalidField("parcel.emsNo", domain.CodeOf(err), err.Error())
	}
	var v domain.Violations
	lines := bondedLines(f)
	nos, need, first := bonded.Needs(lines)
	stock := map[string]*bonded.Stock{}
	for _, no := range nos {
		if !a.HasItemRecord(no) {
			continue
		}
		s, err := c.bonded.GetItem(ctx, a.EmsNo(), no)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		stock[no] = s
	}
	for i, l := range lines {
		p := "parcel.items[" + strconv.Itoa(i) + "]"
		s, ok := stock[l.ItemRecordNo]
		if !ok {
			v.Add(p+".itemRecordNo", "unknown_item_record", "item record "+l.ItemRecordNo+" is not registered in account "+a.EmsNo()+" / 账册中无此料号")
			continue
		}
		s.CheckLine(l, &v, p)
		if first[l.ItemRecordNo] == i && s.Available().Cmp(need[l.ItemRecordNo]) < 0 {
			v.Add(p+".itemRecordNo", "insufficient_stock", bonded.InsufficientMessage(a.EmsNo(), l.ItemRecordNo, s.Available(), need[l.ItemRecordNo]))
		}
	}
	if err := v.Err(); err != nil {
		return "", "", err
	}
	return a.FirmCode(), a.FirmName(), nil
}

// bondedList is the inventory content of a 1210 list, and whether d is one.
func bondedList(d *customs.Declaration) (customs.Inventory, bool) {
	inv, ok := d.Inventory()
	return inv, ok && d.Kind() == customs.KindInventory && inv.Parcel.TradeMode == parcel.TradeMode1210
}

// reserveStock holds the stock of a 1210 list being filed: one change per item record, in
// item record order (two lists never wait for each other's documents in opposite orders). A
// record short of stock refuses the list and gives back what it held already. Reserving again
// for the same list changes nothing.
func (c *Customs) reserveStock(ctx context.Context, d *customs.Declaration, actor string) error {
	inv, ok := bondedList(d)
	if !ok || c.bonded == nil {
		return nil
	}
	a, err := c.bonded.GetAccount(ctx, inv.Parcel.EmsNo)
	if err != nil {
		if isNotFound(err) {
			return domain.InvalidField("parcel.emsNo", "unknown_bonded_account", "emsNo "+inv.Parcel.EmsNo+" names no bonded account / 未找到保税账册")
		}
		return err
	}
	if err := a.Usable(); err != nil {
		return err
	}
	nos, need, first := bonded.Needs(bondedLines(inv.Parcel))
	order := slices.Sorted(slices.Values(nos))
	now := c.clock.Now()
	var held []string
	for _, no := range order {
		reserved, err := c.bonded.ReserveItem(ctx, a.EmsNo(), no, d.ID(), need[no], now, actor)
		if reserved {
			held = append(held, no) // held even when its ledger line failed: given back below
		}
		var short *domain.Error
		if errors.As(err, &short) && short.Code == "insufficient_stock" {
			// Name the list's line, as drafting does.
			err = &domain.Error{Kind: short.Kind, Code: short.Code, Message: short.Message,
				Fields: []domain.FieldError{{Field: "parcel.items[" + strconv.Itoa(first[no]) + "].itemRecordNo",
					Code: short.Code, Message: short.Message}}}
		}
		if isNotFound(err) {
			err = domain.InvalidField("parcel.items["+strconv.Itoa(first[no])+"].itemRecordNo", "unknown_item_record",
				"item record "+no+" is not registered in account "+a.EmsNo()+" / 账册中无此料号")
		}
		if err != nil {
			c.unreserveStock(ctx, d, held)
			return err
		}
	}
	return nil
}

// unreserveStock gives back what list d holds on the item records nos (all of the list's
// when nil). Errors are logged: a reservation left behind is seen on the item's holds.
func (c *Customs) unreserveStock(ctx context.Context, d *customs.Declaration, nos []string) {
	now := c.clock.Now()
	err := c.changeListItems(ctx, d, nos, func(s *bonded.Stock, _ code.Decimal) bool {
		return s.Unreserve(d.ID(), now, "customs")
	})
	if err != nil {
		c.log.Warn("bonded reservation not given back", "declaration", d.ID(), "err", err)
	}
}

// returnWithdrawnStock brings back on hand what the release of list d took from its account,
// now that the release is withdrawn: the list was cancelled after its release and its parcel,
// still in the zone, withdrawn (cancelParcel; goods that left on their train never come here).
// A reservation the release had not consumed yet is given back instead. Once per list, within
// the item record's window of recent references (bonded.MaxRecentReceipts).
func (c *Customs) returnWithdrawnStock(ctx context.Context, d *customs.Declaration) error {
	now := c.clock.Now()
	return c.changeListItems(ctx, d, nil, func(s *bonded.Stock, qty code.Decimal) bool {
		return s.Unreserve(d.ID(), now, "customs") || s.ReturnReleased(d.ID(), qty, now, "customs")
	})
}

// changeListItems applies change to the stock of 1210 list d's item records nos (all of the
// list's when nil), one read-change-write each, with the quantity the list has of it; change
// reports whether it changed anything (nothing is written when not).
func (c *Customs) changeListItems(ctx context.Context, d *customs.Declaration, nos []string, change func(s *bonded.Stock, qty code.Decimal) bool) error {
	inv, ok := bondedList(d)
	if !ok || c.bonded == nil {
		return nil
	}
	all, qty, _ := bonded.Needs(bondedLines(inv.Parcel))
	if nos == nil {
		nos = slices.Sorted(slices.Values(all))
	}
	for _, no := range nos {
		_, err := c.bonded.UpdateItem(ctx, inv.Parcel.EmsNo, no, func(s *bonded.Stock) error {
			if !change(s, qty[no]) {
				return errUnchanged // applied already, or never held here
			}
			return nil
		})
		if err != nil && !isUnchanged(err) && !isNotFound(err) {
			return err
		}
	}
	return nil
}

// followStock carries 1210 lists' statuses over to their accounts: released (or cleared)
// consumes the reservation, rejected or cancelled gives it back; other statuses change
// nothing. The lists of one body of receipts are applied per item record, in one
// read-change-write of its document each (a body of 60 releases of one item is one read, one
// write and one ledger insert). Idempotent: a list that holds nothing any more is left alone.
func (c *Customs) followStock(ctx context.Context, lists []*customs.Declaration) error {
	if c.bonded == nil {
		return nil
	}
	type settle struct {
		ref     string
		release bool
	}
	type item struct{ emsNo, no string }
	byItem := map[item][]settle{}
	var items []item
	for _, d := range lists {
		inv, ok := bondedList(d)
		if !ok {
			continue
		}
		var release bool
		switch d.Status() {
		case customs.StatusReleased, customs.StatusCleared:
			release = true
		case customs.StatusRejected, customs.StatusCancelled:
			// A list cancelled after its release has no reservation left: what its release took
			// comes back only if its parcel is withdrawn in the zone (returnWithdrawnStock).
		default:
			continue
		}
		nos, _, _ := bonded.Needs(bondedLines(inv.Parcel))
		for _, no := range nos {
			k := item{inv.Parcel.EmsNo, no}
			if _, ok := byItem[k]; !ok {
				items = append(items, k)
			}
			byItem[k] = append(byItem[k], settle{ref: d.ID(), release: release})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.emsNo+"/"+a.no, b.emsNo+"/"+b.no) })
	now := c.clock.Now()
	for _, k := range items {
		_, err := c.bonded.UpdateItem(ctx, k.emsNo, k.no, func(s *bonded.Stock) error {
			changed := false
			for _, st := range byItem[k] {
				if st.release {
					changed = s.Release(st.ref, now, "customs") || changed
				} else {
					changed = s.Unreserve(st.ref, now, "customs") || changed
				}
			}
			if !changed {
				return errUnchanged // applied already, or never held here
			}
			return nil
		})
		if err != nil && !isUnchanged(err) && !isNotFound(err) {
			return err
		}
	}
	return nil
}
