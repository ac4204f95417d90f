package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/bonded"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/party"
)

// BondedStore keeps bonded accounts, their item records with balances, and the ledger.
type BondedStore interface {
	CreateAccount(ctx context.Context, a *bonded.Account) error
	GetAccount(ctx context.Context, emsNo string) (*bonded.Account, error)
	UpdateAccount(ctx context.Context, emsNo string, change func(*bonded.Account) error) (*bonded.Account, error)
	ListAccounts(ctx context.Context, firmOrgID string, limit int, cursor string) ([]*bonded.Account, string, error)
	CreateItem(ctx context.Context, s *bonded.Stock) error
	GetItem(ctx context.Context, emsNo, itemRecordNo string) (*bonded.Stock, error)
	// UpdateItem is one read and one write by _id, atomic for the item's document, and then
	// the ledger lines of the movements the change made.
	UpdateItem(ctx context.Context, emsNo, itemRecordNo string, change func(*bonded.Stock) error) (*bonded.Stock, error)
	// ReserveItem is bonded.Stock.Reserve made atomic for many concurrent filings of one item:
	// false when ref holds already; insufficient_stock when short.
	ReserveItem(ctx context.Context, emsNo, itemRecordNo, ref string, qty code.Decimal, at time.Time, actor string) (bool, error)
	ListItems(ctx context.Context, emsNo string, limit int, cursor string) ([]*bonded.Stock, string, error)
	Movements(ctx context.Context, f MovementFilter) ([]bonded.Movement, string, error)
}

// MovementFilter selects a page of an account's ledger.
type MovementFilter struct {
	EmsNo        string
	ItemRecordNo string
	Limit        int
	Cursor       string
}

// Bonded are the use cases of the bonded-zone account (账册): the operator registers accounts
// and item records and books goods into the zone; the firm holding an account (and the
// operator, and a broker working for the firm) reads it. 1210 lists draw on the stock through
// Customs (customs_bonded.go).
type Bonded struct {
	store   BondedStore
	orgs    party.OrgRepository
	tenancy *Tenancy
	clock   Clock
}

// BondedPorts are what Bonded runs on.
type BondedPorts struct {
	Basics
	Store   BondedStore
	Orgs    party.OrgRepository
	Tenancy *Tenancy
}

// NewBonded returns the bonded account use cases.
func NewBonded(p BondedPorts) *Bonded {
	b := p.Basics.withDefaults()
	return &Bonded{store: p.Store, orgs: p.Orgs, tenancy: p.Tenancy, clock: b.Clock}
}

// AccountRequest registers an account for a firm.
type AccountRequest struct {
	EmsNo       string
	FirmID      string // the organisation holding the account
	CustomsCode string // the supervising customs district
}

// RegisterAccount registers a bonded account; only the operator does. The firm's code and name
// come from the registry: the firm must be a registered exporter with a customs code.
func (b *Bonded) RegisterAccount(ctx context.Context, actor Actor, r AccountRequest) (*bonded.Account, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	firmID := strings.TrimSpace(r.FirmID)
	if firmID == "" {
		return nil, domain.InvalidField("firmId", "required", "firmId is required")
	}
	firm, err := b.orgs.Get(ctx, firmID)
	if isNotFound(err) || err == nil && firm.Kind() != party.KindExporter {
		return nil, domain.InvalidField("firmId", "unknown_firm", "firmId names no registered exporter / 未找到该企业")
	}
	if err != nil {
		return nil, err
	}
	a, err := bonded.NewAccount(bonded.AccountInput{EmsNo: r.EmsNo, FirmOrgID: firm.ID(), FirmCode: firm.CustomsCode(),
		FirmName: firm.Name(), CustomsCode: r.CustomsCode}, b.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := b.store.CreateAccount(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// AddItemRecord registers an item record (料号) in an account, with nothing in stock; only the
// operator does. The account lists it first, so an item document never exists without its
// account knowing it (a crash between leaves a listed number whose registration is repeated).
func (b *Bonded) AddItemRecord(ctx context.Context, actor Actor, emsNo string, in bonded.StockInput) (*bonded.Stock, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	in.EmsNo = emsNo
	s, err := bonded.NewStock(in, b.clock.Now())
	if err != nil {
		return nil, err
	}
	if _, err := b.store.UpdateAccount(ctx, s.EmsNo(), func(a *bonded.Account) error {
		if a.HasItemRecord(s.ItemRecordNo()) {
			return nil // listed by an earlier try; the item's own insert decides below
		}
		return a.AddItemRecord(s.ItemRecordNo(), b.clock.Now())
	}); err != nil {
		return nil, err
	}
	if err := b.store.CreateItem(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// StockLine is one line of goods booked into the zone.
type StockLine struct {
	ItemRecordNo string
	Qty          code.Decimal
}

// StockResult is what became of one line of a stock receipt.
type StockResult struct {
	ItemRecordNo string
	Booked       bool // false: the reference was booked for this item already
	Stock        *bonded.Stock
}

// ReceiveGoods books goods into the zone (入区) under one reference, line by line; only the
// operator does. Every line is checked before any is booked; a reference booked already for an
// item is not booked again, so a request that fails midway (a store error) is simply sent again:
// the lines booked before count nothing twice.
func (b *Bonded) ReceiveGoods(ctx context.Context, actor Actor, emsNo, ref string, lines []StockLine) ([]StockResult, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	a, err := b.store.GetAccount(ctx, strings.ToUpper(strings.TrimSpace(emsNo)))
	if err != nil {
		return nil, err
	}
	var v domain.Violations
	v.CheckText("ref", strings.TrimSpace(ref), true, bonded.MaxRef)
	if len(lines) == 0 || len(lines) > MaxBatch {
		v.Add("lines", "invalid_batch_size", "name 1 to 1000 lines")
	}
	seen := map[string]bool{}
	for i, l := range lines {
		p := "lines[" + strconv.Itoa(i) + "]"
		switch {
		case !a.HasItemRecord(l.ItemRecordNo):
			v.Add(p+".itemRecordNo", "unknown_item_record", "item record "+l.ItemRecordNo+" is not registered in account "+a.EmsNo()+" / 账册中无此料号")
		case seen[l.ItemRecordNo]:
			v.Add(p+".itemRecordNo", "duplicate_line", "one line per item record / 每个料号只能一行")
		}
		seen[l.ItemRecordNo] = true
		if l.Qty.Sign() <= 0 {
			v.Add(p+".qty", "must_be_positive", "qty must be more than 0 / 数量必须大于 0")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := b.clock.Now()
	out := make([]StockResult, len(lines))
	for i, l := range lines {
		booked := false
		s, err := b.store.UpdateItem(ctx, a.EmsNo(), l.ItemRecordNo, func(s *bonded.Stock) error {
			ok, err := s.Receive(ref, l.Qty, now, actor.OrgID)
			booked = ok
			if err == nil && !ok {
				return errUnchanged
			}
			return err
		})
		if err == errUnchanged {
			s, err = b.store.GetItem(ctx, a.EmsNo(), l.ItemRecordNo)
		}
		if err != nil {
			var v domain.Violations
			v.AddError("lines["+strconv.Itoa(i)+"]", err)
			if domain.KindOf(err) == domain.KindInvalid {
				return nil, v.Err()
			}
			return nil, err
		}
		out[i] = StockResult{ItemRecordNo: l.ItemRecordNo, Booked: booked, Stock: s}
	}
	return out, nil
}

// SetAccountState suspends or reactivates an account; only the operator does.
func (b *Bonded) SetAccountState(ctx context.Context, actor Actor, emsNo string, to bonded.State) (*bonded.Account, error) {
	if err := requireOperator(actor); err != nil {
		return nil, err
	}
	if to != bonded.StateActive && to != bonded.StateSuspended {
		return nil, domain.InvalidField("state", "invalid_state", `state is "active" or "suspended"`)
	}
	return b.store.UpdateAccount(ctx, strings.ToUpper(emsNo), func(a *bonded.Account) error {
		return a.MoveTo(to, b.clock.Now())
	})
}

var errBondedAccountNotFound = domain.Errorf(domain.KindNotFound, "bonded_account_not_found", "bonded account not found / 未找到保税账册")

// GetAccount reads an account the caller may see: the operator's, the firm's own, a broker's
// of a firm it works for; any other is not found.
func (b *Bonded) GetAccount(ctx context.Context, actor Actor, emsNo string) (*bonded.Account, error) {
	a, err := b.store.GetAccount(ctx, strings.ToUpper(strings.TrimSpace(emsNo)))
	if err != nil {
		return nil, err
	}
	vis, err := b.tenancy.Visibility(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !vis.Covers(a.FirmOrgID()) {
		return nil, errBondedAccountNotFound
	}
	return a, nil
}

// ListAccounts lists accounts: the operator every one, a firm its own. A broker lists none (it
// reads the account of a firm it works for by its emsNo, GetAccount).
func (b *Bonded) ListAccounts(ctx context.Context, actor Actor, limit int, cursor string) (Page[*bonded.Account], error) {
	firm := ""
	if !actor.IsOperator() {
		firm = actor.OrgID
	}
	items, next, err := b.store.ListAccounts(ctx, firm, clampLimit(limit), cursor)
	return Page[*bonded.Account]{Items: items, NextCursor: next}, err
}

// ListItems pages an account's item records with their balances.
func (b *Bonded) ListItems(ctx context.Context, actor Actor, emsNo string, limit int, cursor string) (Page[*bonded.Stock], error) {
	a, err := b.GetAccount(ctx, actor, emsNo)
	if err != nil {
		return Page[*bonded.Stock]{}, err
	}
	items, next, err := b.store.ListItems(ctx, a.EmsNo(), clampLimit(limit), cursor)
	return Page[*bonded.Stock]{Items: items, NextCursor: next}, err
}

// GetItem reads one item record with its balance.
func (b *Bonded) GetItem(ctx context.Context, actor Actor, emsNo, itemRecordNo string) (*bonded.Stock, error) {
	a, err := b.GetAccount(ctx, actor, emsNo)
	if err != nil {
		return nil, err
	}
	return b.store.GetItem(ctx, a.EmsNo(), itemRecordNo)
}

// Movements pages an account's ledger, newest first.
func (b *Bonded) Movements(ctx context.Context, actor Actor, f MovementFilter) (Page[bonded.Movement], error) {
	a, err := b.GetAccount(ctx, actor, f.EmsNo)
	if err != nil {
		return Page[bonded.Movement]{}, err
	}
	f.EmsNo, f.Limit = a.EmsNo(), clampLimit(f.Limit)
	items, next, err := b.store.Movements(ctx, f)
	return Page[bonded.Movement]{Items: items, NextCursor: next}, err
}

// isUnchanged tells a change that had nothing to do.
func isUnchanged(err error) bool { return errors.Is(err, errUnchanged) }
